#include "responsequeue.h"

#include <QTcpSocket>

ResponseQueue::ResponseQueue(QObject* parent) : QObject(parent) {}

ResponseQueue::~ResponseQueue() = default;

ResponseQueue::Ticket ResponseQueue::hold(QHttpServerResponder&& responder)
{
    QTcpSocket* socket = responder.socket();
    const Ticket ticket = m_next++;
    auto it = m_connections.find(socket);
    if (it == m_connections.end()) {
        it = m_connections.emplace(socket, std::deque<Slot>()).first;
        // Watched once per connection, for its whole life: once the socket is gone the pointer is only a key, and
        // its answers (with their responders) go with it.
        connect(socket, &QAbstractSocket::disconnected, this, [this, socket] { forget(socket); });
        connect(socket, &QObject::destroyed, this, [this, socket] { forget(socket); });
    }
    it->second.push_back(Slot{ticket, std::make_unique<QHttpServerResponder>(std::move(responder)), std::nullopt});
    m_socketOf.insert(ticket, socket);
    return ticket;
}

void ResponseQueue::answer(Ticket ticket, QHttpServerResponse&& response)
{
    QTcpSocket* socket = m_socketOf.value(ticket);
    const auto it = socket ? m_connections.find(socket) : m_connections.end();
    if (it == m_connections.end())
        return; // its client hung up meanwhile
    for (Slot& slot : it->second) {
        if (slot.ticket == ticket) {
            slot.response.emplace(std::move(response));
            break;
        }
    }
    writeReady(socket);
}

int ResponseQueue::waitingOn(const QTcpSocket* socket) const
{
    const auto it = m_connections.find(const_cast<QTcpSocket*>(socket));
    return it == m_connections.end() ? 0 : int(it->second.size());
}

void ResponseQueue::writeReady(QTcpSocket* socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    std::deque<Slot>& slots = it->second;
    while (!slots.empty() && slots.front().response) {
        Slot slot = std::move(slots.front());
        slots.pop_front();
        m_socketOf.remove(slot.ticket);
        if (socket->state() == QAbstractSocket::ConnectedState)
            slot.response->write(std::move(*slot.responder));
    }
}

void ResponseQueue::forget(QTcpSocket* socket)
{
    const auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    for (const Slot& slot : it->second)
        m_socketOf.remove(slot.ticket);
    m_connections.erase(it);
}

void ResponseQueue::answerAll(const std::function<QHttpServerResponse()>& make)
{
    QList<QTcpSocket*> sockets;
    for (auto& [socket, slots] : m_connections) {
        for (Slot& slot : slots)
            if (!slot.response) // an answer already given (waiting behind an earlier one) stands
                slot.response.emplace(make());
        sockets << socket;
    }
    for (QTcpSocket* socket : std::as_const(sockets))
        writeReady(socket);
}

void ResponseQueue::clear()
{
    m_connections.clear();
    m_socketOf.clear();
}
