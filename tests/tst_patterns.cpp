// Patterns across incidents (recurring root causes, failures after deploys, noisy alerts) on hand-made incidents
// with hand-counted answers, and Store::pastIncidents, the read they run on, against a real SQLite file.
#include "knowledge/incidentpatterns.h"
#include "store/store.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace IncidentPatterns;

namespace {
const QDateTime kNow = QDateTime::fromString(u"2026-06-01T12:00:00Z"_s, Qt::ISODate);

QDateTime daysAgo(double days)
{
    return kNow.addSecs(-qint64(days * 86400));
}

PastIncident::Member member(const QString& name, const QString& team, std::optional<int> clearedAfterSecs,
                            const QDateTime& start)
{
    PastIncident::Member m;
    m.alertname = name;
    m.service = u"svc"_s;
    m.team = team;
    m.resolved = clearedAfterSecs.has_value();
    if (clearedAfterSecs)
        m.endsAt = start.addSecs(*clearedAfterSecs);
    return m;
}

// P1-P3: db three times (now, 30 and 60 days ago); P4 cache, cleared by itself before anyone acked; P5 api, cleared
// after the ack; P6 marked non-actionable, diagnosis wrong and nothing named; P7 diagnosis wrong, cleared after the
// ack; P8 non-actionable AND cleared before any ack.
QVector<PastIncident> history()
{
    QVector<PastIncident> h;
    const auto add = [&h](qint64 id, double days, const QString& top, std::optional<QString> confirmed,
                          std::optional<bool> actionable, std::optional<int> ackAfterSecs,
                          const QVector<std::pair<QString, QString>>& alerts, std::optional<int> clearedAfterSecs) {
        PastIncident p;
        p.id = id;
        p.state = u"resolved"_s;
        p.firstAlertAt = daysAgo(days);
        p.topCandidate = top;
        if (ackAfterSecs)
            p.acknowledgedAt = p.firstAlertAt.addSecs(*ackAfterSecs);
        for (const auto& [name, team] : alerts)
            p.members << member(name, team, clearedAfterSecs, p.firstAlertAt);
        if (confirmed || actionable) {
            Resolution r;
            r.incidentId = id;
            r.rootCause = confirmed.value_or(QString());
            r.suggestionRight = confirmed ? std::optional<bool>(*confirmed == top) : std::optional<bool>(false);
            r.actionable = actionable;
            p.resolution = r;
        }
        h << p;
    };
    add(1, 0, u"db"_s, u"db"_s, true, 300, {{u"PoolExhausted"_s, u"dba"_s}, {u"ErrorRate"_s, u"web"_s}}, {});
    add(2, 30, u"api"_s, u"db"_s, true, 120, {{u"PoolExhausted"_s, u"dba"_s}}, {});
    add(3, 60, u"db"_s, {}, {}, 60, {{u"PoolExhausted"_s, u"dba"_s}}, {}); // not answered: the diagnosis stands
    add(4, 0, u"cache"_s, {}, {}, {}, {{u"CacheMiss"_s, u"platform"_s}}, 180);
    add(5, 10, u"api"_s, {}, {}, 240, {{u"CPUHigh"_s, u"web"_s}}, 600);
    add(6, 1, u"api"_s, u""_s, false, 60, {{u"CPUHigh"_s, u"sre"_s}}, {});
    add(7, 2, u"api"_s, {}, {}, 60, {{u"CertExpiry"_s, u"sre"_s}}, 120);
    h.last().resolution = Resolution{};
    h.last().resolution->suggestionRight = false; // wrong, and no better answer: no confirmed root
    add(8, 3, QString(), {}, false, {}, {{u"FlappyDisk"_s, u"storage"_s}}, 60);
    return h;
}

QStringList describe(const QVector<RecurringCause>& list)
{
    QStringList out;
    for (const RecurringCause& r : list)
        out << u"%1 %2 %3"_s.arg(r.service).arg(r.incidents).arg(r.weight, 0, 'f', 4);
    return out;
}

QStringList describe(const QVector<DeployFailures>& list)
{
    QStringList out;
    for (const DeployFailures& d : list)
        out << u"%1 %2/%3"_s.arg(d.service).arg(d.afterDeploy).arg(d.incidents);
    return out;
}

QStringList describe(const QVector<NoisyAlert>& list)
{
    QStringList out;
    for (const NoisyAlert& n : list)
        out << u"%1 pages=%2 nonActionable=%3 autoResolved=%4 noisy=%5 owners=%6"_s.arg(n.alertname)
                   .arg(n.pages)
                   .arg(n.nonActionable)
                   .arg(n.autoResolved)
                   .arg(n.noisy)
                   .arg(n.owners.join(u','));
    return out;
}

ChangeEvent change(const QString& service, const QString& kind, const QDateTime& at)
{
    ChangeEvent c;
    c.service = service;
    c.kind = kind;
    c.at = at;
    return c;
}
} // namespace

class TestPatterns : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void recurringRootCauses_data();
    void recurringRootCauses();
    void failuresAfterDeploys_data();
    void failuresAfterDeploys();
    void noisyAlerts();
    void storeReadFeedsPatterns();
};

void TestPatterns::recurringRootCauses_data()
{
    QTest::addColumn<double>("halfLifeDays");
    QTest::addColumn<int>("minIncidents");
    QTest::addColumn<QStringList>("expected");
    // Confirmed roots: db (P1 now, P2 30 d: the engineer named db over api, P3 60 d: diagnosis unanswered),
    // cache (P4 now), api (P5 10 d). P6, P7 (diagnosis wrong, nothing named) and P8 (none) have no root.
    // db with 30 days: 1 + 0.5 + 0.25 = 1.75; api 2^(-10/30) = 0.7937.
    QTest::addRow("recurring only, 30 days") << 30.0 << 2 << QStringList{u"db 3 1.7500"_s};
    QTest::addRow("all, 30 days") << 30.0 << 1 << QStringList{u"db 3 1.7500"_s, u"cache 1 1.0000"_s, u"api 1 0.7937"_s};
    // 10 days: db 1 + 2^-3 + 2^-6 = 1.140625, api 0.5: an old pattern fades instead of vanishing.
    QTest::addRow("all, 10 days") << 10.0 << 1 << QStringList{u"db 3 1.1406"_s, u"cache 1 1.0000"_s, u"api 1 0.5000"_s};
}

void TestPatterns::recurringRootCauses()
{
    QFETCH(double, halfLifeDays);
    QFETCH(int, minIncidents);
    QFETCH(QStringList, expected);
    QCOMPARE(describe(IncidentPatterns::recurringRootCauses(history(), kNow, AgeDecay{halfLifeDays}, minIncidents)),
             expected);
}

void TestPatterns::failuresAfterDeploys_data()
{
    QTest::addColumn<int>("window");
    QTest::addColumn<QStringList>("expected");
    // db deploys 10 min before P1 and 45 min before P2, a db config change 5 min before P3 (not a deploy);
    // api deploys 29 min before P5 and 5 min after it; cache deploys 1 min after P4 began (after: no).
    QTest::addRow("30 minutes") << 30 << QStringList{u"api 1/1"_s, u"db 1/3"_s};
    QTest::addRow("60 minutes") << 60 << QStringList{u"db 2/3"_s, u"api 1/1"_s};
    QTest::addRow("5 minutes") << 5 << QStringList{};
}

void TestPatterns::failuresAfterDeploys()
{
    QFETCH(int, window);
    QFETCH(QStringList, expected);
    const QVector<PastIncident> h = history();
    const QVector<ChangeEvent> changes{
        change(u"db"_s, u"deploy"_s, h[0].firstAlertAt.addSecs(-600)),
        change(u"db"_s, u"deploy"_s, h[1].firstAlertAt.addSecs(-2700)),
        change(u"db"_s, u"config"_s, h[2].firstAlertAt.addSecs(-300)),
        change(u"api"_s, u"deploy"_s, h[4].firstAlertAt.addSecs(-29 * 60)),
        change(u"api"_s, u"deploy"_s, h[4].firstAlertAt.addSecs(300)),
        change(u"cache"_s, u"deploy"_s, h[3].firstAlertAt.addSecs(60)),
    };
    QCOMPARE(describe(IncidentPatterns::failuresAfterDeploys(h, changes, window)), expected);
    const auto all = IncidentPatterns::failuresAfterDeploys(h, changes, 60);
    QCOMPARE(all.front().share(), 2.0 / 3.0);
}

void TestPatterns::noisyAlerts()
{
    // CPUHigh paged twice (P5: cleared after the ack; P6: non-actionable) with owners web and sre; CacheMiss once,
    // cleared before any ack (P4); FlappyDisk once, both signs (P8). PoolExhausted, ErrorRate, CertExpiry: never noisy.
    QCOMPARE(describe(IncidentPatterns::noisyAlerts(history())),
             (QStringList{u"CPUHigh pages=2 nonActionable=1 autoResolved=0 noisy=1 owners=sre,web"_s,
                          u"CacheMiss pages=1 nonActionable=0 autoResolved=1 noisy=1 owners=platform"_s,
                          u"FlappyDisk pages=1 nonActionable=1 autoResolved=1 noisy=1 owners=storage"_s}));
}

void TestPatterns::storeReadFeedsPatterns()
{
    QTemporaryDir dir;
    Store store(u"tst-patterns"_s);
    QString error;
    QVERIFY2(store.open(dir.filePath(u"p.sqlite"_s), &error), qPrintable(error));
    const QDateTime t0 = QDateTime::fromString(u"2026-05-01T03:00:00Z"_s, Qt::ISODate);
    const auto alert = [&](const QString& name, const QString& team, int offset, bool resolved) {
        Alert a;
        a.labels = {
            {u"alertname"_s, name}, {u"service"_s, u"api"_s}, {u"team"_s, team}, {u"layer"_s, u"application"_s}};
        a.fingerprint = Alert::fingerprintOf(a.labels);
        a.startsAt = t0.addSecs(offset);
        a.receivedAt = a.startsAt.addSecs(5);
        a.status = resolved ? Alert::Status::Resolved : Alert::Status::Firing;
        if (resolved)
            a.endsAt = a.startsAt.addSecs(120);
        return a;
    };
    // Incident A: NoisyCPU fired and cleared by itself, nobody acked. Incident B: DBDown, acked, runbook ran, resolved.
    const Alert noisyFiring = alert(u"NoisyCPU"_s, u"web"_s, 0, false);
    const Alert noisyCleared = alert(u"NoisyCPU"_s, u"web"_s, 0, true);
    const Alert db = alert(u"DBDown"_s, u"dba"_s, 3600, false);
    QVERIFY2(store.recordNotifications({noisyFiring, noisyCleared, db}, &error), qPrintable(error));
    const auto incident = [](const QString& key, const Alert& a) {
        Incident inc;
        inc.key = key;
        TrackedAlert t;
        t.latest = a;
        t.firstStartsAt = a.startsAt;
        inc.alerts = {t};
        inc.firstAlertAt = a.startsAt;
        inc.lastAlertAt = a.startsAt;
        RootCauseCandidate top;
        top.service = u"api"_s;
        inc.rootCauses = {top};
        return inc;
    };
    const qint64 a = store.saveIncident(incident(u"a"_s, noisyCleared), &error);
    const qint64 b = store.saveIncident(incident(u"b"_s, db), &error);
    QVERIFY2(a > 0 && b > 0, qPrintable(error));
    QVERIFY(store.recordAction(b, u"ack"_s, {}, &error, t0.addSecs(3660)));
    RunbookRun run;
    run.incidentId = b;
    run.runbookId = u"RB-DB"_s;
    run.step = u"failover"_s;
    run.outcome = RunbookRun::Outcome::Passed;
    QVERIFY(store.recordRunbookRun(run, &error) > 0);
    QVERIFY(store.recordAction(b, u"resolve"_s, {}, &error, t0.addSecs(5400)));
    Resolution r;
    r.incidentId = b;
    r.rootCause = u"postgres"_s;
    r.fixedByRunbook = u"RB-DB"_s;
    r.actionable = true;
    r.proposedRunbooks = {u"RB-DB"_s, u"RB-OTHER"_s};
    QVERIFY(store.recordResolution(r, &error));

    Store::PastQuery resolved;
    const QVector<PastIncident> past = store.pastIncidents(resolved);
    QCOMPARE(past.size(), 1); // only b is resolved
    const PastIncident& p = past.front();
    QCOMPARE(p.id, b);
    QCOMPARE(p.resolvedAt, t0.addSecs(5400));
    QCOMPARE(p.acknowledgedAt, t0.addSecs(3660));
    QCOMPARE(p.topCandidate, u"api"_s);
    QCOMPARE(p.confirmedRootCause(), u"postgres"_s);
    QCOMPARE(p.members.size(), 1);
    QCOMPARE(p.members.front().alertname, u"DBDown"_s);
    QCOMPARE(p.members.front().team, u"dba"_s);
    QCOMPARE(p.members.front().layer, u"application"_s);
    QCOMPARE(p.runs.size(), 1);
    QVERIFY(p.runs.front().passed);
    QCOMPARE(p.resolution->proposedRunbooks, (QStringList{u"RB-DB"_s, u"RB-OTHER"_s}));

    Store::PastQuery period;
    period.resolvedOnly = false;
    period.from = t0;
    period.to = t0.addSecs(7200);
    const QVector<PastIncident> all = store.pastIncidents(period);
    QCOMPARE(all.size(), 2);
    QCOMPARE(all.front().id, b); // newest first
    QCOMPARE(all.back().allClearedAt(), t0.addSecs(120));
    QCOMPARE(describe(IncidentPatterns::noisyAlerts(all)),
             QStringList{u"NoisyCPU pages=1 nonActionable=0 autoResolved=1 noisy=1 owners=web"_s});
    period.to = t0.addSecs(60);
    QCOMPARE(store.pastIncidents(period).size(), 1);
    Store::PastQuery one;
    one.id = a;
    one.resolvedOnly = false;
    QCOMPARE(store.pastIncidents(one).front().id, a);
}

QTEST_GUILESS_MAIN(TestPatterns)
#include "tst_patterns.moc"
