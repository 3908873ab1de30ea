// Store against a real SQLite file in a temporary directory: schema and migrations, notification
// dedup and flap counting, incident upserts, human actions across a reopen, unicode, bad paths.

#include "history/historyquery.h"
#include "history/historysummary.h"
#include "store/store.h"

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <latch>
#include <thread>

using namespace Qt::StringLiterals;

namespace {

const QDateTime t0 = QDateTime(QDate(2024, 3, 1), QTime(12, 0), Qt::UTC);

Alert makeAlert(const QString& name, const QString& service, Alert::Status status, qint64 offsetMs,
                const QString& fingerprint = {})
{
    Alert a;
    a.labels = {{u"alertname"_s, name}, {u"service"_s, service}, {u"severity"_s, u"critical"_s}};
    a.annotations = {{u"summary"_s, name + u" on "_s + service}};
    a.fingerprint = fingerprint.isEmpty() ? Alert::fingerprintOf(a.labels) : fingerprint;
    a.status = status;
    a.startsAt = t0.addMSecs(offsetMs);
    if (status == Alert::Status::Resolved)
        a.endsAt = t0.addMSecs(offsetMs + 1);
    a.receivedAt = t0.addMSecs(offsetMs + 5);
    a.source = u"webhook:alertmanager"_s;
    a.generatorUrl = u"http://prometheus/graph?g0.expr=up"_s;
    return a;
}

TrackedAlert tracked(const Alert& a)
{
    TrackedAlert t;
    t.latest = a;
    t.firstStartsAt = a.startsAt;
    t.notificationCount = 1;
    return t;
}

Incident makeIncident(const QString& key, const QVector<Alert>& members)
{
    Incident inc;
    inc.key = key;
    for (const Alert& a : members)
        inc.alerts.append(tracked(a));
    inc.affectedServices = {u"api"_s, u"db"_s};
    inc.firstAlertAt = t0;
    inc.lastAlertAt = t0.addSecs(60);
    inc.notificationCount = 7;
    inc.severity = u"critical"_s;
    RootCauseCandidate db;
    db.service = u"db"_s;
    db.score = 3.25;
    db.confidence = 0.8;
    db.evidence = {u"db alerted first (12 s before api)"_s, u"api calls db"_s};
    db.hasOwnAlert = true;
    RootCauseCandidate net;
    net.service = u"network"_s;
    net.score = 1.5;
    net.confidence = 0.15;
    net.evidence = {u"silent: no alert of its own"_s};
    net.hasOwnAlert = false;
    net.inGraph = false;
    inc.rootCauses = {db, net};
    return inc;
}

// A second, raw connection for looking at the file the way a reviewer with sqlite3 would.
struct RawDb
{
    explicit RawDb(const QString& path)
    {
        db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tst-raw"_s);
        db.setDatabaseName(path);
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
    }
    ~RawDb()
    {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(u"tst-raw"_s);
    }
    QVariant scalar(const QString& sql)
    {
        QSqlQuery q(db);
        if (!q.exec(sql) || !q.next()) {
            qWarning() << sql << q.lastError().text();
            return {};
        }
        return q.value(0);
    }
    bool exec(const QString& sql)
    {
        QSqlQuery q(db);
        const bool ok = q.exec(sql);
        if (!ok)
            qWarning() << sql << q.lastError().text();
        return ok;
    }
    QSqlDatabase db;
};

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void openCreatesLatestSchemaInWalMode();
    void notificationsFoldIntoAlerts_data();
    void notificationsFoldIntoAlerts();
    void distinctAlertsAndArrivalOrder();
    void deliveryMarkCommitsWithItsBatch_data();
    void deliveryMarkCommitsWithItsBatch();
    void deliveryMarkExpires_data();
    void deliveryMarkExpires();
    void alertsStandAsInABatch_data();
    void alertsStandAsInABatch();
    void flapCountedAcrossReopen();
    void alertsChangedBehindStoreRecovers();
    void bigBatchMatchesRowByRow_data();
    void bigBatchMatchesRowByRow();
    void preparedChunkMatchesOneBatch_data();
    void preparedChunkMatchesOneBatch();
    void repeatCountersSurviveACrash_data();
    void repeatCountersSurviveACrash();
    void incidentRoundTrip();
    void upsertByKeyKeepsIdAndReplacesMembers();
    void changedMembersMatchAFullRewrite_data();
    void changedMembersMatchAFullRewrite();
    void labelPairsMatchAFullIndex_data();
    void labelPairsMatchAFullIndex();
    void searchFollowsChangedMembers_data();
    void searchFollowsChangedMembers();
    void saveIncidentsIsOneTransaction();
    void triggeredSaveKeepsAcknowledgement();
    void ackSurvivesReopen();
    void actionStateChanges_data();
    void actionStateChanges();
    void actionOnMissingIncidentFails();
    void lifecycleTimesAndUsers();
    void resolutionRoundTrip_data();
    void resolutionRoundTrip();
    void mergedIncidentsAreHidden();
    void changesRoundTrip();
    void unicodeLabelsRoundTrip_data();
    void unicodeLabelsRoundTrip();
    void migratesVersion1Database();
    void openersOfANewFileMigrateOnce_data();
    void openersOfANewFileMigrateOnce();
    void deliveryIsOneRowOfItsNotifications();
    void refusesNewerSchema();
    void badPathGivesError_data();
    void badPathGivesError();
    void connectionNameInUseIsRefused();
    void damagedFileIsRefusedAtOpen_data();
    void damagedFileIsRefusedAtOpen();

private:
    QString dbPath() const { return m_dir->filePath(u"nightwatch.db"_s); }
    bool openStore(Store& store)
    {
        QString error;
        const bool ok = store.open(dbPath(), &error);
        if (!ok)
            qWarning() << "open failed:" << error;
        return ok;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestStore::cleanup()
{
    m_dir.reset();
}

void TestStore::openCreatesLatestSchemaInWalMode()
{
    QVERIFY(Store::latestSchemaVersion() >= 2);
    Store store(u"tst-open"_s);
    QVERIFY(!store.isOpen());
    QCOMPARE(store.schemaVersion(), 0);
    QVERIFY(openStore(store));
    QVERIFY(store.isOpen());
    QCOMPARE(store.schemaVersion(), Store::latestSchemaVersion());
    QVERIFY(QFile::exists(dbPath()));
    QCOMPARE(store.notificationCount(), 0);
    QCOMPARE(store.alertCount(), 0);

    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"PRAGMA journal_mode"_s).toString(), u"wal"_s); // WAL is persistent in the file
    QCOMPARE(raw.scalar(u"PRAGMA user_version"_s).toInt(), Store::latestSchemaVersion());
    for (const auto& table : {u"alerts"_s, u"deliveries"_s, u"incidents"_s, u"incident_alerts"_s, u"root_causes"_s,
                              u"actions"_s, u"changes"_s}) {
        QCOMPARE(
            raw.scalar(u"SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%1'"_s.arg(table)).toInt(), 1);
    }
    // Notifications are stored one row per delivery (v8); the per-notification table is a view over them.
    QCOMPARE(raw.scalar(u"SELECT type FROM sqlite_master WHERE name = 'notifications'"_s).toString(), u"view"_s);
}

// Each case: a pattern of deliveries for ONE fingerprint, batches separated by '|', F = firing,
// R = resolved; then what the alerts row must say.
void TestStore::notificationsFoldIntoAlerts_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<int>("notifications");
    QTest::addColumn<int>("flaps");
    QTest::addColumn<bool>("firing");

    QTest::addRow("single firing") << u"F"_s << 1 << 0 << true;
    QTest::addRow("HA duplicates in one batch") << u"FFF"_s << 3 << 0 << true;
    QTest::addRow("repeats across batches") << u"F|F|F"_s << 3 << 0 << true;
    QTest::addRow("resolved") << u"F|R"_s << 2 << 0 << false;
    QTest::addRow("flap inside one batch") << u"FRF"_s << 3 << 1 << true;
    QTest::addRow("flap across batches") << u"F|R|F"_s << 3 << 1 << true;
    QTest::addRow("flap at batch boundary") << u"FR|FR|F"_s << 5 << 2 << true;
    QTest::addRow("repeated resolves are not flaps") << u"FRR|R"_s << 4 << 0 << false;
    QTest::addRow("first seen resolved then fires") << u"R|F"_s << 2 << 1 << true;
}

void TestStore::notificationsFoldIntoAlerts()
{
    QFETCH(QString, pattern);
    QFETCH(int, notifications);
    QFETCH(int, flaps);
    QFETCH(bool, firing);

    Store store(u"tst-fold"_s);
    QVERIFY(openStore(store));
    qint64 offset = 0;
    Alert last;
    for (const QString& batchPattern : pattern.split(u'|')) {
        AlertBatch batch;
        for (const QChar c : batchPattern) {
            // startsAt moves forward with every delivery, except that the first one is the onset.
            last = makeAlert(u"HighLatency"_s, u"api"_s, c == u'F' ? Alert::Status::Firing : Alert::Status::Resolved,
                             offset);
            offset += 1000;
            batch.append(last);
        }
        QString error;
        QVERIFY2(store.recordNotifications(batch, &error), qPrintable(error));
    }
    QCOMPARE(store.notificationCount(), notifications);
    QCOMPARE(store.alertCount(), 1);

    // The alert row is read back through an incident that contains it.
    const qint64 id = store.saveIncident(makeIncident(u"k"_s, {last}), nullptr);
    QVERIFY(id > 0);
    const auto inc = store.loadIncident(id);
    QVERIFY(inc);
    QCOMPARE(inc->alerts.size(), 1);
    const TrackedAlert& t = inc->alerts.front();
    QCOMPARE(t.fingerprint(), last.fingerprint);
    QCOMPARE(t.notificationCount, notifications);
    QCOMPARE(t.flapCount, flaps);
    QCOMPARE(t.isFiring(), firing);
    QCOMPARE(t.firstStartsAt, t0);              // onset = earliest startsAt
    QCOMPARE(t.latest.startsAt, last.startsAt); // latest notification's own startsAt
    QCOMPARE(t.firstReceivedAt, t0.addMSecs(5));
    QCOMPARE(t.lastReceivedAt, last.receivedAt);
    QCOMPARE(t.latest.endsAt, last.endsAt);
    QCOMPARE(t.latest.labels, last.labels);
    QCOMPARE(t.latest.source, last.source);
    QCOMPARE(t.latest.generatorUrl, last.generatorUrl);
}

void TestStore::deliveryMarkCommitsWithItsBatch_data()
{
    QTest::addColumn<bool>("journalWritable");
    // Journal rows "key:stored/total" written with the batch of two alerts: a big delivery's chunk has one (how far
    // it got), a group commit of small deliveries one per delivery, each whole (stored = total).
    QTest::addColumn<QStringList>("marks");
    const QStringList chunk{u"k1:2/5"_s};
    const QStringList group{u"k1:1/1"_s, u"k2:1/1"_s};
    QTest::addRow("chunk and mark commit together") << true << chunk;
    QTest::addRow("a mark that cannot be written rolls the chunk back") << false << chunk;
    QTest::addRow("every small delivery of a group has its row") << true << group;
    QTest::addRow("a row that cannot be written rolls the group back") << false << group;
}

// A big delivery's progress is written in the transaction of its chunk, a small one's row in the transaction that
// commits it whole (so its resend finds it stored): never one without the other.
void TestStore::deliveryMarkCommitsWithItsBatch()
{
    QFETCH(bool, journalWritable);
    QFETCH(QStringList, marks);
    const QString path = m_dir->filePath(u"journal-%1-%2.sqlite"_s.arg(journalWritable).arg(marks.size()));
    Store store(u"tst-journal"_s);
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    if (!journalWritable) { // the last row is refused
        RawDb raw(path);
        QVERIFY(raw.exec(u"CREATE TRIGGER journal_refused BEFORE INSERT ON delivery_journal WHEN NEW.key = 'k%1' "
                         "BEGIN SELECT RAISE(ABORT, 'journal refused'); END"_s.arg(marks.size())));
    }
    const AlertBatch batch{makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0),
                           makeAlert(u"B"_s, u"api"_s, Alert::Status::Firing, 1)};
    QVector<DeliveryJournal::Mark> written;
    for (const QString& m : std::as_const(marks))
        written.append({m.section(u':', 0, 0).toLatin1(), m.section(u':', 1).section(u'/', 0, 0).toLongLong(),
                        m.section(u'/', 1).toLongLong(), 0});
    QCOMPARE(store.recordNotifications(batch, &error, written), journalWritable);
    QCOMPARE(store.notificationCount(), journalWritable ? 2 : 0);
    error.clear();
    const QHash<QByteArray, DeliveryJournal::Mark> read =
        store.deliveryMarks({"k1", "k2", "k3"}, QDateTime::currentDateTimeUtc().addSecs(-60), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(read.size(), journalWritable ? marks.size() : 0);
    QVERIFY(!read.contains("k3")); // never sent: a new delivery
    for (const DeliveryJournal::Mark& m : std::as_const(written)) {
        if (!journalWritable)
            break;
        QCOMPARE(read.value(m.key).stored, m.stored);
        QCOMPARE(read.value(m.key).total, m.total);
        QCOMPARE(store.deliveryMark(m.key, QDateTime::currentDateTimeUtc().addSecs(-60), &error)->stored, m.stored);
    }
}

void TestStore::deliveryMarkExpires_data()
{
    QTest::addColumn<qint64>("ageMs"); // of the first row when it is read, and when the next one is written
    QTest::addColumn<bool>("found");
    QTest::addRow("within the window") << qint64(0) << true;
    QTest::addRow("an hour old") << qint64(3'600'000) << false;
}

// Rows older than the window are not read, and the next write deletes them: the table stays small.
void TestStore::deliveryMarkExpires()
{
    QFETCH(qint64, ageMs);
    QFETCH(bool, found);
    const QString path = m_dir->filePath(u"expiry.sqlite"_s);
    Store store(u"tst-expiry"_s);
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    const DeliveryJournal::Mark first{"k1", 1, 3, 0};
    QVERIFY2(store.recordNotifications({makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0)}, &error, &first),
             qPrintable(error));
    {
        RawDb raw(path);
        QVERIFY(raw.exec(u"UPDATE delivery_journal SET updated_at = updated_at - %1"_s.arg(ageMs)));
    }
    const qint64 windowMs = 300'000;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QCOMPARE(store.deliveryMark("k1", now.addMSecs(-windowMs), &error).has_value(), found);
    const DeliveryJournal::Mark second{"k2", 1, 3, now.toMSecsSinceEpoch() - windowMs};
    QVERIFY2(store.recordNotifications({makeAlert(u"B"_s, u"api"_s, Alert::Status::Firing, 1)}, &error, &second),
             qPrintable(error));
    RawDb raw(path);
    QCOMPARE(raw.scalar(u"SELECT count(*) FROM delivery_journal"_s).toInt(), found ? 2 : 1);
}

void TestStore::alertsStandAsInABatch_data()
{
    // What was stored, one batch after the other ('F' firing, 'R' resolved: alerts A and B in that order), then the
    // batch asked about.
    QTest::addColumn<QStringList>("stored");
    QTest::addColumn<QString>("asked");
    QTest::addColumn<bool>("stands");
    QTest::addRow("nothing since: a resend") << QStringList{u"FF"_s} << u"FF"_s << true;
    QTest::addRow("repeated since, unchanged") << QStringList{u"FF"_s, u"FF"_s} << u"FF"_s << true;
    QTest::addRow("one resolved since: news") << QStringList{u"FF"_s, u"FR"_s} << u"FF"_s << false;
    QTest::addRow("resolved and fired again since") << QStringList{u"FF"_s, u"RR"_s, u"FF"_s} << u"FF"_s << true;
    QTest::addRow("resolved, asked resolved") << QStringList{u"FF"_s, u"RR"_s} << u"RR"_s << true;
    QTest::addRow("an alert never stored") << QStringList{u"F"_s} << u"FF"_s << false;
}

// What tells a resend (its alerts stand as it says: storing it again adds only counts) from the same bytes bringing
// news. The batches after the first are repeats, whose latest status waits in memory: it is read all the same.
void TestStore::alertsStandAsInABatch()
{
    QFETCH(QStringList, stored);
    QFETCH(QString, asked);
    QFETCH(bool, stands);
    const auto batch = [](const QString& states, int at) {
        AlertBatch b;
        for (qsizetype i = 0; i < states.size(); ++i)
            b << makeAlert(u"Alert%1"_s.arg(i), u"api"_s,
                           states.at(i) == u'F' ? Alert::Status::Firing : Alert::Status::Resolved, at * 1000);
        return b;
    };
    const QString path =
        m_dir->filePath(u"stands-%1.sqlite"_s.arg(QString::fromLatin1(QTest::currentDataTag())).replace(u' ', u'-'));
    Store store(u"tst-stands"_s);
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    for (qsizetype k = 0; k < stored.size(); ++k)
        QVERIFY2(store.recordNotifications(batch(stored.at(k), int(k)), &error), qPrintable(error));
    QCOMPARE(store.alertsStandAsIn(batch(asked, 0), &error), stands);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestStore::distinctAlertsAndArrivalOrder()
{
    Store store(u"tst-distinct"_s);
    QVERIFY(openStore(store));
    const Alert api = makeAlert(u"HighLatency"_s, u"api"_s, Alert::Status::Firing, 0);
    const Alert db = makeAlert(u"DiskFull"_s, u"db"_s, Alert::Status::Firing, 100);
    Alert noFingerprint = makeAlert(u"QueueBacklog"_s, u"queue"_s, Alert::Status::Firing, 200);
    noFingerprint.fingerprint.clear();
    noFingerprint.source.clear(); // a null source must still satisfy NOT NULL
    AlertBatch first{api, db, api};
    AlertBatch second{db, noFingerprint, api};
    second[0].annotations[u"summary"_s] = u"disk 99% full"_s; // annotations change: latest wins
    QString error;
    QVERIFY2(store.recordNotifications(first, &error), qPrintable(error));
    QVERIFY2(store.recordNotifications(second, &error), qPrintable(error));
    QVERIFY(store.recordNotifications({}, &error)); // an empty batch is a no-op, not an error

    QCOMPARE(store.notificationCount(), 6);
    QCOMPARE(store.alertCount(), 3);

    const QVector<Alert> all = store.loadNotifications({});
    QCOMPARE(all.size(), 6);
    const QStringList expected{
        api.fingerprint, db.fingerprint, api.fingerprint, db.fingerprint, Alert::fingerprintOf(noFingerprint.labels),
        api.fingerprint};
    QStringList got;
    for (const Alert& a : all)
        got << a.fingerprint;
    QCOMPARE(got, expected);
    QCOMPARE(all[1].labels, db.labels);
    QCOMPARE(all[1].annotations.value(u"summary"_s), u"disk 99% full"_s);
    QCOMPARE(all[4].source, QString());
    QCOMPARE(all[4].labels.value(u"service"_s), u"queue"_s);
    QCOMPARE(all[0].receivedAt, api.receivedAt);
    QCOMPARE(all[0].startsAt, api.startsAt);
    QVERIFY(!all[0].endsAt.isValid());
    QCOMPARE(all[0].receivedAt.timeSpec(), Qt::UTC);

    // since filters on receivedAt, inclusive: the two db deliveries and the queue one (the api copies
    // carry the api's earlier receivedAt).
    const QVector<Alert> recent = store.loadNotifications(db.receivedAt);
    QCOMPARE(recent.size(), 3);
    QCOMPARE(recent[2].labels.value(u"service"_s), u"queue"_s);
    QCOMPARE(store.loadNotifications(t0.addDays(1)).size(), 0);
}

void TestStore::flapCountedAcrossReopen()
{
    // A fresh Store knows nothing of the stored status: the flap must come from the file.
    const Alert firing = makeAlert(u"HighLatency"_s, u"api"_s, Alert::Status::Firing, 0);
    const Alert resolved = makeAlert(u"HighLatency"_s, u"api"_s, Alert::Status::Resolved, 1000);
    {
        Store store(u"tst-reopen-flap"_s);
        QVERIFY(openStore(store));
        QVERIFY(store.recordNotifications({firing, resolved}, nullptr));
    }
    Store store(u"tst-reopen-flap"_s);
    QVERIFY(openStore(store));
    QVERIFY(store.recordNotifications({makeAlert(u"HighLatency"_s, u"api"_s, Alert::Status::Firing, 2000)}, nullptr));
    QVERIFY(store.recordNotifications({makeAlert(u"HighLatency"_s, u"api"_s, Alert::Status::Firing, 3000)}, nullptr));
    const auto inc = store.loadIncident(store.saveIncident(makeIncident(u"k"_s, {firing}), nullptr));
    QVERIFY(inc);
    QCOMPARE(inc->alerts[0].notificationCount, 4);
    QCOMPARE(inc->alerts[0].flapCount, 1);
    QVERIFY(inc->alerts[0].isFiring());
    QCOMPARE(inc->alerts[0].firstStartsAt, t0);
}

void TestStore::alertsChangedBehindStoreRecovers()
{
    // The Store remembers what it wrote to speed up repeats; if the table changes under it anyway,
    // the batch must still land completely.
    Store store(u"tst-stale"_s);
    QVERIFY(openStore(store));
    const Alert a = makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0);
    const Alert b = makeAlert(u"B"_s, u"db"_s, Alert::Status::Firing, 0);
    QVERIFY(store.recordNotifications({a, b}, nullptr));
    {
        RawDb raw(dbPath());
        QVERIFY(raw.exec(u"DELETE FROM alerts WHERE fingerprint = '%1'"_s.arg(a.fingerprint)));
    }
    QString error;
    QVERIFY2(store.recordNotifications({a, b}, &error), qPrintable(error));
    QCOMPARE(store.notificationCount(), 4);
    QCOMPARE(store.alertCount(), 2);
    const auto inc = store.loadIncident(store.saveIncident(makeIncident(u"k"_s, {a, b}), nullptr));
    QCOMPARE(inc->alerts[0].notificationCount, 1); // recreated from this batch
    QCOMPARE(inc->alerts[0].latest.labels, a.labels);
    QCOMPARE(inc->alerts[1].notificationCount, 2);
}

namespace {
// The rows a query gives on a connection of its own, columns joined by '|', NULL as "NULL".
QStringList tableRows(const QString& path, const QString& connection, const QString& sql)
{
    QStringList rows;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
        db.setDatabaseName(path);
        if (!db.open())
            return {u"cannot open "_s + path};
        QSqlQuery q(db);
        q.exec(sql);
        while (q.next()) {
            QStringList cols;
            for (int i = 0; i < q.record().count(); ++i)
                cols << (q.value(i).isNull() ? u"NULL"_s : q.value(i).toString());
            rows << cols.join(u'|');
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return rows;
}

// What an alerts row says, every column but the bookkeeping one (counted_through), one string per row.
QStringList alertRows(const QString& path, const QString& connection)
{
    return tableRows(path, connection,
                     u"SELECT fingerprint, labels, annotations, status, starts_at, ends_at, first_starts_at, "
                     "first_received_at, last_received_at, notification_count, flap_count, source, generator_url "
                     "FROM alerts ORDER BY fingerprint"_s);
}
} // namespace

void TestStore::bigBatchMatchesRowByRow_data()
{
    // alerts in the one big batch; every stride-th of them (0: none) stored by an earlier run, as resolved and with
    // another summary, so that it flaps and its details change. Stored rows the new run does not know of make the
    // many-row INSERTs meet them: those rows must come out as if each alert had come alone.
    QTest::addColumn<int>("alerts");
    QTest::addColumn<int>("stride");
    QTest::addRow("all new, several full inserts") << 300 << 0;
    QTest::addRow("all new, one full insert exactly") << 128 << 0;
    QTest::addRow("all new, only the few-row insert and single rows") << 37 << 0;
    QTest::addRow("every fifth stored") << 300 << 5;
    QTest::addRow("all stored") << 150 << 1;
    QTest::addRow("one stored among many") << 260 << 259;
}

void TestStore::bigBatchMatchesRowByRow()
{
    QFETCH(int, alerts);
    QFETCH(int, stride);
    AlertBatch before, batch;
    for (int i = 0; i < alerts; ++i) {
        const QString name = u"Big%1"_s.arg(i);
        batch << makeAlert(name, u"svc%1"_s.arg(i % 7), Alert::Status::Firing, 10'000 + i);
        if (stride > 0 && i % stride == stride - 1) {
            Alert old = makeAlert(name, u"svc%1"_s.arg(i % 7), Alert::Status::Resolved, i);
            old.annotations = {{u"summary"_s, u"before"_s}};
            before << old;
        }
    }
    const QString reference = m_dir->filePath(u"reference.db"_s);
    for (const QString& path : {dbPath(), reference}) {
        Store store(u"tst-big-before"_s);
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        QVERIFY2(before.isEmpty() || store.recordNotifications(before, &error), qPrintable(error));
    }
    {
        // A new run: it knows none of the stored rows.
        Store store(u"tst-big"_s);
        QVERIFY(openStore(store));
        QString error;
        QVERIFY2(store.recordNotifications(batch, &error), qPrintable(error));
        QCOMPARE(store.alertCount(), alerts);
        QCOMPARE(store.notificationCount(), before.size() + alerts);
    }
    {
        Store store(u"tst-big-reference"_s);
        QString error;
        QVERIFY2(store.open(reference, &error), qPrintable(error));
        for (const Alert& a : std::as_const(batch))
            QVERIFY2(store.recordNotifications({a}, &error), qPrintable(error));
    }
    const QStringList rows = alertRows(dbPath(), u"tst-big-rows"_s);
    QCOMPARE(rows.size(), alerts);
    QCOMPARE(rows, alertRows(reference, u"tst-big-reference-rows"_s));
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"SELECT sum(flap_count) FROM alerts"_s).toInt(), before.size());
    QCOMPARE(raw.scalar(u"SELECT count(*) FROM alerts WHERE annotations LIKE '%before%'"_s).toInt(), 0);
}

void TestStore::preparedChunkMatchesOneBatch_data()
{
    // A batch prepared ahead (a big delivery's chunk: folded and its row texts encoded on another thread), with the
    // small deliveries that arrived meanwhile put before it, must store what the same alerts store as one batch.
    // earlier: alerts this store recorded before (it knows their rows: a repeat with the same details only moves
    // counters); earlierRun: a run before this one stored them (this one does not know their rows, and counts a flap
    // against a row stored resolved); head: the small deliveries; chunk: the prepared part. Alerts are
    // "name status offset-ms".
    QTest::addColumn<QStringList>("earlier");
    QTest::addColumn<bool>("earlierRun");
    QTest::addColumn<QStringList>("head");
    QTest::addColumn<QStringList>("chunk");
    QTest::addRow("a chunk alone") << QStringList() << false << QStringList() << QStringList{u"A f 10"_s, u"B f 20"_s};
    QTest::addRow("small deliveries of other alerts")
        << QStringList() << false << QStringList{u"S f 1"_s, u"T r 2"_s} << QStringList{u"A f 10"_s, u"B f 20"_s};
    QTest::addRow("an alert in both, firing in both")
        << QStringList() << false << QStringList{u"A f 1"_s} << QStringList{u"A f 10"_s, u"B f 20"_s};
    QTest::addRow("resolved before the chunk, firing in it: a flap")
        << QStringList() << false << QStringList{u"A f 1"_s, u"A r 2"_s}
        << QStringList{u"A f 10"_s, u"A r 11"_s, u"A f 12"_s};
    QTest::addRow("firing before, resolved in the chunk")
        << QStringList() << false << QStringList{u"A f 1"_s} << QStringList{u"A r 10"_s};
    QTest::addRow("known rows, repeats only") << QStringList{u"A f 0"_s, u"B r 0"_s} << false << QStringList{u"A f 1"_s}
                                              << QStringList{u"A f 10"_s, u"B f 20"_s};
    QTest::addRow("known rows, details changed in the chunk")
        << QStringList{u"A f 0"_s} << false << QStringList{u"A f 1"_s} << QStringList{u"A* f 10"_s, u"C f 20"_s};
    QTest::addRow("known rows, details changed before the chunk")
        << QStringList{u"A f 0"_s} << false << QStringList{u"A* f 1"_s} << QStringList{u"A f 10"_s};
    QTest::addRow("only the small deliveries")
        << QStringList{u"A f 0"_s} << false << QStringList{u"A f 1"_s, u"B f 2"_s} << QStringList();
    QTest::addRow("stored resolved by an earlier run, resolved before the chunk, firing in it")
        << QStringList{u"A r 0"_s} << true << QStringList{u"A r 1"_s} << QStringList{u"A f 10"_s};
    QTest::addRow("stored resolved by an earlier run, firing before the chunk and in it")
        << QStringList{u"A r 0"_s} << true << QStringList{u"A f 1"_s} << QStringList{u"A f 10"_s};
}

void TestStore::preparedChunkMatchesOneBatch()
{
    QFETCH(QStringList, earlier);
    QFETCH(bool, earlierRun);
    QFETCH(QStringList, head);
    QFETCH(QStringList, chunk);
    // "name[*] f|r offset": * gives the alert another summary (its row's details change).
    const auto batchOf = [](const QStringList& specs) {
        AlertBatch batch;
        for (const QString& spec : specs) {
            const QStringList parts = spec.split(u' ');
            QString name = parts.at(0);
            const bool changed = name.endsWith(u'*');
            name.remove(u'*');
            Alert a = makeAlert(name, u"svc"_s, parts.at(1) == u"f" ? Alert::Status::Firing : Alert::Status::Resolved,
                                parts.at(2).toLongLong());
            if (changed)
                a.annotations = {{u"summary"_s, u"changed"_s}};
            batch << a;
        }
        return batch;
    };
    const QString reference = m_dir->filePath(u"reference.db"_s);
    for (const QString& path : {dbPath(), reference}) {
        Store before(u"tst-prepared-earlier-run"_s);
        QString error;
        QVERIFY2(before.open(path, &error), qPrintable(error));
        QVERIFY2(!earlierRun || before.recordNotifications(batchOf(earlier), &error), qPrintable(error));
    }
    {
        Store prepared(u"tst-prepared"_s);
        QVERIFY(openStore(prepared));
        Store whole(u"tst-prepared-reference"_s);
        QString error;
        QVERIFY2(whole.open(reference, &error), qPrintable(error));
        for (Store* store : {&prepared, &whole})
            QVERIFY2(earlierRun || earlier.isEmpty() || store->recordNotifications(batchOf(earlier), &error),
                     qPrintable(error));

        PreparedNotifications ahead(batchOf(chunk));
        ahead.putBefore(batchOf(head));
        QCOMPARE(ahead.size(), head.size() + chunk.size());
        QVERIFY2(prepared.recordNotifications(std::move(ahead), &error, {}), qPrintable(error));
        QVERIFY2(whole.recordNotifications(batchOf(head) + batchOf(chunk), &error), qPrintable(error));
    } // closed: the repeats' counters held back in memory are written for the readers below
    const QStringList rows = alertRows(dbPath(), u"tst-prepared-rows"_s);
    QCOMPARE(rows, alertRows(reference, u"tst-prepared-reference-rows"_s));
    const QString notifications = u"SELECT fingerprint, status, starts_at, ends_at, received_at, source "
                                  "FROM notifications ORDER BY id"_s;
    QCOMPARE(tableRows(dbPath(), u"tst-prepared-n"_s, notifications),
             tableRows(reference, u"tst-prepared-reference-n"_s, notifications));
    QVERIFY(!rows.isEmpty());
}

void TestStore::repeatCountersSurviveACrash_data()
{
    // Each character one notification of alert A (F firing, R resolved, C firing with an edited annotation:
    // its row is rewritten whole), b of alert B firing; '/' ends a delivery.
    // oneReceipt: a delivery's notifications share its receipt time, as a webhook's do (one deliveries row
    // each); otherwise each has its own (a row per notification): both layouts of schema v8 recover alike.
    QTest::addColumn<QString>("deliveries");
    QTest::addColumn<bool>("oneReceipt");
    for (const bool oneReceipt : {false, true}) {
        const char* how = oneReceipt ? ", one receipt per delivery" : "";
        QTest::addRow("repeats%s", how) << u"Fb/F/F/Fb/F"_s << oneReceipt;
        QTest::addRow("flaps across deliveries%s", how) << u"F/R/F/F/R/F/b"_s << oneReceipt;
        QTest::addRow("flaps inside a delivery%s", how) << u"FRFRF/bb/FR"_s << oneReceipt;
        QTest::addRow("ends resolved%s", how) << u"F/F/b/R"_s << oneReceipt;
        QTest::addRow("changed annotation among repeats%s", how) << u"F/F/R/C/F/C/F"_s << oneReceipt;
        QTest::addRow("changed annotation first in a delivery%s", how) << u"Fb/F/CF/b/F"_s << oneReceipt;
    }
}

void TestStore::repeatCountersSurviveACrash()
{
    // Repeats of known alerts are counted in memory and written to their rows in one go a moment later; the
    // notifications themselves are committed with every delivery. A crash in between (the file copied while the
    // Store is open, then opened as it is) must give the same rows as a Store that wrote everything, and both
    // must count every notification as the delivery order says.
    QFETCH(QString, deliveries);
    QFETCH(bool, oneReceipt);
    QVector<AlertBatch> batches{{}};
    qint64 at = 0;
    for (const QChar c : deliveries) {
        if (c == u'/') {
            batches.append(AlertBatch());
            continue;
        }
        if (!oneReceipt || batches.last().isEmpty())
            at += 1000;
        const bool isA = c != u'b';
        Alert a = makeAlert(isA ? u"A"_s : u"B"_s, isA ? u"api"_s : u"db"_s,
                            c == u'R' ? Alert::Status::Resolved : Alert::Status::Firing, 0);
        a.receivedAt = t0.addMSecs(at);
        if (c == u'R')
            a.endsAt = t0.addMSecs(at);
        if (c == u'C')
            a.annotations.insert(u"summary"_s, u"edited at %1"_s.arg(at));
        batches.last().append(a);
    }

    // The count, flaps and status the notifications imply, by the plain rules.
    int countA = 0, flapsA = 0;
    bool firingA = true;
    QDateTime lastA;
    for (const AlertBatch& batch : std::as_const(batches))
        for (const Alert& a : batch)
            if (a.labels.value(u"alertname"_s) == u"A")
                lastA = a.receivedAt;
    for (const QChar c : deliveries) {
        if (c == u'/' || c == u'b')
            continue;
        const bool firing = c != u'R';
        if (countA > 0 && firing && !firingA)
            ++flapsA;
        firingA = firing;
        ++countA;
    }

    const QString crashCopy = m_dir->filePath(u"crash.db"_s);
    Store store(u"tst-crash"_s);
    QVERIFY(openStore(store));
    for (const AlertBatch& batch : std::as_const(batches))
        QVERIFY(store.recordNotifications(batch, nullptr));
    // The crash: the file as the disk has it now, counters of the last repeats still in memory.
    for (const QString& suffix : {u""_s, u"-wal"_s}) {
        QFile::remove(crashCopy + suffix);
        if (QFile::exists(dbPath() + suffix))
            QVERIFY(QFile::copy(dbPath() + suffix, crashCopy + suffix));
    }
    QCOMPARE(store.alertCount(), deliveries.contains(u'b') ? 2 : 1); // written now, before this read
    const QStringList settled = alertRows(dbPath(), u"tst-rows-settled"_s);
    {
        Store recovered(u"tst-crash-recovered"_s);
        QString error;
        QVERIFY2(recovered.open(crashCopy, &error), qPrintable(error));
    }
    QCOMPARE(alertRows(crashCopy, u"tst-rows-recovered"_s), settled);
    {
        // Every notification survived, one deliveries row per delivery when its notifications share a receipt.
        RawDb raw(crashCopy);
        QCOMPARE(raw.scalar(u"SELECT count(*) FROM notifications"_s).toInt(),
                 deliveries.size() - deliveries.count(u'/'));
        QCOMPARE(raw.scalar(u"SELECT count(*) FROM deliveries"_s).toInt(),
                 oneReceipt ? int(batches.size()) : int(deliveries.size() - deliveries.count(u'/')));
    }

    const Alert any = makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0);
    const auto inc = store.loadIncident(store.saveIncident(makeIncident(u"k"_s, {any}), nullptr));
    QVERIFY(inc);
    QCOMPARE(inc->alerts[0].notificationCount, countA);
    QCOMPARE(inc->alerts[0].flapCount, flapsA);
    QCOMPARE(inc->alerts[0].isFiring(), firingA);
    QCOMPARE(inc->alerts[0].lastReceivedAt, lastA);
}

void TestStore::incidentRoundTrip()
{
    Store store(u"tst-incident"_s);
    QVERIFY(openStore(store));
    const Alert api = makeAlert(u"HighLatency"_s, u"api"_s, Alert::Status::Firing, 0);
    const Alert db = makeAlert(u"DiskFull"_s, u"db"_s, Alert::Status::Firing, 100);
    QVERIFY(store.recordNotifications({api, db, db}, nullptr));

    Incident inc = makeIncident(u"key-1"_s, {db, api});
    inc.alerts[1].inhibited = true;
    inc.alerts[1].inhibitedBy = db.fingerprint;
    QString error;
    const qint64 id = store.saveIncident(inc, &error);
    QVERIFY2(id > 0, qPrintable(error));

    const auto loaded = store.loadIncident(id);
    QVERIFY(loaded);
    QCOMPARE(loaded->id, id);
    QCOMPARE(loaded->key, u"key-1"_s);
    QCOMPARE(loaded->state, Incident::State::Triggered);
    QCOMPARE(loaded->severity, u"critical"_s);
    QCOMPARE(loaded->firstAlertAt, inc.firstAlertAt);
    QCOMPARE(loaded->lastAlertAt, inc.lastAlertAt);
    QCOMPARE(loaded->notificationCount, 7);
    QCOMPARE(loaded->affectedServices, (QStringList{u"api"_s, u"db"_s}));
    QVERIFY(!loaded->acknowledgedAt.isValid());

    QCOMPARE(loaded->alerts.size(), 2);
    QCOMPARE(loaded->alerts[0].fingerprint(), db.fingerprint); // member order kept
    QCOMPARE(loaded->alerts[0].notificationCount, 2);
    QCOMPARE(loaded->alerts[0].latest.annotations, db.annotations);
    QVERIFY(!loaded->alerts[0].inhibited);
    QCOMPARE(loaded->alerts[1].fingerprint(), api.fingerprint);
    QVERIFY(loaded->alerts[1].inhibited);
    QCOMPARE(loaded->alerts[1].inhibitedBy, db.fingerprint);

    QCOMPARE(loaded->rootCauses.size(), 2);
    const RootCauseCandidate& top = loaded->rootCauses[0];
    QCOMPARE(top.service, u"db"_s);
    QCOMPARE(top.score, 3.25);
    QCOMPARE(top.confidence, 0.8);
    QCOMPARE(top.evidence, inc.rootCauses[0].evidence);
    QVERIFY(top.hasOwnAlert);
    QVERIFY(top.inGraph);
    QCOMPARE(loaded->rootCauses[1].service, u"network"_s);
    QVERIFY(!loaded->rootCauses[1].hasOwnAlert);
    QVERIFY(!loaded->rootCauses[1].inGraph);
    QCOMPARE(loaded->rootCauses[1].evidence, QStringList{u"silent: no alert of its own"_s});

    QVERIFY(!store.loadIncident(id + 100));
    const QVector<Incident> list = store.loadIncidents();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list[0].alerts.size(), 2);
    QCOMPARE(list[0].rootCauses.size(), 2);
}

void TestStore::upsertByKeyKeepsIdAndReplacesMembers()
{
    Store store(u"tst-upsert"_s);
    QVERIFY(openStore(store));
    const Alert a = makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0);
    const Alert b = makeAlert(u"B"_s, u"db"_s, Alert::Status::Firing, 0);
    const Alert c = makeAlert(u"C"_s, u"cache"_s, Alert::Status::Firing, 0);

    const qint64 id = store.saveIncident(makeIncident(u"storm"_s, {a, b}), nullptr);
    QVERIFY(id > 0);
    const qint64 other = store.saveIncident(makeIncident(u"other"_s, {c}), nullptr);
    QVERIFY(other > 0 && other != id);

    Incident grown = makeIncident(u"storm"_s, {b, c});
    grown.rootCauses.resize(1);
    grown.notificationCount = 42;
    grown.lastAlertAt = t0.addSecs(600);
    QCOMPARE(store.saveIncident(grown, nullptr), id);

    const auto loaded = store.loadIncident(id);
    QVERIFY(loaded);
    QCOMPARE(loaded->alerts.size(), 2); // replaced, not appended
    QCOMPARE(loaded->alerts[0].fingerprint(), b.fingerprint);
    QCOMPARE(loaded->alerts[1].fingerprint(), c.fingerprint);
    QCOMPARE(loaded->rootCauses.size(), 1);
    QCOMPARE(loaded->notificationCount, 42);
    QCOMPARE(loaded->lastAlertAt, t0.addSecs(600));

    // Newest (by last alert) first.
    const QVector<Incident> list = store.loadIncidents();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list[0].id, id);
    QCOMPARE(list[1].id, other);
    QCOMPARE(store.loadIncidents(1).size(), 1);
}

namespace {
QVector<int> span(int from, int to) // [from, to)
{
    QVector<int> out;
    for (int i = from; i < to; ++i)
        out << i;
    return out;
}

// The incident's member rows as stored, one string per row in position order.
QStringList memberRows(const QString& path, const QString& connection)
{
    return tableRows(path, connection,
                     u"SELECT fingerprint, position, inhibited, inhibited_by FROM incident_alerts "
                     "ORDER BY position, fingerprint"_s);
}
} // namespace

void TestStore::changedMembersMatchAFullRewrite_data()
{
    // The members (alert numbers, in order) of three saves in a row, the last with members inhibited (positions).
    // Big incidents keep their written rows in memory and write only what changed: after every save the rows must
    // be those a run that saved the last state alone writes.
    QTest::addColumn<QVector<int>>("first");
    QTest::addColumn<QVector<int>>("second");
    QTest::addColumn<QVector<int>>("third");
    QTest::addColumn<QVector<int>>("inhibited");
    QTest::addRow("grows at the end") << span(0, 100) << span(0, 150) << span(0, 151) << QVector<int>{};
    QTest::addRow("loses its first members") << span(0, 100) << span(10, 100) << span(11, 100) << QVector<int>{};
    QTest::addRow("loses members in the middle")
        << span(0, 120) << span(0, 50) + span(60, 120) << span(0, 50) + span(61, 120) << QVector<int>{};
    QTest::addRow("gains an earlier onset") << span(1, 100) << span(0, 100) << span(0, 101) << QVector<int>{};
    QTest::addRow("members inhibited") << span(0, 100) << span(0, 100) << span(0, 100) << QVector<int>{3, 70};
    QTest::addRow("replaced wholesale") << span(0, 100) << span(100, 200) << span(50, 150) << QVector<int>{0};
    QTest::addRow("shrinks below the remembered size") << span(0, 100) << span(0, 10) << span(5, 12) << QVector<int>{};
    QTest::addRow("grows from small") << span(0, 10) << span(0, 100) << span(3, 90) << QVector<int>{1};
    // Hundreds of rows: many to a statement, the rest one by one.
    QTest::addRow("grows by hundreds") << span(0, 100) << span(0, 300) << span(0, 301) << QVector<int>{150, 299};
    QTest::addRow("hundreds replaced") << span(0, 70) << span(70, 400) << span(0, 50) + span(70, 400)
                                       << QVector<int>{0, 64, 65};
}

void TestStore::changedMembersMatchAFullRewrite()
{
    QFETCH(QVector<int>, first);
    QFETCH(QVector<int>, second);
    QFETCH(QVector<int>, third);
    QFETCH(QVector<int>, inhibited);
    const auto incident = [](const QVector<int>& members, const QVector<int>& inhibitedAt) {
        QVector<Alert> alerts;
        for (const int i : members)
            alerts << makeAlert(u"Member%1"_s.arg(i), u"svc%1"_s.arg(i % 5), Alert::Status::Firing, i);
        Incident inc = makeIncident(u"big"_s, alerts);
        for (const int at : inhibitedAt) {
            inc.alerts[at].inhibited = true;
            inc.alerts[at].inhibitedBy = inc.alerts.constFirst().fingerprint();
        }
        return inc;
    };
    const QString reference = m_dir->filePath(u"reference.db"_s);
    QString error;
    {
        Store store(u"tst-members"_s);
        QVERIFY(openStore(store));
        QVERIFY2(store.saveIncident(incident(first, {}), &error) > 0, qPrintable(error));
        // The second state twice in one save: the later one is written against the earlier, not the committed rows.
        QVector<Incident> twice{incident(first, {}), incident(second, {})};
        QVERIFY2(store.saveIncidents(twice, &error), qPrintable(error));
        QVERIFY2(store.saveIncident(incident(third, inhibited), &error) > 0, qPrintable(error));
    }
    {
        Store store(u"tst-members-reference"_s);
        QVERIFY2(store.open(reference, &error), qPrintable(error));
        QVERIFY2(store.saveIncident(incident(third, inhibited), &error) > 0, qPrintable(error));
    }
    const QStringList rows = memberRows(dbPath(), u"tst-member-rows"_s);
    QCOMPARE(rows.size(), third.size());
    QCOMPARE(rows, memberRows(reference, u"tst-member-reference-rows"_s));
    // Both written by the same code: the rows are also those the incident names, each where it stands.
    const Incident last = incident(third, inhibited);
    QStringList expected;
    for (qsizetype i = 0; i < last.alerts.size(); ++i) {
        const TrackedAlert& t = last.alerts.at(i);
        expected << u"%1|%2|%3|%4"_s.arg(t.fingerprint()).arg(i).arg(t.inhibited ? 1 : 0).arg(t.inhibitedBy);
    }
    QCOMPARE(rows, expected);
}

void TestStore::labelPairsMatchAFullIndex_data()
{
    // The members (alert numbers, in order) of three saves in a row, each indexed at once; before the third the
    // alerts numbered in relabelled are stored with one more label (same fingerprint), and its root cause differs.
    // An incident that only grew adds the pairs of its new members to those it had: after every save its label pairs
    // must be those of its members now, and after the last its label pairs and search row those that a run saving
    // the last state alone writes. Every alert has an alertname of its own, so a member dropped drops a pair.
    QTest::addColumn<QVector<int>>("first");
    QTest::addColumn<QVector<int>>("second");
    QTest::addColumn<QVector<int>>("third");
    QTest::addColumn<QVector<int>>("relabelled");
    QTest::addRow("grows at the end") << span(0, 100) << span(0, 150) << span(0, 151) << QVector<int>{};
    QTest::addRow("grows past a small start") << span(0, 10) << span(0, 100) << span(0, 180) << QVector<int>{};
    QTest::addRow("loses its first members") << span(0, 100) << span(10, 100) << span(11, 120) << QVector<int>{};
    QTest::addRow("loses members in the middle")
        << span(0, 120) << span(0, 50) + span(60, 120) << span(0, 50) + span(61, 130) << QVector<int>{};
    QTest::addRow("loses its last members") << span(0, 120) << span(0, 100) << span(0, 90) << QVector<int>{};
    QTest::addRow("gains an earlier onset") << span(1, 100) << span(0, 100) << span(0, 101) << QVector<int>{};
    QTest::addRow("replaced wholesale") << span(0, 100) << span(100, 200) << span(100, 250) << QVector<int>{};
    QTest::addRow("a member relabelled, causes alone changed")
        << span(0, 100) << span(0, 120) << span(0, 120) << QVector<int>{5};
    QTest::addRow("a member relabelled while it grows")
        << span(0, 100) << span(0, 120) << span(0, 140) << QVector<int>{110};
    QTest::addRow("a new member relabelled") << span(0, 100) << span(0, 100) << span(0, 130) << QVector<int>{125};
}

void TestStore::labelPairsMatchAFullIndex()
{
    QFETCH(QVector<int>, first);
    QFETCH(QVector<int>, second);
    QFETCH(QVector<int>, third);
    QFETCH(QVector<int>, relabelled);
    const auto alertOf = [&](int i, bool relabel) {
        Alert a = makeAlert(u"Pair%1x"_s.arg(i), u"svc%1"_s.arg(i % 5), Alert::Status::Firing, i, u"fp%1"_s.arg(i));
        if (relabel)
            a.labels.insert(u"shard"_s, u"s%1"_s.arg(i));
        return a;
    };
    const auto incident = [&](const QVector<int>& members, bool relabel, const QString& cause) {
        QVector<Alert> alerts;
        for (const int i : members)
            alerts << alertOf(i, relabel && relabelled.contains(i));
        Incident inc = makeIncident(u"big"_s, alerts);
        inc.rootCauses = {RootCauseCandidate{cause, 0.9, 0.8, {u"evidence"_s}, true, true}};
        return inc;
    };
    const QString pairsSql = u"SELECT key, value FROM incident_labels ORDER BY key, value"_s;
    // What InsertIncidentLabels makes of the members as they are stored now.
    const QString fullSql = u"SELECT DISTINCT l.key, l.value FROM incident_alerts ia JOIN alerts a "
                            "ON a.fingerprint = ia.fingerprint, json_each(a.labels) l WHERE l.type = 'text' "
                            "ORDER BY l.key, l.value"_s;
    const QString searchSql =
        u"SELECT title, services, alertnames, labels, root_cause, evidence FROM incident_search"_s;
    QString error;
    {
        Store store(u"tst-pairs"_s);
        QVERIFY(openStore(store));
        store.setSearchIndexDelay(0);
        AlertBatch all;
        for (int i = 0; i < 250; ++i)
            all << alertOf(i, false);
        QVERIFY2(store.recordNotifications(all, &error), qPrintable(error));
        int round = 0;
        for (const QVector<int>& members : {first, second}) {
            QVERIFY2(store.saveIncident(incident(members, false, u"db"_s), &error) > 0, qPrintable(error));
            const QString name = u"tst-pairs-%1"_s.arg(++round);
            const QStringList pairs = tableRows(dbPath(), name, pairsSql);
            QVERIFY(pairs.contains(u"alertname|Pair%1x"_s.arg(members.constLast())));
            QCOMPARE(pairs, tableRows(dbPath(), name + u"-full"_s, fullSql));
        }
        AlertBatch changed;
        for (const int i : relabelled)
            changed << alertOf(i, true);
        QVERIFY2(store.recordNotifications(changed, &error), qPrintable(error));
        QVERIFY2(store.saveIncident(incident(third, true, u"api"_s), &error) > 0, qPrintable(error));
    }
    const QString reference = m_dir->filePath(u"reference.db"_s);
    {
        Store store(u"tst-pairs-reference"_s);
        QVERIFY2(store.open(reference, &error), qPrintable(error));
        store.setSearchIndexDelay(0);
        AlertBatch all;
        for (int i = 0; i < 250; ++i)
            all << alertOf(i, relabelled.contains(i));
        QVERIFY2(store.recordNotifications(all, &error), qPrintable(error));
        QVERIFY2(store.saveIncident(incident(third, true, u"api"_s), &error) > 0, qPrintable(error));
    }
    const QStringList pairs = tableRows(dbPath(), u"tst-pairs-last"_s, pairsSql);
    QCOMPARE(pairs, tableRows(dbPath(), u"tst-pairs-last-full"_s, fullSql));
    QCOMPARE(pairs, tableRows(reference, u"tst-pairs-reference-rows"_s, pairsSql));
    for (const int i : relabelled)
        QVERIFY(pairs.contains(u"shard|s%1"_s.arg(i)));
    QCOMPARE(tableRows(dbPath(), u"tst-pairs-search"_s, searchSql),
             tableRows(reference, u"tst-pairs-reference-search"_s, searchSql));
}

void TestStore::searchFollowsChangedMembers_data()
{
    // A big incident saved, then saved changed; the search row is written at once (no delay). Searched for one
    // alert by free text and by its alertname label: whether the incident is found.
    QTest::addColumn<QVector<int>>("first");
    QTest::addColumn<QVector<int>>("second");
    QTest::addColumn<QVector<int>>("inhibited");
    QTest::addColumn<int>("searched");
    QTest::addColumn<bool>("found");
    QTest::addRow("a removed member is no longer found")
        << span(0, 100) << span(10, 100) << QVector<int>{} << 5 << false;
    QTest::addRow("a kept member is still found") << span(0, 100) << span(10, 100) << QVector<int>{} << 50 << true;
    QTest::addRow("an added member is found") << span(0, 100) << span(0, 101) << QVector<int>{} << 100 << true;
    QTest::addRow("an inhibition leaves it found") << span(0, 100) << span(0, 100) << QVector<int>{7} << 7 << true;
    QTest::addRow("the member inhibited is found") << span(0, 100) << span(0, 100) << QVector<int>{7} << 8 << true;
}

void TestStore::searchFollowsChangedMembers()
{
    QFETCH(QVector<int>, first);
    QFETCH(QVector<int>, second);
    QFETCH(QVector<int>, inhibited);
    QFETCH(int, searched);
    QFETCH(bool, found);
    const auto alertOf = [](int i) {
        // "Mem5x" is no part of "Mem50x": the trigram index finds exactly the one asked for.
        return makeAlert(u"Mem%1x"_s.arg(i), u"svc%1"_s.arg(i % 5), Alert::Status::Firing, i);
    };
    Store store(u"tst-search-members"_s);
    QVERIFY(openStore(store));
    store.setSearchIndexDelay(0);
    QString error;
    AlertBatch all;
    for (int i = 0; i < 101; ++i)
        all << alertOf(i);
    QVERIFY2(store.recordNotifications(all, &error), qPrintable(error));
    const auto incident = [&](const QVector<int>& members) {
        QVector<Alert> alerts;
        for (const int i : members)
            alerts << alertOf(i);
        return makeIncident(u"big"_s, alerts);
    };
    QVERIFY2(store.saveIncident(incident(first), &error) > 0, qPrintable(error));
    Incident changed = incident(second);
    for (const int at : inhibited) {
        changed.alerts[at].inhibited = true;
        changed.alerts[at].inhibitedBy = changed.alerts.constFirst().fingerprint();
    }
    QVERIFY2(store.saveIncident(changed, &error) > 0, qPrintable(error));
    const QString name = u"Mem%1x"_s.arg(searched);
    for (const QString& input : {name, u"alertname="_s + name}) {
        const std::optional<HistoryPage> page = store.searchHistory(HistoryQuery::parse(input), &error);
        QVERIFY2(page, qPrintable(error));
        QCOMPARE(page->total, found ? 1 : 0);
    }
}

void TestStore::saveIncidentsIsOneTransaction()
{
    Store store(u"tst-batch"_s);
    QVERIFY(openStore(store));
    const Alert a = makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0);
    QVector<Incident> batch{makeIncident(u"one"_s, {a}), makeIncident(u"two"_s, {a})};
    QString error;
    QVERIFY2(store.saveIncidents(batch, &error), qPrintable(error));
    QVERIFY(batch[0].id > 0);
    QVERIFY(batch[1].id > 0);
    QVERIFY(batch[0].id != batch[1].id);
    QCOMPARE(store.loadIncident(batch[1].id)->key, u"two"_s);

    // A bad element (no key) rolls back the whole batch, including the good one before it.
    QVector<Incident> bad{makeIncident(u"three"_s, {a}), makeIncident(QString(), {a})};
    QVERIFY(!store.saveIncidents(bad, &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(store.lastError(), error);
    QCOMPARE(bad[0].id, 0);
    QCOMPARE(store.loadIncidents().size(), 2);
}

void TestStore::triggeredSaveKeepsAcknowledgement()
{
    qputenv("USER", "carol");
    Store store(u"tst-keepack"_s);
    QVERIFY(openStore(store));
    const Alert a = makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0);
    const qint64 id = store.saveIncident(makeIncident(u"k"_s, {a}), nullptr);
    QVERIFY(store.recordAction(id, u"ack"_s, {}, nullptr));

    // The correlator knows nothing of acks: its next save says Triggered with no ack fields.
    QCOMPARE(store.saveIncident(makeIncident(u"k"_s, {a}), nullptr), id);
    auto loaded = store.loadIncident(id);
    QCOMPARE(loaded->state, Incident::State::Acknowledged);
    QCOMPARE(loaded->acknowledgedBy, u"carol"_s);
    QVERIFY(loaded->acknowledgedAt.isValid());

    // A definite state from the correlator (all alerts resolved) is taken; the ack stays on record.
    Incident resolved = makeIncident(u"k"_s, {a});
    resolved.state = Incident::State::Resolved;
    QCOMPARE(store.saveIncident(resolved, nullptr), id);
    loaded = store.loadIncident(id);
    QCOMPARE(loaded->state, Incident::State::Resolved);
    QCOMPARE(loaded->acknowledgedBy, u"carol"_s);
}

void TestStore::ackSurvivesReopen()
{
    qputenv("USER", "alice");
    const Alert a = makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0);
    qint64 id = 0;
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    {
        Store store(u"tst-ack"_s);
        QVERIFY(openStore(store));
        QVERIFY(store.recordNotifications({a}, nullptr));
        id = store.saveIncident(makeIncident(u"k"_s, {a}), nullptr);
        QVERIFY(id > 0);
        QString error;
        QVERIFY2(store.recordAction(id, u"note"_s, u"looking at db — ça brûle"_s, &error), qPrintable(error));
        QVERIFY2(store.recordAction(id, u"ack"_s, {}, &error), qPrintable(error));
        store.close();
        QVERIFY(!store.isOpen());
        QCOMPARE(store.schemaVersion(), 0);
    }
    const QDateTime after = QDateTime::currentDateTimeUtc().addMSecs(1);

    Store reopened(u"tst-ack"_s); // same name: the first Store released it
    QVERIFY(openStore(reopened));
    QCOMPARE(reopened.notificationCount(), 1);
    const auto loaded = reopened.loadIncident(id);
    QVERIFY(loaded);
    QCOMPARE(loaded->state, Incident::State::Acknowledged);
    QCOMPARE(loaded->acknowledgedBy, u"alice"_s);
    QVERIFY(loaded->acknowledgedAt >= before && loaded->acknowledgedAt <= after);

    const auto actions = reopened.actions(id);
    QCOMPARE(actions.size(), 2);
    QCOMPARE(actions[0].kind, u"note"_s);
    QCOMPARE(actions[0].note, u"looking at db — ça brûle"_s);
    QCOMPARE(actions[0].user, u"alice"_s);
    QCOMPARE(actions[0].incidentId, id);
    QCOMPARE(actions[1].kind, u"ack"_s);
    QCOMPARE(actions[1].at, loaded->acknowledgedAt);
    QVERIFY(reopened.actions(id + 1).isEmpty());
}

void TestStore::actionStateChanges_data()
{
    QTest::addColumn<QStringList>("kinds");
    QTest::addColumn<Incident::State>("state");
    QTest::addColumn<bool>("acknowledged");

    QTest::addRow("note only") << QStringList{u"note"_s} << Incident::State::Triggered << false;
    QTest::addRow("ack") << QStringList{u"ack"_s} << Incident::State::Acknowledged << true;
    QTest::addRow("mitigate") << QStringList{u"ack"_s, u"mitigate"_s} << Incident::State::Mitigated << true;
    QTest::addRow("resolve") << QStringList{u"resolve"_s} << Incident::State::Resolved << false;
    QTest::addRow("ack after resolve keeps resolved")
        << QStringList{u"resolve"_s, u"ack"_s} << Incident::State::Resolved << true;
}

void TestStore::actionStateChanges()
{
    QFETCH(QStringList, kinds);
    QFETCH(Incident::State, state);
    QFETCH(bool, acknowledged);

    Store store(u"tst-actions"_s);
    QVERIFY(openStore(store));
    const qint64 id =
        store.saveIncident(makeIncident(u"k"_s, {makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0)}), nullptr);
    for (const QString& kind : kinds) {
        QString error;
        QVERIFY2(store.recordAction(id, kind, u"by test"_s, &error), qPrintable(error));
    }
    const auto loaded = store.loadIncident(id);
    QCOMPARE(loaded->state, state);
    QCOMPARE(loaded->acknowledgedAt.isValid(), acknowledged);
    QCOMPARE(store.actions(id).size(), kinds.size());
}

void TestStore::actionOnMissingIncidentFails()
{
    Store store(u"tst-missing"_s);
    QVERIFY(openStore(store));
    QString error;
    QVERIFY(!store.recordAction(12345, u"ack"_s, {}, &error));
    QVERIFY(error.contains(u"12345"_s));
    const qint64 id = store.saveIncident(makeIncident(u"k"_s, {}), nullptr);
    QVERIFY(!store.recordAction(id, QString(), {}, &error)); // no kind
    QVERIFY(store.actions(12345).isEmpty());
    QVERIFY(store.actions(id).isEmpty());
}

void TestStore::lifecycleTimesAndUsers()
{
    Store store(u"tst-lifecycle"_s);
    QVERIFY(openStore(store));
    const qint64 id =
        store.saveIncident(makeIncident(u"k"_s, {makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0)}), nullptr);
    const QDateTime t0 = QDateTime::fromString(u"2026-03-01T03:00:00Z"_s, Qt::ISODate);
    QString error;
    QVERIFY2(store.recordAction(id, u"ack"_s, {}, &error, t0.addSecs(120)), qPrintable(error));
    QVERIFY(store.recordAction(id, u"mitigate"_s, {}, &error, t0.addSecs(600)));
    QVERIFY(store.recordAction(id, u"mitigate"_s, {}, &error, t0.addSecs(700))); // the first one counts
    QVERIFY(store.recordAction(id, u"resolve"_s, {}, &error, t0.addSecs(1800)));
    QVERIFY(store.recordAction(id, u"mitigate"_s, {}, &error, t0.addSecs(1900))); // does not reopen

    const auto loaded = store.loadIncident(id);
    QCOMPARE(loaded->state, Incident::State::Resolved);
    QCOMPARE(loaded->acknowledgedAt, t0.addSecs(120));
    QCOMPARE(loaded->mitigatedAt, t0.addSecs(600));
    QCOMPARE(loaded->resolvedAt, t0.addSecs(1800));
    QCOMPARE(loaded->mitigatedBy, Store::currentUser());
    QCOMPARE(loaded->resolvedBy, Store::currentUser());
    QCOMPARE(store.actions(id).size(), 5);
    QCOMPARE(store.actions(id).at(3).at, t0.addSecs(1800));
}

void TestStore::resolutionRoundTrip_data()
{
    QTest::addColumn<QString>("runbook");
    QTest::addColumn<QString>("step");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("right"); // -1: not answered
    QTest::addColumn<int>("actionable");

    QTest::addRow("runbook step, right, actionable") << u"RB-DB-001"_s << u"restart-pool"_s << QString() << 1 << 1;
    QTest::addRow("something else, wrong")
        << QString() << QString() << u"rolled back v3.2.2 by hand — ça marche"_s << 0 << 1;
    QTest::addRow("noise, nothing answered") << QString() << QString() << QString() << -1 << 0;
}

void TestStore::resolutionRoundTrip()
{
    QFETCH(QString, runbook);
    QFETCH(QString, step);
    QFETCH(QString, text);
    QFETCH(int, right);
    QFETCH(int, actionable);

    Store store(u"tst-resolution"_s);
    QVERIFY(openStore(store));
    const qint64 id =
        store.saveIncident(makeIncident(u"k"_s, {makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0)}), nullptr);
    QVERIFY(!store.resolution(id).has_value());
    const auto answer = [](int v) { return v < 0 ? std::optional<bool>() : std::optional<bool>(v == 1); };
    Resolution r;
    r.incidentId = id;
    r.fixedByRunbook = runbook;
    r.fixedByStep = step;
    r.fixedByText = text;
    r.rootCause = u"postgres-main"_s;
    r.suggestionRight = answer(right);
    r.actionable = answer(actionable);
    QString error;
    QVERIFY2(store.recordResolution(r, &error), qPrintable(error));

    const auto loaded = store.resolution(id);
    QVERIFY(loaded.has_value());
    QCOMPARE(loaded->incidentId, id);
    QCOMPARE(loaded->fixedByRunbook, runbook);
    QCOMPARE(loaded->fixedByStep, step);
    QCOMPARE(loaded->fixedByText, text);
    QCOMPARE(loaded->rootCause, u"postgres-main"_s);
    QCOMPARE(loaded->suggestionRight, answer(right));
    QCOMPARE(loaded->actionable, answer(actionable));
    QCOMPARE(loaded->user, Store::currentUser());
    QVERIFY(loaded->at.isValid());

    r.incidentId = id + 1000;
    QVERIFY(!store.recordResolution(r, &error));
    QVERIFY(error.contains(QString::number(id + 1000)));
}

void TestStore::mergedIncidentsAreHidden()
{
    Store store(u"tst-merge"_s);
    QVERIFY(openStore(store));
    const Alert a = makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0);
    const qint64 keep = store.saveIncident(makeIncident(u"keep"_s, {a}), nullptr);
    const qint64 gone = store.saveIncident(makeIncident(u"gone"_s, {a}), nullptr);
    QString error;
    QVERIFY(!store.markMerged(u"gone"_s, keep + gone + 10, &error)); // target does not exist
    QVERIFY(!error.isEmpty());
    QVERIFY(!store.markMerged(u"nosuchkey"_s, keep, &error));
    QVERIFY(!store.markMerged(u"keep"_s, keep, &error)); // not into itself
    QCOMPARE(store.loadIncidents().size(), 2);

    QVERIFY2(store.markMerged(u"gone"_s, keep, &error), qPrintable(error));
    const QVector<Incident> list = store.loadIncidents();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list[0].id, keep);
    QVERIFY(store.loadIncident(gone)); // still reachable by id, for review
}

void TestStore::changesRoundTrip()
{
    Store store(u"tst-changes"_s);
    QVERIFY(openStore(store));
    const ChangeEvent deploy{u"db"_s, u"deploy"_s, t0.addSecs(-300), u"v2.3.1 → v2.4.0"_s, u"https://ci/1"_s};
    const ChangeEvent flag{u"api"_s, u"feature-flag"_s, t0.addSecs(-60), u"new-cache on"_s, QString()};
    QString error;
    QVERIFY2(store.recordChange(flag, &error), qPrintable(error));
    QVERIFY2(store.recordChange(deploy, &error), qPrintable(error));

    const QVector<ChangeEvent> all = store.loadChanges({});
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0].service, u"db"_s); // ordered by time, not by arrival
    QCOMPARE(all[0].kind, u"deploy"_s);
    QCOMPARE(all[0].at, deploy.at);
    QCOMPARE(all[0].description, deploy.description);
    QCOMPARE(all[0].link, deploy.link);
    QCOMPARE(all[1].link, QString());
    QCOMPARE(store.loadChanges(t0.addSecs(-100)).size(), 1);
}

void TestStore::unicodeLabelsRoundTrip_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");

    QTest::addRow("accents") << u"équipe"_s << u"données-prod"_s;
    QTest::addRow("cjk") << u"服务"_s << u"数据库主节点"_s;
    QTest::addRow("emoji (surrogate pairs)") << u"mood"_s << u"🔥💥 on fire"_s;
    QTest::addRow("rtl") << u"region"_s << u"מרכז-נתונים"_s;
    QTest::addRow("json specials") << u"query"_s << uR"(a "quoted" \ back\slash {"x":[1]})"_s;
    QTest::addRow("control chars") << u"multi"_s << u"line1\nline2\ttab\r\x01\x1f"_s;
    QTest::addRow("empty value") << u"empty"_s << QString();
    QTest::addRow("sql lookalike") << u"x'); DROP TABLE alerts;--"_s << u"' OR 1=1 --"_s;
}

void TestStore::unicodeLabelsRoundTrip()
{
    QFETCH(QString, name);
    QFETCH(QString, value);

    Store store(u"tst-unicode"_s);
    QVERIFY(openStore(store));
    Alert a = makeAlert(u"Ünïcödé"_s, u"api"_s, Alert::Status::Firing, 0);
    a.labels.insert(name, value);
    a.annotations.insert(u"description"_s, value + u" / "_s + name);
    a.fingerprint = Alert::fingerprintOf(a.labels);
    QString error;
    QVERIFY2(store.recordNotifications({a}, &error), qPrintable(error));

    const QVector<Alert> back = store.loadNotifications({});
    QCOMPARE(back.size(), 1);
    QCOMPARE(back[0].labels, a.labels);
    QCOMPARE(back[0].labels.value(name), value);
    QCOMPARE(back[0].annotations, a.annotations);
    QCOMPARE(back[0].fingerprint, a.fingerprint);
    QCOMPARE(Alert::fingerprintOf(back[0].labels), a.fingerprint); // verbatim: the hash still matches

    Incident inc = makeIncident(u"ключ-"_s + value, {a});
    inc.rootCauses[0].evidence = {value, name};
    const qint64 id = store.saveIncident(inc, &error);
    QVERIFY2(id > 0, qPrintable(error));
    const auto loaded = store.loadIncident(id);
    QCOMPARE(loaded->key, inc.key);
    QCOMPARE(loaded->alerts[0].latest.labels, a.labels);
    QCOMPARE(loaded->rootCauses[0].evidence, (QStringList{value, name}));
    QCOMPARE(store.alertCount(), 1); // the SQL lookalike did not drop anything
}

void TestStore::migratesVersion1Database()
{
    // A frozen copy of the v1 schema as the first release wrote it, with some v1 data: what an
    // upgrading user has on disk. Deliberately not taken from StoreSchema.
    {
        RawDb raw(dbPath());
        const QStringList v1{
            u"CREATE TABLE alerts (fingerprint TEXT PRIMARY KEY NOT NULL, labels TEXT NOT NULL, annotations TEXT NOT "
            u"NULL, "
            "status TEXT NOT NULL, starts_at INTEGER, ends_at INTEGER, first_starts_at INTEGER, "
            "first_received_at INTEGER NOT NULL, last_received_at INTEGER NOT NULL, "
            "notification_count INTEGER NOT NULL DEFAULT 0, flap_count INTEGER NOT NULL DEFAULT 0, "
            "source TEXT NOT NULL DEFAULT '', generator_url TEXT NOT NULL DEFAULT '')"_s,
            u"CREATE TABLE notifications (id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL, status TEXT NOT NULL, "
            "starts_at INTEGER, ends_at INTEGER, received_at INTEGER NOT NULL, source TEXT NOT NULL DEFAULT '')"_s,
            u"CREATE TABLE incidents (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, state TEXT NOT NULL, "
            "severity TEXT NOT NULL DEFAULT '', first_alert_at INTEGER, last_alert_at INTEGER, "
            "notification_count INTEGER NOT NULL DEFAULT 0, acknowledged_at INTEGER, acknowledged_by TEXT, "
            "merged_into INTEGER REFERENCES incidents(id), created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)"_s,
            u"CREATE TABLE incident_alerts (incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE, "
            "fingerprint TEXT NOT NULL, position INTEGER NOT NULL, inhibited INTEGER NOT NULL DEFAULT 0, "
            "PRIMARY KEY (incident_id, fingerprint))"_s,
            u"CREATE TABLE root_causes (incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE, "
            "rank INTEGER NOT NULL, service TEXT NOT NULL, score REAL NOT NULL, confidence REAL NOT NULL, "
            "evidence TEXT NOT NULL, PRIMARY KEY (incident_id, rank))"_s,
            u"CREATE TABLE actions (id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL REFERENCES incidents(id) "
            "ON DELETE CASCADE, kind TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', at INTEGER NOT NULL, user TEXT NOT NULL)"_s,
            u"CREATE TABLE changes (id INTEGER PRIMARY KEY, service TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT "
            u"NULL, "
            "description TEXT NOT NULL DEFAULT '', link TEXT NOT NULL DEFAULT '')"_s,
            u"INSERT INTO alerts VALUES('fp-api', '{\"alertname\":\"HighLatency\",\"service\":\"api\"}', '{}', "
            u"'firing', "
            "1000, NULL, 1000, 1005, 1005, 1, 0, 'replay:old', '')"_s,
            u"INSERT INTO alerts VALUES('fp-db', '{\"alertname\":\"DiskFull\",\"service\":\"db\"}', '{}', 'firing', "
            "900, NULL, 900, 905, 905, 1, 0, 'replay:old', '')"_s,
            u"INSERT INTO notifications VALUES(1, 'fp-db', 'firing', 900, NULL, 905, 'replay:old')"_s,
            u"INSERT INTO notifications VALUES(2, 'fp-api', 'firing', 1000, NULL, 1005, 'replay:old')"_s,
            u"INSERT INTO incidents VALUES(1, 'fp-db', 'acknowledged', 'critical', 900, 1005, 2, 2000, 'bob', NULL, 1, 1)"_s,
            u"INSERT INTO incident_alerts VALUES(1, 'fp-db', 0, 0)"_s,
            u"INSERT INTO incident_alerts VALUES(1, 'fp-api', 1, 0)"_s,
            u"INSERT INTO root_causes VALUES(1, 0, 'db', 2.0, 0.7, '[\"db first\"]')"_s,
            u"INSERT INTO root_causes VALUES(1, 1, 'network', 1.0, 0.2, '[]')"_s,
            u"INSERT INTO actions VALUES(1, 1, 'ack', '', 2000, 'bob')"_s,
            u"PRAGMA user_version=1"_s,
        };
        for (const QString& sql : v1)
            QVERIFY(raw.exec(sql));
    }

    Store store(u"tst-migrate"_s);
    QVERIFY(openStore(store));
    QCOMPARE(store.schemaVersion(), Store::latestSchemaVersion());
    QCOMPARE(store.notificationCount(), 2);
    QCOMPARE(store.alertCount(), 2);

    const auto inc = store.loadIncident(1);
    QVERIFY(inc);
    QCOMPARE(inc->key, u"fp-db"_s);
    QCOMPARE(inc->state, Incident::State::Acknowledged);
    QCOMPARE(inc->acknowledgedBy, u"bob"_s);
    QCOMPARE(inc->acknowledgedAt, QDateTime::fromMSecsSinceEpoch(2000, Qt::UTC));
    QCOMPARE(inc->alerts.size(), 2);
    QCOMPARE(inc->alerts[0].fingerprint(), u"fp-db"_s);
    QCOMPARE(inc->alerts[1].latest.labels.value(u"alertname"_s), u"HighLatency"_s);
    // Back-filled by the v2 step from what v1 stored.
    QCOMPARE(inc->affectedServices, (QStringList{u"api"_s, u"db"_s}));
    QCOMPARE(inc->rootCauses.size(), 2);
    QVERIFY(inc->rootCauses[0].hasOwnAlert);
    QVERIFY(!inc->rootCauses[1].hasOwnAlert);
    QCOMPARE(inc->rootCauses[0].evidence, QStringList{u"db first"_s});
    QCOMPARE(store.actions(1).size(), 1);

    // And the migrated file takes new data.
    Alert more = makeAlert(u"HighLatency"_s, u"api"_s, Alert::Status::Resolved, 0, u"fp-api"_s);
    QVERIFY(store.recordNotifications(
        {more, makeAlert(u"HighLatency"_s, u"api"_s, Alert::Status::Firing, 10, u"fp-api"_s)}, nullptr));
    QCOMPARE(store.notificationCount(), 4);
    QCOMPARE(store.loadIncident(1)->alerts[1].flapCount, 1);
    store.close();

    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"PRAGMA user_version"_s).toInt(), Store::latestSchemaVersion());
    // v8 moved the notifications into deliveries rows, ids kept: the old ones one each, the new batch one row.
    QCOMPARE(raw.scalar(u"SELECT count(*) FROM sqlite_master WHERE name = 'deliveries_by_received'"_s).toInt(), 1);
    QCOMPARE(raw.scalar(u"SELECT count(*) FROM deliveries"_s).toInt(), 4); // the new two were received apart
    QCOMPARE(raw.scalar(u"SELECT group_concat(id || ':' || fingerprint || ':' || status || ':' || "
                        "coalesce(starts_at, '-') || ':' || coalesce(ends_at, '-') || ':' || source, ' ') "
                        "FROM (SELECT * FROM notifications ORDER BY id)"_s)
                 .toString(),
             u"1:fp-db:firing:900:-:replay:old 2:fp-api:firing:1000:-:replay:old "_s
             u"3:fp-api:resolved:%1:%2:webhook:alertmanager 4:fp-api:firing:%3:-:webhook:alertmanager"_s
                 .arg(t0.toMSecsSinceEpoch())
                 .arg(t0.toMSecsSinceEpoch() + 1)
                 .arg(t0.toMSecsSinceEpoch() + 10));
}

// The console and a CLI (or two CLIs) may open the same new file at the same moment. Each opener must find
// the schema made once, whoever made it, and none may fail with "table already exists".
void TestStore::openersOfANewFileMigrateOnce_data()
{
    QTest::addColumn<int>("openers");
    QTest::addRow("two") << 2;
    QTest::addRow("four") << 4;
    QTest::addRow("eight") << 8;
}

void TestStore::openersOfANewFileMigrateOnce()
{
    QFETCH(int, openers);
    const QString path = dbPath();
    std::latch ready(openers);
    QVector<QString> errors(openers);
    QVector<int> versions(openers, 0);
    {
        std::vector<std::jthread> threads;
        for (int i = 0; i < openers; ++i)
            threads.emplace_back([&, i] {
                Store store(u"tst-opener-%1"_s.arg(i)); // opened, used and closed on this thread, as QtSql asks
                ready.arrive_and_wait();
                QString error;
                if (store.open(path, &error))
                    versions[i] = store.schemaVersion();
                else
                    errors[i] = error;
            });
    }
    for (int i = 0; i < openers; ++i) {
        QVERIFY2(errors[i].isEmpty(), qPrintable(errors[i]));
        QCOMPARE(versions[i], Store::latestSchemaVersion());
    }
    Store after(u"tst-opener-after"_s);
    QVERIFY(openStore(after));
    QString error;
    QVERIFY2(after.recordNotifications({makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0)}, &error),
             qPrintable(error));
    QCOMPARE(after.notificationCount(), 1);
}

void TestStore::deliveryIsOneRowOfItsNotifications()
{
    Store store(u"tst-deliveries"_s);
    QVERIFY(openStore(store));
    // A webhook delivery: one receipt time, one source. The odd fingerprint must survive the row's JSON body.
    AlertBatch delivery;
    for (int i = 0; i < 3; ++i) {
        Alert a = makeAlert(u"A%1"_s.arg(i), u"api"_s, i == 1 ? Alert::Status::Resolved : Alert::Status::Firing, i);
        a.receivedAt = t0;
        delivery << a;
    }
    delivery[2].fingerprint = u"odd \"fp\" \\ \t \u00e9"_s;
    delivery[2].startsAt = {};
    // A group commit of two feeds' deliveries: two more rows.
    Alert other = makeAlert(u"B"_s, u"db"_s, Alert::Status::Firing, 50);
    other.source = u"webhook:grafana"_s;
    AlertBatch both = delivery;
    both << other << delivery[0];
    QVERIFY(store.recordNotifications(both, nullptr));
    QCOMPARE(store.notificationCount(), 5);

    const QVector<Alert> loaded = store.loadNotifications({});
    QCOMPARE(loaded.size(), 5);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(loaded[i].fingerprint, both[i].fingerprint);
        QCOMPARE(loaded[i].status, both[i].status);
        QCOMPARE(loaded[i].startsAt, both[i].startsAt);
        QCOMPARE(loaded[i].endsAt, both[i].endsAt);
        QCOMPARE(loaded[i].receivedAt, both[i].receivedAt);
        QCOMPARE(loaded[i].source, both[i].source);
    }
    // The time filter is the receipt's, read through the deliveries' index.
    QCOMPARE(store.loadNotifications(t0.addMSecs(1)).size(), 1);
    {
        RawDb raw(dbPath());
        QCOMPARE(raw.scalar(u"SELECT group_concat(last_id - id + 1, ',') FROM (SELECT * FROM deliveries ORDER BY id)"_s)
                     .toString(),
                 u"3,1,1"_s);
        QCOMPARE(
            raw.scalar(u"SELECT group_concat(id, ',') FROM (SELECT id FROM notifications ORDER BY id)"_s).toString(),
            u"1,2,3,4,5"_s);
        // Another tool inserting notifications row by row (as bundle import does) continues the ids.
        QVERIFY(raw.exec(u"INSERT INTO notifications(fingerprint, status, received_at) VALUES('fp-x', 'firing', 7)"_s));
        QVERIFY(!raw.exec(u"INSERT INTO notifications(status, received_at) VALUES('firing', 7)"_s));
    }
    QVERIFY(store.recordNotifications({delivery[1]}, nullptr));
    QCOMPARE(store.notificationCount(), 7);
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar(u"SELECT group_concat(id || ':' || fingerprint, ',') FROM "
                        "(SELECT id, fingerprint FROM notifications WHERE id > 5 ORDER BY id)"_s)
                 .toString(),
             u"6:fp-x,7:"_s + delivery[1].fingerprint);
}

void TestStore::refusesNewerSchema()
{
    const int future = Store::latestSchemaVersion() + 1;
    {
        RawDb raw(dbPath());
        QVERIFY(raw.exec(u"CREATE TABLE from_the_future (x)"_s));
        QVERIFY(raw.exec(u"PRAGMA user_version=%1"_s.arg(future)));
    }
    Store store(u"tst-future"_s);
    QString error;
    QVERIFY(!store.open(dbPath(), &error));
    QVERIFY(!store.isOpen());
    QVERIFY2(error.contains(u"newer"_s), qPrintable(error));
    QVERIFY2(error.contains(QString::number(future)), qPrintable(error));
    QCOMPARE(store.lastError(), error);
    QVERIFY(!store.recordNotifications({makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0)}, &error));

    RawDb raw(dbPath()); // untouched
    QCOMPARE(raw.scalar(u"PRAGMA user_version"_s).toInt(), future);
    QCOMPARE(raw.scalar(u"SELECT count(*) FROM sqlite_master WHERE name = 'alerts'"_s).toInt(), 0);
}

void TestStore::badPathGivesError_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addRow("missing directory") << u"missing-dir"_s;
    QTest::addRow("path is a directory") << u"directory"_s;
    QTest::addRow("not a database") << u"garbage"_s;
    QTest::addRow("empty path") << u"empty"_s;
}

void TestStore::badPathGivesError()
{
    QFETCH(QString, kind);
    QString path;
    if (kind == u"missing-dir") {
        path = m_dir->filePath(u"no/such/dir/nightwatch.db"_s);
    } else if (kind == u"directory") {
        path = m_dir->filePath(u"adir"_s);
        QVERIFY(QDir(m_dir->path()).mkdir(u"adir"_s));
    } else if (kind == u"garbage") {
        path = m_dir->filePath(u"garbage.db"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
    }

    Store store(u"tst-bad"_s);
    QString error;
    QVERIFY(!store.open(path, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!store.isOpen());
    QCOMPARE(store.schemaVersion(), 0);
    // Every call on a store that failed to open answers "no", never crashes.
    QVERIFY(!store.recordNotifications({makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0)}, &error));
    QCOMPARE(store.saveIncident(makeIncident(u"k"_s, {}), &error), 0);
    QVERIFY(!store.recordAction(1, u"ack"_s, {}, &error));
    QVERIFY(!store.recordChange(ChangeEvent{}, &error));
    QVERIFY(!store.loadIncident(1));
    QVERIFY(store.loadIncidents().isEmpty());
    QVERIFY(store.loadNotifications({}).isEmpty());
    QCOMPARE(store.notificationCount(), 0);
    QVERIFY(!QSqlDatabase::contains(u"tst-bad"_s)); // the failed open released its connection

    // The same Store can then open a good file.
    QVERIFY(openStore(store));
}

void TestStore::damagedFileIsRefusedAtOpen_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<bool>("readOnly");
    for (const bool readOnly : {false, true}) {
        const char* mode = readOnly ? "read-only" : "read-write";
        QTest::addRow("last pages scribbled, %s", mode) << u"last pages"_s << readOnly;
        QTest::addRow("a middle page scribbled, %s", mode) << u"middle page"_s << readOnly;
        QTest::addRow("garbage after the header, %s", mode) << u"after header"_s << readOnly;
    }
}

void TestStore::damagedFileIsRefusedAtOpen()
{
    QFETCH(QString, damage);
    QFETCH(bool, readOnly);
    {
        Store store;
        QVERIFY(openStore(store));
        QString error;
        QVector<Alert> alerts;
        for (int i = 0; i < 3000; ++i)
            alerts.append(makeAlert(u"Alert%1"_s.arg(i), u"svc%1"_s.arg(i % 50), Alert::Status::Firing, i));
        QVERIFY2(store.recordNotifications(alerts, &error), qPrintable(error));
    } // closing the last connection checkpoints the WAL into the file
    QFile file(dbPath());
    QVERIFY(file.open(QIODevice::ReadWrite));
    const qint64 size = file.size();
    constexpr qint64 page = 4096;
    QVERIFY2(size > 20 * page, qPrintable(QString::number(size)));
    QByteArray garbage(2 * page, '\0');
    for (qsizetype i = 0; i < garbage.size(); ++i)
        garbage[i] = char((i * 7919 + 13) % 251); // not zero pages: those can pass for empty ones
    const qint64 at = damage == u"last pages"    ? size - 2 * page
                      : damage == u"middle page" ? size / 2 / page * page
                                                 : 100;
    QVERIFY(file.seek(at));
    QCOMPARE(file.write(garbage), garbage.size());
    file.close();
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();

    Store store(u"tst-damaged"_s);
    QString error;
    QVERIFY(!store.open(dbPath(), &error, readOnly ? Store::OpenMode::ReadOnly : Store::OpenMode::ReadWrite));
    QVERIFY2(error.contains(u"is damaged"_s) && error.contains(u"quick_check"_s), qPrintable(error));
    QVERIFY2(!error.contains(u'\n'), qPrintable(error));
    QVERIFY(!store.isOpen());
    QVERIFY(!QSqlDatabase::contains(u"tst-damaged"_s));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before); // refused without writing a byte: nothing more is lost
}

void TestStore::connectionNameInUseIsRefused()
{
    Store first(u"tst-shared-name"_s);
    QVERIFY(openStore(first));
    Store second(u"tst-shared-name"_s);
    QString error;
    QVERIFY(!second.open(m_dir->filePath(u"other.db"_s), &error));
    QVERIFY(error.contains(u"tst-shared-name"_s));
    QVERIFY(first.isOpen()); // the first Store's connection was not taken over
    QVERIFY(first.recordNotifications({makeAlert(u"A"_s, u"api"_s, Alert::Status::Firing, 0)}, &error));
    QCOMPARE(first.notificationCount(), 1);

    Store third(u"tst-other-name"_s); // two Stores on one file, as GUI and CLI would
    QVERIFY(openStore(third));
    QCOMPARE(third.notificationCount(), 1);
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
