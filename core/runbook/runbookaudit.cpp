#include "runbookaudit.h"

#include "runbook/stepexecutor.h"
#include "store/store.h"

RunbookAudit::RunbookAudit(Store* store, QObject* parent) : QObject(parent), m_store(store) {}

void RunbookAudit::watch(StepExecutor* executor)
{
    connect(executor, &StepExecutor::stepFinished, this, &RunbookAudit::record);
}

bool RunbookAudit::record(const RunbookRun& run)
{
    RunbookRun stored = run;
    stored.id = m_store->recordRunbookRun(run, &m_lastError);
    if (stored.id == 0) {
        Q_EMIT failed(m_lastError);
        return false;
    }
    stored.user = Store::currentUser();
    m_lastError.clear();
    Q_EMIT recorded(stored);
    return true;
}
