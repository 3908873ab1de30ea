#include "processtree.h"

#include <QDir>
#include <QFile>

#include <csignal>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct ProcInfo
{
    pid_t pid = 0;
    pid_t ppid = 0;
    pid_t pgrp = 0;
    char state = '?';
    quint64 startTime = 0;
};

// /proc/PID/stat: "pid (comm) state ppid ... starttime" where comm may hold spaces and ')'.
bool readStat(pid_t pid, ProcInfo* out)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray stat = f.readAll();
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return false;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    if (fields.size() < 20)
        return false;
    out->pid = pid;
    out->state = fields.at(0).isEmpty() ? '?' : fields.at(0).at(0);
    out->ppid = pid_t(fields.at(1).toInt());
    out->pgrp = pid_t(fields.at(2).toInt());
    out->startTime = fields.at(19).toULongLong(); // field 22 of stat, the 20th after the comm
    return true;
}

QList<ProcInfo> allProcesses()
{
    QList<ProcInfo> out;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& name : entries) {
        bool ok = false;
        const int pid = name.toInt(&ok);
        ProcInfo info;
        if (ok && readStat(pid_t(pid), &info))
            out.append(info);
    }
    return out;
}

bool carries(pid_t pid, const QByteArray& marker)
{
    QFile f(QStringLiteral("/proc/%1/environ").arg(pid));
    if (marker.isEmpty() || !f.open(QIODevice::ReadOnly)) // another user's process: not ours anyway
        return false;
    const QByteArray env = f.readAll();
    return env.startsWith(marker + '\0') || env.contains('\0' + marker + '\0');
}

} // namespace

bool ProcessTree::becomeSubreaper()
{
    static const bool ok = ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
    return ok;
}

void ProcessTree::remember(pid_t leader)
{
    const QList<ProcInfo> all = allProcesses();
    QHash<pid_t, QList<pid_t>> children;
    for (const ProcInfo& p : all)
        children[p.ppid].append(p.pid);
    QList<pid_t> roots;
    if (leader > 0)
        roots.append(leader);
    for (const ProcInfo& p : all)
        if (p.pid != leader && p.state != 'Z' && (m_seen.contains(p.pid) || carries(p.pid, m_marker)))
            roots.append(p.pid);
    QHash<pid_t, quint64> start;
    for (const ProcInfo& p : all)
        start.insert(p.pid, p.startTime);
    // Breadth first through the children of every root: what they forked belongs to the step too.
    for (qsizetype i = 0; i < roots.size(); ++i) {
        const pid_t pid = roots.at(i);
        if (pid != leader && !m_seen.contains(pid))
            m_seen.insert(pid, start.value(pid));
        for (const pid_t child : children.value(pid))
            if (!roots.contains(child))
                roots.append(child);
    }
}

QList<pid_t> ProcessTree::alive(pid_t leader)
{
    remember(leader);
    QList<pid_t> out;
    for (auto it = m_seen.cbegin(); it != m_seen.cend(); ++it) {
        ProcInfo info;
        if (readStat(it.key(), &info) && info.startTime == it.value() && info.state != 'Z' &&
            (m_group <= 0 || info.pgrp != m_group))
            out.append(it.key());
    }
    return out;
}

int ProcessTree::signalAll(pid_t leader, int signal)
{
    int reached = 0;
    for (const pid_t pid : alive(leader))
        reached += ::kill(pid, signal) == 0;
    return reached;
}

bool ProcessTree::reap()
{
    const pid_t self = ::getpid();
    bool groupLeft = false;
    for (const ProcInfo& p : allProcesses()) {
        // Only orphans re-parented to us, never the leader: a child of the console's own QProcess is
        // reaped by Qt. The group is the step's alone (its id is the leader's pid), so its members are ours.
        const bool ours = p.pid != m_group && p.ppid == self &&
                          ((m_group > 0 && p.pgrp == m_group) || m_seen.value(p.pid, 0) == p.startTime);
        if (ours && p.state == 'Z')
            ::waitpid(p.pid, nullptr, WNOHANG);
        else if (m_group > 0 && p.pgrp == m_group)
            groupLeft = true;
    }
    return groupLeft;
}
