// Graph discovery end to end with a real Prometheus: the test writes both service-graph metric families as
// OpenMetrics counters (Tempo's traces_service_graph_request_total with connection types, Istio's
// istio_requests_total, with the endpoints nobody can alert on and an edge that went quiet before the window),
// builds a TSDB with promtool, serves it, and checks the exact edge set discovered, the merge with a graph file,
// the console runtime and `nightwatch-cli serve` taking the discovered graph, and that a Prometheus that went away
// leaves the last graph in place with the error said.

#include "graph/graphdiscovery.h"
#include "graph/servicegraph.h"
#include "pipeline/consoleruntime.h"
#include "pipeline/pipeline.h"

#include "../graphedgenames.h"
#include "../prometheusprocess.h"
#include "../serveprocess.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using testsupport::PrometheusProcess;

namespace {
constexpr int kStep = 60;
constexpr int kSpan = 2 * 3600;

// The series end a minute before the test starts: the server's "now" and an explicit evaluation time both see them.
const qint64 kEnd = QDateTime::currentSecsSinceEpoch() / 60 * 60 - 60;

struct Pair
{
    QString caller;
    QString callee;
    QString connectionType; // Tempo only
    double perMinute;       // requests per minute
    qint64 quietFrom;       // no more calls from this instant on (0: calls until the end)
};

const QVector<Pair> kTempo = {
    {u"frontend"_s, u"checkout"_s, u""_s, 120, 0},
    {u"checkout"_s, u"orders"_s, u""_s, 80, 0},
    {u"orders"_s, u"postgres"_s, u"database"_s, 300, 0},
    {u"orders"_s, u"kafka"_s, u"messaging_system"_s, 40, 0},
    {u"user"_s, u"frontend"_s, u"virtual_node"_s, 150, 0},  // Tempo's stand-in for callers without a span
    {u"legacy-batch"_s, u"orders"_s, u""_s, 5, kEnd - 5400}, // quiet for the last 90 minutes: not an edge
};
const QVector<Pair> kIstio = {
    {u"productpage"_s, u"reviews"_s, {}, 60, 0},
    {u"reviews"_s, u"ratings"_s, {}, 30, 0},
    {u"unknown"_s, u"productpage"_s, {}, 60, 0}, // from outside the mesh
    {u"checkout"_s, u"orders"_s, {}, 80, 0},     // the mesh sees what the traces see
};

QByteArray openMetrics()
{
    QString out;
    const auto family = [&](const QString& name, const QVector<Pair>& pairs, const QString& callerLabel,
                            const QString& calleeLabel, bool connectionType) {
        out += u"# TYPE %1 counter\n"_s.arg(name);
        for (const Pair& p : pairs) {
            QString labels = u"%1=\"%2\",%3=\"%4\""_s.arg(callerLabel, p.caller, calleeLabel, p.callee);
            if (connectionType)
                labels += u",connection_type=\"%1\""_s.arg(p.connectionType);
            double total = 0;
            for (qint64 t = kEnd - kSpan; t <= kEnd; t += kStep) {
                if (p.quietFrom == 0 || t < p.quietFrom)
                    total += p.perMinute;
                out += u"%1_total{%2} %3 %4\n"_s.arg(name, labels).arg(total, 0, 'f', 0).arg(t);
            }
        }
    };
    family(u"traces_service_graph_request"_s, kTempo, u"client"_s, u"server"_s, true);
    family(u"istio_requests"_s, kIstio, u"source_workload"_s, u"destination_workload"_s, false);
    out += u"# EOF\n"_s;
    return out.toUtf8();
}

using testsupport::edgeNames;

const QStringList kDiscovered = {u"checkout>orders"_s,    u"frontend>checkout"_s, u"orders>kafka"_s,
                                 u"orders>postgres"_s,    u"productpage>reviews"_s, u"reviews>ratings"_s};

// What people wrote: payment is known only to the file, and it says ratings calls reviews (discovery says the
// opposite and loses), postgres is a "database" already.
std::shared_ptr<const ServiceGraph> fileGraph()
{
    auto g = std::make_shared<ServiceGraph>();
    g->addNode(u"postgres"_s, u"database"_s);
    g->addEdge(u"checkout"_s, u"payment"_s);
    g->addEdge(u"frontend"_s, u"checkout"_s);
    g->addEdge(u"ratings"_s, u"reviews"_s);
    return g;
}

const QStringList kMerged = {u"checkout>orders"_s,     u"checkout>payment"_s, u"frontend>checkout"_s,
                             u"orders>kafka"_s,        u"orders>postgres"_s,  u"productpage>reviews"_s,
                             u"ratings>reviews"_s};
} // namespace

class TestGraphDiscoveryE2e : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFile::exists(testsupport::prometheusBinary) || !QFile::exists(testsupport::promtoolBinary))
            QFAIL("prometheus and promtool are needed (packaging/dev.sh installs them)");
        QString error;
        QVERIFY2(m_prometheus.createBlocks(openMetrics(), &error), qPrintable(error));
        QVERIFY2(m_prometheus.start(m_nam, &error), qPrintable(error));
    }

    void discoversTheExactEdgeSet()
    {
        GraphDiscovery::Options options;
        options.prometheusUrl = m_prometheus.url();
        options.clock = [] { return QDateTime::fromSecsSinceEpoch(kEnd, Qt::UTC); };
        GraphDiscovery discovery(options, nullptr);
        QSignalSpy rounds(&discovery, &GraphDiscovery::roundFinished);
        discovery.refresh();
        QVERIFY(rounds.wait(15'000));
        QVERIFY2(rounds.at(0).at(0).toBool(), qPrintable(rounds.at(0).at(1).toString()));
        const auto graph = discovery.graph();
        QVERIFY(graph);
        QCOMPARE(edgeNames(*graph), kDiscovered);
        QCOMPARE(graph->kind(u"postgres"_s), u"database"_s);
        QCOMPARE(graph->kind(u"kafka"_s), u"queue"_s);
        QVERIFY(!graph->contains(u"user"_s));
        QVERIFY(!graph->contains(u"unknown"_s));
        QVERIFY(!graph->contains(u"legacy-batch"_s));
        QCOMPARE(discovery.originOf(u"checkout"_s, u"orders"_s),
                 (QStringList{u"traces_service_graph_request_total"_s, u"istio_requests_total"_s}));
        QCOMPARE(discovery.originOf(u"reviews"_s, u"ratings"_s), QStringList{u"istio_requests_total"_s});
        QCOMPARE(discovery.health().state, SourceHealth::State::Live);
        QCOMPARE(discovery.health().alertCount, kDiscovered.size());
        const QString message = rounds.at(0).at(1).toString();
        QVERIFY2(message.contains(u"2 series without a usable caller or callee ignored"_s), qPrintable(message));
    }

    // The file wins: its edge ratings -> reviews stays and the discovered reverse is left out; its kinds stay.
    void mergesWithTheFileThenKeepsItWhenPrometheusIsGone()
    {
        PrometheusProcess doomed; // its own server, so the other cases keep theirs
        QString error;
        QVERIFY2(doomed.createBlocks(openMetrics(), &error), qPrintable(error));
        QVERIFY2(doomed.start(m_nam, &error), qPrintable(error));

        GraphDiscovery::Options options;
        options.prometheusUrl = doomed.url();
        options.timeoutMs = 3000;
        options.clock = [] { return QDateTime::fromSecsSinceEpoch(kEnd, Qt::UTC); };
        GraphDiscovery discovery(options, fileGraph());
        QSignalSpy rounds(&discovery, &GraphDiscovery::roundFinished);
        QSignalSpy changed(&discovery, &GraphDiscovery::graphChanged);
        discovery.refresh();
        QVERIFY(rounds.wait(15'000));
        QVERIFY2(rounds.at(0).at(0).toBool(), qPrintable(rounds.at(0).at(1).toString()));
        const auto merged = discovery.graph();
        QCOMPARE(edgeNames(*merged), kMerged);
        QCOMPARE(discovery.originOf(u"frontend"_s, u"checkout"_s),
                 (QStringList{u"file"_s, u"traces_service_graph_request_total"_s}));
        QCOMPARE(discovery.originOf(u"checkout"_s, u"payment"_s), QStringList{u"file"_s});
        QCOMPARE(discovery.lastMerge().conflicts, QStringList{u"reviews -> ratings (the file has ratings -> reviews)"_s});
        QCOMPARE(changed.size(), 1);

        doomed.stop();
        discovery.refresh();
        QVERIFY(rounds.wait(15'000));
        QVERIFY(!rounds.at(1).at(0).toBool());
        const QString message = rounds.at(1).at(1).toString();
        QVERIFY2(message.contains(u"keeping the graph discovered at"_s) && message.contains(u"now stale"_s),
                 qPrintable(message));
        QVERIFY2(message.contains(u"refused"_s, Qt::CaseInsensitive), qPrintable(message));
        QCOMPARE(discovery.health().state, SourceHealth::State::Unreachable);
        QVERIFY(discovery.isStale());
        QCOMPARE(discovery.graph(), merged); // the very same graph, not a blank one
        QCOMPARE(changed.size(), 1);
    }

    // The runtime both the console and `serve` run: the pipeline's published graph becomes the merged one.
    void consoleRuntimeTakesTheDiscoveredGraph()
    {
        QTemporaryDir dir;
        ConsoleRuntime::Config config;
        config.databasePath = dir.filePath(u"nw.sqlite"_s);
        config.graph = fileGraph();
        config.graphExplicit = true;
        config.webhookEnabled = false;
        config.discoverGraphUrl = m_prometheus.url();
        ConsoleRuntime runtime(config);
        QSignalSpy started(&runtime, &ConsoleRuntime::started);
        QSignalSpy rounds(&runtime, &ConsoleRuntime::graphDiscoveryFinished);
        runtime.start();
        QVERIFY(rounds.wait(20'000));
        QVERIFY(!started.isEmpty() && started.at(0).at(0).toBool());
        QVERIFY2(rounds.at(0).at(0).toBool(), qPrintable(rounds.at(0).at(1).toString()));
        const IncidentSnapshotPtr snapshot = runtime.pipeline()->snapshot();
        QVERIFY(snapshot->graph);
        QCOMPARE(edgeNames(*snapshot->graph), kMerged);
    }

    void serveLogsTheDiscoveredGraph()
    {
        QTemporaryDir dir;
        testsupport::ServeProcess serve;
        serve.extraArguments = {u"--discover-graph"_s, m_prometheus.url().toString(), u"--discover-window"_s, u"1h"_s};
        QString why;
        QVERIFY2(serve.start(dir.filePath(u"nw.sqlite"_s), &why), qPrintable(why));
        QTRY_VERIFY_WITH_TIMEOUT(serve.output.contains("graph discovered:"), 20'000);
        QVERIFY2(serve.output.contains("8 services, 6 edges (0 from the file, 6 discovered, 6 added)"),
                 serve.output.constData());
        serve.process->terminate();
        QVERIFY(serve.process->waitForFinished(15'000));
    }

    void serveRefusesABadInterval()
    {
        QTemporaryDir home; // not the developer's settings
        QProcess cli;
        cli.setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"HOME"_s, home.path());
        env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"config"_s));
        cli.setProcessEnvironment(env);
        cli.start(QStringLiteral(NIGHTWATCH_CLI),
                  {u"serve"_s, u"--no-webhook"_s, u"--discover-graph"_s, m_prometheus.url().toString(),
                   u"--discover-interval"_s, u"2"_s});
        QVERIFY(cli.waitForFinished(15'000));
        QCOMPARE(cli.exitCode(), 2);
        QVERIFY2(cli.readAll().contains("--discover-interval: expected 10 to 86400 seconds, got '2'"), "");
    }

private:
    QNetworkAccessManager m_nam;
    PrometheusProcess m_prometheus;
};

QTEST_GUILESS_MAIN(TestGraphDiscoveryE2e)
#include "tst_graphdiscovery_e2e.moc"
