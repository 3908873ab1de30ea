// Incident memory: signatures, similarity, age decay, the finder over a hand-made history, the runbook ranker and
// the diagnoser's past-root signal. Expected values are computed by hand in the comments.
#include "diagnose/diagnoser.h"
#include "graph/servicegraph.h"
#include "knowledge/agedecay.h"
#include "knowledge/incidentsignature.h"
#include "knowledge/runbookranker.h"
#include "knowledge/signaturesimilarity.h"
#include "knowledge/similarincidentfinder.h"
#include "runbook/runbooklibrary.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {
const QDateTime kNow = QDateTime::fromString(u"2026-06-01T12:00:00Z"_s, Qt::ISODate);

IncidentSignature sig(const QStringList& alertnames, const QStringList& services, const QStringList& layers,
                      const QString& root)
{
    IncidentSignature s;
    s.alertnames = alertnames;
    s.services = services;
    s.layers = layers;
    s.rootCause = root;
    return s;
}

struct Member
{
    QString alertname, service, layer;
};

PastIncident past(qint64 id, double daysAgo, const QVector<Member>& members, const QString& root,
                  const QString& fixedByRunbook = {}, const QVector<PastIncident::Run>& runs = {})
{
    PastIncident p;
    p.id = id;
    p.state = u"resolved"_s;
    p.firstAlertAt = kNow.addSecs(-qint64(daysAgo * 86400));
    p.resolvedAt = p.firstAlertAt.addSecs(1800);
    p.topCandidate = root;
    for (const Member& m : members)
        p.members << PastIncident::Member{m.alertname, m.service, m.layer, {}, false, {}};
    p.runs = runs;
    Resolution r;
    r.incidentId = id;
    r.rootCause = root;
    r.fixedByRunbook = fixedByRunbook;
    r.suggestionRight = true;
    r.actionable = true;
    p.resolution = r;
    return p;
}

TrackedAlert tracked(const QString& name, const QString& service, int offset, const QString& layer = {})
{
    TrackedAlert t;
    t.latest.labels = {{u"alertname"_s, name}, {u"service"_s, service}, {u"severity"_s, u"critical"_s}};
    if (!layer.isEmpty())
        t.latest.labels.insert(u"layer"_s, layer);
    t.latest.fingerprint = Alert::fingerprintOf(t.latest.labels);
    t.latest.startsAt = kNow.addSecs(offset);
    t.firstStartsAt = t.latest.startsAt;
    t.latest.status = Alert::Status::Firing;
    return t;
}
} // namespace

class TestKnowledge : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void signatureOfIncident();
    void similarity_data();
    void similarity();
    void decay_data();
    void decay();
    void finderOrdersByWeightAndSkipsTheFuture();
    void finderWeighsRareAlertsMore();
    void finderDescribesFixesAndIgnoredSuggestions();
    void rankerTrackRecords_data();
    void rankerTrackRecords();
    void rankerReordersProposals();
    void rootSupportBoostsThePastRootModestly();
};

void TestKnowledge::signatureOfIncident()
{
    Incident inc;
    inc.alerts = {tracked(u"B"_s, u"api"_s, 0, u"application"_s), tracked(u"A"_s, u"api"_s, 10),
                  tracked(u"B"_s, u"web"_s, 20, u"application"_s)};
    RootCauseCandidate top;
    top.service = u"db"_s;
    inc.rootCauses = {top};
    const IncidentSignature s = IncidentSignature::of(inc);
    QCOMPARE(s.alertnames, (QStringList{u"A"_s, u"B"_s}));
    QCOMPARE(s.services, (QStringList{u"api"_s, u"web"_s}));
    QCOMPARE(s.layers, QStringList{u"application"_s});
    QCOMPARE(s.rootCause, u"db"_s);
    QVERIFY(IncidentSignature::of(inc, false).rootCause.isEmpty());

    // A stored incident's root cause is the confirmed one: the engineer's answer over the diagnosis.
    PastIncident p = past(1, 1, {{u"A"_s, u"api"_s, {}}}, u"db"_s);
    p.topCandidate = u"api"_s;
    QCOMPARE(IncidentSignature::of(p).rootCause, u"db"_s);
    p.resolution->rootCause.clear();
    p.resolution->suggestionRight = false;
    QVERIFY(IncidentSignature::of(p).rootCause.isEmpty()); // the diagnosis was marked wrong, nothing named
    p.resolution->suggestionRight = true;
    QCOMPARE(IncidentSignature::of(p).rootCause, u"api"_s);
}

void TestKnowledge::similarity_data()
{
    QTest::addColumn<IncidentSignature>("query");
    QTest::addColumn<IncidentSignature>("past");
    QTest::addColumn<double>("expected");

    const QStringList app{u"application"_s};
    // Default weights: alert names 0.3, services 0.2, root cause 0.4, layers 0.1; a set part is
    // (Jaccard + overlap) / 2.
    QTest::addRow("identical") << sig({u"X"_s, u"Y"_s}, {u"s1"_s, u"s2"_s}, app, u"db"_s)
                               << sig({u"X"_s, u"Y"_s}, {u"s1"_s, u"s2"_s}, app, u"db"_s) << 1.0;
    QTest::addRow("disjoint") << sig({u"X"_s}, {u"s1"_s}, app, u"db"_s)
                              << sig({u"Z"_s}, {u"s9"_s}, {u"infrastructure"_s}, u"cache"_s) << 0.0;
    // {X,Y} vs {X,Y,Z}: Jaccard 2/3, overlap 1 -> 5/6 for alert names and for services; layers 1; root 1:
    // 0.3*5/6 + 0.2*5/6 + 0.1 + 0.4 = 0.916667
    QTest::addRow("partial overlap: a smaller storm of the same shape")
        << sig({u"X"_s, u"Y"_s}, {u"s1"_s, u"s2"_s}, app, u"db"_s)
        << sig({u"X"_s, u"Y"_s, u"Z"_s}, {u"s1"_s, u"s2"_s, u"s3"_s}, app, u"db"_s) << 0.3 * 5 / 6 + 0.2 * 5 / 6 + 0.5;
    // {X,Y} vs {Y,Z}: Jaccard 1/3, overlap 1/2 -> 5/12; services equal; root equal: 0.3*5/12 + 0.2 + 0.1 + 0.4
    QTest::addRow("partial overlap both ways") << sig({u"X"_s, u"Y"_s}, {u"s1"_s}, app, u"db"_s)
                                               << sig({u"Y"_s, u"Z"_s}, {u"s1"_s}, app, u"db"_s) << 0.3 * 5 / 12 + 0.7;
    QTest::addRow("same root, different alerts and services")
        << sig({u"X"_s}, {u"s1"_s}, app, u"db"_s) << sig({u"Z"_s}, {u"s2"_s}, app, u"db"_s) << 0.5;
    QTest::addRow("same alerts, different root")
        << sig({u"X"_s}, {u"s1"_s}, app, u"db"_s) << sig({u"X"_s}, {u"s1"_s}, app, u"cache"_s) << 0.6;
    // No root in the query: only alert names (0.75), services (1) and layers (query empty, past not: 0) count,
    // over weights 0.3 + 0.2 + 0.1.
    QTest::addRow("query without a root cause") << sig({u"X"_s, u"Y"_s}, {u"s1"_s}, {}, {})
                                                << sig({u"X"_s}, {u"s1"_s}, app, u"db"_s) << (0.3 * 0.75 + 0.2) / 0.6;
    QTest::addRow("both without layers: the part does not count")
        << sig({u"X"_s}, {u"s1"_s}, {}, u"db"_s) << sig({u"X"_s}, {u"s2"_s}, {}, u"db"_s) << (0.3 + 0.4) / 0.9;
}

void TestKnowledge::similarity()
{
    QFETCH(IncidentSignature, query);
    QFETCH(IncidentSignature, past);
    QFETCH(double, expected);
    const SignatureSimilarity similarity;
    QCOMPARE_LE(std::abs(similarity(query, past) - expected), 1e-9);
    // The set parts are symmetric; only the query decides whether the root cause counts.
    if (!query.rootCause.isEmpty() && !past.rootCause.isEmpty())
        QCOMPARE_LE(std::abs(similarity(past, query) - expected), 1e-9);
}

void TestKnowledge::decay_data()
{
    QTest::addColumn<double>("halfLifeDays");
    QTest::addColumn<double>("ageDays");
    QTest::addColumn<double>("expected");
    QTest::addRow("now") << 30.0 << 0.0 << 1.0;
    QTest::addRow("one half-life") << 30.0 << 30.0 << 0.5;
    QTest::addRow("two half-lives") << 30.0 << 60.0 << 0.25;
    QTest::addRow("half a half-life") << 30.0 << 15.0 << std::sqrt(0.5);
    QTest::addRow("a year with 30 days") << 30.0 << 365.0 << std::exp2(-365.0 / 30.0);
    QTest::addRow("configured: a week") << 7.0 << 14.0 << 0.25;
    QTest::addRow("in the future counts fully") << 30.0 << -3.0 << 1.0;
}

void TestKnowledge::decay()
{
    QFETCH(double, halfLifeDays);
    QFETCH(double, ageDays);
    QFETCH(double, expected);
    const AgeDecay d{halfLifeDays};
    QCOMPARE_LE(std::abs(d.weight(kNow.addSecs(-qint64(ageDays * 86400)), kNow) - expected), 1e-9);
}

void TestKnowledge::finderOrdersByWeightAndSkipsTheFuture()
{
    SimilarIncidentFinder::Options o;
    o.inverseFrequency = false; // plain weights: the similarities below are the hand-computed ones
    SimilarIncidentFinder finder(o);
    const QVector<Member> shape{{u"PoolExhausted"_s, u"orders"_s, u"application"_s},
                                {u"ErrorRate"_s, u"checkout"_s, u"application"_s}};
    finder.setHistory({
        past(5, -1, shape, u"db"_s), // began after the query: not history yet
        past(4, 2, shape, u"db"_s),  // identical, 2 days old
        past(3, 60, shape, u"db"_s), // identical, two half-lives old
        past(2, 1, {{u"ErrorRate"_s, u"checkout"_s, u"application"_s}}, u"db"_s), // partial
        past(1, 1, {{u"DiskFull"_s, u"batch"_s, u"infrastructure"_s}}, u"nas"_s), // disjoint
    });
    QCOMPARE(finder.size(), 5);
    const IncidentSignature query = IncidentSignature::of(past(99, 0, shape, u"db"_s));
    const auto matches = finder.find(query, kNow, 10);
    QStringList got;
    for (const auto& m : matches)
        got << u"#%1 %2 %3"_s.arg(m.match.incidentId).arg(m.match.similarity, 0, 'f', 3).arg(m.match.weight, 0, 'f', 3);
    // #2: alert names and services {2} vs {1}: (1/2 + 1)/2 = 0.75 each; layers and root 1:
    // 0.3*0.75 + 0.2*0.75 + 0.1 + 0.4 = 0.875, weight 0.875 * 2^(-1/30) = 0.855.
    // #4: 1.0 * 2^(-2/30) = 0.955; #3: 1.0 * 0.25.
    QCOMPARE(got, (QStringList{u"#4 1.000 0.955"_s, u"#2 0.875 0.855"_s, u"#3 1.000 0.250"_s}));
    QCOMPARE(finder.find(query, kNow, 1).size(), 1);
    QCOMPARE(finder.find(query, kNow, 10, 4).front().match.incidentId, 2); // the asking incident is not its own match

    // A newly resolved incident joins (and replaces an older record of the same id).
    const quint64 generation = finder.generation();
    finder.add(past(2, 1, shape, u"db"_s));
    QCOMPARE(finder.size(), 5);
    QVERIFY(finder.generation() != generation);
    QCOMPARE(finder.find(query, kNow, 10).at(1).match.similarity, 1.0);
}

void TestKnowledge::finderWeighsRareAlertsMore()
{
    // Every past incident has CommonError; only #1 shares the rare alert with the query, only #2 the common one
    // on the same services. With unit weights both are equally similar; with inverse frequency the rare one wins.
    QVector<PastIncident> history;
    history << past(1, 1, {{u"CommonError"_s, u"x"_s, {}}, {u"RareLeak"_s, u"y"_s, {}}}, u"r1"_s);
    history << past(2, 1, {{u"CommonError"_s, u"y"_s, {}}, {u"Other"_s, u"x"_s, {}}}, u"r2"_s);
    for (int i = 3; i < 12; ++i)
        history << past(i, 1, {{u"CommonError"_s, u"s%1"_s.arg(i), {}}}, u"r%1"_s.arg(i));
    const IncidentSignature query = sig({u"RareLeak"_s, u"Third"_s}, {u"x"_s, u"y"_s}, {}, {});
    const IncidentSignature common = sig({u"CommonError"_s, u"Third"_s}, {u"x"_s, u"y"_s}, {}, {});

    SimilarIncidentFinder::Options plain;
    plain.inverseFrequency = false;
    plain.minSimilarity = 0.0;
    SimilarIncidentFinder flat(plain);
    flat.setHistory(history);
    const auto a = flat.find(query, kNow, 2);
    const auto b = flat.find(common, kNow, 2);
    QCOMPARE(a.front().match.incidentId, 1);
    QCOMPARE(a.front().match.similarity, b.front().match.similarity); // rare or common: the same to unit weights

    SimilarIncidentFinder::Options idf = plain;
    idf.inverseFrequency = true;
    SimilarIncidentFinder weighted(idf);
    weighted.setHistory(history);
    const double rare = weighted.find(query, kNow, 1).front().match.similarity;
    const double shared = weighted.find(common, kNow, 1).front().match.similarity;
    QVERIFY2(rare > shared + 0.05, qPrintable(u"rare %1, common %2"_s.arg(rare).arg(shared)));
}

void TestKnowledge::finderDescribesFixesAndIgnoredSuggestions()
{
    SimilarIncidentFinder finder;
    const QVector<Member> shape{{u"PoolExhausted"_s, u"orders"_s, u"application"_s}};
    PastIncident p = past(7, 21, shape, u"db"_s, u"RB-DB-001"_s, {{u"RB-CACHE"_s, u"flush"_s, false}});
    p.resolution->fixedByStep = u"restart-pool"_s;
    p.resolution->proposedRunbooks = {u"RB-DB-001"_s, u"RB-CACHE"_s, u"RB-SCALE"_s};
    p.resolution->suggestionRight = false;
    p.topCandidate = u"orders"_s;
    finder.setHistory({p});
    Incident now;
    now.id = 100;
    now.firstAlertAt = kNow;
    now.alerts = {tracked(u"PoolExhausted"_s, u"orders"_s, 0, u"application"_s)};
    RootCauseCandidate top;
    top.service = u"db"_s;
    now.rootCauses = {top};
    const IncidentMemory memory = finder.memory(now);
    QCOMPARE(memory.similar.size(), 1);
    const PastIncidentMatch& m = memory.similar.front();
    QCOMPARE(m.incidentId, 7);
    QCOMPARE(m.mttrSecs, 1800);
    QCOMPARE(m.fixedBy, u"RB-DB-001 / restart-pool"_s);
    QCOMPARE(m.rootCause, u"db"_s);
    // RB-CACHE ran (and failed): not ignored; RB-SCALE was proposed and never run; the diagnosis was wrong.
    QCOMPARE(m.ignored, (QStringList{u"RB-SCALE proposed, not run"_s, u"root cause orders marked wrong"_s}));
    QCOMPARE(memory.runbooks.value(u"RB-DB-001"_s).note, u"fixed the 1 similar incident it was tried on"_s);
    QCOMPARE(memory.runbooks.value(u"RB-CACHE"_s).fixes, 0);
    QVERIFY(!memory.runbooks.contains(u"RB-SCALE"_s));
    QCOMPARE(SimilarIncidentFinder::ago(21 * 86400), u"3 weeks ago"_s);
    QCOMPARE(SimilarIncidentFinder::duration(1800), u"30 min"_s);
    QCOMPARE(SimilarIncidentFinder::duration(3 * 3600 + 300), u"3 h 05 min"_s);
}

void TestKnowledge::rankerTrackRecords_data()
{
    QTest::addColumn<QString>("runbook");
    QTest::addColumn<int>("fixes");
    QTest::addColumn<int>("attempts");
    QTest::addColumn<double>("score");
    QTest::addColumn<QString>("note");
    // History (each incident weight 1 unless said): RB-A named as the fix twice, ran and passed once without an
    // answer, ran and failed once, ran and passed once but the engineer named RB-B (not a fix of RB-A);
    // RB-B named once; RB-C ran and passed on an incident of weight 0.5.
    // RB-A: fixes 3 of 5 -> 5 x (3 - 2) / (5 + 1) = 5/6. RB-B: 5 x 1 / 2 = 2.5. RB-C: 5 x 0.5 / 1.5 = 5/3.
    QTest::addRow("RB-A") << u"RB-A"_s << 3 << 5 << 5.0 / 6 << u"fixed 3 of 5 similar incidents"_s;
    QTest::addRow("RB-B") << u"RB-B"_s << 1 << 1 << 2.5 << u"fixed the 1 similar incident it was tried on"_s;
    QTest::addRow("RB-C") << u"RB-C"_s << 1 << 1 << 5.0 / 3 << u"fixed the 1 similar incident it was tried on"_s;
}

namespace {
QVector<PastIncident> rankerHistory()
{
    const QVector<Member> shape{{u"E"_s, u"s"_s, {}}};
    QVector<PastIncident> h;
    h << past(1, 1, shape, u"db"_s, u"RB-A"_s);
    h << past(2, 1, shape, u"db"_s, u"RB-A"_s, {{u"RB-A"_s, u"x"_s, true}});
    PastIncident unanswered = past(3, 1, shape, u"db"_s, {}, {{u"RB-A"_s, u"x"_s, true}});
    unanswered.resolution.reset();
    h << unanswered;
    h << past(4, 1, shape, u"db"_s, {}, {{u"RB-A"_s, u"x"_s, false}});
    h.last().resolution->fixedByText = u"rebooted the host"_s;
    h << past(5, 1, shape, u"db"_s, u"RB-B"_s, {{u"RB-A"_s, u"x"_s, true}});
    PastIncident c = past(6, 1, shape, u"db"_s, {}, {{u"RB-C"_s, u"y"_s, true}});
    c.resolution.reset();
    h << c;
    return h;
}
} // namespace

void TestKnowledge::rankerTrackRecords()
{
    QFETCH(QString, runbook);
    QFETCH(int, fixes);
    QFETCH(int, attempts);
    QFETCH(double, score);
    QFETCH(QString, note);
    const QVector<PastIncident> h = rankerHistory();
    QVector<RunbookRanker::WeightedPast> weighted;
    for (const PastIncident& p : h)
        weighted << RunbookRanker::WeightedPast{p.id == 6 ? 0.5 : 1.0, &p};
    const auto records = RunbookRanker().trackRecords(weighted);
    QCOMPARE(records.size(), 3);
    const RunbookTrackRecord r = records.value(runbook);
    QCOMPARE(r.fixes, fixes);
    QCOMPARE(r.attempts, attempts);
    QCOMPARE_LE(std::abs(r.score - score), 1e-9);
    QCOMPARE(r.note, note);
}

void TestKnowledge::rankerReordersProposals()
{
    // Two runbooks match the incident equally; history puts the one that fixed similar incidents first.
    Runbook a, b;
    a.id = u"RB-A"_s;
    b.id = u"RB-B"_s;
    a.matches.alertnames = b.matches.alertnames = {u"E"_s};
    RunbookLibrary library;
    library.setRunbooks({a, b});
    Incident inc;
    inc.alerts = {tracked(u"E"_s, u"s"_s, 0)};
    QCOMPARE(library.propose(inc).front().runbook.id, u"RB-A"_s); // by id when equal

    SimilarIncidentFinder finder;
    finder.setHistory({past(1, 1, {{u"E"_s, u"s"_s, {}}}, {}, u"RB-B"_s),
                       past(2, 2, {{u"E"_s, u"s"_s, {}}}, {}, u"RB-B"_s),
                       past(3, 3, {{u"E"_s, u"s"_s, {}}}, {}, {}, {{u"RB-A"_s, u"x"_s, false}})});
    inc.firstAlertAt = kNow;
    const IncidentMemory memory = finder.memory(inc);
    library.setHistoryScore([&memory](const Runbook& rb, const Incident&) {
        const RunbookTrackRecord r = memory.runbooks.value(rb.id);
        return RunbookLibrary::HistoryVerdict{r.score, r.note};
    });
    const auto proposals = library.propose(inc);
    QCOMPARE(proposals.front().runbook.id, u"RB-B"_s);
    QCOMPARE(proposals.front().history, u"fixed 2 of 2 similar incidents"_s);
    QVERIFY(proposals.back().reasons.last().contains(u"did not fix"_s));
}

void TestKnowledge::rootSupportBoostsThePastRootModestly()
{
    // db is called by a1 and a2; cache by a2 only. Both explain a2's alert; the past says db.
    auto graph = std::make_shared<ServiceGraph>();
    graph->addEdge(u"a1"_s, u"db"_s);
    graph->addEdge(u"a2"_s, u"db"_s);
    graph->addEdge(u"a2"_s, u"cache"_s);
    Incident inc;
    inc.id = 50;
    inc.firstAlertAt = kNow;
    inc.alerts = {tracked(u"Err"_s, u"a2"_s, 0)};

    SimilarIncidentFinder finder;
    finder.setHistory({past(12, 21, {{u"Err"_s, u"a2"_s, {}}}, u"cache"_s, u"RB-CACHE-001"_s)});
    const Diagnoser::MetricSupportMap support = finder.rootSupport(inc);
    QCOMPARE(support.keys(), QStringList{u"cache"_s});
    const double weight = std::exp2(-21.0 / 30.0); // similarity 1 (alert names and services equal), 3 weeks old
    QCOMPARE_LE(std::abs(support.value(u"cache"_s).strength - weight), 1e-9);
    QCOMPARE(
        support.value(u"cache"_s).evidence.front(),
        u"matches incident #12 of 3 weeks ago (100 % alike), where cache was the root cause, fixed by RB-CACHE-001"_s);

    const Diagnoser diagnoser(graph);
    const auto before = diagnoser.diagnose(inc);
    const auto after = diagnoser.diagnose(inc, {}, support);
    const auto scoreOf = [](const QVector<RootCauseCandidate>& list, const QString& service) {
        for (const auto& c : list)
            if (c.service == service)
                return c.score;
        return std::nan("");
    };
    // Exactly the documented feature weight times the strength, nothing else moves.
    QCOMPARE_LE(std::abs(scoreOf(after, u"cache"_s) - scoreOf(before, u"cache"_s) -
                         Diagnoser::defaultWeights()[Diagnoser::PastRoot] * weight),
                1e-9);
    QCOMPARE(scoreOf(after, u"a2"_s), scoreOf(before, u"a2"_s));
    QVERIFY(Diagnoser::defaultWeights()[Diagnoser::PastRoot] <=
            0.6 * Diagnoser::defaultWeights()[Diagnoser::RecentChange]);
    for (const auto& c : after)
        if (c.service == u"cache"_s)
            QVERIFY(c.evidence.join(u'\n').contains(u"matches incident #12"_s));
}

QTEST_GUILESS_MAIN(TestKnowledge)
#include "tst_knowledge.moc"
