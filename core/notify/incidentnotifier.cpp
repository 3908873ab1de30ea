#include "incidentnotifier.h"

#include "pipeline/backgroundpool.h"

#include <algorithm>
#include <utility>

bool IncidentNotifier::isCritical(const Incident& incident)
{
    return incident.severityLevel() >= Severity::Error;
}

namespace {
void mostSevereFirst(QVector<IncidentNotice>& notices)
{
    std::stable_sort(notices.begin(), notices.end(), [](const IncidentNotice& a, const IncidentNotice& b) {
        return parseSeverity(a.severity) > parseSeverity(b.severity);
    });
}
} // namespace

IncidentNotice IncidentNotifier::noticeFor(const Incident& incident, const QString& key, bool sound)
{
    IncidentNotice notice;
    notice.incidentId = incident.id;
    notice.key = key;
    notice.severity = incident.severity;
    if (const RootCauseCandidate* top = incident.topCause()) {
        notice.rootCause = top->service;
        notice.confidence = top->confidence;
    }
    notice.alertCount = incident.alerts.size();
    notice.serviceCount = incident.affectedServices.size();
    notice.notificationCount = incident.notificationCount;
    notice.affectedServices = incident.affectedServices;
    notice.sound = sound;
    return notice;
}

QVector<IncidentNotice> IncidentNotifier::update(const QVector<Incident>& incidents, qint64 nowMs)
{
    QVector<IncidentNotice> notices;
    QHash<QString, Waiting> stillWaiting;
    const QSet<QString> moved = movedAlerts(incidents);
    const auto wasOpen = [&moved](const TrackedAlert& alert) { return moved.contains(alert.fingerprint()); };
    m_unacknowledged = 0;
    m_worst = Severity::Unknown;
    for (const Incident& incident : incidents) {
        const bool waiting = incident.isOpen() && incident.state == Incident::State::Triggered;
        if (waiting) {
            ++m_unacknowledged;
            m_worst = std::max(m_worst, incident.severityLevel());
        }
        const QString key = keyOf(incident);
        if (m_announced.contains(key))
            continue;
        // A merge or a split between two snapshots moves alerts already on screen into an incident with
        // another key: not news. (Only the previous snapshot counts: an alert that fires again days after
        // its incident was resolved starts a new one, and that is news.)
        const bool movedAlerts = !m_held.contains(key) && !m_waiting.contains(key) &&
                                 std::any_of(incident.alerts.cbegin(), incident.alerts.cend(), wasOpen);
        if (movedAlerts || !waiting) { // acknowledged or resolved before we saw it: someone is on it
            m_announced.insert(key);
            continue;
        }
        if (m_doNotDisturb && !isCritical(incident)) {
            m_held.insert(key);
            continue;
        }
        m_held.remove(key);
        IncidentNotice notice = noticeFor(incident, key, m_soundSeverities.contains(incident.severityLevel()));
        // Diagnosis runs after the incident is first published: give it a moment to name the probable cause, since
        // the first notice is the one the engineer reads.
        if (notice.rootCause.isEmpty() && m_diagnosisWaitMs > 0) {
            const qint64 since = m_waiting.contains(key) ? m_waiting.value(key).since : nowMs;
            if (nowMs - since < m_diagnosisWaitMs) {
                stillWaiting.insert(key, Waiting{since, notice});
                continue;
            }
        }
        m_announced.insert(key);
        notices << notice;
    }
    // The snapshot before holds the only copy of the alerts a storm has added to since: freeing them is a pass over
    // all of them, done on a pool thread rather than the caller's (the GUI thread).
    BackgroundPool::dispose(std::exchange(m_previous, incidents));
    // Those gone from the snapshot (merged under another key, whose alerts are then still news) or announced or
    // acknowledged meanwhile wait no more.
    m_waiting = stillWaiting;
    mostSevereFirst(notices);
    return notices;
}

QSet<QString> IncidentNotifier::movedAlerts(const QVector<Incident>& incidents) const
{
    // From the few alerts of new incidents into the many of the previous snapshot: a set of every alert open before,
    // built whenever an incident appeared, took ~100 ms of the window's thread per snapshot with 850,000 open alerts
    // (perf, serve during a storm); looking each of them up in the small set costs a hash apiece.
    QSet<QString> fresh;
    for (const Incident& incident : incidents) {
        const QString key = keyOf(incident);
        if (!m_announced.contains(key) && !m_held.contains(key) && !m_waiting.contains(key))
            for (const TrackedAlert& a : incident.alerts)
                fresh.insert(a.fingerprint());
    }
    QSet<QString> moved;
    if (fresh.isEmpty())
        return moved;
    // A waiting incident's alerts were never announced: where they go next is still news.
    for (const Incident& before : std::as_const(m_previous)) {
        if (!before.isOpen() || m_waiting.contains(keyOf(before)))
            continue;
        for (const TrackedAlert& a : before.alerts)
            if (fresh.contains(a.fingerprint()))
                moved.insert(a.fingerprint());
    }
    return moved;
}

QVector<IncidentNotice> IncidentNotifier::due(qint64 nowMs)
{
    QVector<IncidentNotice> notices;
    for (auto it = m_waiting.begin(); it != m_waiting.end();) {
        if (nowMs - it->since < m_diagnosisWaitMs) {
            ++it;
            continue;
        }
        m_announced.insert(it.key());
        notices << it->notice;
        it = m_waiting.erase(it);
    }
    mostSevereFirst(notices);
    return notices;
}

qint64 IncidentNotifier::msUntilDue(qint64 nowMs) const
{
    qint64 soonest = -1;
    for (const Waiting& w : m_waiting) {
        const qint64 left = std::max<qint64>(0, w.since + m_diagnosisWaitMs - nowMs);
        soonest = soonest < 0 ? left : std::min(soonest, left);
    }
    return soonest;
}
