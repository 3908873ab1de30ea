#pragma once
// DeterministicTriage: the triage built from the diagnosis alone — top cause and its confidence, the
// strongest evidence, the first step of the first proposed runbook when there is one, and what not to touch
// (the callers whose alerts follow from the cause). Instant, offline, the same input gives the same words;
// it is what the console shows until (and unless) an LLM answers.

#include "model/incident.h"
#include "model/runbook.h"
#include "triage/triageresult.h"

#include <QCoreApplication>

class DeterministicTriage
{
    Q_DECLARE_TR_FUNCTIONS(DeterministicTriage)

public:
    static TriageResult build(const Incident& incident, const QString& firstRunbookStep = {});
    // "RB-DB-001 (Postgres connection pool), step 'inspect-pool': Show the pool's connections"; empty
    // when the runbook has no step.
    static QString describeFirstStep(const Runbook& runbook);
};
