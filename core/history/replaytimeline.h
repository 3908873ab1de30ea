#pragma once
// ReplayTimeline: a stored incident as the console knew it at any moment of its life, rebuilt from the
// stored notifications, human actions and runbook runs. An alert exists at t once its first notification
// was received (at or before t); its status at t is the one of its latest notification received by then
// (only an explicit resolved notification ends it). Actions and runbook runs count from their time on.
// The history browser's scrubber walks it minute by minute from the first notification to the last event.

#include "model/changeevent.h"
#include "model/incident.h"
#include "model/incidentaction.h"
#include "model/runbookrun.h"

#include <QDateTime>
#include <QHash>
#include <QStringList>
#include <QVector>

#include <memory>

class ServiceGraph;

class ReplayTimeline
{
public:
    struct State
    {
        QDateTime at;
        QVector<TrackedAlert> alerts; // known at `at`, onset order, status as of `at`
        QStringList firingServices;   // services with a firing (not inhibited) alert at `at`, sorted
        int firingCount = 0;          // firing alerts
        int notificationCount = 0;    // deliveries received up to `at`
        QVector<IncidentAction> actions;
        QVector<RunbookRun> runs;
        Incident::State state = Incident::State::Triggered;
    };

    ReplayTimeline() = default;
    // incident: as stored at the end (members, labels, root causes); notifications of its members, any order.
    ReplayTimeline(const Incident& incident, const QVector<Alert>& notifications, QVector<IncidentAction> actions,
                   QVector<RunbookRun> runs);

    bool isEmpty() const { return !m_start.isValid(); }
    QDateTime start() const { return m_start; } // the first notification (or onset when none were kept)
    QDateTime end() const { return m_end; }     // the last notification, action or run
    int minuteCount() const;                    // scrubber positions minus one: minute 0 .. minuteCount()
    QDateTime timeAtMinute(int minute) const;   // start + minute, clamped to end

    // The other alerts' notifications around it (Store::neighbourNotifications), any order: diagnosisAt() groups
    // them as the console did, so a candidate whose own alert sat in a neighbouring incident is weighed as it was.
    void setNeighbours(QVector<Alert> notifications);

    State stateAt(const QDateTime& at) const;
    // The stored incident reduced to what was known at `at`: members, affected services, counts, lifecycle.
    // The diagnosis stays the stored (final) one.
    Incident incidentAt(const QDateTime& at) const;
    // What the console believed at `at`: the notifications received by then (the members' and the neighbours')
    // through a fresh Correlator and Diagnoser on graph (the stored neighbourhood; may be null) with the changes
    // known by then. The candidates of the group the earliest known member was in, diagnosed with what the other
    // groups hold; empty before anything arrived.
    QVector<RootCauseCandidate> diagnosisAt(const QDateTime& at, std::shared_ptr<const ServiceGraph> graph,
                                            const QVector<ChangeEvent>& changes) const;
    // What diagnosisAt() feeds the correlator at most: the members' and the neighbours' notifications.
    int notificationTotal() const { return int(m_notifications.size() + m_neighbours.size()); }

private:
    struct Delivery
    {
        qint64 receivedMs;
        qint64 startsMs; // 0 when unknown
        bool firing;
    };

    Incident m_incident;
    QHash<QString, QVector<Delivery>> m_deliveries; // by fingerprint, by arrival
    QVector<Alert> m_notifications;                 // of the members, by arrival
    QVector<Alert> m_neighbours;                    // of other alerts around it, by arrival
    QVector<IncidentAction> m_actions;               // by time
    QVector<RunbookRun> m_runs;                     // by time
    QDateTime m_start;
    QDateTime m_end;
};
