#pragma once
// Diagnoser: ranks the services that could have caused an incident, best first, each with evidence in plain
// words and a calibrated confidence. No single signal is trusted alone: graph propagation (which node's
// failure explains the alerting services through its callers, silent nodes included), onset order along the
// call paths, alert semantics (labels that may be missing or wrong) and recent changes are combined by a
// linear model fitted offline (see fit_diagnoser.py).

#include "confidencecalibrator.h"
#include "model/changeevent.h"
#include "model/incident.h"
#include "model/metricsupport.h"
#include "model/neighbourcause.h"

#include <QHash>
#include <QStringList>
#include <QVector>

#include <array>
#include <memory>
#include <optional>

class GraphReach;
class ServiceGraph;

class Diagnoser
{
public:
    enum Feature
    {
        Explains,          // share of alerting services that depend on the candidate
        Precision,         // share of the candidate's blast radius that is alerting
        OwnAlert,          // the candidate raised an alert itself
        OwnLead,           // minutes its own alert led the earliest alert that depends on it (clipped)
        Silent,            // no alert of its own
        CallerShare,       // share of its direct callers that alert
        HopOrder,          // correlation of onset with hop distance from the candidate
        EarliestNear,      // the incident's earliest explained alert is on it or a direct caller
        LabelledRoot,      // root_cause_candidate=true on one of its alerts
        LabelledNotRoot,   // all of its alerts say root_cause_candidate=false
        InfraLayer,        // layer=infrastructure on one of its alerts
        Critical,          // a critical alert of its own
        InfraKind,         // the topology says database/cache/queue/...
        RecentChange,      // a deploy/change on it within 30 min before onset
        Unexplained,       // log(1 + alerting services it does not explain)
        NotInGraph,        // absent from the topology
        FirstExplained,    // the incident's earliest alert is on a service that depends on it
        MetricSupport,     // its saturation rose before its callers' errors/latency (strength 0..1, from Prometheus)
        PastRoot,          // it was the confirmed root cause of a similar past incident (similarity x age decay, 0..1)
        OwnElsewhere,      // no alert here, but one of its own in another incident at the time (Context::elsewhere)
        OwnElsewhereLater, // ...begun after this incident: share of its alerting dependents that began after it
        DistinctCritical,  // a critical alert of its own whose name no other alerting service here raises
        Accused,           // share of its direct callers whose edge alerts (peer_service) name it as the callee failing
        Frontier,          // anomalous (alerting, accused or metric-anomalous) while none of its callees is
        MetricAnomaly,     // robust z of its own series against the pre-onset window, /10 clipped to 0..1
        Dominated,         // shows nothing itself, and one alerting service depending on it explains all it explains
        FeatureCount
    };
    using Features = std::array<double, FeatureCount>;

    // Plain data shared with other modules, in core/model.
    using MetricSupportOf = ::MetricSupportOf;
    using MetricSupportMap = ::MetricSupportMap;
    using NeighbourCause = ::NeighbourCause;

    // What else the console knows besides the incident itself. `elsewhere` are alerts the correlator put in
    // other incidents: a service alerting there at the same time can still be this incident's cause (two faults
    // whose blast radii overlap leave the cause's own alert in one incident and many of its symptoms in another).
    // `neighbourCauses` are the probable causes of smaller incidents under way at the same time (causeLentBy()):
    // the correlator also puts part of a fault's symptoms with a bigger neighbour's, and a silent cause then
    // leaves no alert of its own to find in `elsewhere`.
    struct Context
    {
        MetricSupportMap metrics;
        MetricSupportMap pastRoots;
        QVector<TrackedAlert> elsewhere;
        QVector<NeighbourCause> neighbourCauses;
        // Per service, how far its metric series left their pre-onset level (robust z, see SeriesAnomaly): for
        // services that raised no alert too, so a silent node can be seen failing.
        QHash<QString, double> anomaly;
    };

    struct Scored
    {
        RootCauseCandidate candidate;
        Features features{};
    };

    explicit Diagnoser(std::shared_ptr<const ServiceGraph> graph);
    Diagnoser(std::shared_ptr<const ServiceGraph> graph, std::shared_ptr<const GraphReach> reach);
    ~Diagnoser();

    void setChanges(const QVector<ChangeEvent>& changes);
    void setCalibrator(const ConfidenceCalibrator& calibrator) { m_calibrator = calibrator; }
    void setWeights(const Features& weights) { m_weights = weights; }
    void setMaxCandidates(int n) { m_maxCandidates = n; }
    static Features defaultWeights();
    static const char* featureName(int feature);

    QVector<RootCauseCandidate> diagnose(const Incident& incident) const;
    // The same, with what Prometheus showed for some candidates: a feature of their score and their evidence.
    QVector<RootCauseCandidate> diagnose(const Incident& incident, const MetricSupportMap& metrics) const;
    // The same, also with what incident memory says (core/knowledge's SimilarIncidentFinder::rootSupport): a
    // candidate that was the confirmed root cause of a similar past incident, with strength = that incident's
    // similarity x age decay and a sentence naming it.
    QVector<RootCauseCandidate> diagnose(const Incident& incident, const MetricSupportMap& metrics,
                                         const MetricSupportMap& pastRoots) const;
    QVector<RootCauseCandidate> diagnose(const Incident& incident, const Context& context) const;
    // The same ranking with the feature vectors behind it (for fitting and for tests).
    QVector<Scored> score(const Incident& incident, const QVector<TrackedAlert>& elsewhere = {},
                          const QHash<QString, double>& anomaly = {}) const;
    // Of `others`, the alerts that could matter to `incident`'s diagnosis: on services in the graph that its
    // alerting services depend on, not alerting in it, starting in its time window.
    QVector<TrackedAlert> relevantElsewhere(const Incident& incident, const QVector<Incident>& others) const;
    // A cheap test by times alone: whether `other` can hold alerts that relevantElsewhere() keeps for `incident`.
    static bool mayBearOn(const Incident& other, const Incident& incident);
    // The probable cause that `other` (diagnosed) lends to `incident`'s Context::neighbourCauses: when it is
    // smaller, holds at least two alerts and its alerts began while this incident's did. Only smaller incidents
    // lend, so diagnosing the smallest first gives every incident its neighbours' final causes.
    static std::optional<NeighbourCause> causeLentBy(const Incident& other, const Incident& incident);
    // The same with lastOnset(i) answering lastOnsetOf(i), which reads every alert of i: a run over a storm's
    // incidents asks it of every pair of them, so diagnoseAll() remembers the answers.
    template <typename LastOnset>
    static std::optional<NeighbourCause> causeLentBy(const Incident& other, const Incident& incident,
                                                     const LastOnset& lastOnset)
    {
        if (!mayLend(other, incident))
            return std::nullopt;
        const qint64 first = other.firstAlertAt.toSecsSinceEpoch();
        if (first > lastOnset(incident) || lastOnset(other) < incident.firstAlertAt.toSecsSinceEpoch())
            return std::nullopt;
        return NeighbourCause{other.rootCauses.front().service, int(other.alerts.size()), first};
    }
    // Of `others` (diagnosed; any range of Incident), the causes they lend to `incident`; lastOnset as above.
    template <typename Incidents, typename LastOnset = qint64 (*)(const Incident&)>
    static QVector<NeighbourCause> neighbourCauses(const Incident& incident, const Incidents& others,
                                                   const LastOnset& lastOnset = &Diagnoser::lastOnsetOf)
    {
        QVector<NeighbourCause> causes;
        const qint64 last = lastOnset(incident);
        const auto known = [&](const Incident& i) { return &i == &incident ? last : lastOnset(i); };
        for (const Incident& other : others)
            if (const auto cause = causeLentBy(other, incident, known))
                causes << *cause;
        return causes;
    }
    static qint64 lastOnsetOf(const Incident& incident); // the latest onset among its alerts (firstAlertAt: earliest)
    // Whether `a` is diagnosed before `b`: fewer alerts first (see causeLentBy()), then by key.
    static bool diagnosedBefore(const Incident& a, const Incident& b);

private:
    // causeLentBy()'s tests that need no onset: other is another, smaller incident of at least two alerts, with a
    // candidate, and both have onsets.
    static bool mayLend(const Incident& other, const Incident& incident);
    bool explains(const QString& candidate, const QString& service) const;
    void rank(QVector<Scored>& scored) const; // score from the features, sort, calibrate
    void promoteResidualRoots(const Incident& incident, const QVector<TrackedAlert>& elsewhere,
                              const QHash<QString, double>& anomaly, QVector<Scored>& ranked) const;
    void adoptNeighbourCause(const QVector<NeighbourCause>& causes, QVector<Scored>& ranked) const;
    void showDistinctSuspect(QVector<Scored>& ranked) const;
    QVector<Scored> score(const Incident& incident, const QVector<TrackedAlert>& elsewhere,
                          const QVector<NeighbourCause>& causes, const QHash<QString, double>& anomaly) const;

    std::shared_ptr<const ServiceGraph> m_graph;
    std::shared_ptr<const GraphReach> m_reach;
    QVector<ChangeEvent> m_changes; // sorted by time
    ConfidenceCalibrator m_calibrator;
    Features m_weights;
    int m_maxCandidates = 5;
};
