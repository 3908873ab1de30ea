// The console polling its sources as a company deploys them: the real Alertmanager behind a TLS + bearer proxy
// (private CA, Grafana-style path prefix) and the real Prometheus behind one that wants a tenant header too. The
// header strip must say the Alertmanager source is live, an incident must come from its alert, and Prometheus must
// have been asked through its proxy with the tenant. NIGHTWATCH_SCREENSHOT_DIR=/some/dir keeps the window
// (docs/screenshot-tls-sources.png).

#include "alertmanagerprocess.h"
#include "mainwindow.h"
#include "pipeline/consoleruntime.h"
#include "prometheusprocess.h"
#include "sourcehealthmodel.h"
#include "tlsauthproxy.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestUiTlsSources : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pollsThroughTlsBearerAndTenant();
};

void TestUiTlsSources::pollsThroughTlsBearerAndTenant()
{
    qRegisterMetaType<IncidentSnapshotPtr>();
    QNetworkAccessManager nam;
    QString error;
    testsupport::AlertmanagerProcess am;
    QVERIFY2(am.start("route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n", nam, &error), qPrintable(error));
    const QJsonObject alert{
        {u"labels"_s, QJsonObject{{u"alertname"_s, u"HighLatency"_s}, {u"service"_s, u"checkout"_s},
                                  {u"severity"_s, u"critical"_s}}},
        {u"endsAt"_s, QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate)}};
    QVERIFY(am.postAlerts(QJsonArray{alert}, nam));
    testsupport::PrometheusProcess prometheus;
    QVERIFY2(prometheus.start(nam, &error), qPrintable(error));

    testsupport::TestCertificates certs;
    QVERIFY2(certs.make(&error), qPrintable(error));
    testsupport::TlsAuthProxy amProxy;
    amProxy.upstream = am.url();
    amProxy.requiredAuthorization = "Bearer am-s3cret";
    amProxy.prefix = u"/api/alertmanager/grafana"_s;
    QVERIFY2(amProxy.start(certs, false, &error), qPrintable(error));
    testsupport::TlsAuthProxy promProxy;
    promProxy.upstream = prometheus.url();
    promProxy.requiredAuthorization = "Bearer prom-s3cret";
    promProxy.requiredTenant = "team-a";
    promProxy.prefix = u"/prometheus"_s;
    QVERIFY2(promProxy.start(certs, false, &error), qPrintable(error));

    QTemporaryDir dir;
    ConsoleRuntime::Config config;
    config.databasePath = dir.filePath(u"console.sqlite"_s);
    config.webhookEnabled = false;
    config.pollIntervalMs = 1000;
    config.alertmanagerUrls = {amProxy.url(u"/api/alertmanager/grafana"_s)};
    config.alertmanagerAccess.caFile = certs.caCert();
    config.alertmanagerAccess.bearerToken = u"am-s3cret"_s;
    config.prometheusUrls = {promProxy.url(u"/prometheus"_s)};
    config.prometheusAccess.caFile = certs.caCert();
    config.prometheusAccess.bearerToken = u"prom-s3cret"_s;
    config.prometheusAccess.headers.append({QByteArray("X-Scope-OrgID"), QByteArray("team-a")});
    QVERIFY2(config.alertmanagerAccess.loadFiles(&error), qPrintable(error));
    QVERIFY2(config.prometheusAccess.loadFiles(&error), qPrintable(error));

    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    ConsoleRuntime runtime(config);
    connect(&runtime, &ConsoleRuntime::snapshotReady, &window, &MainWindow::setSnapshot);
    runtime.start();

    // The proxies run on this thread: the event loop turns while the console polls through them.
    const auto liveSources = [&window] {
        QStringList live;
        const SourceHealthModel* model = window.sourceModel();
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex index = model->index(row, 0);
            if (index.data(SourceHealthModel::StateRole).toInt() == int(SourceHealth::State::Live))
                live << index.data(SourceHealthModel::SourceIdRole).toString();
        }
        return live;
    };
    QTRY_VERIFY_WITH_TIMEOUT(!liveSources().isEmpty() && window.snapshot() && !window.snapshot()->incidents.isEmpty(),
                             30'000);
    QCOMPARE(window.sourceModel()->rowCount(), 1); // the one Alertmanager, and it is live
    QCOMPARE(window.snapshot()->incidents.first().alerts.first().latest.alertName(), u"HighLatency"_s);
    QVERIFY(!amProxy.tenantsSeen.isEmpty()); // every poll went through the TLS + bearer proxy
    // The incident's metrics are asked of Prometheus through its proxy, with the tenant.
    QTRY_VERIFY_WITH_TIMEOUT(!promProxy.tenantsSeen.isEmpty(), 30'000);
    QVERIFY(promProxy.tenantsSeen.contains(QByteArray("team-a")));
    QTest::qWait(300); // the metrics pane repaints with the answer
    const QString shots = qEnvironmentVariable("NIGHTWATCH_SCREENSHOT_DIR");
    if (!shots.isEmpty())
        QVERIFY(window.grab().save(QDir(shots).filePath(u"screenshot-tls-sources.png"_s), "PNG"));
}

QTEST_MAIN(TestUiTlsSources)
#include "tst_ui_tlssources.moc"
