// Tests for the feed routes of WebhookServer: each fixture of tests/data/feeds posted to a real receiver on
// 127.0.0.1 is stored as the parser reads it and answered 200 after the sink has it; malformed ones get 400
// with the reason, PagerDuty without its signature 401, the generic route without a mapping 501.

#include "ingest/alertsink.h"
#include "ingest/genericjsonmapping.h"
#include "ingest/pagerdutywebhookparser.h"
#include "ingest/webhookserver.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

class RecordingSink : public AlertSink
{
public:
    bool submit(const AlertBatch& batch, QString*) override
    {
        QMutexLocker lock(&mutex);
        stored.append(batch);
        return true;
    }
    AlertBatch take()
    {
        QMutexLocker lock(&mutex);
        return std::exchange(stored, {});
    }
    QMutex mutex;
    AlertBatch stored;
};

QByteArray fixture(const QString& name)
{
    QFile file(QFINDTESTDATA(u"data/feeds/"_s + name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return file.readAll();
}

struct Answer
{
    int status = 0;
    QString error;
    int accepted = -1;
};

} // namespace

class TestFeedRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void fixtures_data();
    void fixtures();
    void pagerDutySignature_data();
    void pagerDutySignature();
    void genericWithoutMapping();
    void bearerTokenGuardsEveryFeed();

private:
    std::unique_ptr<QThread> startServer(const WebhookServer::Options& options, WebhookServer** server);
    Answer post(quint16 port, const QString& path, const QByteArray& body,
                const QList<std::pair<QByteArray, QByteArray>>& headers = {});

    RecordingSink m_sink;
    QNetworkAccessManager m_nam;
    std::unique_ptr<QThread> m_thread;
    WebhookServer* m_server = nullptr;
    quint16 m_port = 0;
};

std::unique_ptr<QThread> TestFeedRoutes::startServer(const WebhookServer::Options& givenOptions, WebhookServer** server)
{
    WebhookServer::Options options = givenOptions;
    options.port = 0;
    *server = new WebhookServer(&m_sink, options);
    auto thread = std::make_unique<QThread>();
    (*server)->moveToThread(thread.get());
    connect(thread.get(), &QThread::finished, *server, &QObject::deleteLater);
    thread->start();
    bool ok = false;
    QMetaObject::invokeMethod(*server, &WebhookServer::start, Qt::BlockingQueuedConnection, &ok);
    if (!ok)
        qFatal("server did not start");
    return thread;
}

namespace {

void stopServer(std::unique_ptr<QThread> thread, WebhookServer* server)
{
    QMetaObject::invokeMethod(server, &WebhookServer::stop, Qt::BlockingQueuedConnection);
    thread->quit();
    thread->wait();
}

} // namespace

void TestFeedRoutes::initTestCase()
{
    WebhookServer::Options options;
    options.feeds.pagerDutySecret = "s3cr3t-current";
    QString error;
    auto mapping = GenericJsonMapping::fromFile(QFINDTESTDATA("data/feeds/generic/mapping.yaml"), &error);
    QVERIFY2(mapping, qPrintable(error));
    options.feeds.genericMapping = std::make_shared<const GenericJsonMapping>(std::move(*mapping));
    m_thread = startServer(options, &m_server);
    m_port = m_server->serverPort();
}

void TestFeedRoutes::cleanupTestCase()
{
    stopServer(std::move(m_thread), m_server);
}

Answer TestFeedRoutes::post(quint16 port, const QString& path, const QByteArray& body,
                            const QList<std::pair<QByteArray, QByteArray>>& headers)
{
    QNetworkRequest req(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path)));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto& [name, value] : headers)
        req.setRawHeader(name, value);
    req.setTransferTimeout(20'000);
    QNetworkReply* reply = m_nam.post(req, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(25'000);
    Answer a;
    a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
    a.error = json.value(u"error"_s).toString();
    a.accepted = json.value(u"accepted"_s).toInt(-1);
    reply->deleteLater();
    return a;
}

void TestFeedRoutes::fixtures_data()
{
    QTest::addColumn<QString>("route");
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("stored"); // alerts the sink must hold afterwards
    QTest::addColumn<QString>("firstAlertname");
    QTest::addColumn<QString>("errorPart");

    QTest::addRow("grafana firing") << u"grafana"_s << u"grafana/firing-two.json"_s << 200 << 2
                                    << u"High memory usage"_s << QString();
    QTest::addRow("grafana resolved") << u"grafana"_s << u"grafana/resolved.json"_s << 200 << 1
                                      << u"High memory usage"_s << QString();
    QTest::addRow("grafana no data") << u"grafana"_s << u"grafana/nodata.json"_s << 200 << 1 << u"DatasourceNoData"_s
                                     << QString();
    QTest::addRow("grafana legacy") << u"grafana"_s << u"grafana/bad-legacy.json"_s << 400 << 0 << QString()
                                    << u"version is required"_s;
    QTest::addRow("pagerduty triggered") << u"pagerduty"_s << u"pagerduty/incident-triggered.json"_s << 200 << 1
                                         << u"Replication lag on postgres-main above 30s"_s << QString();
    QTest::addRow("pagerduty resolved") << u"pagerduty"_s << u"pagerduty/incident-resolved.json"_s << 200 << 1
                                        << u"Replication lag on postgres-main above 30s"_s << QString();
    QTest::addRow("pagerduty ping") << u"pagerduty"_s << u"pagerduty/pagey-ping.json"_s << 200 << 0 << QString()
                                    << QString();
    QTest::addRow("pagerduty note") << u"pagerduty"_s << u"pagerduty/incident-annotated.json"_s << 200 << 0 << QString()
                                    << QString();
    QTest::addRow("pagerduty events v2") << u"pagerduty"_s << u"pagerduty/bad-events-v2.json"_s << 400 << 0 << QString()
                                         << u"event is required"_s;
    QTest::addRow("generic events") << u"generic"_s << u"generic/events.json"_s << 200 << 2 << u"HTTP 5xx ratio"_s
                                    << QString();
    QTest::addRow("generic name missing") << u"generic"_s << u"generic/bad-name-missing.json"_s << 400 << 0 << QString()
                                          << u"alerts[1]: name pointer \"/check/name\" names nothing"_s;
    QTest::addRow("alertmanager still served")
        << u"alertmanager"_s << u"../ingest_scenario.json"_s << 400 << 0 << QString() << u"version is required"_s;
}

void TestFeedRoutes::fixtures()
{
    QFETCH(QString, route);
    QFETCH(QString, file);
    QFETCH(int, status);
    QFETCH(int, stored);
    QFETCH(QString, firstAlertname);
    QFETCH(QString, errorPart);

    const QByteArray body = fixture(file);
    const Answer a = post(m_port, u"/api/v1/alerts/"_s + route, body,
                          {{"X-PagerDuty-Signature", PagerDutyWebhookParser::sign(body, "s3cr3t-current")}});
    QCOMPARE(a.status, status);
    const AlertBatch alerts = m_sink.take();
    QCOMPARE(alerts.size(), stored);
    if (status == 200) {
        QCOMPARE(a.accepted, stored);
        if (stored) {
            QCOMPARE(alerts[0].alertName(), firstAlertname);
            QCOMPARE(alerts[0].source, u"webhook:"_s + route);
        }
    } else {
        QVERIFY2(a.error.contains(errorPart), qPrintable(a.error));
    }
}

void TestFeedRoutes::pagerDutySignature_data()
{
    QTest::addColumn<QByteArray>("headerName");
    QTest::addColumn<QByteArray>("signature");
    QTest::addColumn<int>("status");
    const QByteArray body = fixture(u"pagerduty/incident-triggered.json"_s);
    const QByteArray good = PagerDutyWebhookParser::sign(body, "s3cr3t-current");
    const QByteArray old = PagerDutyWebhookParser::sign(body, "s3cr3t-previous");
    QTest::addRow("valid") << QByteArray("X-PagerDuty-Signature") << good << 200;
    QTest::addRow("header in lower case") << QByteArray("x-pagerduty-signature") << good << 200;
    QTest::addRow("rotated") << QByteArray("X-PagerDuty-Signature") << old + "," + good << 200;
    QTest::addRow("wrong") << QByteArray("X-PagerDuty-Signature") << old << 401;
    QTest::addRow("missing") << QByteArray() << QByteArray() << 401;
}

void TestFeedRoutes::pagerDutySignature()
{
    QFETCH(QByteArray, headerName);
    QFETCH(QByteArray, signature);
    QFETCH(int, status);
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (!headerName.isEmpty())
        headers.append({headerName, signature});
    const Answer a =
        post(m_port, u"/api/v1/alerts/pagerduty"_s, fixture(u"pagerduty/incident-triggered.json"_s), headers);
    QCOMPARE(a.status, status);
    QCOMPARE(m_sink.take().size(), status == 200 ? 1 : 0); // nothing from an unauthenticated sender is stored
    if (status == 401)
        QVERIFY(a.error.contains(u"X-PagerDuty-Signature"_s));
}

void TestFeedRoutes::genericWithoutMapping()
{
    WebhookServer* server = nullptr;
    auto thread = startServer({}, &server);
    const Answer a = post(server->serverPort(), u"/api/v1/alerts/generic"_s, fixture(u"generic/single.json"_s));
    QCOMPARE(a.status, 501);
    QVERIFY(a.error.contains(u"--generic-mapping"_s));
    // Without a secret PagerDuty deliveries are taken unsigned.
    const Answer pd =
        post(server->serverPort(), u"/api/v1/alerts/pagerduty"_s, fixture(u"pagerduty/incident-triggered.json"_s));
    QCOMPARE(pd.status, 200);
    QCOMPARE(m_sink.take().size(), 1);
    stopServer(std::move(thread), server);
}

void TestFeedRoutes::bearerTokenGuardsEveryFeed()
{
    WebhookServer::Options options;
    options.bearerToken = u"t0ken"_s;
    WebhookServer* server = nullptr;
    auto thread = startServer(options, &server);
    for (const QString& route : {u"grafana"_s, u"pagerduty"_s, u"generic"_s}) {
        const Answer a = post(server->serverPort(), u"/api/v1/alerts/"_s + route, fixture(u"grafana/nodata.json"_s));
        QCOMPARE(a.status, 401);
    }
    const Answer ok = post(server->serverPort(), u"/api/v1/alerts/grafana"_s, fixture(u"grafana/nodata.json"_s),
                           {{"Authorization", "Bearer t0ken"}});
    QCOMPARE(ok.status, 200);
    QCOMPARE(m_sink.take().size(), 1);
    stopServer(std::move(thread), server);
}

QTEST_GUILESS_MAIN(TestFeedRoutes)
#include "tst_feedroutes.moc"
