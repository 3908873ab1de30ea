// ConsoleRuntime's receiver end to end: real HTTP on loopback, the webhook and pipeline threads, a real SQLite
// file. Every 200 must already be in the database when it arrives, a malformed delivery among concurrent good
// ones is a 400 that stores nothing and costs the others nothing, and a client that hangs up before its answer
// loses nothing.

#include "pipeline/consoleruntime.h"
#include "pipeline/pipeline.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QThread>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

using namespace Qt::StringLiterals;

namespace {

// One Alertmanager webhook of `count` firing alerts whose service names start with `prefix` (unique per delivery).
QByteArray delivery(const QString& prefix, int count)
{
    QJsonArray alerts;
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    for (int i = 0; i < count; ++i)
        alerts.append(QJsonObject{
            {u"status"_s, u"firing"_s},
            {u"labels"_s, QJsonObject{{u"alertname"_s, u"Err"_s}, {u"service"_s, u"%1-%2"_s.arg(prefix).arg(i)}}},
            {u"annotations"_s, QJsonObject{}},
            {u"startsAt"_s, now},
            {u"endsAt"_s, u"0001-01-01T00:00:00Z"_s}});
    return QJsonDocument(QJsonObject{{u"version"_s, u"4"_s}, {u"status"_s, u"firing"_s}, {u"alerts"_s, alerts}})
        .toJson(QJsonDocument::Compact);
}

QByteArray rawPost(const QByteArray& body)
{
    return "POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TestConsoleRuntime : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void concurrentDeliveriesAreStoredBeforeTheirAnswers_data();
    void concurrentDeliveriesAreStoredBeforeTheirAnswers();
    void clientHangingUpBeforeItsAnswerLosesNothing();
    void changeBatchIsStoredAllOrNothing_data();
    void changeBatchIsStoredAllOrNothing();
    void quitWithoutStopAnswersEveryDelivery_data();
    void quitWithoutStopAnswersEveryDelivery();
    void failedStartIsSaidOnTheCallersLoop_data();
    void failedStartIsSaidOnTheCallersLoop();

private:
    // Notifications in the database whose service starts with prefix, read through a connection of our own.
    int storedWithPrefix(const QString& prefix);
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1/api/v1/alerts/alertmanager"_s.arg(m_port)); }

    QTemporaryDir m_dir;
    std::unique_ptr<ConsoleRuntime> m_runtime;
    quint16 m_port = 0;
    QNetworkAccessManager m_nam;
};

void TestConsoleRuntime::init()
{
    ConsoleRuntime::Config config;
    static int run = 0; // a fresh database for every test and data row
    config.databasePath = m_dir.filePath(u"runtime-%1.sqlite"_s.arg(++run));
    config.webhookPort = 0;
    m_runtime = std::make_unique<ConsoleRuntime>(config);
    QSignalSpy listening(m_runtime.get(), &ConsoleRuntime::webhookListening);
    m_runtime->start();
    QVERIFY(listening.wait(20'000));
    m_port = listening.constFirst().constFirst().value<quint16>();
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"reader"_s);
    db.setDatabaseName(config.databasePath);
    QVERIFY(db.open());
}

void TestConsoleRuntime::cleanup()
{
    QSqlDatabase::database(u"reader"_s).close();
    QSqlDatabase::removeDatabase(u"reader"_s);
    m_runtime.reset();
    m_nam.clearConnectionCache();
}

int TestConsoleRuntime::storedWithPrefix(const QString& prefix)
{
    // The alerts table maps fingerprints to labels; the notifications table is the durable log of deliveries.
    QSqlQuery q(QSqlDatabase::database(u"reader"_s));
    q.prepare(u"SELECT COUNT(*) FROM notifications n JOIN alerts a ON a.fingerprint = n.fingerprint "
              "WHERE json_extract(a.labels, '$.service') LIKE ?"_s);
    q.addBindValue(prefix + u"-%"_s);
    if (!q.exec() || !q.next())
        return -1;
    return q.value(0).toInt();
}

void TestConsoleRuntime::changeBatchIsStoredAllOrNothing_data()
{
    QTest::addColumn<int>("events");
    QTest::addColumn<int>("refused"); // index of the event the database refuses; -1: none
    QTest::addRow("one") << 1 << -1;
    QTest::addRow("500 in one POST") << 500 << -1;
    QTest::addRow("the first refused") << 5 << 0;
    QTest::addRow("one in the middle refused") << 500 << 250;
    QTest::addRow("the last refused") << 5 << 4;
}

void TestConsoleRuntime::changeBatchIsStoredAllOrNothing()
{
    QFETCH(int, events);
    QFETCH(int, refused);
    // The database itself refuses one event of the batch (as a full disk or a constraint would), after the
    // receiver validated them all: the batch is one transaction, so none of it stays.
    QSqlQuery trigger(QSqlDatabase::database(u"reader"_s));
    QVERIFY2(trigger.exec(u"CREATE TRIGGER refuse_change BEFORE INSERT ON changes WHEN NEW.service = 'refused' "
                          "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"_s),
             qPrintable(trigger.lastError().text()));
    QJsonArray changes;
    const QString at = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    for (int i = 0; i < events; ++i)
        changes.append(QJsonObject{{u"service"_s, i == refused ? u"refused"_s : u"svc-%1"_s.arg(i)},
                                   {u"kind"_s, u"deploy"_s},
                                   {u"at"_s, at},
                                   {u"description"_s, u"release %1"_s.arg(i)}});
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/api/v1/changes"_s.arg(m_port)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply* reply = m_nam.post(request, QJsonDocument(QJsonObject{{u"changes"_s, changes}}).toJson());
    const auto storedChanges = [] {
        QSqlQuery q(QSqlDatabase::database(u"reader"_s));
        return q.exec(u"SELECT COUNT(*) FROM changes"_s) && q.next() ? q.value(0).toInt() : -1;
    };
    int storedWhenAnswered = -1;
    connect(reply, &QNetworkReply::finished, this, [&] { storedWhenAnswered = storedChanges(); });
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 20'000);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray answer = reply->readAll();
    reply->deleteLater();
    if (refused < 0) {
        QCOMPARE(status, 200);
        QCOMPARE(storedWhenAnswered, events); // committed before the answer
        QTRY_COMPARE_WITH_TIMEOUT(m_runtime->pipeline()->snapshot()->changes.size(), events, 10'000);
    } else {
        QCOMPARE(status, 503);
        QVERIFY2(answer.contains("refused by the test"), answer.constData());
        QCOMPARE(storedWhenAnswered, 0);
        QCOMPARE(storedChanges(), 0);
        QTest::qWait(m_runtime->config().refreshMs * 2); // a refresh would show what the pipeline took in
        QCOMPARE(m_runtime->pipeline()->snapshot()->changes.size(), 0);
    }
}

void TestConsoleRuntime::concurrentDeliveriesAreStoredBeforeTheirAnswers_data()
{
    QTest::addColumn<int>("deliveries");
    QTest::addColumn<QList<int>>("malformed"); // indexes of deliveries sent broken
    QTest::addRow("one") << 1 << QList<int>{};
    QTest::addRow("24 at once") << 24 << QList<int>{};
    QTest::addRow("24 at once, two malformed") << 24 << QList<int>{5, 17};
}

void TestConsoleRuntime::concurrentDeliveriesAreStoredBeforeTheirAnswers()
{
    QFETCH(int, deliveries);
    QFETCH(QList<int>, malformed);
    constexpr int alertsEach = 5;
    QNetworkRequest request(url());
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);

    struct Sent
    {
        QString prefix;
        bool broken;
        QNetworkReply* reply;
        int status = 0;
        int storedWhenAnswered = -1;
    };
    QList<Sent> sent;
    for (int i = 0; i < deliveries; ++i) {
        const QString prefix = u"d%1x"_s.arg(i); // no prefix of another
        QByteArray body = delivery(prefix, alertsEach);
        const bool broken = malformed.contains(i);
        if (broken) // the last alert's label value a number: the whole delivery is refused
            body.replace(u"\"%1-4\""_s.arg(prefix).toUtf8(), "4");
        sent.append(Sent{prefix, broken, m_nam.post(request, body)});
    }
    for (Sent& s : sent) {
        // Read the database the moment the answer is in: a 200 means its notifications are committed already.
        connect(s.reply, &QNetworkReply::finished, this, [this, &s] {
            s.status = s.reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            s.storedWhenAnswered = storedWithPrefix(s.prefix);
        });
    }
    for (Sent& s : sent)
        QTRY_VERIFY_WITH_TIMEOUT(s.reply->isFinished(), 20'000);

    for (const Sent& s : std::as_const(sent)) {
        if (s.broken) {
            QCOMPARE(s.status, 400);
            QVERIFY(s.reply->readAll().contains("must be a string"));
            QCOMPARE(storedWithPrefix(s.prefix), 0);
        } else {
            QCOMPARE(s.status, 200);
            QCOMPARE(s.storedWhenAnswered, alertsEach);
        }
        s.reply->deleteLater();
    }
    // The console shows them within refreshMs, like any other feed's.
    const qint64 expected = qint64(deliveries - malformed.size()) * alertsEach;
    QTRY_COMPARE_WITH_TIMEOUT(m_runtime->pipeline()->notificationCount(), expected, 10'000);
}

void TestConsoleRuntime::clientHangingUpBeforeItsAnswerLosesNothing()
{
    // Keep the pipeline busy so that no answer can be ready before the client leaves.
    QSemaphore busy;
    QMetaObject::invokeMethod(m_runtime->pipeline(), [&busy] { busy.acquire(); });

    QTcpSocket leaving;
    leaving.connectToHost(QHostAddress::LocalHost, m_port);
    QVERIFY(leaving.waitForConnected(5000));
    leaving.write(rawPost(delivery(u"gone"_s, 3)));
    QVERIFY(leaving.waitForBytesWritten(5000));
    // A delivery on another connection, sent after the first was written: once the receiver has read this one it
    // has read the first too (both are handed to the busy pipeline and wait).
    QNetworkRequest request(url());
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply* staying = m_nam.post(request, delivery(u"stay"_s, 2));
    QTest::qWait(300);
    leaving.abort();
    QTest::qWait(100);
    QVERIFY(!staying->isFinished());
    busy.release();

    QTRY_VERIFY_WITH_TIMEOUT(staying->isFinished(), 20'000);
    QCOMPARE(staying->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(storedWithPrefix(u"stay"_s), 2);
    // Nobody was left to answer, but what was received is stored all the same.
    QTRY_COMPARE_WITH_TIMEOUT(storedWithPrefix(u"gone"_s), 3, 10'000);
    // And the receiver goes on serving.
    QNetworkReply* next = m_nam.post(request, delivery(u"next"_s, 1));
    QTRY_VERIFY_WITH_TIMEOUT(next->isFinished(), 20'000);
    QCOMPARE(next->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    delete staying;
    delete next;
}

void TestConsoleRuntime::quitWithoutStopAnswersEveryDelivery_data()
{
    QTest::addColumn<int>("busyMs");   // the pipeline is busy this long after the quit begins
    QTest::addColumn<int>("status");   // what every delivery in flight is answered
    QTest::addColumn<int>("stored");   // alerts of each then in the store
    QTest::addRow("stored within the answer window") << 1'000 << 200 << 3;
    QTest::addRow("not begun within the answer window") << 6'500 << 503 << 0;
}

// The console's Quit destroys its runtime without stop(): the deliveries in flight are still answered (200 once
// stored, else 503 and nothing stored, so the sender's retry doubles nothing), and it is gone within the 10 s.
void TestConsoleRuntime::quitWithoutStopAnswersEveryDelivery()
{
    QFETCH(int, busyMs);
    QFETCH(int, status);
    QFETCH(int, stored);
    QSemaphore busy;
    QMetaObject::invokeMethod(m_runtime->pipeline(), [&busy] { busy.acquire(); });
    std::vector<std::unique_ptr<QTcpSocket>> senders;
    for (int i = 0; i < 3; ++i) {
        auto s = std::make_unique<QTcpSocket>();
        s->connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(s->waitForConnected(5'000));
        s->write(rawPost(delivery(u"quit%1"_s.arg(i), 3)));
        QVERIFY(s->waitForBytesWritten(5'000));
        senders.push_back(std::move(s));
    }
    QTest::qWait(300); // read and handed to the busy pipeline

    std::thread releaser([&busy, busyMs] {
        std::this_thread::sleep_for(std::chrono::milliseconds(busyMs));
        busy.release();
    });
    QElapsedTimer quitting;
    quitting.start();
    m_runtime.reset(); // what the window's Quit does
    const qint64 quitMs = quitting.elapsed();
    releaser.join();
    std::printf("quit with deliveries in flight, pipeline busy %d ms: gone after %lld ms\n", busyMs,
                qlonglong(quitMs));
    QVERIFY2(quitMs < 10'000, qPrintable(QString::number(quitMs)));
    for (int i = 0; i < 3; ++i) {
        QTcpSocket& s = *senders[size_t(i)];
        QByteArray answer = s.readAll();
        while (!answer.contains("\r\n\r\n") && s.waitForReadyRead(2'000))
            answer += s.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 " + QByteArray::number(status)), answer.left(300).constData());
        QCOMPARE(storedWithPrefix(u"quit%1"_s.arg(i)), stored);
    }
}

void TestConsoleRuntime::failedStartIsSaidOnTheCallersLoop_data()
{
    QTest::addColumn<QByteArray>("fileContent"); // empty: the path is a directory
    QTest::addColumn<QString>("reason");
    QTest::newRow("a directory") << QByteArray() << u"cannot open database"_s;
    QTest::newRow("not a database") << QByteArray(8192, 'x') << u"is damaged"_s;
}

void TestConsoleRuntime::failedStartIsSaidOnTheCallersLoop()
{
    // serve quits from its started() handler. Said on the pipeline's thread, a store that failed at once could quit
    // before serve's event loop ran; Qt ignores that quit, and serve never exited (seen on a damaged database).
    QFETCH(QByteArray, fileContent);
    QFETCH(QString, reason);
    ConsoleRuntime::Config config;
    config.databasePath = m_dir.filePath(u"unusable-%1"_s.arg(QLatin1StringView(QTest::currentDataTag())));
    if (fileContent.isEmpty()) {
        QVERIFY(QDir().mkpath(config.databasePath));
    } else {
        QFile file(config.databasePath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(fileContent);
    }
    config.webhookPort = 0;
    ConsoleRuntime runtime(config);
    std::atomic<QThread*> saidOn = nullptr;
    QString said;
    QObject::connect(&runtime, &ConsoleRuntime::started, [&](bool ok, const QString& error) { // no context object
        said = ok ? u"ok"_s : error;
        saidOn = QThread::currentThread();
    });
    runtime.start();
    QThread::msleep(500); // the pipeline's thread tries the file meanwhile; this loop does not run
    QCOMPARE(saidOn.load(), nullptr);
    QTRY_VERIFY(saidOn.load() != nullptr);
    QCOMPARE(saidOn.load(), QThread::currentThread());
    QVERIFY2(said.contains(reason), qPrintable(said));
}

QTEST_GUILESS_MAIN(TestConsoleRuntime)
#include "tst_consoleruntime.moc"
