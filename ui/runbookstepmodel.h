#pragma once
// RunbookStepModel: one row per step of the runbook on screen: what it is, the exact command it would run
// (once its parameters resolve), its state in this session (pending → approved → running → passed / failed
// / rolled back, or skipped) and, from those, which actions the engineer may take on it now.

#include "model/runbook.h"
#include "model/runbookrun.h"
#include "runbook/resolvedrunbook.h"

#include <QAbstractListModel>

#include <optional>

class RunbookStepModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum class State
    {
        Pending,
        Approved,
        Running,
        Passed,
        Failed,
        RolledBack,
        Skipped
    };
    Q_ENUM(State)

    enum Role
    {
        NameRole = Qt::UserRole + 1,
        DescriptionRole,
        SafetyRole,            // int(RunbookStep::Safety)
        SafetyTextRole,        // "READ-ONLY" / "LOW RISK" / "HIGH RISK"
        StateRole,             // int(State)
        StateTextRole,         // "PASSED", ...
        CommandRole,           // display string (shell-quoted); the template with {placeholders} until resolved
        ArgvRole,              // QStringList: exactly what would run; empty until resolved
        ResolvedRole,          // bool
        MessageRole,           // the last attempt in one line ("exit 0 · 1.2 s · verify passed")
        RollbackRole,          // display string of the rollback command; empty when none
        RollbackAutomaticRole, // bool: the rollback runs unasked when the step or its verify fails
        CanApproveRole,        // parameters valid, nothing running, every earlier step passed or skipped
        CanSkipRole,           // the same, for a step not passed
        CanRollbackRole,       // the step failed, has a rollback not yet run, nothing running
        RunningRole,           // bool
    };

    explicit RunbookStepModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setRunbook(const Runbook& runbook); // every step pending
    void clear();
    // nullptr: the parameters do not resolve; steps show their templates and cannot run.
    void setResolved(const ResolvedRunbook* resolved);
    void setBusy(bool busy); // a step (of any runbook) is running: nothing else may start
    void setState(int row, State state, const QString& message = {});
    void setLastRun(int row, const RunbookRun& run);

    QString runbookId() const { return m_runbookId; }
    int rowOf(const QString& step) const;
    State state(int row) const;
    const RunbookStep* step(int row) const;
    const ResolvedStep* resolvedStep(int row) const;
    const RunbookRun* lastRun(int row) const;
    bool canApprove(int row) const;
    bool canSkip(int row) const;
    bool canRollback(int row) const;

    static QString stateText(State state);
    static QString safetyText(RunbookStep::Safety safety);
    // argv for reading or pasting into a POSIX shell: each element quoted when it needs it. Display only:
    // the console itself runs the argv list and never hands a string to a shell.
    static QString displayCommand(const QStringList& argv);
    static QString describeRun(const RunbookRun& run);    // one line for MessageRole
    static QString verifyText(RunbookRun::Verify verify); // "verify passed", in the UI language

private:
    struct Row
    {
        RunbookStep step;
        std::optional<ResolvedStep> resolved;
        State state = State::Pending;
        QString message;
        std::optional<RunbookRun> lastRun;
    };
    bool earlierStepsDone(int row) const;
    void allChanged();

    QString m_runbookId;
    QVector<Row> m_rows;
    bool m_busy = false;
};
