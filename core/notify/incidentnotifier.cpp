#include "incidentnotifier.h"

#include <QThreadPool>

#include <algorithm>
#include <optional>
#include <utility>

bool IncidentNotifier::isCritical(const Incident& incident)
{
    return incident.severityLevel() >= Severity::Error;
}

QVector<IncidentNotice> IncidentNotifier::update(const QVector<Incident>& incidents)
{
    QVector<IncidentNotice> notices;
    std::optional<QSet<QString>> openAlerts; // of m_previous, on first need
    const auto wasOpen = [&](const TrackedAlert& alert) {
        if (!openAlerts) {
            openAlerts.emplace();
            for (const Incident& before : std::as_const(m_previous))
                if (before.isOpen())
                    for (const TrackedAlert& a : before.alerts)
                        openAlerts->insert(a.fingerprint());
        }
        return openAlerts->contains(alert.fingerprint());
    };
    m_unacknowledged = 0;
    m_worst = Severity::Unknown;
    for (const Incident& incident : incidents) {
        const bool waiting = incident.isOpen() && incident.state == Incident::State::Triggered;
        if (waiting) {
            ++m_unacknowledged;
            m_worst = std::max(m_worst, incident.severityLevel());
        }
        const QString key = incident.key.isEmpty() ? QString::number(incident.id) : incident.key;
        if (m_announced.contains(key))
            continue;
        // A merge or a split between two snapshots moves alerts already on screen into an incident with
        // another key: not news. (Only the previous snapshot counts: an alert that fires again days after
        // its incident was resolved starts a new one, and that is news.)
        const bool movedAlerts =
            !m_held.contains(key) && std::any_of(incident.alerts.cbegin(), incident.alerts.cend(), wasOpen);
        if (movedAlerts || !waiting) { // acknowledged or resolved before we saw it: someone is on it
            m_announced.insert(key);
            continue;
        }
        if (m_doNotDisturb && !isCritical(incident)) {
            m_held.insert(key);
            continue;
        }
        m_held.remove(key);
        m_announced.insert(key);
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
        notice.sound = m_soundSeverities.contains(incident.severityLevel());
        notices << notice;
    }
    // The snapshot before holds the only copy of the alerts a storm has added to since: freeing them is a pass over
    // all of them, done on a pool thread rather than the caller's (the GUI thread).
    QThreadPool::globalInstance()->start([old = std::exchange(m_previous, incidents)]() mutable { old.clear(); });
    std::stable_sort(notices.begin(), notices.end(), [](const IncidentNotice& a, const IncidentNotice& b) {
        return parseSeverity(a.severity) > parseSeverity(b.severity);
    });
    return notices;
}
