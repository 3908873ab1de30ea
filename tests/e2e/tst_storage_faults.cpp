// `nightwatch-cli serve` when its SQLite file misbehaves: locked by another process at start (a clear
// error, not "damaged"), locked while serving and a full disk (RLIMIT_FSIZE on the serve child): senders
// get 503 with the reason, the server stays up, health answers, and it stores again once the fault clears.

#include "store/store.h"

#include "../serveprocess.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <csignal>
#include <sys/resource.h>

using namespace Qt::StringLiterals;

class TestStorageFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lockedAtStartIsSaidSo();
    void lockedWhileServingAnswers503ThenRecovers();
    void diskFullAnswers503AndStaysUp();

private:
    int post(const QUrl& url, const QByteArray& body, QByteArray* answer, bool get = false);
    // Another process's exclusive lock (our own connection, outside any Store).
    bool lock(const QString& db);
    void unlock();
    QNetworkAccessManager m_nam;
};

int TestStorageFaults::post(const QUrl& url, const QByteArray& body, QByteArray* answer, bool get)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(30'000);
    QNetworkReply* reply = get ? m_nam.get(request) : m_nam.post(request, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(30'000);
    *answer = reply->readAll();
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

bool TestStorageFaults::lock(const QString& db)
{
    QSqlDatabase c = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"locker"_s);
    c.setDatabaseName(db);
    return c.open() && QSqlQuery(c).exec(u"CREATE TABLE IF NOT EXISTS other_tool(x)"_s) &&
           QSqlQuery(c).exec(u"BEGIN EXCLUSIVE"_s);
}

void TestStorageFaults::unlock()
{
    {
        QSqlDatabase c = QSqlDatabase::database(u"locker"_s);
        QSqlQuery(c).exec(u"ROLLBACK"_s);
        c.close();
    }
    QSqlDatabase::removeDatabase(u"locker"_s);
}

void TestStorageFaults::lockedAtStartIsSaidSo()
{
    QTemporaryDir dir;
    // A rollback-journal file (WAL would let the reader through): what another tool may hold exclusively.
    const QString db = dir.filePath(u"locked.sqlite"_s);
    QVERIFY(lock(db));
    testsupport::ServeProcess serve;
    QString why;
    QVERIFY(!serve.start(db, &why));
    QTRY_COMPARE_WITH_TIMEOUT(serve.process->state(), QProcess::NotRunning, 20'000);
    unlock();
    QCOMPARE(serve.process->exitCode(), 2);
    QVERIFY2(serve.output.contains("is locked by another process") && !serve.output.contains("damaged"),
             serve.output.constData());
}

void TestStorageFaults::lockedWhileServingAnswers503ThenRecovers()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"serve.sqlite"_s);
    testsupport::ServeProcess serve;
    QString why;
    QVERIFY2(serve.start(db, &why), qPrintable(why));
    QByteArray answer;
    QCOMPARE(post(serve.url(), testsupport::alertmanagerDelivery(1, 5), &answer), 200);
    QVERIFY(lock(db));
    const int locked = post(serve.url(), testsupport::alertmanagerDelivery(2, 5), &answer); // after the busy timeout
    QCOMPARE(locked, 503);
    QVERIFY2(answer.contains("not stored") && answer.contains("locked"), answer.constData());
    // Known to be locked now: the next sender is not held for another busy timeout (5 s) but told at once, and its
    // delivery leaves nothing behind either.
    QElapsedTimer again;
    again.start();
    const int stillLocked = post(serve.url(), testsupport::alertmanagerDelivery(4, 5), &answer);
    const qint64 againMs = again.elapsed();
    unlock();
    std::printf("locked: second delivery answered %d after %lld ms\n", stillLocked, qlonglong(againMs));
    QCOMPARE(stillLocked, 503);
    QVERIFY2(answer.contains("locked"), answer.constData());
    QVERIFY2(againMs < 2'500, qPrintable(QString::number(againMs))); // half the busy timeout it used to wait
    QCOMPARE(serve.process->state(), QProcess::Running);
    QCOMPARE(post(serve.url(), testsupport::alertmanagerDelivery(3, 5), &answer), 200); // the fault cleared
    ::kill(pid_t(serve.process->processId()), SIGTERM);
    QTRY_COMPARE_WITH_TIMEOUT(serve.process->state(), QProcess::NotRunning, 10'000);
    QCOMPARE(serve.process->exitCode(), 0);
    Store store(u"faults-locked"_s);
    QVERIFY2(store.open(db, &why, Store::OpenMode::ReadOnly), qPrintable(why));
    QCOMPARE(store.notificationCount(), 10); // deliveries 1 and 3; the refused one left nothing behind
}

void TestStorageFaults::diskFullAnswers503AndStaysUp()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"full.sqlite"_s);
    testsupport::ServeProcess serve;
    // A file system that fills up: every file the server writes stops growing at 600 KB. SIGXFSZ ignored, so
    // a write fails with EFBIG as on a full disk instead of killing the process.
    serve.childSetup = [] {
        ::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{600'000, 600'000};
        ::setrlimit(RLIMIT_FSIZE, &limit);
    };
    QString why;
    QVERIFY2(serve.start(db, &why), qPrintable(why));
    QByteArray answer;
    int status = 200;
    int stored = 0;
    for (int id = 0; id < 200 && status == 200; ++id) {
        status = post(serve.url(), testsupport::alertmanagerDelivery(id, 100), &answer);
        stored += status == 200;
    }
    std::printf("disk full after %d deliveries of 100 alerts: %d %s\n", stored, status, answer.constData());
    QVERIFY(stored > 0);
    QCOMPARE(status, 503);
    QVERIFY2(answer.contains("not stored"), answer.constData());
    QCOMPARE(serve.process->state(), QProcess::Running);
    QCOMPARE(post(serve.url("/healthz"), {}, &answer, true), 200);
    QCOMPARE(post(serve.url(), testsupport::alertmanagerDelivery(1000, 100), &answer), 503); // still refused, no crash
    ::kill(pid_t(serve.process->processId()), SIGTERM);
    QTRY_COMPARE_WITH_TIMEOUT(serve.process->state(), QProcess::NotRunning, 10'000);
    QCOMPARE(serve.process->exitStatus(), QProcess::NormalExit);
    // What was acknowledged is readable afterwards.
    Store store(u"faults-full"_s);
    QVERIFY2(store.open(db, &why, Store::OpenMode::ReadOnly), qPrintable(why));
    QCOMPARE(store.notificationCount(), qint64(stored) * 100);
}

QTEST_GUILESS_MAIN(TestStorageFaults)
#include "tst_storage_faults.moc"
