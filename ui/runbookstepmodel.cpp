#include "runbookstepmodel.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

RunbookStepModel::RunbookStepModel(QObject* parent) : QAbstractListModel(parent) {}

int RunbookStepModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant RunbookStepModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return tr("%1. %2 — %3").arg(index.row() + 1).arg(r.step.name, stateText(r.state));
    case Qt::ToolTipRole:
        return r.message.isEmpty() ? r.step.description : r.message;
    case NameRole:
        return r.step.name;
    case DescriptionRole:
        return r.step.description;
    case SafetyRole:
        return int(r.step.safety);
    case SafetyTextRole:
        return safetyText(r.step.safety);
    case StateRole:
        return int(r.state);
    case StateTextRole:
        return stateText(r.state);
    case CommandRole:
        return displayCommand(r.resolved ? r.resolved->argv : r.step.argv);
    case ArgvRole:
        return r.resolved ? r.resolved->argv : QStringList();
    case ResolvedRole:
        return r.resolved.has_value();
    case MessageRole:
        return r.message;
    case RollbackRole:
        return displayCommand(r.resolved ? r.resolved->rollbackArgv : r.step.rollback);
    case RollbackAutomaticRole:
        return r.step.rollbackAutomatic;
    case CanApproveRole:
        return canApprove(index.row());
    case CanSkipRole:
        return canSkip(index.row());
    case CanRollbackRole:
        return canRollback(index.row());
    case RunningRole:
        return r.state == State::Running || r.state == State::Approved;
    default:
        return {};
    }
}

QHash<int, QByteArray> RunbookStepModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({{NameRole, "name"},
                  {DescriptionRole, "description"},
                  {SafetyRole, "safety"},
                  {SafetyTextRole, "safetyText"},
                  {StateRole, "state"},
                  {StateTextRole, "stateText"},
                  {CommandRole, "command"},
                  {ArgvRole, "argv"},
                  {ResolvedRole, "resolved"},
                  {MessageRole, "message"},
                  {RollbackRole, "rollback"},
                  {RollbackAutomaticRole, "rollbackAutomatic"},
                  {CanApproveRole, "canApprove"},
                  {CanSkipRole, "canSkip"},
                  {CanRollbackRole, "canRollback"},
                  {RunningRole, "running"}});
    return names;
}

void RunbookStepModel::setRunbook(const Runbook& runbook)
{
    beginResetModel();
    m_runbookId = runbook.id;
    m_rows.clear();
    for (const RunbookStep& s : runbook.steps)
        m_rows.append(Row{s, std::nullopt, State::Pending, {}, std::nullopt});
    endResetModel();
}

void RunbookStepModel::clear()
{
    beginResetModel();
    m_runbookId.clear();
    m_rows.clear();
    endResetModel();
}

void RunbookStepModel::setResolved(const ResolvedRunbook* resolved)
{
    for (Row& r : m_rows) {
        const ResolvedStep* s = resolved && resolved->id == m_runbookId ? resolved->step(r.step.name) : nullptr;
        r.resolved = s ? std::optional<ResolvedStep>(*s) : std::nullopt;
    }
    allChanged();
}

void RunbookStepModel::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    allChanged();
}

void RunbookStepModel::setState(int row, State state, const QString& message)
{
    if (row < 0 || row >= m_rows.size())
        return;
    m_rows[row].state = state;
    m_rows[row].message = message;
    allChanged(); // later steps' actions depend on this one
}

void RunbookStepModel::setLastRun(int row, const RunbookRun& run)
{
    if (row >= 0 && row < m_rows.size())
        m_rows[row].lastRun = run;
}

int RunbookStepModel::rowOf(const QString& step) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).step.name == step)
            return i;
    return -1;
}

RunbookStepModel::State RunbookStepModel::state(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).state : State::Pending;
}

const RunbookStep* RunbookStepModel::step(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row).step : nullptr;
}

const ResolvedStep* RunbookStepModel::resolvedStep(int row) const
{
    return row >= 0 && row < m_rows.size() && m_rows.at(row).resolved ? &*m_rows.at(row).resolved : nullptr;
}

const RunbookRun* RunbookStepModel::lastRun(int row) const
{
    return row >= 0 && row < m_rows.size() && m_rows.at(row).lastRun ? &*m_rows.at(row).lastRun : nullptr;
}

bool RunbookStepModel::earlierStepsDone(int row) const
{
    for (int i = 0; i < row; ++i)
        if (m_rows.at(i).state != State::Passed && m_rows.at(i).state != State::Skipped)
            return false;
    return true;
}

// "Approve next step", never "run all": a step becomes runnable only once every step before it passed
// or was skipped on purpose, and only one step runs at a time.
bool RunbookStepModel::canApprove(int row) const
{
    return row >= 0 && row < m_rows.size() && !m_busy && m_rows.at(row).resolved && earlierStepsDone(row);
}

bool RunbookStepModel::canSkip(int row) const
{
    return row >= 0 && row < m_rows.size() && !m_busy && earlierStepsDone(row) &&
           m_rows.at(row).state != State::Passed && m_rows.at(row).state != State::Skipped;
}

bool RunbookStepModel::canRollback(int row) const
{
    if (row < 0 || row >= m_rows.size() || m_busy)
        return false;
    const Row& r = m_rows.at(row);
    return r.state == State::Failed && r.resolved && !r.resolved->rollbackArgv.isEmpty() && r.lastRun &&
           r.lastRun->kind == u"run" && !r.lastRun->rolledBack && r.lastRun->outcome != RunbookRun::Outcome::Refused;
}

QString RunbookStepModel::stateText(State state)
{
    switch (state) {
    case State::Pending:
        return tr("PENDING");
    case State::Approved:
        return tr("APPROVED");
    case State::Running:
        return tr("RUNNING");
    case State::Passed:
        return tr("PASSED");
    case State::Failed:
        return tr("FAILED");
    case State::RolledBack:
        return tr("ROLLED BACK");
    case State::Skipped:
        return tr("SKIPPED");
    }
    return {};
}

QString RunbookStepModel::safetyText(RunbookStep::Safety safety)
{
    switch (safety) {
    case RunbookStep::Safety::ReadOnly:
        return tr("READ-ONLY");
    case RunbookStep::Safety::Low:
        return tr("LOW RISK");
    case RunbookStep::Safety::High:
        return tr("HIGH RISK");
    }
    return tr("HIGH RISK");
}

QString RunbookStepModel::displayCommand(const QStringList& argv)
{
    static const QRegularExpression plain(u"^[A-Za-z0-9_@%+=:,./-]+$"_s);
    QStringList quoted;
    quoted.reserve(argv.size());
    for (const QString& element : argv) {
        if (plain.match(element).hasMatch())
            quoted << element;
        else // inside single quotes nothing is special but the quote itself: close, escaped quote, reopen
            quoted << u"'"_s + QString(element).replace(u"'"_s, u"'\\''"_s) + u"'"_s;
    }
    return quoted.join(u' ');
}

// core's verifyName() is the stored word; this is the engineer's.
QString RunbookStepModel::verifyText(RunbookRun::Verify verify)
{
    switch (verify) {
    case RunbookRun::Verify::None:
        break;
    case RunbookRun::Verify::Passed:
        return tr("verify passed");
    case RunbookRun::Verify::Failed:
        return tr("verify failed");
    case RunbookRun::Verify::Unsupported:
        return tr("verify not evaluated (no Prometheus)");
    case RunbookRun::Verify::Skipped:
        return tr("verify skipped");
    }
    return QString();
}

QString RunbookStepModel::describeRun(const RunbookRun& run)
{
    QStringList parts;
    if (run.kind == u"rollback")
        parts << tr("rollback");
    if (run.exitCode)
        parts << tr("exit %1").arg(*run.exitCode);
    if (run.outcome != RunbookRun::Outcome::Refused)
        parts << tr("%1 s").arg(double(run.durationMs) / 1000.0, 0, 'f', 1);
    if (run.verify != RunbookRun::Verify::None && !run.error.startsWith(u"verify"))
        parts << verifyText(run.verify);
    if (run.rolledBack && run.kind == u"run")
        parts << tr("rolled back automatically");
    if (!run.error.isEmpty())
        parts << run.error;
    return parts.join(u" · "_s);
}

void RunbookStepModel::allChanged()
{
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1));
}
