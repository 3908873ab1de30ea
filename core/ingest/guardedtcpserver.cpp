#include "guardedtcpserver.h"

#include "connectionguard.h"

#include <QTcpSocket>

namespace {
// Loopback still moves a 10 MiB body in tens of milliseconds through this; a remote sender's throughput is bounded by
// its round trip over the window (256 KiB per RTT: 25 MB/s at 10 ms), plenty for alert deliveries.
constexpr int kReceiveBufferBytes = 256 * 1024;
} // namespace

GuardedTcpServer::GuardedTcpServer(const HttpLimits& limits, const QByteArray& bearerToken, QObject* parent)
    : QTcpServer(parent), m_limits(limits), m_bearerToken(bearerToken)
{
}

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    // Parented to the server like QTcpServer's own sockets; QHttpServer deletes it on disconnect.
    auto* socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    // A small kernel buffer: each readyRead then brings at most about twice this much of a big body (the kernel
    // doubles it for its bookkeeping). QHttpServer copies what a readyRead brings, into its transaction and into the
    // body, before this thread answers anyone else. With the kernel's autotuning one read took up to 1.5 MB of a
    // 10 MiB body, and /healthz waited behind it: nightwatch-bench --serve-storm's healthz_big_p99_ms, median of 5,
    // was 112 ms before and 23 ms after (the small deliveries posted meanwhile: 122 ms and 62 ms at worst).
    socket->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, kReceiveBufferBytes);
    // The guard must connect to readyRead before QHttpServer does (slots run in connection
    // order), so it is created before addPendingConnection() emits newConnection.
    new ConnectionGuard(socket, m_limits, m_bearerToken, m_httpServer, m_unanswered);
    addPendingConnection(socket);
}

void GuardedTcpServer::stopping()
{
    close();
    const auto sockets = findChildren<QTcpSocket*>(Qt::FindDirectChildrenOnly);
    for (QTcpSocket* socket : sockets)
        if (auto* guard = socket->findChild<ConnectionGuard*>(QString(), Qt::FindDirectChildrenOnly))
            guard->stopping();
}

int GuardedTcpServer::draining() const
{
    int n = 0;
    const auto sockets = findChildren<QTcpSocket*>(Qt::FindDirectChildrenOnly);
    for (QTcpSocket* socket : sockets) {
        const auto* guard = socket->findChild<ConnectionGuard*>(QString(), Qt::FindDirectChildrenOnly);
        n += guard && guard->isDraining();
    }
    return n;
}

void GuardedTcpServer::flushAll()
{
    const auto sockets = findChildren<QTcpSocket*>(Qt::FindDirectChildrenOnly);
    for (QTcpSocket* socket : sockets)
        socket->flush();
}
