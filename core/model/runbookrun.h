#pragma once
// RunbookRun: the audit record of one runbook step execution (or of its refusal): what ran, with which
// approval, how it ended, what its verify said and whether it was rolled back. The executor fills one
// per attempt; the Store keeps it in runbook_runs.

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

struct RunbookRun
{
    enum class Outcome
    {
        Passed,        // exit 0 and verify passed (or none, or not supported)
        Failed,        // non-zero exit, killed, or verify failed
        TimedOut,      // the process group was terminated at the step's timeout
        FailedToStart, // program not found / not executable
        Refused,       // no valid approval token: nothing was started
        NotApproved,   // the run stopped here because nobody approved this step
        Rejected       // a parameter failed validation: no step was resolved
    };
    enum class Verify
    {
        None,
        Passed,
        Failed,
        Unsupported,
        Skipped
    };

    qint64 id = 0;
    QDateTime at;          // when it started (or was refused), UTC
    QString user;          // OS user; the Store fills it
    qint64 incidentId = 0; // 0: not tied to an incident (stored as NULL)
    QString runbookId;
    QString step;
    QString kind = QStringLiteral("run"); // "run" | "rollback" (a rollback run on its own approval)
    QStringList argv;                     // resolved, exactly as executed (or as it would have been)
    QString approval;                     // "approved", "not required (read-only)", or empty
    QDateTime approvedAt;
    std::optional<int> exitCode; // none when it never started, timed out or was killed
    Outcome outcome = Outcome::Failed;
    qint64 durationMs = 0;
    QString outputDigest; // SHA-256 (hex) of the command's stdout and stderr bytes in arrival order
    Verify verify = Verify::None;
    bool rolledBack = false;
    std::optional<int> rollbackExitCode;
    QString logFile;
    QString error; // why it failed, was refused or rejected; empty when passed

    bool succeeded() const { return outcome == Outcome::Passed; }
};

inline QString outcomeName(RunbookRun::Outcome o)
{
    switch (o) {
    case RunbookRun::Outcome::Passed:
        return QStringLiteral("passed");
    case RunbookRun::Outcome::Failed:
        return QStringLiteral("failed");
    case RunbookRun::Outcome::TimedOut:
        return QStringLiteral("timed-out");
    case RunbookRun::Outcome::FailedToStart:
        return QStringLiteral("failed-to-start");
    case RunbookRun::Outcome::Refused:
        return QStringLiteral("refused");
    case RunbookRun::Outcome::NotApproved:
        return QStringLiteral("not-approved");
    case RunbookRun::Outcome::Rejected:
        return QStringLiteral("rejected");
    }
    return QStringLiteral("failed");
}

inline QString verifyName(RunbookRun::Verify v)
{
    switch (v) {
    case RunbookRun::Verify::None:
        return QString();
    case RunbookRun::Verify::Passed:
        return QStringLiteral("passed");
    case RunbookRun::Verify::Failed:
        return QStringLiteral("failed");
    case RunbookRun::Verify::Unsupported:
        return QStringLiteral("not evaluated (no Prometheus)");
    case RunbookRun::Verify::Skipped:
        return QStringLiteral("skipped");
    }
    return QString();
}

Q_DECLARE_METATYPE(RunbookRun)
