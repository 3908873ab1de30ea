#include "stepexecutor.h"

#include "runbook/promqlcondition.h"

#include "store/labeljson.h"

#include <QDir>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

QString describeExit(const ProcessRunner::Result& r)
{
    if (!r.error.isEmpty())
        return r.error;
    const QString exit = r.exitCode ? u"exited with code %1"_s.arg(*r.exitCode) : u"ended without an exit code"_s;
    return r.leftovers.isEmpty() ? exit : exit + u"; "_s + r.leftovers;
}

bool succeeded(const ProcessRunner::Result& r)
{
    return r.exitCode && *r.exitCode == 0;
}

const char* phaseName(StepExecutor::Phase p)
{
    switch (p) {
    case StepExecutor::Phase::Command:
        return "command";
    case StepExecutor::Phase::Verify:
        return "verify";
    case StepExecutor::Phase::Rollback:
        return "rollback";
    }
    return "command";
}

} // namespace

StepExecutor::StepExecutor(QObject* parent) : QObject(parent), m_runner(new ProcessRunner(this))
{
    connect(m_runner, &ProcessRunner::output, this, &StepExecutor::onOutput);
    connect(m_runner, &ProcessRunner::finished, this, &StepExecutor::onPhaseFinished);
}

StepExecutor::~StepExecutor() = default;

void StepExecutor::setPrometheus(PrometheusClient* client)
{
    delete m_condition;
    m_condition = nullptr;
    if (!client)
        return;
    m_condition = new PromqlCondition(client, this);
    connect(m_condition, &PromqlCondition::finished, this, &StepExecutor::onConditionFinished);
}

void StepExecutor::setGracePeriod(int ms)
{
    m_runner->setGracePeriod(ms);
}

bool StepExecutor::run(const QString& runbookId, const ResolvedStep& step, const ApprovalToken& token,
                       qint64 incidentId)
{
    return begin(runbookId, step, token, incidentId, ApprovalToken::Action::Run);
}

bool StepExecutor::runRollback(const QString& runbookId, const ResolvedStep& step, const ApprovalToken& token,
                               qint64 incidentId)
{
    return begin(runbookId, step, token, incidentId, ApprovalToken::Action::Rollback);
}

void StepExecutor::cancel()
{
    if (m_busy && m_phase == Phase::Verify && m_condition && !m_step.verifyPromql.isEmpty()) {
        m_condition->cancel();
        onConditionFinished(false, u"cancelled"_s);
        return;
    }
    m_runner->terminate(u"cancelled; the process group was terminated"_s);
}

bool StepExecutor::begin(const QString& runbookId, const ResolvedStep& step, const ApprovalToken& token,
                         qint64 incidentId, ApprovalToken::Action action)
{
    const bool rollback = action == ApprovalToken::Action::Rollback;
    RunbookRun run;
    run.at = QDateTime::currentDateTimeUtc();
    run.incidentId = incidentId;
    run.runbookId = runbookId;
    run.step = step.name;
    run.kind = rollback ? u"rollback"_s : u"run"_s;
    run.argv = rollback ? step.rollbackArgv : step.argv;
    run.outcome = RunbookRun::Outcome::Refused;

    QString why;
    if (m_busy)
        why = u"step '%1' is still running"_s.arg(m_step.name);
    else if (rollback && step.rollbackArgv.isEmpty())
        why = u"step '%1' has no rollback"_s.arg(step.name);
    else if (!token.covers(runbookId, step, action, &why))
        ; // why says it
    else if (m_spent.contains(token.mac()))
        why = u"the approval of step '%1' was used already; approve it again to run it again"_s.arg(step.name);
    if (!why.isEmpty()) {
        run.error = why;
        Q_EMIT stepFinished(run);
        return false;
    }

    m_spent.insert(token.mac());
    run.approval = token.approval();
    run.approvedAt = token.approvedAt();
    run.outcome = RunbookRun::Outcome::Failed;
    m_run = run;
    m_step = step;
    m_busy = true;
    m_recent.clear();
    m_digest.reset();
    openLog();
    if (rollback)
        startPhase(Phase::Rollback, step.rollbackArgv, step.timeoutMs);
    else
        startPhase(Phase::Command, step.argv, step.timeoutMs);
    return true;
}

void StepExecutor::openLog()
{
    m_log.reset();
    m_run.logFile.clear();
    if (m_logDir.isEmpty())
        return;
    // Runbook ids and step names are restricted to [A-Za-z0-9._-] by the loader: safe in a file name.
    const QString name = u"%1-%2-%3-%4.log"_s.arg(m_run.runbookId, m_run.step, m_run.kind,
                                                  m_run.at.toString(u"yyyyMMdd'T'HHmmss.zzz'Z'"_s));
    auto file = std::make_unique<QFile>(QDir(m_logDir).filePath(name));
    // A step still runs when its log cannot be written: the disk-full runbook is exactly the one that
    // must not be blocked by a full disk. The digest and the audit row still record its output.
    if (!QDir().mkpath(m_logDir) || !file->open(QIODevice::WriteOnly | QIODevice::Append))
        return;
    m_run.logFile = file->fileName();
    m_log = std::move(file);
    m_logHead = 0;
    m_logTail.clear();
    m_logDropped = 0;
    log(u"# nightwatch runbook %1, step %2 (%3), approved %4 at %5\n"_s
            .arg(m_run.runbookId, m_run.step, m_run.kind, m_run.approval, m_run.approvedAt.toString(Qt::ISODateWithMs))
            .toUtf8());
}

void StepExecutor::logOutput(QByteArray chunk)
{
    if (!m_log)
        return;
    // A step printing without end must not fill the disk it may be cleaning: the start says what it
    // did first, the tail how it ended; what lies between is counted, and still in the output digest.
    const qsizetype half = std::max<qsizetype>(m_logLimit / 2, 1);
    if (m_logHead < half) {
        const QByteArray head = chunk.left(half - m_logHead);
        m_log->write(head);
        m_log->flush();
        m_logHead += head.size();
        chunk.remove(0, head.size());
    }
    if (chunk.isEmpty())
        return;
    m_logTail += chunk;
    if (m_logTail.size() > half) {
        m_logDropped += m_logTail.size() - half;
        m_logTail.remove(0, m_logTail.size() - half);
    }
}

void StepExecutor::flushLogTail()
{
    if (!m_log)
        return;
    if (m_logDropped > 0)
        m_log->write(QByteArray("\n# output truncated: ") + QByteArray::number(m_logDropped) +
                     " bytes left out here; the log keeps the first and the last " +
                     QByteArray::number(std::max<qsizetype>(m_logLimit / 2, 1) / 1024) +
                     " KiB (the output digest covers all of it)\n");
    m_log->write(m_logTail);
    m_logTail.clear();
    m_logDropped = 0;
}

void StepExecutor::log(const QByteArray& bytes)
{
    flushLogTail();
    if (m_log) {
        m_log->write(bytes);
        m_log->flush(); // a crash of the console must not lose what the step printed
    }
}

void StepExecutor::startPhase(Phase phase, const QStringList& argv, int timeoutMs)
{
    m_phase = phase;
    log("# " + QByteArray(phaseName(phase)) + ": " + LabelJson::encode(argv).toUtf8() + '\n');
    Q_EMIT phaseStarted(m_step.name, phase, argv);
    m_runner->start(argv, m_step.env, timeoutMs); // failing to start reports through finished as well
}

void StepExecutor::onOutput(const QByteArray& chunk, bool fromStderr)
{
    if (m_phase == Phase::Command || m_run.kind == u"rollback")
        m_digest.addData(chunk);
    logOutput(chunk);
    m_recent += chunk;
    if (m_recent.size() > m_outputLimit)
        m_recent.remove(0, m_recent.size() - m_outputLimit);
    Q_EMIT outputReceived(m_step.name, chunk, fromStderr);
}

void StepExecutor::recordCommand(const ProcessRunner::Result& result)
{
    m_run.exitCode = result.exitCode;
    m_run.durationMs = result.durationMs;
    m_run.outputDigest = QString::fromLatin1(m_digest.result().toHex());
    m_run.outcome = succeeded(result) ? RunbookRun::Outcome::Passed
                    : !result.started ? RunbookRun::Outcome::FailedToStart
                    : result.timedOut ? RunbookRun::Outcome::TimedOut
                                      : RunbookRun::Outcome::Failed;
    if (!succeeded(result))
        m_run.error = describeExit(result);
    else if (!result.leftovers.isEmpty()) // the audit says so: a passed step that left processes behind
        m_run.error = result.leftovers;
}

void StepExecutor::onPhaseFinished(const ProcessRunner::Result& result)
{
    if (!m_busy)
        return;
    log("# " + QByteArray(phaseName(m_phase)) + ": " + describeExit(result).toUtf8() + '\n');

    if (m_run.kind == u"rollback") { // a rollback run on its own approval: it is the command
        recordCommand(result);
        m_run.rolledBack = succeeded(result);
        finish();
        return;
    }
    switch (m_phase) {
    case Phase::Command:
        recordCommand(result);
        if (!succeeded(result)) {
            if (!m_step.verifyArgv.isEmpty() || !m_step.verifyPromql.isEmpty())
                m_run.verify = RunbookRun::Verify::Skipped;
            afterFailure();
        } else if (!m_step.verifyArgv.isEmpty()) {
            startPhase(Phase::Verify, m_step.verifyArgv, m_step.verifyTimeoutMs);
        } else if (!m_step.verifyPromql.isEmpty() && m_condition) {
            m_phase = Phase::Verify;
            log("# verify: PromQL " + m_step.verifyPromql.toUtf8() + '\n');
            Q_EMIT phaseStarted(m_step.name, Phase::Verify, {m_step.verifyPromql});
            m_condition->start(m_step.verifyPromql, m_step.verifyTimeoutMs);
        } else {
            if (!m_step.verifyPromql.isEmpty())
                m_run.verify = RunbookRun::Verify::Unsupported; // no Prometheus configured to ask
            finish();
        }
        return;
    case Phase::Verify:
        m_run.verify = succeeded(result) ? RunbookRun::Verify::Passed : RunbookRun::Verify::Failed;
        if (succeeded(result)) {
            finish();
            return;
        }
        m_run.outcome = RunbookRun::Outcome::Failed;
        m_run.error = u"verify failed: "_s + describeExit(result);
        afterFailure();
        return;
    case Phase::Rollback:
        m_run.rollbackExitCode = result.exitCode;
        m_run.rolledBack = succeeded(result);
        if (!m_run.rolledBack)
            m_run.error += u"; rollback failed: "_s + describeExit(result);
        finish();
        return;
    }
}

void StepExecutor::onConditionFinished(bool held, const QString& detail)
{
    if (!m_busy || m_phase != Phase::Verify)
        return;
    log("# verify: " + QByteArray(held ? "held" : "did not hold") + ": " + detail.toUtf8() + '\n');
    m_run.verify = held ? RunbookRun::Verify::Passed : RunbookRun::Verify::Failed;
    if (held) {
        finish();
        return;
    }
    m_run.outcome = RunbookRun::Outcome::Failed;
    m_run.error = u"verify failed: "_s + detail;
    afterFailure();
}

void StepExecutor::afterFailure()
{
    // The runbook decided in advance that this rollback is safe to run unasked; otherwise a human is
    // offered it (runRollback with a fresh approval).
    if (m_step.rollbackAutomatic && !m_step.rollbackArgv.isEmpty()) {
        startPhase(Phase::Rollback, m_step.rollbackArgv, m_step.timeoutMs);
        return;
    }
    finish();
}

void StepExecutor::finish()
{
    log("# outcome: " + outcomeName(m_run.outcome).toUtf8() + '\n');
    m_log.reset();
    m_busy = false;
    const RunbookRun run = m_run;
    Q_EMIT stepFinished(run);
}
