#pragma once
// ConnectionGuard: enforces HttpLimits on one client socket of QHttpServer, which in Qt 6.4 has
// neither a body size limit (it buffers the whole body before any handler runs) nor any timeout
// (a half-open client keeps its socket forever).
//
// The guard is connected to the socket's readyRead before QHttpServer is, so it sees every byte
// first (by peeking: QHttpServer reads everything it is given inside a socket transaction). It
// follows request framing (header block, Content-Length, chunked until the response is written),
// answers 413/431/408 itself and cuts QHttpServer off from the socket when a limit is crossed.
// Its refusal keeps its turn: a client that pipelines reads answers in request order, so it goes out only once the
// requests ahead of it are answered.

#include "httplimits.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

class QTcpSocket;

class ConnectionGuard : public QObject
{
    Q_OBJECT
public:
    // How many requests of a connection QHttpServer has handed to the routes and are not answered yet.
    using Unanswered = std::function<int(const QTcpSocket*)>;

    // httpServer: the object QHttpServer connected the socket's readyRead to, to disconnect it on rejection.
    // bearerToken: when set, a request without it (other than to /healthz) gets 401 on its headers, before
    // any of its body is buffered. unanswered: what a refusal waits for (none: it is written at once).
    ConnectionGuard(QTcpSocket* socket, const HttpLimits& limits, const QByteArray& bearerToken, QObject* httpServer,
                    Unanswered unanswered = {});

    // The receiver stops: a request still being received is answered 503 with Retry-After now (nothing of it was
    // read, so a retry doubles nothing) and the rest of its body is read and dropped, so the client reads the answer
    // instead of a reset; an idle keep-alive connection is closed. A request received whole is its handler's to
    // answer.
    void stopping();
    // Since stopping(): a request is still coming (or may, in the grace an idle connection gets), or a refused body
    // is still being read and dropped; the connection closes when that is over.
    bool isDraining() const;

private:
    enum class Phase
    {
        Idle,
        Headers,
        Body,
        Unframed,
        Complete,
        Rejected
    };

    void onReadyRead();
    void onBytesWritten();
    void onTimeout();
    void consume(const char* data, qint64 size);
    // In the Body and Unframed phases: size bytes of the body arrived (413 once an unframed one is too big). How many
    // of them were the body's (the rest is the next request); 0 in any other phase.
    qint64 countBody(qint64 size);
    bool headersComplete(qsizetype headerEnd, qint64 bodyBytesHere);
    // drainRemaining: body bytes still to read and discard after the answer (0: close at once).
    void reject(int status, const QByteArray& reason, const QByteArray& message, qint64 drainRemaining);
    // Writes the refusal (or closes, see reject()) once no request ahead of it waits for its answer.
    void refuseInTurn();
    void startTimer(int ms);

    QTcpSocket* m_socket;
    HttpLimits m_limits;
    QByteArray m_bearerToken;
    QPointer<QObject> m_httpServer;
    QTimer m_timer{this};
    Phase m_phase = Phase::Idle;
    QByteArray m_header;
    qint64 m_bodyRemaining = 0; // Body phase: bytes of the declared Content-Length still to come
    qint64 m_bodySeen = 0;      // Unframed phase: chunked bytes seen so far
    qint64 m_drainRemaining = 0;
    bool m_stopping = false; // closes once the request under way is answered
    bool m_pipelined = false; // the request under way came before the one ahead of it was answered
    bool m_endedThisRead = false; // a request ended in the bytes being read now, which QHttpServer has not seen yet
    Unanswered m_unanswered;
    bool m_refusalDue = false; // rejected, and the answer (or the close) not given yet
    QByteArray m_refusal;      // empty: closed without one
};
