#include "guardedtcpserver.h"

#include "connectionguard.h"

#include <QTcpSocket>

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
