// IncidentMetrics without a Prometheus: what it plans for the Black-Friday incident (bounded, roots first, the
// window around the alerts), and that a missing or refusing server ends the job degraded, from the event loop,
// quickly. The real-server path is tests/e2e/tst_ui_metrics_e2e.cpp.

#include "metrics/incidentmetrics.h"
#include "metrics/prometheusclient.h"
#include "tst_ui_fixture.h"

#include "alertmanagerprocess.h" // freePort()

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestIncidentMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<IncidentMetricsResult>(); }
    void kindOf_data();
    void kindOf();
    void planIsBoundedRootsFirst();
    void planWindow();
    void noServerConfigured();
    void refusedServerDegradesQuickly();
};

void TestIncidentMetrics::kindOf_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("kind");
    QTest::addRow("error_ratio") << u"error_ratio"_s << int(IncidentMetricsResult::Kind::Errors);
    QTest::addRow("latency_p99") << u"latency_p99"_s << int(IncidentMetricsResult::Kind::Latency);
    QTest::addRow("saturation") << u"saturation"_s << int(IncidentMetricsResult::Kind::Saturation);
    QTest::addRow("cpu") << u"cpu"_s << int(IncidentMetricsResult::Kind::Saturation);
}

void TestIncidentMetrics::kindOf()
{
    QFETCH(QString, id);
    QFETCH(int, kind);
    QCOMPARE(int(IncidentMetrics::kindOf(id)), kind);
}

void TestIncidentMetrics::planIsBoundedRootsFirst()
{
    const auto graph = fixture::blackFridayGraph();
    const Incident incident = fixture::blackFridayIncident();
    const auto templates = PromQLTemplate::defaults();
    IncidentMetrics::Options options;
    const auto plan = IncidentMetrics::plan(incident, graph.get(), templates, options, incident.lastAlertAt);
    QCOMPARE(plan.queries.size(), options.maxSeries);
    QCOMPARE(plan.roots.size(), options.maxRoots);
    const QString root = incident.topCause()->service;
    // Every template of the root first (saturation kinds before symptoms), then callers' symptoms only.
    for (int i = 0; i < templates.size(); ++i)
        QCOMPARE(plan.queries.at(i).service, root);
    QCOMPARE(plan.queries.first().kind, IncidentMetricsResult::Kind::Saturation);
    QSet<QPair<QString, int>> seen;
    for (const auto& q : plan.queries) {
        QVERIFY(!seen.contains({q.service, q.templateIndex})); // never asked twice
        seen.insert({q.service, q.templateIndex});
        if (q.service != root &&
            !std::any_of(plan.roots.cbegin(), plan.roots.cend(), [&](const auto& r) { return r.service == q.service; }))
            QVERIFY(q.kind != IncidentMetricsResult::Kind::Saturation);
        QCOMPARE(q.query, templates.at(q.templateIndex).render(q.service));
    }
    for (const QString& caller : plan.roots.first().callers)
        QVERIFY(incident.affectedServices.contains(caller));
    QVERIFY(plan.roots.first().callers.size() <= options.maxCallersPerRoot);

    options.maxSeries = 3;
    QCOMPARE(IncidentMetrics::plan(incident, graph.get(), templates, options, {}).queries.size(), 3);
}

void TestIncidentMetrics::planWindow()
{
    Incident incident = fixture::blackFridayIncident();
    IncidentMetrics::Options options;
    const QDateTime first = incident.firstAlertAt, last = incident.lastAlertAt;

    // Resolved: from lookBefore before the first alert to afterSeconds past the last.
    incident.state = Incident::State::Resolved;
    auto plan = IncidentMetrics::plan(incident, nullptr, {}, options, last.addDays(1));
    QCOMPARE(plan.start, first.addSecs(-options.lookBeforeSeconds));
    QCOMPARE(plan.end, last.addSecs(options.afterSeconds));
    QVERIFY(plan.baselineEndMsecs > plan.start.toMSecsSinceEpoch());
    QVERIFY(plan.baselineEndMsecs < first.toMSecsSinceEpoch());
    QVERIFY(plan.start.secsTo(plan.end) / plan.stepSeconds <= options.maxPointsPerSeries);
    QCOMPARE(plan.stepSeconds % options.minStepSeconds, 0);

    // Open: up to now, but never longer than maxSpan (the onsets stay in the window).
    incident.state = Incident::State::Triggered;
    plan = IncidentMetrics::plan(incident, nullptr, {}, options, last.addSecs(3600));
    QCOMPARE(plan.end, last.addSecs(3600));
    plan = IncidentMetrics::plan(incident, nullptr, {}, options, last.addDays(3));
    QCOMPARE(plan.start.secsTo(plan.end), options.maxSpanSeconds);
    QVERIFY(plan.start.secsTo(plan.end) / plan.stepSeconds <= options.maxPointsPerSeries);
    // Just fired: nothing to look at in the future.
    plan = IncidentMetrics::plan(incident, nullptr, {}, options, last.addSecs(10));
    QCOMPARE(plan.end, last.addSecs(10));
}

void TestIncidentMetrics::noServerConfigured()
{
    IncidentMetrics metrics;
    metrics.setGraph(fixture::blackFridayGraph());
    QSignalSpy finished(&metrics, &IncidentMetrics::finished);
    const quint64 job = metrics.load(fixture::blackFridayIncident());
    QCOMPARE(finished.size(), 0); // never from inside load()
    QVERIFY(finished.wait(2000));
    const auto r = finished.first().first().value<IncidentMetricsResult>();
    QCOMPARE(r.jobId, job);
    QVERIFY(r.degraded());
    QCOMPARE(r.error, u"no Prometheus server configured"_s);
    QVERIFY(!metrics.isBusy());
}

void TestIncidentMetrics::refusedServerDegradesQuickly()
{
    IncidentMetrics metrics;
    metrics.setGraph(fixture::blackFridayGraph());
    metrics.setServers({QUrl(u"http://127.0.0.1:%1"_s.arg(testsupport::freePort()))});
    for (PrometheusClient* c : metrics.clients())
        c->setTimeout(2000);
    QSignalSpy finished(&metrics, &IncidentMetrics::finished);
    QElapsedTimer timer;
    timer.start();
    const quint64 job = metrics.load(fixture::blackFridayIncident());
    QVERIFY(metrics.isBusy());
    QVERIFY(finished.wait(5000));
    QVERIFY(timer.elapsed() < 2500);
    const auto r = finished.first().first().value<IncidentMetricsResult>();
    QCOMPARE(r.jobId, job);
    QVERIFY(r.degraded());
    QVERIFY2(r.error.contains(u"refused"_s, Qt::CaseInsensitive), qPrintable(r.error));
    QCOMPARE(r.series.size(), 20); // planned and reported, each with its error
    QVERIFY(!r.series.first().error.isEmpty());
    QVERIFY(r.evidence.isEmpty());
    QCOMPARE(r.servers.first().state, SourceHealth::State::Unreachable);
    QVERIFY(!r.lastSuccessAt.isValid());
}

QTEST_GUILESS_MAIN(TestIncidentMetrics)
#include "tst_incidentmetrics.moc"
