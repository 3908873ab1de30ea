#pragma once
// StepExecutor: runs one approved runbook step: its command, then its verify, then (when the step or its
// verify failed and the runbook says `rollback: automatic`) its rollback, and reports the whole attempt
// as one RunbookRun. A step whose approval token does not cover it exactly is refused before any
// process exists; each token is spent once. Output is streamed as signals, kept in a bounded buffer for
// a live view and written to a log file bounded like the buffer: the first and the last half of
// setLogLimit() bytes, with a line saying how much was left out between them.

#include "model/runbookrun.h"
#include "runbook/approvaltoken.h"
#include "runbook/processrunner.h"
#include "runbook/resolvedrunbook.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QFile>
#include <QObject>
#include <QSet>
#include <QString>

#include <memory>

class PrometheusClient;
class PromqlCondition;

class StepExecutor : public QObject
{
    Q_OBJECT
public:
    enum class Phase
    {
        Command,
        Verify,
        Rollback
    };
    Q_ENUM(Phase)

    explicit StepExecutor(QObject* parent = nullptr);
    ~StepExecutor() override;

    void setLogDirectory(const QString& dir) { m_logDir = dir; }    // empty: no log file
    void setGracePeriod(int ms);                                    // SIGTERM → SIGKILL (5 s)
    void setOutputLimit(qsizetype bytes) { m_outputLimit = bytes; } // recentOutput() keeps this many (256 KiB)
    void setLogLimit(qsizetype bytes) { m_logLimit = bytes; }       // output kept per log file (8 MiB)
    // Where PromQL verify conditions are evaluated; without one they are recorded as not supported.
    void setPrometheus(PrometheusClient* client);

    // Starts the step; false when refused (no or wrong token, token spent, another step running), in
    // which case stepFinished has already been emitted with Outcome::Refused.
    bool run(const QString& runbookId, const ResolvedStep& step, const ApprovalToken& token, qint64 incidentId = 0);
    // The step's rollback on its own, after a human approved it (token minted with Action::Rollback).
    bool runRollback(const QString& runbookId, const ResolvedStep& step, const ApprovalToken& token,
                     qint64 incidentId = 0);
    void cancel(); // terminates the running phase's process group as a timeout would

    bool isBusy() const { return m_busy; }
    QByteArray recentOutput() const { return m_recent; }

Q_SIGNALS:
    void phaseStarted(const QString& step, StepExecutor::Phase phase, const QStringList& argv);
    void outputReceived(const QString& step, const QByteArray& chunk, bool fromStderr);
    void stepFinished(const RunbookRun& run);

private:
    bool begin(const QString& runbookId, const ResolvedStep& step, const ApprovalToken& token, qint64 incidentId,
               ApprovalToken::Action action);
    void startPhase(Phase phase, const QStringList& argv, int timeoutMs);
    void onOutput(const QByteArray& chunk, bool fromStderr);
    void onPhaseFinished(const ProcessRunner::Result& result);
    void recordCommand(const ProcessRunner::Result& result);
    void afterFailure();
    void finish();
    void openLog();
    void log(const QByteArray& bytes);
    void logOutput(QByteArray chunk);
    void flushLogTail();

    void onConditionFinished(bool held, const QString& detail);

    ProcessRunner* m_runner;
    PromqlCondition* m_condition = nullptr;
    bool m_busy = false;
    Phase m_phase = Phase::Command;
    ResolvedStep m_step;
    RunbookRun m_run;
    QSet<QByteArray> m_spent; // MACs of tokens already used: an approval runs its step once
    QCryptographicHash m_digest{QCryptographicHash::Sha256};
    std::unique_ptr<QFile> m_log;
    QString m_logDir;
    QByteArray m_recent;
    qsizetype m_outputLimit = 256 * 1024;
    qsizetype m_logLimit = 8 * 1024 * 1024;
    qsizetype m_logHead = 0;   // output bytes written at the start of the log
    QByteArray m_logTail;      // the latest output once the head is full, written when a phase ends
    qint64 m_logDropped = 0;   // output bytes between head and tail that the log does not keep
};
