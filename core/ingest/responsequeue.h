#pragma once
// ResponseQueue: answers that are written after the route handler has returned (a delivery is answered once
// the store has committed it, while the receiver goes on reading other requests), in request order per
// connection as HTTP/1.1 requires for a client that pipelines.
//
// Why a queue and not just a kept QHttpServerResponder: in Qt 6.4 a responder may outlive its handler, but it
// holds a raw pointer to the socket, and QHttpServer deletes the socket as soon as the client hangs up (and the
// request object with it). The queue watches each socket and forgets its answers when it goes, and writes only
// to a socket that is still connected, so a client that leaves early costs nothing and breaks nothing.
// Lives in the server's thread; not thread-safe.

#include <QHash>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QObject>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

class QTcpSocket;

class ResponseQueue : public QObject
{
    Q_OBJECT
public:
    using Ticket = quint64;

    explicit ResponseQueue(QObject* parent = nullptr);
    ~ResponseQueue() override;

    // Takes the responder of a request whose answer comes later (or now: answer() may follow at once).
    Ticket hold(QHttpServerResponder&& responder);
    // Writes the answer as soon as every earlier request of its connection is answered; dropped when the
    // connection is gone.
    void answer(Ticket ticket, QHttpServerResponse&& response);
    int waiting() const { return int(m_socketOf.size()); } // held, not written yet
    int waitingOn(const QTcpSocket* socket) const;        // the same, of one connection
    // Every request still held gets make()'s answer (the stop's deadline: those still unanswered are failed).
    void answerAll(const std::function<QHttpServerResponse()>& make);
    void clear();

private:
    struct Slot
    {
        Ticket ticket;
        std::unique_ptr<QHttpServerResponder> responder;
        std::optional<QHttpServerResponse> response;
    };
    void writeReady(QTcpSocket* socket);
    void forget(QTcpSocket* socket);

    std::unordered_map<QTcpSocket*, std::deque<Slot>> m_connections; // every connection that ever had a request held
    QHash<Ticket, QTcpSocket*> m_socketOf;
    Ticket m_next = 1;
};
