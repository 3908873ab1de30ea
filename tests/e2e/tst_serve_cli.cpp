// `nightwatch-cli serve` as an operator runs it: the headless console takes Alertmanager webhooks on a
// loopback port, answers 400 with a reason to garbage and 200 once stored, and stops cleanly on SIGTERM
// with everything in its database.

#include "store/store.h"

#include "../alertmanagerprocess.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

class TestServeCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void servesWebhooksIntoTheDatabase();

private:
    int post(const QUrl& url, const QByteArray& body, QByteArray* answer);
    QNetworkAccessManager m_nam;
};

int TestServeCli::post(const QUrl& url, const QByteArray& body, QByteArray* answer)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = m_nam.post(request, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(10'000);
    *answer = reply->readAll();
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void TestServeCli::servesWebhooksIntoTheDatabase()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"serve.sqlite"_s);
    const quint16 port = testsupport::freePort();
    QProcess serve;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, dir.path());
    env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
    serve.setProcessEnvironment(env);
    serve.start(QStringLiteral(NIGHTWATCH_CLI),
                {u"serve"_s, u"--db"_s, db, u"--listen"_s, u"127.0.0.1:%1"_s.arg(port), u"--graph"_s,
                 QStringLiteral(NIGHTWATCH_SOURCE_DIR) + u"/resources/demo/blackfriday-graph.json"_s});
    QByteArray output;
    connect(&serve, &QProcess::readyReadStandardOutput, this, [&] { output += serve.readAllStandardOutput(); });
    QVERIFY(serve.waitForStarted(10'000));
    QTRY_VERIFY_WITH_TIMEOUT(output.contains("webhook: listening") || serve.state() == QProcess::NotRunning, 20'000);
    QCOMPARE(serve.state(), QProcess::Running);

    const QUrl url(u"http://127.0.0.1:%1/api/v1/alerts/alertmanager"_s.arg(port));
    QByteArray answer;
    QCOMPARE(post(url, "{\"version\":", &answer), 400);
    QVERIFY2(answer.contains("\"error\""), answer.constData());

    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    const QByteArray payload =
        (uR"({"version":"4","status":"firing","receiver":"nightwatch","groupLabels":{},"commonLabels":{},)"
         uR"("commonAnnotations":{},"externalURL":"http://am","alerts":[)"
         uR"({"status":"firing","labels":{"alertname":"DatabaseConnectionPoolExhausted","service":"order-service",)"
         uR"("severity":"critical"},"annotations":{},"startsAt":"%1","endsAt":"0001-01-01T00:00:00Z"},)"
         uR"({"status":"firing","labels":{"alertname":"UpstreamTimeouts","service":"payment-service",)"
         uR"("severity":"critical"},"annotations":{},"startsAt":"%1","endsAt":"0001-01-01T00:00:00Z"}]})"_s)
            .arg(now)
            .toUtf8();
    QCOMPARE(post(url, payload, &answer), 200);

    // 200 means committed: another connection sees it while the server still runs.
    {
        Store store(u"serve-reader"_s);
        QString error;
        QVERIFY2(store.open(db, &error), qPrintable(error));
        QCOMPARE(store.notificationCount(), 2);
        QCOMPARE(store.alertCount(), 2);
    }

    ::kill(pid_t(serve.processId()), SIGTERM);
    QVERIFY(serve.waitForFinished(10'000));
    QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
    QCOMPARE(serve.exitCode(), 0);

    Store store(u"serve-after"_s);
    QString error;
    QVERIFY2(store.open(db, &error), qPrintable(error));
    // Two alerts are too few to believe a shared cause (the correlator waits for more of the blast radius),
    // so what counts here is that every alert is in a stored incident.
    qsizetype members = 0;
    for (const Incident& incident : store.loadIncidents())
        members += incident.alerts.size();
    QCOMPARE(members, 2);
}

QTEST_GUILESS_MAIN(TestServeCli)
#include "tst_serve_cli.moc"
