#pragma once
// Runs an IncidentNotifier on a steady clock for whoever announces its notices (Slack, the desktop): a snapshot's
// news at once, and a new incident that waited for its first diagnosis when its wait ends.

#include "notify/incidentnotifier.h"

#include <QElapsedTimer>
#include <QTimer>

#include <functional>

class NoticeSchedule
{
public:
    using Announce = std::function<void(const QVector<IncidentNotice>&)>;

    // Sets the notifier's diagnosis wait to IncidentNotifier::DefaultDiagnosisWaitMs; announce runs on the thread
    // that built this, for each snapshot and for each wait that ends.
    NoticeSchedule(IncidentNotifier* notifier, Announce announce);

    void update(const QVector<Incident>& incidents);

private:
    void deliver(const QVector<IncidentNotice>& notices); // and waits for what still waits

    IncidentNotifier* m_notifier;
    Announce m_announce;
    QTimer m_due; // the next end of a diagnosis wait
    QElapsedTimer m_clock;
};
