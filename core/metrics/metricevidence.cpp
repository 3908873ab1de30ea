#include "metricevidence.h"

#include <algorithm>

using namespace Qt::StringLiterals;

QString MetricEvidence::formatDuration(qint64 msecs)
{
    const QString sign = msecs < 0 ? u"-"_s : QString();
    const qint64 seconds = (std::llabs(msecs) + 500) / 1000;
    if (seconds < 120)
        return sign + u"%1 s"_s.arg(seconds);
    const qint64 minutes = seconds / 60;
    const qint64 rest = seconds % 60;
    return sign + (rest == 0 ? u"%1 min"_s.arg(minutes) : u"%1 min %2 s"_s.arg(minutes).arg(rest));
}

namespace {

QString correlationClause(const std::optional<LaggedCorrelation::LagPoint>& c)
{
    if (!c)
        return {};
    return u"; r = %1 at lag %2"_s.arg(QString::number(c->r, 'f', 2), MetricEvidence::formatDuration(c->lagMsecs));
}

} // namespace

MetricEvidence::Result MetricEvidence::build(const Series& root, const QVector<Series>& callers, const Params& params)
{
    Result result;
    result.rootOnset = OnsetDetector::detect(root.points, params.onset);
    const QString rootName = root.service + u' ' + root.noun;
    LaggedCorrelation::Params lagParams;
    lagParams.stepMsecs = params.stepMsecs;
    lagParams.minLagMsecs = -params.maxLagMsecs;
    lagParams.maxLagMsecs = params.maxLagMsecs;
    lagParams.minOverlap = params.minOverlap;

    struct Ranked
    {
        double strength;
        QString sentence;
    };
    QVector<Ranked> supporting, opposing;
    double total = 0.0;
    int moved = 0;
    for (const Series& caller : callers) {
        Finding f;
        f.caller = caller.service;
        f.callerNoun = caller.noun;
        f.callerOnset = OnsetDetector::detect(caller.points, params.onset);
        f.correlation = LaggedCorrelation::best(root.points, caller.points, lagParams);
        if (f.callerOnset && result.rootOnset) {
            ++moved;
            const QString callerName = caller.service + u' ' + caller.noun;
            const qint64 lead = f.callerOnset->msecs - result.rootOnset->msecs;
            const double r = f.correlation ? qMax(0.0, f.correlation->r) : 0.0;
            const bool lagAgrees = f.correlation && f.correlation->lagMsecs >= 0;
            // Half a step either way is the same sample: the order between the two is then unknown.
            if (std::llabs(lead) * 2 < params.stepMsecs) {
                f.strength = 0.5 * r;
                f.supportsRoot = true; // weakly: it is not against the root either
                f.sentence =
                    u"%1 rose in the same step as %2"_s.arg(rootName, callerName) + correlationClause(f.correlation);
            } else if (lead > 0) {
                // The onset order is the claim; the correlation says how closely the caller follows.
                f.strength = f.correlation ? (lagAgrees ? r : 0.5 * r) : 0.5;
                f.supportsRoot = true;
                f.sentence = u"%1 rose %2 before %3"_s.arg(rootName, formatDuration(lead), callerName) +
                             correlationClause(f.correlation);
            } else {
                f.strength = 0.0;
                f.sentence = u"%1 rose %2 before %3"_s.arg(callerName, formatDuration(-lead), rootName) +
                             correlationClause(f.correlation);
            }
            total += f.strength;
            (f.supportsRoot ? supporting : opposing).append({f.supportsRoot ? f.strength : r, f.sentence});
        }
        result.findings.append(std::move(f));
    }
    if (moved > 0)
        result.strength = total / moved;

    const auto strongestFirst = [](const Ranked& a, const Ranked& b) { return a.strength > b.strength; };
    std::stable_sort(supporting.begin(), supporting.end(), strongestFirst);
    std::stable_sort(opposing.begin(), opposing.end(), strongestFirst);
    for (const Ranked& s : std::as_const(supporting))
        result.evidence.append(s.sentence);
    for (const Ranked& s : std::as_const(opposing))
        result.against.append(s.sentence);
    return result;
}
