#pragma once
// IncidentSnapshot: an immutable picture of everything the views show, published by the pipeline
// after each batch. Shared with views through std::shared_ptr<const IncidentSnapshot>.

#include "changeevent.h"
#include "incident.h"
#include "incidentmemory.h"
#include "runbookrun.h"
#include "sourcehealth.h"

#include <QHash>
#include <QVector>
#include <memory>

class ServiceGraph;

struct IncidentSnapshot
{
    QVector<Incident> incidents; // newest / most severe first
    QVector<SourceHealth> sources;
    QVector<ChangeEvent> changes;
    QHash<qint64, QVector<RunbookRun>> runbookRuns; // by incident id, oldest first: the actions taken
    QHash<QString, IncidentMemory> memory;          // by incident key: similar past incidents, runbook records
    std::shared_ptr<const ServiceGraph> graph;      // may be null when no graph is configured
    qint64 notificationCount = 0;                   // deliveries behind what is shown (restored history included)
    qint64 alertCount = 0;                          // distinct fingerprints
};

using IncidentSnapshotPtr = std::shared_ptr<const IncidentSnapshot>;
Q_DECLARE_METATYPE(IncidentSnapshotPtr)
