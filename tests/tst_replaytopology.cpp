// The graph a console diagnoses against: a graph file or a scenario's "topology", never silently an empty one;
// a replayed recording brings its own topology unless a graph was named on purpose (as nightwatch-cli replay).

#include "diagnosissettle.h"
#include "graph/servicegraph.h"
#include "pipeline/consoleruntime.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestReplayTopology : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void graphFiles_data();
    void graphFiles();
    void replayDiagnosesOnItsOwnTopology_data();
    void replayDiagnosesOnItsOwnTopology();

private:
    QString write(const QString& name, const QByteArray& content);
    QTemporaryDir m_dir;
};

QString TestReplayTopology::write(const QString& name, const QByteArray& content)
{
    QFile file(m_dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    return file.fileName();
}

void TestReplayTopology::graphFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("nodes");     // -1: an error
    QTest::addColumn<QString>("error"); // part of the message
    QTest::addRow("graph") << QByteArray(R"({"nodes":[{"id":"a"}],"edges":[{"from":"a","to":"b"}]})") << 2 << QString();
    QTest::addRow("edges only") << QByteArray(R"({"edges":[{"from":"a","to":"b"}]})") << 2 << QString();
    QTest::addRow("scenario: its topology")
        << QByteArray(R"({"name":"s","topology":{"nodes":[{"id":"db","kind":"database"}],"edges":[]},"alerts":[]})")
        << 1 << QString();
    QTest::addRow("empty object") << QByteArray("{}") << -1 << u"no nodes"_s;
    QTest::addRow("scenario without topology") << QByteArray(R"({"name":"s","alerts":[]})") << -1 << u"no nodes"_s;
    QTest::addRow("empty graph") << QByteArray(R"({"nodes":[],"edges":[]})") << -1 << u"no nodes"_s;
    QTest::addRow("syntax error: line and column")
        << QByteArray("{\n  \"nodes\": [\n    {\"id\": \"a\",}\n  ]\n}") << -1 << u"line 3, column 16"_s;
    QTest::addRow("empty file") << QByteArray() << -1 << u"line 1, column 1"_s;
}

void TestReplayTopology::graphFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(int, nodes);
    QFETCH(QString, error);
    const QString path = write(u"graph.json"_s, content);
    QVERIFY(!path.isEmpty());
    QString why;
    const auto graph = ServiceGraph::fromFile(path, &why);
    if (nodes < 0) {
        QVERIFY(!graph);
        QVERIFY2(why.contains(error) && why.contains(path), qPrintable(why));
    } else {
        QVERIFY2(graph, qPrintable(why));
        QCOMPARE(graph->nodeCount(), nodes);
    }
}

void TestReplayTopology::replayDiagnosesOnItsOwnTopology_data()
{
    QTest::addColumn<bool>("explicitGraph");
    QTest::addColumn<int>("nodes");
    QTest::addRow("the recording's topology") << false << 300;
    QTest::addRow("a graph named on purpose stays") << true << 2;
}

void TestReplayTopology::replayDiagnosesOnItsOwnTopology()
{
    QFETCH(bool, explicitGraph);
    QFETCH(int, nodes);
    ConsoleRuntime::Config config;
    config.databasePath = m_dir.filePath(u"replay-%1.sqlite"_s.arg(explicitGraph));
    config.webhookEnabled = false;
    config.replayFile = QFINDTESTDATA("data/storm-300.json");
    QVERIFY(!config.replayFile.isEmpty());
    // A settings graph of another world: kept only when named on purpose.
    auto other = std::make_shared<ServiceGraph>();
    other->addEdge(u"a"_s, u"b"_s);
    config.graph = other;
    config.graphExplicit = explicitGraph;
    ConsoleRuntime runtime(config);
    QSignalSpy finished(&runtime, &ConsoleRuntime::replayFinished);
    QSignalSpy settled(&runtime, &ConsoleRuntime::diagnosisSettled);
    runtime.start();
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.constFirst().constFirst().toBool(), true);
    // The console diagnoses on a worker: what it shows once that has caught up with the replay.
    QVERIFY(testsupport::waitSettled(runtime.pipeline(), settled));
    const IncidentSnapshotPtr last = runtime.pipeline()->snapshot();
    QVERIFY(last && !last->incidents.isEmpty());
    QVERIFY(last->graph);
    QCOMPARE(last->graph->nodeCount(), nodes);
    int inGraph = 0, certain = 0;
    for (const Incident& incident : last->incidents) {
        const RootCauseCandidate* top = incident.topCause();
        inGraph += top && top->inGraph;
        certain += top && top->confidence > 0.995;
    }
    if (explicitGraph) {
        QCOMPARE(inGraph, 0); // a different world: nothing in it
    } else {
        QCOMPARE(inGraph, int(last->incidents.size()));
        QVERIFY2(certain < last->incidents.size() / 4, qPrintable(u"%1 incidents at 100 %"_s.arg(certain)));
    }
}

QTEST_GUILESS_MAIN(TestReplayTopology)
#include "tst_replaytopology.moc"
