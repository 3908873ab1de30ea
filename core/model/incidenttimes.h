#pragma once
// IncidentTimes: the lifecycle durations an on-call review counts, from an incident's stored times.
// MTTA runs from the first alert to the acknowledgement, MTTR from the first alert to the resolve; either is
// empty while that step has not happened (or when the first alert's time is unknown).

#include "incident.h"

#include <optional>

struct IncidentTimes
{
    static std::optional<qint64> secondsBetween(const QDateTime& from, const QDateTime& to)
    {
        if (!from.isValid() || !to.isValid())
            return std::nullopt;
        return std::max<qint64>(0, from.secsTo(to)); // an ack stamped before a late-delivered onset counts as 0
    }
    static std::optional<qint64> mttaSecs(const Incident& incident)
    {
        return secondsBetween(incident.firstAlertAt, incident.acknowledgedAt);
    }
    static std::optional<qint64> mttmSecs(const Incident& incident)
    {
        return secondsBetween(incident.firstAlertAt, incident.mitigatedAt);
    }
    static std::optional<qint64> mttrSecs(const Incident& incident)
    {
        return secondsBetween(incident.firstAlertAt, incident.resolvedAt);
    }
};
