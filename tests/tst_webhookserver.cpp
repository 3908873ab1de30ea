// Tests for WebhookServer: the HTTP contract (200 only after the sink stored, 400/401/413/503 with
// JSON reasons), its limits (body size, half-open clients) and that it serves from a worker thread.

#include "ingest/alertsink.h"
#include "ingest/changesink.h"
#include "ingest/webhookserver.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

// Records every batch; can be told to fail, or to block until released (to observe ordering).
class FakeSink : public AlertSink
{
public:
    bool submit(const AlertBatch& batch, QString* error) override
    {
        entered.release();
        if (blocking)
            gate.acquire();
        if (fail) {
            *error = u"disk full"_s;
            return false;
        }
        {
            QMutexLocker lock(&mutex);
            batches.append(batch);
        }
        returned.store(true); // the last thing before returning
        return true;
    }
    QList<AlertBatch> recorded()
    {
        QMutexLocker lock(&mutex);
        return batches;
    }

    std::atomic<bool> fail{false};
    std::atomic<bool> blocking{false};
    std::atomic<bool> returned{false};
    QSemaphore gate;
    QSemaphore entered;
    QMutex mutex;
    QList<AlertBatch> batches;
};

// Stores at once but reports back only when the test says so, as a sink that commits on another thread would:
// the receiver must not answer a delivery before its report.
class DeferredSink : public AlertSink
{
public:
    bool submit(const AlertBatch&, QString* error) override
    {
        *error = u"only submitDeferred is expected"_s;
        return false;
    }
    void submitDeferred(AlertBatch batch, Stored done) override
    {
        QMutexLocker lock(&mutex);
        batches.append(batch);
        waiting.append(std::move(done));
        entered.release();
    }
    // Reports every waiting batch, from the calling (test) thread.
    void report(bool stored, const QString& error = {})
    {
        QList<Stored> now;
        {
            QMutexLocker lock(&mutex);
            now.swap(waiting);
        }
        for (const Stored& done : std::as_const(now))
            done(stored, error);
    }
    QMutex mutex;
    QList<AlertBatch> batches;
    QList<Stored> waiting;
    QSemaphore entered;
};

class FakeChangeSink : public ChangeSink
{
public:
    bool submitChange(const ChangeEvent& change, QString*) override
    {
        QMutexLocker lock(&mutex);
        changes.append(change);
        return true;
    }
    QMutex mutex;
    QList<ChangeEvent> changes;
};

struct Response
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QByteArray contentType;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
};

QByteArray payload(int alertCount, const QByteArray& extraAnnotation = {})
{
    QByteArray alerts;
    for (int i = 0; i < alertCount; ++i) {
        if (i)
            alerts += ',';
        alerts += R"({"status":"firing","labels":{"alertname":"HighCPU","service":"svc-)" + QByteArray::number(i) +
                  R"("},"annotations":{"summary":")" + extraAnnotation +
                  R"("},"startsAt":"2026-11-27T23:47:00.123Z","endsAt":"0001-01-01T00:00:00Z"})";
    }
    return R"({"version":"4","status":"firing","receiver":"nw","groupLabels":{},"commonLabels":{},)"
           R"("commonAnnotations":{},"externalURL":"http://am","alerts":[)" +
           alerts + "]}";
}

} // namespace

class TestWebhookServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();

    void healthz();
    void acceptsAlerts();
    void emptyAlertsAccepted();
    void respondsOnlyAfterSinkReturned();
    void badRequests_data();
    void badRequests();
    void payloadTooLarge();
    void largeButAllowedBody();
    void bearerToken_data();
    void bearerToken();
    void halfOpenClientDoesNotBlockOthers();
    void silentClientIsDisconnected();
    void servesAfterGarbage();
    void sinkFailureIs503();
    void changes();
    void changesWithoutSinkIs501();
    void deferredAnswersWaitForTheStore();
    void pipelinedAnswersKeepRequestOrder();
    void clientLeavingBeforeItsAnswerBreaksNothing();

private:
    quint16 startServer(const WebhookServer::Options& options = {}, ChangeSink* changeSink = nullptr,
                        AlertSink* sink = nullptr);
    Response request(const QByteArray& method, const QString& path, const QByteArray& body = {},
                     const QByteArray& authorization = {});

    FakeSink m_sink;
    std::unique_ptr<QThread> m_thread;
    WebhookServer* m_server = nullptr;
    quint16 m_port = 0;
    QNetworkAccessManager m_nam;
};

quint16 TestWebhookServer::startServer(const WebhookServer::Options& givenOptions, ChangeSink* changeSink,
                                       AlertSink* sink)
{
    WebhookServer::Options options = givenOptions;
    options.port = 0;
    m_server = new WebhookServer(sink ? sink : &m_sink, options);
    m_server->setChangeSink(changeSink);
    m_thread = std::make_unique<QThread>();
    m_server->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_server, &QObject::deleteLater);
    m_thread->start();
    bool ok = false;
    QMetaObject::invokeMethod(m_server, &WebhookServer::start, Qt::BlockingQueuedConnection, &ok);
    m_port = m_server->serverPort();
    if (!ok || m_port == 0)
        qFatal("server did not start");
    return m_port;
}

void TestWebhookServer::cleanup()
{
    m_sink.blocking = false;
    m_sink.fail = false;
    m_sink.gate.release(100);
    if (m_thread) {
        QMetaObject::invokeMethod(m_server, &WebhookServer::stop, Qt::BlockingQueuedConnection);
        m_thread->quit();
        m_thread->wait();
        m_thread.reset();
        m_server = nullptr; // deleted by deleteLater on thread finish
    }
    QMutexLocker lock(&m_sink.mutex);
    m_sink.batches.clear();
    m_sink.gate.acquire(m_sink.gate.available());
    m_sink.entered.acquire(m_sink.entered.available());
    m_sink.returned = false;
    m_nam.clearConnectionCache();
}

Response TestWebhookServer::request(const QByteArray& method, const QString& path, const QByteArray& body,
                                    const QByteArray& authorization)
{
    QNetworkRequest req(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path)));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!authorization.isEmpty())
        req.setRawHeader("Authorization", authorization);
    req.setTransferTimeout(20'000);
    QNetworkReply* reply = method == "GET" ? m_nam.get(req) : m_nam.post(req, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(25'000);
    Response r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.json = QJsonDocument::fromJson(r.body).object();
    r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    r.error = reply->error();
    reply->deleteLater();
    return r;
}

void TestWebhookServer::healthz()
{
    startServer();
    const Response r = request("GET", u"/healthz"_s);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"status"_s).toString(), u"ok"_s);
    QVERIFY(r.contentType.startsWith("application/json"));
    QCOMPARE(request("GET", u"/nope"_s).status, 404);
}

void TestWebhookServer::acceptsAlerts()
{
    startServer();
    QSignalSpy health(m_server, &WebhookServer::healthChanged);
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    const Response r = request("POST", u"/api/v1/alerts/alertmanager"_s, payload(3));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"accepted"_s).toInt(), 3);
    const auto batches = m_sink.recorded();
    QCOMPARE(batches.size(), 1);
    QCOMPARE(batches[0].size(), 3);
    QCOMPARE(batches[0][2].service(), u"svc-2"_s);
    QCOMPARE(batches[0][0].source, u"webhook:alertmanager"_s);
    QVERIFY(batches[0][0].receivedAt >= before);

    QTRY_VERIFY(!health.isEmpty());
    const auto h = health.last().at(0).value<SourceHealth>();
    QCOMPARE(h.state, SourceHealth::State::Live);
    QVERIFY(h.lastSuccessAt >= before);
    QCOMPARE(h.alertCount, 3);
    QCOMPARE(h.id, u"webhook:127.0.0.1:"_s + QString::number(m_port));
}

void TestWebhookServer::emptyAlertsAccepted()
{
    startServer();
    const Response r = request("POST", u"/api/v1/alerts/alertmanager"_s, payload(0));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"accepted"_s).toInt(), 0);
    QVERIFY(m_sink.recorded().isEmpty());
}

void TestWebhookServer::respondsOnlyAfterSinkReturned()
{
    startServer();
    m_sink.blocking = true;
    QNetworkRequest req(QUrl(u"http://127.0.0.1:%1/api/v1/alerts/alertmanager"_s.arg(m_port)));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = m_nam.post(req, payload(2));
    QSignalSpy finished(reply, &QNetworkReply::finished);

    // The sink has the batch but has not returned: no answer may have gone out.
    QTRY_VERIFY_WITH_TIMEOUT(m_sink.entered.available() > 0, 10'000);
    QVERIFY(!finished.wait(500));
    QVERIFY(!reply->isFinished());
    QVERIFY(!m_sink.returned);

    m_sink.gate.release();
    QVERIFY(finished.wait(10'000));
    QVERIFY(m_sink.returned);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(m_sink.recorded().size(), 1);
    reply->deleteLater();
}

void TestWebhookServer::badRequests_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expectedError");
    QByteArray labelsArray = payload(3);
    labelsArray.replace(R"("labels":{"alertname":"HighCPU","service":"svc-2"})", R"("labels":["x"])");
    QByteArray labelNumber = payload(1);
    labelNumber.replace(R"("service":"svc-0")", R"("service":0)");
    QByteArray noStartsAt = payload(2);
    noStartsAt.replace(R"(,"startsAt":"2026-11-27T23:47:00.123Z")", "");

    QTest::addRow("empty body") << QByteArray() << u"not valid JSON"_s;
    QTest::addRow("malformed json") << QByteArray("{\"version\":") << u"not valid JSON"_s;
    QTest::addRow("array") << QByteArray("[1,2]") << u"payload must be a JSON object"_s;
    QTest::addRow("no version") << QByteArray(R"({"alerts":[]})") << u"version is required"_s;
    QTest::addRow("no alerts") << QByteArray(R"({"version":"4"})") << u"alerts is required"_s;
    QTest::addRow("alerts not array") << QByteArray(R"({"version":"4","alerts":"x"})") << u"alerts must be an array"_s;
    QTest::addRow("labels array") << labelsArray << u"alerts[2].labels must be an object"_s;
    QTest::addRow("label value number") << labelNumber << u"alerts[0].labels.service must be a string"_s;
    QTest::addRow("startsAt missing") << noStartsAt << u"alerts[0].startsAt is required"_s;
}

void TestWebhookServer::badRequests()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expectedError);
    startServer();
    const Response r = request("POST", u"/api/v1/alerts/alertmanager"_s, body);
    QCOMPARE(r.status, 400);
    QVERIFY(r.contentType.startsWith("application/json"));
    QVERIFY2(r.json.value(u"error"_s).toString().contains(expectedError), r.body.constData());
    QVERIFY(m_sink.recorded().isEmpty());
    QCOMPARE(m_server->health().lastError.contains(expectedError), true);
}

void TestWebhookServer::payloadTooLarge()
{
    startServer();
    const QByteArray big = payload(1, QByteArray(11 * 1024 * 1024, 'x'));
    const Response r = request("POST", u"/api/v1/alerts/alertmanager"_s, big);
    QCOMPARE(r.status, 413);
    QVERIFY(r.json.value(u"error"_s).toString().contains(u"size limit"_s));
    QVERIFY(m_sink.recorded().isEmpty());
    // And the server is still there for the next client.
    QCOMPARE(request("POST", u"/api/v1/alerts/alertmanager"_s, payload(1)).status, 200);

    // Refused on the declared length alone: the answer comes before any body byte is sent.
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, m_port);
    QVERIFY(raw.waitForConnected(5000));
    raw.write("POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              "Content-Length: 11534336\r\n\r\n");
    QTRY_VERIFY_WITH_TIMEOUT(raw.bytesAvailable() > 0 || raw.waitForReadyRead(100), 5000);
    QVERIFY(raw.readAll().startsWith("HTTP/1.1 413"));
}

void TestWebhookServer::largeButAllowedBody()
{
    startServer();
    const Response r = request("POST", u"/api/v1/alerts/alertmanager"_s, payload(1, QByteArray(9 * 1024 * 1024, 'y')));
    QCOMPARE(r.status, 200);
    QCOMPARE(m_sink.recorded().size(), 1);
    QCOMPARE(m_sink.recorded()[0][0].annotations.value(u"summary"_s).size(), 9 * 1024 * 1024);
}

void TestWebhookServer::bearerToken_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");
    QTest::addRow("missing") << QByteArray() << 401;
    QTest::addRow("wrong") << QByteArray("Bearer s3cret-but-wrong") << 401;
    QTest::addRow("prefix only") << QByteArray("Bearer s3cr") << 401;
    QTest::addRow("basic scheme") << QByteArray("Basic czNjcmV0") << 401;
    QTest::addRow("right") << QByteArray("Bearer s3cret") << 200;
}

void TestWebhookServer::bearerToken()
{
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    WebhookServer::Options options;
    options.bearerToken = u"s3cret"_s;
    startServer(options);
    const Response r = request("POST", u"/api/v1/alerts/alertmanager"_s, payload(1), authorization);
    QCOMPARE(r.status, status);
    QCOMPARE(m_sink.recorded().size(), status == 200 ? 1 : 0);
    if (status == 401)
        QVERIFY(!r.json.value(u"error"_s).toString().isEmpty());
    QCOMPARE(request("GET", u"/healthz"_s).status, 200); // health checks need no token
}

void TestWebhookServer::halfOpenClientDoesNotBlockOthers()
{
    WebhookServer::Options options;
    options.limits.requestTimeoutMs = 1500;
    startServer(options);

    QTcpSocket halfOpen;
    halfOpen.connectToHost(QHostAddress::LocalHost, m_port);
    QVERIFY(halfOpen.waitForConnected(5000));
    halfOpen.write("POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le");
    QVERIFY(halfOpen.waitForBytesWritten(5000));
    QTest::qWait(100);

    QElapsedTimer clock;
    clock.start();
    const Response r = request("POST", u"/api/v1/alerts/alertmanager"_s, payload(1));
    QCOMPARE(r.status, 200);
    QVERIFY2(clock.elapsed() < 1500, "the good request waited for the half-open one");
    QCOMPARE(halfOpen.state(), QAbstractSocket::ConnectedState);

    // The half-open client is answered 408 and cut off once its time is up.
    QSignalSpy gone(&halfOpen, &QTcpSocket::disconnected);
    QVERIFY(gone.wait(10'000));
    QVERIFY(halfOpen.readAll().startsWith("HTTP/1.1 408"));
    QCOMPARE(request("GET", u"/healthz"_s).status, 200);
}

void TestWebhookServer::silentClientIsDisconnected()
{
    WebhookServer::Options options;
    options.limits.idleTimeoutMs = 500;
    startServer(options);
    QTcpSocket silent;
    silent.connectToHost(QHostAddress::LocalHost, m_port);
    QVERIFY(silent.waitForConnected(5000));
    QSignalSpy gone(&silent, &QTcpSocket::disconnected);
    QVERIFY(gone.wait(5000));
}

void TestWebhookServer::servesAfterGarbage()
{
    startServer();
    QTcpSocket garbage;
    garbage.connectToHost(QHostAddress::LocalHost, m_port);
    QVERIFY(garbage.waitForConnected(5000));
    garbage.write(QByteArray("\x16\x03\x01\x02\x00 NOT HTTP AT ALL\r\n\r\n\r\n", 26));
    garbage.waitForBytesWritten(5000);
    QSignalSpy gone(&garbage, &QTcpSocket::disconnected);
    QVERIFY(gone.wait(5000) || garbage.state() == QAbstractSocket::UnconnectedState);

    QCOMPARE(request("POST", u"/api/v1/alerts/alertmanager"_s, "{oops").status, 400);
    QCOMPARE(request("POST", u"/api/v1/alerts/alertmanager"_s, payload(2)).status, 200);
    QCOMPARE(m_sink.recorded().size(), 1);
}

void TestWebhookServer::sinkFailureIs503()
{
    startServer();
    m_sink.fail = true;
    const Response r = request("POST", u"/api/v1/alerts/alertmanager"_s, payload(1));
    QCOMPARE(r.status, 503);
    QVERIFY2(r.json.value(u"error"_s).toString().contains(u"disk full"_s), r.body.constData());
    QVERIFY(m_server->health().lastError.contains(u"disk full"_s));
    m_sink.fail = false;
    QCOMPARE(request("POST", u"/api/v1/alerts/alertmanager"_s, payload(1)).status, 200);
}

void TestWebhookServer::changes()
{
    FakeChangeSink changeSink;
    startServer({}, &changeSink);
    Response r = request("POST", u"/api/v1/changes"_s,
                         R"({"service":"checkout","kind":"deploy","at":"2026-11-27T23:30:00+01:00",
                             "description":"v3.2.2","link":"https://ci/1"})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"accepted"_s).toInt(), 1);
    r = request("POST", u"/api/v1/changes"_s,
                R"([{"service":"a","kind":"config","at":"2026-11-27T23:31:00Z"},
                    {"service":"b","kind":"feature-flag","at":"2026-11-27T23:32:00Z"}])");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json.value(u"accepted"_s).toInt(), 2);
    r = request("POST", u"/api/v1/changes"_s,
                R"([{"service":"a","kind":"config","at":"2026-11-27T23:31:00Z"},{"kind":"config","at":"x"}])");
    QCOMPARE(r.status, 400);
    QCOMPARE(r.json.value(u"error"_s).toString(), u"changes[1].service is required"_s);

    QMutexLocker lock(&changeSink.mutex);
    QCOMPARE(changeSink.changes.size(), 3); // the bad array stored nothing
    QCOMPARE(changeSink.changes[0].service, u"checkout"_s);
    QCOMPARE(changeSink.changes[0].at, QDateTime(QDate(2026, 11, 27), QTime(22, 30), Qt::UTC));
    QCOMPARE(changeSink.changes[0].link, u"https://ci/1"_s);
    QCOMPARE(changeSink.changes[2].kind, u"feature-flag"_s);
}

void TestWebhookServer::changesWithoutSinkIs501()
{
    startServer();
    const Response r =
        request("POST", u"/api/v1/changes"_s, R"({"service":"a","kind":"deploy","at":"2026-11-27T23:31:00Z"})");
    QCOMPARE(r.status, 501);
    QVERIFY(!r.json.value(u"error"_s).toString().isEmpty());
}

namespace {
QByteArray rawPost(const QByteArray& body)
{
    return "POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// Splits what a raw client received into responses (each with a Content-Length, as the receiver sends them).
QList<QPair<int, QByteArray>> rawResponses(QByteArray stream)
{
    QList<QPair<int, QByteArray>> out;
    while (true) {
        const qsizetype headEnd = stream.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return out;
        const QByteArray head = stream.left(headEnd);
        const qsizetype at = head.toLower().indexOf("content-length:");
        const qsizetype length = at < 0 ? 0 : head.mid(at + 15).split('\r').value(0).trimmed().toLongLong();
        if (stream.size() < headEnd + 4 + length)
            return out;
        out.append({head.mid(9, 3).toInt(), stream.mid(headEnd + 4, length)});
        stream.remove(0, headEnd + 4 + length);
    }
}
} // namespace

void TestWebhookServer::deferredAnswersWaitForTheStore()
{
    DeferredSink sink;
    startServer({}, nullptr, &sink);
    QNetworkRequest req(QUrl(u"http://127.0.0.1:%1/api/v1/alerts/alertmanager"_s.arg(m_port)));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QList<QNetworkReply*> replies;
    for (int i = 0; i < 3; ++i)
        replies << m_nam.post(req, payload(i + 1));
    replies << m_nam.post(req, QByteArray("{\"version\":")); // malformed: answered at once, stored nowhere

    QTRY_COMPARE_WITH_TIMEOUT(sink.entered.available(), 3, 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(replies[3]->isFinished(), 10'000);
    QCOMPARE(replies[3]->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 400);
    // Handed over but not reported stored: none of the good ones may be answered, and the receiver is not
    // blocked meanwhile.
    QCOMPARE(request("GET", u"/healthz"_s).status, 200);
    for (int i = 0; i < 3; ++i)
        QVERIFY(!replies[i]->isFinished());

    sink.report(true);
    for (int i = 0; i < 3; ++i) {
        QTRY_VERIFY_WITH_TIMEOUT(replies[i]->isFinished(), 10'000);
        QCOMPARE(replies[i]->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonObject answer = QJsonDocument::fromJson(replies[i]->readAll()).object();
        QCOMPARE(answer.value(u"accepted"_s).toInt(), i + 1);
    }
    QCOMPARE(sink.batches.size(), 3);

    // A store that failed is a 503 with its reason, never a 200.
    QNetworkReply* failing = m_nam.post(req, payload(2));
    QTRY_COMPARE_WITH_TIMEOUT(sink.entered.available(), 4, 10'000);
    sink.report(false, u"disk full"_s);
    QTRY_VERIFY_WITH_TIMEOUT(failing->isFinished(), 10'000);
    QCOMPARE(failing->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 503);
    QVERIFY(failing->readAll().contains("disk full"));
    qDeleteAll(replies);
    delete failing;
}

void TestWebhookServer::pipelinedAnswersKeepRequestOrder()
{
    DeferredSink sink;
    startServer({}, nullptr, &sink);
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, m_port);
    QVERIFY(client.waitForConnected(5000));
    // Three requests in one go on one connection: a delivery that waits for the store, a health check and a
    // malformed delivery that are answerable at once. HTTP/1.1 wants the answers in request order.
    client.write(rawPost(payload(2)) + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + rawPost("[1]"));
    QVERIFY(client.waitForBytesWritten(5000));
    QTRY_COMPARE_WITH_TIMEOUT(sink.entered.available(), 1, 10'000);
    QByteArray received;
    QTest::qWait(200); // what the receiver would have sent early, had it not kept the order
    received += client.readAll();
    QCOMPARE(rawResponses(received).size(), 0);

    sink.report(true);
    QTRY_VERIFY_WITH_TIMEOUT((received += client.readAll(), rawResponses(received).size() == 3), 10'000);
    const auto answers = rawResponses(received);
    QCOMPARE(answers[0].first, 200);
    QVERIFY(answers[0].second.contains("\"accepted\":2"));
    QCOMPARE(answers[1].first, 200);
    QVERIFY(answers[1].second.contains("\"status\":\"ok\""));
    QCOMPARE(answers[2].first, 400);
    QCOMPARE(sink.batches.size(), 1);
}

void TestWebhookServer::clientLeavingBeforeItsAnswerBreaksNothing()
{
    DeferredSink sink;
    startServer({}, nullptr, &sink);
    {
        QTcpSocket leaving;
        leaving.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(leaving.waitForConnected(5000));
        leaving.write(rawPost(payload(3)));
        QVERIFY(leaving.waitForBytesWritten(5000));
        QTRY_COMPARE_WITH_TIMEOUT(sink.entered.available(), 1, 10'000);
        leaving.abort();
    }
    // Let the receiver see the hang-up (QHttpServer deletes the socket) before the store reports back.
    QTest::qWait(300);
    sink.report(true);

    // The delivery was handed to the store all the same, the late answer went nowhere, and the next client is
    // served (a write to the deleted socket would have crashed here).
    QCOMPARE(sink.batches.size(), 1);
    QCOMPARE(sink.batches[0].size(), 3);
    QNetworkRequest req(QUrl(u"http://127.0.0.1:%1/api/v1/alerts/alertmanager"_s.arg(m_port)));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* next = m_nam.post(req, payload(1));
    QTRY_COMPARE_WITH_TIMEOUT(sink.entered.available(), 2, 10'000);
    sink.report(true);
    QTRY_VERIFY_WITH_TIMEOUT(next->isFinished(), 10'000);
    QCOMPARE(next->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    delete next;
}

QTEST_GUILESS_MAIN(TestWebhookServer)
#include "tst_webhookserver.moc"
