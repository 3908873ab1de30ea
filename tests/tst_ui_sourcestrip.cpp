// The header's source strip as a team deploys it: several Alertmanagers, a Prometheus and the webhook. Every chip
// fits the strip (or leaves for the "+N" indicator that names it) in normal and war-room type at 1366×768 and
// 1920×1080, never cut mid-glyph; the status bar's texts fit too. A Prometheus that is down shows as such on its
// chip but, being a metrics source, never withholds the all-clear (alerts still arrive without it). A source changing
// state keeps the strip's height: the window's contents below it do not move (a storm's first data relaid them all).
// NIGHTWATCH_SCREENSHOT_DIR=/some/dir keeps the screenshots.

#include "feedstatus.h"
#include "incidentsummarycard.h"
#include "mainwindow.h"
#include "sourcehealthbar.h"
#include "sourcehealthmodel.h"
#include "theme.h"
#include "tst_ui_fixture.h"
#include "warroommode.h"

#include <QDir>
#include <QLabel>
#include <QStatusBar>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

SourceHealth prometheus(SourceHealth::State state)
{
    SourceHealth p;
    p.id = u"prometheus:https://mimir.example:8443/prometheus"_s;
    p.displayName = u"Prometheus https://mimir.example:8443/prometheus"_s;
    p.kind = SourceHealth::Kind::Metrics;
    p.access = u"TLS (own CA) · bearer · X-Scope-OrgID team-a"_s;
    p.state = state;
    p.lastSuccessAt = fixture::at(13, 58, 0);
    if (state != SourceHealth::State::Live)
        p.lastError = u"Connection refused"_s;
    return p;
}

// Three Alertmanagers (the second unreachable), the webhook, and a Prometheus.
QVector<SourceHealth> teamSources(SourceHealth::State prometheusState)
{
    QVector<SourceHealth> sources = fixture::sources(false);
    SourceHealth ap = sources.at(0);
    ap.id = u"alertmanager-poll:https://am-ap.example:9093/api/alertmanager/grafana"_s;
    ap.displayName = u"Alertmanager https://am-ap.example:9093/api/alertmanager/grafana"_s;
    ap.access = u"TLS · bearer"_s;
    sources.insert(2, ap);
    sources.append(prometheus(prometheusState));
    return sources;
}

void saveShot(QWidget* window, const QString& name)
{
    const QString dir = qEnvironmentVariable("NIGHTWATCH_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(window->grab().save(QDir(dir).filePath(name), "PNG"));
}

// The label's one line fits its own width: nothing is cut at its edge.
bool textFits(const QLabel* label)
{
    return QFontMetrics(label->font()).horizontalAdvance(label->text()) <= label->contentsRect().width();
}

QRect rectIn(const QWidget* w, const QWidget* ancestor)
{
    return QRect(w->mapTo(ancestor, QPoint()), w->size());
}

} // namespace

class TestUiSourceStrip : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();
    void metricsSourcesNeverWithholdTheAllClear_data();
    void metricsSourcesNeverWithholdTheAllClear();
    void prometheusDownShowsOnItsChipOnly();
    void chipsAndStatusBarFit_data();
    void chipsAndStatusBarFit();
    void stateChangeKeepsTheStripHeight_data();
    void stateChangeKeepsTheStripHeight();
};

void TestUiSourceStrip::cleanup()
{
    Theme::setFontScale(1.0); // a war-room row must not leave its type to the next
}

void TestUiSourceStrip::metricsSourcesNeverWithholdTheAllClear_data()
{
    QTest::addColumn<QVector<SourceHealth>>("sources");
    QTest::addColumn<bool>("allLive");
    QTest::addColumn<QString>("headline");

    const QVector<SourceHealth> alertsLive = fixture::sources(true);
    QTest::addRow("alerts live, Prometheus unreachable")
        << (alertsLive + QVector<SourceHealth>{prometheus(SourceHealth::State::Unreachable)}) << true << QString();
    QTest::addRow("alerts live, Prometheus not asked yet")
        << (alertsLive + QVector<SourceHealth>{prometheus(SourceHealth::State::Stale)}) << true << QString();
    // A Prometheus alone is no alert source: nothing has told the console about alerts yet.
    QTest::addRow("only a live Prometheus") << QVector<SourceHealth>{prometheus(SourceHealth::State::Live)} << false
                                            << u"Waiting for first data"_s;
    QTest::addRow("an Alertmanager down beside a dead Prometheus")
        << (fixture::sources(false) + QVector<SourceHealth>{prometheus(SourceHealth::State::Unreachable)}) << false
        << u"alertmanager-us unreachable since %1"_s.arg(Theme::clock(fixture::at(13, 52, 10)));
}

void TestUiSourceStrip::metricsSourcesNeverWithholdTheAllClear()
{
    QFETCH(QVector<SourceHealth>, sources);
    QFETCH(bool, allLive);
    QFETCH(QString, headline);
    const FeedStatus status = FeedStatus::of(sources);
    QCOMPARE(status.allLive, allLive);
    QCOMPARE(status.headline, headline);
    QVERIFY2(!status.detail.contains(u"Prometheus"_s), qPrintable(status.detail)); // not named as a reason
}

void TestUiSourceStrip::prometheusDownShowsOnItsChipOnly()
{
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto snapshot = std::make_shared<IncidentSnapshot>();
    snapshot->sources = fixture::sources(true) + QVector<SourceHealth>{prometheus(SourceHealth::State::Unreachable)};
    window.setSnapshot(snapshot);
    QCoreApplication::processEvents();

    // The main area: no incidents, every alert source live, so all clear, whatever Prometheus does.
    QCOMPARE(window.summaryCard()->rootCauseText(), u"No open incidents"_s);
    // Its chip: unreachable, with the error as visible text and the access in the tooltip.
    const QStringList chips = window.sourceBar()->chipTexts();
    QCOMPARE(chips.size(), 4);
    const QString chip = chips.filter(u"Prometheus"_s).value(0);
    QVERIFY2(chip.contains(u"unreachable"_s) && chip.contains(u"Connection refused"_s), qPrintable(chips.join(u'|')));
    const SourceHealthModel* model = window.sourceModel();
    const int row = int(chips.indexOf(chip));
    const QString tip = model->index(row, 0).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(u"X-Scope-OrgID team-a"_s) && tip.contains(u"Metrics source"_s), qPrintable(tip));
    QCOMPARE(model->index(row, 0).data(SourceHealthModel::KindRole).toInt(), int(SourceHealth::Kind::Metrics));
    saveShot(&window, u"prometheus-down.png"_s);
}

void TestUiSourceStrip::stateChangeKeepsTheStripHeight_data()
{
    using State = SourceHealth::State;
    QTest::addColumn<State>("before");
    QTest::addColumn<State>("after");
    QTest::addRow("stale to live") << State::Stale << State::Live;
    QTest::addRow("live to unreachable") << State::Live << State::Unreachable;
    QTest::addRow("unreachable to live") << State::Unreachable << State::Live;
}

void TestUiSourceStrip::stateChangeKeepsTheStripHeight()
{
    QFETCH(SourceHealth::State, before);
    QFETCH(SourceHealth::State, after);
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const auto show = [&](SourceHealth::State state) {
        auto snapshot = std::make_shared<IncidentSnapshot>();
        snapshot->sources = {prometheus(state)};
        window.setSnapshot(snapshot);
        QCoreApplication::processEvents();
        return window.sourceBar()->chips().value(0);
    };
    QLabel* chip = show(before);
    QVERIFY(chip);
    const QString textBefore = chip->text();
    // Asked, not as laid out: the header's other labels may make the row taller than a chip.
    const int chipHeight = chip->sizeHint().height(), barHeight = window.sourceBar()->sizeHint().height();
    chip = show(after);
    QVERIFY2(chip->text() != textBefore, "the chip did not change: the case tests nothing");
    QCOMPARE(chip->sizeHint().height(), chipHeight);
    QCOMPARE(window.sourceBar()->sizeHint().height(), barHeight);
}

void TestUiSourceStrip::chipsAndStatusBarFit_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("warRoom");
    for (const QSize size : {QSize(1366, 768), QSize(1920, 1080)})
        for (const bool warRoom : {false, true})
            QTest::addRow("%dx%d %s", size.width(), size.height(), warRoom ? "war room" : "normal")
                << size << warRoom;
}

void TestUiSourceStrip::chipsAndStatusBarFit()
{
    QFETCH(QSize, size);
    QFETCH(bool, warRoom);
    MainWindow window;
    window.warRoom()->setFullScreenEnabled(false); // exactly the size asked for
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto snapshot = std::make_shared<IncidentSnapshot>(*fixture::blackFridaySnapshot());
    snapshot->sources = teamSources(SourceHealth::State::Live);
    window.setSnapshot(snapshot);
    if (warRoom)
        window.warRoom()->setActive(true);
    QTest::qWait(50); // deferred chip fitting after the type changed
    QCOMPARE(window.size(), size);

    SourceHealthBar* bar = window.sourceBar();
    const QRect strip = rectIn(bar, &window);
    QVERIFY(window.rect().contains(strip));
    const QList<QLabel*> chips = bar->chips();
    QCOMPARE(chips.size(), 5);
    QStringList hidden;
    int right = strip.left();
    for (int r = 0; r < chips.size(); ++r) {
        QLabel* chip = chips.at(r);
        const QString name = window.sourceModel()->index(r, SourceHealthModel::NameColumn).data().toString();
        if (!chip->isVisible()) {
            hidden << name;
            continue;
        }
        const QRect rect = rectIn(chip, &window);
        QVERIFY2(strip.contains(rect), qPrintable(u"%1 at %2,%3 %4 wide; the strip ends at %5"_s.arg(name)
                                                      .arg(rect.x()).arg(rect.y()).arg(rect.width())
                                                      .arg(strip.right())));
        QVERIFY2(rect.left() >= right, qPrintable(name)); // left to right, no overlap
        right = rect.right();
        QVERIFY2(textFits(chip), qPrintable(u"%1: \"%2\" in %3 px"_s.arg(name, chip->text())
                                                .arg(chip->contentsRect().width())));
    }
    // The unreachable Alertmanager keeps its chip, with its error while there is room for it.
    const int down = 1;
    QVERIFY(chips.at(down)->isVisible());
    QVERIFY(chips.at(down)->text().contains(u"unreachable"_s));
    QLabel* overflow = bar->overflowIndicator();
    if (!hidden.isEmpty()) {
        QVERIFY(overflow->isVisible());
        QCOMPARE(overflow->text(), u"+%1"_s.arg(hidden.size()));
        QVERIFY(strip.contains(rectIn(overflow, &window)));
        QVERIFY(rectIn(overflow, &window).left() > right);
        for (const QString& name : std::as_const(hidden))
            QVERIFY2(overflow->toolTip().contains(name.section(u"://"_s, -1)), qPrintable(overflow->toolTip()));
    } else {
        QVERIFY(!overflow->isVisible());
    }
    if (size.width() >= 1920 && !warRoom) { // a wide screen has room for every chip and the whole error
        QVERIFY2(hidden.isEmpty(), qPrintable(overflow->toolTip()));
        QVERIFY2(chips.at(down)->text().contains(u"Connection refused"_s), qPrintable(chips.at(down)->text()));
    }

    // The status bar: every label's line inside the window and not cut at its edge.
    for (QLabel* label : window.statusBar()->findChildren<QLabel*>()) {
        if (!label->isVisible() || label->text().isEmpty())
            continue;
        QVERIFY2(window.rect().contains(rectIn(label, &window)), qPrintable(label->text()));
        QVERIFY2(textFits(label), qPrintable(u"\"%1\" in %2 px"_s.arg(label->text()).arg(label->contentsRect().width())));
    }
    saveShot(&window, u"source-strip-%1x%2%3.png"_s.arg(size.width()).arg(size.height()).arg(warRoom ? u"-war-room"_s
                                                                                                     : QString()));
}

QTEST_MAIN(TestUiSourceStrip)
#include "tst_ui_sourcestrip.moc"
