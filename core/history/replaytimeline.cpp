#include "replaytimeline.h"

#include "correlate/correlator.h"
#include "diagnose/diagnoser.h"
#include "diagnose/incidentsetdiagnosis.h"
#include "graph/servicegraph.h"

#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

ReplayTimeline::ReplayTimeline(const Incident& incident, const QVector<Alert>& notifications,
                               QVector<IncidentAction> actions, QVector<RunbookRun> runs)
    : m_incident(incident), m_actions(std::move(actions)), m_runs(std::move(runs))
{
    QSet<QString> members;
    for (const TrackedAlert& t : incident.alerts)
        members.insert(t.fingerprint());
    qint64 first = std::numeric_limits<qint64>::max();
    qint64 last = std::numeric_limits<qint64>::min();
    for (const Alert& a : notifications) {
        if (!members.contains(a.fingerprint) || !a.receivedAt.isValid())
            continue;
        const qint64 received = a.receivedAt.toMSecsSinceEpoch();
        m_notifications.append(a);
        m_deliveries[a.fingerprint].append(
            {received, a.startsAt.isValid() ? a.startsAt.toMSecsSinceEpoch() : 0, a.isFiring()});
        first = qMin(first, received);
        last = qMax(last, received);
    }
    std::stable_sort(m_notifications.begin(), m_notifications.end(),
                     [](const Alert& a, const Alert& b) { return a.receivedAt < b.receivedAt; });
    for (auto& list : m_deliveries)
        std::stable_sort(list.begin(), list.end(),
                         [](const Delivery& a, const Delivery& b) { return a.receivedMs < b.receivedMs; });
    // Members whose notifications were not kept still appear, from what the alerts table remembers.
    for (const TrackedAlert& t : incident.alerts) {
        if (m_deliveries.contains(t.fingerprint()))
            continue;
        const QDateTime seen = t.firstReceivedAt.isValid() ? t.firstReceivedAt : t.firstStartsAt;
        if (seen.isValid()) {
            first = qMin(first, seen.toMSecsSinceEpoch());
            last = qMax(last, (t.lastReceivedAt.isValid() ? t.lastReceivedAt : seen).toMSecsSinceEpoch());
        }
    }
    if (first == std::numeric_limits<qint64>::max() && incident.firstAlertAt.isValid())
        first = last = incident.firstAlertAt.toMSecsSinceEpoch();
    if (first == std::numeric_limits<qint64>::max())
        return;

    std::stable_sort(m_actions.begin(), m_actions.end(),
                     [](const IncidentAction& a, const IncidentAction& b) { return a.at < b.at; });
    std::stable_sort(m_runs.begin(), m_runs.end(),
                     [](const RunbookRun& a, const RunbookRun& b) { return a.at < b.at; });
    for (const IncidentAction& a : std::as_const(m_actions))
        if (a.at.isValid())
            last = qMax(last, a.at.toMSecsSinceEpoch());
    for (const RunbookRun& r : std::as_const(m_runs))
        if (r.at.isValid())
            last = qMax(last, r.at.toMSecsSinceEpoch());
    m_start = QDateTime::fromMSecsSinceEpoch(first, Qt::UTC);
    m_end = QDateTime::fromMSecsSinceEpoch(last, Qt::UTC);
}

int ReplayTimeline::minuteCount() const
{
    if (isEmpty())
        return 0;
    // Rounded up, so the last position reaches the end.
    return int((m_start.msecsTo(m_end) + 59'999) / 60'000);
}

QDateTime ReplayTimeline::timeAtMinute(int minute) const
{
    if (isEmpty())
        return {};
    const QDateTime t = m_start.addSecs(qint64(qMax(0, minute)) * 60);
    return t > m_end ? m_end : t;
}

ReplayTimeline::State ReplayTimeline::stateAt(const QDateTime& at) const
{
    State s;
    s.at = at;
    if (!at.isValid())
        return s;
    const qint64 t = at.toMSecsSinceEpoch();
    QSet<QString> firing;
    for (const TrackedAlert& member : m_incident.alerts) {
        TrackedAlert known = member;
        const auto found = m_deliveries.constFind(member.fingerprint());
        if (found == m_deliveries.cend()) {
            const QDateTime seen = member.firstReceivedAt.isValid() ? member.firstReceivedAt : member.firstStartsAt;
            if (!seen.isValid() || seen.toMSecsSinceEpoch() > t)
                continue;
            s.notificationCount += member.notificationCount;
        } else {
            const QVector<Delivery>& list = *found;
            const auto upto = std::upper_bound(list.cbegin(), list.cend(), t,
                                               [](qint64 when, const Delivery& d) { return when < d.receivedMs; });
            const qsizetype count = upto - list.cbegin();
            if (count == 0)
                continue;
            qint64 onset = 0;
            int flaps = 0;
            for (auto it = list.cbegin(); it != upto; ++it) {
                if (it->startsMs != 0 && (onset == 0 || it->startsMs < onset))
                    onset = it->startsMs;
                if (it != list.cbegin() && it->firing && !(it - 1)->firing)
                    ++flaps;
            }
            const Delivery& latest = *(upto - 1);
            known.latest.status = latest.firing ? Alert::Status::Firing : Alert::Status::Resolved;
            known.latest.receivedAt = QDateTime::fromMSecsSinceEpoch(latest.receivedMs, Qt::UTC);
            if (latest.startsMs != 0)
                known.latest.startsAt = QDateTime::fromMSecsSinceEpoch(latest.startsMs, Qt::UTC);
            known.firstReceivedAt = QDateTime::fromMSecsSinceEpoch(list.cbegin()->receivedMs, Qt::UTC);
            known.lastReceivedAt = known.latest.receivedAt;
            known.firstStartsAt = onset != 0 ? QDateTime::fromMSecsSinceEpoch(onset, Qt::UTC) : known.firstReceivedAt;
            known.notificationCount = int(count);
            known.flapCount = flaps;
            s.notificationCount += int(count);
        }
        if (known.isFiring()) {
            ++s.firingCount;
            if (!known.inhibited && !known.service().isEmpty())
                firing.insert(known.service());
        }
        s.alerts.append(std::move(known));
    }
    std::stable_sort(s.alerts.begin(), s.alerts.end(),
                     [](const TrackedAlert& a, const TrackedAlert& b) { return a.firstStartsAt < b.firstStartsAt; });
    s.firingServices = QStringList(firing.cbegin(), firing.cend());
    s.firingServices.sort();

    bool acked = false, mitigated = false, resolved = false;
    for (const IncidentAction& a : m_actions) {
        if (!a.at.isValid() || a.at > at)
            break;
        s.actions.append(a);
        acked = acked || a.kind == u"ack";
        mitigated = mitigated || a.kind == u"mitigate";
        resolved = resolved || a.kind == u"resolve";
    }
    s.state = resolved    ? Incident::State::Resolved
              : mitigated ? Incident::State::Mitigated
              : acked     ? Incident::State::Acknowledged
                          : Incident::State::Triggered;
    for (const RunbookRun& r : m_runs) {
        if (!r.at.isValid() || r.at > at)
            break;
        s.runs.append(r);
    }
    return s;
}

Incident ReplayTimeline::incidentAt(const QDateTime& at) const
{
    const State s = stateAt(at);
    Incident inc = m_incident;
    inc.alerts = s.alerts;
    inc.affectedServices = s.firingServices;
    inc.notificationCount = s.notificationCount;
    inc.state = s.state;
    QDateTime first, last;
    for (const TrackedAlert& t : s.alerts) {
        if (t.firstStartsAt.isValid() && (!first.isValid() || t.firstStartsAt < first))
            first = t.firstStartsAt;
        if (t.lastReceivedAt.isValid() && (!last.isValid() || t.lastReceivedAt > last))
            last = t.lastReceivedAt;
    }
    inc.firstAlertAt = first;
    inc.lastAlertAt = last;
    inc.severity = Incident::highestSeverity(s.alerts);
    // Lifecycle fields exist only once their action happened.
    const auto firstOf = [&](const QString& kind) -> const IncidentAction* {
        for (const IncidentAction& a : s.actions)
            if (a.kind == kind)
                return &a;
        return nullptr;
    };
    const IncidentAction* ack = firstOf(u"ack"_s);
    const IncidentAction* mitigate = firstOf(u"mitigate"_s);
    const IncidentAction* resolve = firstOf(u"resolve"_s);
    inc.acknowledgedAt = ack ? ack->at : QDateTime();
    inc.acknowledgedBy = ack ? ack->user : QString();
    inc.mitigatedAt = mitigate ? mitigate->at : QDateTime();
    inc.mitigatedBy = mitigate ? mitigate->user : QString();
    inc.resolvedAt = resolve ? resolve->at : QDateTime();
    inc.resolvedBy = resolve ? resolve->user : QString();
    return inc;
}

void ReplayTimeline::setNeighbours(QVector<Alert> notifications)
{
    m_neighbours.clear();
    for (Alert& a : notifications)
        if (a.receivedAt.isValid() && !m_deliveries.contains(a.fingerprint))
            m_neighbours.append(std::move(a));
    std::stable_sort(m_neighbours.begin(), m_neighbours.end(),
                     [](const Alert& a, const Alert& b) { return a.receivedAt < b.receivedAt; });
}

QVector<RootCauseCandidate> ReplayTimeline::diagnosisAt(const QDateTime& at, std::shared_ptr<const ServiceGraph> graph,
                                                        const QVector<ChangeEvent>& changes) const
{
    if (!at.isValid())
        return {};
    if (!graph)
        graph = std::make_shared<const ServiceGraph>();
    Correlator correlator(graph);
    QString first;
    QDateTime firstOnset;
    // Both lists by arrival, merged: the correlator sees the deliveries in the order the console did.
    auto member = m_notifications.cbegin(), neighbour = m_neighbours.cbegin();
    while (true) {
        // Deliveries of the same second in the order the store received them: the correlator's answer can
        // depend on it.
        const bool memberNext =
            member != m_notifications.cend() && member->receivedAt <= at &&
            (neighbour == m_neighbours.cend() || member->receivedAt < neighbour->receivedAt ||
             (member->receivedAt == neighbour->receivedAt && member->storedId <= neighbour->storedId));
        if (!memberNext) {
            if (neighbour == m_neighbours.cend() || neighbour->receivedAt > at)
                break;
            correlator.add(*neighbour++);
            continue;
        }
        const Alert& a = *member++;
        correlator.add(a);
        const QDateTime onset = a.startsAt.isValid() ? a.startsAt : a.receivedAt;
        if (!firstOnset.isValid() || onset < firstOnset) {
            firstOnset = onset;
            first = a.fingerprint;
        }
    }
    if (first.isEmpty())
        return {};
    const std::optional<Incident> group = correlator.incident(correlator.incidentKeyOf(first));
    if (!group)
        return {};
    Diagnoser diagnoser(graph, correlator.reach());
    QVector<ChangeEvent> known;
    for (const ChangeEvent& c : changes)
        if (c.at <= at)
            known << c;
    diagnoser.setChanges(known);
    // As the console diagnosed it: with its neighbours' alerts and the causes the smaller ones lend it, each of
    // those diagnosed the same way first. Bigger incidents lend nothing to it and are left alone.
    QHash<QString, Incident> all;
    QSet<QString> keys;
    for (Incident& inc : correlator.incidents()) {
        if (inc.key == group->key || Diagnoser::diagnosedBefore(inc, *group))
            keys.insert(inc.key);
        all.insert(inc.key, std::move(inc));
    }
    diagnoseAll(diagnoser, all, keys);
    return all.value(group->key).rootCauses;
}
