#pragma once
// RunbookAudit: writes every step attempt an executor reports (passed, failed, refused) into the Store's
// runbook_runs table, and the attempts callers decide on themselves (a step left unapproved, parameters
// rejected). The Store is used from the thread the audit lives on.

#include "model/runbookrun.h"

#include <QObject>
#include <QString>

class Store;
class StepExecutor;

class RunbookAudit : public QObject
{
    Q_OBJECT
public:
    explicit RunbookAudit(Store* store, QObject* parent = nullptr);

    void watch(StepExecutor* executor); // records each stepFinished
    bool record(const RunbookRun& run);
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void recorded(const RunbookRun& run); // with its row id
    void failed(const QString& error);    // the audit row could not be written

private:
    Store* m_store;
    QString m_lastError;
};
