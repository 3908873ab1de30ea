// The on-call health report: figures of a small hand-made history checked against values worked out by
// hand (in UTC and in New York, where the period, the weeks and the night move), the report's rules on
// their own, the renderers, and a seeded history of hundreds of incidents generated through the real
// Pipeline from scenario files, with acks and resolves planted at known times.
#include "reportfixture.h"

#include "ingest/scenarioreader.h"
#include "pipeline/pipeline.h"
#include "report/healthreport.h"
#include "report/healthreportdocument.h"
#include "store/store.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <random>

using namespace Qt::StringLiterals;

class TestReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void handFigures_data();
    void handFigures();
    void handNoisyAlerts_data();
    void handNoisyAlerts();
    void handRecurringCauses();
    void autoResolvedRule_data();
    void autoResolvedRule();
    void nightBoundaries_data();
    void nightBoundaries();
    void renderers_data();
    void renderers();
    void htmlEscapesStoredText();
    void badPeriodIsRefused();
    void seededHistoryThroughPipeline();

private:
    HealthReport handReport(const QString& zone);

    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
};

void TestReport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_store = std::make_unique<Store>(u"tst-report-hand"_s);
    QString error;
    QVERIFY2(m_store->open(m_dir.filePath(u"hand.sqlite"_s), &error), qPrintable(error));
    QCOMPARE(ReportFixture::seed(*m_store, ReportFixture::handHistory()).size(), 9);
}

HealthReport TestReport::handReport(const QString& zone)
{
    QString error;
    const auto report =
        HealthReport::fromStore(*m_store, QDate(2026, 3, 2), QDate(2026, 3, 16), QTimeZone(zone.toUtf8()), &error);
    if (!report)
        qFatal("report: %s", qPrintable(error));
    return *report;
}

void TestReport::handFigures_data()
{
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("figure");
    QTest::addColumn<double>("expected");

    // UTC, [2026-03-02, 2026-03-16): A B C D E F G (H starts exactly at the end, I before the start).
    const QString utc = u"UTC"_s;
    QTest::addRow("UTC pages") << utc << u"pages"_s << 7.0;
    // Deliveries: A 3+1, B 1+1, C 2+1, D 1+1, E 1, F 2, G 1+1 = 16.
    QTest::addRow("UTC notifications") << utc << u"notifications"_s << 16.0;
    QTest::addRow("UTC dedup ratio") << utc << u"dedup"_s << 16.0 / 7.0;
    // Acks: E 60, A 120, C 300, D 600, F 900 -> median 300, mean 1980 / 5 = 396.
    QTest::addRow("UTC MTTA count") << utc << u"mtta.count"_s << 5.0;
    QTest::addRow("UTC MTTA median") << utc << u"mtta.median"_s << 300.0;
    QTest::addRow("UTC MTTA mean") << utc << u"mtta.mean"_s << 396.0;
    // Resolves: E 240, D 700, A 1800, G 3000, C 3600 -> median 1800, mean 9340 / 5 = 1868.
    QTest::addRow("UTC MTTR count") << utc << u"mttr.count"_s << 5.0;
    QTest::addRow("UTC MTTR median") << utc << u"mttr.median"_s << 1800.0;
    QTest::addRow("UTC MTTR mean") << utc << u"mttr.mean"_s << 1868.0;
    // B (never acked, cleared), D (cleared at 200 s, acked at 600 s), G (never acked, cleared) of 7.
    QTest::addRow("UTC auto-resolved") << utc << u"autoResolved"_s << 3.0;
    QTest::addRow("UTC auto-resolved share") << utc << u"autoResolvedShare"_s << 3.0 / 7.0;
    // B 23:30, C 03:00, E 06:59; not F 07:00, not G 21:59.
    QTest::addRow("UTC night pages") << utc << u"night"_s << 3.0;
    QTest::addRow("UTC weeks") << utc << u"weeks"_s << 2.0;
    QTest::addRow("UTC W10 pages") << utc << u"week0.pages"_s << 4.0;         // A B C D
    QTest::addRow("UTC W10 night") << utc << u"week0.night"_s << 2.0;         // B C
    QTest::addRow("UTC W10 MTTA median") << utc << u"week0.mtta"_s << 300.0;  // 120 300 600
    QTest::addRow("UTC W10 MTTR median") << utc << u"week0.mttr"_s << 1800.0; // 700 1800 3600
    QTest::addRow("UTC W11 pages") << utc << u"week1.pages"_s << 3.0;         // E F G
    QTest::addRow("UTC W11 night") << utc << u"week1.night"_s << 1.0;         // E
    QTest::addRow("UTC W11 MTTA median") << utc << u"week1.mtta"_s << 480.0;  // (60 + 900) / 2
    QTest::addRow("UTC W11 MTTR median") << utc << u"week1.mttr"_s << 1620.0; // (240 + 3000) / 2

    // New York: EST (-5) until Sunday 8 March, EDT (-4) after. The period is [03-02 05:00Z, 03-16 04:00Z):
    // H (15 March 20:00 local) joins, I (1 March 18:00 local) stays out.
    const QString ny = u"America/New_York"_s;
    QTest::addRow("NY pages") << ny << u"pages"_s << 8.0;
    QTest::addRow("NY notifications") << ny << u"notifications"_s << 21.0; // + H's 5
    QTest::addRow("NY dedup ratio") << ny << u"dedup"_s << 21.0 / 8.0;
    // Local first alerts: A 05:00, B 18:30, C 22:00 (3 March), D 09:00, E 02:59, F 03:00, G 17:59, H 20:00.
    QTest::addRow("NY night pages") << ny << u"night"_s << 4.0; // A C E F
    QTest::addRow("NY W10 pages") << ny << u"week0.pages"_s << 4.0;
    QTest::addRow("NY W10 night") << ny << u"week0.night"_s << 2.0; // A C
    QTest::addRow("NY W11 pages") << ny << u"week1.pages"_s << 4.0; // E F G H (Sunday 15 March)
    QTest::addRow("NY W11 night") << ny << u"week1.night"_s << 2.0; // E F
    QTest::addRow("NY auto-resolved share") << ny << u"autoResolvedShare"_s << 3.0 / 8.0;
    QTest::addRow("NY MTTA median") << ny << u"mtta.median"_s << 300.0; // H was never acked
}

void TestReport::handFigures()
{
    QFETCH(QString, zone);
    QFETCH(QString, figure);
    QFETCH(double, expected);
    const HealthReport r = handReport(zone);
    const auto week = [&r](int i) {
        if (i >= r.weeks.size())
            qFatal("no week %d", i);
        return r.weeks.at(i);
    };
    const QHash<QString, std::function<double()>> figures{
        {u"pages"_s, [&] { return double(r.incidents); }},
        {u"notifications"_s, [&] { return double(r.notifications); }},
        {u"dedup"_s, [&] { return r.dedupRatio; }},
        {u"mtta.count"_s, [&] { return double(r.mtta.count); }},
        {u"mtta.median"_s, [&] { return r.mtta.medianSeconds; }},
        {u"mtta.mean"_s, [&] { return r.mtta.meanSeconds; }},
        {u"mttr.count"_s, [&] { return double(r.mttr.count); }},
        {u"mttr.median"_s, [&] { return r.mttr.medianSeconds; }},
        {u"mttr.mean"_s, [&] { return r.mttr.meanSeconds; }},
        {u"autoResolved"_s, [&] { return double(r.autoResolved); }},
        {u"autoResolvedShare"_s, [&] { return r.autoResolvedShare; }},
        {u"night"_s, [&] { return double(r.nightPages); }},
        {u"weeks"_s, [&] { return double(r.weeks.size()); }},
        {u"week0.pages"_s, [&] { return double(week(0).pages); }},
        {u"week0.night"_s, [&] { return double(week(0).nightPages); }},
        {u"week0.mtta"_s, [&] { return week(0).mtta.medianSeconds; }},
        {u"week0.mttr"_s, [&] { return week(0).mttr.medianSeconds; }},
        {u"week1.pages"_s, [&] { return double(week(1).pages); }},
        {u"week1.night"_s, [&] { return double(week(1).nightPages); }},
        {u"week1.mtta"_s, [&] { return week(1).mtta.medianSeconds; }},
        {u"week1.mttr"_s, [&] { return week(1).mttr.medianSeconds; }},
    };
    QVERIFY2(figures.contains(figure), qPrintable(figure));
    const double actual = figures.value(figure)();
    QVERIFY2(qAbs(actual - expected) < 1e-9,
             qPrintable(u"%1: %2, expected %3"_s.arg(figure).arg(actual).arg(expected)));
}

void TestReport::handNoisyAlerts_data()
{
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("alertname");
    QTest::addColumn<int>("noisy");
    QTest::addColumn<int>("pages");
    QTest::addColumn<QStringList>("owners");
    QTest::addColumn<int>("rank"); // -1: must not be listed

    // DiskSpaceWarning paged B, D, G: all three noisy (auto-resolved; D also not actionable); G has no team.
    QTest::addRow("disk") << u"UTC"_s << u"DiskSpaceWarning"_s << 3 << 3 << QStringList{u"team-storage"_s} << 0;
    // PodRestarted paged E: still firing, but marked not actionable.
    QTest::addRow("pod restarted") << u"UTC"_s << u"PodRestarted"_s << 1 << 1 << QStringList{u"team-core"_s} << 1;
    // HighCPU paged A and F: both needed someone (A acked before it cleared, F never cleared).
    QTest::addRow("cpu is not noisy") << u"UTC"_s << u"HighCPU"_s << 0 << 2 << QStringList() << -1;
    // C's ServiceErrorRateHigh was actionable; its second alert never paged.
    QTest::addRow("error rate") << u"UTC"_s << u"ServiceErrorRateHigh"_s << 0 << 1 << QStringList() << -1;
    QTest::addRow("latency never paged") << u"UTC"_s << u"ServiceLatencyHigh"_s << 0 << 0 << QStringList() << -1;
}

void TestReport::handNoisyAlerts()
{
    QFETCH(QString, zone);
    QFETCH(QString, alertname);
    QFETCH(int, noisy);
    QFETCH(int, pages);
    QFETCH(QStringList, owners);
    QFETCH(int, rank);
    const HealthReport r = handReport(zone);
    QCOMPARE(r.noisyAlerts.size(), 2);
    const auto it = std::find_if(r.noisyAlerts.cbegin(), r.noisyAlerts.cend(),
                                 [&](const HealthReport::NoisyAlert& a) { return a.alertname == alertname; });
    if (rank < 0) {
        QVERIFY(it == r.noisyAlerts.cend());
        return;
    }
    QVERIFY(it != r.noisyAlerts.cend());
    QCOMPARE(int(it - r.noisyAlerts.cbegin()), rank);
    QCOMPARE(it->noisyPages, noisy);
    QCOMPARE(it->pages, pages);
    QCOMPARE(it->owners, owners);
}

void TestReport::handRecurringCauses()
{
    // Causes: A api, B db, C db (the engineer's answer over checkout), D db, E api, F api, G db.
    const HealthReport r = handReport(u"UTC"_s);
    QCOMPARE(r.recurringCauses.size(), 2);
    QCOMPARE(r.recurringCauses.at(0).service, u"db"_s);
    QCOMPARE(r.recurringCauses.at(0).incidents, 4);
    QCOMPARE(r.recurringCauses.at(1).service, u"api"_s);
    QCOMPARE(r.recurringCauses.at(1).incidents, 3);
}

void TestReport::autoResolvedRule_data()
{
    QTest::addColumn<int>("ackAfter");             // -1: never
    QTest::addColumn<QVector<int>>("clearsAfter"); // per member; -1 still firing, -2 cleared at an unknown time
    QTest::addColumn<bool>("expected");

    QTest::addRow("never acked, all cleared") << -1 << QVector<int>{100, 200} << true;
    QTest::addRow("never acked, one firing") << -1 << QVector<int>{100, -1} << false;
    QTest::addRow("all cleared before the ack") << 300 << QVector<int>{100, 200} << true;
    QTest::addRow("last cleared after the ack") << 150 << QVector<int>{100, 200} << false;
    QTest::addRow("cleared exactly at the ack") << 200 << QVector<int>{200} << false;
    QTest::addRow("acked, clear time unknown") << 300 << QVector<int>{-2} << false;
    QTest::addRow("never acked, clear time unknown") << -1 << QVector<int>{-2} << true;
    QTest::addRow("no members") << -1 << QVector<int>{} << false;
}

void TestReport::autoResolvedRule()
{
    QFETCH(int, ackAfter);
    QFETCH(QVector<int>, clearsAfter);
    QFETCH(bool, expected);
    const QDateTime t0 = ReportFixture::utc(u"2026-03-02T10:00:00Z"_s);
    ReportIncident inc;
    inc.firstAlertAt = t0;
    if (ackAfter >= 0)
        inc.acknowledgedAt = t0.addSecs(ackAfter);
    for (const int c : clearsAfter) {
        ReportIncident::Member m;
        m.resolved = c != -1;
        if (c >= 0)
            m.resolvedAt = t0.addSecs(c);
        inc.members << m;
    }
    QCOMPARE(HealthReport::isAutoResolved(inc), expected);
}

void TestReport::nightBoundaries_data()
{
    QTest::addColumn<QString>("time");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<bool>("night");
    QTest::addRow("21:59:59 UTC") << u"2026-03-02T21:59:59Z"_s << u"UTC"_s << false;
    QTest::addRow("22:00 UTC") << u"2026-03-02T22:00:00Z"_s << u"UTC"_s << true;
    QTest::addRow("06:59:59 UTC") << u"2026-03-02T06:59:59Z"_s << u"UTC"_s << true;
    QTest::addRow("07:00 UTC") << u"2026-03-02T07:00:00Z"_s << u"UTC"_s << false;
    QTest::addRow("noon UTC is 21:00 in Tokyo") << u"2026-03-02T12:00:00Z"_s << u"Asia/Tokyo"_s << false;
    QTest::addRow("13:00 UTC is 22:00 in Tokyo") << u"2026-03-02T13:00:00Z"_s << u"Asia/Tokyo"_s << true;
    QTest::addRow("summer: 05:30 UTC is 07:30 in Berlin") << u"2026-07-01T05:30:00Z"_s << u"Europe/Berlin"_s << false;
    QTest::addRow("winter: 05:30 UTC is 06:30 in Berlin") << u"2026-01-15T05:30:00Z"_s << u"Europe/Berlin"_s << true;
}

void TestReport::nightBoundaries()
{
    QFETCH(QString, time);
    QFETCH(QString, zone);
    QFETCH(bool, night);
    QCOMPARE(HealthReport::isNight(ReportFixture::utc(time), QTimeZone(zone.toUtf8())), night);
}

void TestReport::renderers_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("markdown") << u"md"_s
                              << QStringList{u"# On-call health report"_s,
                                             u"- **Pages (incidents):** 7"_s,
                                             u"- **Notifications:** 16"_s,
                                             u"- **Notifications per incident (dedup):** 2.3"_s,
                                             u"median 5 min 00 s, mean 6 min 36 s (5 incidents)"_s,
                                             u"median 30 min 00 s, mean 31 min 08 s (5 incidents)"_s,
                                             u"3 (42.9 %)"_s,
                                             u"| 2026-W10 | 2026-03-02 | 4 | 2 | 5 min 00 s | 30 min 00 s |"_s,
                                             u"| DiskSpaceWarning | 3 | 3 | team-storage |"_s,
                                             u"| db | 4 |"_s};
    QTest::addRow("html") << u"html"_s
                          << QStringList{u"<!DOCTYPE html>"_s,
                                         u"<style>"_s,
                                         u"<h1>On-call health report</h1>"_s,
                                         u"<th>Pages (incidents)</th><td>7</td>"_s,
                                         u"<svg "_s,
                                         u"<td>DiskSpaceWarning</td><td>3</td><td>3</td><td>team-storage</td>"_s,
                                         u"<title>2026-W10: 4 pages</title>"_s};
}

void TestReport::renderers()
{
    QFETCH(QString, format);
    QFETCH(QStringList, expected);
    const ReportDocument doc = HealthReportDocument::build(handReport(u"UTC"_s));
    const QString text = format == u"md" ? doc.toMarkdown() : doc.toHtml();
    for (const QString& e : expected)
        QVERIFY2(text.contains(e), qPrintable(u"missing: "_s + e + u"\n"_s + text.left(3000)));
    if (format == u"html")
        QVERIFY(!text.contains(u"src=\"http"_s)); // self-contained: nothing fetched from anywhere
}

void TestReport::htmlEscapesStoredText()
{
    // Alert names are untrusted input: they must reach HTML as text, never as markup.
    ReportDocument doc;
    doc.title = u"R&D <report>"_s;
    doc.addSection(u"s"_s).blocks.append(
        ReportBlocks::table({u"Alert"_s}, {{u"<script>alert(1)</script>"_s}, {u"a|b *c*"_s}}));
    const QString html = doc.toHtml();
    QVERIFY(!html.contains(u"<script>"_s));
    QVERIFY(html.contains(u"&lt;script&gt;alert(1)&lt;/script&gt;"_s));
    QVERIFY(html.contains(u"<h1>R&amp;D &lt;report&gt;</h1>"_s));
    const QString md = doc.toMarkdown();
    QVERIFY(md.contains(u"| a\\|b \\*c\\* |"_s)); // a pipe would split the cell, stars would emphasise
    QVERIFY(md.contains(u"\\<script\\>"_s));
}

void TestReport::badPeriodIsRefused()
{
    QString error;
    QVERIFY(!HealthReport::fromStore(*m_store, QDate(2026, 3, 16), QDate(2026, 3, 2), QTimeZone::utc(), &error));
    QVERIFY(error.contains(u"before"_s));
    QVERIFY(!HealthReport::fromStore(*m_store, QDate(2026, 3, 2), QDate(2026, 3, 16), QTimeZone("Nowhere/Atlantis"),
                                     &error));
    QVERIFY(error.contains(u"time zone"_s));
}

namespace {

double median(QVector<double> v)
{
    std::sort(v.begin(), v.end());
    const qsizetype m = v.size() / 2;
    return v.size() % 2 ? v.at(m) : (v.at(m - 1) + v.at(m)) / 2.0;
}

} // namespace

void TestReport::seededHistoryThroughPipeline()
{
    // A generated suite, each scenario shifted to its own slot in four weeks of history, fed through the
    // real Pipeline (store, correlation, diagnosis) with its own topology.
    const QString suite = m_dir.filePath(u"suite"_s);
    QProcess gen;
    gen.start(u"python3"_s, {QStringLiteral(NIGHTWATCH_SCENGEN), u"--suite"_s, suite,
                             u"--count"_s, u"28"_s, u"--seed"_s, u"6000"_s});
    QVERIFY(gen.waitForFinished(120000));
    QCOMPARE(gen.exitCode(), 0);
    const QStringList files = QDir(suite).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    QCOMPARE(files.size(), 28);

    const QString dbPath = m_dir.filePath(u"seeded.sqlite"_s);
    const QDateTime base = ReportFixture::utc(u"2026-02-02T00:00:00Z"_s); // a Monday
    const QStringList teams{u"team-core"_s, u"team-data"_s, u"team-edge"_s};
    for (qsizetype i = 0; i < files.size(); ++i) {
        QString error;
        auto scenario = ScenarioReader::readFile(QDir(suite).filePath(files.at(i)), &error);
        QVERIFY2(scenario, qPrintable(error));
        // Every scenario starts 2026-11-27 23:00; slot i lands it i * 23 h after base (days and nights).
        const qint64 shift = scenario->alerts.constFirst().receivedAt.secsTo(base.addSecs(qint64(i) * 23 * 3600));
        for (Alert& a : scenario->alerts) {
            // The same label set in two slots would be one alert (and one incident key) over a month.
            a.fingerprint = a.fingerprint + u"-"_s + QString::number(i);
            a.labels.insert(u"team"_s, teams.at(qHash(a.service()) % teams.size()));
            a.startsAt = a.startsAt.addSecs(shift);
            if (a.endsAt.isValid())
                a.endsAt = a.endsAt.addSecs(shift);
            a.receivedAt = a.receivedAt.addSecs(shift);
        }
        // Generated faults never clear; in a real month many do, some before anyone looks. About a third of
        // the alerts get a resolved notification 5 to 30 minutes after their last delivery.
        QHash<QString, Alert> lastOf;
        for (const Alert& a : std::as_const(scenario->alerts))
            lastOf.insert(a.fingerprint, a);
        for (const Alert& last : std::as_const(lastOf)) {
            if (!last.isFiring() || qHash(last.fingerprint) % 3 != 0)
                continue;
            Alert clear = last;
            clear.status = Alert::Status::Resolved;
            clear.endsAt = last.receivedAt.addSecs(300 + qint64(qHash(last.fingerprint) % 1500));
            clear.receivedAt = clear.endsAt;
            scenario->alerts.append(clear);
        }
        std::stable_sort(scenario->alerts.begin(), scenario->alerts.end(),
                         [](const Alert& a, const Alert& b) { return a.receivedAt < b.receivedAt; });
        Pipeline pipeline;
        Pipeline::Options options;
        options.databasePath = dbPath;
        if (scenario->graph)
            options.graph = std::make_shared<const ServiceGraph>(*scenario->graph);
        options.refreshMs = -1;
        options.restoreHours = 0; // each slot is its own storm: nothing of the previous one is reopened
        QVERIFY2(pipeline.open(options, &error), qPrintable(error));
        QVERIFY2(pipeline.submit(scenario->alerts, &error), qPrintable(error));
        pipeline.flush();
    }

    Store store(u"tst-report-seeded"_s);
    QString error;
    QVERIFY2(store.open(dbPath, &error), qPrintable(error));
    const QVector<Incident> all = store.loadIncidents(100000);
    QVERIFY2(all.size() >= 200, qPrintable(u"only %1 incidents"_s.arg(all.size())));

    // Humans at planted times: most acked within minutes, some resolved, answers on some.
    std::mt19937 rng(7);
    QVector<double> plantedAck;
    QVector<double> plantedResolve;
    QSet<QString> plantedNoisy; // alertnames of pages marked not actionable
    for (const Incident& inc : all) {
        const int dice = int(rng() % 10);
        if (dice < 7) {
            const int ack = 30 + int(rng() % 1800);
            QVERIFY(store.recordAction(inc.id, u"ack"_s, {}, &error, inc.firstAlertAt.addSecs(ack)));
            plantedAck << ack;
        }
        if (dice < 5) {
            const int resolve = 600 + int(rng() % 7200);
            QVERIFY(store.recordAction(inc.id, u"resolve"_s, {}, &error, inc.firstAlertAt.addSecs(resolve)));
            plantedResolve << resolve;
            Resolution r;
            r.incidentId = inc.id;
            r.at = inc.firstAlertAt.addSecs(resolve);
            r.actionable = dice != 0;
            QVERIFY(store.recordResolution(r, &error));
            if (dice == 0) {
                for (const TrackedAlert& t : inc.alerts)
                    if (t.fingerprint() == inc.key)
                        plantedNoisy.insert(t.latest.alertName());
            }
        }
    }

    // The whole history in one period (Europe/Berlin: CET in February and March).
    const QTimeZone berlin("Europe/Berlin");
    const auto report = HealthReport::fromStore(store, QDate(2026, 2, 1), QDate(2026, 3, 9), berlin, &error);
    QVERIFY2(report, qPrintable(error));
    QCOMPARE(report->incidents, int(all.size()));
    QCOMPARE(report->notifications, store.notificationCount());
    QCOMPARE(report->mtta.count, int(plantedAck.size()));
    QCOMPARE(report->mtta.medianSeconds, median(plantedAck));
    QCOMPARE(report->mttr.count, int(plantedResolve.size()));
    QCOMPARE(report->mttr.medianSeconds, median(plantedResolve));
    int weekly = 0;
    for (const auto& w : report->weeks)
        weekly += w.pages;
    QCOMPARE(weekly, report->incidents);
    QCOMPARE(report->weeks.size(), 6); // Mondays 26 Jan .. 2 Mar

    // The same figures from whole incidents loaded through the Store: the report's SQL reads them right.
    int night = 0;
    int autoResolved = 0;
    for (const Incident& inc : all) {
        const int hour = inc.firstAlertAt.toTimeZone(berlin).time().hour();
        night += hour >= 22 || hour < 7 ? 1 : 0;
        bool allClear = !inc.alerts.isEmpty();
        QDateTime lastClear;
        for (const TrackedAlert& t : inc.alerts) {
            allClear = allClear && !t.isFiring();
            const QDateTime clear = t.latest.endsAt.isValid() ? t.latest.endsAt : t.lastReceivedAt;
            if (!t.isFiring() && (!lastClear.isValid() || clear > lastClear))
                lastClear = clear;
        }
        const auto stored = store.loadIncident(inc.id);
        QVERIFY(stored);
        autoResolved += allClear && (!stored->acknowledgedAt.isValid() || lastClear < stored->acknowledgedAt) ? 1 : 0;
    }
    QCOMPARE(report->nightPages, night);
    QVERIFY(night > 0 && night < report->incidents); // slots 23 h apart hit days and nights
    QCOMPARE(report->autoResolved, autoResolved);
    QVERIFY(report->autoResolved > 0);
    QVERIFY(report->dedupRatio > 1.0);
    for (const QString& name : std::as_const(plantedNoisy)) {
        const bool listed = std::any_of(report->noisyAlerts.cbegin(), report->noisyAlerts.cend(),
                                        [&](const auto& a) { return a.alertname == name; });
        // The list keeps the top ten; a planted name may be crowded out only by names at least as noisy.
        if (!listed)
            QVERIFY(report->noisyAlerts.size() == HealthReport::TopCount);
    }
    QVERIFY(!report->noisyAlerts.isEmpty());
    QVERIFY(!report->noisyAlerts.constFirst().owners.isEmpty());
    QVERIFY(!report->recurringCauses.isEmpty());

    // Kept for the committed example report (docs/oncall-report.pdf) when asked for.
    if (const QString keep = qEnvironmentVariable("NIGHTWATCH_KEEP_SEEDED_HISTORY"); !keep.isEmpty()) {
        store.close();
        QFile::remove(keep);
        QVERIFY(QFile::copy(dbPath, keep));
    }
}

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
