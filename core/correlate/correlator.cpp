#include "correlator.h"

#include "graph/servicegraph.h"
#include "graphreach.h"

#include <algorithm>

using namespace Qt::StringLiterals;

struct Correlator::Group
{
    QString key;
    QVector<int> alerts;
    qint64 firstOnset = 0;
    qint64 lastOnset = 0;
    QHash<int, int> alertsPerNode; // graph node -> member alerts on it
    std::vector<int> cover;        // node c -> member services that depend on c (c included)
    int services = 0;              // distinct member services in the graph
    QSet<QString> outside;         // service labels of members missing from the graph
    bool alive = true;
};

namespace {
qint64 secs(const QDateTime& t)
{
    return t.isValid() ? t.toSecsSinceEpoch() : 0;
}

// Alerts without a service label are still grouped by something stable.
QString groupingLabel(const Alert& a)
{
    const QString s = a.service();
    return s.isEmpty() ? u"alertname:"_s + a.alertName() : s;
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
    for (int id = 0; id < m_alerts.size(); ++id)
        indexForInhibition(id);
    for (int id = 0; id < m_alerts.size(); ++id)
        evaluateInhibition(id, nullptr);
}

Correlator::Update Correlator::addAll(const QVector<Alert>& notifications)
{
    Update total;
    QSet<QString> changed;
    for (const Alert& a : notifications) {
        const Update u = add(a);
        for (const QString& k : u.removed) {
            changed.remove(k);
            total.removed << k;
        }
        for (const QString& k : u.changed)
            changed.insert(k);
    }
    total.changed = QStringList(changed.begin(), changed.end());
    total.changed.sort();
    return total;
}

Correlator::Update Correlator::add(const Alert& n)
{
    Update update;
    ++m_notifications;
    const QString fp = n.fingerprint.isEmpty() ? Alert::fingerprintOf(n.labels) : n.fingerprint;
    auto it = m_byFingerprint.constFind(fp);
    if (it != m_byFingerprint.cend()) {
        // A repeat, an HA duplicate, a resolve, or a flap: the same alert, counted not duplicated.
        const int id = *it;
        TrackedAlert& t = m_alerts[id];
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
        return update;
    }

    const int id = int(m_alerts.size());
    TrackedAlert t;
    t.latest = n;
    t.latest.fingerprint = fp;
    t.firstStartsAt = n.startsAt.isValid() ? n.startsAt : n.receivedAt;
    t.firstReceivedAt = n.receivedAt;
    t.lastReceivedAt = n.receivedAt;
    t.notificationCount = 1;
    m_alerts.push_back(t);
    AlertState st;
    st.node = m_graph->indexOf(n.service());
    st.onset = secs(t.firstStartsAt);
    m_state.push_back(st);
    m_byFingerprint.insert(fp, id);

    retireOldGroups(st.onset);
    placeAlert(id, &update);
    if (!m_inhibit.isEmpty()) {
        indexForInhibition(id);
        evaluateInhibition(id, &update);
        reevaluateTargetsOf(id, &update);
    }
    return update;
}

void Correlator::touched(int groupId, Update* update) const
{
    if (!update)
        return;
    const QString& key = m_groups[groupId]->key;
    if (!update->changed.contains(key))
        update->changed << key;
}

QVector<int> Correlator::findGroups(int alertId) const
{
    // The groups this alert belongs with, best first; more than one means they merge through it.
    const AlertState& st = m_state[alertId];
    const qint64 w = m_options.windowSeconds;
    QVector<int> inWindow;
    for (int gid : m_active) {
        const Group& g = *m_groups[gid];
        if (st.onset >= g.firstOnset - w && st.onset <= g.lastOnset + w)
            inWindow << gid;
    }
    if (inWindow.isEmpty())
        return {};
    auto later = [&](int a, int b) { return m_groups[a]->lastOnset > m_groups[b]->lastOnset; };

    if (st.node < 0) {
        // Not in the graph: same service label within the window, nothing else.
        const QString label = groupingLabel(m_alerts[alertId].latest);
        int best = -1;
        for (int gid : std::as_const(inWindow))
            if (m_groups[gid]->outside.contains(label) && (best < 0 || later(gid, best)))
                best = gid;
        return best < 0 ? QVector<int>{} : QVector<int>{best};
    }

    // A group already holding this service takes it.
    int same = -1;
    for (int gid : std::as_const(inWindow))
        if (m_groups[gid]->alertsPerNode.contains(st.node) && (same < 0 || later(gid, same)))
            same = gid;
    if (same >= 0)
        return {same};

    // Otherwise find the common cause c (a node this service depends on) that explains the most alerting
    // services among the groups it explains well, and is specific enough to be believed.
    QVector<int> bestGroups;
    double bestValue = 0.0;
    QVector<int> groups;
    m_reach->forEachDependency(st.node, [&](int c) {
        groups.clear();
        int explained = 1; // the new alert
        for (int gid : std::as_const(inWindow)) {
            const Group& g = *m_groups[gid];
            if (g.services > 0 && g.cover[c] > 0 && g.cover[c] >= m_options.joinShare * g.services) {
                groups << gid;
                explained += g.cover[c];
            }
        }
        if (groups.isEmpty())
            return;
        const double precision = double(explained) / m_reach->blastRadius(c);
        if (precision < m_options.minPrecision)
            return;
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

int Correlator::placeAlert(int alertId, Update* update)
{
    const QVector<int> groups = findGroups(alertId);
    int gid;
    if (groups.isEmpty()) {
        gid = int(m_groups.size());
        auto g = std::make_unique<Group>();
        g->key = m_alerts[alertId].fingerprint();
        g->firstOnset = g->lastOnset = m_state[alertId].onset;
        g->cover.assign(std::size_t(m_reach->nodeCount()), 0);
        m_groups.push_back(std::move(g));
        m_active << gid;
        ++m_alive;
    } else {
        // The oldest group survives a merge and keeps its key.
        gid = groups.front();
        for (int i = 1; i < groups.size(); ++i) {
            const QString gone = m_groups[groups[i]]->key;
            if (update) {
                update->changed.removeAll(gone);
                update->removed << gone;
            }
            mergeGroups(gid, groups[i]);
        }
    }
    addToGroup(gid, alertId);
    touched(gid, update);
    return gid;
}

void Correlator::addToGroup(int groupId, int alertId)
{
    Group& g = *m_groups[groupId];
    AlertState& st = m_state[alertId];
    st.group = groupId;
    g.alerts << alertId;
    g.firstOnset = std::min(g.firstOnset, st.onset);
    g.lastOnset = std::max(g.lastOnset, st.onset);
    if (st.node >= 0) {
        int& count = g.alertsPerNode[st.node];
        if (count++ == 0) {
            ++g.services;
            m_reach->forEachDependency(st.node, [&](int c) { ++g.cover[c]; });
        }
    } else {
        g.outside.insert(groupingLabel(m_alerts[alertId].latest));
    }
}

int Correlator::mergeGroups(int into, int from)
{
    Group& a = *m_groups[into];
    Group& b = *m_groups[from];
    for (int id : std::as_const(b.alerts))
        addToGroup(into, id);
    Q_UNUSED(a);
    b.alive = false;
    b.alerts.clear();
    b.alertsPerNode.clear();
    b.cover = {};
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
    m_active.removeIf([&](int gid) { return m_groups[gid]->lastOnset < horizon; });
}

void Correlator::indexForInhibition(int alertId)
{
    const LabelSet& labels = m_alerts[alertId].latest.labels;
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
    TrackedAlert& t = m_alerts[target];
    const auto& rules = m_inhibit.rules();
    QString by;
    for (int r = 0; r < rules.size() && by.isEmpty(); ++r) {
        if (!rules[r].isTarget(t.latest.labels))
            continue;
        for (int s : m_sources[r]) {
            if (s == target || !m_alerts[s].isFiring())
                continue;
            if (rules[r].inhibits(m_alerts[s].latest.labels, t.latest.labels)) {
                by = m_alerts[s].fingerprint();
                break;
            }
        }
    }
    const bool inhibited = !by.isEmpty();
    if (inhibited != t.inhibited || by != t.inhibitedBy) {
        t.inhibited = inhibited;
        t.inhibitedBy = by;
        touched(m_state[target].group, update);
    }
}

void Correlator::reevaluateTargetsOf(int source, Update* update)
{
    const auto& rules = m_inhibit.rules();
    for (int r = 0; r < rules.size(); ++r) {
        if (!rules[r].isSource(m_alerts[source].latest.labels))
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

std::optional<Incident> Correlator::incident(const QString& key) const
{
    const auto it = m_byFingerprint.constFind(key);
    if (it == m_byFingerprint.cend())
        return std::nullopt;
    const Group& g = *m_groups[m_state[*it].group];
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
    const auto it = m_byFingerprint.constFind(fingerprint);
    return it == m_byFingerprint.cend() ? QString() : m_groups[m_state[*it].group]->key;
}

const TrackedAlert* Correlator::trackedAlert(const QString& fingerprint) const
{
    const auto it = m_byFingerprint.constFind(fingerprint);
    return it == m_byFingerprint.cend() ? nullptr : &m_alerts[*it];
}

Incident Correlator::materialize(const Group& g) const
{
    static const QHash<QString, int> rank{{u"critical"_s, 3}, {u"error"_s, 2}, {u"warning"_s, 1}, {u"info"_s, 0}};
    Incident inc;
    inc.key = g.key;
    QSet<QString> firing, all;
    int sev = -1;
    for (int id : g.alerts) {
        const TrackedAlert& t = m_alerts[id];
        inc.alerts << t;
        inc.notificationCount += t.notificationCount;
        const QString s = t.service();
        all.insert(s);
        if (t.isFiring())
            firing.insert(s);
        if (!inc.firstAlertAt.isValid() || t.firstStartsAt < inc.firstAlertAt)
            inc.firstAlertAt = t.firstStartsAt;
        if (!inc.lastAlertAt.isValid() || t.lastReceivedAt > inc.lastAlertAt)
            inc.lastAlertAt = t.lastReceivedAt;
        const int r = rank.value(t.latest.severity().toLower(), -1);
        if (r > sev) {
            sev = r;
            inc.severity = t.latest.severity();
        }
    }
    std::stable_sort(inc.alerts.begin(), inc.alerts.end(),
                     [](const TrackedAlert& a, const TrackedAlert& b) { return a.firstStartsAt < b.firstStartsAt; });
    const QSet<QString>& services = firing.isEmpty() ? all : firing;
    inc.affectedServices = QStringList(services.begin(), services.end());
    inc.affectedServices.removeAll(QString());
    inc.affectedServices.sort();
    return inc;
}
