#pragma once
// ProcessRunner: runs one argv (never through a shell) in a clean environment and its own process group,
// with a deadline: at the timeout the whole group gets SIGTERM, and SIGKILL after a grace period. When
// the program exits, whatever it left running in its group is killed too, so nothing a step started
// outlives the step's audit record; so are the processes that left the group (setsid, setpgid), found
// by ProcessTree. The result says what was killed and what, if anything, survived. One run at a time.

#include <QByteArray>
#include <QMap>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTimer>

#include "runbook/processtree.h"

#include <optional>

class ProcessRunner : public QObject
{
    Q_OBJECT
public:
    struct Result
    {
        std::optional<int> exitCode; // none when it did not start, timed out or died from a signal
        bool started = false;
        bool timedOut = false;
        qint64 durationMs = 0;
        QString error; // why it failed to start, timed out or was killed; empty on a normal exit
        // On a normal exit: the processes the step left behind outside its group that were killed (or
        // could not be); otherwise that sentence is part of error. Empty when there were none.
        QString leftovers;
    };

    explicit ProcessRunner(QObject* parent = nullptr);
    ~ProcessRunner() override;

    void setGracePeriod(int ms) { m_graceMs = ms; }

    // env is the complete environment of the child (nothing is inherited); argv[0] is looked up on
    // env's PATH unless it contains a '/'. Returns false (and emits finished) when it cannot start.
    bool start(const QStringList& argv, const QMap<QString, QString>& env, int timeoutMs);
    bool isRunning() const { return m_running; }
    qint64 processGroup() const { return m_pid; }
    // Ends the run early the way a timeout does (SIGTERM to the group, SIGKILL after the grace period).
    void terminate(const QString& reason);

    // Where argv[0] would be found on path; empty when nowhere.
    static QString findProgram(const QString& program, const QString& path);

Q_SIGNALS:
    void started(qint64 pid);
    void output(const QByteArray& chunk, bool fromStderr);
    void finished(const ProcessRunner::Result& result);

private:
    void read(QProcess::ProcessChannel channel);
    void stop(const QString& reason, bool timedOut);
    void signalGroup(int signal);
    void processEnded();
    void complete();
    void signalEscaped(int signal);

    QProcess* m_process = nullptr;
    QTimer m_deadline;
    QTimer m_grace;
    QTimer m_scan; // remembers the step's descendants while their parents still link them to it
    ProcessTree m_tree;
    int m_escaped = 0; // processes outside the group that a signal reached
    qint64 m_pid = 0;
    bool m_running = false;
    bool m_waitingForGroup = false; // the leader is gone, its group has until the grace period ends
    int m_graceMs = 5000;
    qint64 m_startedAtMs = 0;
    Result m_result;
};
