#include "deterministictriage.h"

#include "i18n/coretranslate.h"

using namespace Qt::StringLiterals;

namespace {
constexpr double GuessBelow = 0.4; // below this the top candidate is a lead, not a finding
// Callers are named as "follow from the cause" only at this confidence: below it one of them may be a separate
// cause, and forbidding to restart it would do harm. Between GuessBelow and this, the triage says nothing.
constexpr double ExplainedFrom = 0.8;
}

QString DeterministicTriage::describeFirstStep(const Runbook& runbook)
{
    if (runbook.steps.isEmpty())
        return {};
    const RunbookStep& step = runbook.steps.first();
    const QString what = step.description.isEmpty() ? step.argv.join(u' ') : step.description;
    return tr("%1 (%2), step '%3': %4").arg(runbook.id, runbook.title, step.name, what);
}

TriageResult DeterministicTriage::build(const Incident& incident, const QString& firstRunbookStep)
{
    TriageResult result;
    result.origin = TriageResult::Origin::Deterministic;
    const RootCauseCandidate* top = incident.topCause();
    QString severity = incident.severity.isEmpty() ? tr("Unclassified") : CoreTranslate::severity(incident.severity);
    severity[0] = severity.at(0).toUpper(); // it opens the sentence

    // One count per %n: each is its own phrase, so "1 alert" and "3 services" both read right.
    QString scope = tr("%1 incident: %2 (%3) across %4")
                        .arg(severity,
                             CoreTranslate::plural("DeterministicTriage", QT_TRANSLATE_N_NOOP("DeterministicTriage", "%n alert(s)"),
                                                   int(incident.alerts.size())),
                             CoreTranslate::plural("DeterministicTriage",
                                                   QT_TRANSLATE_N_NOOP("DeterministicTriage", "%n notification(s)"),
                                                   incident.notificationCount),
                             CoreTranslate::plural("DeterministicTriage",
                                                   QT_TRANSLATE_N_NOOP("DeterministicTriage", "%n service(s)"),
                                                   int(incident.affectedServices.size())));
    if (incident.firstAlertAt.isValid())
        scope += tr(" since %1 UTC").arg(incident.firstAlertAt.toUTC().toString(u"HH:mm"_s));
    result.summary << scope + u'.';

    if (!top) {
        result.summary << tr("No root-cause candidate yet.");
        result.summary << tr("The diagnosis needs more alerts or a dependency graph to rank causes.");
        result.immediateAction = firstRunbookStep.isEmpty()
                                     ? tr("Read the earliest alerts in the table: the first to fire is the likeliest cause.")
                                     : tr("Run the proposed runbook: %1").arg(firstRunbookStep);
        result.doNotDo = tr("Do not restart services on a guess: nothing points at a cause yet.");
        return result;
    }

    const int percent = qRound(top->confidence * 100);
    QString cause = tr("Probable root cause: %1 (%2 % confidence)").arg(top->service).arg(percent);
    if (!top->hasOwnAlert)
        cause += tr(", silent: it raised no alert of its own");
    result.summary << cause + u'.';
    if (!top->evidence.isEmpty()) {
        result.summary << tr("Strongest evidence: %1").arg(top->evidence.first());
    } else if (incident.rootCauses.size() > 1) {
        const RootCauseCandidate& next = incident.rootCauses.at(1);
        result.summary << tr("Next candidate: %1 (%2 %).").arg(next.service).arg(qRound(next.confidence * 100));
    } else {
        result.summary << tr("No evidence recorded yet.");
    }

    result.immediateAction =
        !firstRunbookStep.isEmpty()
            ? tr("Run the proposed runbook: %1").arg(firstRunbookStep)
            : tr("Check %1 first (its saturation, errors and recent changes) before touching the services that call it.")
                  .arg(top->service);

    QStringList callers = incident.affectedServices;
    callers.removeAll(top->service);
    if (top->confidence < GuessBelow) {
        result.doNotDo = tr("Do not act on %1 alone: %2 % is a lead, not a finding; confirm it with the evidence first.")
                             .arg(top->service)
                             .arg(percent);
    } else if (!callers.isEmpty() && top->confidence < ExplainedFrom) {
        result.doNotDo.clear(); // not sure enough that their alerts all follow from the cause: forbid nothing
    } else if (!callers.isEmpty()) {
        const QString named = callers.mid(0, 3).join(u", "_s) +
                              (callers.size() > 3 ? tr(" and %1 more").arg(callers.size() - 3) : QString());
        result.doNotDo = tr("Do not restart or roll back %1: their alerts follow from %2 and will return until it recovers.")
                             .arg(named, top->service);
    } else {
        result.doNotDo = tr("Do not silence this incident's alerts before %1 is confirmed fixed.").arg(top->service);
    }
    return result;
}
