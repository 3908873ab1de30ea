// A big delivery cut while `nightwatch-cli serve` stores it in chunks, then sent again, is counted once: each chunk's
// commit records in the delivery journal how far the body got, and the resend stores only the rest. Cut by SIGKILL
// after a chosen number of committed chunks, or by SIGTERM while another process holds the database's write lock
// (the body cannot finish within the shutdown's answer window: 503 with part of it committed). Afterwards every alert
// of the body has one notification, a delivery count of 1 and no flap, as if it had been sent once. A resend of a
// body already stored whole (its 200 lost) stores nothing within the resend window; the same body after the window
// is a new notification and counts again. So does a small delivery's (it commits whole with its journal row): a
// small body whose commit is in the database when the server is killed with SIGKILL, sent again to the restarted
// server, is answered 200 and stored once.

#include "store/store.h"

#include "../serveprocess.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QThread>

#include <csignal>

using namespace Qt::StringLiterals;

namespace {

constexpr int kChunk = 2'500; // Pipeline::Options::chunkAlerts, as serve runs it

// A second connection to serve's database file, as another process would open it.
class RawDb
{
public:
    explicit RawDb(const QString& path, int busyTimeoutMs = 10'000) : m_name(u"resume-raw-%1"_s.arg(++s_count))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(busyTimeoutMs));
        m_ok = db.open();
    }
    ~RawDb()
    {
        QSqlDatabase::database(m_name).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool isOpen() const { return m_ok; }
    QSqlQuery query(const QString& sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        q.exec(sql);
        return q;
    }
    // How many alerts of a big delivery the journal shows committed (0: no row yet).
    qint64 journaled() const
    {
        QSqlQuery q = query(u"SELECT coalesce(max(stored), 0) FROM delivery_journal"_s);
        return q.next() ? q.value(0).toLongLong() : 0;
    }

private:
    static inline int s_count = 0;
    QString m_name;
    bool m_ok = false;
};

struct Counts
{
    QHash<QString, int> notifications; // by alertname
    QHash<QString, qint64> deliveries; // alerts.notification_count by alertname
    qint64 flaps = 0;                  // summed over the alert rows
};

Counts countsOf(const QString& db)
{
    Counts c;
    Store store(u"resume-reader"_s);
    QString why;
    if (!store.open(db, &why, Store::OpenMode::ReadOnly))
        qFatal("cannot open %s: %s", qPrintable(db), qPrintable(why));
    for (const Alert& a : store.loadNotifications(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC)))
        ++c.notifications[a.labels.value(u"alertname"_s)];
    store.close();
    RawDb raw(db);
    QSqlQuery q = raw.query(u"SELECT labels ->> 'alertname', notification_count, flap_count FROM alerts"_s);
    while (q.next()) {
        c.deliveries.insert(q.value(0).toString(), q.value(1).toLongLong());
        c.flaps += q.value(2).toLongLong();
    }
    return c;
}

// The first alert of a delivery (compactDelivery(delivery, alerts)) not stored `expected` times with that delivery
// count, described; empty when there is none.
QString miscounted(const Counts& c, int delivery, int alerts, int expected = 1)
{
    for (int k = 0; k < alerts; ++k) {
        const QString name = testsupport::alertName(delivery, k);
        if (c.notifications.value(name) != expected || c.deliveries.value(name) != expected)
            return u"%1: %2 notifications, delivery count %3, expected %4"_s.arg(name)
                .arg(c.notifications.value(name))
                .arg(c.deliveries.value(name))
                .arg(expected);
    }
    return {};
}

// Posts body and waits for the answer: its HTTP status (0: no answer, the connection died).
int post(QNetworkAccessManager& nam, const QUrl& url, const QByteArray& body, int timeoutMs = 60'000)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(timeoutMs);
    QNetworkReply* reply = nam.post(request, body);
    QDeadlineTimer deadline(timeoutMs + 5'000);
    while (!reply->isFinished() && !deadline.hasExpired())
        QTest::qWait(5);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

bool stopServe(testsupport::ServeProcess& serve)
{
    ::kill(pid_t(serve.process->processId()), SIGTERM);
    return serve.process->waitForFinished(15'000) && serve.process->exitStatus() == QProcess::NormalExit &&
           serve.process->exitCode() == 0;
}

} // namespace

class TestResumeDelivery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resendAfterCutCountsOnce_data();
    void resendAfterCutCountsOnce();
    void resendOfStoredBody_data();
    void resendOfStoredBody();
    void smallDeliveryCommittedThenKilled_data();
    void smallDeliveryCommittedThenKilled();
};

void TestResumeDelivery::resendAfterCutCountsOnce_data()
{
    QTest::addColumn<int>("signal");
    QTest::addColumn<int>("cutAfter"); // alerts committed (whole chunks) when the cut comes, at least
    QTest::addRow("SIGKILL after 1 chunk") << int(SIGKILL) << kChunk;
    QTest::addRow("SIGKILL after 4 chunks") << int(SIGKILL) << 4 * kChunk;
    QTest::addRow("SIGKILL after 7 chunks") << int(SIGKILL) << 7 * kChunk;
    QTest::addRow("SIGTERM after 1 chunk") << int(SIGTERM) << kChunk;
    QTest::addRow("SIGTERM after 5 chunks") << int(SIGTERM) << 5 * kChunk;
}

void TestResumeDelivery::resendAfterCutCountsOnce()
{
    QFETCH(int, signal);
    QFETCH(int, cutAfter);
    constexpr int alerts = 8 * kChunk; // 20,000 alerts, 1.9 MB
    QTemporaryDir dir;
    QString db;
    testsupport::ServeProcess serve;
    QString why;
    const QByteArray body = testsupport::compactDelivery(1, alerts);
    QNetworkAccessManager nam;
    // A SIGTERM cut needs the write lock taken between two of serve's chunk commits. On a loaded machine this test
    // can miss every gap and the body is stored whole: then that try proves nothing and starts over on a new file.
    constexpr int kTries = 4;
    int tries = 1;
    for (;; ++tries) {
        db = dir.filePath(u"resume-%1.sqlite"_s.arg(tries));
        QVERIFY2(serve.start(db, &why), qPrintable(why));
        RawDb raw(db);
        QVERIFY(raw.isOpen());
        QNetworkRequest request(serve.url());
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setTransferTimeout(60'000);
        QNetworkReply* reply = nam.post(request, body);
        QDeadlineTimer deadline(60'000);
        while (raw.journaled() < cutAfter && !reply->isFinished() && !deadline.hasExpired())
            QTest::qWait(2);
        QVERIFY2(!reply->isFinished(), "the body was answered before the cut: nothing to resume");
        if (signal == SIGKILL) {
            ::kill(pid_t(serve.process->processId()), SIGKILL);
            QVERIFY(serve.process->waitForFinished(10'000));
            reply->deleteLater();
            break;
        }
        // Another process takes the write lock: no chunk can commit any more, and the stop's answer window passes
        // with the body half stored. Serve commits its prepared chunks back to back, with microseconds between a
        // commit and the next chunk's begin; SQLite's busy handler sleeps 1 ms, then longer, between its tries and
        // so can miss every gap until the body is done. Trying again at once takes the lock in the first gaps.
        RawDb locker(db, 0);
        QVERIFY(locker.isOpen());
        bool locked = false;
        while (!locked && !reply->isFinished() && !deadline.hasExpired())
            locked = !locker.query(u"BEGIN IMMEDIATE"_s).lastError().isValid();
        if (!locked || raw.journaled() == alerts) {
            QVERIFY2(tries < kTries, "the body was stored whole before the write lock could be taken, every try");
            if (locked)
                locker.query(u"ROLLBACK"_s);
            QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 15'000);
            reply->deleteLater();
            QVERIFY2(stopServe(serve), serve.output.right(2000).constData());
            continue;
        }
        ::kill(pid_t(serve.process->processId()), SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 15'000);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 503);
        reply->deleteLater();
        locker.query(u"ROLLBACK"_s);
        QVERIFY(serve.process->waitForFinished(15'000));
        QCOMPARE(serve.process->exitStatus(), QProcess::NormalExit);
        break;
    }
    RawDb raw(db);
    const qint64 cutAt = raw.journaled();
    const qint64 storedAtCut = countsOf(db).notifications.size();
    QCOMPARE(storedAtCut, cutAt); // the journal row commits with its chunk: it names exactly what is stored
    QVERIFY2(cutAt >= cutAfter && cutAt < alerts, qPrintable(QString::number(cutAt)));

    // The sender sends the same body again, to the restarted receiver.
    QVERIFY2(serve.start(db, &why), qPrintable(why));
    QCOMPARE(post(nam, serve.url(), body), 200);
    QVERIFY2(stopServe(serve), serve.output.right(2000).constData());
    std::printf("%s: cut with %lld of %d alerts committed (try %d); the resend stored the rest\n",
                signal == SIGKILL ? "SIGKILL" : "SIGTERM", qlonglong(cutAt), alerts, tries);
    std::fflush(stdout);

    const Counts c = countsOf(db);
    QCOMPARE(c.notifications.size(), qsizetype(alerts));
    QCOMPARE(c.deliveries.size(), qsizetype(alerts));
    const QString wrong = miscounted(c, 1, alerts);
    QVERIFY2(wrong.isEmpty(), qPrintable(u"%1 (cut at %2)"_s.arg(wrong).arg(cutAt)));
    QCOMPARE(c.flaps, 0);
}

void TestResumeDelivery::resendOfStoredBody_data()
{
    QTest::addColumn<int>("alerts");       // in the body: more than kChunk is a big one, stored in chunks
    QTest::addColumn<bool>("afterWindow"); // the journal row is older than the resend window when it comes again
    QTest::addColumn<int>("expected");     // notifications per alert in the end
    QTest::addRow("big: lost 200, resent at once") << 3 * kChunk << false << 1;
    QTest::addRow("big: same body after the resend window") << 3 * kChunk << true << 2;
    QTest::addRow("small: lost 200, resent at once") << 5 << false << 1;
    QTest::addRow("the largest small: lost 200, resent at once") << kChunk << false << 1;
    QTest::addRow("small: same body after the resend window") << 5 << true << 2;
}

void TestResumeDelivery::resendOfStoredBody()
{
    QFETCH(int, alerts);
    QFETCH(bool, afterWindow);
    QFETCH(int, expected);
    QTemporaryDir dir;
    const QString db = dir.filePath(u"resend.sqlite"_s);
    testsupport::ServeProcess serve;
    QString why;
    QVERIFY2(serve.start(db, &why), qPrintable(why));
    const QByteArray body = testsupport::compactDelivery(2, alerts);
    QNetworkAccessManager nam;
    QCOMPARE(post(nam, serve.url(), body), 200);
    QVERIFY2(stopServe(serve), serve.output.right(2000).constData());
    if (afterWindow) { // an hour passes: far beyond Alertmanager's retries (see Pipeline::Options::resendWindowMs)
        RawDb raw(db);
        QSqlQuery q = raw.query(u"UPDATE delivery_journal SET updated_at = updated_at - 3600000"_s);
        QVERIFY2(!q.lastError().isValid(), qPrintable(q.lastError().text()));
        QCOMPARE(q.numRowsAffected(), 1);
    }

    QVERIFY2(serve.start(db, &why), qPrintable(why));
    QCOMPARE(post(nam, serve.url(), body), 200);
    QVERIFY2(stopServe(serve), serve.output.right(2000).constData());

    const Counts c = countsOf(db);
    QCOMPARE(c.notifications.size(), qsizetype(alerts));
    const QString wrong = miscounted(c, 2, alerts, expected);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    QCOMPARE(c.flaps, 0);
}

void TestResumeDelivery::smallDeliveryCommittedThenKilled_data()
{
    QTest::addColumn<int>("alerts");
    QTest::addRow("1 alert") << 1;
    QTest::addRow("50 alerts") << 50;
    QTest::addRow("2,500 alerts: the largest small one") << kChunk;
}

// The moment a crash doubles a small delivery: its commit is in the database, its 200 has not reached the sender.
// The server is killed the moment another connection sees the commit (its journal row is in the same transaction),
// and whatever answer may have been on its way is thrown away unread, as a sender whose connection died with the
// server never sees it: deterministic, with no hook in the server, whether the 200 was written yet or not.
void TestResumeDelivery::smallDeliveryCommittedThenKilled()
{
    QFETCH(int, alerts);
    QTemporaryDir dir;
    const QString db = dir.filePath(u"killed.sqlite"_s);
    testsupport::ServeProcess serve;
    QString why;
    QVERIFY2(serve.start(db, &why), qPrintable(why));
    RawDb raw(db);
    QVERIFY(raw.isOpen());
    const QByteArray body = testsupport::compactDelivery(3, alerts);

    // Written by hand on a plain socket that is never read: no answer can reach this sender.
    QTcpSocket sender;
    sender.connectToHost(QHostAddress::LocalHost, serve.port);
    QVERIFY(sender.waitForConnected(10'000));
    sender.write("POST " + serve.url().path().toLatin1() +
                 " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Content-Type: application/json\r\nContent-Length: " +
                 QByteArray::number(body.size()) + "\r\n\r\n" + body);
    while (sender.bytesToWrite() > 0)
        QVERIFY(sender.waitForBytesWritten(10'000));
    QDeadlineTimer deadline(30'000);
    while (raw.journaled() < alerts && !deadline.hasExpired())
        QThread::usleep(500);
    QCOMPARE(raw.journaled(), qint64(alerts));
    ::kill(pid_t(serve.process->processId()), SIGKILL);
    QVERIFY(serve.process->waitForFinished(10'000));
    sender.abort();
    QCOMPARE(serve.process->exitStatus(), QProcess::CrashExit);
    QCOMPARE(countsOf(db).notifications.size(), qsizetype(alerts)); // committed whole before the kill

    // The sender saw no 200 and sends the same body to the restarted receiver: answered, nothing stored again.
    QVERIFY2(serve.start(db, &why), qPrintable(why));
    QNetworkAccessManager nam;
    QCOMPARE(post(nam, serve.url(), body), 200);
    QVERIFY2(stopServe(serve), serve.output.right(2000).constData());
    QVERIFY2(serve.output.contains("stored by an earlier attempt"), serve.output.right(2000).constData());

    const Counts c = countsOf(db);
    QCOMPARE(c.notifications.size(), qsizetype(alerts));
    const QString wrong = miscounted(c, 3, alerts);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
    QCOMPARE(c.flaps, 0);
}

QTEST_GUILESS_MAIN(TestResumeDelivery)
#include "tst_resume_delivery.moc"
