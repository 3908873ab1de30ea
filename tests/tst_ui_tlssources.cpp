// The console polling its sources as a company deploys them: the real Alertmanager behind a TLS + bearer proxy
// (private CA, Grafana-style path prefix) and the real Prometheus behind one that wants a tenant header too. The
// header strip must show both live with how each is reached (never a secret), an incident must come from the
// Alertmanager's alert, and Prometheus must have been asked through its proxy with the tenant. When the Prometheus
// behind the proxy dies, its chip says unreachable with the error, and nothing else changes: metrics down does not
// mean alerts are missed. NIGHTWATCH_SCREENSHOT_DIR=/some/dir keeps the windows (docs/screenshot-tls-sources.png).

#include "alertmanagerprocess.h"
#include "feedstatus.h"
#include "mainwindow.h"
#include "pipeline/consoleruntime.h"
#include "prometheusprocess.h"
#include "sourcehealthbar.h"
#include "sourcehealthmodel.h"
#include "tlsauthproxy.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

class TestUiTlsSources : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pollsThroughTlsBearerAndTenant();
    void deadPrometheusShowsOnItsChipOnly();
};

namespace {
// What one source's chip and model row say.
struct Chip
{
    SourceHealth::State state = SourceHealth::State::Stale;
    QString text;    // visible
    QString tooltip; // the whole story
    QString access;
};

Chip chipOf(MainWindow& window, const QString& idPrefix)
{
    const SourceHealthModel* model = window.sourceModel();
    const QStringList texts = window.sourceBar()->chipTexts();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        if (index.data(SourceHealthModel::SourceIdRole).toString().startsWith(idPrefix))
            return {SourceHealth::State(index.data(SourceHealthModel::StateRole).toInt()), texts.value(row),
                    index.data(Qt::ToolTipRole).toString(),
                    model->index(row, SourceHealthModel::AccessColumn).data().toString()};
    }
    return {};
}

// The real Alertmanager (one critical alert) and Prometheus, each behind its TLS + auth proxy, and the console
// reaching them through those.
struct Deployment
{
    QNetworkAccessManager nam;
    testsupport::AlertmanagerProcess am;
    testsupport::PrometheusProcess prometheus;
    testsupport::TestCertificates certs;
    testsupport::TlsAuthProxy amProxy;
    testsupport::TlsAuthProxy promProxy;
    QTemporaryDir dir;
    ConsoleRuntime::Config config;

    // Starts the servers, their proxies and the console.
    bool start(QString* error)
    {
        if (!am.start("route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n", nam, error))
            return false;
        const QJsonObject alert{
            {u"labels"_s, QJsonObject{{u"alertname"_s, u"HighLatency"_s}, {u"service"_s, u"checkout"_s},
                                      {u"severity"_s, u"critical"_s}}},
            {u"endsAt"_s, QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate)}};
        if (!am.postAlerts(QJsonArray{alert}, nam)) {
            *error = u"the alert was not posted"_s;
            return false;
        }
        if (!prometheus.start(nam, error) || !certs.make(error))
            return false;
        amProxy.upstream = am.url();
        amProxy.requiredAuthorization = "Bearer am-s3cret";
        amProxy.prefix = u"/api/alertmanager/grafana"_s;
        promProxy.upstream = prometheus.url();
        promProxy.requiredAuthorization = "Bearer prom-s3cret";
        promProxy.requiredTenant = "team-a";
        promProxy.prefix = u"/prometheus"_s;
        if (!amProxy.start(certs, false, error) || !promProxy.start(certs, false, error))
            return false;

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
        if (!config.alertmanagerAccess.loadFiles(error) || !config.prometheusAccess.loadFiles(error))
            return false;

        // The console at 1366×768, polling through the proxies.
        qRegisterMetaType<IncidentSnapshotPtr>();
        window.resize(1366, 768);
        window.show();
        runtime = std::make_unique<ConsoleRuntime>(config);
        QObject::connect(runtime.get(), &ConsoleRuntime::snapshotReady, &window, &MainWindow::setSnapshot);
        runtime->start();
        return QTest::qWaitForWindowExposed(&window);
    }

    Chip amChip() { return chipOf(window, u"alertmanager-poll:"_s); }
    Chip promChip() { return chipOf(window, u"prometheus:"_s); }
    bool bothLive()
    {
        return amChip().state == SourceHealth::State::Live && promChip().state == SourceHealth::State::Live;
    }

    MainWindow window;
    std::unique_ptr<ConsoleRuntime> runtime; // stops before the window and the proxies go
};

void saveShot(QWidget* window, const QString& name)
{
    const QString shots = qEnvironmentVariable("NIGHTWATCH_SCREENSHOT_DIR");
    if (!shots.isEmpty())
        QVERIFY(window->grab().save(QDir(shots).filePath(name), "PNG"));
}
} // namespace

void TestUiTlsSources::pollsThroughTlsBearerAndTenant()
{
    QString error;
    Deployment d;
    QVERIFY2(d.start(&error), qPrintable(error));
    MainWindow& window = d.window;
    const auto am = [&d] { return d.amChip(); };
    const auto prom = [&d] { return d.promChip(); };
    // The proxies run on this thread: the event loop turns while the console polls through them.
    QTRY_VERIFY_WITH_TIMEOUT(d.bothLive() && window.snapshot() && !window.snapshot()->incidents.isEmpty(), 30'000);
    QCOMPARE(window.sourceModel()->rowCount(), 2); // the Alertmanager and the Prometheus, both live
    QCOMPARE(window.snapshot()->incidents.first().alerts.first().latest.alertName(), u"HighLatency"_s);
    QVERIFY(!d.amProxy.tenantsSeen.isEmpty()); // every poll went through the TLS + bearer proxy
    // The incident's metrics are asked of Prometheus through its proxy, with the tenant.
    QTRY_VERIFY_WITH_TIMEOUT(!d.promProxy.tenantsSeen.isEmpty(), 30'000);
    QVERIFY(d.promProxy.tenantsSeen.contains(QByteArray("team-a")));

    // How each is reached, on the chip itself at 1366 px: TLS with the own CA, the bearer, the tenant.
    QCOMPARE(am().access, u"TLS (own CA) · bearer"_s);
    QCOMPARE(prom().access, u"TLS (own CA) · bearer · X-Scope-OrgID team-a"_s);
    QVERIFY2(am().text.contains(u"live · TLS (own CA) · bearer"_s), qPrintable(am().text));
    QVERIFY2(prom().text.contains(u"live · TLS (own CA) · bearer · X-Scope-OrgID team-a"_s),
             qPrintable(prom().text));
    for (const Chip& chip : {am(), prom()}) // never a secret, neither on the chip nor in its tooltip
        QVERIFY2(!(chip.text + chip.tooltip).contains(u"s3cret"_s), qPrintable(chip.tooltip));
    QTest::qWait(300); // the metrics pane repaints with the answer
    saveShot(&window, u"screenshot-tls-sources.png"_s);
}

void TestUiTlsSources::deadPrometheusShowsOnItsChipOnly()
{
    QString error;
    Deployment d;
    QVERIFY2(d.start(&error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(d.bothLive(), 30'000);

    // The Prometheus behind the proxy dies; its proxy answers 502 from then on.
    d.prometheus.stop();
    QTRY_VERIFY_WITH_TIMEOUT(d.promChip().state == SourceHealth::State::Unreachable, 30'000);
    const Chip dead = d.promChip();
    QVERIFY2(dead.text.contains(u"unreachable"_s) && dead.text.contains(u"HTTP 502"_s), qPrintable(dead.text));
    QVERIFY2(dead.tooltip.contains(u"Last error: HTTP 502"_s), qPrintable(dead.tooltip));
    // Alerts still arrive: the Alertmanager stays live and nothing says its alerts could be missing.
    QCOMPARE(d.amChip().state, SourceHealth::State::Live);
    QTRY_VERIFY_WITH_TIMEOUT(d.window.snapshot() && !d.window.snapshot()->incidents.isEmpty(), 30'000);
    QVERIFY(FeedStatus::of(d.window.snapshot()->sources).allLive);
    saveShot(&d.window, u"tls-sources-prometheus-down.png"_s);
}

QTEST_MAIN(TestUiTlsSources)
#include "tst_ui_tlssources.moc"
