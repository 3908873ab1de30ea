#pragma once
// StubHttpServer: a scripted HTTP/1.1 server on 127.0.0.1 for the services no test can run for real (a
// Slack incoming webhook, an LLM chat-completions endpoint). It records every request (method, path,
// headers, body) and answers each with the next scripted reply (status, body, or no answer at all, to
// exercise the client's timeout); once the script runs out it answers 200 with defaultBody.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QQueue>
#include <QTcpServer>
#include <QTcpSocket>

// No Q_OBJECT (the test loop's AUTOMOC does not see this header): tests poll `requests` with QTRY_*.
class StubHttpServer : public QObject
{
public:
    struct Request
    {
        QByteArray method;
        QByteArray path;
        QHash<QByteArray, QByteArray> headers; // names lower-cased
        QByteArray body;
    };
    struct Reply
    {
        int status = 200;
        QByteArray body;
        bool silent = false; // read the request, never answer
    };

    explicit StubHttpServer(QObject* parent = nullptr) : QObject(parent)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &StubHttpServer::accept);
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    QByteArray baseUrl() const { return "http://127.0.0.1:" + QByteArray::number(port()); }

    void script(const Reply& reply) { m_script.enqueue(reply); }
    QByteArray defaultBody = "ok";
    QList<Request> requests;

    // A port nothing listens on (bound, then released): connection refused.
    static quint16 deadPort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        const quint16 port = probe.serverPort();
        probe.close();
        return port;
    }

private:
    void accept()
    {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    void read(QTcpSocket* socket)
    {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        Request request;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        request.method = first.value(0);
        request.path = first.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon > 0)
                request.headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
        }
        const qsizetype length = request.headers.value("content-length", "0").toLongLong();
        if (buffer.size() < headerEnd + 4 + length)
            return; // the rest of the body is still on its way
        request.body = buffer.mid(headerEnd + 4, length);
        m_buffers.remove(socket);
        requests << request;
        const Reply reply = m_script.isEmpty() ? Reply{200, defaultBody, false} : m_script.dequeue();
        if (!reply.silent) {
            socket->write("HTTP/1.1 " + QByteArray::number(reply.status) + " Stub\r\nContent-Type: "
                          "application/json\r\nConnection: close\r\nContent-Length: " +
                          QByteArray::number(reply.body.size()) + "\r\n\r\n" + reply.body);
            socket->disconnectFromHost();
        }
    }

    QTcpServer m_server;
    QQueue<Reply> m_script;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};
