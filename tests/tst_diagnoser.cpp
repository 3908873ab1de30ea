// Diagnoser: one hand-made scenario per signal, and the `nightwatch-cli diagnose` command end to end.
#include "correlate/correlator.h"
#include "diagnose/diagnoser.h"
#include "diagnose/scenariodiagnosis.h"
#include "ingest/scenarioreader.h"
#include "graph/servicegraph.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;

namespace {
const QDateTime kT0 = QDateTime::fromString(u"2026-11-27T23:40:00Z"_s, Qt::ISODate);

struct Spec
{
    QString service;
    int offset;
    QString severity = u"warning"_s;
    QString rootLabel = {}; // root_cause_candidate value, empty = absent
    QString layer = u"application"_s;
    QString alertName = u"Err"_s; // another name on the same service: another alert
    QString peer = {};              // peer_service: the callee an edge alert names
};

Alert alert(const Spec& s)
{
    Alert a;
    a.labels = {
        {u"alertname"_s, s.alertName}, {u"service"_s, s.service}, {u"severity"_s, s.severity}, {u"layer"_s, s.layer}};
    if (!s.rootLabel.isEmpty())
        a.labels.insert(u"root_cause_candidate"_s, s.rootLabel);
    if (!s.peer.isEmpty())
        a.labels.insert(u"peer_service"_s, s.peer);
    a.fingerprint = Alert::fingerprintOf(a.labels);
    a.startsAt = kT0.addSecs(s.offset);
    a.receivedAt = kT0.addSecs(s.offset + 15);
    return a;
}

using Edges = QVector<QPair<QString, QString>>;
using Anomaly = QHash<QString, double>;
} // namespace

class TestDiagnoser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void signals_data();
    void signals();
    void mergedFaultsRankBothRoots();
    void residualRoots_data();
    void residualRoots();
    void distinctSuspectShownThird_data();
    void distinctSuspectShownThird();
    void metricSupportDecidesBetweenEqualCandidates_data();
    void metricSupportDecidesBetweenEqualCandidates();
    void alertElsewhere_data();
    void alertElsewhere();
    void neighbourCause_data();
    void neighbourCause();
    void principles_data();
    void principles();
    void tiedOnsetsDoNotDecide();
    void realLikeFixture_data();
    void realLikeFixture();
    void confidenceStrictlyBestFirst();
    void cliOnGeneratedScenario();
    void sameAnswerInEveryProcess();
    void cliRejectsInvalidInput_data();
    void cliRejectsInvalidInput();
};

void TestDiagnoser::signals_data()
{
    QTest::addColumn<Edges>("edges");
    QTest::addColumn<QVector<Spec>>("alerts");
    QTest::addColumn<QVector<ChangeEvent>>("changes");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("evidence"); // a phrase the top candidate's evidence must contain

    const Edges dbGraph{{u"s1"_s, u"postgres-main"_s}, {u"s2"_s, u"postgres-main"_s}, {u"s3"_s, u"postgres-main"_s},
                        {u"s4"_s, u"postgres-main"_s}, {u"web"_s, u"s1"_s},           {u"web"_s, u"s2"_s}};
    QTest::addRow("silent database root")
        << dbGraph
        << QVector<Spec>{{u"s1"_s, 30}, {u"s2"_s, 45}, {u"s3"_s, 50, u"critical"_s}, {u"s4"_s, 60}, {u"web"_s, 130}}
        << QVector<ChangeEvent>{} << u"postgres-main"_s << u"raised no alert of its own"_s;

    const Edges authGraph{{u"api"_s, u"auth"_s}, {u"web"_s, u"api"_s}, {u"mobile"_s, u"api"_s}};
    QTest::addRow("misleading root_cause_candidate label")
        << authGraph
        << QVector<Spec>{{u"auth"_s, 0, u"critical"_s},
                         {u"api"_s, 40, u"warning"_s, u"true"_s},
                         {u"web"_s, 100, u"warning"_s, u"false"_s},
                         {u"mobile"_s, 110, u"warning"_s, u"false"_s}}
        << QVector<ChangeEvent>{} << u"auth"_s << u"before any caller"_s;

    const Edges cacheGraph{{u"a"_s, u"redis-cache"_s}, {u"b"_s, u"redis-cache"_s}, {u"c"_s, u"redis-cache"_s}};
    const QVector<Spec> cacheStorm{
        {u"redis-cache"_s, 0, u"critical"_s, {}, u"infrastructure"_s}, {u"a"_s, 30}, {u"b"_s, 40}, {u"c"_s, 60}};
    QTest::addRow("deploy decoy on a caller")
        << cacheGraph << cacheStorm
        << QVector<ChangeEvent>{{u"a"_s, u"deploy"_s, kT0.addSecs(-600), u"a routine deploy"_s, {}}} << u"redis-cache"_s
        << u"all 3 alerting services call redis-cache"_s;
    QTest::addRow("deploy on the root is cited")
        << cacheGraph << cacheStorm
        << QVector<ChangeEvent>{{u"redis-cache"_s, u"deploy"_s, kT0.addSecs(-14 * 60), u"v7.2.1"_s, {}}}
        << u"redis-cache"_s << u"deployed v7.2.1 14 min before onset"_s;
    QTest::addRow("deploy just after onset is cited as after")
        << cacheGraph << cacheStorm
        << QVector<ChangeEvent>{{u"redis-cache"_s, u"deploy"_s, kT0.addSecs(90), u"v7.2.2"_s, {}}} << u"redis-cache"_s
        << u"deployed v7.2.2 90 s after onset"_s;

    // Two suspects in the same place: severity and a distinct alert name are conventions of generated storms, not of
    // real incidents (a real root often raises the same LatencyHigh as its callers, as a warning). They do not decide:
    // the twins tie, shown in name order, and zeta's distinct critical alert is only cited.
    const Edges twinGraph{{u"web"_s, u"alpha"_s}, {u"web"_s, u"zeta"_s}, {u"api"_s, u"alpha"_s}, {u"api"_s, u"zeta"_s}};
    QTest::addRow("severity and a distinct name do not decide")
        << twinGraph
        << QVector<Spec>{{u"web"_s, 40, u"warning"_s, {}, u"application"_s, u"ErrorRateHigh"_s},
                         {u"alpha"_s, 0, u"warning"_s, {}, u"application"_s, u"ErrorRateHigh"_s},
                         {u"zeta"_s, 0, u"critical"_s, {}, u"application"_s, u"PoolExhausted"_s},
                         {u"api"_s, 50, u"warning"_s, {}, u"application"_s, u"ErrorRateHigh"_s}}
        << QVector<ChangeEvent>{} << u"alpha"_s << u"alpha raised ErrorRateHigh"_s;

    QTest::addRow("unknown service flagged")
        << Edges{{u"a"_s, u"b"_s}} << QVector<Spec>{{u"legacy-billing"_s, 0}, {u"legacy-billing"_s, 30}}
        << QVector<ChangeEvent>{} << u"legacy-billing"_s << u"not in graph"_s;
}

void TestDiagnoser::signals()
{
    QFETCH(Edges, edges);
    QFETCH(QVector<Spec>, alerts);
    QFETCH(QVector<ChangeEvent>, changes);
    QFETCH(QString, expected);
    QFETCH(QString, evidence);

    auto graph = std::make_shared<ServiceGraph>();
    for (const auto& [from, to] : edges)
        graph->addEdge(from, to);
    graph->addNode(u"postgres-main"_s, u"database"_s);
    graph->addNode(u"redis-cache"_s, u"cache"_s);
    Correlator correlator(graph);
    int n = 0;
    for (Spec s : alerts) {
        if (n++ && alerts[n - 2].service == s.service)
            s.layer = u"second"_s; // a second, distinct alert on the same service
        correlator.add(alert(s));
    }
    QCOMPARE(correlator.incidentCount(), 1);
    Diagnoser diagnoser(graph);
    diagnoser.setChanges(changes);
    const auto causes = diagnoser.diagnose(correlator.incidents().front());
    QVERIFY(!causes.isEmpty());
    QCOMPARE(causes.front().service, expected);
    QVERIFY2(causes.front().evidence.join(u" | "_s).contains(evidence),
             qPrintable(causes.front().evidence.join(u" | "_s)));
    double sum = 0.0;
    for (int i = 0; i < causes.size(); ++i) {
        QVERIFY(causes[i].confidence >= 0.0 && causes[i].confidence <= 1.0);
        if (i > 0)
            QVERIFY(causes[i].score <= causes[i - 1].score);
        sum += causes[i].confidence;
    }
    QVERIFY(sum <= 1.0 + 1e-9);
    QCOMPARE(causes.front().inGraph, graph->contains(expected));
    if (expected == u"postgres-main")
        QVERIFY(!causes.front().hasOwnAlert);
}

void TestDiagnoser::mergedFaultsRankBothRoots()
{
    // One incident holding two faults (as when the correlator had to merge them): three callers of db1,
    // two of db2, nothing shared. The leader explains one fault; the runner-up must explain the other.
    auto graph = std::make_shared<ServiceGraph>();
    for (const char* s : {"a1", "a2", "a3"})
        graph->addEdge(QString::fromLatin1(s), u"db1"_s);
    for (const char* s : {"b1", "b2"})
        graph->addEdge(QString::fromLatin1(s), u"db2"_s);
    for (const char* s : {"a1", "a2", "a3", "b1", "b2"}) // decoys that compete for second place
        graph->addEdge(u"edge-%1"_s.arg(QString::fromLatin1(s)), QString::fromLatin1(s));
    Incident incident;
    int offset = 0;
    for (const char* s : {"a1", "a2", "a3", "b1", "b2"}) {
        TrackedAlert t;
        t.latest = alert({QString::fromLatin1(s), offset});
        t.firstStartsAt = t.latest.startsAt;
        t.notificationCount = 1;
        incident.alerts << t;
        offset += 20;
    }
    Diagnoser diagnoser(graph);
    const auto causes = diagnoser.diagnose(incident);
    QVERIFY(causes.size() >= 2);
    QCOMPARE(causes[0].service, u"db1"_s);
    QCOMPARE(causes[1].service, u"db2"_s);
    QVERIFY2(
        causes[1].evidence.constFirst().contains(u"explains alerts on 2 services that db1 does not reach in time"_s),
        qPrintable(causes[1].evidence.join(u" | "_s)));
    double sum = 0.0;
    for (const RootCauseCandidate& c : causes)
        sum += c.confidence;
    QVERIFY(sum <= 1.0 + 1e-9);
}

void TestDiagnoser::residualRoots_data()
{
    QTest::addColumn<Edges>("edges");
    QTest::addColumn<QVector<Spec>>("alerts"); // one incident, as if the correlator had to keep them together
    QTest::addColumn<QString>("leader");
    QTest::addColumn<QString>("second");
    QTest::addColumn<bool>("promoted"); // the second place names what the leader leaves unexplained

    // a3 calls db, but its own crash and its callers' errors come minutes after anything db's failure
    // explains: a second fault under the first root's callers, which the runner-up must name.
    const Edges nested{{u"a1"_s, u"db"_s}, {u"a2"_s, u"db"_s}, {u"a3"_s, u"db"_s},
                       {u"f1"_s, u"a3"_s}, {u"f2"_s, u"a3"_s}, {u"f3"_s, u"a3"_s}};
    QTest::addRow("late second fault under the leader's callers")
        << nested
        << QVector<Spec>{{u"a1"_s, 0},  {u"a2"_s, 20, u"critical"_s}, {u"a3"_s, 300, u"critical"_s},
                         {u"f1"_s, 320}, {u"f2"_s, 330},              {u"f3"_s, 340}}
        << u"db"_s << u"a3"_s << true;
    // cache crashed minutes after db and took f1 and f2 with it; its five other callers are quiet (or their
    // alerts are grouped elsewhere), so few of its callers alert. Its own crash still makes it the second root.
    const Edges quietCallers{{u"a1"_s, u"db"_s}, {u"a2"_s, u"db"_s}, {u"a3"_s, u"db"_s},
                             {u"f1"_s, u"cache"_s}, {u"f2"_s, u"cache"_s}, {u"q1"_s, u"cache"_s},
                             {u"q2"_s, u"cache"_s}, {u"q3"_s, u"cache"_s}, {u"q4"_s, u"cache"_s},
                             {u"q5"_s, u"cache"_s}, {u"a1"_s, u"cache"_s}};
    QTest::addRow("a second root that alerted itself, with most callers quiet")
        << quietCallers
        << QVector<Spec>{{u"a1"_s, 0},  {u"a2"_s, 20, u"critical"_s}, {u"a3"_s, 30},
                         {u"cache"_s, 300, u"critical"_s}, {u"f1"_s, 320}, {u"f2"_s, 330}}
        << u"db"_s << u"cache"_s << true;
    // a3, f1 and f2 first alerted as db's callers; minutes later a3 crashed and its callers alerted again. A
    // service's first alert does not make its later ones db's symptoms: each alert is timed on its own.
    const Edges hurtTwice{{u"a1"_s, u"db"_s}, {u"a2"_s, u"db"_s}, {u"a3"_s, u"db"_s}, {u"a4"_s, u"db"_s},
                          {u"f1"_s, u"a3"_s}, {u"f2"_s, u"a3"_s}, {u"f3"_s, u"a3"_s}};
    QTest::addRow("second fault on services that already alerted for the first")
        << hurtTwice
        << QVector<Spec>{{u"a1"_s, 0},
                         {u"a2"_s, 20, u"critical"_s},
                         {u"a3"_s, 30},
                         {u"a4"_s, 40},
                         {u"f1"_s, 100},
                         {u"f2"_s, 110},
                         {u"a3"_s, 600, u"critical"_s, {}, u"application"_s, u"Crash"_s},
                         {u"f1"_s, 620, u"warning"_s, {}, u"application"_s, u"Timeout"_s},
                         {u"f2"_s, 630, u"warning"_s, {}, u"application"_s, u"Timeout"_s},
                         {u"f3"_s, 640}}
        << u"db"_s << u"a3"_s << true;
    // Two stray alerts on unrelated leaves share no believable cause: the natural runner-up (the caller that
    // alerted first) keeps second place.
    const Edges withStrays{{u"s1"_s, u"db"_s},  {u"s2"_s, u"db"_s},   {u"s3"_s, u"db"_s},   {u"web"_s, u"s1"_s},
                           {u"z1"_s, u"hub"_s}, {u"z2"_s, u"hub"_s},  {u"z3"_s, u"hub"_s},  {u"z4"_s, u"hub"_s},
                           {u"z5"_s, u"hub"_s}, {u"z6"_s, u"z1"_s},   {u"z7"_s, u"z2"_s}};
    QTest::addRow("scattered noise is not a second root")
        << withStrays
        << QVector<Spec>{{u"s1"_s, 0, u"critical"_s}, {u"s2"_s, 30}, {u"s3"_s, 40}, {u"web"_s, 70},
                         {u"z6"_s, 50}, {u"z7"_s, 60}}
        << u"db"_s << u"s1"_s << false;
}

void TestDiagnoser::residualRoots()
{
    QFETCH(Edges, edges);
    QFETCH(QVector<Spec>, alerts);
    QFETCH(QString, leader);
    QFETCH(QString, second);
    QFETCH(bool, promoted);
    auto graph = std::make_shared<ServiceGraph>();
    for (const auto& [from, to] : edges)
        graph->addEdge(from, to);
    Incident incident;
    for (const Spec& spec : alerts) {
        TrackedAlert t;
        t.latest = alert(spec);
        t.firstStartsAt = t.latest.startsAt;
        t.notificationCount = 1;
        incident.alerts << t;
    }
    const auto causes = Diagnoser(graph).diagnose(incident);
    QStringList ranked;
    for (const RootCauseCandidate& c : causes)
        ranked << c.service;
    QVERIFY2(causes.size() >= 2, qPrintable(ranked.join(u", "_s)));
    QCOMPARE(causes[0].service, leader);
    QVERIFY2(causes[1].service == second, qPrintable(ranked.join(u", "_s)));
    const bool saysResidual = causes[1].evidence.constFirst().startsWith(u"explains "_s) &&
                              causes[1].evidence.constFirst().contains(u"does not reach"_s);
    QVERIFY2(saysResidual == promoted, qPrintable(causes[1].evidence.join(u" | "_s)));
}

void TestDiagnoser::distinctSuspectShownThird_data()
{
    QTest::addColumn<QString>("a3AlertName"); // a3's critical alert, among callers that all raise ErrorRateHigh
    QTest::addColumn<bool>("shown");          // a3 is third, its distinct alert the first reason given

    QTest::addRow("a crash nobody else reports") << u"PodCrashLooping"_s << true;
    QTest::addRow("the same alert as its neighbours") << u"ErrorRateHigh"_s << false;
}

void TestDiagnoser::distinctSuspectShownThird()
{
    // db's failure reaches a1..a6; a3 also crashed on its own within db's propagation window, so timing cannot tell
    // it apart and two shared dependencies (cache, queue) outscore it for second and third place.
    QFETCH(QString, a3AlertName);
    QFETCH(bool, shown);
    auto graph = std::make_shared<ServiceGraph>();
    for (const char* s : {"a1", "a2", "a3", "a4", "a5", "a6"})
        graph->addEdge(QString::fromLatin1(s), u"db"_s);
    for (const char* s : {"a1", "a2"})
        graph->addEdge(QString::fromLatin1(s), u"cache"_s);
    for (const char* s : {"a4", "a5"})
        graph->addEdge(QString::fromLatin1(s), u"queue"_s);
    Incident incident;
    int offset = 0;
    for (const char* s : {"a1", "a2", "a3", "a4", "a5", "a6"}) {
        const QString service = QString::fromLatin1(s);
        const bool a3 = service == u"a3";
        TrackedAlert t;
        t.latest = alert({service,
                          offset,
                          a3 ? u"critical"_s : u"warning"_s,
                          {},
                          u"application"_s,
                          a3 ? a3AlertName : u"ErrorRateHigh"_s});
        t.firstStartsAt = t.latest.startsAt;
        t.notificationCount = 1;
        incident.alerts << t;
        offset += 20;
    }
    const auto causes = Diagnoser(graph).diagnose(incident);
    QStringList ranked;
    for (const RootCauseCandidate& c : causes)
        ranked << c.service + u" "_s + QString::number(c.score, 'f', 2);
    QVERIFY2(causes.size() >= 3, qPrintable(ranked.join(u", "_s)));
    QCOMPARE(causes[0].service, u"db"_s);
    QVERIFY2((causes[2].service == u"a3") == shown, qPrintable(ranked.join(u", "_s)));
    if (shown)
        QCOMPARE(causes[2].evidence.constFirst(), u"a3 is the only alerting service raising PodCrashLooping"_s);
}

void TestDiagnoser::metricSupportDecidesBetweenEqualCandidates_data()
{
    QTest::addColumn<QString>("supported"); // empty: no metrics
    QTest::addColumn<double>("strength");
    QTest::addColumn<QString>("expected");

    QTest::addRow("no metrics: the graph alone cannot tell") << QString() << 0.0 << u"db1"_s;
    QTest::addRow("db2's connections led the errors") << u"db2"_s << 1.0 << u"db2"_s;
    QTest::addRow("db1's connections led the errors") << u"db1"_s << 1.0 << u"db1"_s;
    QTest::addRow("weak support is not enough to matter") << u"db2"_s << 0.0 << u"db1"_s;
}

void TestDiagnoser::metricSupportDecidesBetweenEqualCandidates()
{
    QFETCH(QString, supported);
    QFETCH(double, strength);
    QFETCH(QString, expected);

    // a1 and a2 both call db1 and db2, which raised nothing: the graph explains the alerts equally well.
    auto graph = std::make_shared<ServiceGraph>();
    for (const char* caller : {"a1", "a2"})
        for (const char* db : {"db1", "db2"})
            graph->addEdge(QString::fromLatin1(caller), QString::fromLatin1(db));
    Incident incident;
    for (const Spec& spec : {Spec{u"a1"_s, 0}, Spec{u"a2"_s, 20}}) {
        TrackedAlert t;
        t.latest = alert(spec);
        t.firstStartsAt = t.latest.startsAt;
        incident.alerts << t;
    }
    Diagnoser diagnoser(graph);
    Diagnoser::MetricSupportMap metrics;
    const QString sentence = u"%1 connections rose 40 s before a1 errors; r = 0.93 at lag 40 s"_s.arg(supported);
    if (!supported.isEmpty())
        metrics.insert(supported, {strength, {sentence}});
    const auto causes = diagnoser.diagnose(incident, metrics);
    QVERIFY(causes.size() >= 2);
    QCOMPARE(causes.front().service, expected);
    for (const RootCauseCandidate& c : causes) {
        const bool cited = c.evidence.contains(sentence);
        QCOMPARE(cited, !supported.isEmpty() && c.service == supported);
    }
    QVERIFY(causes[0].score >= causes[1].score);
    QVERIFY(causes[0].confidence >= causes[1].confidence);
    // Equal evidence is equal belief: the name that sorts first wins the tie, not a larger share of the confidence.
    if (causes[0].score == causes[1].score)
        QCOMPARE(causes[0].confidence, causes[1].confidence);
    else
        QVERIFY(causes[0].confidence > causes[1].confidence);
}

void TestDiagnoser::alertElsewhere_data()
{
    QTest::addColumn<int>("mqOffset"); // when mq's own alert began, in another incident (s from kT0)
    QTest::addColumn<int>("a3Offset"); // when a third caller began alerting here; < 0: it does not
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("evidence"); // what mq's evidence says of its alert; empty: it is not used

    // a1 and a2 (and a3) call both db and mq and alert from +30 s: the graph alone cannot tell the two apart (db
    // wins the tie by name). mq's own alert, grouped in a neighbouring incident, decides it when it could have
    // started this incident, or when most of what depends on it began after it.
    const QString grouped = u"is grouped in another incident"_s;
    QTest::addRow("began just before: mq is the cause") << 0 << -1 << u"mq"_s << grouped;
    QTest::addRow("began with the callers, within the slack") << 60 << -1 << u"mq"_s << grouped;
    QTest::addRow("began minutes after everything here") << 300 << -1 << u"db"_s << QString();
    QTest::addRow("began long before: another story") << -600 << -1 << u"db"_s << QString();
    QTest::addRow("began after two, before the third caller") << 300 << 330 << u"mq"_s
                                                             << u"came before 1 of the 3 alerting services"_s;
}

void TestDiagnoser::alertElsewhere()
{
    QFETCH(int, mqOffset);
    QFETCH(int, a3Offset);
    QFETCH(QString, expected);
    QFETCH(QString, evidence);
    auto graph = std::make_shared<ServiceGraph>();
    for (const char* caller : {"a1", "a2", "a3"}) {
        graph->addEdge(QString::fromLatin1(caller), u"db"_s);
        graph->addEdge(QString::fromLatin1(caller), u"mq"_s);
    }
    graph->addNode(u"z"_s);
    const auto tracked = [](const Spec& spec) {
        TrackedAlert t;
        t.latest = alert(spec);
        t.firstStartsAt = t.latest.startsAt;
        t.notificationCount = 1;
        return t;
    };
    Incident incident;
    incident.key = u"callers"_s;
    incident.alerts << tracked({u"a1"_s, 30}) << tracked({u"a2"_s, 40});
    if (a3Offset >= 0)
        incident.alerts << tracked({u"a3"_s, a3Offset});
    incident.firstAlertAt = kT0.addSecs(30);
    incident.lastAlertAt = kT0.addSecs(std::max(40, a3Offset) + 15);
    Incident neighbour;
    neighbour.key = u"neighbour"_s;
    neighbour.alerts << tracked({u"mq"_s, mqOffset, u"critical"_s, {}, u"infrastructure"_s})
                     << tracked({u"z"_s, mqOffset}); // in the graph, but nothing here depends on it
    neighbour.firstAlertAt = kT0.addSecs(mqOffset);
    neighbour.lastAlertAt = kT0.addSecs(mqOffset + 15);

    const Diagnoser diagnoser(graph);
    QCOMPARE(diagnoser.diagnose(incident).constFirst().service, u"db"_s); // the tie, without the neighbour
    Diagnoser::Context context;
    if (Diagnoser::mayBearOn(neighbour, incident))
        context.elsewhere = diagnoser.relevantElsewhere(incident, {neighbour});
    const bool used = !evidence.isEmpty();
    QCOMPARE(context.elsewhere.size(), used ? 1 : 0);
    if (used)
        QCOMPARE(context.elsewhere.constFirst().service(), u"mq"_s);

    const QVector<RootCauseCandidate> causes = diagnoser.diagnose(incident, context);
    QCOMPARE(causes.constFirst().service, expected);
    const auto mq = std::find_if(causes.cbegin(), causes.cend(), [](const auto& c) { return c.service == u"mq"_s; });
    QVERIFY(mq != causes.cend());
    const QString said = mq->evidence.join(u" | "_s);
    QVERIFY2(used ? said.contains(evidence) : !said.contains(u"another incident"_s), qPrintable(said));
}

void TestDiagnoser::neighbourCause_data()
{
    QTest::addColumn<QVector<Spec>>("neighbour"); // the other incident's alerts
    QTest::addColumn<bool>("lends");              // whether it lends its cause to this one
    QTest::addColumn<bool>("shown");              // ...and that cause is shown third here

    // Here: a1..a5 call the silent db, x1 calls db and the silent cache. Over there: c1 and c2 call cache.
    QTest::addRow("smaller, while this one grew") << QVector<Spec>{{u"c1"_s, 30}, {u"c2"_s, 50}} << true << true;
    QTest::addRow("began as this one's last alert did")
        << QVector<Spec>{{u"c1"_s, 100}, {u"c2"_s, 130}} << true << true;
    QTest::addRow("one alert says little") << QVector<Spec>{{u"c1"_s, 30}} << false << false;
    QTest::addRow("over before this one began") << QVector<Spec>{{u"c1"_s, -300}, {u"c2"_s, -280}} << false << false;
    QTest::addRow("began after this one's last alert")
        << QVector<Spec>{{u"c1"_s, 400}, {u"c2"_s, 420}} << false << false;
    QTest::addRow("bigger than this one") << QVector<Spec>{{u"c1"_s, 30}, {u"c2"_s, 35}, {u"c3"_s, 40}, {u"c4"_s, 45},
                                                           {u"c5"_s, 50}, {u"c6"_s, 55}, {u"c7"_s, 60}}
                                          << false << false;
    QTest::addRow("its cause explains nothing here") << QVector<Spec>{{u"q1"_s, 30}, {u"q2"_s, 50}} << true << false;
}

void TestDiagnoser::neighbourCause()
{
    QFETCH(QVector<Spec>, neighbour);
    QFETCH(bool, lends);
    QFETCH(bool, shown);
    auto graph = std::make_shared<ServiceGraph>();
    for (const char* caller : {"a1", "a2", "a3", "a4", "a5", "x1"})
        graph->addEdge(QString::fromLatin1(caller), u"db"_s);
    graph->addEdge(u"x1"_s, u"cache"_s);
    for (const char* caller : {"c1", "c2", "c3", "c4", "c5", "c6", "c7"})
        graph->addEdge(QString::fromLatin1(caller), u"cache"_s);
    for (const char* caller : {"q1", "q2"})
        graph->addEdge(QString::fromLatin1(caller), u"queue"_s);
    const auto incidentOf = [](const QString& key, const QVector<Spec>& specs) {
        Incident incident;
        incident.key = key;
        for (const Spec& spec : specs) {
            TrackedAlert t;
            t.latest = alert(spec);
            t.firstStartsAt = t.latest.startsAt;
            t.lastReceivedAt = t.latest.receivedAt;
            t.notificationCount = 1;
            incident.alerts << t;
            if (!incident.firstAlertAt.isValid() || t.firstStartsAt < incident.firstAlertAt)
                incident.firstAlertAt = t.firstStartsAt;
            incident.lastAlertAt = std::max(incident.lastAlertAt, t.lastReceivedAt);
        }
        return incident;
    };
    const Incident here = incidentOf(
        u"here"_s, {{u"a1"_s, 0}, {u"a2"_s, 20}, {u"a3"_s, 40}, {u"a4"_s, 60}, {u"a5"_s, 80}, {u"x1"_s, 100}});
    Incident there = incidentOf(u"there"_s, neighbour);
    const Diagnoser diagnoser(graph);
    there.rootCauses = diagnoser.diagnose(there);
    QVERIFY(!there.rootCauses.isEmpty());

    const QVector<RootCauseCandidate> alone = diagnoser.diagnose(here);
    QCOMPARE(alone.constFirst().service, u"db"_s);
    QVERIFY(alone.size() >= 3 && alone[2].service != there.rootCauses.constFirst().service);

    const QVector<Diagnoser::NeighbourCause> causes = Diagnoser::neighbourCauses(here, QVector<Incident>{there});
    QCOMPARE(causes.size(), lends ? 1 : 0);
    Diagnoser::Context context;
    context.neighbourCauses = causes;
    const QVector<RootCauseCandidate> ranked = diagnoser.diagnose(here, context);
    QCOMPARE(ranked.constFirst().service, u"db"_s); // never the first answer
    QCOMPARE(ranked.size(), alone.size());
    const QString lent = u"probable cause of a concurrent incident of %1 alerts"_s.arg(neighbour.size());
    if (shown) {
        QCOMPARE(ranked[2].service, u"cache"_s);
        QVERIFY2(ranked[2].evidence.constFirst().startsWith(lent), qPrintable(ranked[2].evidence.join(u" | "_s)));
    } else {
        for (int i = 0; i < ranked.size(); ++i)
            QCOMPARE(ranked[i].service, alone[i].service);
    }
}

// Principles that hold beyond one generator, each in a place where the graph alone cannot tell: three callers of two
// silent twins, alpha and zeta, every alert a warning with the same name at the same second. Without the signal the
// twins tie and alpha (first by name) leads.
void TestDiagnoser::principles_data()
{
    QTest::addColumn<QString>("peer");                   // the callee the callers' edge alerts name, if any
    QTest::addColumn<Anomaly>("anomaly"); // robust z of series, by service
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("evidence");

    QTest::addRow("no signal: the twins tie") << QString() << Anomaly{} << u"alpha"_s
                                              << u"raised no alert of its own"_s;
    QTest::addRow("edge alerts accuse the silent callee")
        << u"zeta"_s << Anomaly{} << u"zeta"_s << u"3 of its 3 direct callers report errors"_s;
    QTest::addRow("its series left their pre-onset level (MAD)")
        << QString() << Anomaly{{u"zeta"_s, 14.0}, {u"alpha"_s, 0.5}} << u"zeta"_s
        << u"robust z 14.0"_s;
    QTest::addRow("noise-level series say nothing")
        << QString() << Anomaly{{u"zeta"_s, 0.8}, {u"alpha"_s, 0.5}} << u"alpha"_s
        << u"raised no alert of its own"_s;
}

void TestDiagnoser::principles()
{
    QFETCH(QString, peer);
    QFETCH(Anomaly, anomaly);
    QFETCH(QString, expected);
    QFETCH(QString, evidence);

    auto graph = std::make_shared<ServiceGraph>();
    for (const QString& caller : {u"c1"_s, u"c2"_s, u"c3"_s})
        for (const QString& callee : {u"alpha"_s, u"zeta"_s})
            graph->addEdge(caller, callee);
    Correlator correlator(graph);
    for (const QString& caller : {u"c1"_s, u"c2"_s, u"c3"_s}) {
        Spec s{caller, 0};
        s.alertName = u"LatencyHigh"_s;
        s.peer = peer;
        correlator.add(alert(s));
    }
    QCOMPARE(correlator.incidentCount(), 1);
    Diagnoser diagnoser(graph);
    Diagnoser::Context context;
    context.anomaly = anomaly;
    const auto causes = diagnoser.diagnose(correlator.incidents().front(), context);
    QVERIFY(!causes.isEmpty());
    QCOMPARE(causes.front().service, expected);
    QVERIFY2(causes.front().evidence.join(u" | "_s).contains(evidence),
             qPrintable(causes.front().evidence.join(u" | "_s)));
}

// Alerts floored to the same minute (metrics at 1-minute steps) carry no order: nothing read from order may count.
void TestDiagnoser::tiedOnsetsDoNotDecide()
{
    auto graph = std::make_shared<ServiceGraph>();
    for (const QString& caller : {u"s1"_s, u"s2"_s, u"s3"_s})
        graph->addEdge(caller, u"db"_s);
    graph->addEdge(u"web"_s, u"s1"_s);
    Correlator correlator(graph);
    for (const QString& service : {u"s1"_s, u"s2"_s, u"s3"_s, u"web"_s})
        correlator.add(alert(Spec{service, 0}));
    QCOMPARE(correlator.incidentCount(), 1);
    Diagnoser diagnoser(graph);
    const auto scored = diagnoser.score(correlator.incidents().front());
    QVERIFY(!scored.isEmpty());
    for (const Diagnoser::Scored& sc : scored)
        for (const auto feature : {Diagnoser::EarliestNear, Diagnoser::FirstExplained, Diagnoser::HopOrder,
                                   Diagnoser::OwnLead})
            QVERIFY2(sc.features[feature] == 0.0,
                     qPrintable(sc.candidate.service + u": "_s + QString::fromLatin1(Diagnoser::featureName(feature))));
}

// Committed scenarios of tools/scengen.py that break the generator's conventions (warning-only symptom names, ties at
// one-minute resolution, a silent root, edge alerts only): `scengen.py --seed 1 --services 20 --faults 1 --profile P`,
// the first seed of each profile, not one picked to pass (of seeds 1-20, 20 reallike, 18 edge-only and 19 silent-root
// scenarios pass). The true root must be among the three shown, with the principle that finds it in its evidence.
void TestDiagnoser::realLikeFixture_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("principle"); // what the true root's evidence must say
    QTest::addRow("reallike: metric anomaly") << u"reallike-s1.json"_s << u"its metrics left their pre-onset level"_s;
    QTest::addRow("edge-only: edge alerts accuse the callee")
        << u"edge-only-s1.json"_s << u"report errors or latency calling it"_s;
    QTest::addRow("silent-root: graph explanation") << u"silent-root-s1.json"_s << u"direct callers alert"_s;
}

void TestDiagnoser::realLikeFixture()
{
    QFETCH(QString, file);
    QFETCH(QString, principle);
    const QString path = QFINDTESTDATA(u"data/scenarios/"_s + file);
    QVERIFY2(!path.isEmpty(), qPrintable(file));
    QString error;
    auto scenario = ScenarioReader::readFile(path, &error);
    QVERIFY2(scenario, qPrintable(error));
    const QVector<Incident> incidents = diagnoseScenario(std::move(*scenario), nullptr);
    // The truth is read here only: the engine never sees it.
    QFile raw(path);
    QVERIFY(raw.open(QIODevice::ReadOnly));
    const nlohmann::json doc = nlohmann::json::parse(raw.readAll().toStdString());
    QVERIFY(!doc["truth"]["incidents"].empty());
    for (const auto& truth : doc["truth"]["incidents"]) {
        const QString root = QString::fromStdString(truth["root_cause_service"].get<std::string>());
        QSet<QString> fingerprints;
        for (const auto& fp : truth["alerts"])
            fingerprints.insert(QString::fromStdString(fp.get<std::string>()));
        const Incident* best = nullptr; // the incident holding most of its alerts
        qsizetype bestShared = 0;
        for (const Incident& incident : incidents) {
            const qsizetype shared = std::count_if(incident.alerts.cbegin(), incident.alerts.cend(), [&](const TrackedAlert& t) {
                return fingerprints.contains(t.fingerprint());
            });
            if (shared > bestShared) {
                bestShared = shared;
                best = &incident;
            }
        }
        QVERIFY(best);
        QStringList shown;
        const RootCauseCandidate* found = nullptr;
        for (qsizetype i = 0; i < best->rootCauses.size() && i < 3; ++i) {
            shown << best->rootCauses[i].service;
            if (best->rootCauses[i].service == root)
                found = &best->rootCauses[i];
        }
        QVERIFY2(found, qPrintable(root + u" not in "_s + shown.join(u", "_s)));
        QVERIFY2(found->evidence.join(u" | "_s).contains(principle), qPrintable(found->evidence.join(u" | "_s)));
    }
}

// However the shortlist is rearranged (a residual root, a neighbour's cause, a distinct suspect moved up), no candidate
// is shown above one with a higher confidence. Two-fault scenarios of the project's generator, where such moves happen.
void TestDiagnoser::confidenceStrictlyBestFirst()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    int checked = 0;
    for (int seed = 1; seed <= 16; ++seed) {
        const QString file = dir.filePath(u"s%1.json"_s.arg(seed));
        QProcess gen;
        gen.setStandardOutputFile(file);
        gen.start(u"python3"_s, {QStringLiteral(NIGHTWATCH_SOURCE_DIR) + u"/tools/scengen.py"_s, u"--seed"_s,
                                 QString::number(seed), u"--faults"_s, u"2"_s, u"--services"_s, u"40"_s});
        QVERIFY(gen.waitForFinished(60000));
        QCOMPARE(gen.exitCode(), 0);
        QProcess cli;
        cli.start(QStringLiteral(NIGHTWATCH_CLI), {u"diagnose"_s, file});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QJsonArray incidents =
            QJsonDocument::fromJson(cli.readAllStandardOutput()).object().value(u"incidents"_s).toArray();
        QVERIFY(!incidents.isEmpty());
        for (const auto& v : incidents) {
            const QJsonArray causes = v.toObject().value(u"root_causes"_s).toArray();
            for (qsizetype i = 1; i < causes.size(); ++i) {
                const double above = causes[i - 1].toObject().value(u"confidence"_s).toDouble();
                const double below = causes[i].toObject().value(u"confidence"_s).toDouble();
                QVERIFY2(below <= above, qPrintable(u"seed %1: %2 (%3) shown below %4 (%5)"_s.arg(seed)
                                                        .arg(causes[i - 1].toObject().value(u"service"_s).toString())
                                                        .arg(above)
                                                        .arg(causes[i].toObject().value(u"service"_s).toString())
                                                        .arg(below)));
                ++checked;
            }
        }
    }
    QVERIFY(checked > 0);
}

void TestDiagnoser::cliOnGeneratedScenario()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(u"s.json"_s);
    QProcess gen;
    gen.setStandardOutputFile(file);
    gen.start(u"python3"_s, {QStringLiteral(NIGHTWATCH_SCENGEN), u"--seed"_s, u"4242"_s,
                             u"--faults"_s, u"2"_s});
    QVERIFY(gen.waitForFinished(60000));
    QCOMPARE(gen.exitCode(), 0);

    QProcess cli;
    cli.start(QStringLiteral(NIGHTWATCH_CLI), {u"diagnose"_s, file});
    QVERIFY(cli.waitForFinished(60000));
    QCOMPARE(cli.exitCode(), 0);
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(cli.readAllStandardOutput(), &err);
    QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    const QJsonArray incidents = doc.object().value(u"incidents"_s).toArray();
    QVERIFY(incidents.size() >= 3);
    // Listed as the console lists them: the most severe first, then the newest.
    for (qsizetype i = 1; i < incidents.size(); ++i) {
        const QJsonObject before = incidents[i - 1].toObject(), after = incidents[i].toObject();
        const Severity rankBefore = parseSeverity(before.value(u"severity"_s).toString());
        const Severity rankAfter = parseSeverity(after.value(u"severity"_s).toString());
        QVERIFY2(rankBefore >= rankAfter, qPrintable(u"incident %1 is more severe than %2"_s.arg(i).arg(i - 1)));
        if (rankBefore == rankAfter)
            QVERIFY2(QDateTime::fromString(before.value(u"first_alert_at"_s).toString(), Qt::ISODate) >=
                         QDateTime::fromString(after.value(u"first_alert_at"_s).toString(), Qt::ISODate),
                     qPrintable(u"incident %1 is newer than %2"_s.arg(i).arg(i - 1)));
    }
    for (const auto& v : incidents) {
        const QJsonObject inc = v.toObject();
        QVERIFY(!inc.value(u"id"_s).toString().isEmpty());
        QVERIFY(QDateTime::fromString(inc.value(u"first_alert_at"_s).toString(), Qt::ISODate).isValid());
        QVERIFY(!inc.value(u"alerts"_s).toArray().isEmpty());
        QVERIFY(inc.value(u"affected_services"_s).isArray());
        const QJsonArray causes = inc.value(u"root_causes"_s).toArray();
        QVERIFY(!causes.isEmpty());
        double previous = 1e9;
        for (const auto& c : causes) {
            const QJsonObject rc = c.toObject();
            QVERIFY(!rc.value(u"service"_s).toString().isEmpty());
            QVERIFY(rc.value(u"score"_s).isDouble());
            const double conf = rc.value(u"confidence"_s).toDouble(-1);
            QVERIFY(conf >= 0.0 && conf <= 1.0);
            QVERIFY(rc.value(u"score"_s).toDouble() <= previous);
            previous = rc.value(u"score"_s).toDouble();
            QVERIFY(!rc.value(u"evidence"_s).toArray().isEmpty());
        }
    }
}

// Qt seeds its hashes at random in every process: nothing a hash visits first may change a score. a and b alert in
// the same second, so each is "the earliest alert" and x (under a) and y (under b) must be scored alike, every run.
void TestDiagnoser::sameAnswerInEveryProcess()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(u"tie.json"_s);
    const auto alertAt = [](const char* service, const char* startsAt) {
        return nlohmann::json{{"status", "firing"},
                              {"labels", {{"alertname", "Err"}, {"service", service}, {"severity", "warning"}}},
                              {"annotations", nlohmann::json::object()},
                              {"startsAt", startsAt},
                              {"endsAt", "0001-01-01T00:00:00Z"},
                              {"receivedAt", startsAt},
                              {"fingerprint", std::string("fp-") + service}};
    };
    const nlohmann::json scenario{
        {"name", "tie"},
        {"topology",
         {{"nodes", {{{"id", "a"}, {"kind", "service"}}, {{"id", "b"}, {"kind", "service"}},
                     {{"id", "w"}, {"kind", "service"}}, {{"id", "x"}, {"kind", "database"}},
                     {{"id", "y"}, {"kind", "database"}}}},
          {"edges", {{{"from", "a"}, {"to", "w"}}, {{"from", "b"}, {"to", "w"}}, {{"from", "a"}, {"to", "x"}},
                     {{"from", "b"}, {"to", "y"}}}}}},
        {"alerts", {alertAt("a", "2026-11-27T23:00:00Z"), alertAt("b", "2026-11-27T23:00:00Z")}},
        {"changes", nlohmann::json::array()}};
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QByteArray::fromStdString(scenario.dump()));
    out.close();

    QByteArray first;
    for (int run = 0; run < 6; ++run) {
        QProcess cli;
        cli.start(QStringLiteral(NIGHTWATCH_CLI), {u"diagnose"_s, file});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QByteArray said = cli.readAllStandardOutput();
        if (run == 0) {
            first = said;
            const QJsonArray causes = QJsonDocument::fromJson(said)[u"incidents"_s][0][u"root_causes"_s].toArray();
            double x = -1, y = -2;
            for (const auto& c : causes) {
                if (c[u"service"_s] == u"x"_s)
                    x = c[u"score"_s].toDouble();
                if (c[u"service"_s] == u"y"_s)
                    y = c[u"score"_s].toDouble();
            }
            QCOMPARE(x, y);
        }
        QCOMPARE(said, first);
    }
}

void TestDiagnoser::cliRejectsInvalidInput_data()
{
    QTest::addColumn<QByteArray>("content"); // empty: the file does not exist
    QTest::addRow("not json") << QByteArray("{\"alerts\": [");
    QTest::addRow("alerts not an array") << QByteArray("{\"alerts\": 3}");
    QTest::addRow("bad topology") << QByteArray("{\"topology\": {\"nodes\": 1}, \"alerts\": []}");
    QTest::addRow("missing file") << QByteArray();
}

void TestDiagnoser::cliRejectsInvalidInput()
{
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    const QString file = dir.filePath(u"bad.json"_s);
    if (!content.isEmpty()) {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    QProcess cli;
    cli.start(QStringLiteral(NIGHTWATCH_CLI), {u"diagnose"_s, file});
    QVERIFY(cli.waitForFinished(30000));
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 2);
    const QByteArray err = cli.readAllStandardError().trimmed();
    QVERIFY(!err.isEmpty());
    QVERIFY(!err.contains('\n'));
    QVERIFY(cli.readAllStandardOutput().isEmpty());
}

QTEST_GUILESS_MAIN(TestDiagnoser)
#include "tst_diagnoser.moc"
