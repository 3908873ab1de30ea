#pragma once
// ReviewedIncident: everything the history browser needs to show one stored incident as it looked, read from the
// store alone: the incident (members, diagnosis, lifecycle), its notifications for the replay, the human
// actions, the runbook audit, the engineer's resolution, the changes around it, and the views' snapshots
// (graph neighbourhood, metric series). load() runs on the history worker's read-only Store.

#include "model/changeevent.h"
#include "model/incident.h"
#include "model/incidentaction.h"
#include "model/incidentmetricsresult.h"
#include "model/resolution.h"
#include "model/runbookrun.h"

#include <QMetaType>

#include <memory>
#include <optional>

class Store;

class ServiceGraph;

struct ReviewedIncident
{
    Incident incident;
    QVector<Alert> notifications; // arrival order
    // Other alerts' notifications around it on the services of the graph snapshot (none without one): the replay's
    // diagnosis weighs a candidate's own alert in a neighbouring incident as the console did.
    QVector<Alert> neighbourNotifications;
    QVector<IncidentAction> actions;
    QVector<RunbookRun> runs;
    std::optional<Resolution> resolution;
    QVector<ChangeEvent> changes;              // from two hours before the first alert to its end
    std::shared_ptr<const ServiceGraph> graph; // null when no graph snapshot was kept
    std::optional<IncidentMetricsResult> metrics;
    QString snapshotProblem; // a snapshot that was kept but could not be read

    static std::optional<ReviewedIncident> load(const Store& store, qint64 incidentId, QString* error);
};

Q_DECLARE_METATYPE(ReviewedIncident)
