#pragma once
// Postmortem: a postmortem draft prefilled from one stored incident: summary, timeline (alerts, human
// actions, runbook runs, lifecycle), root cause with evidence, actions with their audit, impact and
// follow-ups (proposed from the engineer's resolution: a page nobody needed means "tune the alert", a
// wrong suggestion means "review the diagnosis"). The engineer edits it from there.

#include "report/reportdocument.h"
#include "store/incidentrecord.h"

#include <QTimeZone>

namespace Postmortem {
// "HighCPU on svc-a-api (+4 alerts)": the alert that paged, then how many more joined it.
QString incidentTitle(const Incident& incident);
QStringList followUps(const IncidentRecord& record);
ReportDocument build(const IncidentRecord& record, const QTimeZone& zone = QTimeZone::utc());
} // namespace Postmortem
