// The metrics panel end to end on the demo storm: the test writes an OpenMetrics file for the demo services
// (postgres-main's and order-service's connections climbing minutes before order-service's errors, each caller's
// errors and latency following in the order the demo feed's alerts fire), builds a TSDB with promtool and serves
// it with a real Prometheus. The demo feed is shifted onto that data, correlated and diagnosed as the console
// does it; IncidentMetrics fetches and judges the series; MetricChartsView shows them (docs/metrics-panel.png).
// Then Prometheus is killed: the next job must end degraded within the client's timeout and the panel say so
// while keeping its lines.

#include "correlate/correlator.h"
#include "diagnose/diagnoser.h"
#include "incidentsummarycard.h"
#include "ingest/scenarioreader.h"
#include "mainwindow.h"
#include "metricchartsview.h"
#include "metrics/incidentmetrics.h"
#include "metrics/prometheusclient.h"
#include "pipeline/pipeline.h"

#include "../prometheusprocess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using testsupport::PrometheusProcess;

namespace {

// The demo's first alert (order-service DatabaseConnectionPoolExhausted, 2026-11-27T23:47:00Z) lands here, a fixed
// instant in the past (2026-09-21T23:06:40Z) so the data never depends on today's date.
constexpr qint64 kT0 = 1'790'000'000;
constexpr qint64 kDataStart = kT0 - 3600; // on the 15 s grid of every query window (they start at T0 - 15 min)
constexpr qint64 kDataEnd = kT0 + 2400;
constexpr int kScrape = 15;
const QDateTime kFeedT0(QDate(2026, 11, 27), QTime(23, 47), Qt::UTC);

// When each series leaves its baseline, relative to T0, and where it goes: the causal story of the demo.
struct Shape
{
    const char* metric;
    const char* service;
    qint64 onset; // seconds from T0
    double before, after, noise;
};
const Shape kShapes[] = {
    {"pg_stat_activity_count", "postgres-main", -180, 120, 300, 0.04},
    {"pg_stat_activity_count", "order-service", -150, 35, 200, 0.04},
    {"http_error_ratio", "order-service", -30, 0.002, 0.18, 0.08},
    {"http_p99_seconds", "order-service", 0, 0.21, 8.2, 0.06},
    {"http_error_ratio", "payment-service", 40, 0.001, 0.23, 0.08},
    {"http_p99_seconds", "payment-service", 40, 0.15, 4.0, 0.06},
    {"http_p99_seconds", "inventory-service", 48, 0.12, 3.5, 0.06},
    {"http_error_ratio", "inventory-service", 75, 0.001, 0.09, 0.08},
    {"http_error_ratio", "checkout-service", 62, 0.002, 0.31, 0.08},
    {"http_p99_seconds", "checkout-service", 70, 0.3, 6.0, 0.06},
    {"http_error_ratio", "notification-service", 98, 0.001, 0.12, 0.08},
    {"http_error_ratio", "api-gateway", 105, 0.001, 0.18, 0.08},
    {"http_p99_seconds", "api-gateway", 110, 0.25, 5.5, 0.06},
    {"pg_stat_activity_count", "postgres-users", 100'000, 30, 30, 0.04}, // another database, calm throughout
};

QByteArray openMetrics()
{
    quint32 state = 2026;
    const auto noise = [&state] {
        state = state * 1664525u + 1013904223u;
        return double(state >> 8) / double(1u << 23) - 1.0;
    };
    QString out;
    QString family;
    for (const Shape& s : kShapes) {
        if (family != QLatin1String(s.metric)) {
            family = QLatin1String(s.metric);
            out += u"# TYPE %1 gauge\n"_s.arg(family);
        }
        for (qint64 t = kDataStart; t <= kDataEnd; t += kScrape) {
            // A short ramp (two scrapes), as a pool fills or a queue backs up, not a perfect step.
            const double progress = qBound(0.0, double(t - (kT0 + s.onset)) / 30.0 + 0.5, 1.0);
            const double level = s.before + (s.after - s.before) * progress;
            const double v = level * (1.0 + s.noise * noise());
            out += u"%1{service=\"%2\"} %3 %4\n"_s.arg(family, QLatin1String(s.service), QString::number(v, 'g', 8))
                       .arg(t);
        }
    }
    out += u"# EOF\n"_s;
    return out.toUtf8();
}

PromQLTemplate compiled(const QString& id, const QString& noun, const QString& text)
{
    QString error;
    auto t = PromQLTemplate::compile(id, noun, text, &error);
    if (!t)
        qFatal("%s", qPrintable(error));
    return *t;
}

// Gauges stand in for the default rate()/histogram templates: the onsets in the data are then exactly where the
// test put them, instead of smeared over a 5 m rate window.
QVector<PromQLTemplate> templates()
{
    return {compiled(u"saturation"_s, u"connections"_s, u"sum(pg_stat_activity_count{service=\"{service}\"})"_s),
            compiled(u"error_ratio"_s, u"errors"_s, u"max(http_error_ratio{service=\"{service}\"})"_s),
            compiled(u"latency_p99"_s, u"p99 latency"_s, u"max(http_p99_seconds{service=\"{service}\"})"_s)};
}

const IncidentMetricsResult::Series* find(const IncidentMetricsResult& r, const QString& service, const QString& id)
{
    for (const auto& s : r.series) {
        if (s.service == service && s.templateId == id)
            return &s;
    }
    return nullptr;
}

QDateTime at(qint64 unixSeconds)
{
    return QDateTime::fromSecsSinceEpoch(unixSeconds, Qt::UTC);
}

} // namespace

class TestUiMetricsE2E : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void demoIncidentIsDiagnosed();
    void metricsConfirmTheDiagnosis();
    void panelShowsTheEvidence();
    void newSelectionCancelsTheOldJob();
    void firstServerWithDataAnswers();
    void consoleShowsGraphAndChartsSideBySide();
    void pipelineDiagnosisCitesTheMetrics();
    void killedPrometheusDegradesThePanel();

private:
    IncidentMetricsResult runJob(IncidentMetrics& metrics, int timeoutMs, qint64* elapsed = nullptr);

    QNetworkAccessManager m_nam;
    PrometheusProcess m_prometheus;
    std::shared_ptr<const ServiceGraph> m_graph;
    Incident m_incident;
    QVector<ChangeEvent> m_changes;
    IncidentMetrics* m_metrics = nullptr;
    MetricChartsView* m_view = nullptr;
    IncidentMetricsResult m_result;
    AlertBatch m_alerts; // the demo feed on the TSDB's clock
};

namespace {
QString screenshotDir()
{
    const QString dir = qEnvironmentVariable("NIGHTWATCH_SCREENSHOT_DIR", QDir::tempPath());
    QDir().mkpath(dir);
    return dir;
}
} // namespace

void TestUiMetricsE2E::initTestCase()
{
    qRegisterMetaType<IncidentMetricsResult>();
    if (!QFile::exists(testsupport::prometheusBinary) || !QFile::exists(testsupport::promtoolBinary))
        QFAIL("prometheus / promtool not installed: run packaging/dev.sh test, which installs them");

    // The demo feed, moved in time so its first alert is T0, through the correlator and the diagnoser.
    QString error;
    auto scenario = ScenarioReader::readFile(
        QStringLiteral(NIGHTWATCH_SOURCE_DIR) + u"/resources/demo/blackfriday-feed.json"_s, &error);
    QVERIFY2(scenario, qPrintable(error));
    auto graph = ServiceGraph::fromFile(
        QStringLiteral(NIGHTWATCH_SOURCE_DIR) + u"/resources/demo/blackfriday-graph.json"_s, &error);
    QVERIFY2(graph, qPrintable(error));
    m_graph = std::make_shared<const ServiceGraph>(std::move(*graph));
    const qint64 shift = kFeedT0.secsTo(at(kT0));
    for (Alert& a : scenario->alerts) {
        for (QDateTime* t : {&a.startsAt, &a.endsAt, &a.receivedAt}) {
            if (t->isValid())
                *t = t->addSecs(shift);
        }
    }
    for (ChangeEvent c : scenario->changes) {
        c.at = c.at.addSecs(shift);
        m_changes.append(c);
    }
    m_alerts = scenario->alerts;
    Correlator correlator(m_graph);
    correlator.addAll(scenario->alerts);
    QVector<Incident> incidents = correlator.incidents();
    QVERIFY(!incidents.isEmpty());
    std::sort(incidents.begin(), incidents.end(),
              [](const Incident& a, const Incident& b) { return a.alerts.size() > b.alerts.size(); });
    m_incident = incidents.first();
    Diagnoser diagnoser(m_graph, correlator.reach());
    diagnoser.setChanges(m_changes);
    m_incident.rootCauses = diagnoser.diagnose(m_incident);

    QVERIFY2(m_prometheus.createBlocks(openMetrics(), &error), qPrintable(error));
    QVERIFY2(m_prometheus.start(m_nam, &error), qPrintable(error));

    m_metrics = new IncidentMetrics(this);
    m_metrics->setServers({m_prometheus.url()});
    m_metrics->setTemplates(templates());
    m_metrics->setGraph(m_graph);
    // The replayed storm's "now": ten minutes after its last notification.
    const QDateTime now = m_incident.lastAlertAt.addSecs(600);
    m_metrics->setClock([now] { return now; });
}

IncidentMetricsResult TestUiMetricsE2E::runJob(IncidentMetrics& metrics, int timeoutMs, qint64* elapsed)
{
    QSignalSpy finished(&metrics, &IncidentMetrics::finished);
    QElapsedTimer timer;
    timer.start();
    const quint64 job = metrics.load(m_incident);
    if (!finished.wait(timeoutMs))
        return {};
    if (elapsed)
        *elapsed = timer.elapsed();
    const auto r = finished.first().first().value<IncidentMetricsResult>();
    return r.jobId == job ? r : IncidentMetricsResult{};
}

void TestUiMetricsE2E::demoIncidentIsDiagnosed()
{
    QCOMPARE(m_incident.alerts.size(), 13);
    QCOMPARE(m_incident.firstAlertAt, at(kT0));
    QVERIFY(m_incident.topCause());
    QCOMPARE(m_incident.topCause()->service, u"order-service"_s);
    QCOMPARE(m_incident.rootCauses.at(1).service, u"postgres-main"_s);

    const auto plan = IncidentMetrics::plan(m_incident, m_graph.get(), templates(), m_metrics->options(),
                                            m_incident.lastAlertAt.addSecs(600));
    QCOMPARE(plan.start, at(kT0 - 15 * 60));
    QCOMPARE(plan.stepSeconds, 15);
    QVERIFY(plan.queries.size() <= 20);
    QCOMPARE(plan.roots.size(), 2);
    QCOMPARE(plan.roots.at(0).callers, (QStringList{u"payment-service"_s, u"inventory-service"_s, u"checkout-service"_s,
                                                    u"notification-service"_s, u"api-gateway"_s}));
}

void TestUiMetricsE2E::metricsConfirmTheDiagnosis()
{
    m_result = runJob(*m_metrics, 30'000);
    QVERIFY2(m_result.jobId != 0, "no result");
    QVERIFY2(!m_result.degraded(), qPrintable(m_result.error));
    QCOMPARE(m_result.incidentKey, m_incident.key);
    QCOMPARE(m_result.servers.size(), 1);
    QCOMPARE(m_result.servers.first().state, SourceHealth::State::Live);
    int withData = 0;
    for (const auto& s : std::as_const(m_result.series)) {
        QVERIFY2(s.error.isEmpty(), qPrintable(s.query + u": "_s + s.error));
        withData += s.points.isEmpty() ? 0 : 1;
    }
    QVERIFY2(withData >= 11, qPrintable(QString::number(withData)));

    // Onsets where the data has them, within one scrape.
    const auto onsetNear = [&](const QString& service, const QString& id, qint64 offset) {
        const auto* s = find(m_result, service, id);
        return s && s->hasOnset && std::llabs(s->onsetMsecs - (kT0 + offset) * 1000) <= kScrape * 1000;
    };
    QVERIFY(onsetNear(u"postgres-main"_s, u"saturation"_s, -180));
    QVERIFY(onsetNear(u"order-service"_s, u"saturation"_s, -150));
    QVERIFY(onsetNear(u"order-service"_s, u"error_ratio"_s, -30));
    QVERIFY(onsetNear(u"payment-service"_s, u"error_ratio"_s, 40));
    QVERIFY(onsetNear(u"checkout-service"_s, u"error_ratio"_s, 62));

    for (const auto& e : std::as_const(m_result.evidence)) {
        qInfo("%s (strength %.2f)", qUtf8Printable(e.service), e.strength);
        for (const QString& s : e.evidence)
            qInfo("  evidence: %s", qUtf8Printable(s));
        for (const QString& s : e.against)
            qInfo("  against: %s", qUtf8Printable(s));
    }
    QCOMPARE(m_result.evidence.size(), 2);
    const auto& root = m_result.evidence.at(0);
    QCOMPARE(root.service, u"order-service"_s);
    QCOMPARE(root.noun, u"connections"_s);
    QVERIFY(root.against.isEmpty());
    QVERIFY(root.strength > 0.7);
    const auto has = [](const QStringList& list, const QString& prefix) {
        return std::any_of(list.cbegin(), list.cend(), [&](const QString& s) { return s.startsWith(prefix); });
    };
    QVERIFY2(has(root.evidence,
                 u"order-service connections rose 2 min before order-service errors; r = 1.00 at lag 2 min"_s),
             qPrintable(root.evidence.join(u" | "_s)));
    QVERIFY2(has(root.evidence, u"order-service connections rose 3 min before payment-service errors"_s),
             qPrintable(root.evidence.join(u" | "_s)));
    const auto& db = m_result.evidence.at(1);
    QCOMPARE(db.service, u"postgres-main"_s);
    QVERIFY2(has(db.evidence, u"postgres-main connections rose 2 min 30 s before order-service errors"_s),
             qPrintable(db.evidence.join(u" | "_s)));
}

void TestUiMetricsE2E::panelShowsTheEvidence()
{
    m_view = new MetricChartsView;
    m_view->resize(640, 400);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    m_view->setIncident(m_incident, m_changes);
    m_view->showResult(m_result);
    m_view->setCursorTime(at(kT0 + 60));
    QCoreApplication::processEvents(); // the chart's layout pass
    QTRY_VERIFY(m_view->plotColumns() > 200);
    QVERIFY(m_view->seriesCount() >= 11);
    QCOMPARE(m_view->onsetMarkerCount(), 6);  // one per alerting service
    QCOMPARE(m_view->changeMarkerCount(), 1); // the order-service deploy 14 min before; search's is earlier
    QVERIFY(!m_view->isDegraded());
    QVERIFY(m_view->toolTipTextAt(at(kT0 + 60)).contains(u"order-service connections: "_s));

    // NIGHTWATCH_SCREENSHOT_DIR=docs refreshes the committed screenshots; a plain run leaves the tree alone.
    const QString path = screenshotDir() + u"/metrics-panel.png"_s;
    QVERIFY(m_view->grab().save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

void TestUiMetricsE2E::newSelectionCancelsTheOldJob()
{
    QSignalSpy finished(m_metrics, &IncidentMetrics::finished);
    const quint64 first = m_metrics->load(m_incident);
    const quint64 second = m_metrics->load(m_incident); // the engineer clicked again before the answer came
    QVERIFY(second != first);
    QVERIFY(finished.wait(30'000));
    QTest::qWait(300); // anything the first job might still deliver
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().first().value<IncidentMetricsResult>().jobId, second);
    for (PrometheusClient* c : m_metrics->clients())
        QCOMPARE(c->pendingCount(), 0);
}

void TestUiMetricsE2E::firstServerWithDataAnswers()
{
    IncidentMetrics metrics;
    const QUrl dead(u"http://127.0.0.1:%1"_s.arg(testsupport::freePort())); // nobody listens: refused at once
    metrics.setServers({dead, m_prometheus.url()});
    metrics.setTemplates(templates());
    metrics.setGraph(m_graph);
    const QDateTime now = m_incident.lastAlertAt.addSecs(600);
    metrics.setClock([now] { return now; });
    for (PrometheusClient* c : metrics.clients())
        c->setRetries(0);
    const IncidentMetricsResult r = runJob(metrics, 30'000);
    QVERIFY(r.jobId != 0);
    QVERIFY2(!r.degraded(), qPrintable(r.error));
    const auto* s = find(r, u"order-service"_s, u"saturation"_s);
    QVERIFY(s && !s->points.isEmpty());
    QCOMPARE(QUrl(s->server), m_prometheus.url());
    QCOMPARE(r.servers.size(), 2);
    QCOMPARE(r.servers.at(0).state, SourceHealth::State::Unreachable);
    QCOMPARE(r.servers.at(1).state, SourceHealth::State::Live);
    QCOMPARE(r.evidence.size(), 2);
}

void TestUiMetricsE2E::consoleShowsGraphAndChartsSideBySide()
{
    // The console as the engineer sees it: the incident, its graph and the Prometheus series of its root
    // candidates side by side, fetched when the incident is selected.
    MainWindow window;
    window.setIncidentMetrics(m_metrics);
    QCOMPARE(window.chartTabs()->currentIndex(), 1);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto snapshot = std::make_shared<IncidentSnapshot>();
    Incident incident = m_incident;
    incident.id = 1;
    snapshot->incidents = {incident};
    snapshot->graph = m_graph;
    snapshot->changes = m_changes;
    QSignalSpy finished(m_metrics, &IncidentMetrics::finished);
    window.setSnapshot(snapshot);
    QVERIFY(finished.wait(30'000));
    const auto result = finished.constFirst().constFirst().value<IncidentMetricsResult>();
    QVERIFY(!result.degraded());
    QCoreApplication::processEvents();
    QTRY_VERIFY2(window.metricsView()->plotColumns() > 40,
                 qPrintable(QString::number(window.metricsView()->plotColumns())));
    QVERIFY(window.metricsView()->seriesCount() >= 11);
    // A refresh of the same incident does not ask Prometheus again.
    window.setSnapshot(snapshot);
    QVERIFY(!finished.wait(500));
    const QString path = screenshotDir() + u"/screenshot-metrics.png"_s;
    QVERIFY(window.saveScreenshot(path));
    qInfo("screenshot: %s", qPrintable(path));
}

void TestUiMetricsE2E::pipelineDiagnosisCitesTheMetrics()
{
    // The pipeline asks Prometheus about the incident on top and diagnoses it again with what it finds: the
    // evidence and the confidence then come from the series too, not only from the graph and the labels.
    QTemporaryDir dir;
    Pipeline pipeline;
    Pipeline::Options options;
    options.databasePath = dir.filePath(u"p.sqlite"_s);
    options.graph = m_graph;
    options.prometheusUrls = {m_prometheus.url()};
    options.metricTemplates = templates();
    const QDateTime now = m_incident.lastAlertAt.addSecs(600);
    options.metricsClock = [now] { return now; };
    QString error;
    QVERIFY2(pipeline.open(options, &error), qPrintable(error));
    QVERIFY2(pipeline.submit(m_alerts, &error), qPrintable(error));
    const auto storm = [&pipeline]() -> const Incident* {
        const IncidentSnapshotPtr s = pipeline.snapshot();
        return s->incidents.isEmpty() ? nullptr : &s->incidents.front();
    };
    QVERIFY(storm() && storm()->topCause());
    const double before = storm()->topCause()->confidence;
    QVERIFY(!storm()->topCause()->evidence.join(u' ').contains(u"connections rose"_s));
    IncidentSnapshotPtr keep; // storm() points into the latest snapshot; hold it while reading
    QTRY_VERIFY_WITH_TIMEOUT(
        (keep = pipeline.snapshot(),
         storm() && storm()->topCause() && storm()->topCause()->evidence.join(u' ').contains(u"connections rose"_s)),
        30'000);
    const RootCauseCandidate top = *storm()->topCause();
    QCOMPARE(top.service, u"order-service"_s);
    qInfo("with metrics: %s %.3f (was %.3f): %s", qPrintable(top.service), top.confidence, before,
          qPrintable(top.evidence.join(u" | "_s)));
    QVERIFY(top.confidence >= before); // its own saturation led its callers: more sure, never less
}

void TestUiMetricsE2E::killedPrometheusDegradesThePanel()
{
    constexpr int timeoutMs = 3000;
    for (PrometheusClient* c : m_metrics->clients())
        c->setTimeout(timeoutMs);
    m_prometheus.stop(); // SIGKILL
    qint64 took = 0;
    const IncidentMetricsResult r = runJob(*m_metrics, timeoutMs + 2000, &took);
    QVERIFY2(r.jobId != 0, "the job must end within the client's timeout, not hang");
    QVERIFY2(took <= timeoutMs + 500, qPrintable(QString::number(took)));
    QVERIFY(r.degraded());
    QVERIFY(r.lastSuccessAt.isValid()); // the earlier jobs' answers
    QCOMPARE(r.servers.first().state, SourceHealth::State::Unreachable);
    qInfo("degraded after %lld ms: %s", took, qUtf8Printable(r.error));

    const int before = m_view->seriesCount();
    m_view->showResult(r);
    QVERIFY(m_view->isDegraded());
    QVERIFY2(m_view->degradedText().startsWith(u"Prometheus unreachable: "_s), qPrintable(m_view->degradedText()));
    QVERIFY(m_view->degradedText().contains(u"(last success "_s));
    QCOMPARE(m_view->seriesCount(), before); // nothing blanked
    QCoreApplication::processEvents();
    m_view->grab().save(QCoreApplication::applicationDirPath() + u"/metrics-panel-degraded.png"_s);
    delete m_view;
}

QTEST_MAIN(TestUiMetricsE2E)
#include "tst_ui_metrics_e2e.moc"
