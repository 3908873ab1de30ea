#include "runbookranker.h"

#include <QSet>

using namespace Qt::StringLiterals;

bool RunbookRanker::attempted(const PastIncident& incident, const QString& runbookId)
{
    if (incident.resolution && incident.resolution->fixedByRunbook == runbookId)
        return true;
    for (const PastIncident::Run& run : incident.runs)
        if (run.runbookId == runbookId)
            return true;
    return false;
}

bool RunbookRanker::fixedBy(const PastIncident& incident, const QString& runbookId)
{
    const std::optional<Resolution>& r = incident.resolution;
    if (r && r->fixedByRunbook == runbookId)
        return true;
    if (r && (!r->fixedByRunbook.isEmpty() || !r->fixedByText.isEmpty()))
        return false; // the engineer said what fixed it, and it was not this
    if (incident.state != u"resolved")
        return false;
    for (const PastIncident::Run& run : incident.runs)
        if (run.runbookId == runbookId && run.passed)
            return true;
    return false;
}

QHash<QString, RunbookTrackRecord> RunbookRanker::trackRecords(const QVector<WeightedPast>& similar) const
{
    QHash<QString, RunbookTrackRecord> out;
    for (const WeightedPast& wp : similar) {
        if (!wp.incident)
            continue;
        const PastIncident& p = *wp.incident;
        QSet<QString> tried;
        if (p.resolution && !p.resolution->fixedByRunbook.isEmpty())
            tried.insert(p.resolution->fixedByRunbook);
        for (const PastIncident::Run& run : p.runs)
            tried.insert(run.runbookId);
        for (const QString& id : std::as_const(tried)) {
            RunbookTrackRecord& r = out[id];
            r.runbookId = id;
            ++r.attempts;
            r.weightedAttempts += wp.weight;
            if (fixedBy(p, id)) {
                ++r.fixes;
                r.weightedFixes += wp.weight;
            }
        }
    }
    for (RunbookTrackRecord& r : out) {
        const double failures = r.weightedAttempts - r.weightedFixes;
        r.score = m_historyWeight * (r.weightedFixes - failures) / (r.weightedAttempts + 1.0);
        r.note = r.attempts == 1 ? (r.fixes == 1 ? u"fixed the 1 similar incident it was tried on"_s
                                                 : u"did not fix the 1 similar incident it was tried on"_s)
                                 : u"fixed %1 of %2 similar incidents"_s.arg(r.fixes).arg(r.attempts);
    }
    return out;
}
