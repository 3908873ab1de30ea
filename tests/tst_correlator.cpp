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
        keys << a.fingerprint;
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
    auto u = correlator.add(a);
    QCOMPARE(u.changed, QStringList{a.fingerprint});
    u = correlator.add(alert(u"a2"_s, u"Err"_s, 10));
    QCOMPARE(u.changed, QStringList{a.fingerprint});
    QCOMPARE(correlator.incidentKeyOf(alert(u"a2"_s, u"Err"_s, 10).fingerprint), a.fingerprint);
    const Incident inc = *correlator.incident(a.fingerprint);
    QCOMPARE(inc.affectedServices, (QStringList{u"a1"_s, u"a2"_s}));
    QCOMPARE(inc.firstAlertAt, kT0);
    QCOMPARE(inc.severity, u"warning"_s);
    QVERIFY(inc.rootCauses.isEmpty());
}

QTEST_GUILESS_MAIN(TestCorrelator)
#include "tst_correlator.moc"
