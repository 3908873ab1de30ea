// Offline review in core: the history search (FTS5 index, label filters, period, state, paging) against a
// real SQLite file, the v5 migration back-filling the index of an older database, the index following
// re-saves, notes and resolutions, the query parser, the replay timeline and the view snapshots.

#include "graph/servicegraph.h"
#include "history/historyquery.h"
#include "history/historysummary.h"
#include "history/pastincident.h"
#include "history/replaytimeline.h"
#include "history/viewsnapshotjson.h"
#include "store/store.h"
#include "store/storeschema.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QDateTime at(int y, int m, int d, int h = 12, int min = 0, int s = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min, s), Qt::UTC);
}

Alert alert(const QString& name, const QString& service, const QString& team, const QString& severity,
            const QString& summary, const QDateTime& startsAt)
{
    Alert a;
    a.labels = {{u"alertname"_s, name}, {u"service"_s, service}, {u"team"_s, team}, {u"severity"_s, severity}};
    a.annotations = {{u"summary"_s, summary}};
    a.fingerprint = Alert::fingerprintOf(a.labels);
    a.startsAt = startsAt;
    a.receivedAt = startsAt.addSecs(30);
    a.source = u"test"_s;
    return a;
}

Incident incidentOf(const QString& key, const QVector<Alert>& members, const QString& cause,
                    const QStringList& evidence)
{
    Incident inc;
    inc.key = key;
    for (const Alert& a : members) {
        TrackedAlert t;
        t.latest = a;
        t.firstStartsAt = a.startsAt;
        t.firstReceivedAt = a.receivedAt;
        t.lastReceivedAt = a.receivedAt;
        t.notificationCount = 1;
        inc.alerts << t;
        if (!inc.affectedServices.contains(a.service()))
            inc.affectedServices << a.service();
    }
    inc.severity = Incident::highestSeverity(inc.alerts);
    inc.firstAlertAt = members.constFirst().startsAt;
    inc.lastAlertAt = members.constLast().receivedAt;
    inc.notificationCount = int(members.size());
    RootCauseCandidate c;
    c.service = cause;
    c.confidence = 0.8;
    c.score = 2.0;
    c.evidence = evidence;
    inc.rootCauses << c;
    return inc;
}

// Three incidents a reviewer would tell apart: a connection pool outage (resolved), a Kafka lag (open), an
// expiring certificate (resolved, with a note). No hyphen anywhere in the Kafka one.
struct Seeded
{
    QVector<Alert> pool{
        alert(u"DatabaseConnectionPoolExhausted"_s, u"order-service"_s, u"db"_s, u"critical"_s,
              u"DB connection pool at 95%"_s, at(2024, 3, 1)),
        alert(u"ServiceErrorRateHigh"_s, u"payment"_s, u"payments"_s, u"warning"_s, u"payment errors at 12%"_s,
              at(2024, 3, 1, 12, 2)),
    };
    QVector<Alert> kafka{alert(u"KafkaConsumerLagHigh"_s, u"notification"_s, u"platform"_s, u"warning"_s,
                               u"Consumer lag on notification"_s, at(2024, 5, 10))};
    QVector<Alert> cert{alert(u"CertificateExpiringSoon"_s, u"api-gateway"_s, u"platform"_s, u"critical"_s,
                              u"TLS certificate expires in 3 days"_s, at(2023, 11, 1))};
    QVector<Incident> incidents{
        incidentOf(u"pool"_s, pool, u"postgres-main"_s, {u"postgres-main alerted first"_s}),
        incidentOf(u"kafka"_s, kafka, u"kafka"_s, {u"kafka lag grew first"_s}),
        incidentOf(u"cert"_s, cert, u"api-gateway"_s, {u"certificate expiry is near"_s}),
    };
    qint64 id(const QString& key) const
    {
        for (const Incident& i : incidents)
            if (i.key == key)
                return i.id;
        return 0;
    }
};

bool seed(Store& store, Seeded& s, QString* error)
{
    AlertBatch all = s.pool + s.kafka + s.cert;
    if (!store.recordNotifications(all, error) || !store.saveIncidents(s.incidents, error))
        return false;
    Resolution r;
    r.incidentId = s.id(u"pool"_s);
    r.fixedByText = u"raised max_connections on the primary"_s;
    r.at = at(2024, 3, 1, 13);
    return store.recordAction(s.id(u"pool"_s), u"resolve"_s, {}, error, at(2024, 3, 1, 13)) &&
           store.recordResolution(r, error) &&
           store.recordAction(s.id(u"cert"_s), u"note"_s, u"renewed by hand"_s, error, at(2023, 11, 1, 13)) &&
           store.recordAction(s.id(u"cert"_s), u"resolve"_s, {}, error, at(2023, 11, 1, 14));
}

QStringList keysOf(const HistoryPage& page)
{
    QStringList out;
    for (const HistorySummary& s : page.rows)
        out << s.key;
    return out;
}

} // namespace

class TestHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fts5IsAvailable();
    void parsesQueries_data();
    void parsesQueries();
    void searches_data();
    void searches();
    void summariesCarryTheRow();
    void pagesWithTotal();
    void indexFollowsResaveNotesAndResolutions();
    void searchIndexCatchesUp();
    void staleRowsAreWrittenWhenDueOrUntilADeadline_data();
    void staleRowsAreWrittenWhenDueOrUntilADeadline();
    void migrationBackfillsTheIndex();
    void readOnlyOpenRefusesAnOldSchema();
    void incidentNotificationsStayInTheWindow();
    void neighboursAreTheOtherAlertsAroundIt();
    void replayStateAt_data();
    void replayStateAt();
    void replayMinutes();
    void replayDiagnosis();
    void graphSnapshotRoundTrips();
    void metricsSnapshotRoundTrips();

private:
    QTemporaryDir m_dir;
    QString m_path;
    Seeded m_seeded;
};

void TestHistory::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"history.sqlite"_s);
    Store store(u"tst-history-seed"_s);
    QString error;
    QVERIFY2(store.open(m_path, &error), qPrintable(error));
    store.setSearchIndexDelay(0); // every save indexes (searchIndexCatchesUp covers the delay)
    QVERIFY2(seed(store, m_seeded, &error), qPrintable(error));
}

void TestHistory::fts5IsAvailable()
{
    // QtSql's SQLite plugin on Debian links the system libsqlite3, which is built with FTS5.
    Store store(u"tst-history-fts5"_s);
    QString error;
    QVERIFY2(store.open(m_path, &error, Store::OpenMode::ReadOnly), qPrintable(error));
    QSqlDatabase db = QSqlDatabase::database(u"tst-history-fts5"_s);
    QSqlQuery q(db);
    QVERIFY(q.exec(u"SELECT sqlite_compileoption_used('ENABLE_FTS5'), sqlite_version()"_s) && q.next());
    QCOMPARE(q.value(0).toInt(), 1);
    qInfo("SQLite %s with FTS5", qPrintable(q.value(1).toString()));
}

void TestHistory::parsesQueries_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QStringList>("labels"); // "key=value"
    QTest::addColumn<QStringList>("terms");
    QTest::addColumn<QString>("fts");
    QTest::addColumn<QStringList>("like");

    QTest::addRow("words") << u"pool  exhausted"_s << QStringList{} << QStringList{u"pool"_s, u"exhausted"_s}
                           << u"\"pool\" AND \"exhausted\""_s << QStringList{};
    QTest::addRow("phrase") << u"\"connection pool\" db"_s << QStringList{}
                            << QStringList{u"connection pool"_s, u"db"_s} << u"\"connection pool\""_s
                            << QStringList{u"%db%"_s};
    QTest::addRow("labels and text") << u"lag team=platform service=\"api gateway\""_s
                                     << QStringList{u"team=platform"_s, u"service=api gateway"_s}
                                     << QStringList{u"lag"_s} << u"\"lag\""_s << QStringList{};
    QTest::addRow("stray quote") << u"foo\"bar"_s << QStringList{} << QStringList{u"foo\"bar"_s} << u"\"foo\"\"bar\""_s
                                 << QStringList{};
    QTest::addRow("operators are words") << u"payment OR -kafka NEAR(x)"_s << QStringList{}
                                         << QStringList{u"payment"_s, u"OR"_s, u"-kafka"_s, u"NEAR(x)"_s}
                                         << u"\"payment\" AND \"-kafka\" AND \"NEAR(x)\""_s << QStringList{u"%OR%"_s};
    QTest::addRow("like wildcards escaped") << u"5% _x"_s << QStringList{} << QStringList{u"5%"_s, u"_x"_s} << QString()
                                            << QStringList{u"%5\\%%"_s, u"%\\_x%"_s};
    QTest::addRow("quoted filter is text")
        << u"\"team=db\""_s << QStringList{} << QStringList{u"team=db"_s} << u"\"team=db\""_s << QStringList{};
    QTest::addRow("empty value is text") << u"team="_s << QStringList{} << QStringList{u"team="_s} << u"\"team=\""_s
                                         << QStringList{};
}

void TestHistory::parsesQueries()
{
    QFETCH(QString, input);
    QFETCH(QStringList, labels);
    QFETCH(QStringList, terms);
    QFETCH(QString, fts);
    QFETCH(QStringList, like);
    const HistoryQuery q = HistoryQuery::parse(input);
    QStringList gotLabels;
    for (const auto& [k, v] : q.labels)
        gotLabels << k + u'=' + v;
    QCOMPARE(gotLabels, labels);
    QCOMPARE(q.terms(), terms);
    QCOMPARE(q.ftsExpression(), fts);
    QCOMPARE(q.likePatterns(), like);
}

void TestHistory::searches_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QDateTime>("from");
    QTest::addColumn<QDateTime>("to");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QStringList>("expected"); // newest first

    const QDateTime none;
    QTest::addRow("word inside an alertname")
        << u"ConnectionPool"_s << none << none << QString() << QStringList{u"pool"_s};
    QTest::addRow("case-insensitive") << u"consumerlag"_s << none << none << QString() << QStringList{u"kafka"_s};
    QTest::addRow("service name") << u"api-gateway"_s << none << none << QString() << QStringList{u"cert"_s};
    QTest::addRow("root cause") << u"postgres-main"_s << none << none << QString() << QStringList{u"pool"_s};
    QTest::addRow("evidence phrase") << u"\"lag grew first\""_s << none << none << QString() << QStringList{u"kafka"_s};
    QTest::addRow("summary") << u"certificate expires"_s << none << none << QString() << QStringList{u"cert"_s};
    QTest::addRow("note") << u"renewed"_s << none << none << QString() << QStringList{u"cert"_s};
    QTest::addRow("resolution text") << u"max_connections"_s << none << none << QString() << QStringList{u"pool"_s};
    QTest::addRow("all terms must match") << u"payment kafka"_s << none << none << QString() << QStringList{};
    QTest::addRow("OR is a word") << u"payment OR kafka"_s << none << none << QString() << QStringList{};
    QTest::addRow("stray quote") << u"foo\"bar"_s << none << none << QString() << QStringList{};
    QTest::addRow("lone dash is literal") << u"-"_s << none << none << QString() << QStringList{u"pool"_s, u"cert"_s};
    QTest::addRow("fts syntax is literal") << u"^pay* NEAR(a b)"_s << none << none << QString() << QStringList{};
    QTest::addRow("short term") << u"db"_s << none << none << QString() << QStringList{u"pool"_s};
    QTest::addRow("label only") << u"service=payment"_s << none << none << QString() << QStringList{u"pool"_s};
    QTest::addRow("label, two incidents")
        << u"team=platform"_s << none << none << QString() << QStringList{u"kafka"_s, u"cert"_s};
    QTest::addRow("label is exact") << u"team=plat"_s << none << none << QString() << QStringList{};
    QTest::addRow("two labels") << u"team=platform severity=critical"_s << none << none << QString()
                                << QStringList{u"cert"_s};
    QTest::addRow("text and label") << u"lag team=platform"_s << none << none << QString() << QStringList{u"kafka"_s};
    QTest::addRow("text and label disagree") << u"gateway team=db"_s << none << none << QString() << QStringList{};
    QTest::addRow("period from") << QString() << at(2024, 1, 1) << none << QString()
                                 << QStringList{u"kafka"_s, u"pool"_s};
    QTest::addRow("period to") << QString() << none << at(2024, 1, 1) << QString() << QStringList{u"cert"_s};
    QTest::addRow("period and label") << u"team=platform"_s << at(2024, 1, 1) << at(2025, 1, 1) << QString()
                                      << QStringList{u"kafka"_s};
    QTest::addRow("open") << QString() << none << none << u"open"_s << QStringList{u"kafka"_s};
    QTest::addRow("resolved") << QString() << none << none << u"resolved"_s << QStringList{u"pool"_s, u"cert"_s};
    QTest::addRow("everything") << QString() << none << none << QString()
                                << QStringList{u"kafka"_s, u"pool"_s, u"cert"_s};
}

void TestHistory::searches()
{
    QFETCH(QString, input);
    QFETCH(QDateTime, from);
    QFETCH(QDateTime, to);
    QFETCH(QString, state);
    QFETCH(QStringList, expected);
    Store store(u"tst-history-search"_s);
    QString error;
    QVERIFY2(store.open(m_path, &error, Store::OpenMode::ReadOnly), qPrintable(error));
    HistoryQuery q = HistoryQuery::parse(input);
    q.from = from;
    q.to = to;
    q.state = state;
    const std::optional<HistoryPage> page = store.searchHistory(q, &error);
    QVERIFY2(page, qPrintable(error));
    QCOMPARE(keysOf(*page), expected);
    QCOMPARE(page->total, int(expected.size()));
}

void TestHistory::summariesCarryTheRow()
{
    Store store(u"tst-history-summary"_s);
    QString error;
    QVERIFY2(store.open(m_path, &error, Store::OpenMode::ReadOnly), qPrintable(error));
    const auto page = store.searchHistory(HistoryQuery::parse(u"service=payment"_s), &error);
    QVERIFY2(page && page->rows.size() == 1, qPrintable(error));
    const HistorySummary& s = page->rows.constFirst();
    QCOMPARE(s.id, m_seeded.id(u"pool"_s));
    QCOMPARE(s.summary, u"DB connection pool at 95%"_s);
    // Named from the stored alerts as the console names it live: the most severe symptom, then the root.
    QCOMPARE(s.title, u"Order-service pool — postgres-main"_s);
    QCOMPARE(s.topCause, u"postgres-main"_s);
    QCOMPARE(s.severity, u"critical"_s);
    QCOMPARE(s.state, Incident::State::Resolved);
    QCOMPARE(s.alertCount, 2);
    QCOMPARE(s.firstAlertAt, at(2024, 3, 1));
    QCOMPARE(s.resolvedAt, at(2024, 3, 1, 13));
    QCOMPARE(s.durationMs(), qint64(3600'000));
    QCOMPARE(s.services, (QStringList{u"order-service"_s, u"payment"_s}));
}

void TestHistory::pagesWithTotal()
{
    Store store(u"tst-history-pages"_s);
    QString error;
    QVERIFY2(store.open(m_path, &error, Store::OpenMode::ReadOnly), qPrintable(error));
    HistoryQuery q;
    q.limit = 2;
    auto page = store.searchHistory(q, &error);
    QVERIFY2(page, qPrintable(error));
    QCOMPARE(keysOf(*page), (QStringList{u"kafka"_s, u"pool"_s}));
    QCOMPARE(page->total, 3);
    q.offset = 2;
    page = store.searchHistory(q, &error);
    QVERIFY2(page, qPrintable(error));
    QCOMPARE(keysOf(*page), QStringList{u"cert"_s});
    QCOMPARE(page->total, 3);
    QCOMPARE(page->offset, 2);
}

void TestHistory::indexFollowsResaveNotesAndResolutions()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"resave.sqlite"_s);
    Seeded s;
    Store store(u"tst-history-resave"_s);
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    store.setSearchIndexDelay(0); // every save re-indexes (searchIndexCatchesUp covers the delay)
    QVERIFY2(seed(store, s, &error), qPrintable(error));
    const auto find = [&](const QString& input) {
        const auto page = store.searchHistory(HistoryQuery::parse(input), &error);
        return page ? keysOf(*page) : QStringList{u"error: "_s + error};
    };
    QCOMPARE(find(u"RedisConnection"_s), QStringList{});
    QCOMPARE(find(u"service=redis-session"_s), QStringList{});

    // The correlator adds a member: the next save re-indexes text and labels.
    const Alert redis = alert(u"RedisConnectionTimeout"_s, u"redis-session"_s, u"db"_s, u"critical"_s,
                              u"redis timeouts"_s, at(2024, 5, 10, 12, 3));
    QVERIFY2(store.recordNotifications({redis}, &error), qPrintable(error));
    Incident kafka = s.incidents.at(1);
    kafka.alerts << incidentOf(u"x"_s, {redis}, u"kafka"_s, {}).alerts;
    QVERIFY(store.saveIncident(kafka, &error) == s.id(u"kafka"_s));
    QCOMPARE(find(u"RedisConnection"_s), QStringList{u"kafka"_s});
    QCOMPARE(find(u"service=redis-session"_s), QStringList{u"kafka"_s});

    // A new diagnosis replaces the old root cause in the index.
    kafka.rootCauses.first().service = u"zookeeper"_s;
    QVERIFY(store.saveIncident(kafka, &error) != 0);
    QCOMPARE(find(u"zookeeper"_s), QStringList{u"kafka"_s});
    QCOMPARE(find(u"\"kafka lag grew\""_s), QStringList{u"kafka"_s});

    // Notes, the resolve and the engineer's answer.
    QVERIFY2(store.recordAction(s.id(u"kafka"_s), u"note"_s, u"paged the vendor"_s, &error), qPrintable(error));
    QCOMPARE(find(u"vendor"_s), QStringList{u"kafka"_s});
    Resolution r;
    r.incidentId = s.id(u"kafka"_s);
    r.fixedByText = u"scaled out the consumers"_s;
    r.rootCause = u"broker-3"_s;
    QVERIFY2(store.recordResolution(r, &error), qPrintable(error));
    QVERIFY2(store.recordAction(s.id(u"kafka"_s), u"resolve"_s, {}, &error), qPrintable(error));
    QCOMPARE(find(u"\"scaled out\""_s), QStringList{u"kafka"_s});
    QCOMPARE(find(u"broker-3"_s), QStringList{u"kafka"_s});
    HistoryQuery open;
    open.state = u"open"_s;
    QCOMPARE(keysOf(*store.searchHistory(open, &error)), QStringList{});
}

void TestHistory::searchIndexCatchesUp()
{
    // In a storm an incident is saved every refresh; its search row follows after the delay, on demand, or at
    // the next open when the process stopped first.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"delay.sqlite"_s);
    Seeded s;
    QString error;
    const auto grow = [&](Store& store, const QString& name, const QString& service) {
        const Alert extra = alert(name, service, u"db"_s, u"critical"_s, name, at(2024, 5, 10, 12, 3));
        Incident kafka = s.incidents.at(1);
        kafka.alerts << incidentOf(u"x"_s, {extra}, u"kafka"_s, {}).alerts;
        s.incidents[1] = kafka;
        return store.recordNotifications({extra}, &error) && store.saveIncident(kafka, &error) != 0;
    };
    {
        Store store(u"tst-history-delay"_s);
        QVERIFY2(store.open(path, &error), qPrintable(error));
        store.setSearchIndexDelay(3'600'000);
        QVERIFY2(seed(store, s, &error), qPrintable(error));
        const auto find = [&](const QString& input) {
            const auto page = store.searchHistory(HistoryQuery::parse(input), &error);
            return page ? keysOf(*page) : QStringList{u"error: "_s + error};
        };
        QCOMPARE(find(u"lag grew"_s), QStringList{});         // saved within the delay: not yet
        QCOMPARE(find(u"renewed"_s), QStringList{u"cert"_s}); // a note indexes at once
        QVERIFY2(store.refreshSearchIndex(&error), qPrintable(error));
        QCOMPARE(find(u"lag grew"_s), QStringList{u"kafka"_s});
        QVERIFY2(grow(store, u"RedisConnectionTimeout"_s, u"redis-session"_s), qPrintable(error));
        QCOMPARE(find(u"RedisConnection"_s), QStringList{}); // within the delay
        QVERIFY2(store.refreshSearchIndex(&error), qPrintable(error));
        QCOMPARE(find(u"RedisConnection"_s), QStringList{u"kafka"_s});
        QCOMPARE(find(u"service=redis-session"_s), QStringList{u"kafka"_s});
        QVERIFY2(grow(store, u"ZookeeperSessionExpired"_s, u"zookeeper"_s), qPrintable(error));
        QCOMPARE(find(u"Zookeeper"_s), QStringList{});
    } // closed without catching up, as a killed process would leave it
    Store reopened(u"tst-history-delay-2"_s);
    QVERIFY2(reopened.open(path, &error), qPrintable(error));
    const auto page = reopened.searchHistory(HistoryQuery::parse(u"Zookeeper team=db"_s), &error);
    QVERIFY2(page, qPrintable(error));
    QCOMPARE(keysOf(*page), QStringList{u"kafka"_s});
}

void TestHistory::staleRowsAreWrittenWhenDueOrUntilADeadline_data()
{
    QTest::addColumn<int>("delayMs");
    QTest::addColumn<QString>("how");          // "due": indexDueSearchRows; "refresh": refreshSearchIndex
    QTest::addColumn<int>("deadlineMs");       // refresh: its deadline from now (-1: none)
    QTest::addColumn<bool>("found");           // the grown incident's new alert is found afterwards
    QTest::addColumn<qsizetype>("notReached"); // refresh: what it says it left
    // The pipeline's quiet catch-up: nothing saved after the row fell due, and it is written all the same.
    QTest::newRow("due, no save after") << 100 << u"due"_s << -1 << true << qsizetype(0);
    QTest::newRow("not due yet") << 3'600'000 << u"due"_s << -1 << false << qsizetype(0);
    // An exit under its deadline: none begun after it, the rest left marked for the next open.
    QTest::newRow("exit, deadline passed") << 3'600'000 << u"refresh"_s << 0 << false << qsizetype(1);
    QTest::newRow("exit, deadline ahead") << 3'600'000 << u"refresh"_s << 10'000 << true << qsizetype(0);
    QTest::newRow("no deadline") << 3'600'000 << u"refresh"_s << -1 << true << qsizetype(0);
}

void TestHistory::staleRowsAreWrittenWhenDueOrUntilADeadline()
{
    QFETCH(int, delayMs);
    QFETCH(QString, how);
    QFETCH(int, deadlineMs);
    QFETCH(bool, found);
    QFETCH(qsizetype, notReached);
    QTemporaryDir dir;
    Seeded s;
    QString error;
    Store store(u"tst-history-due"_s);
    QVERIFY2(store.open(dir.filePath(u"due.sqlite"_s), &error), qPrintable(error));
    QVERIFY2(seed(store, s, &error), qPrintable(error));
    QVERIFY2(store.refreshSearchIndex(&error), qPrintable(error));
    QCOMPARE(store.searchRowsDueInMs(), -1); // nothing stale
    store.setSearchIndexDelay(delayMs);
    const Alert extra =
        alert(u"ZookeeperSessionExpired"_s, u"zookeeper"_s, u"db"_s, u"critical"_s, u"zk"_s, at(2024, 5, 10, 12, 3));
    Incident kafka = s.incidents.at(1);
    kafka.alerts << incidentOf(u"x"_s, {extra}, u"kafka"_s, {}).alerts;
    QVERIFY2(store.recordNotifications({extra}, &error) && store.saveIncident(kafka, &error) != 0, qPrintable(error));
    const qint64 dueIn = store.searchRowsDueInMs();
    QVERIFY2(dueIn > 0 && dueIn <= delayMs, qPrintable(QString::number(dueIn)));
    qsizetype left = -1;
    if (how == u"due"_s) {
        if (delayMs < 1'000) {
            QTest::qWait(delayMs + 20);
            QCOMPARE(store.searchRowsDueInMs(), 0);
        }
        QVERIFY2(store.indexDueSearchRows(&error), qPrintable(error));
        left = 0;
    } else {
        const QDeadlineTimer by = deadlineMs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(deadlineMs);
        QVERIFY2(store.refreshSearchIndex(&error, by, &left), qPrintable(error));
    }
    QCOMPARE(left, notReached);
    const auto page = store.searchHistory(HistoryQuery::parse(u"Zookeeper"_s), &error);
    QVERIFY2(page, qPrintable(error));
    QCOMPARE(keysOf(*page), found ? QStringList{u"kafka"_s} : QStringList{});
    // Written: nothing left stale. Else it stays marked (due later, or now for the next open's refresh).
    QCOMPARE(store.searchRowsDueInMs() < 0, found);
}

void TestHistory::migrationBackfillsTheIndex()
{
    // A database from just before the search index (as the release before it wrote it), with incidents.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"old.sqlite"_s);
    // The step that adds the search index, wherever merging puts it among other branches' steps.
    int old = -1;
    for (int step = 0; step < StoreSchema::latestVersion() && old < 0; ++step)
        for (const QString& sql : StoreSchema::migrations().at(step))
            if (sql.contains(u"VIRTUAL TABLE incident_search"_s))
                old = step;
    QVERIFY(old > 0);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tst-history-old"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (int step = 0; step < old; ++step)
            for (const QString& sql : StoreSchema::migrations().at(step))
                QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
        QVERIFY(q.exec(u"PRAGMA user_version=%1"_s.arg(old)));
        const QStringList rows = {
            u"INSERT INTO alerts(fingerprint, labels, annotations, status, first_received_at, last_received_at) "
            "VALUES('f1', '{\"alertname\":\"DiskSpaceLow\",\"service\":\"ledger\",\"team\":\"data\"}', "
            "'{\"summary\":\"disk 97% full\"}', 'firing', 1700000000000, 1700000000000)"_s,
            u"INSERT INTO incidents(id, key, state, severity, first_alert_at, last_alert_at, created_at, updated_at) "
            "VALUES(7, 'old-1', 'resolved', 'warning', 1700000000000, 1700000600000, 0, 0)"_s,
            u"INSERT INTO incident_alerts(incident_id, fingerprint, position) VALUES(7, 'f1', 0)"_s,
            u"INSERT INTO root_causes(incident_id, rank, service, score, confidence, evidence) "
            "VALUES(7, 0, 'ledger', 1, 0.9, '[\"ledger disk filled after the backup\"]')"_s,
            u"INSERT INTO actions(incident_id, kind, note, at, user) VALUES(7, 'note', 'purged old WAL files', "
            "1700000300000, 'alice')"_s,
        };
        for (const QString& sql : rows)
            QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"tst-history-old"_s);

    Store store(u"tst-history-migrated"_s);
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QCOMPARE(store.schemaVersion(), StoreSchema::latestVersion());
    for (const QString& input : {u"DiskSpace"_s, u"ledger"_s, u"\"after the backup\""_s, u"WAL files"_s, u"97%"_s,
                                 u"team=data"_s, u"service=ledger DiskSpace"_s}) {
        const auto page = store.searchHistory(HistoryQuery::parse(input), &error);
        QVERIFY2(page, qPrintable(error));
        QVERIFY2(keysOf(*page) == QStringList{u"old-1"_s}, qPrintable(input));
    }
}

void TestHistory::readOnlyOpenRefusesAnOldSchema()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"v1.sqlite"_s);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"tst-history-v1"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const QString& sql : StoreSchema::migrations().at(0))
            QVERIFY(q.exec(sql));
        QVERIFY(q.exec(u"PRAGMA user_version=1"_s));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"tst-history-v1"_s);
    Store store(u"tst-history-ro"_s);
    QString error;
    QVERIFY(!store.open(path, &error, Store::OpenMode::ReadOnly));
    QVERIFY2(error.contains(u"schema version 1"_s), qPrintable(error));
    QVERIFY(!store.open(dir.filePath(u"missing.sqlite"_s), &error, Store::OpenMode::ReadOnly));
}

void TestHistory::incidentNotificationsStayInTheWindow()
{
    QTemporaryDir dir;
    Store store(u"tst-history-notifications"_s);
    QString error;
    QVERIFY2(store.open(dir.filePath(u"n.sqlite"_s), &error), qPrintable(error));
    const Alert a = alert(u"HighMemoryUsage"_s, u"cart"_s, u"storefront"_s, u"warning"_s, u"mem"_s, at(2024, 6, 1));
    Alert repeat = a;
    repeat.receivedAt = a.receivedAt.addSecs(60);
    Alert resolved = a;
    resolved.status = Alert::Status::Resolved;
    resolved.receivedAt = a.receivedAt.addSecs(300);
    Alert monthLater = a; // the same alert in a later incident
    monthLater.startsAt = a.startsAt.addDays(30);
    monthLater.receivedAt = a.receivedAt.addDays(30);
    QVERIFY(store.recordNotifications({a, repeat, resolved, monthLater}, &error));
    Incident inc = incidentOf(u"mem"_s, {a}, u"cart"_s, {});
    inc.lastAlertAt = resolved.receivedAt;
    const qint64 id = store.saveIncident(inc, &error);
    QVERIFY2(id != 0, qPrintable(error));
    const QVector<Alert> got = store.incidentNotifications(id);
    QCOMPARE(got.size(), 3);
    QCOMPARE(got.at(2).status, Alert::Status::Resolved);
    QCOMPARE(got.at(0).labels.value(u"team"_s), u"storefront"_s);
}

// What the replay needs besides the incident's own notifications: the other alerts of its hour, on the services of
// its graph snapshot (the only ones the diagnoser could weigh), and nothing when no snapshot was kept.
void TestHistory::neighboursAreTheOtherAlertsAroundIt()
{
    QTemporaryDir dir;
    Store store(u"tst-history-neighbours"_s);
    QString error;
    QVERIFY2(store.open(dir.filePath(u"n.sqlite"_s), &error), qPrintable(error));
    const QDateTime t0 = at(2024, 6, 1);
    const Alert member = alert(u"Errors"_s, u"cart"_s, u"storefront"_s, u"critical"_s, u"cart errors"_s, t0);
    const Alert db = alert(u"ReplicationLag"_s, u"db"_s, u"data"_s, u"warning"_s, u"lag"_s, t0.addSecs(-120));
    const Alert elsewhere = alert(u"DiskFull"_s, u"batch"_s, u"data"_s, u"warning"_s, u"disk"_s, t0.addSecs(60));
    const Alert later = alert(u"ReplicationLag"_s, u"db2"_s, u"data"_s, u"warning"_s, u"lag"_s, t0.addSecs(3 * 3600));
    QVERIFY(store.recordNotifications({db, member, elsewhere, later}, &error));
    const Incident inc = incidentOf(u"cart"_s, {member}, u"db"_s, {});
    const qint64 id = store.saveIncident(inc, &error);
    QVERIFY2(id != 0, qPrintable(error));

    QStringList around;
    const QVector<Alert> neighbours = store.neighbourNotifications(id);
    for (const Alert& a : neighbours)
        around << a.service();
    QCOMPARE(around, (QStringList{u"db"_s, u"batch"_s})); // arrival order; not the member, not hours later
    // Both lists carry the store's arrival order, which the replay follows where arrival times tie.
    const QVector<Alert> members = store.incidentNotifications(id);
    QCOMPARE(members.size(), 1);
    QVERIFY(neighbours[0].storedId > 0);
    QVERIFY(neighbours[0].storedId < members[0].storedId && members[0].storedId < neighbours[1].storedId);

    std::optional<ReviewedIncident> past = ReviewedIncident::load(store, id, &error);
    QVERIFY2(past, qPrintable(error));
    QVERIFY(past->neighbourNotifications.isEmpty()); // no graph snapshot: nothing to weigh them on

    ServiceGraph graph;
    graph.addEdge(u"cart"_s, u"db"_s);
    QVERIFY2(store.saveViewSnapshot(id, ViewSnapshotJson::GraphKind, ViewSnapshotJson::graphNeighbourhood(graph, inc),
                                    &error),
             qPrintable(error));
    past = ReviewedIncident::load(store, id, &error);
    QVERIFY2(past, qPrintable(error));
    QCOMPARE(past->neighbourNotifications.size(), 1);
    QCOMPARE(past->neighbourNotifications.constFirst().service(), u"db"_s);
    QCOMPARE(past->neighbourNotifications.constFirst().labels.value(u"alertname"_s), u"ReplicationLag"_s);
}

namespace {

// A small incident: db at 10:00:10 (resolved 10:05, firing again 10:07), api at 10:02:30 (onset 10:01), cache
// (inhibited) at 10:03; ack 10:04, a runbook step 10:06, resolve 10:09.
struct ReplayFixture
{
    Incident incident;
    QVector<Alert> notifications;
    QVector<Store::Action> actions;
    QVector<RunbookRun> runs;

    ReplayFixture()
    {
        const QDateTime base = at(2024, 7, 1, 10);
        const auto mk = [&](const QString& service, const QString& severity, int receivedSec, bool firing,
                            int startsSec) {
            Alert a;
            a.labels = {{u"alertname"_s, service + u"Down"_s}, {u"service"_s, service}, {u"severity"_s, severity}};
            a.fingerprint = u"fp-"_s + service;
            a.status = firing ? Alert::Status::Firing : Alert::Status::Resolved;
            a.startsAt = base.addSecs(startsSec);
            a.receivedAt = base.addSecs(receivedSec);
            return a;
        };
        notifications = {mk(u"db"_s, u"critical"_s, 10, true, 0),   mk(u"api"_s, u"warning"_s, 150, true, 60),
                         mk(u"db"_s, u"critical"_s, 70, true, 0),   mk(u"cache"_s, u"warning"_s, 180, true, 175),
                         mk(u"db"_s, u"critical"_s, 300, false, 0), mk(u"db"_s, u"critical"_s, 420, true, 400)};
        incident = incidentOf(u"replay"_s, {notifications.at(0), notifications.at(1), notifications.at(3)}, u"db"_s,
                              {u"db first"_s});
        incident.alerts[2].inhibited = true;
        actions = {{0, u"ack"_s, {}, base.addSecs(240), u"alice"_s},
                   {0, u"resolve"_s, {}, base.addSecs(540), u"bob"_s},
                   {0, u"note"_s, u"pool raised"_s, base.addSecs(400), u"alice"_s}};
        RunbookRun run;
        run.at = base.addSecs(360);
        run.runbookId = u"restart"_s;
        run.step = u"rollout-restart"_s;
        run.outcome = RunbookRun::Outcome::Passed;
        runs = {run};
    }
};

} // namespace

void TestHistory::replayStateAt_data()
{
    QTest::addColumn<int>("second"); // after 10:00:00
    QTest::addColumn<QStringList>("known");
    QTest::addColumn<QStringList>("firingServices");
    QTest::addColumn<int>("notifications");
    QTest::addColumn<int>("actions");
    QTest::addColumn<int>("runs");
    QTest::addColumn<int>("state");
    QTest::addColumn<int>("dbFlaps");

    const int trig = int(Incident::State::Triggered), ack = int(Incident::State::Acknowledged),
              res = int(Incident::State::Resolved);
    QTest::addRow("before anything") << 5 << QStringList{} << QStringList{} << 0 << 0 << 0 << trig << -1;
    QTest::addRow("first notification") << 10 << QStringList{u"fp-db"_s} << QStringList{u"db"_s} << 1 << 0 << 0 << trig
                                        << 0;
    QTest::addRow("repeat counted") << 100 << QStringList{u"fp-db"_s} << QStringList{u"db"_s} << 2 << 0 << 0 << trig
                                    << 0;
    QTest::addRow("api joins, cache inhibited") << 200 << QStringList{u"fp-db"_s, u"fp-api"_s, u"fp-cache"_s}
                                                << QStringList{u"api"_s, u"db"_s} << 4 << 0 << 0 << trig << 0;
    QTest::addRow("acknowledged") << 240 << QStringList{u"fp-db"_s, u"fp-api"_s, u"fp-cache"_s}
                                  << QStringList{u"api"_s, u"db"_s} << 4 << 1 << 0 << ack << 0;
    QTest::addRow("db resolved") << 330 << QStringList{u"fp-db"_s, u"fp-api"_s, u"fp-cache"_s} << QStringList{u"api"_s}
                                 << 5 << 1 << 0 << ack << 0;
    QTest::addRow("runbook ran") << 360 << QStringList{u"fp-db"_s, u"fp-api"_s, u"fp-cache"_s} << QStringList{u"api"_s}
                                 << 5 << 1 << 1 << ack << 0;
    QTest::addRow("db flaps back") << 420 << QStringList{u"fp-db"_s, u"fp-api"_s, u"fp-cache"_s}
                                   << QStringList{u"api"_s, u"db"_s} << 6 << 2 << 1 << ack << 1;
    QTest::addRow("resolved") << 600 << QStringList{u"fp-db"_s, u"fp-api"_s, u"fp-cache"_s}
                              << QStringList{u"api"_s, u"db"_s} << 6 << 3 << 1 << res << 1;
}

void TestHistory::replayStateAt()
{
    QFETCH(int, second);
    QFETCH(QStringList, known);
    QFETCH(QStringList, firingServices);
    QFETCH(int, notifications);
    QFETCH(int, actions);
    QFETCH(int, runs);
    QFETCH(int, state);
    QFETCH(int, dbFlaps);

    const ReplayFixture f;
    const ReplayTimeline timeline(f.incident, f.notifications, f.actions, f.runs);
    const QDateTime t = at(2024, 7, 1, 10).addSecs(second);
    const ReplayTimeline::State s = timeline.stateAt(t);
    QStringList gotKnown;
    for (const TrackedAlert& a : s.alerts)
        gotKnown << a.fingerprint();
    QCOMPARE(gotKnown, known); // onset order
    QCOMPARE(s.firingServices, firingServices);
    QCOMPARE(s.notificationCount, notifications);
    QCOMPARE(s.actions.size(), actions);
    QCOMPARE(s.runs.size(), runs);
    QCOMPARE(int(s.state), state);
    for (const TrackedAlert& a : s.alerts)
        if (a.fingerprint() == u"fp-db")
            QCOMPARE(a.flapCount, dbFlaps);

    const Incident inc = timeline.incidentAt(t);
    QCOMPARE(inc.alerts.size(), known.size());
    QCOMPARE(inc.affectedServices, firingServices);
    QCOMPARE(int(inc.state), state);
    QCOMPARE(inc.acknowledgedBy, state >= int(Incident::State::Acknowledged) ? u"alice"_s : QString());
    QCOMPARE(inc.rootCauses.size(), 1); // the stored diagnosis stays
}

void TestHistory::replayMinutes()
{
    const ReplayFixture f;
    const ReplayTimeline timeline(f.incident, f.notifications, f.actions, f.runs);
    QCOMPARE(timeline.start(), at(2024, 7, 1, 10, 0, 10));
    QCOMPARE(timeline.end(), at(2024, 7, 1, 10, 9));
    QCOMPARE(timeline.minuteCount(), 9); // 8 min 50 s, rounded up
    QCOMPARE(timeline.timeAtMinute(0), timeline.start());
    QCOMPARE(timeline.timeAtMinute(3), at(2024, 7, 1, 10, 3, 10));
    QCOMPARE(timeline.timeAtMinute(9), timeline.end()); // clamped
    QVERIFY(ReplayTimeline().isEmpty());
}

void TestHistory::replayDiagnosis()
{
    // api calls db: once both fire, the console blamed db; before anything arrived it blamed nobody.
    const ReplayFixture f;
    const ReplayTimeline timeline(f.incident, f.notifications, f.actions, f.runs);
    auto graph = std::make_shared<ServiceGraph>();
    graph->addEdge(u"api"_s, u"db"_s);
    graph->addEdge(u"cache"_s, u"db"_s);
    const QDateTime base = at(2024, 7, 1, 10);
    QVERIFY(timeline.diagnosisAt(base.addSecs(5), graph, {}).isEmpty());
    const auto early = timeline.diagnosisAt(base.addSecs(10), graph, {});
    QVERIFY(!early.isEmpty());
    QCOMPARE(early.constFirst().service, u"db"_s);
    const auto later = timeline.diagnosisAt(base.addSecs(200), graph, {});
    QVERIFY(!later.isEmpty());
    QCOMPARE(later.constFirst().service, u"db"_s);
    QVERIFY2(later.constFirst().evidence.join(u' ') != early.constFirst().evidence.join(u' '),
             qPrintable(later.constFirst().evidence.join(u" | "_s))); // more alerts, other reasons
    // A deploy known by then becomes evidence; one made later does not.
    const ChangeEvent deploy{u"db"_s, u"deploy"_s, base.addSecs(-300), u"db v2 rollout"_s, {}};
    const auto withDeploy = timeline.diagnosisAt(base.addSecs(200), graph, {deploy});
    QVERIFY(withDeploy.constFirst().evidence.join(u' ').contains(u"v2 rollout"_s));
    ChangeEvent future = deploy;
    future.at = base.addSecs(3000);
    QVERIFY(!timeline.diagnosisAt(base.addSecs(200), graph, {future})
                 .constFirst()
                 .evidence.join(u' ')
                 .contains(u"v2 rollout"_s));
}

void TestHistory::graphSnapshotRoundTrips()
{
    ServiceGraph big;
    for (int i = 0; i < 100; ++i)
        big.addEdge(u"svc-%1"_s.arg(i), u"svc-%1"_s.arg(i + 1)); // a chain of 101
    Incident inc;
    Alert a;
    a.labels = {{u"service"_s, u"svc-50"_s}};
    inc.alerts << TrackedAlert{a, {}, {}, {}, 1, 0, false, {}};
    RootCauseCandidate c;
    c.service = u"svc-70"_s;
    inc.rootCauses << c;
    QString error;
    const auto graph = ViewSnapshotJson::graphFrom(ViewSnapshotJson::graphNeighbourhood(big, inc), &error);
    QVERIFY2(graph, qPrintable(error));
    QStringList ids;
    for (const ServiceGraph::Node& n : graph->nodes())
        ids << n.id;
    ids.sort();
    QCOMPARE(ids, (QStringList{u"svc-49"_s, u"svc-50"_s, u"svc-51"_s, u"svc-69"_s, u"svc-70"_s, u"svc-71"_s}));
    QCOMPARE(graph->callees(u"svc-49"_s), QStringList{u"svc-50"_s});
    QCOMPARE(graph->edgeCount(), 4);

    ServiceGraph small;
    small.addNode(u"postgres"_s, u"database"_s);
    small.addEdge(u"api"_s, u"postgres"_s);
    small.addNode(u"unrelated"_s);
    const auto whole = ViewSnapshotJson::graphFrom(ViewSnapshotJson::graphNeighbourhood(small, inc), &error);
    QVERIFY(whole);
    QCOMPARE(whole->nodeCount(), 3); // small graphs are drawn, so kept, whole
    QCOMPARE(whole->kind(u"postgres"_s), u"database"_s);
    QVERIFY(!ViewSnapshotJson::graphFrom("{not json", &error));
}

void TestHistory::metricsSnapshotRoundTrips()
{
    IncidentMetricsResult r;
    r.incidentKey = u"k"_s;
    r.start = at(2024, 7, 1, 10);
    r.end = at(2024, 7, 1, 11);
    r.stepSeconds = 15;
    IncidentMetricsResult::Series s;
    s.service = u"db"_s;
    s.templateId = u"saturation"_s;
    s.noun = u"connections"_s;
    s.kind = IncidentMetricsResult::Kind::Saturation;
    for (int i = 0; i < 240; ++i)
        s.points.append({r.start.toMSecsSinceEpoch() + i * 15'000, double(i % 7)});
    s.hasOnset = true;
    s.onsetMsecs = r.start.toMSecsSinceEpoch() + 600'000;
    r.series << s;
    r.evidence << IncidentMetricsResult::RootEvidence{u"db"_s, u"connections"_s, {u"db saturated first"_s}, {}, 0.7};
    QString error;
    const auto back = ViewSnapshotJson::metricsFrom(ViewSnapshotJson::metrics(r, 50), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->incidentKey, u"k"_s);
    QCOMPARE(back->start, r.start);
    QCOMPARE(back->end, r.end);
    QCOMPARE(back->series.size(), 1);
    const auto& got = back->series.constFirst();
    QCOMPARE(got.noun, u"connections"_s);
    QVERIFY(got.hasOnset);
    QCOMPARE(got.onsetMsecs, s.onsetMsecs);
    QVERIFY2(got.points.size() <= 2 * 50 + 2 && got.points.size() >= 50,
             qPrintable(QString::number(got.points.size())));
    QCOMPARE(back->evidence.constFirst().evidence, QStringList{u"db saturated first"_s});
    QVERIFY(!ViewSnapshotJson::metricsFrom("[]", &error));
}

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
