#pragma once
// GuardedTcpServer: the QTcpServer handed to QHttpServer::bind(); it attaches a ConnectionGuard to
// every accepted socket before QHttpServer sees the socket.

#include "connectionguard.h"
#include "httplimits.h"

#include <QPointer>
#include <QTcpServer>

class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    // bearerToken: checked on the headers of every request but GET /healthz; empty: none.
    GuardedTcpServer(const HttpLimits& limits, const QByteArray& bearerToken, QObject* parent = nullptr);

    // The QHttpServer this server will be bound to; the guard cuts its readyRead on rejection.
    void setHttpServer(QObject* httpServer) { m_httpServer = httpServer; }
    // Where the guards learn whether a connection's earlier requests are answered (a refusal waits for them).
    void setUnanswered(ConnectionGuard::Unanswered unanswered) { m_unanswered = std::move(unanswered); }

    // Shutdown: no new connection is accepted, and every open one is told (ConnectionGuard::stopping()).
    void stopping();
    // Connections still reading and dropping the body of a request refused at the stop.
    int draining() const;
    // Hands what is written to every connection to the kernel now: the sockets are deleted right after the stop, and
    // an answer still in Qt's buffer then would be lost.
    void flushAll();

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    HttpLimits m_limits;
    QByteArray m_bearerToken;
    QPointer<QObject> m_httpServer;
    ConnectionGuard::Unanswered m_unanswered;
};
