// Incident memory on a REAL seeded history: a generated scenario suite fed scenario by scenario through the real
// pipeline into one SQLite file (each scenario shifted to its own six hours, fingerprints made unique per replay),
// every incident then acknowledged and resolved through the store at scenario-relative times, with the answer an
// engineer would give (the truth's root cause, a runbook named after the cause, noise marked non-actionable).
// One scenario recurs three times; its fourth occurrence must find the three before it, and the diagnosis must
// name one of them for the confirmed root cause.
#include "ingest/scenarioreader.h"
#include "knowledge/incidentpatterns.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
const QDateTime kScenarioStart = QDateTime::fromString(u"2026-11-27T23:00:00Z"_s, Qt::ISODate);
const QDateTime kHistoryStart = QDateTime::fromString(u"2025-03-01T00:00:00Z"_s, Qt::ISODate); // long before "now"
constexpr int kScenarios = 90;
constexpr int kSlotSecs = 6 * 3600;

struct Truth
{
    QString root;
    QString cause;
    QStringList fingerprints;
};

struct Loaded
{
    Scenario scenario;
    QVector<Truth> truth;
};

std::optional<Loaded> load(const QString& path, QString* error)
{
    auto scenario = ScenarioReader::readFile(path, error);
    if (!scenario)
        return std::nullopt;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const auto json = nlohmann::json::parse(f.readAll().toStdString()); // the test may read the answer
    Loaded out{std::move(*scenario), {}};
    for (const auto& t : json.at("truth").at("incidents")) {
        Truth truth;
        truth.root = QString::fromStdString(t.at("root_cause_service").get<std::string>());
        truth.cause = QString::fromStdString(t.value("cause", std::string()));
        for (const auto& fp : t.at("alerts"))
            truth.fingerprints << QString::fromStdString(fp.get<std::string>());
        out.truth << truth;
    }
    return out;
}

// The scenario moved to its own time slot, its fingerprints unique to this replay.
AlertBatch shifted(const Scenario& s, qint64 offset, const QString& replay)
{
    AlertBatch out = s.alerts;
    for (Alert& a : out) {
        a.fingerprint += u'-' + replay;
        for (QDateTime* t : {&a.startsAt, &a.endsAt, &a.receivedAt})
            if (t->isValid() && t->date().year() > 1)
                *t = t->addSecs(offset);
    }
    return out;
}
} // namespace

class TestMemoryHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void repeatedShapeFindsItsPredecessors();

private:
    struct Fed
    {
        qint64 faultIncident = 0; // the repeated fault's incident (0 for other scenarios)
        QDateTime start;
    };
    Fed feed(const Loaded& loaded, int slot, const QString& replay, bool resolve, const QString& repeatedRoot = {});

    QTemporaryDir m_dir;
    QString m_db;
    QVector<Loaded> m_suite;
    int m_incidents = 0;
};

void TestMemoryHistory::initTestCase()
{
    const QString generator = QStringLiteral(NIGHTWATCH_SCENGEN);
    QVERIFY2(QFile::exists(generator), "tools/scengen.py is missing");
    QProcess python;
    python.start(u"python3"_s, {generator, u"--suite"_s, m_dir.filePath(u"suite"_s), u"--count"_s,
                                QString::number(kScenarios), u"--seed"_s, u"7100"_s});
    QVERIFY(python.waitForFinished(120'000));
    QCOMPARE(python.exitCode(), 0);
    const QStringList files = QDir(m_dir.filePath(u"suite"_s)).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    QCOMPARE(files.size(), kScenarios);
    for (const QString& name : files) {
        QString error;
        auto loaded = load(m_dir.filePath(u"suite/"_s + name), &error);
        QVERIFY2(loaded, qPrintable(error));
        m_suite << std::move(*loaded);
    }
    m_db = m_dir.filePath(u"history.sqlite"_s);
}

TestMemoryHistory::Fed TestMemoryHistory::feed(const Loaded& loaded, int slot, const QString& replay, bool resolve,
                                               const QString& repeatedRoot)
{
    Fed fed;
    const qint64 offset = kScenarioStart.secsTo(kHistoryStart.addSecs(qint64(slot) * kSlotSecs));
    fed.start = kScenarioStart.addSecs(offset);
    QHash<qint64, const Truth*> truthOf; // incident id -> the true fault it holds
    {
        Pipeline pipeline;
        Pipeline::Options o;
        o.databasePath = m_db;
        o.graph = loaded.scenario.graph ? std::make_shared<const ServiceGraph>(*loaded.scenario.graph) : nullptr;
        o.refreshMs = -1; // one rebuild per scenario: the test is about memory, not refresh rates
        QString error;
        if (!pipeline.open(o, &error))
            qFatal("open: %s", qPrintable(error));
        for (ChangeEvent c : loaded.scenario.changes) {
            c.at = c.at.addSecs(offset);
            pipeline.submitChange(c, &error);
        }
        if (!pipeline.submit(shifted(loaded.scenario, offset, replay), &error))
            qFatal("submit: %s", qPrintable(error));
        pipeline.flush();
        for (const Truth& t : loaded.truth) {
            if (t.fingerprints.isEmpty()) // a silent fault nobody alerted on
                continue;
            const qint64 id = pipeline.incidentIdOf(t.fingerprints.front() + u'-' + replay);
            if (id > 0 && !truthOf.contains(id))
                truthOf.insert(id, &t);
            if (id > 0 && t.root == repeatedRoot && !fed.faultIncident)
                fed.faultIncident = id;
        }
        m_incidents += int(pipeline.snapshot()->incidents.size());
        if (!resolve)
            return fed;
    }
    // The engineer's side, at scenario-relative times: ack after 4 min, resolve after 35 (noise: it cleared).
    Store store(u"history-answers"_s);
    QString error;
    if (!store.open(m_db, &error))
        qFatal("store: %s", qPrintable(error));
    Store::PastQuery mine;
    mine.resolvedOnly = false;
    mine.from = fed.start.addSecs(-3600);
    mine.to = fed.start.addSecs(kSlotSecs);
    for (const PastIncident& p : store.pastIncidents(mine)) {
        const Truth* t = truthOf.value(p.id);
        Resolution r;
        r.incidentId = p.id;
        r.at = p.firstAlertAt.addSecs(35 * 60);
        if (t) {
            store.recordAction(p.id, u"ack"_s, {}, &error, p.firstAlertAt.addSecs(4 * 60));
            r.rootCause = t->root;
            r.suggestionRight = p.topCandidate == t->root;
            r.fixedByRunbook = u"RB-"_s + (t->cause.isEmpty() ? u"GENERIC"_s : t->cause);
            r.actionable = true;
        } else {
            r.fixedByText = u"nothing: it cleared by itself"_s;
            r.actionable = false;
        }
        store.recordAction(p.id, u"resolve"_s, {}, &error, r.at);
        if (!store.recordResolution(r, &error))
            qFatal("resolution: %s", qPrintable(error));
    }
    return fed;
}

void TestMemoryHistory::repeatedShapeFindsItsPredecessors()
{
    // The recurring fault: the first single-fault scenario with a real storm (at least 4 alerts in its fault).
    int repeated = -1;
    for (int i = 0; i < m_suite.size() && repeated < 0; ++i)
        if (m_suite[i].truth.size() == 1 && m_suite[i].truth.front().fingerprints.size() >= 4)
            repeated = i;
    QVERIFY(repeated >= 0);
    const Loaded& shape = m_suite[repeated];
    const QString root = shape.truth.front().root;

    // History: every other scenario in its slot; the recurring one three times near the end (the 4th is new).
    int slot = 0;
    QVector<qint64> predecessors;
    for (int i = 0; i < m_suite.size(); ++i) {
        if (i == repeated)
            continue;
        feed(m_suite[i], slot++, u"s%1"_s.arg(i), true);
        if (i % 25 == 24 || i == m_suite.size() - 1) { // one occurrence every ~25 scenarios, the last one late
            const Fed fed = feed(shape, slot++, u"r%1"_s.arg(predecessors.size()), true, root);
            QVERIFY(fed.faultIncident > 0);
            predecessors << fed.faultIncident;
        }
    }
    QCOMPARE_GE(predecessors.size(), 3);

    Store reader(u"history-reader"_s);
    QString error;
    QVERIFY2(reader.open(m_db, &error), qPrintable(error));
    Store::PastQuery resolved;
    const QVector<PastIncident> history = reader.pastIncidents(resolved);
    QCOMPARE_GE(history.size(), 200); // a few hundred incidents, all resolved
    QCOMPARE(history.size(), m_incidents);
    qInfo("seeded history: %d scenarios, %lld resolved incidents", kScenarios, qlonglong(history.size()));
    // Patterns over the same history: the recurring root cause is among the recurring ones.
    bool recurring = false;
    for (const auto& r : IncidentPatterns::recurringRootCauses(history, history.front().firstAlertAt))
        recurring |= r.service == root && r.incidents >= int(predecessors.size());
    QVERIFY(recurring);
    reader.close();

    // The fourth occurrence, live: the pipeline reads the history at open and remembers.
    Pipeline pipeline;
    Pipeline::Options o;
    o.databasePath = m_db;
    o.graph = std::make_shared<const ServiceGraph>(*shape.scenario.graph);
    QVERIFY2(pipeline.open(o, &error), qPrintable(error));
    const qint64 offset = kScenarioStart.secsTo(kHistoryStart.addSecs(qint64(slot) * kSlotSecs));
    QVERIFY(pipeline.submit(shifted(shape.scenario, offset, u"now"_s), &error));
    pipeline.flush();
    const qint64 id = pipeline.incidentIdOf(shape.truth.front().fingerprints.front() + u"-now"_s);
    QVERIFY(id > 0);
    const IncidentSnapshotPtr snap = pipeline.snapshot();
    const Incident* current = nullptr;
    for (const Incident& inc : snap->incidents)
        if (inc.id == id)
            current = &inc;
    QVERIFY(current);
    const IncidentMemory memory = snap->memory.value(current->key);
    QStringList found;
    for (const PastIncidentMatch& m : memory.similar)
        found << QString::number(m.incidentId);
    QStringList expected;
    for (qsizetype i = predecessors.size() - 1; i >= 0 && expected.size() < 3; --i)
        expected << QString::number(predecessors[i]); // newest first: they are equally alike, the newest weighs most
    QCOMPARE(found, expected);
    QCOMPARE(memory.similar.front().rootCause, root);
    QCOMPARE(memory.similar.front().mttrSecs, 35 * 60);
    QCOMPARE(memory.similar.front().fixedByRunbook, u"RB-"_s + shape.truth.front().cause);
    const RunbookTrackRecord record = memory.runbooks.value(u"RB-"_s + shape.truth.front().cause);
    QCOMPARE_GE(record.fixes, 3);
    QVERIFY(record.score > 0.0);

    // The diagnosis cites a predecessor for the confirmed root cause whenever it lists that service.
    bool listed = false;
    for (const RootCauseCandidate& c : current->rootCauses) {
        if (c.service != root)
            continue;
        listed = true;
        QVERIFY2(c.evidence.join(u'\n').contains(u"matches incident #%1"_s.arg(predecessors.back())),
                 qPrintable(c.evidence.join(u'\n')));
    }
    QVERIFY2(listed, qPrintable(u"%1 not among the candidates"_s.arg(root)));
}

QTEST_GUILESS_MAIN(TestMemoryHistory)
#include "tst_memoryhistory.moc"
