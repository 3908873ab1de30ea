// The history browser offscreen against a real SQLite history written by the real pipeline: the demo storm
// (and, for screenshots, a suite of generated scenarios) replayed days in the past, with acks, notes, a
// runbook run, the resolve and the metric series kept as a snapshot. Searches, label chips, lazy paging,
// opening a past incident as it looked, and scrubbing it minute by minute with the keys.
//
// NIGHTWATCH_HISTORY_SUITE=DIR adds every scenario in DIR to the history; NIGHTWATCH_SCREENSHOT_DIR=DIR saves
// history-browser.png and replayed-incident.png there.

#include "alerttablemodel.h"
#include "graphview.h"
#include "history/viewsnapshotjson.h"
#include "historybrowser.h"
#include "historyresultmodel.h"
#include "incidentsummarycard.h"
#include "ingest/replaysource.h"
#include "ingest/scenarioreader.h"
#include "metricchartsview.h"
#include "pastincidentview.h"
#include "pipeline/pipeline.h"
#include "replayscrubber.h"
#include "store/store.h"
#include "timelinechartview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSlider>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QGuiApplication>
#include <QScreen>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString demoFeed = QStringLiteral(NIGHTWATCH_SOURCE_DIR "/resources/demo/blackfriday-feed.json");
// The demo storm's main incident, whatever else the history holds.
const QString demoQuery = QStringLiteral("DatabaseConnectionPool service=order-service");

// Moves a recording so it ends at `endsAt`, renaming fingerprints with suffix so several recordings (or the
// same one twice) stay distinct alerts and incidents in one database.
void shift(Scenario& s, const QDateTime& endsAt, const QString& suffix)
{
    QDateTime last;
    for (const Alert& a : std::as_const(s.alerts))
        if (!last.isValid() || a.receivedAt > last)
            last = a.receivedAt;
    const qint64 by = last.msecsTo(endsAt);
    for (Alert& a : s.alerts) {
        a.startsAt = a.startsAt.addMSecs(by);
        if (a.endsAt.isValid())
            a.endsAt = a.endsAt.addMSecs(by);
        a.receivedAt = a.receivedAt.addMSecs(by);
        if (!suffix.isEmpty())
            a.fingerprint += suffix;
    }
    for (ChangeEvent& c : s.changes)
        c.at = c.at.addMSecs(by);
}

// One recording through the real pipeline (store, correlator, diagnoser, graph snapshots), as `replay` does.
bool replayInto(const QString& db, Scenario scenario, QString* error)
{
    Pipeline pipeline;
    Pipeline::Options options;
    options.databasePath = db;
    if (scenario.graph)
        options.graph = std::make_shared<const ServiceGraph>(*scenario.graph);
    options.refreshMs = -1;
    if (!pipeline.open(options, error))
        return false;
    ReplaySource::Options ro;
    ro.shiftToNow = false;
    ReplaySource replay(&pipeline, std::move(scenario), u"replay:history-test"_s, ro);
    replay.setChangeSink(&pipeline);
    bool ok = false;
    QObject::connect(&replay, &ReplaySource::finished, [&ok](bool success) { ok = success; });
    replay.start();
    if (!ok) {
        *error = replay.health().lastError;
        return false;
    }
    pipeline.flush();
    return true;
}

// The feed's recorded series as the charts would have received them from Prometheus.
IncidentMetricsResult metricsOf(const Scenario& s, const QString& incidentKey, qint64 shiftMs)
{
    IncidentMetricsResult r;
    r.incidentKey = incidentKey;
    const int step = s.metrics.value("step_seconds", 60);
    const QDateTime start =
        QDateTime::fromString(QString::fromStdString(s.metrics.value("start", "")), Qt::ISODate).addMSecs(shiftMs);
    r.stepSeconds = step;
    r.start = start;
    for (const auto& one : s.metrics["series"]) {
        IncidentMetricsResult::Series series;
        series.service = QString::fromStdString(one.value("service", ""));
        series.templateId = QString::fromStdString(one.value("metric", ""));
        if (series.templateId.contains(u"error")) {
            series.kind = IncidentMetricsResult::Kind::Errors;
            series.noun = u"error ratio"_s;
        } else if (series.templateId.contains(u"latency")) {
            series.kind = IncidentMetricsResult::Kind::Latency;
            series.noun = u"p99 latency (s)"_s;
        } else {
            series.kind = IncidentMetricsResult::Kind::Saturation;
            series.noun = u"pool in use"_s;
        }
        series.server = u"http://prometheus.internal:9090"_s;
        int i = 0;
        for (const auto& v : one["values"])
            series.points.append({start.addSecs(qint64(step) * i++).toMSecsSinceEpoch(), v.get<double>()});
        r.series << series;
        r.end = start.addSecs(qint64(step) * (i - 1));
    }
    return r;
}

} // namespace

class TestUiHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listsAndSearches();
    void opensAPastIncidentAsItLooked();
    void scrubsMinuteByMinute();
    void pagesInLazily();
    void fitsALaptopAndClosesWithEsc();

private:
    void waitForSearch(HistoryBrowser& browser, const QString& text);

    QTemporaryDir m_dir;
    QString m_db;
    qint64 m_mainId = 0;
    QDateTime m_recentEnd;
    QString m_screenshots;
};

void TestUiHistory::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_db = m_dir.filePath(u"history.sqlite"_s);
    m_screenshots = qEnvironmentVariable("NIGHTWATCH_SCREENSHOT_DIR");
    QString error;
    const QDateTime now = QDateTime::currentDateTimeUtc();

    // A suite of generated storms, one every few days over the past months (screenshots only).
    if (const QString suite = qEnvironmentVariable("NIGHTWATCH_HISTORY_SUITE"); !suite.isEmpty()) {
        const QStringList files = QDir(suite).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
        for (int i = 0; i < files.size(); ++i) {
            auto s = ScenarioReader::readFile(QDir(suite).filePath(files.at(i)), &error);
            QVERIFY2(s, qPrintable(error));
            shift(*s, now.addDays(-4 - 3 * i).addSecs(-3600 * (i * 7 % 13)), u"-s%1"_s.arg(i));
            QVERIFY2(replayInto(m_db, std::move(*s), &error), qPrintable(error));
        }
        // Someone looked after each of them: acknowledged within minutes, resolved a while after the last alert.
        Store store(u"tst-ui-history-suite"_s);
        QVERIFY2(store.open(m_db, &error), qPrintable(error));
        HistoryQuery all;
        all.limit = 10'000;
        const auto page = store.searchHistory(all, &error);
        QVERIFY2(page, qPrintable(error));
        const QByteArray user = qgetenv("USER");
        for (int i = 0; i < page->rows.size(); ++i) {
            const HistorySummary& s = page->rows.at(i);
            qputenv("USER", i % 3 ? "alice" : "bob");
            QVERIFY(store.recordAction(s.id, u"ack"_s, {}, &error, s.firstAlertAt.addSecs(60 + 37 * (i % 9))));
            QVERIFY(store.recordAction(s.id, u"resolve"_s, {}, &error, s.lastAlertAt.addSecs(300 + 170 * (i % 13))));
        }
        qputenv("USER", user);
    }
    // The Black-Friday storm twice: six weeks ago and two days ago.
    auto old = ScenarioReader::readFile(demoFeed, &error);
    QVERIFY2(old, qPrintable(error));
    shift(*old, now.addDays(-45), u"-old"_s);
    QVERIFY2(replayInto(m_db, std::move(*old), &error), qPrintable(error));
    auto recent = ScenarioReader::readFile(demoFeed, &error);
    QVERIFY2(recent, qPrintable(error));
    const Scenario recorded = *recent;
    m_recentEnd = now.addDays(-2);
    shift(*recent, m_recentEnd, {});
    const qint64 shiftMs = recorded.alerts.constLast().receivedAt.msecsTo(recent->alerts.constLast().receivedAt);
    QVERIFY2(replayInto(m_db, std::move(*recent), &error), qPrintable(error));

    // What the on-call did during the recent one, by name and time, and what the charts showed.
    Store store(u"tst-ui-history-seed"_s);
    QVERIFY2(store.open(m_db, &error), qPrintable(error));
    HistoryQuery q = HistoryQuery::parse(demoQuery);
    const auto page = store.searchHistory(q, &error);
    QVERIFY2(page && page->rows.size() == 2, qPrintable(error));
    const HistorySummary main = page->rows.constFirst(); // newest first: the recent storm
    QVERIFY(main.firstAlertAt > now.addDays(-3));
    m_mainId = main.id;
    const QDateTime began = main.firstAlertAt;
    const QByteArray user = qgetenv("USER");
    qputenv("USER", "alice");
    QVERIFY(store.recordAction(m_mainId, u"ack"_s, {}, &error, began.addSecs(4 * 60)));
    QVERIFY(store.recordAction(m_mainId, u"note"_s, u"pool at 100/100; order-service pods restarting"_s, &error,
                               began.addSecs(7 * 60)));
    RunbookRun run;
    run.at = began.addSecs(11 * 60);
    run.incidentId = m_mainId;
    run.runbookId = u"postgres-pool"_s;
    run.step = u"raise-max-connections"_s;
    run.argv = {u"kubectl"_s,        u"-n"_s, u"production"_s, u"set"_s, u"env"_s, u"deploy/order-service"_s,
                u"DB_POOL_MAX=200"_s};
    run.approval = u"approved"_s;
    run.exitCode = 0;
    run.outcome = RunbookRun::Outcome::Passed;
    QVERIFY(store.recordRunbookRun(run, &error) != 0);
    QVERIFY(store.recordAction(m_mainId, u"mitigate"_s, u"pool raised to 200"_s, &error, began.addSecs(14 * 60)));
    qputenv("USER", "bob");
    QVERIFY(store.recordAction(m_mainId, u"resolve"_s, {}, &error, began.addSecs(40 * 60)));
    Resolution r;
    r.incidentId = m_mainId;
    r.at = began.addSecs(40 * 60);
    r.fixedByRunbook = u"postgres-pool"_s;
    r.fixedByStep = u"raise-max-connections"_s;
    r.rootCause = u"postgres-main"_s;
    r.suggestionRight = true;
    r.actionable = true;
    QVERIFY(store.recordResolution(r, &error));
    qputenv("USER", user);
    QVERIFY(store.saveViewSnapshot(m_mainId, ViewSnapshotJson::MetricsKind,
                                   ViewSnapshotJson::metrics(metricsOf(recorded, main.key, shiftMs)), &error));
}

void TestUiHistory::waitForSearch(HistoryBrowser& browser, const QString& text)
{
    QSignalSpy done(&browser, &HistoryBrowser::searchFinished);
    browser.searchEdit()->setText(text);
    browser.search();
    QVERIFY(done.wait(10'000));
}

void TestUiHistory::listsAndSearches()
{
    HistoryBrowser browser(m_db);
    QAbstractItemModelTester tester(browser.resultModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    browser.show();
    QTRY_VERIFY_WITH_TIMEOUT(!browser.isSearching(), 10'000);
    const int all = browser.resultModel()->total();
    QVERIFY2(all >= 4, qPrintable(QString::number(all)));         // two storms, each several incidents
    QVERIFY(browser.resultModel()->rowCount() >= qMin(all, 100)); // the view may page in more as it lays out

    waitForSearch(browser, demoQuery);
    QCOMPARE(browser.resultModel()->rowCount(), 2);
    QCOMPARE(browser.resultModel()->summary(0).id, m_mainId);
    QVERIFY(browser.resultModel()->summary(1).firstAlertAt < browser.resultModel()->summary(0).firstAlertAt);
    QCOMPARE(browser.chipTexts().size(), 1);

    // A label filter becomes a chip; clicking it away searches again without it.
    waitForSearch(browser, u"pool service=order-service"_s);
    QCOMPARE(browser.chipTexts().size(), 1);
    QVERIFY(browser.chipTexts().constFirst().startsWith(u"service = order-service"_s));
    QVERIFY(browser.resultModel()->rowCount() >= 2);

    // The period: only the recent storm is within the last week.
    QSignalSpy done(&browser, &HistoryBrowser::searchFinished);
    browser.searchEdit()->setText(demoQuery);
    browser.periodBox()->setCurrentIndex(browser.periodBox()->findData(7));
    QTRY_VERIFY_WITH_TIMEOUT(!browser.isSearching() && browser.resultModel()->rowCount() == 1, 10'000);
    QCOMPARE(browser.resultModel()->summary(0).id, m_mainId);

    // Odd input is text, never an error.
    browser.periodBox()->setCurrentIndex(0);
    waitForSearch(browser, u"foo\"bar -  NEAR( *"_s);
    QCOMPARE(browser.resultModel()->rowCount(), 0);
    QVERIFY(browser.statusText().startsWith(u"0"_s));
}

void TestUiHistory::opensAPastIncidentAsItLooked()
{
    HistoryBrowser browser(m_db);
    browser.show();
    waitForSearch(browser, demoQuery);
    QSignalSpy opened(&browser, &HistoryBrowser::incidentOpened);
    browser.resultView()->setCurrentIndex(browser.resultModel()->index(0, 0));
    QVERIFY(opened.wait(10'000));
    QCOMPARE(opened.constFirst().constFirst().toLongLong(), m_mainId);

    PastIncidentView* view = browser.incidentView();
    QCOMPARE(view->incidentId(), m_mainId);
    // As it ended: every alert, the stored diagnosis, the lifecycle, the graph from its snapshot.
    QVERIFY(view->alertModel()->rowCount() >= 10);
    QVERIFY(!view->card()->rootCauseText().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!view->graphView()->isLayoutPending(), 10'000);
    QVERIFY(view->graphView()->nodeNames().contains(u"postgres-main"_s));
    QVERIFY(view->graphView()->nodeNames().contains(u"order-service"_s));
    QVERIFY(view->chartTabs()->isTabEnabled(1)); // the metric series were kept
    QCOMPARE(view->metricsView()->seriesCount(), 6);
    QCOMPARE(view->actionsTable()->rowCount(), 5); // ack, note, run, mitigate, resolve
    QCOMPARE(view->visibleActionCount(), 5);
    QCOMPARE(view->scrubber()->minute(), view->scrubber()->minutes());
    QVERIFY(view->scrubber()->minutes() >= 40);

    if (!m_screenshots.isEmpty()) {
        waitForSearch(browser, u"severity=critical"_s);
        browser.resultView()->setCurrentIndex(browser.resultModel()->index(0, 0));
        for (int row = 0; row < browser.resultModel()->rowCount(); ++row)
            if (browser.resultModel()->summary(row).id == m_mainId)
                browser.resultView()->setCurrentIndex(browser.resultModel()->index(row, 0));
        QTRY_VERIFY_WITH_TIMEOUT(!browser.isLoading() && !view->graphView()->isLayoutPending(), 10'000);
        QTest::qWait(300);
        QVERIFY(browser.grab().save(QDir(m_screenshots).filePath(u"history-browser.png"_s)));
    }
}

void TestUiHistory::scrubsMinuteByMinute()
{
    HistoryBrowser browser(m_db);
    browser.show();
    QVERIFY(QTest::qWaitForWindowExposed(&browser));
    QSignalSpy opened(&browser, &HistoryBrowser::incidentOpened);
    browser.openIncident(m_mainId);
    QVERIFY(opened.wait(10'000));
    PastIncidentView* view = browser.incidentView();
    ReplayScrubber* scrubber = view->scrubber();
    const int endAlerts = view->alertModel()->rowCount();

    // The first minute: only what had arrived, nobody had acted yet.
    QTest::keyClick(&browser, Qt::Key_Home);
    QCOMPARE(scrubber->minute(), 0);
    QCOMPARE(view->shownTime(), view->timeline().start());
    const int firstAlerts = view->alertModel()->rowCount();
    QVERIFY(firstAlerts >= 1);
    QVERIFY(firstAlerts < endAlerts);
    QCOMPARE(view->visibleActionCount(), 0);
    QVERIFY(view->card()->evidence().size() > 0);

    // Step with the keys; the charts' cursors follow the replayed moment.
    QTest::keyClick(&browser, Qt::Key_Right);
    QTest::keyClick(&browser, Qt::Key_Right);
    QCOMPARE(scrubber->minute(), 2);
    QCOMPARE(view->shownTime(), view->timeline().start().addSecs(120));
    QCOMPARE(view->timelineView()->cursorTime(), view->shownTime());
    QCOMPARE(view->metricsView()->cursorTime(), view->shownTime());
    QTest::keyClick(&browser, Qt::Key_Left);
    QCOMPARE(scrubber->minute(), 1);

    // Five minutes after the ack: acknowledged, the ack and the note listed; the run not yet.
    const ReplayTimeline& timeline = view->timeline();
    int minute = 0;
    while (minute < scrubber->minutes() && timeline.timeAtMinute(minute) < m_recentEnd.addYears(-100))
        ++minute;
    scrubber->setMinute(0);
    for (minute = 0; minute <= scrubber->minutes(); ++minute) {
        const ReplayTimeline::State s = timeline.stateAt(timeline.timeAtMinute(minute));
        if (s.actions.size() == 2 && s.runs.isEmpty())
            break;
    }
    QVERIFY(minute <= scrubber->minutes());
    scrubber->setMinute(minute);
    QCOMPARE(view->visibleActionCount(), 2);
    QCOMPARE(view->timelineView()->actionCount(), 0);

    // Dragging the slider is the same as stepping.
    scrubber->slider()->setValue(scrubber->minutes());
    QCOMPARE(view->alertModel()->rowCount(), endAlerts);
    QCOMPARE(view->visibleActionCount(), 5);
    QCOMPARE(view->timelineView()->actionCount(), 1);

    // Play from the start: it advances by itself and stops at the end.
    scrubber->setPlayIntervalMs(5);
    QTest::keyClick(&browser, Qt::Key_Space);
    QVERIFY(scrubber->isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(scrubber->minute() >= 3, 5'000);
    QTest::keyClick(&browser, Qt::Key_Space);
    QVERIFY(!scrubber->isPlaying());
    const int paused = scrubber->minute();
    QTest::qWait(50);
    QCOMPARE(scrubber->minute(), paused);

    if (!m_screenshots.isEmpty()) {
        // One minute in: the cascade under way, nobody has acted yet.
        scrubber->setMinute(1);
        view->chartTabs()->setCurrentIndex(0);
        QTRY_VERIFY_WITH_TIMEOUT(!view->graphView()->isLayoutPending(), 10'000);
        QTest::qWait(300);
        QVERIFY(browser.grab().save(QDir(m_screenshots).filePath(u"replayed-incident.png"_s)));
    }
}

void TestUiHistory::pagesInLazily()
{
    // Enough incidents for several pages: the list asks for the next page only when it is scrolled to.
    QTemporaryDir dir;
    const QString db = dir.filePath(u"many.sqlite"_s);
    {
        Store store(u"tst-ui-history-many"_s);
        QString error;
        QVERIFY2(store.open(db, &error), qPrintable(error));
        AlertBatch alerts;
        QVector<Incident> incidents;
        for (int i = 0; i < 250; ++i) {
            Alert a;
            a.labels = {{u"alertname"_s, u"DiskSpaceLow"_s}, {u"service"_s, u"ledger-%1"_s.arg(i % 5)}};
            a.fingerprint = u"fp-%1"_s.arg(i);
            a.startsAt = QDateTime::currentDateTimeUtc().addSecs(-3600 * (i + 1));
            a.receivedAt = a.startsAt;
            alerts << a;
            Incident inc;
            inc.key = a.fingerprint;
            inc.alerts << TrackedAlert{a, a.startsAt, a.receivedAt, a.receivedAt, 1, 0, false, {}};
            inc.firstAlertAt = inc.lastAlertAt = a.startsAt;
            incidents << inc;
        }
        QVERIFY(store.recordNotifications(alerts, &error) && store.saveIncidents(incidents, &error));
        QVERIFY2(store.refreshSearchIndex(&error), qPrintable(error));
    }
    // Hidden, so no view asks on its own: the model fetches exactly when told to, one page at a time. (No
    // QAbstractItemModelTester here: it calls fetchMore() itself; listsAndSearches runs it on this model.)
    HistoryBrowser browser(db);
    QTRY_VERIFY_WITH_TIMEOUT(!browser.isSearching(), 10'000);
    HistoryResultModel* model = browser.resultModel();
    QCOMPARE(model->total(), 250);
    QCOMPARE(model->loadedCount(), 100);
    QVERIFY(model->canFetchMore({}));
    model->fetchMore({});
    QVERIFY(!model->canFetchMore({})); // one page in flight at a time
    QTRY_COMPARE_WITH_TIMEOUT(model->loadedCount(), 200, 10'000);
    model->fetchMore({});
    QTRY_COMPARE_WITH_TIMEOUT(model->loadedCount(), 250, 10'000);
    // Shown and scrolled, the view itself pages in (it already has everything here).
    browser.show();
    browser.resultView()->scrollToBottom();
    QVERIFY(!model->canFetchMore({}));
    QCOMPARE(model->summary(0).key, u"fp-0"_s);     // newest first
    QCOMPARE(model->summary(249).key, u"fp-249"_s); // pages continue in order
}

void TestUiHistory::fitsALaptopAndClosesWithEsc()
{
    HistoryBrowser browser(m_db);
    // Nothing in it insists on more than a 1366×768 screen, and it opens within the screen it is on.
    const QSize least = browser.minimumSizeHint();
    QVERIFY2(least.width() <= 1366 && least.height() <= 768 - 40,
             qPrintable(u"needs %1x%2"_s.arg(least.width()).arg(least.height())));
    QVERIFY(browser.size().width() <= QGuiApplication::primaryScreen()->availableGeometry().width());
    QVERIFY(browser.size().height() <= QGuiApplication::primaryScreen()->availableGeometry().height());
    browser.show();
    QVERIFY(QTest::qWaitForWindowExposed(&browser));
    QTest::keyClick(&browser, Qt::Key_Escape);
    QVERIFY(!browser.isVisible());
}

QTEST_MAIN(TestUiHistory)
#include "tst_ui_history.moc"
