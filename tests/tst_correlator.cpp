// Correlator: dedup, flapping, grouping by time + graph + labels, concurrent faults, noise, merges.
#include "correlate/correlator.h"
#include "graph/servicegraph.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {
const QDateTime kT0 = QDateTime::fromString(u"2026-11-27T23:00:00Z"_s, Qt::ISODate);

Alert alert(const QString& service, const QString& name, int offset, Alert::Status status = Alert::Status::Firing)
{
    Alert a;
    a.labels = {{u"alertname"_s, name}, {u"service"_s, service}, {u"severity"_s, u"warning"_s}};
    a.fingerprint = Alert::fingerprintOf(a.labels);
    a.startsAt = kT0.addSecs(offset);
    a.receivedAt = kT0.addSecs(offset + 20);
    a.status = status;
    return a;
}

// db1 <- a1,a2,a3 <- fe1 ; db2 <- b1,b2,b3 ; island z ; hub m <- c1..c8
std::shared_ptr<const ServiceGraph> graph()
{
    auto g = std::make_shared<ServiceGraph>();
    for (const char* s : {"a1", "a2", "a3"})
        g->addEdge(QString::fromLatin1(s), u"db1"_s);
    g->addEdge(u"fe1"_s, u"a1"_s);
    g->addEdge(u"fe1"_s, u"a2"_s);
    for (const char* s : {"b1", "b2", "b3"})
        g->addEdge(QString::fromLatin1(s), u"db2"_s);
    g->addNode(u"z"_s);
    for (const char* s : {"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"})
        g->addEdge(QString::fromLatin1(s), u"m"_s);
    return g;
}

using Edges = QVector<QPair<QString, QString>>; // caller -> callee

std::shared_ptr<const ServiceGraph> graphOf(const Edges& edges)
{
    auto g = std::make_shared<ServiceGraph>();
    for (const auto& [from, to] : edges)
        g->addEdge(from, to);
    return g;
}

// db <- s1,s2,s3,s4 ; cache <- s4,s5,s6,s7 ; z alone. s4 calls both.
const Edges kSharedCaller{{u"s1"_s, u"db"_s},    {u"s2"_s, u"db"_s},    {u"s3"_s, u"db"_s},
                          {u"s4"_s, u"db"_s},    {u"s4"_s, u"cache"_s}, {u"s5"_s, u"cache"_s},
                          {u"s6"_s, u"cache"_s}, {u"s7"_s, u"cache"_s}, {u"z"_s, u"z-store"_s}};
// db <- a1,a2,a3 ; a3 <- f1,f2 ; a2 <- c
const Edges kNested{{u"a1"_s, u"db"_s}, {u"a2"_s, u"db"_s}, {u"a3"_s, u"db"_s},
                    {u"f1"_s, u"a3"_s}, {u"f2"_s, u"a3"_s}, {u"c"_s, u"a2"_s}};
// s1,s2,s3 call both db and mq
const Edges kTwoBackends{{u"s1"_s, u"db"_s}, {u"s2"_s, u"db"_s}, {u"s3"_s, u"db"_s},
                         {u"s1"_s, u"mq"_s}, {u"s2"_s, u"mq"_s}, {u"s3"_s, u"mq"_s}};
// m <- c1..c8: a hub with a big blast radius
const Edges kHub{{u"c1"_s, u"m"_s}, {u"c2"_s, u"m"_s}, {u"c3"_s, u"m"_s}, {u"c4"_s, u"m"_s},
                 {u"c5"_s, u"m"_s}, {u"c6"_s, u"m"_s}, {u"c7"_s, u"m"_s}, {u"c8"_s, u"m"_s}};
// db <- a1,a2 ; a1 <- c1 <- d1 <- e1
const Edges kChain{{u"a1"_s, u"db"_s}, {u"a2"_s, u"db"_s}, {u"c1"_s, u"a1"_s}, {u"d1"_s, u"c1"_s}, {u"e1"_s, u"d1"_s}};

QStringList groupsOf(const Correlator& correlator)
{
    QStringList got;
    for (const Incident& inc : correlator.incidents()) {
        QStringList services;
        for (const TrackedAlert& t : inc.alerts)
            services << t.service();
        services.removeDuplicates();
        services.sort();
        got << services.join(u',');
    }
    got.sort();
    return got;
}

QStringList services(const Incident& inc)
{
    QStringList out;
    for (const TrackedAlert& t : inc.alerts)
        out << t.service();
    out.removeDuplicates();
    out.sort();
    return out;
}
} // namespace

class TestCorrelator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void grouping_data();
    void grouping();
    void flappingStaysOneAlert();
    void incrementalMerge();
    void keysAndUpdates();
    void concurrentFaults_data();
    void concurrentFaults();
    void splitKeepsKeysAndStaysSplit();
    void everyIncidentIsFoundByItsKey_data();
    void everyIncidentIsFoundByItsKey();
    void incidentsShareTheirAlerts_data();
    void incidentsShareTheirAlerts();
};

void TestCorrelator::grouping_data()
{
    QTest::addColumn<QVector<Alert>>("alerts");
    QTest::addColumn<QStringList>("groups"); // each: sorted services joined by ','

    QTest::addRow("one storm, one incident")
        << QVector<Alert>{alert(u"a1"_s, u"Err"_s, 0), alert(u"a2"_s, u"Err"_s, 20), alert(u"a3"_s, u"Lat"_s, 35),
                          alert(u"fe1"_s, u"Err"_s, 90), alert(u"a1"_s, u"Lat"_s, 40)}
        << QStringList{u"a1,a2,a3,fe1"_s};
    QTest::addRow("two concurrent faults, two incidents")
        << QVector<Alert>{alert(u"a1"_s, u"Err"_s, 0), alert(u"b1"_s, u"Err"_s, 5), alert(u"a2"_s, u"Err"_s, 20),
                          alert(u"b2"_s, u"Err"_s, 25), alert(u"a3"_s, u"Err"_s, 30), alert(u"b3"_s, u"Err"_s, 40)}
        << QStringList{u"a1,a2,a3"_s, u"b1,b2,b3"_s};
    QTest::addRow("unrelated noise stays out")
        << QVector<Alert>{alert(u"a1"_s, u"Err"_s, 0), alert(u"z"_s, u"CertExpiry"_s, 10),
                          alert(u"a2"_s, u"Err"_s, 20), alert(u"a3"_s, u"Err"_s, 30)}
        << QStringList{u"a1,a2,a3"_s, u"z"_s};
    QTest::addRow("same services far apart in time")
        << QVector<Alert>{alert(u"a1"_s, u"Err"_s, 0), alert(u"a2"_s, u"Err"_s, 20),
                          alert(u"a1"_s, u"Lat"_s, 3600), alert(u"a2"_s, u"Lat"_s, 3620)}
        << QStringList{u"a1,a2"_s, u"a1,a2"_s};
    QTest::addRow("unknown service grouped by label, not with the graph")
        << QVector<Alert>{alert(u"a1"_s, u"Err"_s, 0), alert(u"legacy"_s, u"HighCPU"_s, 10),
                          alert(u"a2"_s, u"Err"_s, 20), alert(u"legacy"_s, u"Mem"_s, 60)}
        << QStringList{u"a1,a2"_s, u"legacy"_s};
}

void TestCorrelator::grouping()
{
    QFETCH(QVector<Alert>, alerts);
    QFETCH(QStringList, groups);
    Correlator correlator(graph());
    for (const Alert& a : alerts)
        correlator.add(a);
    QStringList got;
    for (const Incident& inc : correlator.incidents())
        got << services(inc).join(u',');
    got.sort();
    groups.sort();
    QCOMPARE(got, groups);
    QCOMPARE(correlator.incidentCount(), groups.size());
}

void TestCorrelator::flappingStaysOneAlert()
{
    Correlator correlator(graph());
    const Alert first = alert(u"a1"_s, u"Err"_s, 0);
    Alert repeat = first;
    repeat.receivedAt = kT0.addSecs(300);
    Alert resolved = first;
    resolved.status = Alert::Status::Resolved;
    resolved.receivedAt = kT0.addSecs(400);
    Alert again = alert(u"a1"_s, u"Err"_s, 500);
    correlator.add(first);
    correlator.add(repeat);
    correlator.add(resolved);
    QVERIFY(!correlator.trackedAlert(first.fingerprint)->isFiring());
    correlator.add(again);
    QCOMPARE(correlator.alertCount(), 1);
    QCOMPARE(correlator.incidentCount(), 1);
    const TrackedAlert* t = correlator.trackedAlert(first.fingerprint);
    QCOMPARE(t->notificationCount, 4);
    QCOMPARE(t->flapCount, 1);
    QVERIFY(t->isFiring());
    QCOMPARE(t->firstStartsAt, kT0); // the onset stays the first one
    const Incident inc = correlator.incidents().front();
    QCOMPARE(inc.notificationCount, 4);
    QCOMPARE(inc.alerts.size(), 1);
}

void TestCorrelator::incrementalMerge()
{
    // c1, c2, c3 share only hub m (blast radius 9): too little of m alerts to believe it at first, so the
    // first alerts found separate incidents; the fourth makes m plausible and merges them.
    Correlator correlator(graph());
    QStringList keys;
    for (int i = 1; i <= 3; ++i) {
        const Alert a = alert(u"c%1"_s.arg(i), u"Err"_s, i * 10);
        const auto u = correlator.add(a);
        QVERIFY(u.removed.isEmpty());
        keys << correlator.incidentKeyOf(a.fingerprint);
        QCOMPARE(keys.last(), Correlator::incidentKey(a.fingerprint, a.startsAt.toSecsSinceEpoch()));
    }
    QCOMPARE(correlator.incidentCount(), 3);
    const auto u = correlator.add(alert(u"c4"_s, u"Err"_s, 40));
    QCOMPARE(correlator.incidentCount(), 1);
    QCOMPARE(u.changed, QStringList{keys[0]});
    QStringList removed = u.removed;
    removed.sort();
    QCOMPARE(removed, (QStringList{keys[1], keys[2]}));
    const Incident inc = correlator.incidents().front();
    QCOMPARE(inc.key, keys[0]); // the oldest founder keeps its key
    QCOMPARE(services(inc), (QStringList{u"c1"_s, u"c2"_s, u"c3"_s, u"c4"_s}));
    QVERIFY(!correlator.incident(keys[1]));
}

void TestCorrelator::keysAndUpdates()
{
    Correlator correlator(graph());
    const Alert a = alert(u"a1"_s, u"Err"_s, 0);
    const QString key = Correlator::incidentKey(a.fingerprint, a.startsAt.toSecsSinceEpoch());
    auto u = correlator.add(a);
    QCOMPARE(u.changed, QStringList{key});
    u = correlator.add(alert(u"a2"_s, u"Err"_s, 10));
    QCOMPARE(u.changed, QStringList{key});
    QCOMPARE(correlator.incidentKeyOf(alert(u"a2"_s, u"Err"_s, 10).fingerprint), key);
    const Incident inc = *correlator.incident(key);
    QCOMPARE(inc.affectedServices, (QStringList{u"a1"_s, u"a2"_s}));
    QCOMPARE(inc.firstAlertAt, kT0);
    QCOMPARE(inc.severity, u"warning"_s);
    QVERIFY(inc.rootCauses.isEmpty());
}

void TestCorrelator::concurrentFaults_data()
{
    QTest::addColumn<Edges>("edges");
    QTest::addColumn<QVector<Alert>>("alerts");
    QTest::addColumn<QStringList>("groups"); // each: sorted services joined by ','

    // s4 (a caller of both) lets the cache fault's first alert join the database's incident; once the cache
    // side has callers of its own, the two causes explain the group far better than one.
    QTest::addRow("two faults sharing a caller become two incidents")
        << kSharedCaller << QVector<Alert>{alert(u"s1"_s, u"Err"_s, 0),   alert(u"s4"_s, u"Err"_s, 10), alert(u"s5"_s, u"Err"_s, 20),
                          alert(u"s6"_s, u"Err"_s, 30),  alert(u"s2"_s, u"Err"_s, 35), alert(u"s3"_s, u"Err"_s, 40),
                          alert(u"s7"_s, u"Err"_s, 45)}
        << QStringList{u"s1,s2,s3,s4"_s, u"s5,s6,s7"_s};
    // a3 is a caller of the database and the root of a second fault five minutes in: its callers start far
    // later than anything two hops from the database could, while the database's own storm is still going.
    QTest::addRow("second fault under the first root's callers")
        << kNested
        << QVector<Alert>{alert(u"a2"_s, u"Err"_s, 0),    alert(u"c"_s, u"Err"_s, 15),   alert(u"a1"_s, u"Err"_s, 25),
                          alert(u"f1"_s, u"Err"_s, 130),  alert(u"a1"_s, u"Lat"_s, 250), alert(u"a3"_s, u"Crash"_s, 300),
                          alert(u"f2"_s, u"Err"_s, 320)}
        << QStringList{u"a1,a2,c,f1"_s, u"a3,f2"_s};
    // The same callers hurt twice: db fails, then mq minutes later. mq's own alert began long after its callers
    // were alerting, which db explains, so it is a fault of its own; the callers' new alerts come too late for
    // db's cascade and in time for mq's, so they go with it.
    QTest::addRow("one set of callers, two faults in turn")
        << kTwoBackends
        << QVector<Alert>{alert(u"db"_s, u"DbDown"_s, 0),   alert(u"s1"_s, u"Err"_s, 20),  alert(u"s2"_s, u"Err"_s, 30),
                          alert(u"s3"_s, u"Err"_s, 40),     alert(u"s1"_s, u"Slow"_s, 100), alert(u"mq"_s, u"MqLag"_s, 200),
                          alert(u"s1"_s, u"Lat"_s, 230),    alert(u"s2"_s, u"Lat"_s, 240),  alert(u"s3"_s, u"Lat"_s, 250)}
        << QStringList{u"db,s1,s2,s3"_s, u"mq,s1,s2,s3"_s};
    // A cause's own alert a little after its first callers' (a slower alert rule, within the causal slack) still
    // joins them, even when another node could explain them too.
    QTest::addRow("a cause alerting just after its callers joins them")
        << kTwoBackends
        << QVector<Alert>{alert(u"s1"_s, u"Err"_s, 0), alert(u"s2"_s, u"Err"_s, 10), alert(u"s3"_s, u"Err"_s, 20),
                          alert(u"mq"_s, u"MqLag"_s, 50)}
        << QStringList{u"mq,s1,s2,s3"_s};
    QTest::addRow("the group's own cause alerting late joins it")
        << kSharedCaller
        << QVector<Alert>{alert(u"s1"_s, u"Err"_s, 0), alert(u"s2"_s, u"Err"_s, 10), alert(u"s3"_s, u"Err"_s, 20),
                          alert(u"db"_s, u"DbDown"_s, 50)}
        << QStringList{u"db,s1,s2,s3"_s};
    QTest::addRow("one cascade with late far callers stays one incident")
        << kChain << QVector<Alert>{alert(u"a1"_s, u"Err"_s, 0),   alert(u"a2"_s, u"Err"_s, 20), alert(u"c1"_s, u"Err"_s, 120),
                          alert(u"d1"_s, u"Err"_s, 230), alert(u"e1"_s, u"Err"_s, 340)}
        << QStringList{u"a1,a2,c1,d1,e1"_s};
    QTest::addRow("a noise alert on an unrelated service does not join")
        << kSharedCaller
        << QVector<Alert>{alert(u"s1"_s, u"Err"_s, 0), alert(u"s2"_s, u"Err"_s, 10), alert(u"z"_s, u"CertExpiry"_s, 15),
                          alert(u"s3"_s, u"Err"_s, 30)}
        << QStringList{u"s1,s2,s3"_s, u"z"_s};
    QTest::addRow("one stray caller of another cause is not a second fault")
        << kSharedCaller << QVector<Alert>{alert(u"s1"_s, u"Err"_s, 0), alert(u"s4"_s, u"Err"_s, 10), alert(u"s5"_s, u"Err"_s, 20),
                          alert(u"s2"_s, u"Err"_s, 30), alert(u"s3"_s, u"Err"_s, 40)}
        << QStringList{u"s1,s2,s3,s4,s5"_s};
    // A fault of a hub reaches few of its callers (2 of 9 alerting is below minPrecision): its own alert has shown
    // it failing, so one caller alerting in time after it is its symptom, not a page of its own (the storm's split).
    QTest::addRow("a hub's own alert takes its one alerting caller")
        << kHub << QVector<Alert>{alert(u"m"_s, u"HubDown"_s, 0), alert(u"c1"_s, u"Err"_s, 90)}
        << QStringList{u"c1,m"_s};
    QTest::addRow("...also when the hub's alert comes just after its caller's")
        << kHub << QVector<Alert>{alert(u"c1"_s, u"Err"_s, 0), alert(u"m"_s, u"HubDown"_s, 40)}
        << QStringList{u"c1,m"_s};
    // Onsets and graph both say otherwise: the caller was alerting well before the hub (beyond the causal slack).
    QTest::addRow("a caller alerting long before the hub stays apart")
        << kHub << QVector<Alert>{alert(u"c1"_s, u"Err"_s, 0), alert(u"m"_s, u"HubDown"_s, 100)}
        << QStringList{u"c1"_s, u"m"_s};
    QTest::addRow("...and so does its caller's alert before the hub's")
        << kHub << QVector<Alert>{alert(u"c1"_s, u"Err"_s, 0), alert(u"m"_s, u"HubDown"_s, 100), alert(u"c2"_s, u"Err"_s, 110)}
        << QStringList{u"c1"_s, u"c2,m"_s};
}

void TestCorrelator::concurrentFaults()
{
    QFETCH(Edges, edges);
    QFETCH(QVector<Alert>, alerts);
    QFETCH(QStringList, groups);
    Correlator correlator(graphOf(edges));
    for (const Alert& a : alerts)
        correlator.add(a);
    groups.sort();
    const QStringList got = groupsOf(correlator);
    QVERIFY2(got == groups, qPrintable(got.join(u" | "_s)));
}

void TestCorrelator::splitKeepsKeysAndStaysSplit()
{
    // Incremental: the alert that makes the split reports both incidents as changed, the founder's incident
    // keeps its key, and later alerts of either fault join their own incident without merging them again.
    Correlator correlator(graphOf(kSharedCaller));
    const Alert founder = alert(u"s1"_s, u"Err"_s, 0);
    const QString founderKey = Correlator::incidentKey(founder.fingerprint, founder.startsAt.toSecsSinceEpoch());
    for (const Alert& a : {founder, alert(u"s4"_s, u"Err"_s, 10), alert(u"s5"_s, u"Err"_s, 20)})
        QVERIFY(correlator.add(a).removed.isEmpty());
    QCOMPARE(correlator.incidentCount(), 1);
    const Alert s6 = alert(u"s6"_s, u"Err"_s, 30);
    correlator.add(s6);
    const Alert s2 = alert(u"s2"_s, u"Err"_s, 35);
    const auto split = correlator.add(s2);
    QCOMPARE(correlator.incidentCount(), 2);
    QVERIFY(split.removed.isEmpty());
    QCOMPARE(correlator.incidentKeyOf(s2.fingerprint), founderKey);
    const QString cacheKey = correlator.incidentKeyOf(s6.fingerprint);
    QVERIFY(cacheKey != founderKey);
    QVERIFY(split.changed.contains(founderKey));
    QVERIFY(split.changed.contains(cacheKey));
    QCOMPARE(services(*correlator.incident(cacheKey)), (QStringList{u"s5"_s, u"s6"_s}));

    const auto more = correlator.add(alert(u"s7"_s, u"Err"_s, 45));
    QVERIFY(more.removed.isEmpty());
    QCOMPARE(more.changed, QStringList{cacheKey});
    const auto dbSide = correlator.add(alert(u"s3"_s, u"Err"_s, 50));
    QVERIFY(dbSide.removed.isEmpty());
    QCOMPARE(dbSide.changed, QStringList{founderKey});
    QCOMPARE(groupsOf(correlator), (QStringList{u"s1,s2,s3,s4"_s, u"s5,s6,s7"_s}));
}

void TestCorrelator::everyIncidentIsFoundByItsKey_data()
{
    QTest::addColumn<QStringList>("order"); // services alerting 10 s apart, the first one founds the incident

    // The split of the shared-caller storm moves one fault's alerts to a new incident: whichever side founded the
    // incident, its founding alert stays, as the key names it (incident(key) finds the incident through it).
    QTest::addRow("founded on the db side") << QStringList{u"s1"_s, u"s4"_s, u"s5"_s, u"s6"_s, u"s2"_s, u"s7"_s};
    QTest::addRow("founded on the cache side") << QStringList{u"s6"_s, u"s4"_s, u"s1"_s, u"s2"_s, u"s5"_s, u"s3"_s};
    QTest::addRow("founded by the shared caller") << QStringList{u"s4"_s, u"s1"_s, u"s6"_s, u"s2"_s, u"s5"_s, u"s7"_s};
}

void TestCorrelator::everyIncidentIsFoundByItsKey()
{
    QFETCH(QStringList, order);
    Correlator correlator(graphOf(kSharedCaller));
    const Alert founder = alert(order.constFirst(), u"Err"_s, 0);
    const QString founderKey = Correlator::incidentKey(founder.fingerprint, founder.startsAt.toSecsSinceEpoch());
    for (qsizetype i = 0; i < order.size(); ++i) {
        correlator.add(alert(order[i], u"Err"_s, int(i) * 10));
        for (const Incident& inc : correlator.incidents()) {
            const std::optional<Incident> found = correlator.incident(inc.key);
            QVERIFY2(found, qPrintable(u"after %1: %2 (%3) is not found by its key"_s.arg(order[i], inc.key,
                                                                                          services(inc).join(u','))));
            QCOMPARE(services(*found), services(inc));
        }
        QCOMPARE(correlator.incidentKeyOf(founder.fingerprint), founderKey);
    }
    QCOMPARE(correlator.incidentCount(), 2); // the storm did split
}

void TestCorrelator::incidentsShareTheirAlerts_data()
{
    QTest::addColumn<Edges>("edges");
    QTest::addColumn<QVector<Alert>>("alerts");
    QTest::addColumn<bool>("shared"); // materialised incidents share the group's alerts instead of copying them

    QTest::addRow("one storm in onset order")
        << kSharedCaller << QVector<Alert>{alert(u"s1"_s, u"Err"_s, 0), alert(u"s2"_s, u"Err"_s, 10),
                                           alert(u"s3"_s, u"Err"_s, 20)}
        << true;
    QTest::addRow("merge through a hub")
        << kHub << QVector<Alert>{alert(u"c1"_s, u"Err"_s, 10), alert(u"c2"_s, u"Err"_s, 20),
                                  alert(u"c3"_s, u"Err"_s, 30), alert(u"c4"_s, u"Err"_s, 40)}
        << true;
    QTest::addRow("split of two faults sharing a caller")
        << kSharedCaller
        << QVector<Alert>{alert(u"s1"_s, u"Err"_s, 0),  alert(u"s4"_s, u"Err"_s, 10), alert(u"s5"_s, u"Err"_s, 20),
                          alert(u"s6"_s, u"Err"_s, 30), alert(u"s2"_s, u"Err"_s, 35), alert(u"s7"_s, u"Err"_s, 45)}
        << true;
    Alert resolved = alert(u"s1"_s, u"Err"_s, 0, Alert::Status::Resolved);
    resolved.receivedAt = kT0.addSecs(100);
    QTest::addRow("repeats and a resolve")
        << kSharedCaller << QVector<Alert>{alert(u"s1"_s, u"Err"_s, 0), alert(u"s2"_s, u"Err"_s, 10),
                                           alert(u"s1"_s, u"Err"_s, 0), resolved}
        << true;
    // Joined out of onset order: the incident lists them by onset, a sorted copy of its own.
    QTest::addRow("onsets out of order")
        << kSharedCaller
        << QVector<Alert>{alert(u"s1"_s, u"Err"_s, 40), alert(u"s2"_s, u"Err"_s, 0), alert(u"s3"_s, u"Err"_s, 20)}
        << false;
}

void TestCorrelator::incidentsShareTheirAlerts()
{
    QFETCH(Edges, edges);
    QFETCH(QVector<Alert>, alerts);
    QFETCH(bool, shared);
    Correlator correlator(graphOf(edges));
    for (const Alert& a : alerts)
        correlator.add(a);
    qsizetype members = 0;
    QVector<Incident> before;
    for (const QString& key : correlator.incidentKeys()) {
        const Incident one = *correlator.incident(key), again = *correlator.incident(key);
        QCOMPARE(one.alerts.isSharedWith(again.alerts), shared);
        for (qsizetype i = 0; i < one.alerts.size(); ++i) {
            const TrackedAlert& t = one.alerts.at(i);
            // Every member is where the correlator keeps it, with the same state.
            QCOMPARE(correlator.incidentKeyOf(t.fingerprint()), key);
            const TrackedAlert* kept = correlator.trackedAlert(t.fingerprint());
            QVERIFY(kept);
            QCOMPARE(kept->notificationCount, t.notificationCount);
            QCOMPARE(kept->isFiring(), t.isFiring());
            if (i > 0)
                QVERIFY(one.alerts.at(i - 1).firstStartsAt <= t.firstStartsAt);
        }
        members += one.alerts.size();
        before << one;
    }
    QCOMPARE(members, qsizetype(correlator.alertCount()));

    // What was materialised stays as it was when the correlator changes the alerts after it: a repeat of each.
    for (const Incident& inc : std::as_const(before))
        for (const TrackedAlert& t : inc.alerts) {
            Alert repeat = t.latest;
            repeat.receivedAt = repeat.receivedAt.addSecs(600);
            correlator.add(repeat);
        }
    for (const Incident& inc : std::as_const(before)) {
        const Incident now = *correlator.incident(inc.key);
        QCOMPARE(now.alerts.size(), inc.alerts.size());
        QCOMPARE(now.notificationCount, inc.notificationCount + inc.alerts.size());
        for (qsizetype i = 0; i < inc.alerts.size(); ++i)
            QCOMPARE(now.alerts.at(i).notificationCount, inc.alerts.at(i).notificationCount + 1);
    }
}

QTEST_GUILESS_MAIN(TestCorrelator)
#include "tst_correlator.moc"
