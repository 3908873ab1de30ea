// Sources as companies deploy them: the real Alertmanager and Prometheus behind a TLS + auth proxy on loopback
// (tests/tlsauthproxy.h), with certificates the test makes. Each case changes one thing (token, tenant header,
// CA, client certificate, path prefix) and checks the source is reached, or shown unreachable with the reason.

#include "alertmanagerprocess.h"
#include "ingest/alertmanagerpoller.h"
#include "ingest/alertsink.h"
#include "ingest/sourceaccess.h"
#include "ingest/sourceaccessspec.h"
#include "metrics/prometheusclient.h"
#include "prometheusprocess.h"
#include "secrets/secretref.h"
#include "tlsauthproxy.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMutex>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using testsupport::AlertmanagerProcess;
using testsupport::PrometheusProcess;
using testsupport::TestCertificates;
using testsupport::TlsAuthProxy;

namespace {

class CountingSink : public AlertSink
{
public:
    bool submit(const AlertBatch&, QString*) override { return true; }
};

enum class Ca
{
    None,
    Right,
    Other
};

} // namespace

Q_DECLARE_METATYPE(Ca)

class TestSourceAccess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void specResolves_data();
    void specResolves();
    void credentialsNeverCrossPlainHttp_data();
    void credentialsNeverCrossPlainHttp();
    void describeNamesNoSecret_data();
    void describeNamesNoSecret();
    void alertmanagerBehindProxy_data();
    void alertmanagerBehindProxy();
    void prometheusBehindProxy_data();
    void prometheusBehindProxy();

private:
    SourceAccess accessFor(Ca ca, bool clientCert);

    QNetworkAccessManager m_nam;
    TestCertificates m_certs;
    AlertmanagerProcess m_am;
    PrometheusProcess m_prometheus;
};

void TestSourceAccess::initTestCase()
{
    qRegisterMetaType<SourceHealth>();
    QString error;
    QVERIFY2(m_certs.make(&error), qPrintable(error));
    QVERIFY2(m_am.start("route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n", m_nam, &error),
             qPrintable(error));
    QJsonObject alert{{u"labels"_s, QJsonObject{{u"alertname"_s, u"HighLatency"_s}, {u"service"_s, u"checkout"_s}}},
                      {u"endsAt"_s, QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate)}};
    QVERIFY(m_am.postAlerts(QJsonArray{alert}, m_nam));
    QVERIFY2(m_prometheus.start(m_nam, &error), qPrintable(error));
}

SourceAccess TestSourceAccess::accessFor(Ca ca, bool clientCert)
{
    SourceAccess access;
    if (ca == Ca::Right)
        access.caFile = m_certs.caCert();
    else if (ca == Ca::Other)
        access.caFile = m_certs.otherCaCert();
    if (clientCert) {
        access.clientCertFile = m_certs.clientCert();
        access.clientKeyFile = m_certs.clientKey();
    }
    return access;
}

void TestSourceAccess::specResolves_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QStringList>("headers");
    QTest::addColumn<QString>("caFile");
    QTest::addColumn<QString>("errorPart"); // empty: resolves
    QTest::addColumn<QByteArray>("authorization");

    const QString ca = QStringLiteral("%1/ca.crt"); // %1: the certificates' folder
    QTest::addRow("token from the environment")
        << u"env:NW_TEST_TOKEN"_s << u""_s << u""_s << QStringList{} << u""_s << u""_s << QByteArray("Bearer from-env");
    QTest::addRow("default token variable")
        << u""_s << u""_s << u""_s << QStringList{} << u""_s << u""_s << QByteArray("Bearer default-env");
    QTest::addRow("plain-text token refused")
        << u"s3cret"_s << u""_s << u""_s << QStringList{} << u""_s
        << u"--alertmanager-token: a secret must be given as env:"_s << QByteArray();
    QTest::addRow("unset variable refused") << u"env:NW_TEST_UNSET"_s << u""_s << u""_s << QStringList{} << u""_s
                                            << u"NW_TEST_UNSET is not set"_s << QByteArray();
    QTest::addRow("basic auth") << u""_s << u"am"_s << u"env:NW_TEST_PASSWORD"_s << QStringList{} << u""_s << u""_s
                                << QByteArray("Basic " + QByteArray("am:pw").toBase64());
    QTest::addRow("password without user") << u""_s << u""_s << u"env:NW_TEST_PASSWORD"_s << QStringList{} << u""_s
                                           << u"needs --alertmanager-user"_s << QByteArray();
    QTest::addRow("tenant header") << u""_s << u""_s << u""_s << QStringList{u"X-Scope-OrgID: team-a"_s} << u""_s
                                   << u""_s << QByteArray("Bearer default-env");
    QTest::addRow("malformed header") << u""_s << u""_s << u""_s << QStringList{u"X-Scope-OrgID team-a"_s} << u""_s
                                      << u"expected 'Name: value'"_s << QByteArray();
    QTest::addRow("Authorization as a header refused")
        << u""_s << u""_s << u""_s << QStringList{u"Authorization: Bearer x"_s} << u""_s
        << u"Authorization is a secret"_s << QByteArray();
    QTest::addRow("CA file read") << u""_s << u""_s << u""_s << QStringList{} << ca << u""_s
                                  << QByteArray("Bearer default-env");
    QTest::addRow("missing CA file") << u""_s << u""_s << u""_s << QStringList{} << u"/nonexistent/ca.pem"_s
                                     << u"cannot read /nonexistent/ca.pem"_s << QByteArray();
}

void TestSourceAccess::specResolves()
{
    QFETCH(QString, token);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QStringList, headers);
    QFETCH(QString, caFile);
    QFETCH(QString, errorPart);
    QFETCH(QByteArray, authorization);
    qputenv("NW_TEST_TOKEN", "from-env");
    qputenv("NW_TEST_PASSWORD", "pw");
    qunsetenv("NW_TEST_UNSET");
    qputenv("NW_TEST_DEFAULT_TOKEN", "default-env");

    SourceAccessSpec spec;
    spec.token = token;
    spec.user = user;
    spec.password = password;
    spec.headers = headers;
    spec.caFile = caFile.contains(u"%1"_s) ? caFile.arg(m_certs.dir->path()) : caFile;
    QString error;
    const auto access = spec.resolve(u"alertmanager"_s, u"NW_TEST_DEFAULT_TOKEN"_s, &error);
    if (!errorPart.isEmpty()) {
        QVERIFY(!access);
        QVERIFY2(error.contains(errorPart), qPrintable(error));
        QVERIFY2(!error.contains(u"s3cret"_s), "the error must not echo the secret");
        return;
    }
    QVERIFY2(access, qPrintable(error));
    const QNetworkRequest request = access->request(QUrl(u"https://am.example/api/v2/alerts"_s));
    QCOMPARE(request.rawHeader("Authorization"), authorization);
    for (const QString& h : headers)
        QCOMPARE(request.rawHeader(h.section(u':', 0, 0).toLatin1()), h.section(u':', 1).trimmed().toUtf8());
}

void TestSourceAccess::credentialsNeverCrossPlainHttp_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("withToken");
    QTest::addColumn<bool>("refused");
    QTest::addRow("http to another host") << u"http://am.example:9093"_s << true << true;
    QTest::addRow("http to a private address") << u"http://10.0.0.5:9093"_s << true << true;
    QTest::addRow("http to 127.0.0.1") << u"http://127.0.0.1:9093"_s << true << false;
    QTest::addRow("http to localhost") << u"http://localhost:9093"_s << true << false;
    QTest::addRow("http to ::1") << u"http://[::1]:9093"_s << true << false;
    QTest::addRow("https to another host") << u"https://am.example"_s << true << false;
    QTest::addRow("http without credentials") << u"http://am.example:9093"_s << false << false;
}

void TestSourceAccess::credentialsNeverCrossPlainHttp()
{
    QFETCH(QString, url);
    QFETCH(bool, withToken);
    QFETCH(bool, refused);
    SourceAccess access;
    if (withToken)
        access.bearerToken = u"s3cret"_s;
    QCOMPARE(!access.refusalFor(QUrl(url)).isEmpty(), refused);
    // Even if a caller skipped the check, the request carries no credentials.
    const QNetworkRequest request = access.request(SourceAccess::join(QUrl(url), u"/api/v2/alerts"_s));
    QCOMPARE(request.hasRawHeader("Authorization"), withToken && !refused);
}

void TestSourceAccess::describeNamesNoSecret_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QStringList>("spec"); // bearer token, basic user, basic password, CA file, headers...
    QTest::addColumn<QString>("described");

    QTest::addRow("Grafana: TLS, own CA, bearer") << u"https://grafana/api/alertmanager/grafana"_s
                                                  << QStringList{u"glsa_s3cret"_s, {}, {}, u"ca.pem"_s}
                                                  << u"TLS (own CA) · bearer"_s;
    QTest::addRow("Mimir: tenant shown, other header by name")
        << u"https://mimir/prometheus"_s
        << QStringList{{}, {}, {}, {}, u"X-Scope-OrgID: team-a"_s, u"X-Api-Key: k3y-s3cret"_s}
        << u"TLS · X-Scope-OrgID team-a · X-Api-Key"_s;
    QTest::addRow("basic auth names the user") << u"http://127.0.0.1:9093"_s
                                               << QStringList{{}, u"ops"_s, u"pa55-s3cret"_s}
                                               << u"plain HTTP · basic auth as ops"_s;
    QTest::addRow("token withheld over plain HTTP")
        << u"http://am.example:9093"_s << QStringList{u"tok-s3cret"_s}
        << u"plain HTTP · credentials withheld (plain HTTP)"_s;
}

void TestSourceAccess::describeNamesNoSecret()
{
    QFETCH(QString, url);
    QFETCH(QStringList, spec);
    QFETCH(QString, described);
    SourceAccess access;
    access.bearerToken = spec.value(0);
    access.basicUser = spec.value(1);
    access.basicPassword = spec.value(2);
    access.caFile = spec.value(3);
    for (const QString& header : spec.mid(4)) {
        std::pair<QByteArray, QByteArray> parsed;
        QVERIFY(SourceAccess::parseHeader(header, &parsed));
        access.headers.append(parsed);
    }
    const QString text = access.describe(QUrl(url));
    QCOMPARE(text, described);
    QVERIFY(!text.contains(u"s3cret"_s));
}

void TestSourceAccess::alertmanagerBehindProxy_data()
{
    QTest::addColumn<bool>("mtls");           // the proxy demands a client certificate
    QTest::addColumn<QByteArray>("required"); // Authorization the proxy demands
    QTest::addColumn<QByteArray>("tenant");   // X-Scope-OrgID the proxy demands
    QTest::addColumn<QString>("prefix");      // path prefix the proxy serves under
    QTest::addColumn<QString>("token");       // what the console sends
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("tenantSent");
    QTest::addColumn<Ca>("ca");
    QTest::addColumn<bool>("clientCert");
    QTest::addColumn<QString>("path");      // the configured URL's path
    QTest::addColumn<QString>("errorPart"); // empty: live

    const QByteArray bearer = "Bearer s3cret";
    const QByteArray basic = "Basic " + QByteArray("nightwatch:pw").toBase64();
    const QString grafana = u"/api/alertmanager/grafana"_s;
    QTest::addRow("right token passes") << false << bearer << QByteArray() << u""_s << u"s3cret"_s << u""_s << u""_s
                                        << Ca::Right << false << u""_s << u""_s;
    QTest::addRow("wrong token: 401") << false << bearer << QByteArray() << u""_s << u"wrong"_s << u""_s << u""_s
                                      << Ca::Right << false << u""_s << u"HTTP 401"_s;
    QTest::addRow("missing token: 401") << false << bearer << QByteArray() << u""_s << u""_s << u""_s << u""_s
                                        << Ca::Right << false << u""_s << u"HTTP 401"_s;
    QTest::addRow("basic auth passes") << false << basic << QByteArray() << u""_s << u""_s << u"nightwatch"_s << u""_s
                                       << Ca::Right << false << u""_s << u""_s;
    QTest::addRow("tenant header forwarded") << false << QByteArray() << QByteArray("team-a") << u""_s << u""_s << u""_s
                                             << u"team-a"_s << Ca::Right << false << u""_s << u""_s;
    QTest::addRow("tenant header missing: 401") << false << QByteArray() << QByteArray("team-a") << u""_s << u""_s
                                                << u""_s << u""_s << Ca::Right << false << u""_s << u"HTTP 401"_s;
    QTest::addRow("private CA not given: untrusted") << false << QByteArray() << QByteArray() << u""_s << u""_s << u""_s
                                                     << u""_s << Ca::None << false << u""_s << u"SSL"_s;
    QTest::addRow("another CA pinned: untrusted") << false << QByteArray() << QByteArray() << u""_s << u""_s << u""_s
                                                  << u""_s << Ca::Other << false << u""_s << u"SSL"_s;
    QTest::addRow("mTLS with client certificate") << true << bearer << QByteArray() << u""_s << u"s3cret"_s << u""_s
                                                  << u""_s << Ca::Right << true << u""_s << u""_s;
    QTest::addRow("mTLS without client certificate: refused")
        << true << bearer << QByteArray() << u""_s << u"s3cret"_s << u""_s << u""_s << Ca::Right << false << u""_s
        << u"*"_s;
    QTest::addRow("Grafana path prefix") << false << bearer << QByteArray() << grafana << u"s3cret"_s << u""_s << u""_s
                                         << Ca::Right << false << grafana << u""_s;
    QTest::addRow("Mimir prefix with tenant")
        << false << QByteArray() << QByteArray("team-b") << u"/alertmanager"_s << u""_s << u""_s << u"team-b"_s
        << Ca::Right << false << u"/alertmanager/"_s << u""_s;
    QTest::addRow("prefix left out: 404") << false << bearer << QByteArray() << grafana << u"s3cret"_s << u""_s << u""_s
                                          << Ca::Right << false << u""_s << u"HTTP 404"_s;
}

void TestSourceAccess::alertmanagerBehindProxy()
{
    QFETCH(bool, mtls);
    QFETCH(QByteArray, required);
    QFETCH(QByteArray, tenant);
    QFETCH(QString, prefix);
    QFETCH(QString, token);
    QFETCH(QString, user);
    QFETCH(QString, tenantSent);
    QFETCH(Ca, ca);
    QFETCH(bool, clientCert);
    QFETCH(QString, path);
    QFETCH(QString, errorPart);

    TlsAuthProxy proxy;
    proxy.upstream = m_am.url();
    proxy.requiredAuthorization = required;
    proxy.requiredTenant = tenant;
    proxy.prefix = prefix;
    QString error;
    QVERIFY2(proxy.start(m_certs, mtls, &error), qPrintable(error));

    SourceAccess access = accessFor(ca, clientCert);
    access.bearerToken = token;
    access.basicUser = user;
    access.basicPassword = u"pw"_s;
    if (!tenantSent.isEmpty())
        access.headers.append({"X-Scope-OrgID", tenantSent.toUtf8()});
    QVERIFY2(access.loadFiles(&error), qPrintable(error));

    CountingSink sink;
    AlertmanagerPoller poller(&sink, {proxy.url(path)});
    poller.setAccess(access);
    poller.setRequestTimeout(10'000);
    QSignalSpy round(&poller, &AlertmanagerPoller::roundFinished);
    poller.pollNow();
    QVERIFY(round.wait(20'000));
    const SourceHealth health = poller.health().first();
    if (errorPart.isEmpty()) {
        QVERIFY2(health.state == SourceHealth::State::Live, qPrintable(health.lastError));
        QCOMPARE(health.alertCount, 1);
        QCOMPARE(round.first().at(0).toInt(), 1);
    } else {
        QCOMPARE(health.state, SourceHealth::State::Unreachable);
        QVERIFY2(errorPart == u"*" ? !health.lastError.isEmpty() : health.lastError.contains(errorPart),
                 qPrintable(health.lastError));
    }
    if (!tenantSent.isEmpty() && !proxy.tenantsSeen.isEmpty())
        QCOMPARE(proxy.tenantsSeen.first(), tenantSent.toUtf8());
}

void TestSourceAccess::prometheusBehindProxy_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("tenantSent");
    QTest::addColumn<int>("httpStatus"); // 200: a result
    QTest::addRow("token and tenant pass") << u"s3cret"_s << u"team-a"_s << 200;
    QTest::addRow("wrong token: 401") << u"wrong"_s << u"team-a"_s << 401;
    QTest::addRow("no tenant: 401") << u"s3cret"_s << u""_s << 401;
}

void TestSourceAccess::prometheusBehindProxy()
{
    QFETCH(QString, token);
    QFETCH(QString, tenantSent);
    QFETCH(int, httpStatus);
    TlsAuthProxy proxy;
    proxy.upstream = m_prometheus.url();
    proxy.requiredAuthorization = "Bearer s3cret";
    proxy.requiredTenant = "team-a";
    proxy.prefix = u"/prometheus"_s; // Prometheus behind a path-routing proxy
    QString error;
    QVERIFY2(proxy.start(m_certs, true, &error), qPrintable(error));

    SourceAccess access = accessFor(Ca::Right, true);
    access.bearerToken = token;
    if (!tenantSent.isEmpty())
        access.headers.append({"X-Scope-OrgID", tenantSent.toUtf8()});
    QVERIFY2(access.loadFiles(&error), qPrintable(error));
    PrometheusClient client(proxy.url(u"/prometheus"_s));
    client.setAccess(access);
    client.setRetries(0);
    QSignalSpy finished(&client, &PrometheusClient::finished);
    client.query(u"vector(42)"_s);
    QVERIFY(finished.wait(20'000));
    const auto result = finished.first().at(1).value<PrometheusResult>();
    QCOMPARE(result.httpStatus, httpStatus);
    if (httpStatus == 200) {
        QVERIFY2(result.ok(), qPrintable(result.error));
        QCOMPARE(result.series.size(), 1);
        QCOMPARE(result.series.first().points.first().value, 42.0);
    } else {
        QVERIFY(!result.ok());
    }
}

QTEST_GUILESS_MAIN(TestSourceAccess)
#include "tst_sourceaccess.moc"
