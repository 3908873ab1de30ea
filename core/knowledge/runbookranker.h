#pragma once
// RunbookRanker: each runbook's record on similar past incidents, as a score that reorders the proposals and a
// short note for the engineer ("fixed 3 of 4 similar incidents").
//
// A past incident counts as an attempt of a runbook when one of its steps ran there or the engineer named it
// as the fix; as a fix when the engineer named it, or when its run passed, the incident was resolved and the
// engineer did not name something else. Each incident counts with its weight (similarity x age decay), and
//   score = historyWeight x (weighted fixes - weighted failures) / (weighted attempts + 1)
// so one old, vaguely similar success moves a proposal a little and many recent ones move it a lot (up to about
// historyWeight, above the 4 a matching root-cause service gives in RunbookLibrary); a runbook that keeps failing
// sinks. The score never proposes a runbook on its own (RunbookLibrary adds it only to
// runbooks something in the incident already matches).

#include "model/incidentmemory.h"
#include "model/pastincident.h"

#include <QHash>
#include <QVector>

class RunbookRanker
{
public:
    struct WeightedPast
    {
        double weight = 0.0;
        const PastIncident* incident = nullptr;
    };

    explicit RunbookRanker(double historyWeight = 5.0) : m_historyWeight(historyWeight) {}

    QHash<QString, RunbookTrackRecord> trackRecords(const QVector<WeightedPast>& similar) const;

    // Whether this past incident counts as an attempt / a fix of runbookId (see above).
    static bool attempted(const PastIncident& incident, const QString& runbookId);
    static bool fixedBy(const PastIncident& incident, const QString& runbookId);

private:
    double m_historyWeight;
};
