#pragma once
// ProcessTree: finds every process a step started, including those that left its process group
// (setsid, setpgid, a double fork): the descendants of its leader, those seen earlier and still alive,
// and those carrying the step's marker in their environment. With the console a child subreaper, an
// orphan of the step is re-parented to the console instead of init, so it can be reaped once killed.

#include <QByteArray>
#include <QHash>
#include <QList>

#include <sys/types.h>

class ProcessTree
{
public:
    // PR_SET_CHILD_SUBREAPER for this process, once; false where the kernel refuses it.
    static bool becomeSubreaper();

    // marker is "NAME=VALUE" as put into the step's environment; group is the step's process group,
    // whose members a signal to the group reaches already: alive() leaves them out.
    explicit ProcessTree(QByteArray marker = {}, pid_t group = 0) : m_marker(std::move(marker)), m_group(group) {}

    // Adds the live descendants of leader (and processes carrying the marker) to those remembered.
    void remember(pid_t leader);
    // Remembered processes still alive (same start time, not a zombie) and outside the group.
    QList<pid_t> alive(pid_t leader);
    // Sends signal to each of alive(leader); returns how many it reached.
    int signalAll(pid_t leader, int signal);
    // Reaps the processes of the step that were re-parented to us and have died; true while any
    // other member of the group is still there.
    bool reap();
    void clear() { m_seen.clear(); }

private:
    QByteArray m_marker;
    pid_t m_group = 0;
    QHash<pid_t, quint64> m_seen; // pid -> start time, so a reused pid is never signalled
};
