#include "feedstatus.h"

#include "theme.h"

using namespace Qt::StringLiterals;

namespace {
// The headline sentence for one source that is not live.
QString sentence(const SourceHealth& source)
{
    const QString name = source.displayName.isEmpty() ? source.id : source.displayName;
    const bool everReached = source.lastSuccessAt.isValid();
    if (source.state == SourceHealth::State::Unreachable)
        return everReached ? FeedStatus::tr("%1 unreachable since %2").arg(name, Theme::clock(source.lastSuccessAt))
                           : FeedStatus::tr("%1 unreachable, never reached").arg(name);
    return everReached ? FeedStatus::tr("%1 silent since %2").arg(name, Theme::clock(source.lastSuccessAt))
                       : FeedStatus::tr("Waiting for first data from %1").arg(name);
}
} // namespace

FeedStatus FeedStatus::of(const QVector<SourceHealth>& all)
{
    QVector<SourceHealth> sources;
    for (const SourceHealth& s : all)
        if (s.kind == SourceHealth::Kind::Alerts)
            sources.append(s);
    FeedStatus status;
    if (sources.isEmpty()) {
        status.headline = tr("Waiting for first data");
        status.detail = tr("No alert source has reported yet: no incidents does not mean all clear.");
        return status;
    }
    // Unreachable sources lead: an error is a stronger reason to distrust the empty list than silence.
    QVector<SourceHealth> down;
    for (const SourceHealth& s : sources)
        if (s.state == SourceHealth::State::Unreachable)
            down.append(s);
    for (const SourceHealth& s : sources)
        if (s.state == SourceHealth::State::Stale)
            down.append(s);
    status.allLive = down.isEmpty();
    if (status.allLive)
        return status;
    status.headline = sentence(down.constFirst());
    QStringList lines;
    for (const SourceHealth& s : down)
        lines << (s.lastError.isEmpty() ? sentence(s) : sentence(s) + u": "_s + s.lastError);
    lines << tr("Its alerts cannot reach the console: an empty list here does not mean all clear.");
    status.detail = lines.join(u'\n');
    return status;
}
