#include "processrunner.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QThread>

#include <algorithm>
#include <csignal>
#include <sys/types.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

ProcessRunner::ProcessRunner(QObject* parent) : QObject(parent)
{
    m_deadline.setSingleShot(true);
    m_grace.setSingleShot(true);
    // Orphans of a step are re-parented to us rather than init: still ours to find, kill and reap.
    ProcessTree::becomeSubreaper();
    connect(&m_scan, &QTimer::timeout, this, [this] { m_tree.remember(pid_t(m_pid)); });
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        stop(u"timed out after %1 s; the process group was terminated"_s.arg(m_deadline.interval() / 1000.0), true);
    });
    connect(&m_grace, &QTimer::timeout, this, [this] {
        signalGroup(SIGKILL);
        signalEscaped(SIGKILL);
        if (m_waitingForGroup)
            complete();
    });
}

ProcessRunner::~ProcessRunner()
{
    if (m_running) {
        // Destroyed mid-run (the application quits): the group must not outlive us.
        signalGroup(SIGKILL);
        m_tree.signalAll(pid_t(m_pid), SIGKILL);
        if (m_process) {
            m_process->disconnect(this);
            m_process->waitForFinished(m_graceMs);
        }
    }
}

QString ProcessRunner::findProgram(const QString& program, const QString& path)
{
    if (program.contains(u'/')) {
        const QFileInfo info(program);
        return info.isFile() && info.isExecutable() ? info.absoluteFilePath() : QString();
    }
    return QStandardPaths::findExecutable(program, path.split(QDir::listSeparator(), Qt::SkipEmptyParts));
}

bool ProcessRunner::start(const QStringList& argv, const QMap<QString, QString>& env, int timeoutMs)
{
    Q_ASSERT(!m_running);
    m_result = Result{};
    m_pid = 0;
    m_waitingForGroup = false;
    m_startedAtMs = QDateTime::currentMSecsSinceEpoch();
    // Looked up on the child's PATH, not ours: the clean environment decides what runs.
    const QString path = env.value(u"PATH"_s);
    const QString program = argv.isEmpty() ? QString() : findProgram(argv.constFirst(), path);
    if (program.isEmpty()) {
        m_result.error = argv.isEmpty() ? u"no program given"_s
                                        : u"%1: not found or not executable on PATH %2"_s.arg(argv.constFirst(), path);
        Q_EMIT finished(m_result);
        return false;
    }

    QProcessEnvironment clean;
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        clean.insert(it.key(), it.value());
    // Inherited by whatever the step starts, even what leaves its process group: how ProcessTree knows
    // a re-parented process belongs to this run.
    const QString marker = QString::number(QRandomGenerator::system()->generate64(), 16);
    clean.insert(u"NIGHTWATCH_STEP_RUN"_s, marker);
    m_escaped = 0;

    m_running = true;
    m_process = new QProcess(this);
    m_process->setProgram(program);
    m_process->setArguments(argv.mid(1));
    m_process->setProcessEnvironment(clean);
    m_process->setStandardInputFile(QProcess::nullDevice()); // a prompt must fail, not hang until the timeout
    // Runs in the child between fork and exec: a group of its own, so a timeout reaches every process
    // the step forked, and the console's own group never gets the signal.
    m_process->setChildProcessModifier([] { ::setpgid(0, 0); });
    connect(m_process, &QProcess::readyReadStandardOutput, this, [this] { read(QProcess::StandardOutput); });
    connect(m_process, &QProcess::readyReadStandardError, this, [this] { read(QProcess::StandardError); });
    connect(m_process, &QProcess::finished, this, &ProcessRunner::processEnded);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart)
            return;
        m_result.started = false;
        m_result.error = u"%1: cannot start: %2"_s.arg(m_process->program(), m_process->errorString());
        processEnded();
    });
    m_process->start(QIODevice::ReadOnly);
    if (!m_running)
        return false; // FailedToStart was reported from inside start()
    m_pid = m_process->processId();
    m_result.started = m_pid > 0;
    m_tree = ProcessTree("NIGHTWATCH_STEP_RUN=" + marker.toLatin1(), pid_t(m_pid));
    if (timeoutMs > 0)
        m_deadline.start(timeoutMs);
    m_scan.start(250);
    Q_EMIT started(m_pid);
    return true;
}

void ProcessRunner::read(QProcess::ProcessChannel channel)
{
    if (!m_process)
        return;
    m_process->setReadChannel(channel);
    const QByteArray chunk = m_process->readAll();
    if (!chunk.isEmpty())
        Q_EMIT output(chunk, channel == QProcess::StandardError);
}

void ProcessRunner::signalGroup(int signal)
{
    // The child made itself leader of group m_pid; a negative pid signals every process in it.
    if (m_pid > 0)
        ::kill(-pid_t(m_pid), signal);
}

void ProcessRunner::signalEscaped(int signal)
{
    m_escaped = std::max(m_escaped, m_tree.signalAll(pid_t(m_pid), signal));
}

void ProcessRunner::terminate(const QString& reason)
{
    stop(reason, false);
}

void ProcessRunner::stop(const QString& reason, bool timedOut)
{
    if (!m_running || m_grace.isActive())
        return;
    m_result.timedOut = timedOut;
    m_result.error = reason;
    signalGroup(SIGTERM);
    signalEscaped(SIGTERM);
    m_grace.start(m_graceMs);
}

void ProcessRunner::processEnded()
{
    if (!m_process)
        return;
    m_deadline.stop();
    read(QProcess::StandardOutput);
    read(QProcess::StandardError);
    if (m_result.started && m_result.error.isEmpty()) {
        if (m_process->exitStatus() == QProcess::NormalExit)
            m_result.exitCode = m_process->exitCode();
        else
            m_result.error = u"killed by a signal"_s;
    }
    m_process->disconnect(this);
    m_process->deleteLater();
    m_process = nullptr;
    // Being terminated, the rest of the group keeps its grace period to clean up (the leader may be a
    // wrapper around the real work); otherwise leftovers end with the step.
    if (m_grace.isActive() && m_pid > 0 && (::kill(-pid_t(m_pid), 0) == 0 || !m_tree.alive(0).isEmpty())) {
        m_waitingForGroup = true;
        return;
    }
    complete();
}

void ProcessRunner::complete()
{
    signalGroup(SIGKILL); // whatever the step left running in its group ends with it
    m_scan.stop();
    // The leader is gone and reaped: its pid (free for reuse) is not asked about again, only what was
    // remembered and what carries the marker.
    m_escaped = std::max(m_escaped, m_tree.signalAll(0, SIGKILL));
    // SIGKILL takes effect within milliseconds; the dead that were re-parented to us are reaped here.
    QList<pid_t> survivors = m_tree.alive(0);
    for (int i = 0; i < 50 && (m_tree.reap() || !survivors.isEmpty()); ++i) {
        QThread::msleep(10);
        survivors = m_tree.alive(0);
    }
    QStringList sentences;
    if (m_escaped > 0)
        sentences << u"%1 process(es) it started outside its process group (setsid/setpgid) were killed"_s.arg(
            m_escaped);
    if (!survivors.isEmpty()) {
        QStringList pids;
        for (const pid_t pid : std::as_const(survivors))
            pids << QString::number(pid);
        sentences << u"%1 process(es) it started could not be killed: pid %2"_s.arg(survivors.size()).arg(
            pids.join(u", "_s));
    }
    if (!sentences.isEmpty()) {
        if (m_result.error.isEmpty())
            m_result.leftovers = sentences.join(u"; "_s);
        else
            m_result.error += u"; "_s + sentences.join(u"; "_s);
    }
    m_tree.clear();
    m_grace.stop();
    m_waitingForGroup = false;
    m_running = false;
    m_pid = 0;
    m_result.durationMs = QDateTime::currentMSecsSinceEpoch() - m_startedAtMs;
    Q_EMIT finished(m_result);
}
