// The shared team store: the Store and two consoles on one real PostgreSQL, started by this test on a free
// 127.0.0.1 port in a temporary directory. Console A ingests the Black-Friday storm, console B sees the same
// incidents and root cause, B's acknowledgement reaches A (who, when) through LISTEN/NOTIFY, a runbook run
// recorded by one console shows on the other, and several writers of the same keys leave one row each.
// The store round trip runs on both backends (SQLite file and PostgreSQL) from the same data rows.

#include "graph/servicegraph.h"
#include "ingest/scenarioreader.h"
#include "pipeline/pipeline.h"
#include "store/store.h"
#include "store/storeschema.h"

#include "../postgresprocess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QDateTime t0 = QDateTime(QDate(2024, 3, 1), QTime(12, 0), Qt::UTC);

Alert makeAlert(const QString& name, const QString& service, Alert::Status status, qint64 offsetMs)
{
    Alert a;
    a.labels = {{u"alertname"_s, name}, {u"service"_s, service}, {u"severity"_s, u"critical"_s}};
    a.annotations = {{u"summary"_s, name + u" on "_s + service}};
    a.fingerprint = Alert::fingerprintOf(a.labels);
    a.status = status;
    a.startsAt = t0.addMSecs(offsetMs);
    if (status == Alert::Status::Resolved)
        a.endsAt = t0.addMSecs(offsetMs + 1);
    a.receivedAt = t0.addMSecs(offsetMs + 5);
    a.source = u"webhook:alertmanager"_s;
    return a;
}

Incident makeIncident(const QString& key, const QVector<Alert>& members)
{
    Incident inc;
    inc.key = key;
    for (const Alert& a : members) {
        TrackedAlert t;
        t.latest = a;
        t.firstStartsAt = a.startsAt;
        t.notificationCount = 1;
        inc.alerts.append(t);
    }
    inc.affectedServices = {u"api"_s, u"db"_s};
    inc.firstAlertAt = t0;
    inc.lastAlertAt = t0.addSecs(60);
    inc.notificationCount = int(members.size());
    inc.severity = u"critical"_s;
    RootCauseCandidate db;
    db.service = u"db"_s;
    db.score = 3.25;
    db.confidence = 0.8123456789; // a REAL (float4) column would lose this
    db.evidence = {u"db alerted first (12 s before api)"_s, u"api calls db"_s};
    db.hasOwnAlert = true;
    RootCauseCandidate net;
    net.service = u"network"_s;
    net.score = 1.5;
    net.confidence = 0.15;
    net.inGraph = false;
    inc.rootCauses = {db, net};
    return inc;
}

const Incident* topOpen(const IncidentSnapshotPtr& s)
{
    for (const Incident& i : s->incidents)
        if (i.isOpen())
            return &i;
    return nullptr;
}

QString topCause(const Incident* i)
{
    return i && !i->rootCauses.isEmpty() ? i->rootCauses.constFirst().service : QString();
}

// A plain QPSQL connection beside the stores, for looking at (and racing) the database directly.
QSqlDatabase rawConnection(const QString& url, const QString& name)
{
    const QUrl u(url);
    QSqlDatabase raw = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
    raw.setHostName(u.host());
    raw.setPort(u.port());
    raw.setUserName(u.userName());
    raw.setDatabaseName(u.path().mid(1));
    if (!raw.open())
        qWarning("raw connection: %s", qPrintable(raw.lastError().text()));
    return raw;
}

} // namespace

class TestTeamStorePostgres : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void freshDatabaseGetsLatestSchemaOnce();
    void sqliteStepsTranslateToPostgres();
    void storeRoundTrip_data();
    void storeRoundTrip();
    void sameKeysFromTwoWritersStayOneRow();
    void twoConsolesShareIncidentsAcksAndRuns();
    void serveProcessSeesAnotherConsolesAck();

private:
    QString freshDatabase(); // a new empty database on the server, as a postgresql:// URL
    std::unique_ptr<Pipeline> openConsole(const QString& url, const std::shared_ptr<const ServiceGraph>& graph);

    testsupport::PostgresProcess m_server;
    int m_databases = 0;
    QTemporaryDir m_dir;
    std::optional<Scenario> m_storm;
};

void TestTeamStorePostgres::initTestCase()
{
    if (testsupport::PostgresProcess::findBinDir().isEmpty())
        QSKIP("PostgreSQL server binaries are not installed (apt-get install postgresql); the team store is untested");
    QVERIFY2(QSqlDatabase::isDriverAvailable(u"QPSQL"_s), "Qt's QPSQL driver is missing (libqt6sql6-psql)");
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    qInfo("PostgreSQL from %s on 127.0.0.1:%u", qPrintable(m_server.binDir), unsigned(m_server.port));
    m_storm = ScenarioReader::readFile(u":/demo/blackfriday-feed.json"_s, &error);
    QVERIFY2(m_storm && m_storm->graph, qPrintable(error));
}

void TestTeamStorePostgres::cleanupTestCase()
{
    m_server.stop();
}

QString TestTeamStorePostgres::freshDatabase()
{
    const QString name = u"nightwatch_%1"_s.arg(++m_databases);
    QString error;
    if (!m_server.createDatabase(name, &error))
        qWarning("cannot create database %s: %s", qPrintable(name), qPrintable(error));
    return m_server.url(name);
}

std::unique_ptr<Pipeline> TestTeamStorePostgres::openConsole(const QString& url,
                                                              const std::shared_ptr<const ServiceGraph>& graph)
{
    auto pipeline = std::make_unique<Pipeline>();
    Pipeline::Options options;
    options.databasePath = url;
    options.graph = graph;
    QString error;
    if (!pipeline->open(options, &error)) {
        qWarning("console cannot open %s: %s", qPrintable(url), qPrintable(error));
        return nullptr;
    }
    return pipeline;
}

void TestTeamStorePostgres::freshDatabaseGetsLatestSchemaOnce()
{
    const QString url = freshDatabase();
    // Two consoles starting together: one creates the schema, the other waits for it and finds it done.
    Store a(u"tst-a"_s), b(u"tst-b"_s);
    QString error;
    QVERIFY2(a.open(url, &error), qPrintable(error));
    QVERIFY2(b.open(url, &error), qPrintable(error));
    QVERIFY(a.isShared() && b.isShared());
    QCOMPARE(a.schemaVersion(), Store::latestSchemaVersion());
    QCOMPARE(b.schemaVersion(), Store::latestSchemaVersion());

    QSqlDatabase raw = rawConnection(url, u"tst-raw"_s);
    {
        QVERIFY(raw.isOpen());
        QSqlQuery q(raw);
        QVERIFY(q.exec(u"SELECT count(*), max(version) FROM schema_version"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QCOMPARE(q.value(1).toInt(), Store::latestSchemaVersion());
        // Same table names as the SQLite file, so a reviewer's queries work on both.
        QVERIFY(q.exec(u"SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name "
                       "IN ('alerts','notifications','incidents','incident_alerts','root_causes','actions','changes',"
                       "'runbook_runs')"_s) &&
                q.next());
        QCOMPARE(q.value(0).toInt(), 8);
        // A newer console's database is refused, never half-used.
        QVERIFY(q.exec(u"UPDATE schema_version SET version = version + 1"_s));
        raw.close();
    }
    raw = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"tst-raw"_s);
    Store newer(u"tst-newer"_s);
    QVERIFY(!newer.open(url, &error));
    QVERIFY2(error.contains(u"newer"_s), qPrintable(error));

    Store bad(u"tst-bad"_s);
    QVERIFY(!bad.open(u"postgresql://postgres:secret@127.0.0.1:%1/no_such_db"_s.arg(m_server.port), &error));
    QVERIFY2(error.contains(u"no_such_db"_s) && !error.contains(u"secret"_s), qPrintable(error));
    QCOMPARE(Store::displayName(u"postgresql://ops:secret@db:5432/nw"_s), u"postgresql://ops@db:5432/nw"_s);
}

void TestTeamStorePostgres::sqliteStepsTranslateToPostgres()
{
    // Steps after the PostgreSQL baseline run there through postgresStep(). The v3 step (a rowid table with
    // a user column) is the model of what a later step looks like: its translation must run as it is.
    const QStringList v3 = StoreSchema::postgresStep(2);
    QVERIFY(!v3.isEmpty());
    QVERIFY2(v3.constFirst().contains(u"id BIGSERIAL PRIMARY KEY"_s), qPrintable(v3.constFirst()));
    QVERIFY2(v3.constFirst().contains(u"\"user\" TEXT"_s), qPrintable(v3.constFirst()));
    QSqlDatabase raw = rawConnection(freshDatabase(), u"tst-steps"_s);
    {
        QVERIFY(raw.isOpen());
        QSqlQuery q(raw);
        for (const QString& sql : v3)
            QVERIFY2(q.exec(sql), qPrintable(q.lastError().text() + u" in "_s + sql));
        QVERIFY(q.exec(u"INSERT INTO runbook_runs(at, \"user\", runbook_id, step, kind, argv, outcome) "
                       "VALUES(1, 'me', 'rb', 's', 'run', '[]', 'passed') RETURNING id"_s) &&
                q.next());
        QCOMPARE(q.value(0).toLongLong(), 1);
        raw.close();
    }
    raw = QSqlDatabase();
    QSqlDatabase::removeDatabase(u"tst-steps"_s);
}

void TestTeamStorePostgres::storeRoundTrip_data()
{
    QTest::addColumn<bool>("postgres");
    QTest::addRow("sqlite") << false;
    QTest::addRow("postgresql") << true;
}

void TestTeamStorePostgres::storeRoundTrip()
{
    QFETCH(bool, postgres);
    const QString path = postgres ? freshDatabase() : m_dir.filePath(u"roundtrip.sqlite"_s);
    Store store(u"tst-roundtrip"_s);
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QCOMPARE(store.isShared(), postgres);

    // Repeats fold into one alert row; a resolve then a re-fire is a flap; labels keep unicode and quotes.
    Alert db = makeAlert(u"PoolExhausted"_s, u"db"_s, Alert::Status::Firing, 0);
    db.labels.insert(u"note"_s, u"ünïcødé \"quoted\" 'single' \\ 🚨"_s);
    db.fingerprint = Alert::fingerprintOf(db.labels);
    const Alert api = makeAlert(u"HighLatency"_s, u"api"_s, Alert::Status::Firing, 12'000);
    Alert dbResolved = db;
    dbResolved.status = Alert::Status::Resolved;
    dbResolved.endsAt = t0.addSecs(30);
    dbResolved.receivedAt = t0.addSecs(30);
    Alert dbAgain = db;
    dbAgain.receivedAt = t0.addSecs(40);
    QVERIFY2(store.recordNotifications({db, api, db}, &error), qPrintable(error));
    QVERIFY2(store.recordNotifications({dbResolved}, &error), qPrintable(error));
    QVERIFY2(store.recordNotifications({dbAgain}, &error), qPrintable(error));
    QCOMPARE(store.notificationCount(), 5);
    QCOMPARE(store.alertCount(), 2);
    const QVector<Alert> history = store.loadNotifications(t0.addSecs(-1));
    QCOMPARE(history.size(), 5);
    QCOMPARE(history.at(0).labels, db.labels);
    QCOMPARE(history.at(1).fingerprint, api.fingerprint);
    QCOMPARE(history.at(3).status, Alert::Status::Resolved);

    // Incident with members and ranked causes; a second save by key keeps the id and replaces members.
    Incident inc = makeIncident(u"inc-db"_s, {db, api});
    const qint64 id = store.saveIncident(inc, &error);
    QVERIFY2(id > 0, qPrintable(error));
    inc.alerts.removeLast();
    QCOMPARE(store.saveIncident(inc, &error), id);
    auto loaded = store.loadIncident(id);
    QVERIFY(loaded);
    QCOMPARE(loaded->key, u"inc-db"_s);
    QCOMPARE(loaded->alerts.size(), 1);
    QCOMPARE(loaded->alerts.at(0).latest.labels, db.labels);
    QCOMPARE(loaded->alerts.at(0).flapCount, 1);
    QCOMPARE(loaded->alerts.at(0).notificationCount, 4);
    QCOMPARE(loaded->rootCauses.size(), 2);
    QCOMPARE(loaded->rootCauses.at(0).service, u"db"_s);
    QCOMPARE(loaded->rootCauses.at(0).confidence, 0.8123456789);
    QCOMPARE(loaded->rootCauses.at(1).inGraph, false);
    QCOMPARE(loaded->affectedServices, QStringList({u"api"_s, u"db"_s}));

    // Human decisions with who and when; a later triggered save keeps the acknowledgement.
    QVERIFY2(store.recordAction(id, u"ack"_s, u"looking"_s, &error), qPrintable(error));
    QVERIFY2(store.recordAction(id, u"note"_s, u"pool at 100%"_s, &error), qPrintable(error));
    QVERIFY(store.saveIncident(inc, &error) == id);
    loaded = store.loadIncident(id);
    QCOMPARE(loaded->state, Incident::State::Acknowledged);
    QCOMPARE(loaded->acknowledgedBy, Store::currentUser());
    QVERIFY(loaded->acknowledgedAt.isValid());
    const auto actions = store.actions(id);
    QCOMPARE(actions.size(), 2);
    QCOMPARE(actions.at(1).note, u"pool at 100%"_s);
    QCOMPARE(actions.at(1).user, Store::currentUser());
    QVERIFY(!store.recordAction(id + 1000, u"ack"_s, {}, &error));

    // The runbook audit: a run tied to the incident, one that is not.
    RunbookRun run;
    run.incidentId = id;
    run.runbookId = u"restart-pool"_s;
    run.step = u"restart"_s;
    run.argv = {u"systemctl"_s, u"restart"_s, u"pgbouncer"_s};
    run.outcome = RunbookRun::Outcome::Passed;
    run.exitCode = 0;
    run.durationMs = 1234;
    QVERIFY2(store.recordRunbookRun(run, &error) > 0, qPrintable(error));
    run.incidentId = 0;
    run.exitCode.reset();
    run.outcome = RunbookRun::Outcome::Refused;
    QVERIFY2(store.recordRunbookRun(run, &error) > 0, qPrintable(error));
    QCOMPARE(store.runbookRuns().size(), 2);
    const auto runs = store.runbookRuns(id);
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs.at(0).argv, run.argv);
    QCOMPARE(runs.at(0).exitCode, std::optional<int>(0));
    QCOMPARE(runs.at(0).user, Store::currentUser());
    QCOMPARE(store.runbookRuns().at(1).exitCode, std::optional<int>());

    QVERIFY2(store.recordChange({u"db"_s, u"deploy"_s, t0.addSecs(-60), u"v2 rollout"_s, {}}, &error),
             qPrintable(error));
    QCOMPARE(store.loadChanges(t0.addSecs(-3600)).size(), 1);

    // Merged incidents drop out of the list.
    const qint64 other = store.saveIncident(makeIncident(u"inc-api"_s, {api}), &error);
    QVERIFY(other > 0);
    QCOMPARE(store.loadIncidents().size(), 2);
    QVERIFY2(store.markMerged(u"inc-api"_s, id, &error), qPrintable(error));
    QCOMPARE(store.loadIncidents().size(), 1);

    // And it all survives a reopen.
    store.close();
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QCOMPARE(store.loadIncident(id)->acknowledgedBy, Store::currentUser());
    QCOMPARE(store.notificationCount(), 5);
}

void TestTeamStorePostgres::sameKeysFromTwoWritersStayOneRow()
{
    // Two consoles fed by the same Alertmanager: both store every delivery (two deliveries are two facts),
    // but the alert and the incident stay one row each, with one id.
    const QString url = freshDatabase();
    Store a(u"tst-a"_s), b(u"tst-b"_s);
    QString error;
    QVERIFY2(a.open(url, &error), qPrintable(error));
    QVERIFY2(b.open(url, &error), qPrintable(error));
    const Alert db = makeAlert(u"PoolExhausted"_s, u"db"_s, Alert::Status::Firing, 0);
    const Alert api = makeAlert(u"HighLatency"_s, u"api"_s, Alert::Status::Firing, 12'000);
    QVERIFY2(a.recordNotifications({db, api}, &error), qPrintable(error));
    QVERIFY2(b.recordNotifications({db, api}, &error), qPrintable(error));
    QCOMPARE(a.alertCount(), 2);
    QCOMPARE(b.notificationCount(), 4);

    const Incident inc = makeIncident(u"inc-shared"_s, {db, api});
    const qint64 idA = a.saveIncident(inc, &error);
    QVERIFY2(idA > 0, qPrintable(error));
    QVERIFY2(b.recordAction(idA, u"ack"_s, {}, &error), qPrintable(error));
    QCOMPARE(b.saveIncident(inc, &error), idA); // B's triggered save keeps its own ack
    QCOMPARE(a.saveIncident(inc, &error), idA);
    QCOMPARE(a.loadIncidents().size(), 1);
    QCOMPARE(a.loadIncident(idA)->state, Incident::State::Acknowledged);
    QCOMPARE(a.loadIncident(idA)->alerts.size(), 2);
    QCOMPARE(a.loadIncident(idA)->alerts.at(0).notificationCount, 2);

    // Each store reads back only the other's deliveries, once.
    QCOMPARE(a.othersNotifications().size(), 2);
    QCOMPARE(a.othersNotifications().size(), 0);
    QCOMPARE(b.othersNotifications().size(), 2);

    // A third writer's transaction takes an id first and commits last: A must not skip it because B's
    // later id was committed (and read) before it.
    {
        QSqlDatabase raw = rawConnection(url, u"tst-slow-writer"_s);
        QVERIFY(raw.isOpen() && raw.transaction());
        QSqlQuery q(raw);
        QVERIFY2(q.exec(u"INSERT INTO notifications(fingerprint, status, received_at) VALUES('%1', 'firing', %2)"_s
                            .arg(db.fingerprint)
                            .arg(t0.toMSecsSinceEpoch())),
                 qPrintable(q.lastError().text()));
        QVERIFY2(b.recordNotifications({api}, &error), qPrintable(error));
        const QVector<Alert> beforeCommit = a.othersNotifications();
        QCOMPARE(beforeCommit.size(), 1);
        QCOMPARE(beforeCommit.at(0).fingerprint, api.fingerprint);
        QVERIFY(raw.commit());
        const QVector<Alert> afterCommit = a.othersNotifications();
        QCOMPARE(afterCommit.size(), 1);
        QCOMPARE(afterCommit.at(0).fingerprint, db.fingerprint);
        QCOMPARE(afterCommit.at(0).labels, db.labels); // labels from the alerts row
        QCOMPARE(a.othersNotifications().size(), 0);
        q.clear();
        raw.close();
    }
    QSqlDatabase::removeDatabase(u"tst-slow-writer"_s);
}

void TestTeamStorePostgres::twoConsolesShareIncidentsAcksAndRuns()
{
    const QString url = freshDatabase();
    const auto graph = std::make_shared<const ServiceGraph>(*m_storm->graph);
    std::unique_ptr<Pipeline> consoleA = openConsole(url, graph);
    std::unique_ptr<Pipeline> consoleB = openConsole(url, graph);
    QVERIFY(consoleA && consoleB);

    // A takes the storm delivery by delivery, as a webhook would hand it over.
    QString error;
    for (const Alert& a : std::as_const(m_storm->alerts))
        QVERIFY2(consoleA->submit({a}, &error), qPrintable(error));
    consoleA->flush();
    const IncidentSnapshotPtr seenByA = consoleA->snapshot();
    const Incident* topA = topOpen(seenByA);
    QVERIFY(topA);
    qInfo("console A: %lld alerts -> %lld incidents, top %s (#%lld, %lld alerts)",
          qlonglong(m_storm->alerts.size()), qlonglong(seenByA->incidents.size()), qPrintable(topCause(topA)),
          qlonglong(topA->id), qlonglong(topA->alerts.size()));

    // B never saw a delivery; the shared log reaches it through NOTIFY and its own correlator.
    QElapsedTimer clock;
    clock.start();
    QTRY_COMPARE_WITH_TIMEOUT(consoleB->snapshot()->notificationCount, qint64(m_storm->alerts.size()), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(consoleB->snapshot()->incidents.size(), seenByA->incidents.size(), 10'000);
    const IncidentSnapshotPtr seenByB = consoleB->snapshot();
    const Incident* topB = topOpen(seenByB);
    QVERIFY(topB);
    QCOMPARE(topB->key, topA->key);
    QCOMPARE(topB->id, topA->id);
    QCOMPARE(topCause(topB), topCause(topA));
    QCOMPARE(topB->alerts.size(), topA->alerts.size());
    qInfo("console B: sees %lld incidents %lld ms after A finished, top %s (#%lld, %lld alerts) - same as A",
          qlonglong(seenByB->incidents.size()), qlonglong(clock.elapsed()), qPrintable(topCause(topB)),
          qlonglong(topB->id), qlonglong(topB->alerts.size()));

    // B acknowledges; A shows it, with who and when, without a restart.
    const qint64 incidentId = topB->id;
    const QString key = topB->key;
    clock.restart();
    consoleB->acknowledge(incidentId, u"on it"_s);
    const auto stateOnA = [&] {
        for (const Incident& i : consoleA->snapshot()->incidents)
            if (i.key == key)
                return i;
        return Incident();
    };
    QTRY_COMPARE_WITH_TIMEOUT(stateOnA().state, Incident::State::Acknowledged, 5'000);
    const Incident acked = stateOnA();
    QCOMPARE(acked.acknowledgedBy, Store::currentUser());
    QVERIFY(acked.acknowledgedAt.isValid());
    QVERIFY(qAbs(acked.acknowledgedAt.secsTo(QDateTime::currentDateTimeUtc())) < 60);
    qInfo("console B acks #%lld as %s; console A sees \"acknowledged by %s at %s\" after %lld ms",
          qlonglong(incidentId), qPrintable(Store::currentUser()), qPrintable(acked.acknowledgedBy),
          qPrintable(acked.acknowledgedAt.toString(Qt::ISODateWithMs)), qlonglong(clock.elapsed()));

    // A's later saves (more deliveries) do not undo B's acknowledgement.
    QVERIFY2(consoleA->submit({m_storm->alerts.constLast()}, &error), qPrintable(error));
    consoleA->flush();
    QCOMPARE(stateOnA().state, Incident::State::Acknowledged);

    // A runbook run recorded by A shows on B.
    RunbookRun run;
    run.incidentId = incidentId;
    run.runbookId = u"restart-connection-pool"_s;
    run.step = u"restart"_s;
    run.argv = {u"systemctl"_s, u"restart"_s, u"pgbouncer"_s};
    run.approval = u"approved"_s;
    run.outcome = RunbookRun::Outcome::Passed;
    run.exitCode = 0;
    clock.restart();
    consoleA->recordRunbookRun(run);
    QTRY_COMPARE_WITH_TIMEOUT(consoleB->snapshot()->runbookRuns.value(incidentId).size(), 1, 5'000);
    const RunbookRun seen = consoleB->snapshot()->runbookRuns.value(incidentId).constFirst();
    QCOMPARE(seen.argv, run.argv);
    QCOMPARE(seen.outcome, RunbookRun::Outcome::Passed);
    qInfo("console A records runbook %s/%s on #%lld; console B shows it (%s, by %s) after %lld ms",
          qPrintable(seen.runbookId), qPrintable(seen.step), qlonglong(incidentId),
          qPrintable(outcomeName(seen.outcome)), qPrintable(seen.user), qlonglong(clock.elapsed()));

    // One row per incident however many consoles saved it.
    Store check(u"tst-check"_s);
    QVERIFY2(check.open(url, &error), qPrintable(error));
    QCOMPARE(qsizetype(check.loadIncidents().size()), seenByA->incidents.size());
}

void TestTeamStorePostgres::serveProcessSeesAnotherConsolesAck()
{
    // Console A is a real `nightwatch-cli serve` taking Alertmanager webhooks; console B is a pipeline here.
    const QString url = freshDatabase();
    QTemporaryDir home;
    const quint16 port = [] {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        return probe.serverPort();
    }();
    QProcess serve;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, home.path());
    env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"config"_s));
    serve.setProcessEnvironment(env);
    QByteArray output;
    connect(&serve, &QProcess::readyReadStandardOutput, this, [&] { output += serve.readAllStandardOutput(); });
    serve.start(QStringLiteral(NIGHTWATCH_CLI),
                {u"serve"_s, u"--db"_s, url, u"--listen"_s, u"127.0.0.1:%1"_s.arg(port), u"--graph"_s,
                 QStringLiteral(NIGHTWATCH_SOURCE_DIR) + u"/resources/demo/blackfriday-graph.json"_s});
    QVERIFY(serve.waitForStarted(10'000));
    QTRY_VERIFY_WITH_TIMEOUT(output.contains("webhook: listening") || serve.state() == QProcess::NotRunning, 20'000);
    QVERIFY2(serve.state() == QProcess::Running, serve.readAllStandardError().constData());

    const auto graph = std::make_shared<const ServiceGraph>(*m_storm->graph);
    std::unique_ptr<Pipeline> consoleB = openConsole(url, graph);
    QVERIFY(consoleB);

    // The storm as Alertmanager webhooks, starting now.
    const QDateTime first = m_storm->alerts.constFirst().startsAt;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QNetworkAccessManager nam;
    // The feed's reminders, five minutes apart in it, arrive here within a second of the first copy: the same bytes
    // while nothing changed, which is what Alertmanager's retry of a delivery whose 200 it lost looks like, so serve
    // stores each distinct body once (see Pipeline::Options::resendWindowMs) and answers the copies 200.
    QSet<QByteArray> distinctBodies;
    for (const Alert& a : std::as_const(m_storm->alerts)) {
        QJsonObject labels, annotations;
        for (auto it = a.labels.cbegin(); it != a.labels.cend(); ++it)
            labels.insert(it.key(), it.value());
        for (auto it = a.annotations.cbegin(); it != a.annotations.cend(); ++it)
            annotations.insert(it.key(), it.value());
        const QJsonObject alert{{u"status"_s, a.isFiring() ? u"firing"_s : u"resolved"_s},
                                {u"labels"_s, labels},
                                {u"annotations"_s, annotations},
                                {u"startsAt"_s, now.addMSecs(first.msecsTo(a.startsAt)).toString(Qt::ISODateWithMs)},
                                {u"endsAt"_s, u"0001-01-01T00:00:00Z"_s}};
        const QJsonObject body{{u"version"_s, u"4"_s}, {u"status"_s, alert.value(u"status"_s)},
                               {u"receiver"_s, u"nightwatch"_s}, {u"alerts"_s, QJsonArray{alert}}};
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/api/v1/alerts/alertmanager"_s.arg(port)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        const QByteArray bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
        distinctBodies.insert(bytes);
        QNetworkReply* reply = nam.post(request, bytes);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10'000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();
    }
    QVERIFY(distinctBodies.size() < m_storm->alerts.size()); // else the copies above say nothing
    QTRY_VERIFY_WITH_TIMEOUT(output.contains(u"%1 notifications"_s.arg(distinctBodies.size()).toUtf8()), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(consoleB->snapshot()->notificationCount, qint64(distinctBodies.size()), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(topOpen(consoleB->snapshot()) && topOpen(consoleB->snapshot())->id > 0, 10'000);
    const Incident top = *topOpen(consoleB->snapshot());
    qInfo("serve A: %lld webhooks stored; console B sees %lld incidents, top %s (#%lld)",
          qlonglong(distinctBodies.size()), qlonglong(consoleB->snapshot()->incidents.size()),
          qPrintable(topCause(&top)), qlonglong(top.id));
    QTRY_VERIFY_WITH_TIMEOUT(output.contains(u"incident #%1 "_s.arg(top.id).toUtf8()), 10'000);

    QElapsedTimer clock;
    clock.start();
    consoleB->acknowledge(top.id, u"on it"_s);
    const QByteArray expected = u"incident #%1 acknowledged by %2"_s.arg(top.id).arg(Store::currentUser()).toUtf8();
    QTRY_VERIFY_WITH_TIMEOUT(output.contains(expected), 5'000);
    const qsizetype at = output.indexOf(expected);
    qInfo("console B acks #%lld; serve A prints \"%s\" after %lld ms", qlonglong(top.id),
          output.mid(at, output.indexOf('\n', at) - at).constData(), qlonglong(clock.elapsed()));

    // An operator runs a runbook step from the command line against the same store: B shows the run.
    QFile runbook(home.filePath(u"check.yaml"_s));
    QVERIFY(runbook.open(QIODevice::WriteOnly));
    runbook.write("id: RB-TEAM-1\ntitle: check the pool\nsteps:\n  - name: check\n    safety: low\n    argv: [true]\n");
    runbook.close();
    clock.restart();
    QProcess cli;
    cli.setProcessEnvironment(env);
    cli.start(QStringLiteral(NIGHTWATCH_CLI), {u"runbook"_s, u"run"_s, runbook.fileName(), u"--approve"_s, u"check"_s,
                                               u"--db"_s, url, u"--incident"_s, QString::number(top.id)});
    QVERIFY(cli.waitForFinished(30'000));
    QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    QTRY_COMPARE_WITH_TIMEOUT(consoleB->snapshot()->runbookRuns.value(top.id).size(), 1, 5'000);
    const RunbookRun run = consoleB->snapshot()->runbookRuns.value(top.id).constFirst();
    QCOMPARE(run.runbookId, u"RB-TEAM-1"_s);
    QCOMPARE(run.outcome, RunbookRun::Outcome::Passed);
    qInfo("`nightwatch-cli runbook run --db postgresql://... --incident %lld` (step %s: %s); console B shows it "
          "%lld ms after the command started",
          qlonglong(top.id), qPrintable(run.step), qPrintable(outcomeName(run.outcome)), qlonglong(clock.elapsed()));

    serve.terminate();
    QVERIFY(serve.waitForFinished(10'000));
    QCOMPARE(serve.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestTeamStorePostgres)
#include "tst_teamstore_postgres.moc"
