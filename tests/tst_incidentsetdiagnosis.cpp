// Tests for diagnoseAll (core/diagnose/incidentsetdiagnosis.h): the console (Pipeline, delivery by delivery), the
// engine behind `nightwatch-cli diagnose` (diagnoseScenario, the whole scenario at once) and the history browser's
// replay of each stored incident (ReplayTimeline::diagnosisAt, from the stored notifications) must give the same
// candidates, every field of every one, for the same alerts, graph and changes. Scenarios from tools/scengen.py.

#include "diagnose/scenariodiagnosis.h"
#include "graph/servicegraph.h"
#include "history/replaytimeline.h"
#include "ingest/scenario.h"
#include "ingest/scenarioreader.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
// Seed 60618 and the next 11 include incidents that adopt a smaller neighbour's cause (gen-s60624, gen-s60627) and
// many that cite alerts in another incident.
constexpr int kScenarios = 12;

QString describe(const QVector<RootCauseCandidate>& causes)
{
    QStringList out;
    for (const RootCauseCandidate& c : causes)
        out << u"%1 %2 %3 own=%4 graph=%5 [%6]"_s.arg(c.service)
                   .arg(c.score, 0, 'g', 17)
                   .arg(c.confidence, 0, 'g', 17)
                   .arg(c.hasOwnAlert)
                   .arg(c.inGraph)
                   .arg(c.evidence.join(u" | "_s));
    return out.join(u"\n  "_s);
}

bool same(const QVector<RootCauseCandidate>& a, const QVector<RootCauseCandidate>& b)
{
    return describe(a) == describe(b);
}
} // namespace

class TestIncidentSetDiagnosis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void threePathsAgree_data();
    void threePathsAgree();
    void suiteExercisesTheNeighbours();

private:
    QTemporaryDir m_suite;
    QTemporaryDir m_dbs;
    int m_incidents = 0;
    int m_withNeighbourCause = 0;
    int m_withElsewhere = 0;
};

void TestIncidentSetDiagnosis::initTestCase()
{
    QVERIFY(m_suite.isValid() && m_dbs.isValid());
    QProcess gen;
    gen.start(u"python3"_s, {QStringLiteral(NIGHTWATCH_SCENGEN), u"--suite"_s, m_suite.path(), u"--count"_s,
                             QString::number(kScenarios), u"--seed"_s, u"60618"_s});
    QVERIFY(gen.waitForFinished(120'000));
    QCOMPARE(gen.exitCode(), 0);
}

void TestIncidentSetDiagnosis::threePathsAgree_data()
{
    QTest::addColumn<QString>("path");
    const QStringList files = QDir(m_suite.path()).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    QCOMPARE(files.size(), kScenarios);
    for (const QString& name : files)
        QTest::addRow("%s", qPrintable(name)) << m_suite.filePath(name);
}

void TestIncidentSetDiagnosis::threePathsAgree()
{
    QFETCH(QString, path);
    QString error;
    std::optional<Scenario> scenario = ScenarioReader::readFile(path, &error);
    QVERIFY2(scenario, qPrintable(error));
    QVERIFY(scenario->graph);
    // The console's metric evidence comes from Prometheus, which this test has none of: the engine is given
    // no series either, so the three read exactly the same.
    scenario->metrics = nlohmann::json();

    // The engine: the whole scenario at once.
    QHash<QString, QVector<RootCauseCandidate>> engine;
    for (const Incident& inc : diagnoseScenario(*scenario, nullptr))
        engine.insert(inc.key, inc.rootCauses);

    // The console: the changes in one batch, then one delivery per alert in arrival order.
    const QString db = m_dbs.filePath(QFileInfo(path).completeBaseName() + u".sqlite"_s);
    Pipeline pipeline;
    Pipeline::Options o;
    o.databasePath = db;
    o.graph = std::make_shared<const ServiceGraph>(*scenario->graph);
    QVERIFY2(pipeline.open(o, &error), qPrintable(error));
    QVERIFY2(pipeline.submitChanges(scenario->changes, &error), qPrintable(error));
    for (const Alert& a : std::as_const(scenario->alerts))
        QVERIFY2(pipeline.submit({a}, &error), qPrintable(error));
    pipeline.flush();
    const IncidentSnapshotPtr shown = pipeline.snapshot();
    QCOMPARE(shown->incidents.size(), engine.size());

    // The replay, when everything is known: after the last alert and the last change.
    QDateTime settled;
    for (const Alert& a : std::as_const(scenario->alerts))
        settled = std::max(settled, a.receivedAt);
    for (const ChangeEvent& change : std::as_const(scenario->changes))
        settled = std::max(settled, change.at);
    Store history(u"tst-incidentset-"_s + QFileInfo(path).completeBaseName());
    QVERIFY2(history.open(db, &error), qPrintable(error));

    for (const Incident& inc : shown->incidents) {
        QVERIFY2(engine.contains(inc.key), qPrintable(u"no incident %1 in the engine"_s.arg(inc.key)));
        const QVector<RootCauseCandidate>& expected = engine[inc.key];
        QVERIFY2(same(inc.rootCauses, expected), qPrintable(u"%1\nconsole:\n  %2\nengine:\n  %3"_s.arg(
                                                     inc.key, describe(inc.rootCauses), describe(expected))));

        const std::optional<Incident> stored = history.loadIncident(inc.id);
        QVERIFY(stored);
        ReplayTimeline replay(*stored, history.incidentNotifications(inc.id), {}, {});
        replay.setNeighbours(history.neighbourNotifications(inc.id));
        const QVector<RootCauseCandidate> replayed = replay.diagnosisAt(settled, o.graph, scenario->changes);
        QVERIFY2(same(replayed, expected), qPrintable(u"%1\nreplay:\n  %2\nengine:\n  %3"_s.arg(
                                               inc.key, describe(replayed), describe(expected))));

        ++m_incidents;
        for (const RootCauseCandidate& c : expected) {
            const QString said = c.evidence.join(u' ');
            m_withNeighbourCause += said.contains(u"probable cause of a concurrent incident"_s);
            m_withElsewhere += said.contains(u"in another incident"_s);
        }
    }
}

void TestIncidentSetDiagnosis::suiteExercisesTheNeighbours()
{
    // Agreement means little if no incident read its neighbours: the suite must make them matter.
    qInfo("%d incidents; %d candidates are another incident's cause, %d cite an alert in another incident",
          m_incidents, m_withNeighbourCause, m_withElsewhere);
    QVERIFY(m_incidents > kScenarios);
    QVERIFY(m_withNeighbourCause > 0);
    QVERIFY(m_withElsewhere > 0);
}

QTEST_GUILESS_MAIN(TestIncidentSetDiagnosis)
#include "tst_incidentsetdiagnosis.moc"
