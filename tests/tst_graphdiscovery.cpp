// Graph discovery without a server: Prometheus answers (as its JSON) become caller -> callee edges, merged with a
// graph file (the file wins), a discovery round against a scripted server keeps its last graph when the next answer
// is bad, and a pipeline given a new graph correlates and diagnoses its incidents again.
#include "graph/graphdiscovery.h"
#include "graph/mergedgraph.h"
#include "graph/servicegraph.h"
#include "graph/servicegraphmetrics.h"
#include "metrics/prometheusresult.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

#include "graphedgenames.h"
#include "stubhttpserver.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Family = ServiceGraphMetrics::Family;

namespace {
// One instant-vector series: labels as "name=value" pairs, and its value.
QString series(const QStringList& labels, const QString& value = u"12"_s)
{
    QStringList fields;
    for (const QString& l : labels)
        fields << u"\"%1\":\"%2\""_s.arg(l.section(u'=', 0, 0), l.section(u'=', 1));
    return u"{\"metric\":{%1},\"value\":[1780000000,\"%2\"]}"_s.arg(fields.join(u','), value);
}

QByteArray vectorAnswer(const QStringList& series)
{
    return u"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[%1]}}"_s.arg(series.join(u','))
        .toUtf8();
}

// "from>to" per edge, sorted.
QStringList edgeNames(const QVector<DiscoveredEdge>& edges)
{
    QStringList out;
    for (const DiscoveredEdge& e : edges)
        out << e.from + u'>' + e.to;
    out.sort();
    return out;
}

using testsupport::edgeNames;

ServiceGraph graphOf(const QStringList& edges, const QStringList& kinds = {})
{
    ServiceGraph g;
    for (const QString& k : kinds)
        g.addNode(k.section(u':', 0, 0), k.section(u':', 1));
    for (const QString& e : edges)
        g.addEdge(e.section(u'>', 0, 0), e.section(u'>', 1));
    return g;
}

DiscoveredEdge discovered(const QString& edge, const QString& origin, const QString& kind = {})
{
    return {edge.section(u'>', 0, 0), edge.section(u'>', 1), kind, origin, 1.0};
}

Alert alert(const QString& service, int offset)
{
    Alert a;
    a.labels = {{u"alertname"_s, u"Errors"_s}, {u"service"_s, service}, {u"severity"_s, u"critical"_s}};
    a.fingerprint = Alert::fingerprintOf(a.labels);
    a.startsAt = QDateTime::currentDateTimeUtc().addSecs(-600 + offset);
    a.receivedAt = a.startsAt.addSecs(5);
    a.status = Alert::Status::Firing;
    a.source = u"test"_s;
    return a;
}
} // namespace

class TestGraphDiscovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void queries()
    {
        QCOMPARE(ServiceGraphMetrics::query(Family::TempoServiceGraph, 3600),
                 u"sum by (client, server, connection_type) (increase(traces_service_graph_request_total[1h])) > 0"_s);
        QCOMPARE(ServiceGraphMetrics::query(Family::Istio, 1800),
                 u"sum by (source_workload, destination_workload) (increase(istio_requests_total[30m])) > 0"_s);
        QCOMPARE(ServiceGraphMetrics::duration(45), u"45s"_s);
        QCOMPARE(ServiceGraphMetrics::duration(5400), u"90m"_s);
    }

    void parse_data()
    {
        QTest::addColumn<int>("family");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QStringList>("edges");
        QTest::addColumn<QStringList>("kinds"); // "callee:kind" of the edges that have one
        QTest::addColumn<int>("skipped");
        QTest::addColumn<QString>("error"); // a part of it; empty: success

        const int tempo = int(Family::TempoServiceGraph);
        const int istio = int(Family::Istio);
        QTest::addRow("tempo edges") << tempo
                                     << vectorAnswer({series({u"client=frontend"_s, u"server=checkout"_s}),
                                                      series({u"client=checkout"_s, u"server=payment"_s})})
                                     << QStringList{u"checkout>payment"_s, u"frontend>checkout"_s} << QStringList{} << 0
                                     << QString();
        QTest::addRow("tempo kinds") << tempo
                                     << vectorAnswer({series({u"client=orders"_s, u"server=postgres"_s,
                                                              u"connection_type=database"_s}),
                                                      series({u"client=orders"_s, u"server=kafka"_s,
                                                              u"connection_type=messaging_system"_s})})
                                     << QStringList{u"orders>kafka"_s, u"orders>postgres"_s}
                                     << QStringList{u"kafka:queue"_s, u"postgres:database"_s} << 0 << QString();
        QTest::addRow("unknown, empty, user stand-in, self call")
            << tempo
            << vectorAnswer({series({u"client=unknown"_s, u"server=checkout"_s}),
                             series({u"client="_s, u"server=checkout"_s}), series({u"server=checkout"_s}),
                             series({u"client=user"_s, u"server=frontend"_s, u"connection_type=virtual_node"_s}),
                             series({u"client=checkout"_s, u"server=checkout"_s}),
                             series({u"client=checkout"_s, u"server=Unknown"_s}),
                             series({u"client=frontend"_s, u"server=redis"_s, u"connection_type=virtual_node"_s})})
            << QStringList{u"frontend>redis"_s} << QStringList{} << 6 << QString();
        QTest::addRow("one pair in several series is one edge")
            << tempo
            << vectorAnswer({series({u"client=orders"_s, u"server=postgres"_s}),
                             series({u"client=orders"_s, u"server=postgres"_s, u"connection_type=database"_s})})
            << QStringList{u"orders>postgres"_s} << QStringList{u"postgres:database"_s} << 0 << QString();
        QTest::addRow("no traffic is no edge")
            << tempo
            << vectorAnswer({series({u"client=a"_s, u"server=b"_s}, u"0"_s),
                             series({u"client=a"_s, u"server=c"_s}, u"NaN"_s)})
            << QStringList{} << QStringList{} << 0 << QString();
        QTest::addRow("istio workloads")
            << istio
            << vectorAnswer({series({u"source_workload=productpage-v1"_s, u"destination_workload=reviews-v2"_s}),
                             series({u"source_workload=unknown"_s, u"destination_workload=productpage-v1"_s}),
                             series({u"client=a"_s, u"server=b"_s})})
            << QStringList{u"productpage-v1>reviews-v2"_s} << QStringList{} << 2 << QString();
        QTest::addRow("empty answer") << istio << vectorAnswer({}) << QStringList{} << QStringList{} << 0 << QString();
        QTest::addRow("a matrix is not an answer")
            << tempo << QByteArray(R"({"status":"success","data":{"resultType":"matrix","result":[]}})")
            << QStringList{} << QStringList{} << 0 << u"expected an instant vector, got 'matrix'"_s;
        QTest::addRow("error envelope")
            << tempo << QByteArray(R"({"status":"error","errorType":"bad_data","error":"parse error"})")
            << QStringList{} << QStringList{} << 0 << u"parse error"_s;
        QTest::addRow("not JSON") << istio << QByteArray("<html>proxy login</html>") << QStringList{} << QStringList{}
                                  << 0 << u"not a Prometheus JSON answer"_s;
    }

    void parse()
    {
        QFETCH(int, family);
        QFETCH(QByteArray, body);
        QFETCH(QStringList, edges);
        QFETCH(QStringList, kinds);
        QFETCH(int, skipped);
        QFETCH(QString, error);

        QVector<DiscoveredEdge> out;
        int skippedOut = 0;
        QString why;
        const bool ok =
            ServiceGraphMetrics::edges(Family(family), PrometheusResult::fromJson(body, 200), &out, &skippedOut, &why);
        QCOMPARE(ok, error.isEmpty());
        if (!ok) {
            QVERIFY2(why.contains(error), qPrintable(why));
            return;
        }
        QCOMPARE(edgeNames(out), edges);
        QStringList kindsOut;
        for (const DiscoveredEdge& e : out) {
            QCOMPARE(e.origin, ServiceGraphMetrics::metricName(Family(family)));
            if (!e.calleeKind.isEmpty())
                kindsOut << e.to + u':' + e.calleeKind;
        }
        kindsOut.sort();
        QCOMPARE(kindsOut, kinds);
        QCOMPARE(skippedOut, skipped);
    }

    void merge_data()
    {
        QTest::addColumn<QStringList>("fileEdges"); // empty with no fileKinds: no file at all
        QTest::addColumn<QStringList>("fileKinds");
        QTest::addColumn<QStringList>("discovered"); // "from>to@origin[:kind]"
        QTest::addColumn<QStringList>("edges");
        QTest::addColumn<QStringList>("origins"); // "from>to=origin,origin" for each edge
        QTest::addColumn<QStringList>("kinds");   // "id:kind" of every node with a kind
        QTest::addColumn<int>("added");
        QTest::addColumn<QStringList>("conflicts");

        QTest::addRow("no file") << QStringList{} << QStringList{}
                                 << QStringList{u"a>b@tempo"_s, u"b>c@tempo:database"_s}
                                 << QStringList{u"a>b"_s, u"b>c"_s} << QStringList{u"a>b=tempo"_s, u"b>c=tempo"_s}
                                 << QStringList{u"c:database"_s} << 2 << QStringList{};
        QTest::addRow("file and discovery agree")
            << QStringList{u"a>b"_s} << QStringList{} << QStringList{u"a>b@tempo"_s, u"a>c@istio"_s}
            << QStringList{u"a>b"_s, u"a>c"_s} << QStringList{u"a>b=file,tempo"_s, u"a>c=istio"_s} << QStringList{}
            << 1 << QStringList{};
        QTest::addRow("file direction wins")
            << QStringList{u"a>b"_s} << QStringList{} << QStringList{u"b>a@tempo"_s, u"b>c@tempo"_s}
            << QStringList{u"a>b"_s, u"b>c"_s} << QStringList{u"a>b=file"_s, u"b>c=tempo"_s} << QStringList{} << 1
            << QStringList{u"b -> a (the file has a -> b)"_s};
        QTest::addRow("file kind wins, discovery fills the rest")
            << QStringList{u"orders>pg"_s} << QStringList{u"pg:cache"_s}
            << QStringList{u"orders>pg@tempo:database"_s, u"orders>mq@tempo:queue"_s}
            << QStringList{u"orders>mq"_s, u"orders>pg"_s} << QStringList{u"orders>mq=tempo"_s, u"orders>pg=file,tempo"_s}
            << QStringList{u"mq:queue"_s, u"pg:cache"_s} << 1 << QStringList{};
        QTest::addRow("two metrics, one edge")
            << QStringList{} << QStringList{} << QStringList{u"a>b@tempo"_s, u"a>b@istio"_s, u"a>b@tempo"_s}
            << QStringList{u"a>b"_s} << QStringList{u"a>b=tempo,istio"_s} << QStringList{} << 1 << QStringList{};
        QTest::addRow("both directions discovered") << QStringList{} << QStringList{}
                                                    << QStringList{u"a>b@tempo"_s, u"b>a@istio"_s}
                                                    << QStringList{u"a>b"_s, u"b>a"_s}
                                                    << QStringList{u"a>b=tempo"_s, u"b>a=istio"_s} << QStringList{}
                                                    << 2 << QStringList{};
    }

    void merge()
    {
        QFETCH(QStringList, fileEdges);
        QFETCH(QStringList, fileKinds);
        QFETCH(QStringList, discovered);
        QFETCH(QStringList, edges);
        QFETCH(QStringList, origins);
        QFETCH(QStringList, kinds);
        QFETCH(int, added);
        QFETCH(QStringList, conflicts);

        const bool hasFile = !fileEdges.isEmpty() || !fileKinds.isEmpty();
        const ServiceGraph file = graphOf(fileEdges, fileKinds);
        QVector<DiscoveredEdge> found;
        for (const QString& d : discovered) {
            const QString origin = d.section(u'@', 1).section(u':', 0, 0);
            found << ::discovered(d.section(u'@', 0, 0), origin, d.section(u'@', 1).section(u':', 1));
        }
        const MergedGraph m = MergedGraph::of(hasFile ? &file : nullptr, found);
        QCOMPARE(edgeNames(m.graph), edges);
        QStringList originsOut;
        for (const QString& e : edgeNames(m.graph))
            originsOut << e + u'=' + m.originOf(e.section(u'>', 0, 0), e.section(u'>', 1)).join(u',');
        QCOMPARE(originsOut, origins);
        QStringList kindsOut;
        for (const ServiceGraph::Node& n : m.graph.nodes())
            if (!n.kind.isEmpty())
                kindsOut << n.id + u':' + n.kind;
        kindsOut.sort();
        QCOMPARE(kindsOut, kinds);
        QCOMPARE(m.addedEdges, added);
        QCOMPARE(m.fileEdges, file.edgeCount());
        QCOMPARE(m.conflicts, conflicts);
    }

    void sameGraphIgnoresOrder()
    {
        const ServiceGraph a = graphOf({u"a>b"_s, u"b>c"_s}, {u"c:database"_s});
        const ServiceGraph b = graphOf({u"b>c"_s, u"a>b"_s}, {u"c:database"_s});
        QVERIFY(MergedGraph::same(a, b));
        QVERIFY(!MergedGraph::same(a, graphOf({u"a>b"_s, u"b>c"_s})));         // a kind differs
        QVERIFY(!MergedGraph::same(a, graphOf({u"a>b"_s, u"c>b"_s}, {u"c:database"_s}))); // a direction differs
    }

    // A scripted server: a good answer, then a bad one. The bad round keeps the graph and marks it stale.
    void badAnswerKeepsTheLastGraph()
    {
        StubHttpServer server;
        QVERIFY(server.listen());
        server.defaultBody = vectorAnswer({series({u"client=frontend"_s, u"server=checkout"_s})});
        GraphDiscovery::Options options;
        options.prometheusUrl = QUrl(QString::fromLatin1(server.baseUrl()));
        options.timeoutMs = 3000;
        auto file = std::make_shared<const ServiceGraph>(graphOf({u"checkout>payment"_s}));
        GraphDiscovery discovery(options, file);
        QCOMPARE(discovery.graph(), file); // the file until a round succeeds
        QSignalSpy rounds(&discovery, &GraphDiscovery::roundFinished);
        QSignalSpy changed(&discovery, &GraphDiscovery::graphChanged);

        discovery.refresh();
        QVERIFY(rounds.wait(5000));
        QVERIFY2(rounds.at(0).at(0).toBool(), qPrintable(rounds.at(0).at(1).toString()));
        QCOMPARE(changed.size(), 1);
        const auto good = discovery.graph();
        QCOMPARE(edgeNames(*good), (QStringList{u"checkout>payment"_s, u"frontend>checkout"_s}));
        QCOMPARE(discovery.originOf(u"frontend"_s, u"checkout"_s), QStringList{u"traces_service_graph_request_total"_s});
        QVERIFY(!discovery.isStale());

        discovery.refresh(); // the same answer: no new graph, no re-correlation
        QVERIFY(rounds.wait(5000));
        QVERIFY(rounds.at(1).at(0).toBool());
        QVERIFY(rounds.at(1).at(1).toString().contains(u"unchanged"_s));
        QCOMPARE(changed.size(), 1);

        server.defaultBody = "<html>login</html>";
        discovery.refresh();
        QVERIFY(rounds.wait(5000));
        QVERIFY(!rounds.at(2).at(0).toBool());
        const QString message = rounds.at(2).at(1).toString();
        QVERIFY2(message.contains(u"not a Prometheus JSON answer"_s), qPrintable(message));
        QVERIFY2(message.contains(u"keeping the graph discovered at"_s), qPrintable(message));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(discovery.graph(), good);
        QVERIFY(discovery.isStale());
        QCOMPARE(discovery.health().state, SourceHealth::State::Stale); // reachable, but the answer was bad

        server.defaultBody = vectorAnswer({}); // reachable, answers, but nothing called anything
        discovery.refresh();
        QVERIFY(rounds.wait(5000));
        QVERIFY(!rounds.at(3).at(0).toBool());
        QVERIFY2(rounds.at(3).at(1).toString().contains(u"no caller/callee pair"_s),
                 qPrintable(rounds.at(3).at(1).toString()));
        QCOMPARE(discovery.graph(), good);
    }

    // Three services alerting together: apart without a graph, one incident with its root cause once the graph
    // says who calls whom. The incident that keeps its key keeps its number and acknowledgement; the others are marked
// merged.
    void pipelineReCorrelatesOnANewGraph()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(u"nw.sqlite"_s);
        Pipeline pipeline;
        Pipeline::Options options;
        options.databasePath = db;
        QString error;
        QVERIFY2(pipeline.open(options, &error), qPrintable(error));
        QVERIFY2(pipeline.submit({alert(u"postgres"_s, 0), alert(u"orders"_s, 30), alert(u"checkout"_s, 40)}, &error),
                 qPrintable(error));
        pipeline.flush();
        QCOMPARE(pipeline.snapshot()->incidents.size(), 3);
        qint64 postgresId = 0;
        for (const Incident& i : pipeline.snapshot()->incidents)
            if (i.alerts.size() == 1 && i.alerts.front().service() == u"postgres")
                postgresId = i.id;
        QVERIFY(postgresId > 0);
        pipeline.acknowledge(postgresId, u"looking"_s);

        QSignalSpy published(&pipeline, &Pipeline::snapshotReady);
        auto graph = std::make_shared<const ServiceGraph>(graphOf({u"checkout>orders"_s, u"orders>postgres"_s}));
        pipeline.setGraph(graph);
        QVERIFY(!published.isEmpty());
        const IncidentSnapshotPtr after = pipeline.snapshot();
        QCOMPARE(after->graph, graph);
        QCOMPARE(after->incidents.size(), 1);
        const Incident& one = after->incidents.front();
        QCOMPARE(one.alerts.size(), 3);
        QVERIFY(one.topCause());
        QCOMPARE(one.topCause()->service, u"postgres"_s);
        // Its founding alert is postgres' (the first): the same key, so the same number and the acknowledgement.
        QCOMPARE(one.id, postgresId);
        QCOMPARE(one.state, Incident::State::Acknowledged);

        // What the store shows from now on: the one incident, not the two it absorbed.
        Store store(u"tst-graphdiscovery-check"_s);
        QVERIFY2(store.open(db, &error), qPrintable(error));
        const QVector<Incident> stored = store.loadIncidents();
        QCOMPARE(stored.size(), 1);
        QCOMPARE(stored.front().id, one.id);
    }
};

QTEST_GUILESS_MAIN(TestGraphDiscovery)
#include "tst_graphdiscovery.moc"
