// `nightwatch-cli serve` reaching its sources as a company deploys them: the real Alertmanager behind a TLS +
// bearer + tenant proxy with a private CA and a Grafana-style path prefix, the token given as env:VARIABLE.
// The polled alert must land in the database; a token in plain text on the command line, or a token bound for
// plain http elsewhere, must refuse the start with the reason.

#include "store/store.h"

#include "../alertmanagerprocess.h"
#include "../tlsauthproxy.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

class TestServeSources : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pollsThroughTlsBearerAndTenant();
    void refusesUnsafeSecrets_data();
    void refusesUnsafeSecrets();

private:
    QProcessEnvironment environment(const QTemporaryDir& dir) const;
    QNetworkAccessManager m_nam;
};

QProcessEnvironment TestServeSources::environment(const QTemporaryDir& dir) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, dir.path());
    env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
    env.insert(u"XDG_DATA_HOME"_s, dir.filePath(u"data"_s));
    env.insert(u"AM_TOKEN"_s, u"s3cret"_s);
    return env;
}

void TestServeSources::pollsThroughTlsBearerAndTenant()
{
    QString error;
    testsupport::AlertmanagerProcess am;
    QVERIFY2(am.start("route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n", m_nam, &error), qPrintable(error));
    const QJsonObject alert{
        {u"labels"_s, QJsonObject{{u"alertname"_s, u"HighLatency"_s}, {u"service"_s, u"checkout"_s}}},
        {u"endsAt"_s, QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate)}};
    QVERIFY(am.postAlerts(QJsonArray{alert}, m_nam));
    testsupport::TestCertificates certs;
    QVERIFY2(certs.make(&error), qPrintable(error));
    testsupport::TlsAuthProxy proxy;
    proxy.upstream = am.url();
    proxy.requiredAuthorization = "Bearer s3cret";
    proxy.requiredTenant = "team-a";
    proxy.prefix = u"/api/alertmanager/grafana"_s;
    QVERIFY2(proxy.start(certs, false, &error), qPrintable(error));

    QTemporaryDir dir;
    const QString db = dir.filePath(u"serve.sqlite"_s);
    QProcess serve;
    serve.setProcessEnvironment(environment(dir));
    serve.setProcessChannelMode(QProcess::MergedChannels);
    serve.start(QStringLiteral(NIGHTWATCH_CLI),
                {u"serve"_s, u"--db"_s, db, u"--no-webhook"_s, u"--poll-interval"_s, u"1"_s, u"--alertmanager"_s,
                 proxy.url(u"/api/alertmanager/grafana"_s).toString(), u"--alertmanager-token"_s, u"env:AM_TOKEN"_s,
                 u"--alertmanager-header"_s, u"X-Scope-OrgID: team-a"_s, u"--alertmanager-ca"_s, certs.caCert()});
    QVERIFY(serve.waitForStarted(10'000));
    // The proxy runs on this thread: the event loop must turn while serve polls through it.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            Store store(u"serve-reader"_s);
            QString why;
            return serve.state() == QProcess::NotRunning || (store.open(db, &why) && store.alertCount() == 1);
        }(),
        30'000);
    QVERIFY2(serve.state() == QProcess::Running, serve.readAll().constData());
    QVERIFY(!proxy.tenantsSeen.isEmpty());
    QCOMPARE(proxy.tenantsSeen.first(), QByteArray("team-a"));
    ::kill(pid_t(serve.processId()), SIGTERM);
    QVERIFY(serve.waitForFinished(10'000));
}

void TestServeSources::refusesUnsafeSecrets_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("reason");
    QTest::addRow("token in plain text") << QStringList{u"--alertmanager"_s, u"https://am.example"_s,
                                                        u"--alertmanager-token"_s, u"s3cret"_s}
                                         << u"never in plain text"_s;
    QTest::addRow("token over plain http")
        << QStringList{u"--alertmanager"_s, u"http://am.example:9093"_s, u"--alertmanager-token"_s, u"env:AM_TOKEN"_s}
        << u"over plain http"_s;
    QTest::addRow("credentials in the URL")
        << QStringList{u"--prometheus"_s, u"https://u:p@prom.example"_s} << u"credentials in the URL"_s;
    QTest::addRow("client cert without key")
        << QStringList{u"--prometheus"_s, u"https://prom.example"_s, u"--prometheus-cert"_s, u"/etc/hostname"_s}
        << u"needs both the certificate and the key"_s;
}

void TestServeSources::refusesUnsafeSecrets()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    QProcess serve;
    serve.setProcessEnvironment(environment(dir));
    serve.setProcessChannelMode(QProcess::MergedChannels);
    serve.start(QStringLiteral(NIGHTWATCH_CLI),
                QStringList{u"serve"_s, u"--no-webhook"_s, u"--db"_s, dir.filePath(u"x.sqlite"_s)} + arguments);
    QVERIFY(serve.waitForFinished(20'000));
    const QString output = QString::fromUtf8(serve.readAll());
    QCOMPARE(serve.exitCode(), 2);
    QVERIFY2(output.contains(reason), qPrintable(output));
    QVERIFY2(!output.contains(u"s3cret"_s), "the secret must not be echoed");
}

QTEST_GUILESS_MAIN(TestServeSources)
#include "tst_serve_sources.moc"
