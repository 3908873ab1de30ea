#include "diagnoser.h"

#include "i18n/coretranslate.h"

#include "correlate/callerhops.h"
#include "correlate/graphreach.h"
#include "graph/servicegraph.h"
#include "model/severity.h"

#include <QHash>
#include <QSet>
#include <QTimeZone>
#include <QVarLengthArray>

#include <algorithm>
#include <cmath>
#include <tuple>

using namespace Qt::StringLiterals;

namespace {
constexpr qint64 kChangeLookbackSecs = 30 * 60;
constexpr qint64 kChangeLookaheadSecs = 2 * 60;
constexpr int kGraphCandidates = 25;
constexpr int kResidualSlots = 3; // runners-up that may be chosen to explain what the leaders leave
constexpr int kNeighbourCauseSlot = 2; // where a smaller concurrent incident's cause is shown (third)
constexpr int kDistinctSuspectSlot = 2; // ...and a service with a critical alert of its own kind
constexpr int kMinLendingAlerts = 2;   // a lone alert's "cause" is mostly itself: it lends nothing
constexpr int kMinResidualServices = 2;
constexpr double kMinResidualPrecision = 0.4;
constexpr qint64 kCausalSlackSecs = 60; // a cause's own alert may begin this much after its symptoms' (see Correlator)
// The correlator's default propagation budget (Correlator::Options), for the same reason.
constexpr qint64 kPropagationBaseSecs = 90;
constexpr qint64 kPropagationPerHopSecs = 90;
// An alert in another incident counts as a candidate's own when it began at most this long before the incident
// (a cause leads its symptoms by a few hops' worth of propagation) and not after the incident's first alert (give
// or take the causal slack): what began later cannot have caused what was already alerting.
constexpr qint64 kElsewhereLeadSecs = 5 * 60;
// A series this many robust standard deviations off its pre-onset median is anomalous; MetricAnomaly saturates at
// kAnomalyScale (a 2x latency shift on ~8 % noise is about 12).
constexpr double kAnomalousZ = 4.0;
constexpr double kNoiseZ = 3.0; // below this a deviation is the series' own noise: it counts for nothing
constexpr double kAnomalyScale = 10.0;

bool couldHaveStartedIt(qint64 alertOnset, qint64 incidentOnset)
{
    return alertOnset >= incidentOnset - kElsewhereLeadSecs && alertOnset <= incidentOnset + kCausalSlackSecs;
}

// ...or it began while the incident was still growing: then it can have caused only what came after it.
bool couldHaveJoinedIt(qint64 alertOnset, qint64 incidentOnset, qint64 incidentLastOnset)
{
    return alertOnset > incidentOnset + kCausalSlackSecs && alertOnset <= incidentLastOnset;
}

// Alert names, each once, in the order first seen. A few per service as a rule, compared one by one; a service
// raising hundreds of distinct names (one big delivery) is looked up in a set instead of compared with each.
class NameList
{
public:
    void addOnce(const QString& name)
    {
        constexpr qsizetype kCompared = 16;
        if (m_names.size() < kCompared) {
            if (std::find(m_names.cbegin(), m_names.cend(), name) == m_names.cend())
                m_names.append(name);
            return;
        }
        if (m_index.isEmpty())
            m_index = QSet<QString>(m_names.cbegin(), m_names.cend());
        if (!m_index.contains(name)) {
            m_index.insert(name);
            m_names.append(name);
        }
    }
    auto begin() const { return m_names.cbegin(); }
    auto end() const { return m_names.cend(); }

private:
    QVarLengthArray<QString, 4> m_names;
    QSet<QString> m_index; // of m_names, once there are kCompared of them
};

struct ServiceInfo
{
    qint64 onset = std::numeric_limits<qint64>::max();
    int alerts = 0;
    bool labelledRoot = false;
    bool allLabelledNotRoot = true;
    bool infraLayer = false;
    bool critical = false;
    QString firstAlertName;
    NameList alertNames;
    NameList criticalNames; // ...of its critical alerts
};

void note(ServiceInfo& info, const TrackedAlert& t)
{
    const qint64 onset = t.firstStartsAt.toSecsSinceEpoch();
    if (onset < info.onset) {
        info.onset = onset;
        info.firstAlertName = t.latest.alertName();
    }
    ++info.alerts;
    const QString rcc = t.latest.labels.value(u"root_cause_candidate"_s).toLower();
    info.labelledRoot |= rcc == u"true";
    info.allLabelledNotRoot &= rcc == u"false";
    info.infraLayer |= t.latest.labels.value(u"layer"_s).compare(u"infrastructure"_s, Qt::CaseInsensitive) == 0;
    // Through the one Severity parse, so a PagerDuty "high" or a paging rule's "page" counts as critical here too.
    const bool critical = parseSeverity(t.latest.severity()) == Severity::Critical;
    info.critical |= critical;
    const QString name = t.latest.alertName();
    info.alertNames.addOnce(name);
    if (critical)
        info.criticalNames.addOnce(name);
}

// In a storm the symptoms repeat (the same error-rate alert on caller after caller) while a cause tends to say
// something nobody else says: its critical alert whose name no other alerting service raised, if any.
QString distinctCriticalName(const ServiceInfo& info, const QHash<QString, int>& servicesRaising, int total)
{
    if (total < 2)
        return {};
    for (const QString& name : info.criticalNames)
        if (servicesRaising.value(name) == 1)
            return name;
    return {};
}

QString clock(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(u"HH:mm:ss"_s);
}

QString duration(qint64 secs)
{
    secs = std::abs(secs);
    if (secs < 120)
        return u"%1 s"_s.arg(secs);
    return u"%1 min"_s.arg((secs + 30) / 60);
}

void semantics(const ServiceInfo& info, Diagnoser::Features& f)
{
    f[Diagnoser::LabelledRoot] = info.labelledRoot;
    f[Diagnoser::LabelledNotRoot] = info.alerts > 0 && info.allLabelledNotRoot;
    f[Diagnoser::InfraLayer] = info.infraLayer;
    f[Diagnoser::Critical] = info.critical;
}

void semanticEvidence(const QString& service, const ServiceInfo& info, QStringList& evidence)
{
    if (info.alerts == 0)
        return;
    QStringList traits;
    if (info.critical)
        traits << u"critical"_s;
    if (info.infraLayer)
        traits << u"layer infrastructure"_s;
    if (info.labelledRoot)
        traits << u"labelled root_cause_candidate=true"_s;
    evidence << u"%1 raised %2%3"_s.arg(service, info.firstAlertName,
                                        traits.isEmpty() ? QString() : u" ("_s + traits.join(u", "_s) + u')');
}

// A change counts from kChangeLookbackSecs before the incident's onset to kChangeLookaheadSecs after it (the first
// alert can lead its change's record by a little): say which side it fell on.
QString changeEvidence(const ChangeEvent& change, qint64 onset)
{
    const qint64 at = change.at.toSecsSinceEpoch();
    return u"%1 %2 %3 %4 onset"_s.arg(change.kind == u"deploy" ? u"deployed"_s : change.kind, change.description,
                                      duration(onset - at), at <= onset ? u"before"_s : u"after"_s);
}

// The middle of distinctEvidence(): showDistinctSuspect() finds that sentence by it.
constexpr QStringView kOnlyOneRaising = u" is the only alerting service raising ";

QString distinctEvidence(const QString& service, const QString& alertName)
{
    return QString(service).append(kOnlyOneRaising).append(alertName);
}
} // namespace

Diagnoser::Diagnoser(std::shared_ptr<const ServiceGraph> graph) : Diagnoser(graph, nullptr) {}

Diagnoser::Diagnoser(std::shared_ptr<const ServiceGraph> graph, std::shared_ptr<const GraphReach> reach)
    : m_graph(graph ? std::move(graph) : std::make_shared<const ServiceGraph>()),
      m_reach(reach && reach->graph() == m_graph.get() ? std::move(reach)
                                                       : std::make_shared<const GraphReach>(m_graph)),
      m_weights(defaultWeights())
{
}

Diagnoser::~Diagnoser() = default;

void Diagnoser::setChanges(const QVector<ChangeEvent>& changes)
{
    m_changes = changes;
    std::stable_sort(m_changes.begin(), m_changes.end(),
                     [](const ChangeEvent& a, const ChangeEvent& b) { return a.at < b.at; });
}

const char* Diagnoser::featureName(int feature)
{
    static const char* names[] = {
        "explains",   "precision",     "own_alert",           "own_lead",          "silent",          "caller_share",
        "hop_order",  "earliest_near", "labelled_root",       "labelled_not_root", "infra_layer",     "critical",
        "infra_kind", "recent_change", "unexplained",         "not_in_graph",      "first_explained", "metric_support",
        "past_root",  "own_elsewhere", "own_elsewhere_later", "distinct_critical", "accused",         "frontier",
        "metric_anomaly", "dominated"};
    static_assert(sizeof(names) / sizeof(names[0]) == FeatureCount);
    return feature >= 0 && feature < FeatureCount ? names[feature] : "";
}

Diagnoser::Features Diagnoser::defaultWeights()
{
    // Conditional-logit weights fitted by fit_diagnoser.py on pooled tuning suites: tools/scengen.py's nine profiles
    // (seeds 1000-1039 each: classic, equal-severity, coarse-60, coarse-600, silent-root, edge-only, old-noise, cloud,
    // reallike) and generate.py (seeds 1000-1079), 978 incidents; reported on disjoint seeds (5000-5099). Severity and
    // alert names are conventions of generators, not of real incidents: Critical and DistinctCritical are left out of
    // the fit (weight 0; fitted, they learned "a root's alert is critical, with a name nobody else raises", which
    // real-like suites break). OwnElsewhere fitted slightly negative (-0.23), which no reading of it supports: 0.
    // MetricSupport and PastRoot have no examples in any suite (no Prometheus, no history) and NotInGraph none either
    // (generated roots are in the graph): hand-set, see below.
    Features w{};
    w[Explains] = 1.53;
    w[Precision] = 2.407;
    w[OwnAlert] = -0.903;
    w[OwnLead] = 0.003;
    w[Silent] = -0.688;
    w[CallerShare] = 3.328;
    w[HopOrder] = 1.084;
    w[EarliestNear] = -0.148;
    w[LabelledRoot] = 1.804;
    w[LabelledNotRoot] = -2.414;
    w[InfraLayer] = 0.727;
    w[Critical] = 0.0;
    w[InfraKind] = -0.455;
    w[RecentChange] = 2.005;
    w[Unexplained] = -1.142;
    w[NotInGraph] = -1.0; // such a service explains only itself
    w[FirstExplained] = 0.674;
    // A candidate whose saturation clearly led its callers' errors (strength ~1) gains about what a deploy just
    // before onset gives.
    w[MetricSupport] = 2.0;
    // A perfect recent match (strength 1) is worth half a deploy just before onset: enough to order close candidates,
    // never enough to outvote the graph.
    w[PastRoot] = 1.0;
    w[OwnElsewhere] = 0.0;
    w[OwnElsewhereLater] = 0.958;
    w[DistinctCritical] = 0.0;
    w[Accused] = 1.519;
    w[Frontier] = 2.006;
    w[MetricAnomaly] = 2.748;
    w[Dominated] = -0.674;
    return w;
}

QVector<RootCauseCandidate> Diagnoser::diagnose(const Incident& incident) const
{
    return diagnose(incident, Context{});
}

QVector<RootCauseCandidate> Diagnoser::diagnose(const Incident& incident, const MetricSupportMap& metrics) const
{
    return diagnose(incident, metrics, {});
}

QVector<RootCauseCandidate> Diagnoser::diagnose(const Incident& incident, const MetricSupportMap& metrics,
                                                const MetricSupportMap& pastRoots) const
{
    return diagnose(incident, Context{metrics, pastRoots, {}, {}, {}});
}

QVector<RootCauseCandidate> Diagnoser::diagnose(const Incident& incident, const Context& context) const
{
    const MetricSupportMap& metrics = context.metrics;
    const MetricSupportMap& pastRoots = context.pastRoots;
    QVector<Scored> scored = score(incident, context.elsewhere, context.neighbourCauses, context.anomaly);
    // Each extra signal is a feature of the candidates it names, and its sentences come right after the graph's
    // reason: what the engineer can check in the charts, or in the past incident.
    const auto apply = [&scored](const MetricSupportMap& support, Feature feature) {
        for (Scored& sc : scored) {
            const auto it = support.constFind(sc.candidate.service);
            if (it == support.cend())
                continue;
            sc.features[feature] = std::clamp(it->strength, 0.0, 1.0);
            const QStringList sentences = it->evidence.mid(0, 2);
            for (qsizetype i = 0; i < sentences.size(); ++i)
                sc.candidate.evidence.insert(qMin<qsizetype>(1 + i, sc.candidate.evidence.size()), sentences.at(i));
        }
    };
    if (!metrics.isEmpty() || !pastRoots.isEmpty()) {
        apply(pastRoots, PastRoot);
        apply(metrics, MetricSupport);
        rank(scored);
    }
    promoteResidualRoots(incident, context.elsewhere, context.anomaly, scored);
    adoptNeighbourCause(context.neighbourCauses, scored);
    showDistinctSuspect(scored);
    // The moves above put a candidate where the ranking alone would not: confidences and scores stay with the
    // slots, so no candidate is ever shown above one with a higher confidence or score.
    QVector<double> confidences, scores;
    for (const Scored& sc : std::as_const(scored)) {
        confidences << sc.candidate.confidence;
        scores << sc.candidate.score;
    }
    std::sort(confidences.begin(), confidences.end(), std::greater<>());
    std::sort(scores.begin(), scores.end(), std::greater<>());
    for (qsizetype i = 0; i < scored.size(); ++i) {
        scored[i].candidate.confidence = confidences[i];
        scored[i].candidate.score = scores[i];
    }
    QVector<RootCauseCandidate> out;
    out.reserve(std::min<int>(int(scored.size()), m_maxCandidates));
    for (int i = 0; i < scored.size() && i < m_maxCandidates; ++i)
        out << scored[i].candidate;
    return out;
}

bool Diagnoser::explains(const QString& candidate, const QString& service) const
{
    if (candidate == service)
        return true;
    const int c = m_graph->indexOf(candidate), s = m_graph->indexOf(service);
    return c >= 0 && s >= 0 && m_reach->reaches(s, c);
}

bool Diagnoser::mayBearOn(const Incident& other, const Incident& incident)
{
    if (other.key == incident.key || !other.firstAlertAt.isValid() || !incident.firstAlertAt.isValid())
        return false;
    const qint64 t0 = incident.firstAlertAt.toSecsSinceEpoch();
    const qint64 tLast = std::max(incident.lastAlertAt.isValid() ? incident.lastAlertAt.toSecsSinceEpoch() : 0, t0);
    const qint64 last = std::max(other.lastAlertAt.isValid() ? other.lastAlertAt.toSecsSinceEpoch() : 0,
                                 other.firstAlertAt.toSecsSinceEpoch());
    return other.firstAlertAt.toSecsSinceEpoch() <= std::max(tLast, t0 + kCausalSlackSecs) &&
           last >= t0 - kElsewhereLeadSecs;
}

qint64 Diagnoser::lastOnsetOf(const Incident& incident)
{
    qint64 last = std::numeric_limits<qint64>::min();
    for (const TrackedAlert& t : incident.alerts)
        last = std::max(last, t.firstStartsAt.toSecsSinceEpoch());
    return last;
}

std::optional<Diagnoser::NeighbourCause> Diagnoser::causeLentBy(const Incident& other, const Incident& incident)
{
    return causeLentBy(other, incident, &Diagnoser::lastOnsetOf);
}

bool Diagnoser::mayLend(const Incident& other, const Incident& incident)
{
    return other.key != incident.key && !other.rootCauses.isEmpty() && other.alerts.size() >= kMinLendingAlerts &&
           other.alerts.size() < incident.alerts.size() && other.firstAlertAt.isValid() &&
           incident.firstAlertAt.isValid();
}

bool Diagnoser::diagnosedBefore(const Incident& a, const Incident& b)
{
    return a.alerts.size() != b.alerts.size() ? a.alerts.size() < b.alerts.size() : a.key < b.key;
}

QVector<TrackedAlert> Diagnoser::relevantElsewhere(const Incident& incident, const QVector<Incident>& others) const
{
    QVector<TrackedAlert> relevant;
    if (incident.alerts.isEmpty())
        return relevant;
    QSet<QString> own;
    qint64 first = std::numeric_limits<qint64>::max(), last = std::numeric_limits<qint64>::min();
    for (const TrackedAlert& t : incident.alerts) {
        own.insert(t.service());
        first = std::min(first, t.firstStartsAt.toSecsSinceEpoch());
        last = std::max(last, t.firstStartsAt.toSecsSinceEpoch());
    }
    // Looked up once: the console asks this for every open incident at every refresh of a storm.
    QVector<int> ownNodes;
    for (const QString& s : std::as_const(own))
        if (const int node = m_graph->indexOf(s); node >= 0)
            ownNodes << node;
    // Only a service some own service depends on can be relevant: with none of its services in the graph (no
    // graph at all, say) nothing is, and the scan below would read the labels of every alert of every neighbour
    // (after a 100,000-alert delivery, once per incident).
    if (ownNodes.isEmpty())
        return relevant;
    for (const Incident& other : others) {
        if (other.key == incident.key)
            continue;
        for (const TrackedAlert& t : other.alerts) {
            const qint64 at = t.firstStartsAt.toSecsSinceEpoch();
            if (!couldHaveStartedIt(at, first) && !couldHaveJoinedIt(at, first, last))
                continue;
            const QString service = t.service();
            if (own.contains(service))
                continue;
            const int node = m_graph->indexOf(service);
            if (node >= 0 && std::any_of(ownNodes.cbegin(), ownNodes.cend(),
                                         [&](int caller) { return m_reach->reaches(caller, node); }))
                relevant << t;
        }
    }
    return relevant;
}

// The correlator sometimes has to merge two concurrent faults into one incident (they share callers);
// then the best single candidate explains only one of them. The best explanation of the alerts the
// leaders leave unexplained is the natural runner-up, whatever its score over the whole incident.
void Diagnoser::promoteResidualRoots(const Incident& incident, const QVector<TrackedAlert>& elsewhere,
                                     const QHash<QString, double>& anomaly, QVector<Scored>& ranked) const
{
    // A candidate with an alert of its own cannot have caused what began well before it.
    QHash<QString, qint64> onset;
    for (const TrackedAlert& t : incident.alerts) {
        const qint64 at = t.firstStartsAt.toSecsSinceEpoch();
        const auto it = onset.find(t.service());
        if (it == onset.end() || at < *it)
            onset.insert(t.service(), at);
    }
    // ...nor what began too late to be its symptom: callers h hops away alert within base + h * perHop of
    // the cause's onset (the median of its own and its direct callers' first alerts); later alerts under it
    // are a second fault. Each alert is timed on its own: a service hurt by the first fault can alert again,
    // under another name, when a second one hits it or what it calls.
    struct Window
    {
        CallerHops hops;
        qint64 onset = 0;
    };
    QHash<QString, Window> windows;
    const auto windowOf = [&](const QString& cause) -> const Window* {
        const int node = m_graph->indexOf(cause);
        if (node < 0)
            return nullptr;
        auto it = windows.find(cause);
        if (it == windows.end()) {
            Window w{CallerHops(*m_graph, node)};
            QVector<qint64> nearest;
            for (auto o = onset.cbegin(); o != onset.cend(); ++o) {
                const int h = w.hops.hops(m_graph->indexOf(o.key()));
                if (h >= 0 && h <= 1)
                    nearest << *o;
            }
            if (!nearest.isEmpty()) {
                std::nth_element(nearest.begin(), nearest.begin() + nearest.size() / 2, nearest.end());
                w.onset = nearest[nearest.size() / 2];
            } else {
                w.onset = std::numeric_limits<qint64>::min() / 2; // nothing near it alerts: no budget to apply
            }
            it = windows.insert(cause, std::move(w));
        }
        return &*it;
    };
    const auto causedBy = [&](const RootCauseCandidate& c, const TrackedAlert& alert) {
        const QString service = alert.service();
        if (!explains(c.service, service))
            return false;
        const qint64 at = alert.firstStartsAt.toSecsSinceEpoch();
        const auto own = onset.constFind(c.service);
        if (own != onset.cend() && at < *own - kCausalSlackSecs)
            return false;
        const Window* w = windowOf(c.service);
        if (!w || c.service == service)
            return true;
        const int h = w->hops.hops(m_graph->indexOf(service));
        return h < 0 || at <= w->onset + kPropagationBaseSecs + h * kPropagationPerHopSecs;
    };
    for (int slot = 1; slot < kResidualSlots && slot < ranked.size(); ++slot) {
        Incident rest;
        QSet<QString> restServices;
        for (const TrackedAlert& t : incident.alerts) {
            bool covered = false;
            for (int i = 0; i < slot && !covered; ++i)
                covered = causedBy(ranked[i].candidate, t);
            if (!covered) {
                rest.alerts << t;
                restServices.insert(t.service());
            }
        }
        if (restServices.size() < kMinResidualServices)
            return;
        const QVector<Scored> sub = score(rest, elsewhere, {}, anomaly);
        if (sub.isEmpty())
            return;
        // Scattered leftovers (noise) have no believable common cause: a second root must explain several of
        // them and be specific (the correlator's minPrecision), or the true runner-up keeps its place. A root
        // that raised an alert of its own (here or in a neighbouring incident) has shown it is failing: then
        // how few of its callers alert says little, as their alerts may sit in another incident or not yet exist.
        const Features& f = sub.front().features;
        const double explainedRest = f[Explains] * double(restServices.size());
        const bool alertedItself = f[OwnAlert] > 0 || f[OwnElsewhere] > 0 || f[OwnElsewhereLater] > 0;
        if (explainedRest + 1e-9 < kMinResidualServices || (!alertedItself && f[Precision] < kMinResidualPrecision))
            return;
        const QString best = sub.front().candidate.service;
        int at = -1;
        for (int i = 0; i < ranked.size() && at < 0; ++i)
            if (ranked[i].candidate.service == best)
                at = i;
        if (at >= 0 && at < slot)
            return;
        Scored promoted = at >= 0 ? ranked.takeAt(at) : sub.front();
        if (at < 0) // scored against part of the incident only: never more confident than the weakest shown
            promoted.candidate.confidence = std::min(promoted.candidate.confidence, ranked.back().candidate.confidence);
        promoted.candidate.evidence.prepend(
            u"explains alerts on %1 services that %2 does not reach in time"_s.arg(restServices.size())
                .arg(ranked.front().candidate.service));
        ranked.insert(slot, promoted);
    }
}

// Two faults whose blast radii overlap: the correlator can put most of one's symptoms with the other's, and the
// smaller incident it leaves holds the rest under their own probable cause. A cause that explains alerting services
// here too is then the natural third answer here, whatever its score over this incident's alerts.
void Diagnoser::adoptNeighbourCause(const QVector<NeighbourCause>& causes, QVector<Scored>& ranked) const
{
    const NeighbourCause* chosen = nullptr;
    int at = -1;
    for (const NeighbourCause& cause : causes) {
        // The biggest such neighbour holds the most symptoms: its cause, or among equals the earliest.
        if (chosen && (cause.alerts < chosen->alerts ||
                       (cause.alerts == chosen->alerts &&
                        std::tie(cause.firstOnset, cause.service) >= std::tie(chosen->firstOnset, chosen->service))))
            continue;
        // Not a candidate here: it explains none of this incident's alerting services.
        const auto it = std::find_if(ranked.cbegin(), ranked.cend(),
                                     [&](const Scored& sc) { return sc.candidate.service == cause.service; });
        const int i = it == ranked.cend() ? -1 : int(it - ranked.cbegin());
        if (i < kNeighbourCauseSlot) // absent, or already shown first or second
            continue;
        chosen = &cause;
        at = i;
    }
    if (!chosen)
        return;
    Scored adopted = ranked.takeAt(at);
    adopted.candidate.evidence.prepend(
        u"probable cause of a concurrent incident of %1 alerts (from %2)"_s.arg(chosen->alerts)
            .arg(clock(chosen->firstOnset)));
    ranked.insert(kNeighbourCauseSlot, std::move(adopted));
}

// A service that raised a critical alert nobody else in the incident raises has said what is wrong with it: when two
// faults share an incident, both causes tend to be such services, and the one that explains fewer alerts ranks far
// down. The best-scored such service is the natural third answer unless the shortlist already shows one there,
// also over a neighbour's cause adopted there (keeping that one third lost more on the generated suites than it won).
void Diagnoser::showDistinctSuspect(QVector<Scored>& ranked) const
{
    if (ranked.size() <= kDistinctSuspectSlot || ranked[kDistinctSuspectSlot].features[DistinctCritical] > 0)
        return;
    const auto it = std::find_if(ranked.cbegin() + kDistinctSuspectSlot + 1, ranked.cend(),
                                 [](const Scored& sc) { return sc.features[DistinctCritical] > 0; });
    if (it == ranked.cend())
        return;
    Scored shown = ranked.takeAt(int(it - ranked.cbegin()));
    // Its reason first: why it is shown here whatever its score.
    auto& evidence = shown.candidate.evidence;
    const auto reason = std::find_if(evidence.begin(), evidence.end(),
                                     [](const QString& sentence) { return sentence.contains(kOnlyOneRaising); });
    if (reason != evidence.end())
        std::rotate(evidence.begin(), reason, reason + 1);
    ranked.insert(kDistinctSuspectSlot, std::move(shown));
}

QVector<Diagnoser::Scored> Diagnoser::score(const Incident& incident, const QVector<TrackedAlert>& elsewhere,
                                            const QHash<QString, double>& anomaly) const
{
    return score(incident, elsewhere, {}, anomaly);
}

QVector<Diagnoser::Scored> Diagnoser::score(const Incident& incident, const QVector<TrackedAlert>& elsewhere,
                                            const QVector<NeighbourCause>& causes,
                                            const QHash<QString, double>& anomaly) const
{
    QVector<Scored> result;
    if (incident.alerts.isEmpty())
        return result;

    // 1. What each alerting service said and when it started.
    QHash<int, ServiceInfo> inGraph;
    QHash<QString, ServiceInfo> outside;
    qint64 t0 = std::numeric_limits<qint64>::max();
    for (const TrackedAlert& t : incident.alerts) {
        const QString s = t.service();
        const int node = m_graph->indexOf(s);
        note(node >= 0 ? inGraph[node] : outside[s], t);
        t0 = std::min(t0, t.firstStartsAt.toSecsSinceEpoch());
    }
    const int total = int(inGraph.size() + outside.size());
    QHash<QString, int> servicesRaising; // alert name -> how many alerting services raised it
    const auto countNames = [&servicesRaising](const auto& infos) {
        for (const ServiceInfo& info : infos)
            for (const QString& name : info.alertNames)
                ++servicesRaising[name];
    };
    countNames(inGraph);
    countNames(outside);
    // What services that do not alert here said in other incidents at the time (see Context::elsewhere).
    qint64 tLast = t0;
    for (const TrackedAlert& t : incident.alerts)
        tLast = std::max(tLast, t.firstStartsAt.toSecsSinceEpoch());
    QHash<int, ServiceInfo> alertingElsewhere;
    QHash<int, qint64> laterElsewhere; // node -> onset of its earliest own alert that began after this incident
    for (const TrackedAlert& t : elsewhere) {
        const int node = m_graph->indexOf(t.service());
        const qint64 at = t.firstStartsAt.toSecsSinceEpoch();
        if (node < 0 || inGraph.contains(node))
            continue;
        if (couldHaveStartedIt(at, t0))
            note(alertingElsewhere[node], t);
        else if (couldHaveJoinedIt(at, t0, tLast) && (!laterElsewhere.contains(node) || at < laterElsewhere[node]))
            laterElsewhere.insert(node, at);
    }
    for (auto it = alertingElsewhere.cbegin(); it != alertingElsewhere.cend(); ++it)
        laterElsewhere.remove(it.key());
    // Every service whose alert began first (several can share that second): which one a hash visits first must
    // not decide anything.
    QVector<int> firstNodes;
    for (auto it = inGraph.cbegin(); it != inGraph.cend(); ++it)
        if (it->onset == t0)
            firstNodes << it.key();
    // Onset order says something only when the onsets can differ: metrics at 1- or 10-minute steps give many
    // alerts the same startsAt. The share of alerting services whose onset no other one shares scales every
    // feature read from order (1 at second resolution with distinct onsets, near 0 when all are tied).
    QHash<qint64, int> perOnset;
    for (const ServiceInfo& info : std::as_const(inGraph))
        ++perOnset[info.onset];
    int distinctOnsets = 0;
    for (const ServiceInfo& info : std::as_const(inGraph))
        distinctOnsets += perOnset.value(info.onset) == 1;
    const double orderTrust = inGraph.size() < 2 ? 1.0 : double(distinctOnsets) / double(inGraph.size());
    // An edge alert (a caller's client-side error or latency naming its callee in peer_service) is evidence
    // against the callee, which may raise nothing itself.
    QHash<int, QSet<int>> accusers; // callee -> callers naming it
    for (const TrackedAlert& t : incident.alerts) {
        const QString peer = t.latest.labels.value(u"peer_service"_s);
        if (peer.isEmpty())
            continue;
        const int callee = m_graph->indexOf(peer), caller = m_graph->indexOf(t.service());
        if (callee >= 0 && caller >= 0 && callee != caller)
            accusers[callee].insert(caller);
    }
    // Anomalous: alerting, accused by a caller, or with series clearly off their pre-onset level. A root is an
    // anomalous node none of whose (observed) callees is anomalous: its callers' trouble stops at it.
    const auto metricAnomaly = [&](int node) {
        return std::clamp((anomaly.value(m_graph->nodes()[node].id, 0.0) - kNoiseZ) / kAnomalyScale, 0.0, 1.0);
    };
    const auto anomalous = [&](int node) {
        return inGraph.contains(node) || accusers.contains(node) ||
               anomaly.value(m_graph->nodes()[node].id, 0.0) >= kAnomalousZ;
    };

    // 2. Graph propagation: how many alerting services each node could explain through its callers.
    const int n = m_reach->nodeCount();
    std::vector<int> cover(std::size_t(n), 0);
    for (auto it = inGraph.cbegin(); it != inGraph.cend(); ++it)
        m_reach->forEachDependency(it.key(), [&](int c) { ++cover[c]; });
    QVector<int> candidates;
    for (int c = 0; c < n; ++c)
        if (cover[c] > 0)
            candidates << c;
    auto better = [&](int a, int b) {
        if (cover[a] != cover[b])
            return cover[a] > cover[b];
        return m_reach->blastRadius(a) < m_reach->blastRadius(b);
    };
    if (candidates.size() > kGraphCandidates) {
        std::nth_element(candidates.begin(), candidates.begin() + kGraphCandidates, candidates.end(), better);
        candidates.resize(kGraphCandidates);
        // ...but what other signals single out stays, if it explains anything here.
        const auto keep = [&](int node) {
            if (node >= 0 && cover[node] > 0 && !candidates.contains(node))
                candidates << node;
        };
        for (auto it = alertingElsewhere.cbegin(); it != alertingElsewhere.cend(); ++it)
            keep(it.key());
        for (auto it = laterElsewhere.cbegin(); it != laterElsewhere.cend(); ++it)
            keep(it.key());
        for (auto it = inGraph.cbegin(); it != inGraph.cend(); ++it) // see showDistinctSuspect()
            if (!distinctCriticalName(*it, servicesRaising, total).isEmpty())
                keep(it.key());
        for (const NeighbourCause& cause : causes)
            keep(m_graph->indexOf(cause.service));
        // In node order, as without the cut: equal scores then rank the same whatever order the hashes gave.
        std::sort(candidates.begin(), candidates.end());
    }

    auto recentChange = [&](const QString& service, qint64 onset) -> const ChangeEvent* {
        const ChangeEvent* found = nullptr;
        for (const ChangeEvent& ch : m_changes) {
            const qint64 at = ch.at.toSecsSinceEpoch();
            if (at > onset + kChangeLookaheadSecs)
                break;
            if (ch.service == service && at >= onset - kChangeLookbackSecs)
                found = &ch;
        }
        return found;
    };

    std::vector<int> hop(std::size_t(n), -1);
    QVector<int> frontier, next, visited;
    for (int c : std::as_const(candidates)) {
        Scored sc;
        Features& f = sc.features;
        const auto& node = m_graph->nodes()[c];
        const auto own = inGraph.constFind(c);
        const bool hasOwn = own != inGraph.cend();
        const auto there = hasOwn ? alertingElsewhere.cend() : alertingElsewhere.constFind(c);
        const bool ownElsewhere = there != alertingElsewhere.cend();
        const bool alerting = hasOwn || ownElsewhere; // the candidate said something itself, here or elsewhere
        const ServiceInfo info = hasOwn ? *own : ownElsewhere ? *there : ServiceInfo{};
        const qint64 laterOnset = alerting ? 0 : laterElsewhere.value(c, 0);
        int dependents = 0, afterLater = 0; // alerting services depending on it; of those, begun after laterOnset

        // Breadth-first up the callers: hop distance of every explained alerting service.
        visited.clear();
        frontier = {c};
        hop[c] = 0;
        visited << c;
        double sh = 0, so = 0, shh = 0, soo = 0, sho = 0;
        int k = 0;
        qint64 earliest = std::numeric_limits<qint64>::max();
        int earliestHop = -1;
        qint64 earliestOther = std::numeric_limits<qint64>::max();
        QString earliestOtherName;
        while (!frontier.isEmpty()) {
            next.clear();
            for (int v : std::as_const(frontier)) {
                if (const auto si = inGraph.constFind(v); si != inGraph.cend()) {
                    const double h = hop[v];
                    const double o = double(si->onset - t0) / 60.0;
                    sh += h;
                    so += o;
                    shh += h * h;
                    soo += o * o;
                    sho += h * o;
                    ++k;
                    if (si->onset < earliest) {
                        earliest = si->onset;
                        earliestHop = hop[v];
                    }
                    if (v != c) {
                        ++dependents;
                        afterLater += laterOnset != 0 && si->onset >= laterOnset - kCausalSlackSecs;
                    }
                    if (v != c && si->onset < earliestOther) {
                        earliestOther = si->onset;
                        earliestOtherName = m_graph->nodes()[v].id;
                    }
                }
                for (int caller : m_graph->callersOf(v))
                    if (hop[caller] < 0) {
                        hop[caller] = hop[v] + 1;
                        visited << caller;
                        next << caller;
                    }
            }
            std::swap(frontier, next);
        }
        double corr = 0.0;
        if (k >= 3) {
            const double vh = shh - sh * sh / k, vo = soo - so * so / k;
            if (vh > 1e-9 && vo > 1e-9)
                corr = (sho - sh * so / k) / std::sqrt(vh * vo);
        }
        const auto& callers = m_graph->callersOf(c);
        int alertingCallers = 0;
        for (int caller : callers)
            alertingCallers += inGraph.contains(caller);
        for (int v : std::as_const(visited))
            hop[v] = -1;

        f[Explains] = double(cover[c]) / total;
        f[Precision] = double(cover[c]) / m_reach->blastRadius(c);
        f[OwnAlert] = hasOwn;
        f[OwnElsewhere] = ownElsewhere;
        f[OwnElsewhereLater] = dependents > 0 ? double(afterLater) / dependents : 0.0;
        f[Silent] = !alerting;
        if (alerting && earliestOther != std::numeric_limits<qint64>::max())
            f[OwnLead] = orderTrust * std::clamp(double(earliestOther - info.onset) / 60.0, -3.0, 3.0);
        f[CallerShare] = callers.isEmpty() ? 0.0 : double(alertingCallers) / callers.size();
        f[HopOrder] = orderTrust * corr;
        f[EarliestNear] = orderTrust * (earliestHop >= 0 && earliestHop <= 1);
        semantics(info, f);
        f[InfraKind] = !node.kind.isEmpty() && node.kind != u"service";
        const ChangeEvent* change = recentChange(node.id, t0);
        f[RecentChange] = change != nullptr;
        f[Unexplained] = std::log1p(double(total - cover[c]));
        f[FirstExplained] = orderTrust * std::any_of(firstNodes.cbegin(), firstNodes.cend(),
                                                     [&](int first) { return m_reach->reaches(first, c); });
        const auto accusing = accusers.constFind(c);
        const int accusedBy = accusing == accusers.cend() ? 0 : int(accusing->size());
        f[Accused] = accusedBy == 0 ? 0.0 : std::min(1.0, double(accusedBy) / std::max<qsizetype>(1, callers.size()));
        const auto& callees = m_graph->calleesOf(c);
        // Only where the callees are observed (series for each): a silent callee without metrics is unknown, not
        // healthy, and the innermost alerting caller of a silent root would otherwise pass for a root.
        const auto observed = [&](int v) { return anomaly.contains(m_graph->nodes()[v].id); };
        f[Frontier] = observed(c) && anomalous(c) && std::none_of(callees.cbegin(), callees.cend(), anomalous) &&
                      std::all_of(callees.cbegin(), callees.cend(), observed);
        f[MetricAnomaly] = metricAnomaly(c);
        // Graph explanation prefers what was seen failing: a node that shows nothing (no alert, no edge alert naming
        // it, no metric anomaly) explains no more than an alerting service depending on it when that one explains
        // every alerting service it does. Without a severity convention to single the root's alert out, such a silent
        // callee otherwise outranks the alerting root whose callers alert. It keeps its place when alerting services
        // in separate branches meet at it: then no single one of them explains them all.
        if (!alerting && !anomalous(c))
            f[Dominated] = std::any_of(inGraph.keyBegin(), inGraph.keyEnd(), [&](int g) {
                return g != c && cover[g] == cover[c] && m_reach->reaches(g, c);
            });
        const QString distinct = hasOwn ? distinctCriticalName(*own, servicesRaising, total) : QString();
        f[DistinctCritical] = !distinct.isEmpty();

        RootCauseCandidate& rc = sc.candidate;
        rc.service = node.id;
        rc.hasOwnAlert = alerting;
        rc.inGraph = true;
        // Evidence, strongest first.
        const int explained = cover[c] - (hasOwn ? 1 : 0);
        const int others = total - (hasOwn ? 1 : 0);
        if (explained > 0) {
            QString through;
            int bestThrough = 0;
            for (int caller : callers) {
                int via = 0;
                for (auto it = inGraph.cbegin(); it != inGraph.cend(); ++it)
                    via += it.key() != c && m_reach->reaches(it.key(), caller);
                if (via > bestThrough) {
                    bestThrough = via;
                    through = m_graph->nodes()[caller].id;
                }
            }
            const QString who =
                explained == others
                    ? CoreTranslate::plural("Diagnoser", QT_TRANSLATE_N_NOOP("Diagnoser", "all %n alerting service(s)"),
                                            others)
                    : CoreTranslate::plural("Diagnoser", QT_TRANSLATE_N_NOOP("Diagnoser", "%1 of %n alerting service(s)"),
                                            others)
                          .arg(explained);
            rc.evidence << u"%1 call %2 (directly or through %3)"_s.arg(who, node.id, through);
        }
        if (ownElsewhere)
            rc.evidence << u"its own alert %1 at %2 is grouped in another incident"_s.arg(info.firstAlertName,
                                                                                          clock(info.onset));
        if (afterLater > 0)
            rc.evidence << u"its own alert at %1, grouped in another incident, came before %2 of the %3 alerting "
                           u"services that depend on it"_s.arg(clock(laterOnset))
                               .arg(afterLater)
                               .arg(dependents);
        if (alerting && earliestOther != std::numeric_limits<qint64>::max()) {
            const qint64 lead = earliestOther - info.onset;
            if (lead >= 0)
                rc.evidence << u"first alert at %1, %2 before any caller"_s.arg(clock(info.onset), duration(lead));
            else
                rc.evidence << u"its own alert at %1 came %2 after %3 (%4)"_s.arg(
                    clock(info.onset), duration(lead), earliestOtherName, clock(earliestOther));
        } else if (!alerting) {
            rc.evidence << u"raised no alert of its own; %1 of its %2 direct callers alert"_s.arg(alertingCallers)
                               .arg(callers.size());
        }
        if (accusedBy > 0)
            rc.evidence << u"%1 of its %2 direct callers report errors or latency calling it"_s.arg(accusedBy)
                               .arg(callers.size());
        if (f[MetricAnomaly] > 0.3)
            rc.evidence << u"its metrics left their pre-onset level (robust z %1)"_s.arg(anomaly.value(node.id), 0,
                                                                                         'f', 1);
        if (f[Frontier] > 0 && !callees.isEmpty())
            rc.evidence << u"none of the %1 services it calls shows trouble"_s.arg(callees.size());
        if (corr > 0.3 && orderTrust > 0.5)
            rc.evidence << u"alerts start later the further a caller is from it (correlation %1)"_s.arg(corr, 0, 'f',
                                                                                                        2);
        if (change)
            rc.evidence << changeEvidence(*change, t0);
        semanticEvidence(node.id, info, rc.evidence);
        if (!distinct.isEmpty())
            rc.evidence << distinctEvidence(node.id, distinct);
        if (!node.kind.isEmpty() && node.kind != u"service")
            rc.evidence << u"%1 is a %2 in the topology"_s.arg(node.id, node.kind);
        result << sc;
    }

    // Services missing from the graph can only explain themselves.
    for (auto it = outside.cbegin(); it != outside.cend(); ++it) {
        Scored sc;
        Features& f = sc.features;
        f[Explains] = 1.0 / total;
        f[Precision] = 1.0;
        f[OwnAlert] = 1.0;
        f[OwnLead] = std::clamp(double(t0 - it->onset) / 60.0, -3.0, 3.0);
        f[EarliestNear] = it->onset == t0;
        semantics(*it, f);
        const ChangeEvent* change = recentChange(it.key(), t0);
        f[RecentChange] = change != nullptr;
        f[Unexplained] = std::log1p(double(total - 1));
        f[NotInGraph] = 1.0;
        f[FirstExplained] = it->onset == t0;
        const QString distinct = distinctCriticalName(*it, servicesRaising, total);
        f[DistinctCritical] = !distinct.isEmpty();
        RootCauseCandidate& rc = sc.candidate;
        rc.service = it.key();
        rc.hasOwnAlert = true;
        rc.inGraph = false;
        rc.evidence << u"%1 is not in graph: grouped by time and labels only"_s.arg(it.key());
        rc.evidence << u"first alert at %1"_s.arg(clock(it->onset));
        if (change)
            rc.evidence << changeEvidence(*change, t0);
        semanticEvidence(it.key(), *it, rc.evidence);
        if (!distinct.isEmpty())
            rc.evidence << distinctEvidence(it.key(), distinct);
        result << sc;
    }

    rank(result);
    return result;
}

void Diagnoser::rank(QVector<Scored>& scored) const
{
    for (Scored& sc : scored) {
        double s = 0.0;
        for (int i = 0; i < FeatureCount; ++i)
            s += m_weights[i] * sc.features[i];
        sc.candidate.score = s;
    }
    std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
        if (a.candidate.score != b.candidate.score)
            return a.candidate.score > b.candidate.score;
        return a.candidate.service < b.candidate.service;
    });
    QVector<double> scores;
    for (const Scored& sc : std::as_const(scored))
        scores << sc.candidate.score;
    const QVector<double> conf = m_calibrator.calibrate(scores);
    for (int i = 0; i < scored.size(); ++i)
        scored[i].candidate.confidence = conf[i];
}
