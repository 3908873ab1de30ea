#pragma once
// IncidentRecord: everything the database knows about one incident, for reading it offline (postmortem)
// or moving it to another machine (bundle): the incident with members and root causes, every delivery
// of its member alerts, the human actions, the engineer's resolution, the runbook audit and the changes
// around it.

#include "model/alert.h"
#include "model/changeevent.h"
#include "model/incident.h"
#include "model/resolution.h"
#include "model/runbookrun.h"

#include <QVector>

#include <optional>

struct IncidentRecord
{
    struct Action
    {
        QString kind; // ack | mitigate | resolve | note | escalate | ...
        QString note;
        QDateTime at;
        QString user;
    };

    Incident incident;            // alerts: members in onset order; rootCauses: best first
    QVector<Alert> notifications; // every delivery of a member alert, arrival order
    QVector<Action> actions;      // oldest first
    std::optional<Resolution> resolution;
    QVector<RunbookRun> runbookRuns; // oldest first
    QVector<ChangeEvent> changes;    // in the incident's window (see ReportQuery::incidentRecord)
};
