#include "postmortem.h"

#include "model/incidenttitle.h"

#include "report/reportformat.h"

#include <QHash>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace ReportBlocks;

namespace Postmortem {

namespace {

const TrackedAlert* pagingAlert(const Incident& incident)
{
    for (const TrackedAlert& t : incident.alerts)
        if (t.fingerprint() == incident.key)
            return &t;
    return incident.alerts.isEmpty() ? nullptr : &incident.alerts.front();
}

QString alertText(const Alert& a)
{
    const QString name = a.alertName().isEmpty() ? a.fingerprint : a.alertName();
    return a.service().isEmpty() ? name : u"%1 on %2"_s.arg(name, a.service());
}

QString actionText(const IncidentRecord::Action& a)
{
    static const QHash<QString, QString> names{{u"ack"_s, u"Acknowledged"_s},
                                               {u"mitigate"_s, u"Marked mitigated"_s},
                                               {u"resolve"_s, u"Resolved"_s},
                                               {u"note"_s, u"Note"_s},
                                               {u"escalate"_s, u"Escalated"_s}};
    const QString what = names.value(a.kind, a.kind);
    return a.note.isEmpty() ? what : u"%1: %2"_s.arg(what, a.note);
}

QString runText(const RunbookRun& r)
{
    QString s = u"Runbook %1"_s.arg(r.runbookId);
    if (!r.step.isEmpty())
        s += u" step %1"_s.arg(r.step);
    if (r.kind == u"rollback")
        s += u" (rollback)"_s;
    s += u": "_s + outcomeName(r.outcome);
    if (r.exitCode)
        s += u", exit %1"_s.arg(*r.exitCode);
    if (r.verify != RunbookRun::Verify::None)
        s += u", verify "_s + verifyName(r.verify);
    if (r.rolledBack)
        s += u", rolled back"_s;
    return s;
}

QDateTime incidentEnd(const Incident& inc)
{
    return inc.resolvedAt.isValid() ? inc.resolvedAt : inc.lastAlertAt;
}

} // namespace

QString incidentTitle(const Incident& incident)
{
    const TrackedAlert* paging = pagingAlert(incident);
    if (!paging)
        return u"Incident %1"_s.arg(incident.key);
    QString title = alertText(paging->latest);
    if (incident.alerts.size() > 1)
        title += u" (+%1 alerts)"_s.arg(incident.alerts.size() - 1);
    return title;
}

QStringList followUps(const IncidentRecord& record)
{
    QStringList items;
    const Incident& inc = record.incident;
    const TrackedAlert* paging = pagingAlert(inc);
    const QString pagingName = paging ? paging->latest.alertName() : QString();
    const auto& r = record.resolution;
    if (r && r->actionable == std::optional<bool>(false)) {
        QString item =
            u"Tune alert %1: it paged but needed no action"_s.arg(pagingName.isEmpty() ? inc.key : pagingName);
        if (paging && !paging->latest.labels.value(u"team"_s).isEmpty())
            item += u" (owner: %1)"_s.arg(paging->latest.labels.value(u"team"_s));
        items << item;
    }
    if (r && r->suggestionRight == std::optional<bool>(false)) {
        const QString top = inc.topCause() ? inc.topCause()->service : u"(none)"_s;
        items << (r->rootCause.isEmpty()
                      ? u"Review the diagnosis: the top candidate %1 was wrong"_s.arg(top)
                      : u"Review the diagnosis: it proposed %1, the cause was %2"_s.arg(top, r->rootCause));
    }
    for (const RunbookRun& run : record.runbookRuns) {
        if (run.outcome == RunbookRun::Outcome::Failed || run.outcome == RunbookRun::Outcome::TimedOut ||
            run.outcome == RunbookRun::Outcome::FailedToStart)
            items << u"Fix runbook %1 step %2: %3%4"_s.arg(run.runbookId, run.step, outcomeName(run.outcome),
                                                           run.error.isEmpty() ? QString()
                                                                               : u" ("_s + run.error + u')');
    }
    if (!r)
        items << u"Record what fixed it and whether the page was actionable"_s;
    if (r && !r->fixedByRunbookStep() && !r->fixedByText.isEmpty())
        items << u"Write a runbook for the fix: %1"_s.arg(r->fixedByText);
    items << u"Add the remaining follow-ups from the review"_s;
    items.removeDuplicates();
    return items;
}

ReportDocument build(const IncidentRecord& record, const QTimeZone& zone)
{
    const Incident& inc = record.incident;
    const auto at = [&zone](const QDateTime& t) { return ReportFormat::time(t, zone); };
    const QDateTime end = incidentEnd(inc);
    const qint64 durationSecs = inc.firstAlertAt.isValid() && end.isValid() ? inc.firstAlertAt.secsTo(end) : 0;
    const qsizetype notifications =
        record.notifications.isEmpty() ? inc.notificationCount : record.notifications.size();

    ReportDocument doc;
    doc.title = u"Postmortem: "_s + incidentTitle(inc);
    doc.subtitle =
        u"Draft prefilled by Nightwatch from incident %1 (key %2). Edit before sharing."_s.arg(inc.id).arg(inc.key);

    auto& summary = doc.addSection(u"Summary"_s);
    QVector<QStringList> facts{
        {u"Name"_s, IncidentTitle::of(inc)}, // as the console, the history and the CLI call it
        {u"Severity"_s, inc.severity.isEmpty() ? u"(none)"_s : inc.severity},
        {u"State"_s, Incident::stateName(inc.state)},
        {u"Started"_s, at(inc.firstAlertAt)},
        {u"Resolved"_s,
         inc.resolvedAt.isValid() ? u"%1 by %2"_s.arg(at(inc.resolvedAt), inc.resolvedBy) : u"not resolved"_s},
        {u"Duration"_s, ReportFormat::duration(double(durationSecs))},
        {u"Affected services"_s, inc.affectedServices.isEmpty() ? u"(none)"_s : inc.affectedServices.join(u", "_s)},
        {u"Alerts"_s, QString::number(inc.alerts.size())},
        {u"Notifications"_s, QString::number(notifications)},
    };
    if (inc.acknowledgedAt.isValid())
        facts.append({u"Time to acknowledge"_s,
                      u"%1 (by %2)"_s.arg(ReportFormat::duration(double(inc.firstAlertAt.secsTo(inc.acknowledgedAt))),
                                          inc.acknowledgedBy)});
    if (inc.resolvedAt.isValid())
        facts.append({u"Time to resolve"_s, ReportFormat::duration(double(inc.firstAlertAt.secsTo(inc.resolvedAt)))});
    summary.blocks.append(ReportBlocks::facts(facts));

    // Timeline: every stored event, in time order; equal times keep the order they are listed in here.
    struct Event
    {
        QDateTime at;
        QString what;
        QString who;
    };
    QVector<Event> events;
    if (const TrackedAlert* paging = pagingAlert(inc))
        events.append({inc.firstAlertAt, u"First alert: "_s + alertText(paging->latest), QString()});
    for (const TrackedAlert& t : inc.alerts) {
        const QDateTime onset = t.firstStartsAt.isValid() ? t.firstStartsAt : t.latest.startsAt;
        QString what = u"Alert fired: "_s + alertText(t.latest);
        if (!t.latest.severity().isEmpty())
            what += u" ("_s + t.latest.severity() + u')';
        if (t.inhibited)
            what += u", inhibited"_s;
        events.append({onset, what, QString()});
        if (!t.isFiring())
            events.append({t.latest.endsAt.isValid() ? t.latest.endsAt : t.lastReceivedAt,
                           u"Alert cleared: "_s + alertText(t.latest), QString()});
    }
    QSet<QString> actionKinds;
    for (const IncidentRecord::Action& a : record.actions) {
        events.append({a.at, actionText(a), a.user});
        actionKinds.insert(a.kind);
    }
    // Lifecycle times kept on the incident without an action row (an older database) still show.
    if (inc.acknowledgedAt.isValid() && !actionKinds.contains(u"ack"_s))
        events.append({inc.acknowledgedAt, u"Acknowledged"_s, inc.acknowledgedBy});
    if (inc.mitigatedAt.isValid() && !actionKinds.contains(u"mitigate"_s))
        events.append({inc.mitigatedAt, u"Marked mitigated"_s, inc.mitigatedBy});
    if (inc.resolvedAt.isValid() && !actionKinds.contains(u"resolve"_s))
        events.append({inc.resolvedAt, u"Resolved"_s, inc.resolvedBy});
    for (const RunbookRun& r : record.runbookRuns)
        events.append({r.at, runText(r), r.user});
    for (const ChangeEvent& c : record.changes)
        events.append({c.at, u"Change: %1 %2 %3"_s.arg(c.kind, c.service, c.description).trimmed(), QString()});
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        if (!a.at.isValid() || !b.at.isValid())
            return a.at.isValid() && !b.at.isValid();
        return a.at < b.at;
    });
    QVector<QStringList> timeline;
    for (const Event& e : events)
        timeline.append({at(e.at), e.what, e.who});
    doc.addSection(u"Timeline"_s).blocks.append(table({u"Time"_s, u"Event"_s, u"Who"_s}, timeline));

    auto& cause = doc.addSection(u"Root cause and evidence"_s);
    if (record.resolution && !record.resolution->rootCause.isEmpty())
        cause.blocks.append(
            paragraph(u"Confirmed by %1: %2."_s.arg(record.resolution->user, record.resolution->rootCause)));
    if (inc.rootCauses.isEmpty()) {
        cause.blocks.append(paragraph(u"The diagnosis proposed no candidate."_s));
    } else {
        QVector<QStringList> ranked;
        for (qsizetype i = 0; i < inc.rootCauses.size() && i < 5; ++i) {
            const RootCauseCandidate& c = inc.rootCauses.at(i);
            ranked.append({QString::number(i + 1), c.service, ReportFormat::percent(c.confidence),
                           c.hasOwnAlert ? u"yes"_s : u"no (silent)"_s});
        }
        cause.blocks.append(table({u"Rank"_s, u"Candidate"_s, u"Confidence"_s, u"Own alert"_s}, ranked));
        const RootCauseCandidate& top = inc.rootCauses.front();
        cause.blocks.append(paragraph(u"Evidence for %1:"_s.arg(top.service)));
        cause.blocks.append(bullets(top.evidence.isEmpty() ? QStringList{u"(none recorded)"_s} : top.evidence));
        if (record.resolution && record.resolution->suggestionRight)
            cause.blocks.append(paragraph(*record.resolution->suggestionRight
                                              ? u"The engineer marked the top candidate right."_s
                                              : u"The engineer marked the top candidate wrong."_s));
    }

    auto& actions = doc.addSection(u"Actions taken"_s);
    if (const auto& r = record.resolution) {
        QString fixed =
            r->fixedByRunbookStep()
                ? u"Fixed by runbook %1%2."_s.arg(r->fixedByRunbook,
                                                  r->fixedByStep.isEmpty() ? QString() : u" step "_s + r->fixedByStep)
            : r->fixedByText.isEmpty() ? u"What fixed it was not recorded."_s
                                       : u"Fixed by: %1"_s.arg(r->fixedByText);
        actions.blocks.append(paragraph(fixed));
    }
    if (record.runbookRuns.isEmpty()) {
        actions.blocks.append(paragraph(u"No runbook step was run from the console."_s));
    } else {
        QVector<QStringList> runs;
        for (const RunbookRun& r : record.runbookRuns)
            runs.append(
                {at(r.at), r.runbookId + (r.step.isEmpty() ? QString() : u" / "_s + r.step), r.argv.join(u' '),
                 r.approval.isEmpty() ? u"—"_s
                                      : r.approval + (r.approvedAt.isValid() ? u" "_s + at(r.approvedAt) : QString()),
                 r.exitCode ? QString::number(*r.exitCode) : u"—"_s, outcomeName(r.outcome),
                 r.verify == RunbookRun::Verify::None ? u"—"_s : verifyName(r.verify),
                 r.rolledBack
                     ? u"yes (exit %1)"_s.arg(r.rollbackExitCode ? QString::number(*r.rollbackExitCode) : u"—"_s)
                     : u"no"_s,
                 r.user});
        actions.blocks.append(table({u"Time"_s, u"Runbook / step"_s, u"Command"_s, u"Approval"_s, u"Exit"_s,
                                     u"Outcome"_s, u"Verify"_s, u"Rolled back"_s, u"By"_s},
                                    runs));
    }

    auto& impact = doc.addSection(u"Impact"_s);
    impact.blocks.append(bullets({
        u"Services affected: %1"_s.arg(inc.affectedServices.isEmpty() ? u"(none)"_s
                                                                      : inc.affectedServices.join(u", "_s)),
        u"Duration: %1 (%2 to %3)"_s.arg(ReportFormat::duration(double(durationSecs)), at(inc.firstAlertAt), at(end)),
        u"Notifications: %1 for %2 alerts"_s.arg(notifications).arg(inc.alerts.size()),
    }));

    doc.addSection(u"Follow-ups"_s).blocks.append(checklist(followUps(record)));
    return doc;
}

} // namespace Postmortem
