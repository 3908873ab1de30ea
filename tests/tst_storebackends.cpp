// The Store's repositories on both backends from the same data rows: the console's SQLite file and the shared
// PostgreSQL team store (a real server this test starts on a free 127.0.0.1 port; the PostgreSQL rows skip when
// the server binaries are not installed). What one backend's dialect gets wrong shows as a row that fails:
// lifecycle times read back by loadIncidents, the human record, view snapshots, incident memory's read, a bundle
// import, and the history search that only SQLite's index answers.

#include "history/historyquery.h"
#include "history/historysummary.h"
#include "store/incidentrecord.h"
#include "store/store.h"

#include "postgresprocess.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QDateTime t0 = QDateTime(QDate(2024, 5, 2), QTime(9, 0), Qt::UTC);

Alert makeAlert(const QString& name, const QString& service, qint64 offsetMs)
{
    Alert a;
    a.labels = {{u"alertname"_s, name}, {u"service"_s, service}, {u"severity"_s, u"critical"_s}};
    a.annotations = {{u"summary"_s, name + u" on "_s + service}};
    a.fingerprint = Alert::fingerprintOf(a.labels);
    a.status = Alert::Status::Firing;
    a.startsAt = t0.addMSecs(offsetMs);
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
        t.firstReceivedAt = t.lastReceivedAt = a.receivedAt;
        t.notificationCount = 1;
        inc.alerts.append(t);
    }
    inc.firstAlertAt = members.constFirst().startsAt;
    inc.lastAlertAt = members.constLast().receivedAt;
    inc.notificationCount = int(members.size());
    inc.severity = u"critical"_s;
    inc.affectedServices = {u"db"_s};
    RootCauseCandidate c;
    c.service = u"db"_s;
    c.score = 2.0;
    c.confidence = 0.75;
    c.evidence = {u"db alerted first"_s};
    c.hasOwnAlert = true;
    inc.rootCauses = {c};
    return inc;
}

} // namespace

class TestStoreBackends : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase();
    void lifecycleReadsBackFromEveryReader_data() { backends(); }
    void lifecycleReadsBackFromEveryReader();
    void viewSnapshotsReplaceByKind_data() { backends(); }
    void viewSnapshotsReplaceByKind();
    void importIsOnceAndWhole_data() { backends(); }
    void importIsOnceAndWhole();
    void historySearchNeedsTheIndex_data() { backends(); }
    void historySearchNeedsTheIndex();
    void ingestCountsAlikeOnEveryBackend_data();
    void ingestCountsAlikeOnEveryBackend();

private:
    void backends();
    // A fresh empty database of the row's backend; skips the PostgreSQL row without a server.
    QString freshDatabase();

    QTemporaryDir m_dir;
    testsupport::PostgresProcess m_server;
    bool m_serverTried = false;
    QString m_serverError;
    int m_databases = 0;
};

void TestStoreBackends::backends()
{
    QTest::addColumn<bool>("postgres");
    QTest::addRow("sqlite") << false;
    QTest::addRow("postgresql") << true;
}

void TestStoreBackends::cleanupTestCase()
{
    m_server.stop();
}

QString TestStoreBackends::freshDatabase()
{
    QFETCH(bool, postgres);
    const QString name = u"nightwatch_%1"_s.arg(++m_databases);
    if (!postgres)
        return m_dir.filePath(name + u".sqlite"_s);
    if (!m_serverTried) {
        m_serverTried = true;
        if (testsupport::PostgresProcess::findBinDir().isEmpty())
            m_serverError = u"no server"_s;
        else if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s))
            m_serverError = u"Qt's QPSQL driver is missing (libqt6sql6-psql)"_s;
        else
            m_server.start(&m_serverError);
    }
    if (m_serverError == u"no server")
        return {};
    if (!m_serverError.isEmpty()) {
        qWarning("PostgreSQL did not start: %s", qPrintable(m_serverError));
        return {};
    }
    QString error;
    if (!m_server.createDatabase(name, &error)) {
        qWarning("cannot create database %s: %s", qPrintable(name), qPrintable(error));
        return {};
    }
    return m_server.url(name);
}

#define OPEN_STORE(store)                                                                                              \
    const QString path = freshDatabase();                                                                              \
    if (path.isEmpty() && m_serverError == u"no server")                                                              \
        QSKIP("PostgreSQL server binaries are not installed (apt-get install postgresql): the PostgreSQL backend "   \
              "is untested here");                                                                                     \
    QVERIFY2(!path.isEmpty(), qPrintable(m_serverError));                                                             \
    Store store(u"tst-backends"_s);                                                                                    \
    QString error;                                                                                                     \
    QVERIFY2(store.open(path, &error), qPrintable(error))

void TestStoreBackends::lifecycleReadsBackFromEveryReader()
{
    QFETCH(bool, postgres);
    OPEN_STORE(store);
    QCOMPARE(store.isShared(), postgres);
    const Alert db = makeAlert(u"PoolExhausted"_s, u"db"_s, 0);
    const Alert api = makeAlert(u"HighLatency"_s, u"api"_s, 8'000);
    QVERIFY2(store.recordNotifications({db, api}, &error), qPrintable(error));
    const qint64 id = store.saveIncident(makeIncident(u"inc-pool"_s, {db, api}), &error);
    QVERIFY2(id > 0, qPrintable(error));

    const QDateTime mitigated = t0.addSecs(300), resolved = t0.addSecs(900);
    QVERIFY2(store.recordAction(id, u"ack"_s, {}, &error, t0.addSecs(60)), qPrintable(error));
    QVERIFY2(store.recordAction(id, u"mitigate"_s, u"pool raised"_s, &error, mitigated), qPrintable(error));
    QVERIFY2(store.recordAction(id, u"resolve"_s, {}, &error, resolved), qPrintable(error));
    Resolution answer;
    answer.incidentId = id;
    answer.at = resolved;
    answer.fixedByRunbook = u"raise-pool"_s;
    answer.rootCause = u"db"_s;
    answer.suggestionRight = true;
    QVERIFY2(store.recordResolution(answer, &error), qPrintable(error));

    // The list (newest first), the single read and incident memory agree on the lifecycle.
    const QVector<Incident> listed = store.loadIncidents();
    QCOMPARE(listed.size(), 1);
    const std::optional<Incident> one = store.loadIncident(id);
    QVERIFY(one);
    for (const Incident& inc : {listed.constFirst(), *one}) {
        QCOMPARE(inc.state, Incident::State::Resolved);
        QCOMPARE(inc.acknowledgedAt, t0.addSecs(60));
        QCOMPARE(inc.mitigatedAt, mitigated);
        QCOMPARE(inc.mitigatedBy, Store::currentUser());
        QCOMPARE(inc.resolvedAt, resolved);
        QCOMPARE(inc.resolvedBy, Store::currentUser());
        QCOMPARE(inc.alerts.size(), 2);
        QCOMPARE(inc.rootCauses.size(), 1);
    }
    const QVector<Store::Action> actions = store.actions(id);
    QCOMPARE(actions.size(), 3);
    QCOMPARE(actions.at(1).kind, u"mitigate"_s);
    QCOMPARE(actions.at(1).note, u"pool raised"_s);
    QCOMPARE(actions.at(1).at, mitigated);
    const std::optional<Resolution> back = store.resolution(id);
    QVERIFY(back);
    QCOMPARE(back->fixedByRunbook, u"raise-pool"_s);
    QCOMPARE(back->suggestionRight, std::optional<bool>(true));
    QCOMPARE(back->actionable, std::optional<bool>());

    const QVector<PastIncident> past = store.pastIncidents({});
    QCOMPARE(past.size(), 1);
    QCOMPARE(past.at(0).id, id);
    QCOMPARE(past.at(0).topCandidate, u"db"_s);
    QCOMPARE(past.at(0).members.size(), 2);
    QVERIFY(past.at(0).resolution);
    QCOMPARE(past.at(0).resolution->rootCause, u"db"_s);

    // A decision on an incident that is not there is an error, and records nothing.
    QVERIFY(!store.recordAction(id + 100, u"note"_s, u"x"_s, &error));
    QVERIFY2(error.contains(u"no incident"_s), qPrintable(error));
    QCOMPARE(store.actions(id + 100).size(), 0);
}

// A batch written as "db+ api- db+": db firing, api resolved, db firing again, in that order, each a second apart.
using Script = QStringList; // one batch per element

namespace {
AlertBatch batchOf(const QString& script, int batchIndex, const QString& summary)
{
    AlertBatch batch;
    int k = 0;
    for (const QString& token : script.split(u' ', Qt::SkipEmptyParts)) {
        Alert a = makeAlert(token.chopped(1) == u"db"_s ? u"PoolExhausted"_s : u"HighLatency"_s, token.chopped(1),
                            qint64(batchIndex) * 60'000 + qint64(k++) * 1'000);
        a.status = token.endsWith(u'-') ? Alert::Status::Resolved : Alert::Status::Firing;
        a.annotations = {{u"summary"_s, summary}};
        batch << a;
    }
    return batch;
}
} // namespace

void TestStoreBackends::ingestCountsAlikeOnEveryBackend_data()
{
    // Both write strategies (SQLite's single writer with its caches and held-back counters, the shared store's JSON
    // rows) from the same scripts must leave the same alert rows: counts never doubled, flaps counted once whether
    // inside a batch, across batches or across a reopen (when the single writer no longer knows the stored status).
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<Script>("batches");
    QTest::addColumn<int>("reopenBefore"); // batch index before which the store is closed and opened again; -1 never
    QTest::addColumn<QVector<int>>("expected"); // db count, db flaps, db firing, api count, api flaps, api firing
    const struct
    {
        const char* name;
        Script batches;
        int reopenBefore;
        QVector<int> expected;
    } cases[] = {
        {"repeats-in-one-batch", {u"db+ api+ db+"_s}, -1, {2, 0, 1, 1, 0, 1}},
        {"same-batch-twice", {u"db+ api+"_s, u"db+ api+"_s}, -1, {2, 0, 1, 2, 0, 1}},
        {"flap-inside-a-batch", {u"db+ db- db+"_s}, -1, {3, 1, 1, 0, 0, 0}},
        {"flap-across-batches", {u"db+ api+"_s, u"db-"_s, u"db+ api-"_s}, -1, {3, 1, 1, 2, 0, 0}},
        {"flap-across-a-reopen", {u"db+"_s, u"db-"_s, u"db+ db+"_s}, 2, {4, 1, 1, 0, 0, 0}},
        {"resolved-then-reopened-twice", {u"db- api+"_s, u"db+"_s, u"db+ api+"_s}, 1, {3, 1, 1, 2, 0, 1}},
    };
    for (const auto& c : cases) {
        QTest::addRow("sqlite/%s", c.name) << false << c.batches << c.reopenBefore << c.expected;
        QTest::addRow("postgresql/%s", c.name) << true << c.batches << c.reopenBefore << c.expected;
    }
}

void TestStoreBackends::ingestCountsAlikeOnEveryBackend()
{
    QFETCH(Script, batches);
    QFETCH(int, reopenBefore);
    QFETCH(QVector<int>, expected);
    OPEN_STORE(store);
    qint64 notifications = 0;
    for (int i = 0; i < batches.size(); ++i) {
        if (i == reopenBefore) {
            store.close();
            QVERIFY2(store.open(path, &error), qPrintable(error));
        }
        const AlertBatch batch = batchOf(batches.at(i), i, u"batch %1"_s.arg(i));
        QVERIFY2(store.recordNotifications(batch, &error), qPrintable(error));
        notifications += batch.size();
    }
    QCOMPARE(store.notificationCount(), notifications);
    QCOMPARE(store.loadNotifications({}).size(), notifications);
    const bool withApi = expected.at(3) > 0;
    QCOMPARE(store.alertCount(), withApi ? 2 : 1);

    // The rows as the pipeline reads them back: an incident's members.
    const Alert db = makeAlert(u"PoolExhausted"_s, u"db"_s, 0);
    const Alert api = makeAlert(u"HighLatency"_s, u"api"_s, 0);
    const qint64 id = store.saveIncident(makeIncident(u"inc-ingest"_s, withApi ? QVector<Alert>{db, api}
                                                                              : QVector<Alert>{db}),
                                         &error);
    QVERIFY2(id > 0, qPrintable(error));
    const std::optional<Incident> back = store.loadIncident(id);
    QVERIFY(back);
    QCOMPARE(back->alerts.size(), withApi ? 2 : 1);
    for (const TrackedAlert& t : back->alerts) {
        const int base = t.fingerprint() == db.fingerprint ? 0 : 3;
        QCOMPARE(t.notificationCount, expected.at(base));
        QCOMPARE(t.flapCount, expected.at(base + 1));
        QCOMPARE(t.latest.isFiring(), expected.at(base + 2) == 1);
        // The latest details win: the annotation of the last batch that carried the alert.
        qsizetype lastBatch = batches.size() - 1;
        const QString name = base == 0 ? u"db"_s : u"api"_s;
        while (!batches.at(lastBatch).contains(name))
            --lastBatch;
        QCOMPARE(t.latest.annotations.value(u"summary"_s), u"batch %1"_s.arg(lastBatch));
    }
}

void TestStoreBackends::viewSnapshotsReplaceByKind()
{
    OPEN_STORE(store);
    const Alert db = makeAlert(u"PoolExhausted"_s, u"db"_s, 0);
    QVERIFY2(store.recordNotifications({db}, &error), qPrintable(error));
    const qint64 id = store.saveIncident(makeIncident(u"inc-snap"_s, {db}), &error);
    QVERIFY2(id > 0, qPrintable(error));
    QVERIFY2(store.saveViewSnapshot(id, u"graph"_s, R"({"nodes":["db"]})", &error), qPrintable(error));
    QVERIFY2(store.saveViewSnapshot(id, u"metrics"_s, R"({"series":[]})", &error), qPrintable(error));
    QVERIFY2(store.saveViewSnapshot(id, u"graph"_s, R"({"nodes":["db","api"]})", &error), qPrintable(error));
    const QHash<QString, QByteArray> snapshots = store.viewSnapshots(id);
    QCOMPARE(snapshots.size(), 2);
    QCOMPARE(snapshots.value(u"graph"_s), QByteArray(R"({"nodes":["db","api"]})"));
    QVERIFY(!store.saveViewSnapshot(id, QString(), "{}", &error));
    QVERIFY2(error.contains(u"kind"_s), qPrintable(error));
    // The members' notifications a replay needs, from the same window on both.
    QCOMPARE(store.incidentNotifications(id).size(), 1);
}

void TestStoreBackends::importIsOnceAndWhole()
{
    OPEN_STORE(store);
    const Alert db = makeAlert(u"PoolExhausted"_s, u"db"_s, 0);
    IncidentRecord record;
    record.incident = makeIncident(u"inc-imported"_s, {db});
    record.incident.state = Incident::State::Resolved;
    record.incident.resolvedAt = t0.addSecs(600);
    record.incident.resolvedBy = u"alice"_s;
    record.notifications = {db};
    record.actions = {{u"resolve"_s, u"fixed"_s, t0.addSecs(600), u"alice"_s}};
    Resolution r;
    r.at = t0.addSecs(600);
    r.user = u"alice"_s;
    r.rootCause = u"db"_s;
    record.resolution = r;

    qint64 id = 0;
    bool existed = true;
    QVERIFY2(store.importIncident(record, &id, &existed, &error), qPrintable(error));
    QVERIFY(id > 0);
    QVERIFY(!existed);
    qint64 again = 0;
    QVERIFY2(store.importIncident(record, &again, &existed, &error), qPrintable(error));
    QVERIFY(existed);
    QCOMPARE(again, id);

    const std::optional<Incident> back = store.loadIncident(id);
    QVERIFY(back);
    QCOMPARE(back->resolvedBy, u"alice"_s);
    QCOMPARE(back->alerts.size(), 1);
    QCOMPARE(back->alerts.at(0).latest.labels, db.labels);
    QCOMPARE(store.actions(id).size(), 1);
    QCOMPARE(store.actions(id).at(0).user, u"alice"_s);
    QCOMPARE(store.resolution(id)->user, u"alice"_s);
    QCOMPARE(store.notificationCount(), 1);
}

void TestStoreBackends::historySearchNeedsTheIndex()
{
    QFETCH(bool, postgres);
    OPEN_STORE(store);
    const Alert db = makeAlert(u"PoolExhausted"_s, u"db"_s, 0);
    QVERIFY2(store.recordNotifications({db}, &error), qPrintable(error));
    const qint64 id = store.saveIncident(makeIncident(u"inc-search"_s, {db}), &error);
    QVERIFY2(id > 0, qPrintable(error));
    QVERIFY2(store.recordAction(id, u"note"_s, u"connection pool exhausted"_s, &error), qPrintable(error));
    const std::optional<HistoryPage> page = store.searchHistory(HistoryQuery::parse(u"exhausted"_s), &error);
    if (postgres) {
        // No FTS5 on the server: a clear refusal, never an empty page that looks like "nothing found".
        QVERIFY(!page);
        QVERIFY2(error.contains(u"SQLite"_s), qPrintable(error));
        return;
    }
    QVERIFY2(page, qPrintable(error));
    QCOMPARE(page->total, 1);
    QCOMPARE(page->rows.at(0).id, id);
}

QTEST_GUILESS_MAIN(TestStoreBackends)
#include "tst_storebackends.moc"
