#pragma once
// GuardedTcpServer: the QTcpServer handed to QHttpServer::bind(); it attaches a ConnectionGuard to
// every accepted socket before QHttpServer sees the socket.

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

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    HttpLimits m_limits;
    QByteArray m_bearerToken;
    QPointer<QObject> m_httpServer;
};
