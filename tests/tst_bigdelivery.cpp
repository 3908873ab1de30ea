// Tests for one big webhook delivery end to end: the receiver parses it, the pipeline stores it in chunks in a real
// SQLite file. A body that proves malformed after any number of well-formed alerts is answered 400 and leaves nothing
// in the store (it is read and checked whole before its first chunk is stored); sent again corrected it is stored
// whole, once. A good body is stored whole whatever the chunk size (tst_pipeline compares the contents).

#include "graph/servicegraph.h"
#include "ingest/webhookserver.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

constexpr int kAlerts = 3'000;

QByteArray alertObject(int i)
{
    return R"({"status":"firing","labels":{"alertname":"Big)" + QByteArray::number(i) + R"(","service":"svc-)" +
           QByteArray::number(i % 50) + R"("},"startsAt":"2026-11-27T23:47:00.123Z"})";
}

// kAlerts alerts; the one at badAt (if any) replaced by bad, or the body cut there when bad is empty.
QByteArray body(int badAt = -1, const QByteArray& bad = {})
{
    QByteArray alerts;
    for (int i = 0; i < kAlerts; ++i) {
        if (i)
            alerts += ',';
        if (i == badAt) {
            if (bad.isEmpty())
                return R"({"version":"4","alerts":[)" + alerts; // cut short in the middle of the array
            alerts += bad;
            continue;
        }
        alerts += alertObject(i);
    }
    return R"({"version":"4","status":"firing","receiver":"nw","alerts":[)" + alerts + "]}";
}

// A pipeline on a worker thread (as serve runs it) fed by a receiver on another.
class Receiver
{
public:
    Receiver(const QString& db, int chunkAlerts)
    {
        m_pipeline->moveToThread(&m_pipelineThread);
        QObject::connect(&m_pipelineThread, &QThread::finished, m_pipeline, &QObject::deleteLater);
        m_pipelineThread.start();
        Pipeline::Options o;
        o.databasePath = db;
        o.graph = std::make_shared<ServiceGraph>();
        o.chunkAlerts = chunkAlerts;
        o.refreshMs = 100;
        QString error;
        m_opened = m_pipeline->open(o, &error);
        if (!m_opened)
            qWarning("pipeline: %s", qPrintable(error));

        WebhookServer::Options so;
        so.port = 0;
        m_server = new WebhookServer(m_pipeline, so);
        m_server->moveToThread(&m_serverThread);
        QObject::connect(&m_serverThread, &QThread::finished, m_server, &QObject::deleteLater);
        m_serverThread.start();
        bool ok = false;
        QMetaObject::invokeMethod(m_server, &WebhookServer::start, Qt::BlockingQueuedConnection, &ok);
        m_port = ok ? m_server->serverPort() : 0;
    }
    ~Receiver()
    {
        QMetaObject::invokeMethod(m_server, &WebhookServer::stop, Qt::BlockingQueuedConnection);
        m_serverThread.quit();
        m_serverThread.wait();
        m_pipelineThread.quit();
        m_pipelineThread.wait();
    }

    bool isUp() const { return m_opened && m_port != 0; }

    // The status and the JSON answer.
    std::pair<int, QJsonObject> post(const QByteArray& payload)
    {
        QNetworkRequest req(QUrl(u"http://127.0.0.1:%1/api/v1/alerts/alertmanager"_s.arg(m_port)));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        req.setTransferTimeout(60'000);
        QNetworkReply* reply = m_nam.post(req, payload);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(65'000);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return {status, answer};
    }

private:
    QThread m_pipelineThread;
    QThread m_serverThread;
    Pipeline* m_pipeline = new Pipeline;
    WebhookServer* m_server = nullptr;
    quint16 m_port = 0;
    bool m_opened = false;
    QNetworkAccessManager m_nam;
};

// The notifications in the file, by a reader of its own: what a restart would find.
qint64 storedNotifications(const QString& db)
{
    Store reader(u"bigdelivery-reader"_s);
    QString error;
    if (!reader.open(db, &error, Store::OpenMode::ReadOnly)) {
        qWarning("reader: %s", qPrintable(error));
        return -1;
    }
    return reader.notificationCount();
}

} // namespace

class TestBigDelivery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void malformedLateStoresNothing_data();
    void malformedLateStoresNothing();
    void goodBodyStoredWholeInAnyChunkSize_data();
    void goodBodyStoredWholeInAnyChunkSize();

private:
    QTemporaryDir m_dir;
};

void TestBigDelivery::malformedLateStoresNothing_data()
{
    QTest::addColumn<int>("chunkAlerts");
    QTest::addColumn<int>("badAt");
    QTest::addColumn<QByteArray>("bad");
    QTest::addColumn<QString>("reason");
    // Past the first chunks: had the chunks before the bad alert been stored as they were read, they would be in the
    // store although the sender was told 400 (and would not send them again).
    QTest::addRow("bad timestamp in the last alert, chunks of 100")
        << 100 << kAlerts - 1
        << QByteArray(R"({"status":"firing","labels":{"alertname":"X"},"startsAt":"yesterday"})")
        << u"alerts[2999].startsAt"_s;
    QTest::addRow("no labels halfway, chunks of 250")
        << 250 << kAlerts / 2 << QByteArray(R"({"status":"firing","startsAt":"2026-11-27T23:47:00Z"})")
        << u"alerts[1500].labels"_s;
    QTest::addRow("a number for an alert after 2,600, chunks of 1,000")
        << 1'000 << 2'600 << QByteArray("42") << u"alerts[2600]"_s;
    QTest::addRow("body cut short after 2,900 alerts, chunks of 500") << 500 << 2'900 << QByteArray() << QString();
    QTest::addRow("bad JSON after 2,999 alerts, one piece") << 0 << kAlerts - 1 << QByteArray("{\"status\":}")
                                                            << QString();
}

void TestBigDelivery::malformedLateStoresNothing()
{
    QFETCH(int, chunkAlerts);
    QFETCH(int, badAt);
    QFETCH(QByteArray, bad);
    QFETCH(QString, reason);
    const QString db = m_dir.filePath(u"malformed-%1-%2.sqlite"_s.arg(chunkAlerts).arg(badAt));
    {
        Receiver receiver(db, chunkAlerts);
        QVERIFY(receiver.isUp());
        const auto [status, answer] = receiver.post(body(badAt, bad));
        QCOMPARE(status, 400);
        const QString error = answer.value(u"error"_s).toString();
        QVERIFY2(!error.isEmpty() && error.contains(reason), qPrintable(error));
        QCOMPARE(storedNotifications(db), qint64(0));

        // Corrected and sent again: all of it, once.
        QCOMPARE(receiver.post(body()).first, 200);
        QCOMPARE(storedNotifications(db), qint64(kAlerts));
    }
    QCOMPARE(storedNotifications(db), qint64(kAlerts));
}

void TestBigDelivery::goodBodyStoredWholeInAnyChunkSize_data()
{
    QTest::addColumn<int>("chunkAlerts");
    QTest::addColumn<int>("afterRetry"); // notifications stored once the sender sent it again
    // In one piece its one commit writes its journal row (stored whole), in chunks the last chunk's does: either
    // way the retry (its 200 was lost) adds nothing.
    QTest::addRow("one piece") << 0 << kAlerts;
    QTest::addRow("chunks of 1") << 1 << kAlerts;
    QTest::addRow("chunks of 299") << 299 << kAlerts;
    QTest::addRow("chunks of 2,999: the last holds one") << kAlerts - 1 << kAlerts;
}

void TestBigDelivery::goodBodyStoredWholeInAnyChunkSize()
{
    QFETCH(int, chunkAlerts);
    QFETCH(int, afterRetry);
    const QString db = m_dir.filePath(u"chunks-%1.sqlite"_s.arg(chunkAlerts));
    {
        Receiver receiver(db, chunkAlerts);
        QVERIFY(receiver.isUp());
        const auto [status, answer] = receiver.post(body());
        QCOMPARE(status, 200);
        QCOMPARE(answer.value(u"accepted"_s).toInt(), kAlerts);
        QCOMPARE(storedNotifications(db), qint64(kAlerts));
        // A retry (the sender did not see the 200), within the resend window.
        QCOMPARE(receiver.post(body()).first, 200);
        QCOMPARE(storedNotifications(db), qint64(afterRetry));
    }
    QCOMPARE(storedNotifications(db), qint64(afterRetry));
}

QTEST_GUILESS_MAIN(TestBigDelivery)
#include "tst_bigdelivery.moc"
