// Tests for AlertmanagerPoller against two real Alertmanager processes (an HA pair as Prometheus
// feeds one: the same alerts posted to both) plus a closed port, and against a scripted fake for
// the failure shapes a real Alertmanager will not produce on demand.

#include "ingest/alertmanagerpoller.h"
#include "ingest/alertsink.h"
#include "ingest/timeparse.h"

#include "alertmanagerprocess.h"

#include <QDir>
#include <QFile>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using testsupport::alertmanagerBinary;
using testsupport::AlertmanagerProcess;
using testsupport::freePort;

namespace {

class RecordingSink : public AlertSink
{
public:
    bool submit(const AlertBatch& batch, QString* error) override
    {
        QMutexLocker lock(&mutex);
        if (fail) {
            *error = u"refused"_s;
            return false;
        }
        batches.append(batch);
        return true;
    }
    QMutex mutex;
    QList<AlertBatch> batches;
    bool fail = false;
};

QJsonObject postableAlert(const QString& name, const QString& service, const QDateTime& endsAt)
{
    return QJsonObject{
        {u"labels"_s, QJsonObject{{u"alertname"_s, name}, {u"service"_s, service}, {u"severity"_s, u"critical"_s}}},
        {u"annotations"_s, QJsonObject{{u"summary"_s, name + u" on "_s + service}}},
        {u"startsAt"_s, TimeParse::toRfc3339(QDateTime::currentDateTimeUtc().addSecs(-60))},
        {u"endsAt"_s, TimeParse::toRfc3339(endsAt)},
        {u"generatorURL"_s, u"http://prometheus.test/graph"_s}};
}

} // namespace

class TestAlertmanagerPoller : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void mergesHaPairAndSurvivesDeadUrl();
    void vanishedAlertsBecomeResolved();
    void failuresMarkOnlyTheirSource_data();
    void failuresMarkOnlyTheirSource();
    void outageIsNotRecovery();
    void refusedRoundIsRetried();
    void staleWhenAnswersStop();

private:
    bool startAlertmanager(AlertmanagerProcess* am, QString* error);
    bool postAlerts(const QUrl& base, const QJsonArray& alerts);
    QList<AlertBatch> runRound(AlertmanagerPoller& poller, RecordingSink& sink);

    QNetworkAccessManager m_nam;
    AlertmanagerProcess m_amA;
    AlertmanagerProcess m_amB;
};

bool TestAlertmanagerPoller::startAlertmanager(AlertmanagerProcess* am, QString* error)
{
    // A receiver with no integrations: alerts are kept and listed, nothing is sent anywhere.
    return am->start("route:\n  receiver: 'null'\n  group_wait: 0s\nreceivers:\n  - name: 'null'\n", m_nam, error);
}

bool TestAlertmanagerPoller::postAlerts(const QUrl& base, const QJsonArray& alerts)
{
    for (const AlertmanagerProcess* am : {&m_amA, &m_amB}) {
        if (am->url() == base)
            return am->postAlerts(alerts, m_nam);
    }
    qWarning() << "no Alertmanager at" << base;
    return false;
}

QList<AlertBatch> TestAlertmanagerPoller::runRound(AlertmanagerPoller& poller, RecordingSink& sink)
{
    {
        QMutexLocker lock(&sink.mutex);
        sink.batches.clear();
    }
    QSignalSpy round(&poller, &AlertmanagerPoller::roundFinished);
    poller.pollNow();
    if (!round.wait(20'000))
        qWarning("poll round did not finish");
    QMutexLocker lock(&sink.mutex);
    return sink.batches;
}

void TestAlertmanagerPoller::initTestCase()
{
    qRegisterMetaType<SourceHealth>();
    if (!QFile::exists(alertmanagerBinary))
        QFAIL("prometheus-alertmanager is not installed: run packaging/dev.sh test, which installs it");
    QString error;
    QVERIFY2(startAlertmanager(&m_amA, &error), qPrintable(error));
    QVERIFY2(startAlertmanager(&m_amB, &error), qPrintable(error));
}

void TestAlertmanagerPoller::cleanupTestCase()
{
    m_amA.stop();
    m_amB.stop();
}

void TestAlertmanagerPoller::mergesHaPairAndSurvivesDeadUrl()
{
    const QDateTime later = QDateTime::currentDateTimeUtc().addSecs(3600);
    const QJsonArray alerts{postableAlert(u"DatabaseDown"_s, u"postgres-main"_s, later),
                            postableAlert(u"ServiceErrorRateHigh"_s, u"checkout"_s, later),
                            postableAlert(u"ServiceLatencyHigh"_s, u"frontend"_s, later)};
    // Prometheus sends every alert to every Alertmanager of an HA pair.
    QVERIFY(postAlerts(m_amA.url(), alerts));
    QVERIFY(postAlerts(m_amB.url(), alerts));

    const QUrl dead(u"http://127.0.0.1:%1"_s.arg(freePort()));
    RecordingSink sink;
    AlertmanagerPoller poller(&sink, {m_amA.url(), dead, m_amB.url()});
    poller.setInterval(60'000);
    QSignalSpy health(&poller, &AlertmanagerPoller::healthChanged);
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    const auto batches = runRound(poller, sink);

    QCOMPARE(batches.size(), 1);
    const AlertBatch& batch = batches[0];
    QCOMPARE(batch.size(), 3); // six listings, three alerts
    QSet<QString> fingerprints;
    for (const Alert& a : batch) {
        fingerprints.insert(a.fingerprint);
        QVERIFY(a.isFiring());
        QCOMPARE(a.source, AlertmanagerPoller::sourceIdFor(m_amA.url()));
        QVERIFY(a.receivedAt >= before);
        QVERIFY(a.startsAt.isValid() && a.startsAt < a.receivedAt);
        QCOMPARE(a.fingerprint.size(), 16);
        QVERIFY(!a.annotations.value(u"summary"_s).isEmpty());
    }
    QCOMPARE(fingerprints.size(), 3);
    QVERIFY(fingerprints.size() == 3 && batch[0].labels.value(u"severity"_s) == u"critical"_s);

    const QVector<SourceHealth> h = poller.health();
    QCOMPARE(h.size(), 3);
    QCOMPARE(h[0].state, SourceHealth::State::Live);
    QCOMPARE(h[0].alertCount, 3);
    QVERIFY(h[0].lastSuccessAt >= before);
    QCOMPARE(h[1].state, SourceHealth::State::Unreachable);
    QVERIFY(!h[1].lastError.isEmpty());
    QVERIFY(!h[1].lastSuccessAt.isValid());
    QCOMPARE(h[2].state, SourceHealth::State::Live);
    QCOMPARE(h[2].id, AlertmanagerPoller::sourceIdFor(m_amB.url()));
    QCOMPARE(health.size(), 3); // one report per URL per round

    // A second round with nothing changed delivers the same firing set again (the store counts
    // repeats), and resolves nothing.
    const auto again = runRound(poller, sink);
    QCOMPARE(again.size(), 1);
    QCOMPARE(again[0].size(), 3);
    for (const Alert& a : again[0])
        QVERIFY(a.isFiring());
}

void TestAlertmanagerPoller::vanishedAlertsBecomeResolved()
{
    const QDateTime later = QDateTime::currentDateTimeUtc().addSecs(3600);
    const QJsonArray alerts{postableAlert(u"QueueLag"_s, u"kafka-0"_s, later),
                            postableAlert(u"CacheDown"_s, u"redis-0"_s, later)};
    QVERIFY(postAlerts(m_amA.url(), alerts));
    QVERIFY(postAlerts(m_amB.url(), alerts));

    RecordingSink sink;
    AlertmanagerPoller poller(&sink, {m_amA.url(), m_amB.url()});
    auto first = runRound(poller, sink);
    QCOMPARE(first.size(), 1);
    QString cacheFingerprint;
    for (const Alert& a : first[0]) {
        if (a.service() == u"redis-0")
            cacheFingerprint = a.fingerprint;
    }
    QVERIFY(!cacheFingerprint.isEmpty());

    // The cache recovers: Prometheus re-sends it with endsAt in the past, to both.
    const QJsonArray resolved{postableAlert(u"CacheDown"_s, u"redis-0"_s, QDateTime::currentDateTimeUtc().addSecs(-1))};
    QVERIFY(postAlerts(m_amA.url(), resolved));
    QVERIFY(postAlerts(m_amB.url(), resolved));

    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    const auto second = runRound(poller, sink);
    QCOMPARE(second.size(), 1);
    int resolvedCount = 0;
    for (const Alert& a : second[0]) {
        if (a.fingerprint == cacheFingerprint) {
            QCOMPARE(a.status, Alert::Status::Resolved);
            QVERIFY(a.endsAt >= before);
            QCOMPARE(a.service(), u"redis-0"_s);
            ++resolvedCount;
        } else {
            QVERIFY(a.isFiring());
        }
    }
    QCOMPARE(resolvedCount, 1);

    // Resolved once, not on every later round.
    const auto third = runRound(poller, sink);
    QCOMPARE(third.size(), 1);
    for (const Alert& a : third[0])
        QVERIFY(a.fingerprint != cacheFingerprint);
}

// A scripted Alertmanager: answers /api/v2/alerts with whatever the test sets.
class FakeAlertmanager
{
public:
    FakeAlertmanager()
    {
        m_server.route(u"/api/v2/alerts"_s, [this](const QHttpServerRequest&) {
            return QHttpServerResponse(QByteArrayLiteral("application/json"), body, status);
        });
        port = m_server.listen(QHostAddress::LocalHost, 0);
    }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1"_s.arg(port)); }

    QByteArray body = "[]";
    QHttpServerResponse::StatusCode status = QHttpServerResponse::StatusCode::Ok;
    quint16 port = 0;

private:
    QHttpServer m_server;
};

static QByteArray fakeAlerts(const QStringList& services)
{
    QJsonArray out;
    for (const QString& s : services) {
        out.append(QJsonObject{
            {u"labels"_s, QJsonObject{{u"alertname"_s, u"Down"_s}, {u"service"_s, s}}},
            {u"annotations"_s, QJsonObject{}},
            {u"startsAt"_s, u"2026-11-27T23:47:00.123456789Z"_s},
            {u"endsAt"_s, u"2026-11-28T00:47:00Z"_s},
            {u"updatedAt"_s, u"2026-11-27T23:47:00Z"_s},
            {u"fingerprint"_s, u"fp-"_s + s},
            {u"status"_s,
             QJsonObject{{u"state"_s, u"active"_s}, {u"silencedBy"_s, QJsonArray{}}, {u"inhibitedBy"_s, QJsonArray{}}}},
            {u"receivers"_s, QJsonArray{QJsonObject{{u"name"_s, u"null"_s}}}}});
    }
    return QJsonDocument(out).toJson(QJsonDocument::Compact);
}

void TestAlertmanagerPoller::failuresMarkOnlyTheirSource_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("expectedError");
    QTest::addColumn<qint64>("maxAnswerBytes");
    const qint64 normal = AlertmanagerPoller::defaultMaxAnswerBytes;
    QTest::addRow("http 500") << QByteArray("oops") << 500 << u"500"_s << normal;
    QTest::addRow("bad json") << QByteArray("[{\"labels\":") << 200 << u"bad response"_s << normal;
    QTest::addRow("wrong shape") << QByteArray("{\"alerts\":[]}") << 200 << u"must be a JSON array"_s << normal;
    QTest::addRow("label not string") << QByteArray(R"([{"labels":{"a":1},"startsAt":"2026-11-27T23:47:00Z"}])") << 200
                                      << u"alerts[0].labels.a must be a string"_s << normal;
    // A valid answer, only too large: 8 MiB of whitespace around [] against a 1 MiB cap.
    QTest::addRow("answer over the cap") << QByteArray(8 * 1024 * 1024, ' ') + "[]" << 200
                                         << u"answer exceeds the size limit of 1 MiB"_s << qint64(1024 * 1024);
    QTest::addRow("answer over the default cap") << QByteArray(65 * 1024 * 1024, ' ') + "[]" << 200
                                                 << u"answer exceeds the size limit of 64 MiB"_s << normal;
}

void TestAlertmanagerPoller::failuresMarkOnlyTheirSource()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, expectedError);
    QFETCH(qint64, maxAnswerBytes);
    FakeAlertmanager good;
    good.body = fakeAlerts({u"a"_s, u"b"_s});
    FakeAlertmanager broken;
    broken.body = body;
    broken.status = QHttpServerResponse::StatusCode(status);

    RecordingSink sink;
    AlertmanagerPoller poller(&sink, {broken.url(), good.url()});
    poller.setMaxAnswerBytes(maxAnswerBytes);
    const auto batches = runRound(poller, sink);
    QCOMPARE(batches.size(), 1);
    QCOMPARE(batches[0].size(), 2);
    QCOMPARE(batches[0][0].source, AlertmanagerPoller::sourceIdFor(good.url()));
    QCOMPARE(batches[0][0].startsAt, QDateTime(QDate(2026, 11, 27), QTime(23, 47, 0, 123), Qt::UTC));
    const auto h = poller.health();
    QCOMPARE(h[0].state, SourceHealth::State::Unreachable);
    QVERIFY2(h[0].lastError.contains(expectedError), qPrintable(h[0].lastError));
    QCOMPARE(h[1].state, SourceHealth::State::Live);

    // It recovers as soon as it answers properly.
    broken.body = "[]";
    broken.status = QHttpServerResponse::StatusCode::Ok;
    runRound(poller, sink);
    QCOMPARE(poller.health()[0].state, SourceHealth::State::Live);
    QVERIFY(poller.health()[0].lastError.isEmpty());
}

void TestAlertmanagerPoller::outageIsNotRecovery()
{
    // x is only on the first Alertmanager; when that one fails, x must not be reported resolved.
    FakeAlertmanager first;
    first.body = fakeAlerts({u"x"_s, u"shared"_s});
    FakeAlertmanager second;
    second.body = fakeAlerts({u"shared"_s});
    RecordingSink sink;
    AlertmanagerPoller poller(&sink, {first.url(), second.url()});
    QCOMPARE(runRound(poller, sink).value(0).size(), 2);

    first.status = QHttpServerResponse::StatusCode::ServiceUnavailable;
    auto batches = runRound(poller, sink);
    QCOMPARE(batches.size(), 1);
    QCOMPARE(batches[0].size(), 1);
    QCOMPARE(batches[0][0].fingerprint, u"fp-shared"_s);
    QVERIFY(batches[0][0].isFiring());

    // Back, and x is really gone now: resolved.
    first.status = QHttpServerResponse::StatusCode::Ok;
    first.body = fakeAlerts({u"shared"_s});
    batches = runRound(poller, sink);
    QCOMPARE(batches.size(), 1);
    QCOMPARE(batches[0].size(), 2);
    QCOMPARE(batches[0][1].fingerprint, u"fp-x"_s);
    QCOMPARE(batches[0][1].status, Alert::Status::Resolved);
}

void TestAlertmanagerPoller::refusedRoundIsRetried()
{
    FakeAlertmanager am;
    am.body = fakeAlerts({u"x"_s});
    RecordingSink sink;
    AlertmanagerPoller poller(&sink, {am.url()});
    QSignalSpy rounds(&poller, &AlertmanagerPoller::roundFinished);
    runRound(poller, sink);
    am.body = "[]";
    sink.fail = true;
    QVERIFY(runRound(poller, sink).isEmpty());
    QCOMPARE(rounds.last().at(2).toBool(), false);
    sink.fail = false;
    // The resolve the sink refused is delivered by the next round.
    const auto batches = runRound(poller, sink);
    QCOMPARE(batches.size(), 1);
    QCOMPARE(batches[0].size(), 1);
    QCOMPARE(batches[0][0].status, Alert::Status::Resolved);
}

void TestAlertmanagerPoller::staleWhenAnswersStop()
{
    // Accepts connections and answers only while `answering`: a hung Alertmanager is not an error
    // (no reply, no timeout yet) but its data must stop counting as live after 3 intervals.
    QTcpServer hung;
    QVERIFY(hung.listen(QHostAddress::LocalHost, 0));
    bool answering = true;
    connect(&hung, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket* s = hung.nextPendingConnection()) {
            connect(s, &QTcpSocket::readyRead, s, [s, &answering] {
                s->readAll();
                if (answering)
                    s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]");
            });
        }
    });
    RecordingSink sink;
    AlertmanagerPoller poller(&sink, {QUrl(u"http://127.0.0.1:%1"_s.arg(hung.serverPort()))});
    poller.setInterval(200);
    poller.setRequestTimeout(10'000);
    runRound(poller, sink);
    QCOMPARE(poller.health()[0].state, SourceHealth::State::Live);

    answering = false;
    QSignalSpy health(&poller, &AlertmanagerPoller::healthChanged);
    poller.start();
    QTRY_COMPARE_WITH_TIMEOUT(poller.health()[0].state, SourceHealth::State::Stale, 5000);
    QVERIFY(!health.isEmpty());
    QCOMPARE(health.last().at(0).value<SourceHealth>().state, SourceHealth::State::Stale);
    poller.stop();
}

QTEST_GUILESS_MAIN(TestAlertmanagerPoller)
#include "tst_alertmanagerpoller.moc"
