#pragma once
// IncidentPatterns: what many incidents say together, as pure functions over Store::pastIncidents() (and
// Store::loadChanges() for deploys). The on-call report and the console show them; nothing here touches the
// database, so each figure can be checked against a hand count.
//
// - recurring root causes: incidents per confirmed root-cause service, each weighted by AgeDecay (an incident a
//   half-life old counts 0.5), heaviest first;
// - fails after deploys: per root-cause service, how many of its incidents began within N minutes after one of
//   its own deploys;
// - noisy alerts: alert names that paged in incidents the engineer marked non-actionable, or whose alerts all
//   cleared before anyone acknowledged them; with the owners from their `team` label. Noisy alerts are bugs.

#include "agedecay.h"
#include "model/changeevent.h"
#include "model/pastincident.h"

#include <QStringList>
#include <QVector>

namespace IncidentPatterns {

struct RecurringCause
{
    QString service;
    int incidents = 0;
    double weight = 0.0; // sum of AgeDecay weights at now
    QDateTime last;      // first alert of the newest one
    bool operator==(const RecurringCause&) const = default;
};
// Services that were the confirmed root cause of at least minIncidents incidents, heaviest first.
QVector<RecurringCause> recurringRootCauses(const QVector<PastIncident>& incidents, const QDateTime& now,
                                            const AgeDecay& decay = {}, int minIncidents = 2);

struct DeployFailures
{
    QString service;
    int incidents = 0;   // incidents with this root cause
    int afterDeploy = 0; // of them, begun within the window after one of its deploys
    double share() const { return incidents > 0 ? double(afterDeploy) / incidents : 0.0; }
    bool operator==(const DeployFailures&) const = default;
};
// Every root-cause service with at least one incident after a deploy, most such incidents first. An incident
// counts when its first alert came after a deploy of its root cause and at most withinMinutes later.
QVector<DeployFailures> failuresAfterDeploys(const QVector<PastIncident>& incidents,
                                             const QVector<ChangeEvent>& changes, int withinMinutes = 30);

struct NoisyAlert
{
    QString alertname;
    int pages = 0;         // incidents it was part of
    int nonActionable = 0; // ... that the engineer marked non-actionable
    int autoResolved = 0;  // ... whose alerts all cleared before any acknowledgement
    int noisy = 0;         // ... either of the two (each incident once)
    QStringList owners;    // `team` labels seen on it, sorted
    bool operator==(const NoisyAlert&) const = default;
};
// Alert names with at least one noisy page, most noisy pages first.
QVector<NoisyAlert> noisyAlerts(const QVector<PastIncident>& incidents);

// The two noisy signs of one incident.
bool markedNonActionable(const PastIncident& incident);
bool autoResolvedBeforeAck(const PastIncident& incident);

} // namespace IncidentPatterns
