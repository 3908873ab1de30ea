#include "correlator.h"

#include "graph/servicegraph.h"
#include "callerhops.h"
#include "graphreach.h"

#include <algorithm>
#include <numeric>
#include <limits>

using namespace Qt::StringLiterals;

struct Correlator::Group
{
    QString key;
    QVector<int> alerts;                // member alert ids, in the order they joined
    QVector<TrackedAlert> members;      // the member alerts themselves, alerts[i] is members[i]
    qint64 firstOnset = 0;
    qint64 lastOnset = 0;
    QHash<int, int> alertsPerNode; // graph node -> member alerts on it
    std::vector<int> cover;        // node c -> member services that depend on c (c included)
    int services = 0;              // distinct member services in the graph
    QSet<QString> outside;         // service labels of members missing from the graph
    QHash<int, qint64> nodeOnset;  // graph node -> earliest onset of a member alert on it
    bool alive = true;
    bool active = false;           // listed in m_active
    // bestCause(cover): asked for on every alert placed near the group, changed only when cover does. Whoever
    // changes cover sets it back to kCauseUnknown.
    mutable int cause = kCauseUnknown;
    static constexpr int kCauseUnknown = -2;
};

namespace {
qint64 secs(const QDateTime& t)
{
    return t.isValid() ? t.toSecsSinceEpoch() : 0;
}

// Alerts without a service label are still grouped by something stable.
QString groupingLabel(const Alert& a, const QString& service)
{
    return service.isEmpty() ? u"alertname:"_s + a.alertName() : service;
}

QString groupingLabel(const Alert& a)
{
    return groupingLabel(a, a.service());
}
} // namespace

Correlator::Correlator(std::shared_ptr<const ServiceGraph> graph)
    : Correlator(std::move(graph), Options{})
{
}

Correlator::Correlator(std::shared_ptr<const ServiceGraph> graph, Options options)
    : m_graph(graph ? std::move(graph) : std::make_shared<const ServiceGraph>())
    , m_reach(std::make_shared<const GraphReach>(m_graph))
    , m_options(options)
{
}

Correlator::~Correlator() = default;

void Correlator::setInhibitRules(const InhibitRuleSet& rules)
{
    m_inhibit = rules;
    m_sources.assign(rules.rules().size(), {});
    m_targets.assign(rules.rules().size(), {});
    for (int id = 0; id < m_state.size(); ++id)
        indexForInhibition(id);
    for (int id = 0; id < m_state.size(); ++id)
        evaluateInhibition(id, nullptr);
}

Correlator::Update Correlator::addAll(const QVector<Alert>& notifications)
{
    Update total;
    // Room for every fingerprint up front: a big delivery of new alerts would otherwise grow the table ~17 times.
    m_byFingerprint.reserve(m_byFingerprint.size() + notifications.size());
    for (const Alert& a : notifications)
        add(a, &total);
    total.changed.sort();
    return total;
}

Correlator::Update Correlator::add(const Alert& n)
{
    Update update;
    add(n, &update);
    return update;
}

void Correlator::add(const Alert& n, Update* into)
{
    Update& update = *into;
    ++m_notifications;
    const QString fp = n.fingerprint.isEmpty() ? Alert::fingerprintOf(n.labels) : n.fingerprint;
    // One hash lookup whether the alert is known or new (a storm's alerts are mostly one or the other).
    if (const int id = idOf(fp); id >= 0) {
        // A repeat, an HA duplicate, a resolve, or a flap: the same alert, counted not duplicated.
        TrackedAlert& t = alertToChange(id);
        const bool wasFiring = t.isFiring();
        if (!wasFiring && n.isFiring())
            ++t.flapCount;
        ++t.notificationCount;
        if (n.startsAt.isValid() && (!t.firstStartsAt.isValid() || n.startsAt < t.firstStartsAt))
            t.firstStartsAt = n.startsAt;
        if (!t.lastReceivedAt.isValid() || n.receivedAt >= t.lastReceivedAt) {
            t.latest = n;
            t.latest.fingerprint = fp;
            t.lastReceivedAt = n.receivedAt;
        }
        touched(m_state[id].group, &update);
        if (wasFiring != t.isFiring() && !m_inhibit.isEmpty())
            reevaluateTargetsOf(id, &update);
        return;
    }

    const int id = int(m_state.size());
    TrackedAlert& t = m_placing;
    t = TrackedAlert();
    t.latest = n;
    t.latest.fingerprint = fp;
    t.firstStartsAt = n.startsAt.isValid() ? n.startsAt : n.receivedAt;
    t.firstReceivedAt = n.receivedAt;
    t.lastReceivedAt = n.receivedAt;
    t.notificationCount = 1;
    AlertState st;
    const QString service = n.service();
    st.node = m_graph->indexOf(service);
    // Placing it asks for its label twice (findGroups, addToGroup): looked up once.
    m_placingLabel = st.node < 0 ? groupingLabel(n, service) : QString();
    st.onset = secs(t.firstStartsAt);
    m_state.push_back(st);
    // Indexed once alert(id) answers for it (m_placing): the index keeps no copy of the fingerprint.
    m_byFingerprint.insert(fp, id);

    retireOldGroups(st.onset);
    placeAlert(id, &update);
    if (!m_inhibit.isEmpty()) {
        indexForInhibition(id);
        evaluateInhibition(id, &update);
        reevaluateTargetsOf(id, &update);
    }
}

void Correlator::touched(int groupId, Update* update) const
{
    if (!update)
        return;
    const QString& key = m_groups[groupId]->key;
    if (!update->listed.contains(key)) {
        update->listed.insert(key);
        update->changed << key;
    }
}

QVector<int> Correlator::findGroups(int alertId) const
{
    // The groups this alert belongs with, best first; more than one means they merge through it.
    const AlertState& st = m_state[alertId];
    const qint64 w = m_options.windowSeconds;
    const auto inTimeWindow = [&](const Group& g) { return st.onset >= g.firstOnset - w && st.onset <= g.lastOnset + w; };
    auto later = [&](int a, int b) { return m_groups[a]->lastOnset > m_groups[b]->lastOnset; };
    // The active group in the window that took the latest alert among those still holding what `candidates` were
    // indexed by (ties: the oldest group, as a scan of m_active in order finds it). Drops the stale entries.
    const auto latestHolding = [&](QVector<int>& candidates, auto holds) {
        int best = -1;
        candidates.removeIf([&](int gid) {
            const Group& g = *m_groups[gid];
            if (!g.alive || !g.active || !holds(g))
                return true;
            if (inTimeWindow(g) && (best < 0 || later(gid, best) || (!later(best, gid) && gid < best)))
                best = gid;
            return false;
        });
        return best;
    };

    if (st.node < 0) {
        // Not in the graph: same service label within the window, nothing else.
        const QString label = labelOf(alertId);
        const auto indexed = m_groupsByLabel.find(label);
        if (indexed == m_groupsByLabel.end())
            return {};
        const int best = latestHolding(*indexed, [&](const Group& g) { return g.outside.contains(label); });
        if (indexed->isEmpty())
            m_groupsByLabel.erase(indexed);
        return best < 0 ? QVector<int>{} : QVector<int>{best};
    }

    // A group already holding this service takes it, unless the alert began too late to be a symptom of that
    // group's cause and another group's cause explains it in time: one service hurt by two faults in turn.
    const int same = std::size_t(st.node) < m_groupsByNode.size()
                         ? latestHolding(m_groupsByNode[std::size_t(st.node)],
                                         [&](const Group& g) { return g.alertsPerNode.contains(st.node); })
                         : -1;
    if (same >= 0) {
        const Group& g = *m_groups[same];
        const int cause = causeOf(g);
        if (cause < 0 || !m_reach->reaches(st.node, cause) || explainsInTime(g, cause, st.node, st.onset))
            return {same};
    }
    QVector<int> inWindow;
    for (int gid : m_active)
        if (inTimeWindow(*m_groups[gid]))
            inWindow << gid;
    if (inWindow.isEmpty())
        return {};
    if (same >= 0) {
        int other = -1;
        for (int gid : std::as_const(inWindow)) {
            const Group& h = *m_groups[gid];
            if (gid != same && explainsInTime(h, causeOf(h), st.node, st.onset) &&
                (other < 0 || later(gid, other)))
                other = gid;
        }
        return {other >= 0 ? other : same};
    }

    // Otherwise find the common cause c (a node this service depends on) that explains the most alerting
    // services among the groups it explains well, and is specific enough to be believed.
    QVector<int> bestGroups;
    double bestValue = 0.0;
    QVector<int> groups;
    m_reach->forEachDependency(st.node, [&](int c) {
        groups.clear();
        int explained = 1; // the new alert
        int alerting = 1;  // ...and every service alerting now that depends on c, whichever group holds it
        for (int gid : std::as_const(inWindow)) {
            const Group& g = *m_groups[gid];
            alerting += g.cover[c];
            if (c == st.node && beganAfterItsCallers(g, st.node, st.onset))
                continue;
            if (g.services > 0 && g.cover[c] > 0 && g.cover[c] >= m_options.joinShare * g.services) {
                groups << gid;
                explained += g.cover[c];
            }
        }
        if (groups.isEmpty())
            return;
        const double precision = double(alerting) / m_reach->blastRadius(c);
        if (precision < m_options.minPrecision) {
            // Too unspecific to be believed from the share alone: only the groups whose onsets and graph vouch for
            // c (its own alert in time, see vouchedFor()) may be joined through it.
            explained = 1;
            groups.erase(std::remove_if(groups.begin(), groups.end(),
                                        [&](int gid) {
                                            if (!vouchedFor(*m_groups[gid], c, st))
                                                return true;
                                            explained += m_groups[gid]->cover[c];
                                            return false;
                                        }),
                         groups.end());
            if (groups.isEmpty())
                return;
        }
        const double value = explained + precision;
        if (value > bestValue) {
            bestValue = value;
            bestGroups = groups;
        }
    });
    std::sort(bestGroups.begin(), bestGroups.end(),
              [&](int a, int b) { return m_groups[a]->firstOnset < m_groups[b]->firstOnset; });
    return bestGroups;
}

int Correlator::newGroup(int foundingAlert, const QString& fingerprint)
{
    const int gid = int(m_groups.size());
    auto g = std::make_unique<Group>();
    g->key = incidentKey(fingerprint, m_state[foundingAlert].onset);
    m_state[foundingAlert].wasKey = true;
    g->firstOnset = g->lastOnset = m_state[foundingAlert].onset;
    g->cover.assign(std::size_t(m_reach->nodeCount()), 0);
    g->active = true;
    m_groups.push_back(std::move(g));
    m_active << gid;
    ++m_alive;
    return gid;
}

int Correlator::placeAlert(int alertId, Update* update)
{
    QVector<int> groups = findGroups(alertId);
    // An alert that links groups whose union two causes would explain better than one does not merge them:
    // it joins the group whose own cause explains it in time.
    if (groups.size() > 1 && wouldSplit(groups))
        groups = {bestFit(groups, alertId)};
    int gid;
    if (groups.isEmpty()) {
        gid = newGroup(alertId, m_placing.fingerprint());
    } else {
        // The oldest group survives a merge and keeps its key.
        gid = groups.front();
        for (int i = 1; i < groups.size(); ++i) {
            const QString gone = m_groups[groups[i]]->key;
            if (update) {
                update->changed.removeAll(gone);
                update->listed.remove(gone);
                update->removed << gone;
            }
            mergeGroups(gid, groups[i]);
        }
    }
    const int servicesBefore = m_groups[gid]->services;
    addToGroup(gid, alertId, std::move(m_placing)); // add() renews m_placing for the next new alert
    touched(gid, update);
    if (m_groups[gid]->services != servicesBefore || groups.size() > 1)
        splitByCause(gid, update);
    return m_state[alertId].group;
}

int Correlator::bestCause(const std::vector<int>& count, const std::vector<int>* alerting) const
{
    // Most services explained, then the most specific node (highest share of its blast radius alerting).
    // With `alerting` given, only causes believable as a second fault qualify (see Options::splitPrecision).
    int best = -1;
    double bestValue = 0.0;
    const int n = int(count.size());
    for (int c = 0; c < n; ++c) {
        if (count[c] <= 0)
            continue;
        const double precision = double(alerting ? (*alerting)[c] : count[c]) / m_reach->blastRadius(c);
        if (alerting && (count[c] < m_options.minSplitServices || precision < m_options.splitPrecision))
            continue;
        const double value = count[c] + precision;
        if (value > bestValue) {
            bestValue = value;
            best = c;
        }
    }
    return best;
}

int Correlator::causeOf(const Group& g) const
{
    if (g.cause == Group::kCauseUnknown)
        g.cause = bestCause(g.cover, nullptr);
    return g.cause;
}

bool Correlator::causedBy(const Group& g, int node, int cause) const
{
    return m_reach->reaches(node, cause) && onsetFits(g, g.nodeOnset.value(node), cause);
}

bool Correlator::onsetFits(const Group& g, qint64 nodeOnset, int cause) const
{
    const auto own = g.nodeOnset.constFind(cause);
    return own == g.nodeOnset.cend() || notBeforeCause(nodeOnset, *own);
}

bool Correlator::notBeforeCause(qint64 onset, qint64 causeOnset) const
{
    return onset >= causeOnset - m_options.causalSlackSeconds;
}

struct Correlator::Reach
{
    std::shared_ptr<const CallerHops> hops; // shared: the cache may drop it while this is in use
    qint64 onset = 0; // when the cause's trouble began (see reachOf)
};

std::shared_ptr<const CallerHops> Correlator::hopsFrom(int cause) const
{
    // The graph does not change: a cause's hop distances are computed once while it stays in use.
    constexpr int kCachedCauses = 256;
    auto it = m_hopsCache.constFind(cause);
    if (it != m_hopsCache.cend())
        return *it;
    if (m_hopsCache.size() >= kCachedCauses)
        m_hopsCache.clear();
    return *m_hopsCache.insert(cause, std::make_shared<const CallerHops>(*m_graph, cause));
}

Correlator::Reach Correlator::reachOf(const Group& g, int cause) const
{
    Reach r{hopsFrom(cause)};
    // The median onset of the cause and its direct callers: one early stray alert does not move it.
    QVector<qint64> nearest;
    qint64 any = std::numeric_limits<qint64>::max();
    for (auto it = g.nodeOnset.cbegin(); it != g.nodeOnset.cend(); ++it) {
        const int h = r.hops->hops(it.key());
        if (h < 0 || !causedBy(g, it.key(), cause))
            continue;
        any = std::min(any, it.value());
        if (h <= 1)
            nearest << it.value();
    }
    if (nearest.isEmpty()) {
        r.onset = any;
    } else {
        std::nth_element(nearest.begin(), nearest.begin() + nearest.size() / 2, nearest.end());
        r.onset = nearest[nearest.size() / 2];
    }
    return r;
}

bool Correlator::inTime(const Group& g, int node, const Reach& r) const
{
    const int h = r.hops->hops(node);
    if (h < 0 || !causedBy(g, node, r.hops->cause()))
        return false;
    return g.nodeOnset.value(node) <=
           r.onset + m_options.propagationBaseSeconds + h * m_options.propagationPerHopSeconds;
}

bool Correlator::explainsInTime(const Group& g, int cause, int node, qint64 onset) const
{
    if (cause < 0 || node < 0 || !m_reach->reaches(node, cause))
        return false;
    if (!onsetFits(g, onset, cause))
        return false;
    const Reach r = reachOf(g, cause);
    return onset <=
           r.onset + m_options.propagationBaseSeconds + r.hops->hops(node) * m_options.propagationPerHopSeconds;
}

bool Correlator::vouchedFor(const Group& g, int cause, const AlertState& st) const
{
    // A cause that raised an alert of its own has shown it is failing: then how few of the services depending on it
    // alert says little (a big database's fault can reach two of its forty callers), and the graph and onsets alone
    // decide. Either the cause alerts in g and the new alert on a service depending on it began in time to be its
    // symptom, or the new alert is the cause's own and every service of g depending on it began in time after it.
    // Only near the cause (its callers and theirs): farther out, other causes of an alert multiply and the share
    // of the blast radius alerting must speak for the cause, as usual (a hub's fault then swallows the background
    // alerts of services many hops up).
    constexpr int kMaxVouchedHops = 2;
    const auto hops = hopsFrom(cause);
    if (cause == st.node) {
        bool any = false;
        for (auto it = g.nodeOnset.cbegin(); it != g.nodeOnset.cend(); ++it) {
            if (it.key() == cause || !m_reach->reaches(it.key(), cause))
                continue;
            const int h = hops->hops(it.key());
            if (h < 0 || h > kMaxVouchedHops || !notBeforeCause(it.value(), st.onset) ||
                it.value() > st.onset + m_options.propagationBaseSeconds + h * m_options.propagationPerHopSeconds)
                return false;
            any = true;
        }
        return any;
    }
    const int h = hops->hops(st.node);
    return h >= 0 && h <= kMaxVouchedHops && g.alertsPerNode.contains(cause) && causeOf(g) == cause &&
           explainsInTime(g, cause, st.node, st.onset);
}

bool Correlator::beganAfterItsCallers(const Group& g, int node, qint64 onset) const
{
    // A node the group's services depend on, whose own alert began only after all of them were alerting, did
    // not cause them when the group already has another cause that does: it is a fault of its own that
    // happens to sit under the same callers.
    const int cause = causeOf(g);
    if (cause < 0 || cause == node)
        return false;
    bool anyCaller = false;
    for (auto it = g.nodeOnset.cbegin(); it != g.nodeOnset.cend(); ++it) {
        if (it.key() == node || !m_reach->reaches(it.key(), node))
            continue;
        if (notBeforeCause(it.value(), onset))
            return false;
        anyCaller = true;
    }
    return anyCaller;
}

QVector<int> Correlator::unexplained(const Group& g, int cause) const
{
    const Reach r = reachOf(g, cause);
    QVector<int> rest;
    for (auto it = g.alertsPerNode.cbegin(); it != g.alertsPerNode.cend(); ++it)
        if (!inTime(g, it.key(), r))
            rest << it.key();
    return rest;
}

bool Correlator::wouldSplitWith(int groupId, const QVector<int>& alerts) const
{
    Group all;
    all.cover = m_groups[groupId]->cover;
    all.nodeOnset = m_groups[groupId]->nodeOnset;
    for (int id : alerts) {
        const AlertState& st = m_state[id];
        if (st.node < 0)
            continue;
        auto at = all.nodeOnset.find(st.node);
        if (at == all.nodeOnset.end()) {
            all.nodeOnset.insert(st.node, st.onset);
            m_reach->forEachDependency(st.node, [&](int c) { ++all.cover[c]; });
        } else {
            *at = std::min(*at, st.onset);
        }
    }
    for (auto it = all.nodeOnset.cbegin(); it != all.nodeOnset.cend(); ++it)
        all.alertsPerNode.insert(it.key(), 1);
    return !secondCause(all).moving.isEmpty();
}

bool Correlator::wouldSplit(const QVector<int>& groups) const
{
    Group all;
    all.cover.assign(std::size_t(m_reach->nodeCount()), 0);
    for (int gid : groups) {
        const Group& g = *m_groups[gid];
        for (std::size_t c = 0; c < all.cover.size(); ++c)
            all.cover[c] += g.cover[c];
        for (auto it = g.nodeOnset.cbegin(); it != g.nodeOnset.cend(); ++it) {
            auto at = all.nodeOnset.find(it.key());
            if (at == all.nodeOnset.end())
                all.nodeOnset.insert(it.key(), it.value());
            else
                *at = std::min(*at, it.value());
        }
    }
    for (auto it = all.nodeOnset.cbegin(); it != all.nodeOnset.cend(); ++it)
        all.alertsPerNode.insert(it.key(), 1);
    return !secondCause(all).moving.isEmpty();
}

int Correlator::bestFit(const QVector<int>& groups, int alertId) const
{
    // The group whose own best cause explains the alert; among those, the one it explains most of.
    const AlertState& st = m_state[alertId];
    int best = groups.front();
    double bestValue = -1.0;
    for (int gid : groups) {
        const Group& g = *m_groups[gid];
        const int cause = causeOf(g);
        if (!explainsInTime(g, cause, st.node, st.onset))
            continue; // not its symptom, or too late to be one
        const double value = double(g.cover[cause]) / std::max(1, g.services);
        if (value > bestValue) {
            bestValue = value;
            best = gid;
        }
    }
    return best;
}

Correlator::Split Correlator::secondCause(const Group& g) const
{
    // Two causes instead of one only when each explains services the other cannot and together they explain
    // clearly more than the best single cause: a stray unexplained alert is not a second fault.
    Split split;
    const int minServices = m_options.minSplitServices;
    if (g.alertsPerNode.size() < 2 * minServices)
        return split;
    const int c1 = causeOf(g);
    if (c1 < 0)
        return split;
    const QVector<int> rest = unexplained(g, c1);
    if (rest.size() < minServices)
        return split;
    // onsetFits() for every dependency of every node below: the group's onsets by node, looked up by index
    // rather than hashed once per dependency.
    constexpr qint64 kNoOnset = std::numeric_limits<qint64>::min();
    std::vector<qint64> ownOnset(std::size_t(m_reach->nodeCount()), kNoOnset);
    for (auto it = g.nodeOnset.cbegin(); it != g.nodeOnset.cend(); ++it)
        ownOnset[std::size_t(it.key())] = it.value();
    const auto coverOf = [&](const QVector<int>& nodes) {
        std::vector<int> cover(std::size_t(m_reach->nodeCount()), 0);
        for (int v : nodes) {
            const qint64 onset = g.nodeOnset.value(v);
            m_reach->forEachDependency(v, [&](int c) { // causedBy(g, v, c): v reaches every c here
                const qint64 own = ownOnset[std::size_t(c)];
                if (own == kNoOnset || notBeforeCause(onset, own))
                    ++cover[c];
            });
        }
        return cover;
    };
    const int c2 = bestCause(coverOf(rest), &g.cover);
    if (c2 < 0 || c2 == c1)
        return split;
    // The greedy first pick may be a hub that also serves the second fault's callers: choose the first cause
    // again for what c2 leaves (one exchange step of a two-medoid search).
    QVector<int> notSecond;
    for (auto it = g.alertsPerNode.cbegin(); it != g.alertsPerNode.cend(); ++it)
        if (!causedBy(g, it.key(), c2))
            notSecond << it.key();
    if (notSecond.size() < minServices)
        return split; // c2 alone explains nearly everything: one incident after all
    const int first = bestCause(coverOf(notSecond), &g.cover);
    if (first < 0 || first == c2)
        return split;
    int onlyFirst = 0, both = 0, single = int(g.alertsPerNode.size()) - int(rest.size());
    QSet<int> onlySecond;
    const Reach firstReach = reachOf(g, first), secondReach = reachOf(g, c2);
    for (auto it = g.alertsPerNode.cbegin(); it != g.alertsPerNode.cend(); ++it) {
        const bool a = inTime(g, it.key(), firstReach), b = inTime(g, it.key(), secondReach);
        if (a && b)
            ++both;
        else if (a)
            ++onlyFirst;
        else if (b)
            onlySecond.insert(it.key());
    }
    single = std::max(single, both + int(onlySecond.size()));
    if (onlyFirst < minServices || onlySecond.size() < minServices ||
        onlyFirst + both + int(onlySecond.size()) < single + minServices)
        return split;
    split.first = first;
    split.second = c2;
    split.moving = onlySecond;
    // Services both could have caused go with the more specific cause (the larger share of its blast radius
    // alerting): a hub that many services call explains them only incidentally. Otherwise a caller that began
    // alerting only after the second cause's own alert, and sits nearer to it, is the second cause's symptom.
    const auto precision = [&](int c) { return double(g.cover[c]) / m_reach->blastRadius(c); };
    const bool secondMoreSpecific = precision(c2) > precision(first);
    const auto secondOwn = g.nodeOnset.constFind(c2);
    for (auto it = g.alertsPerNode.cbegin(); it != g.alertsPerNode.cend(); ++it) {
        const int v = it.key();
        if (!inTime(g, v, firstReach) || !inTime(g, v, secondReach))
            continue;
        const bool afterSecond = secondOwn != g.nodeOnset.cend() && g.nodeOnset.value(v) >= *secondOwn &&
                                 secondReach.hops->hops(v) <= firstReach.hops->hops(v);
        if (secondMoreSpecific || afterSecond)
            split.moving.insert(v);
    }
    return split;
}

// Two concurrent faults whose callers overlap can end up in one group (an alert links them, or a shared
// caller joined first). When the services the group's best cause leaves unexplained have a believable
// cause of their own, they are a second incident: they move to a new group. Only this group is looked at.
void Correlator::splitByCause(int groupId, Update* update, int depth)
{
    constexpr int kMaxDepth = 4;
    Group& g = *m_groups[groupId];
    if (depth > kMaxDepth)
        return;
    const Split split = secondCause(g);
    const QSet<int>& moving = split.moving;
    if (moving.isEmpty())
        return;

    QVector<int> keep, move;
    QVector<TrackedAlert> kept, moved; // their members, alike
    for (qsizetype i = 0; i < g.alerts.size(); ++i) {
        const int id = g.alerts.at(i);
        const bool goes = m_state[id].node >= 0 && moving.contains(m_state[id].node);
        (goes ? move : keep) << id;
        (goes ? moved : kept) << g.members.at(i);
    }
    if (keep.isEmpty() || move.isEmpty())
        return;
    int movingCause = split.second;
    // The key is "fingerprint@onset": incident(key) finds the group through its founding alert, so that alert stays.
    const int keyAlert = idOf(g.key.section(u'@', 0, 0));
    if (move.contains(keyAlert)) {
        std::swap(keep, move); // the part holding the founding alert stays the same incident
        std::swap(kept, moved);
        movingCause = split.first;
    }
    rebuildGroup(groupId, keep, kept);
    touched(groupId, update);

    // The part that leaves may already have an incident of its own (its first alerts found no link): join it.
    qint64 from = std::numeric_limits<qint64>::max(), to = std::numeric_limits<qint64>::min();
    for (int id : std::as_const(move)) {
        from = std::min(from, m_state[id].onset);
        to = std::max(to, m_state[id].onset);
    }
    int other = -1;
    for (int gid : std::as_const(m_active)) {
        const Group& h = *m_groups[gid];
        if (gid == groupId || h.services == 0 || to < h.firstOnset - m_options.windowSeconds ||
            from > h.lastOnset + m_options.windowSeconds)
            continue;
        if (h.cover[movingCause] < m_options.joinShare * h.services ||
            (other >= 0 && h.services <= m_groups[other]->services))
            continue;
        // Only where they stay together: otherwise the two would pass alerts back and forth.
        if (!wouldSplitWith(gid, move))
            other = gid;
    }
    if (other >= 0) {
        for (qsizetype i = 0; i < move.size(); ++i)
            addToGroup(other, move.at(i), TrackedAlert(moved.at(i)));
    } else {
        QVector<qsizetype> order(move.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](qsizetype a, qsizetype b) { return m_state[move[a]].onset < m_state[move[b]].onset; });
        QVector<int> ids;
        QVector<TrackedAlert> members;
        ids.reserve(move.size());
        members.reserve(move.size());
        for (qsizetype i : std::as_const(order)) {
            ids << move.at(i);
            members << moved.at(i);
        }
        qsizetype founder = 0;
        for (qsizetype i = 0; i < ids.size(); ++i)
            if (!m_state[ids.at(i)].wasKey) {
                founder = i;
                break;
            }
        other = newGroup(ids.at(founder), members.at(founder).fingerprint());
        rebuildGroup(other, ids, members);
    }
    touched(other, update);
    splitByCause(other, update, depth + 1);
    splitByCause(groupId, update, depth + 1);
}

void Correlator::rebuildGroup(int groupId, const QVector<int>& ids, const QVector<TrackedAlert>& members)
{
    Group& g = *m_groups[groupId];
    g.alerts.clear();
    g.members.clear();
    g.alertsPerNode.clear();
    g.nodeOnset.clear();
    g.outside.clear();
    g.services = 0;
    std::fill(g.cover.begin(), g.cover.end(), 0);
    g.cause = Group::kCauseUnknown;
    g.firstOnset = std::numeric_limits<qint64>::max();
    g.lastOnset = std::numeric_limits<qint64>::min();
    for (qsizetype i = 0; i < ids.size(); ++i)
        addToGroup(groupId, ids.at(i), TrackedAlert(members.at(i)));
}

QString Correlator::labelOf(int alertId, const TrackedAlert* t) const
{
    return m_state[alertId].group < 0 ? m_placingLabel : groupingLabel((t ? *t : alert(alertId)).latest);
}

const TrackedAlert& Correlator::alert(int alertId) const
{
    const AlertState& st = m_state[alertId];
    return st.group < 0 ? m_placing : std::as_const(m_groups[std::size_t(st.group)]->members)[st.slot];
}

TrackedAlert& Correlator::alertToChange(int alertId)
{
    const AlertState& st = m_state[alertId];
    return st.group < 0 ? m_placing : m_groups[std::size_t(st.group)]->members[st.slot];
}

void Correlator::addToGroup(int groupId, int alertId, TrackedAlert&& alert)
{
    Group& g = *m_groups[groupId];
    AlertState& st = m_state[alertId];
    const QString label = st.node < 0 ? labelOf(alertId, &alert) : QString();
    st.group = groupId;
    st.slot = int(g.alerts.size());
    g.alerts << alertId;
    g.members << std::move(alert);
    g.firstOnset = std::min(g.firstOnset, st.onset);
    g.lastOnset = std::max(g.lastOnset, st.onset);
    if (st.node >= 0) {
        auto onset = g.nodeOnset.find(st.node);
        if (onset == g.nodeOnset.end())
            g.nodeOnset.insert(st.node, st.onset);
        else
            *onset = std::min(*onset, st.onset);
        int& count = g.alertsPerNode[st.node];
        if (count++ == 0) {
            if (m_groupsByNode.size() <= std::size_t(st.node))
                m_groupsByNode.resize(std::size_t(st.node) + 1);
            if (QVector<int>& holders = m_groupsByNode[std::size_t(st.node)]; !holders.contains(groupId))
                holders << groupId;
            ++g.services;
            m_reach->forEachDependency(st.node, [&](int c) { ++g.cover[c]; });
            g.cause = Group::kCauseUnknown;
        }
    } else {
        if (!g.outside.contains(label)) {
            g.outside.insert(label);
            if (QVector<int>& holders = m_groupsByLabel[label]; !holders.contains(groupId))
                holders << groupId;
        }
    }
}

int Correlator::mergeGroups(int into, int from)
{
    Group& b = *m_groups[from];
    for (qsizetype i = 0; i < b.alerts.size(); ++i)
        addToGroup(into, b.alerts.at(i), TrackedAlert(b.members.at(i)));
    b.alive = false;
    b.active = false;
    b.alerts.clear();
    b.members.clear();
    b.alertsPerNode.clear();
    b.nodeOnset.clear();
    b.cover = {};
    b.cause = Group::kCauseUnknown;
    m_active.removeAll(from);
    --m_alive;
    return into;
}

void Correlator::retireOldGroups(qint64 onset)
{
    // Groups far behind the newest onset can no longer be joined; dropping them from the scan keeps
    // add() independent of history length. They stay listed as incidents.
    if (onset < m_lastPrune + m_options.windowSeconds)
        return;
    m_lastPrune = onset;
    const qint64 horizon = onset - 4 * m_options.windowSeconds;
    m_active.removeIf([&](int gid) {
        Group& g = *m_groups[gid];
        if (g.lastOnset >= horizon)
            return false;
        g.active = false;
        return true;
    });
}

void Correlator::indexForInhibition(int alertId)
{
    const LabelSet& labels = alert(alertId).latest.labels;
    const auto& rules = m_inhibit.rules();
    for (int r = 0; r < rules.size(); ++r) {
        if (rules[r].isSource(labels))
            m_sources[r].push_back(alertId);
        if (rules[r].isTarget(labels))
            m_targets[r].push_back(alertId);
    }
}

void Correlator::evaluateInhibition(int target, Update* update)
{
    const TrackedAlert& t = alert(target);
    const auto& rules = m_inhibit.rules();
    QString by;
    for (int r = 0; r < rules.size() && by.isEmpty(); ++r) {
        if (!rules[r].isTarget(t.latest.labels))
            continue;
        for (int s : m_sources[r]) {
            if (s == target || !alert(s).isFiring())
                continue;
            if (rules[r].inhibits(alert(s).latest.labels, t.latest.labels)) {
                by = alert(s).fingerprint();
                break;
            }
        }
    }
    const bool inhibited = !by.isEmpty();
    if (inhibited != t.inhibited || by != t.inhibitedBy) {
        TrackedAlert& changing = alertToChange(target); // only now: a mere look leaves the incidents' copy shared
        changing.inhibited = inhibited;
        changing.inhibitedBy = by;
        touched(m_state[target].group, update);
    }
}

void Correlator::reevaluateTargetsOf(int source, Update* update)
{
    const auto& rules = m_inhibit.rules();
    for (int r = 0; r < rules.size(); ++r) {
        if (!rules[r].isSource(alert(source).latest.labels))
            continue;
        for (int t : m_targets[r])
            if (t != source)
                evaluateInhibition(t, update);
    }
}

int Correlator::incidentCount() const
{
    return m_alive;
}

QStringList Correlator::incidentKeys() const
{
    QStringList keys;
    for (const auto& g : m_groups)
        if (g->alive)
            keys << g->key;
    return keys;
}

QString Correlator::incidentKey(const QString& foundingFingerprint, qint64 onsetSecs)
{
    return foundingFingerprint + u'@' + QString::number(onsetSecs);
}

std::optional<Incident> Correlator::incident(const QString& key) const
{
    const int id = idOf(key.section(u'@', 0, 0));
    if (id < 0)
        return std::nullopt;
    const Group& g = *m_groups[m_state[id].group];
    if (!g.alive || g.key != key)
        return std::nullopt;
    return materialize(g);
}

QVector<Incident> Correlator::incidents() const
{
    QVector<Incident> out;
    for (const auto& g : m_groups)
        if (g->alive)
            out << materialize(*g);
    return out;
}

QString Correlator::incidentKeyOf(const QString& fingerprint) const
{
    const int id = idOf(fingerprint);
    return id < 0 ? QString() : m_groups[m_state[id].group]->key;
}

const TrackedAlert* Correlator::trackedAlert(const QString& fingerprint) const
{
    const int id = idOf(fingerprint);
    return id < 0 ? nullptr : &alert(id);
}

int Correlator::idOf(const QString& fingerprint) const
{
    return m_byFingerprint.find(fingerprint, [this](int id) -> const QString& { return alert(id).fingerprint(); });
}

Incident Correlator::materialize(const Group& g) const
{
    Incident inc;
    inc.key = g.key;
    inc.alerts = g.members; // shared with the group until either changes
    QSet<QString> firing, all;
    for (const TrackedAlert& t : g.members) {
        inc.notificationCount += t.notificationCount;
        const QString s = t.service();
        all.insert(s);
        if (t.isFiring())
            firing.insert(s);
        if (!inc.firstAlertAt.isValid() || t.firstStartsAt < inc.firstAlertAt)
            inc.firstAlertAt = t.firstStartsAt;
        if (!inc.lastAlertAt.isValid() || t.lastReceivedAt > inc.lastAlertAt)
            inc.lastAlertAt = t.lastReceivedAt;
    }
    inc.severity = Incident::highestSeverity(inc.alerts); // before the sort below: ties go to the group's first
    const auto earlier = [](const TrackedAlert& a, const TrackedAlert& b) { return a.firstStartsAt < b.firstStartsAt; };
    // Members mostly join in onset order: then the stable sort would change nothing, and skipping it keeps the
    // incident's alerts shared with the group.
    if (!std::is_sorted(std::as_const(inc.alerts).begin(), std::as_const(inc.alerts).end(), earlier))
        std::stable_sort(inc.alerts.begin(), inc.alerts.end(), earlier);
    const QSet<QString>& services = firing.isEmpty() ? all : firing;
    inc.affectedServices = QStringList(services.begin(), services.end());
    inc.affectedServices.removeAll(QString());
    inc.affectedServices.sort();
    return inc;
}
