// PrometheusClient against a scripted HTTP server: parsing (matrix, vector, scalar, NaN/Inf), the exact
// request it sends, bounded retries with backoff on 5xx and never on 4xx, the size limit, cancellation
// during a backoff, and health.
#include "metrics/prometheusclient.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <cmath>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

// (No raw string literals in this file: moc 6.4 loses track of classes after one holding \".)
// Answers each request with the next scripted reply (status 0: accept and never answer).
class ScriptedServer : public QObject
{
public:
    struct Reply
    {
        int status;
        QByteArray body;
    };
    QList<Reply> script;
    QStringList requestLines;

    ScriptedServer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection())
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { onReadyRead(socket); });
        });
    }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1/prom/"_s.arg(m_server.serverPort())); }

private:
    void onReadyRead(QTcpSocket* socket)
    {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        if (!buffer.contains("\r\n\r\n"))
            return;
        requestLines.append(QString::fromLatin1(buffer.left(buffer.indexOf("\r\n"))));
        buffer.clear();
        const Reply reply = script.isEmpty() ? Reply{500, {}} : script.takeFirst();
        if (reply.status == 0)
            return; // hang
        socket->write("HTTP/1.1 " + QByteArray::number(reply.status) +
                      " X\r\nContent-Type: application/json\r\n"
                      "Connection: close\r\nContent-Length: " +
                      QByteArray::number(reply.body.size()) + "\r\n\r\n" + reply.body);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

const QByteArray kMatrix =
    "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
    "  "
    "{\"metric\":{\"__name__\":\"up\",\"service\":\"a\\\"b\"},\"values\":[[1780000000,\"1\"],[1780000015.5,\"NaN\"],["
    "1780000030,\"+Inf\"],[1780000045,\"-Inf\"],[1780000060,\"2.5e-3\"]]},"
    "  {\"metric\":{},\"values\":[]}]}}";
const QByteArray kServerError = "{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"overloaded\"}";

std::optional<PrometheusResult> waitFor(PrometheusClient& client, quint64 id, int ms)
{
    QSignalSpy spy(&client, &PrometheusClient::finished);
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < ms) {
        for (const QList<QVariant>& args : std::as_const(spy)) {
            if (args.at(0).toULongLong() == id)
                return args.at(1).value<PrometheusResult>();
        }
        spy.wait(50);
    }
    return std::nullopt;
}

const QDateTime kStart = QDateTime::fromSecsSinceEpoch(1'780'000'000, Qt::UTC);

} // namespace

class TestPrometheusClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void parses_data();
    void parses();
    void sendsEncodedQuery();
    void retriesServerErrorsThenSucceeds();
    void retriesAreBounded();
    void clientErrorsAreNotRetried();
    void cancelDuringBackoff();
    void oversizedAnswerIsRefused();
};

void TestPrometheusClient::initTestCase()
{
    qRegisterMetaType<PrometheusResult>();
}

void TestPrometheusClient::parses_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("resultType");
    QTest::addColumn<int>("seriesCount");
    QTest::addColumn<QString>("error"); // substring; empty for success
    QTest::addRow("matrix") << kMatrix << 200 << u"matrix"_s << 2 << QString();
    QTest::addRow("vector") << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{"
                                          "\"metric\":{\"job\":\"x\"},\"value\":[1780000000.123,\"42\"]}]}}")
                            << 200 << u"vector"_s << 1 << QString();
    QTest::addRow("scalar")
        << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1780000000,\"7\"]}}")
        << 200 << u"scalar"_s << 1 << QString();
    QTest::addRow("prometheus error") << QByteArray("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: "
                                                    "parse error: unclosed left parenthesis\"}")
                                      << 400 << QString() << 0 << u"HTTP 400: 1:5: parse error"_s;
    QTest::addRow("not json") << QByteArray("<html>proxy</html>") << 200 << QString() << 0
                              << u"not a Prometheus JSON answer"_s;
    QTest::addRow("string result")
        << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,\"x\"]}}") << 200
        << u"string"_s << 0 << u"not a number series"_s;
    QTest::addRow("bad sample") << QByteArray("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                                              "{\"metric\":{},\"value\":[1,2]}]}}")
                                << 200 << u"vector"_s << 0 << u"not [timestamp"_s;
}

void TestPrometheusClient::parses()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, resultType);
    QFETCH(int, seriesCount);
    QFETCH(QString, error);
    ScriptedServer server;
    server.script = {{status, body}};
    PrometheusClient client(server.url());
    const auto r = waitFor(client, client.query(u"up"_s), 5000);
    QVERIFY(r);
    QCOMPARE(r->ok(), error.isEmpty());
    QVERIFY2(r->error.contains(error), qPrintable(r->error));
    QCOMPARE(r->httpStatus, status);
    QCOMPARE(r->series.size(), seriesCount);
    if (r->ok())
        QCOMPARE(r->resultType, resultType);
    if (resultType == u"matrix"_s) {
        const MetricSeries& s = r->series.first();
        QCOMPARE(s.labels.value(u"service"_s), u"a\"b"_s);
        QCOMPARE(s.points.size(), 5);
        QCOMPARE(s.points.at(1).msecs, 1'780'000'015'500);
        QVERIFY(std::isnan(s.points.at(1).value));
        QVERIFY(std::isinf(s.points.at(2).value) && s.points.at(2).value > 0);
        QVERIFY(std::isinf(s.points.at(3).value) && s.points.at(3).value < 0);
        QCOMPARE(s.points.at(4).value, 0.0025);
    }
    if (resultType == u"vector"_s && r->ok())
        QCOMPARE(r->series.first().points.first().msecs, 1'780'000'000'123);
}

void TestPrometheusClient::sendsEncodedQuery()
{
    ScriptedServer server;
    server.script = {{200, kMatrix}};
    PrometheusClient client(server.url());
    client.setTimeout(5000);
    const auto r = waitFor(client, client.queryRange(u"a + b{x=\"1&2 #\"}"_s, kStart, kStart.addSecs(60), 15), 5000);
    QVERIFY(r && r->ok());
    // '+' must not stay raw: Prometheus (Go) would read it as a space.
    QCOMPARE(server.requestLines,
             (QStringList{u"GET /prom/api/v1/query_range?query=a%20%2B%20b%7Bx%3D%221%262%20%23%22%7D"
                          u"&start=1780000000.000&end=1780000060.000&step=15&timeout=5s HTTP/1.1"_s}));
}

void TestPrometheusClient::retriesServerErrorsThenSucceeds()
{
    ScriptedServer server;
    server.script = {{503, kServerError}, {502, "bad gateway"}, {200, kMatrix}};
    PrometheusClient client(server.url());
    client.setRetries(2, 100);
    QElapsedTimer timer;
    timer.start();
    const auto r = waitFor(client, client.query(u"up"_s), 5000);
    QVERIFY(r && r->ok());
    QCOMPARE(server.requestLines.size(), 3);
    QVERIFY2(timer.elapsed() >= 300, "backoff 100 ms, then 200 ms");
    QCOMPARE(client.health().state, SourceHealth::State::Live);
}

void TestPrometheusClient::retriesAreBounded()
{
    ScriptedServer server;
    server.script = {{503, kServerError}, {503, kServerError}, {503, kServerError}, {200, kMatrix}};
    PrometheusClient client(server.url());
    client.setRetries(1, 50);
    const auto r = waitFor(client, client.query(u"up"_s), 5000);
    QVERIFY(r && !r->ok());
    QCOMPARE(server.requestLines.size(), 2);
    QCOMPARE(r->error, u"HTTP 503: overloaded"_s);
    QCOMPARE(client.health().state, SourceHealth::State::Unreachable);
    QCOMPARE(client.health().lastError, u"HTTP 503: overloaded"_s);
}

void TestPrometheusClient::clientErrorsAreNotRetried()
{
    ScriptedServer server;
    server.script = {
        {422, "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"many-to-many matching not allowed\"}"},
        {200, kMatrix}};
    PrometheusClient client(server.url());
    client.setRetries(3, 10);
    const auto r = waitFor(client, client.query(u"up"_s), 5000);
    QVERIFY(r && !r->ok());
    QCOMPARE(r->errorType, u"execution"_s);
    QCOMPARE(r->error, u"HTTP 422: many-to-many matching not allowed"_s);
    QTest::qWait(100);
    QCOMPARE(server.requestLines.size(), 1);
    QCOMPARE(client.health().state, SourceHealth::State::Live);
}

void TestPrometheusClient::cancelDuringBackoff()
{
    ScriptedServer server;
    server.script = {{500, kServerError}, {200, kMatrix}};
    PrometheusClient client(server.url());
    client.setRetries(2, 300);
    QSignalSpy finished(&client, &PrometheusClient::finished);
    const auto id = client.query(u"up"_s);
    QTRY_COMPARE(server.requestLines.size(), 1);
    QTest::qWait(50); // the 500 has arrived; the retry waits
    client.cancel(id);
    QTest::qWait(600);
    QCOMPARE(server.requestLines.size(), 1); // no retry after the cancel
    QCOMPARE(finished.size(), 0);
    QCOMPARE(client.pendingCount(), 0);
}

void TestPrometheusClient::oversizedAnswerIsRefused()
{
    ScriptedServer server;
    server.script = {{200, QByteArray(64 * 1024, ' ') + kMatrix}};
    PrometheusClient client(server.url());
    client.setMaxResponseBytes(4096);
    const auto r = waitFor(client, client.query(u"up"_s), 5000);
    QVERIFY(r && !r->ok());
    QCOMPARE(r->errorType, u"too_large"_s);
    QCOMPARE(server.requestLines.size(), 1);
}

QTEST_GUILESS_MAIN(TestPrometheusClient)
#include "tst_prometheusclient.moc"
