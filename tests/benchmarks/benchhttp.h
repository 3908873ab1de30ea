#pragma once
// What the benchmarks that drive a real `serve` share: its RSS, and a keep-alive client written as Go's is.

#include <QByteArray>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTcpSocket>

#include <QMap>

#include <functional>
#include <memory>

#include <unistd.h>

inline qint64 rssMiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (QByteArray line = status.readLine(); !line.isEmpty(); line = status.readLine())
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() / 1024;
    return 0;
}

// CPU time (user + system, all threads) the process has used so far: what a phase cost it whatever else the
// machine was doing meanwhile.
inline double cpuMs(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray line = stat.readAll();
    // Fields after the command name (which may hold spaces), from field 3 on: utime and stime are fields 14 and 15.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    const double ticks = double(fields.value(11).toLongLong() + fields.value(12).toLongLong());
    return ticks * 1000.0 / double(sysconf(_SC_CLK_TCK));
}

// Per thread name (the kernel's 15-character comm; the pool threads sharing a name summed): the time so far on a core,
// waiting for one in the run queue (another thread or process had it), and the times a thread gave up its core to
// wait (voluntary context switches: a lock, a wake-up from another thread, a poll). What a phase cost each of
// serve's threads, how long they were kept from running, and how often they handed work over.
struct ThreadUse
{
    double cpuMs = 0;
    double runQueueMs = 0;
    qint64 waits = 0;
};
// One thread's so far, from its /proc directory (/proc/PID/task/TID, or /proc/thread-self for the caller's); false
// when it is gone.
inline bool readThreadUse(const QString& dir, ThreadUse* u)
{
    QFile schedstat(dir + QStringLiteral("/schedstat"));
    QFile status(dir + QStringLiteral("/status"));
    if (!schedstat.open(QIODevice::ReadOnly) || !status.open(QIODevice::ReadOnly))
        return false;
    const QList<QByteArray> ns = schedstat.readAll().trimmed().split(' '); // on a core, in the run queue (ns)
    u->cpuMs = double(ns.value(0).toLongLong()) / 1e6;
    u->runQueueMs = double(ns.value(1).toLongLong()) / 1e6;
    u->waits = 0;
    for (QByteArray l = status.readLine(); !l.isEmpty(); l = status.readLine())
        if (l.startsWith("voluntary_ctxt_switches:"))
            u->waits = l.mid(24).trimmed().toLongLong();
    return true;
}
inline QMap<QString, ThreadUse> threadUse(qint64 pid)
{
    QMap<QString, ThreadUse> use;
    const QString task = QStringLiteral("/proc/%1/task").arg(pid);
    const QStringList tids = QDir(task).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& tid : tids) {
        QFile comm(task + u'/' + tid + QStringLiteral("/comm"));
        ThreadUse one;
        if (!comm.open(QIODevice::ReadOnly) || !readThreadUse(task + u'/' + tid, &one))
            continue;
        ThreadUse& u = use[QString::fromUtf8(comm.readAll().trimmed())];
        u.cpuMs += one.cpuMs;
        u.runQueueMs += one.runQueueMs;
        u.waits += one.waits;
    }
    return use;
}

// One keep-alive connection with one request in flight, written in one piece with TCP_NODELAY as Alertmanager's
// Go client does (QNetworkAccessManager's split writes stall on delayed ACKs and would measure the client).
class Connection
{
public:
    using Answered = std::function<void(int status, double ms)>; // status 0: the connection failed

    explicit Connection(quint16 port) : m_port(port) {}

    void send(const QByteArray& method, const QByteArray& path, const QByteArray& body, Answered answered)
    {
        if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
            connectSocket();
        m_answered = std::move(answered);
        m_received.clear();
        m_timer.start();
        QByteArray request = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        if (!body.isEmpty())
            request += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
        m_socket->write(request + "\r\n" + body);
    }

private:
    void connectSocket()
    {
        m_socket = std::make_unique<QTcpSocket>();
        m_socket->connectToHost(QStringLiteral("127.0.0.1"), m_port);
        m_socket->waitForConnected(10'000);
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        QObject::connect(m_socket.get(), &QTcpSocket::readyRead, m_socket.get(), [this] {
            m_received += m_socket->readAll();
            const qsizetype headEnd = m_received.indexOf("\r\n\r\n");
            if (headEnd < 0)
                return;
            const QByteArray headers = m_received.left(headEnd).toLower();
            const qsizetype at = headers.indexOf("content-length:");
            const qsizetype length = at < 0 ? 0 : headers.mid(at + 15).split('\r').value(0).trimmed().toLongLong();
            if (m_received.size() < headEnd + 4 + length)
                return;
            done(m_received.mid(9, 3).toInt());
        });
        QObject::connect(m_socket.get(), &QTcpSocket::errorOccurred, m_socket.get(), [this] { done(0); });
    }

    void done(int status)
    {
        if (!m_answered)
            return;
        Answered answered = std::move(m_answered);
        m_answered = nullptr;
        answered(status, double(m_timer.nsecsElapsed()) / 1e6);
    }

    quint16 m_port;
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_received;
    QElapsedTimer m_timer;
    Answered m_answered;
};
