// RunbookLibrary: which runbooks are proposed for hand-made incidents and in which order (the `runbook`
// label first, then matches by alertname / cause / service / labels), the labels and service their
// parameters read, the history hook, and loading a folder over the built-in examples.

#include "runbook/runbooklibrary.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

Runbook runbook(const QString& id, const RunbookMatches& matches)
{
    Runbook rb;
    rb.id = id;
    rb.title = id;
    rb.matches = matches;
    return rb;
}

// The library every data row is proposed from.
QVector<Runbook> catalogue()
{
    return {
        runbook(u"RB-POOL"_s, {{u"DBConnectionPoolExhausted"_s}, {}, {}, {}}),
        runbook(u"RB-POOL-AND-PG"_s, {{u"DBConnectionPoolExhausted"_s, u"PostgresTooManyConnections"_s}, {}, {}, {}}),
        runbook(u"RB-PG"_s, {{}, {}, {u"postgres-main"_s}, {}}),
        runbook(u"RB-KAFKA"_s, {{}, {}, {u"kafka"_s}, {}}),
        runbook(u"RB-CAUSE"_s, {{}, {u"connection-pool"_s}, {}, {}}),
        runbook(u"RB-DISK"_s, {{}, {u"disk-full"_s}, {}, {}}),
        runbook(u"RB-STAGING"_s, {{}, {}, {}, {{u"env"_s, u"staging"_s}}}),
        runbook(u"RB-BY-HAND"_s, {}), // matches nothing: only a runbook label can propose it
    };
}

TrackedAlert alert(const QString& name, const QString& service, const LabelSet& extra = {}, bool firing = true)
{
    TrackedAlert t;
    t.latest.labels = {{u"alertname"_s, name}, {u"service"_s, service}, {u"env"_s, u"prod"_s}};
    for (auto it = extra.cbegin(); it != extra.cend(); ++it)
        t.latest.labels.insert(it.key(), it.value());
    t.latest.status = firing ? Alert::Status::Firing : Alert::Status::Resolved;
    return t;
}

Incident incident(const QVector<TrackedAlert>& alerts, const QString& root = {}, const QStringList& evidence = {})
{
    Incident i;
    i.id = 7;
    i.alerts = alerts;
    for (const TrackedAlert& a : alerts)
        if (a.isFiring() && !i.affectedServices.contains(a.service()))
            i.affectedServices << a.service();
    i.affectedServices.sort();
    if (!root.isEmpty()) {
        RootCauseCandidate c;
        c.service = root;
        c.evidence = evidence;
        i.rootCauses = {c};
    }
    return i;
}

QStringList ids(const QVector<RunbookLibrary::Proposal>& proposals)
{
    QStringList out;
    for (const auto& p : proposals)
        out << p.runbook.id;
    return out;
}

} // namespace

class TestRunbookLibrary : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void proposes_data();
    void proposes();
    void reasonsSayWhy();
    void parametersReadTheMatchingAlert();
    void historyReranksButNeverProposes();
    void folderOverridesBuiltIns();
    void demoIncidentGetsThePoolRunbooks();
};

void TestRunbookLibrary::proposes_data()
{
    QTest::addColumn<Incident>("incident");
    QTest::addColumn<QStringList>("expected");

    const auto pool = alert(u"DBConnectionPoolExhausted"_s, u"order-service"_s);
    const auto pg = alert(u"PostgresTooManyConnections"_s, u"postgres-main"_s);
    const auto lag = alert(u"KafkaConsumerLag"_s, u"kafka"_s);

    QTest::addRow("nothing matches") << incident({alert(u"JobFailing"_s, u"batch"_s)}) << QStringList();
    QTest::addRow("alertname") << incident({pool}) << QStringList{u"RB-POOL"_s, u"RB-POOL-AND-PG"_s};
    QTest::addRow("two alertnames outrank one")
        << incident({pool, pg}) << QStringList{u"RB-POOL-AND-PG"_s, u"RB-POOL"_s, u"RB-PG"_s}; // PG: affected only
    QTest::addRow("resolved alerts still count")
        << incident({alert(u"DBConnectionPoolExhausted"_s, u"order-service"_s, {}, false)})
        << QStringList{u"RB-POOL"_s, u"RB-POOL-AND-PG"_s};
    QTest::addRow("root-cause service outranks one alertname")
        << incident({pool}, u"postgres-main"_s) << QStringList{u"RB-PG"_s, u"RB-POOL"_s, u"RB-POOL-AND-PG"_s};
    QTest::addRow("affected service") << incident({lag}, u"order-service"_s) << QStringList{u"RB-KAFKA"_s};
    QTest::addRow("cause in the evidence")
        << incident({alert(u"HighErrorRate"_s, u"order-service"_s)}, u"order-service"_s,
                    {u"order-service reports its connection pool exhausted."_s})
        << QStringList{u"RB-CAUSE"_s};
    QTest::addRow("cause only as a whole phrase")
        << incident({alert(u"HighErrorRate"_s, u"order-service"_s)}, u"order-service"_s,
                    {u"order-service reconnection-pooling is fine."_s})
        << QStringList();
    QTest::addRow("cause label") << incident({alert(u"NodeFilesystemAlmostOutOfSpace"_s, u"logs"_s,
                                                    {{u"cause"_s, u"disk-full"_s}})})
                                 << QStringList{u"RB-DISK"_s};
    QTest::addRow("labels must all match")
        << incident({alert(u"HighErrorRate"_s, u"web"_s, {{u"env"_s, u"staging"_s}})}) << QStringList{u"RB-STAGING"_s};
    QTest::addRow("labels of another value") << incident({alert(u"HighErrorRate"_s, u"web"_s)}) << QStringList();
    QTest::addRow("runbook label first, whatever the scores")
        << incident({pool, pg, alert(u"HighErrorRate"_s, u"web"_s, {{u"runbook"_s, u"RB-BY-HAND"_s}})},
                    u"postgres-main"_s)
        << QStringList{u"RB-BY-HAND"_s, u"RB-POOL-AND-PG"_s, u"RB-PG"_s, u"RB-POOL"_s};
    QTest::addRow("runbook label naming an unknown id")
        << incident({alert(u"HighErrorRate"_s, u"web"_s, {{u"runbook"_s, u"RB-NOPE"_s}})}) << QStringList();
    QTest::addRow("runbook label is matched by exact id")
        << incident({alert(u"HighErrorRate"_s, u"web"_s, {{u"runbook"_s, u"rb-by-hand"_s}})}) << QStringList();
}

void TestRunbookLibrary::proposes()
{
    QFETCH(Incident, incident);
    QFETCH(QStringList, expected);
    RunbookLibrary library;
    library.setRunbooks(catalogue());
    QCOMPARE(ids(library.propose(incident)), expected);
}

void TestRunbookLibrary::reasonsSayWhy()
{
    RunbookLibrary library;
    library.setRunbooks(catalogue());
    const auto proposals = library.propose(
        incident({alert(u"DBConnectionPoolExhausted"_s, u"order-service"_s, {{u"runbook"_s, u"RB-POOL"_s}})},
                 u"postgres-main"_s, {u"order-service reports its connection pool exhausted."_s}));
    QCOMPARE(ids(proposals), (QStringList{u"RB-POOL"_s, u"RB-PG"_s, u"RB-POOL-AND-PG"_s, u"RB-CAUSE"_s}));
    const auto& named = proposals.at(0);
    QVERIFY(named.named);
    QCOMPARE(named.reasons.size(), 2);
    QVERIFY2(named.reasons.at(0).contains(u"runbook label"_s), qPrintable(named.reasons.at(0)));
    QVERIFY2(named.reasons.at(1).contains(u"DBConnectionPoolExhausted"_s), qPrintable(named.reasons.at(1)));
    QVERIFY(proposals.at(1).reasons.at(0).contains(u"postgres-main"_s));
    QVERIFY(proposals.at(3).reasons.at(0).contains(u"connection pool exhausted"_s));
    QVERIFY(proposals.at(0).score > proposals.at(1).score);
}

void TestRunbookLibrary::parametersReadTheMatchingAlert()
{
    RunbookLibrary library;
    library.setRunbooks(catalogue());
    // The resolved pool alert is passed over for the firing one; a kafka alert (no match) is never used.
    const auto proposals = library.propose(
        incident({alert(u"KafkaConsumerLag"_s, u"kafka"_s, {{u"namespace"_s, u"streams"_s}}),
                  alert(u"DBConnectionPoolExhausted"_s, u"inventory-service"_s, {{u"namespace"_s, u"old"_s}}, false),
                  alert(u"DBConnectionPoolExhausted"_s, u"order-service"_s, {{u"namespace"_s, u"shop"_s}})},
                 u"postgres-main"_s));
    const auto pool =
        std::find_if(proposals.cbegin(), proposals.cend(), [](const auto& p) { return p.runbook.id == u"RB-POOL"_s; });
    QVERIFY(pool != proposals.cend());
    QCOMPARE(pool->labels.value(u"namespace"_s), u"shop"_s);
    QCOMPARE(pool->service, u"postgres-main"_s); // the diagnosed service, not the alert's

    // No root cause: the service is the chosen alert's.
    const auto noRoot = library.propose(incident({alert(u"KafkaConsumerLag"_s, u"kafka"_s)}));
    QCOMPARE(ids(noRoot), QStringList{u"RB-KAFKA"_s});
    QCOMPARE(noRoot.at(0).service, u"kafka"_s);

    // Picked by hand: the root-cause service's alert gives the labels.
    const auto byHand =
        library.unproposed(*library.find(u"RB-DISK"_s),
                           incident({alert(u"HighErrorRate"_s, u"web"_s), alert(u"PostgresDown"_s, u"postgres-main"_s)},
                                    u"postgres-main"_s));
    QCOMPARE(byHand.labels.value(u"alertname"_s), u"PostgresDown"_s);
    QCOMPARE(byHand.service, u"postgres-main"_s);
    QVERIFY(!byHand.reasons.isEmpty());
}

void TestRunbookLibrary::historyReranksButNeverProposes()
{
    RunbookLibrary library;
    library.setRunbooks(catalogue());
    const Incident i = incident({alert(u"DBConnectionPoolExhausted"_s, u"order-service"_s)}, u"postgres-main"_s);
    QCOMPARE(ids(library.propose(i)), (QStringList{u"RB-PG"_s, u"RB-POOL"_s, u"RB-POOL-AND-PG"_s}));

    QStringList asked;
    library.setHistoryScore([&asked](const Runbook& rb, const Incident& incident) {
        asked << rb.id;
        return RunbookLibrary::HistoryVerdict{
            incident.id == 7 && rb.id == u"RB-POOL-AND-PG"_s ? 5.0 : rb.id == u"RB-DISK"_s ? 50.0 : 0.0, {}};
    });
    const auto proposals = library.propose(i);
    QCOMPARE(ids(proposals), (QStringList{u"RB-POOL-AND-PG"_s, u"RB-PG"_s, u"RB-POOL"_s}));
    QVERIFY(proposals.at(0).reasons.last().contains(u"past incidents"_s));
    QVERIFY(!asked.contains(u"RB-DISK"_s)); // only proposed runbooks are ranked by history
}

void TestRunbookLibrary::folderOverridesBuiltIns()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto write = [&](const QString& name, const QByteArray& yaml) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(yaml);
    };
    write(u"pool.yaml"_s, "id: RB-DB-001\ntitle: Our own pool fix\nmatches: {alertnames: [OurPoolAlert]}\n"
                          "steps:\n  - name: look\n    safety: read-only\n    argv: [true]\n");
    write(u"broken.yaml"_s, "id: RB-BROKEN\ntitle: x\nstepz: []\n");

    RunbookLibrary library;
    QSignalSpy changed(&library, &RunbookLibrary::changed);
    library.load(dir.path());
    QCOMPARE(changed.size(), 1);
    QCOMPARE(library.runbooks().size(), 6); // the six built-ins, one of them replaced by the folder's
    QCOMPARE(library.find(u"RB-DB-001"_s)->title, u"Our own pool fix"_s);
    QVERIFY(library.find(u"RB-K8S-002"_s));
    QCOMPARE(library.errors().size(), 1);
    QVERIFY2(library.errors().at(0).contains(u"broken.yaml"_s), qPrintable(library.errors().at(0)));

    library.load(dir.path(), false);
    QCOMPARE(library.runbooks().size(), 1);
    library.load(dir.filePath(u"missing"_s), false);
    QVERIFY(library.runbooks().isEmpty());
    QCOMPARE(library.errors().size(), 1);
    library.load(QString());
    QCOMPARE(library.runbooks().size(), 6);
    QVERIFY(library.errors().isEmpty());
}

void TestRunbookLibrary::demoIncidentGetsThePoolRunbooks()
{
    RunbookLibrary library;
    library.load(QString());
    const Incident i = incident({alert(u"DatabaseConnectionPoolExhausted"_s, u"order-service"_s),
                                 alert(u"ServiceErrorRateHigh"_s, u"checkout-service"_s),
                                 alert(u"KafkaConsumerLagHigh"_s, u"notification-service"_s)},
                                u"postgres-main"_s, {u"order-service reports its connection pool exhausted."_s});
    const QStringList proposed = ids(library.propose(i));
    // Ansible's names the alert and postgres-main; RB-DB-001 the alert and the connection-pool cause.
    QCOMPARE(proposed, (QStringList{u"RB-ANS-006"_s, u"RB-DB-001"_s, u"RB-KAFKA-004"_s}));
}

QTEST_GUILESS_MAIN(TestRunbookLibrary)
#include "tst_runbooklibrary.moc"
