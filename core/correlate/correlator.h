#pragma once
// Correlator: turns the notification stream into incidents, incrementally and in arrival order.
// Deduplicates by fingerprint into TrackedAlert, applies Alertmanager inhibition (marks, never drops),
// and groups alerts whose onsets are close in time and whose services share a plausible common cause in
// the dependency graph; services missing from the graph are grouped by time and their service label.

#include "inhibitruleset.h"
#include "model/fingerprintindex.h"
#include "model/incident.h"

#include <QHash>
#include <QSet>
#include <QStringList>
#include <QVector>

#include <memory>
#include <optional>

class CallerHops;
class GraphReach;
class ServiceGraph;

class Correlator
{
public:
    struct Options
    {
        // An alert whose onset is this close to an incident's onset span may join it.
        qint64 windowSeconds = 120;
        // The common cause an alert shares with an incident must explain at least this share of its services.
        double joinShare = 0.5;
        // Two incidents merge when one cause reachable from the linking alert explains this share of both.
        double mergeShare = 0.7;
        // A shared cause is only plausible when at least this share of its blast radius (every service that
        // depends on it) is alerting: "both call the big database" alone does not make two faults one.
        double minPrecision = 0.4;
        // A group splits when the services its best cause leaves unexplained number at least this many and
        // share a plausible cause of their own: two concurrent faults, not one fault with a stray alert.
        int minSplitServices = 2;
        // ...and when that second cause is specific: at least this share of its blast radius is alerting.
        double splitPrecision = 0.6;
        // A caller cannot have been hurt by a node whose own alert began this much later than the caller's.
        qint64 causalSlackSeconds = 60;
        // How late a caller h hops from a cause may start alerting and still be its symptom: base + h * perHop
        // after the cause's onset. Later alerts under the same cause are a second fault (or noise).
        qint64 propagationBaseSeconds = 90;
        qint64 propagationPerHopSeconds = 90;
    };

    // What one add() did, so the pipeline persists exactly that.
    struct Update
    {
        QStringList changed; // incident keys created or modified
        QStringList removed; // incident keys that disappeared by merging into another
        QSet<QString> listed; // the keys in changed, so a delivery of 100,000 new alerts checks each in O(1)
        bool isEmpty() const { return changed.isEmpty() && removed.isEmpty(); }
    };

    explicit Correlator(std::shared_ptr<const ServiceGraph> graph = {});
    Correlator(std::shared_ptr<const ServiceGraph> graph, Options options);
    ~Correlator();
    Correlator(const Correlator&) = delete;
    Correlator& operator=(const Correlator&) = delete;

    void setInhibitRules(const InhibitRuleSet& rules);

    Update add(const Alert& notification);
    // The same, adding what changed to *update: one Update for a whole delivery (a merged-away key leaves its
    // changed list, as within one add()).
    void add(const Alert& notification, Update* update);
    Update addAll(const QVector<Alert>& notifications);

    int incidentCount() const;
    QStringList incidentKeys() const; // oldest first
    std::optional<Incident> incident(const QString& key) const;
    // "<founding alert's fingerprint>@<its onset, epoch seconds>". The onset is part of it because a label
    // set that fires again weeks later is a new page: with the fingerprint alone its incident would be
    // stored over the old, resolved one. Every console derives the same key from the same alerts.
    static QString incidentKey(const QString& foundingFingerprint, qint64 onsetSecs);
    QVector<Incident> incidents() const; // oldest first
    QString incidentKeyOf(const QString& fingerprint) const;
    const TrackedAlert* trackedAlert(const QString& fingerprint) const;
    qint64 notificationCount() const { return m_notifications; }
    int alertCount() const { return int(m_state.size()); }
    std::shared_ptr<const GraphReach> reach() const { return m_reach; }

private:
    struct Group;
    int placeAlert(int alertId, Update* update);
    QVector<int> findGroups(int alertId) const;
    int mergeGroups(int into, int from);
    int bestCause(const std::vector<int>& count, const std::vector<int>* alerting) const;
    int causeOf(const Group& g) const; // bestCause(g.cover, nullptr), kept while g.cover does not change
    bool causedBy(const Group& g, int node, int cause) const;
    // causedBy() for a node already known to reach cause, by the node's onset: true when the cause has no alert in
    // g or notBeforeCause(nodeOnset, its onset).
    bool onsetFits(const Group& g, qint64 nodeOnset, int cause) const;
    // A caller cannot have been hurt by a cause whose own alert began more than the causal slack after the caller's.
    bool notBeforeCause(qint64 onset, qint64 causeOnset) const;
    // An alert on `node` starting at `onset` is a symptom of `cause` in group g: node depends on it, did not
    // start before the cause's own alert, and started within the hop budget (Options::propagation*).
    bool explainsInTime(const Group& g, int cause, int node, qint64 onset) const;
    bool beganAfterItsCallers(const Group& g, int node, qint64 onset) const;
    struct AlertState;
    // Whether `cause`'s own alert (in g, or the new alert st itself) makes it a believable common cause of st and g
    // whatever share of its blast radius alerts: onsets and the graph agree.
    bool vouchedFor(const Group& g, int cause, const AlertState& st) const;
    struct Reach; // one cause's hop distances and onset within a group
    Reach reachOf(const Group& g, int cause) const;
    std::shared_ptr<const CallerHops> hopsFrom(int cause) const;
    bool inTime(const Group& g, int node, const Reach& r) const;
    QVector<int> unexplained(const Group& g, int cause) const;
    bool wouldSplit(const QVector<int>& groups) const;
    bool wouldSplitWith(int groupId, const QVector<int>& alerts) const;
    struct Split
    {
        int first = -1;   // the cause of what stays
        int second = -1;  // the cause of what leaves
        QSet<int> moving; // nodes that go with `second`; empty: no split
    };
    Split secondCause(const Group& g) const;
    int bestFit(const QVector<int>& groups, int alertId) const;
    void splitByCause(int groupId, Update* update, int depth = 0);
    int newGroup(int foundingAlert, const QString& fingerprint);
    // Empties the group and adds these alerts (ids[i] is members[i]) again, in this order.
    void rebuildGroup(int groupId, const QVector<int>& ids, const QVector<TrackedAlert>& members);
    void addToGroup(int groupId, int alertId, TrackedAlert&& alert);
    // The alert as the correlator knows it: a member of its group, or the new one being placed.
    const TrackedAlert& alert(int alertId) const;
    TrackedAlert& alertToChange(int alertId); // detaches its group's members from incidents materialised before
    // The label an alert outside the graph is grouped by; t: the alert when the caller has it at hand.
    QString labelOf(int alertId, const TrackedAlert* t = nullptr) const;
    void indexForInhibition(int alertId);
    void evaluateInhibition(int target, Update* update);
    void reevaluateTargetsOf(int source, Update* update);
    void retireOldGroups(qint64 onset);
    Incident materialize(const Group& g) const;
    void touched(int groupId, Update* update) const;

    std::shared_ptr<const ServiceGraph> m_graph;
    std::shared_ptr<const GraphReach> m_reach;
    Options m_options;
    InhibitRuleSet m_inhibit;

    struct AlertState
    {
        int group = -1;
        int node = -1;       // dense graph index of its service, -1 when not in the graph
        qint64 onset = 0;    // seconds since epoch of firstStartsAt
        bool wasKey = false; // founded a group once: its fingerprint is not reused as a new incident's key
        int slot = -1;       // its index in the group's members
    };
    // The alerts live in their groups (Group::members), not in one vector of all: an incident materialised from a
    // group shares that vector (implicit sharing) instead of copying every member, so the pipeline's incidents, the
    // published snapshots and the correlator hold each open alert once. A group changed since detaches its copy.
    TrackedAlert m_placing; // the new alert until placeAlert() puts it in a group (its state's group is -1)
    QString m_placingLabel; // its labelOf()
    QVector<AlertState> m_state; // by alert id
    // fingerprint -> alert id; the fingerprints themselves are the alerts' own (alert(id).fingerprint()).
    FingerprintIndex m_byFingerprint;
    int idOf(const QString& fingerprint) const; // -1: not known
    std::vector<std::unique_ptr<Group>> m_groups; // index = group id; merged groups are left empty
    QVector<int> m_active;                        // live groups still inside the time window, oldest first
    // Which groups took an alert with this service label outside the graph / on this graph node, so placing an
    // alert looks at those instead of every active group. Lists may hold groups that since lost the label, died
    // or retired: whoever reads one checks each entry (and drops the stale ones).
    mutable QHash<QString, QVector<int>> m_groupsByLabel;
    mutable std::vector<QVector<int>> m_groupsByNode;
    int m_alive = 0;
    qint64 m_lastPrune = 0;
    std::vector<std::vector<int>> m_sources; // per inhibit rule: alerts matching its source side
    std::vector<std::vector<int>> m_targets; // per inhibit rule: alerts matching its target side
    qint64 m_notifications = 0;
    mutable QHash<int, std::shared_ptr<const CallerHops>> m_hopsCache; // cause -> hop distances (see hopsFrom)
};
