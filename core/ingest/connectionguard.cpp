#include "connectionguard.h"

#include "bearertoken.h"

#include <QTcpSocket>

#include <utility>

#ifdef Q_OS_LINUX
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

using namespace Qt::StringLiterals;

namespace {

// At a stop, how long an idle keep-alive connection is kept for a request already sent but not read yet.
constexpr int kStopGraceMs = 250;

// Acknowledge the bytes just received now instead of up to 40 ms later. Many clients send a request in
// several writes (Qt's QNetworkAccessManager: headers plus 16 KiB upload chunks) without TCP_NODELAY, and Nagle
// holds each later write back until the earlier one is acknowledged; Linux delays that acknowledgement when
// the receiver has nothing to send yet. Measured over loopback with 40 KB webhooks: two thirds of the receive
// time was this stall. Linux turns quick-ack mode off again by itself, so it is re-armed on every read.
void acknowledgePromptly(QTcpSocket* socket)
{
#if defined(Q_OS_LINUX) && defined(TCP_QUICKACK)
    const int on = 1;
    ::setsockopt(int(socket->socketDescriptor()), IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
#else
    Q_UNUSED(socket);
#endif
}

} // namespace

ConnectionGuard::ConnectionGuard(QTcpSocket* socket, const HttpLimits& limits, const QByteArray& bearerToken,
                                 QObject* httpServer, Unanswered unanswered)
    : QObject(socket), m_socket(socket), m_limits(limits), m_bearerToken(bearerToken), m_httpServer(httpServer),
      m_unanswered(std::move(unanswered))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ConnectionGuard::onTimeout);
    connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
    connect(socket, &QTcpSocket::bytesWritten, this, &ConnectionGuard::onBytesWritten);
    // A client that connects and says nothing is idle from the start.
    startTimer(m_limits.idleTimeoutMs);
}

void ConnectionGuard::startTimer(int ms)
{
    if (ms > 0)
        m_timer.start(ms);
    else
        m_timer.stop();
}

void ConnectionGuard::onReadyRead()
{
    if (m_phase == Phase::Rejected) {
        // Discard the rest of a refused body so the client reads our answer instead of a reset.
        const QByteArray junk = m_socket->read(qMin<qint64>(m_socket->bytesAvailable(), m_drainRemaining));
        m_drainRemaining -= junk.size();
        if (m_drainRemaining > 0)
            return;
        if (m_refusalDue)
            m_timer.stop(); // the client did its part; the answers ahead of its refusal are the store's to give
        else
            m_socket->disconnectFromHost();
        return;
    }
    acknowledgePromptly(m_socket);
    // QHttpServer reads everything available inside a transaction each time readyRead fires, so
    // what is available now is exactly what neither of us has seen yet.
    const qint64 available = m_socket->bytesAvailable();
    m_endedThisRead = false;
    // A body's bytes are counted, never looked at. Peeked, each read of one was copied into a buffer of its own,
    // fresh pages every time: a 10 MiB body's every byte once more on the thread that answers /healthz.
    const qint64 counted = countBody(available);
    if (counted < available && m_phase != Phase::Rejected) {
        // Headers: of a request, or of the next one right behind a body.
        const QByteArray fresh = m_socket->peek(available);
        consume(fresh.constData() + counted, fresh.size() - counted);
    }
    m_endedThisRead = false; // QHttpServer's slot comes next: it sees them
}

qint64 ConnectionGuard::countBody(qint64 size)
{
    switch (m_phase) {
    case Phase::Body: {
        const qint64 n = qMin(size, m_bodyRemaining);
        m_bodyRemaining -= n;
        if (m_bodyRemaining == 0) {
            m_phase = Phase::Complete;
            m_endedThisRead = true;
            m_timer.stop(); // the handler (and the store behind it) may take its time
        }
        return n;
    }
    case Phase::Unframed:
        m_bodySeen += size;
        // Chunk framing costs a few bytes per chunk; the margin keeps honest clients in.
        if (m_bodySeen > m_limits.maxBodyBytes + m_limits.maxHeaderBytes)
            reject(413, "Payload Too Large", "request body exceeds the size limit", 0);
        return size;
    default:
        return 0;
    }
}

void ConnectionGuard::consume(const char* data, qint64 size)
{
    qint64 pos = 0;
    while (pos < size && m_phase != Phase::Rejected) {
        switch (m_phase) {
        case Phase::Idle:
        case Phase::Complete: // a pipelined next request
            m_pipelined = m_phase == Phase::Complete;
            m_phase = Phase::Headers;
            m_header.clear();
            startTimer(m_limits.requestTimeoutMs);
            break;
        case Phase::Headers: {
            const qsizetype before = m_header.size();
            m_header.append(data + pos, qsizetype(qMin<qint64>(size - pos, m_limits.maxHeaderBytes + 4)));
            // Search from a little before the new bytes: the terminator may straddle two reads.
            const qsizetype end = m_header.indexOf("\r\n\r\n", qMax<qsizetype>(0, before - 3));
            if (end < 0) {
                if (m_header.size() > m_limits.maxHeaderBytes) {
                    reject(431, "Request Header Fields Too Large", "request headers exceed the size limit", 0);
                    return;
                }
                pos = size;
                break;
            }
            // The whole block counts, however it arrived: a block over the limit whose end came in a later read
            // than its start was once let through (the check above only sees blocks still unterminated).
            if (end > m_limits.maxHeaderBytes) {
                reject(431, "Request Header Fields Too Large", "request headers exceed the size limit", 0);
                return;
            }
            pos += (end + 4) - before;
            if (!headersComplete(end, size - pos))
                return;
            break;
        }
        case Phase::Body:
        case Phase::Unframed:
            pos += countBody(size - pos);
            break;
        case Phase::Rejected:
            return;
        }
    }
}

bool ConnectionGuard::headersComplete(qsizetype headerEnd, qint64 bodyBytesHere)
{
    const QByteArray head = m_header.left(headerEnd);
    m_header.clear();
    qint64 contentLength = -1;
    bool chunked = false;
    QByteArray authorization;
    bool expectsContinue = false;
    const QList<QByteArray> lines = head.split('\n');
    // Refused here, with the connection closed, so no byte of this request is read as the start of another.
    if (lines.size() - 1 > m_limits.maxHeaderCount) {
        reject(400, "Bad Request", "too many request headers", 0);
        return false;
    }
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            const qint64 length = value.toLongLong(&ok);
            // Two different lengths: the two ends of a proxy chain could each pick one (smuggling).
            if (!ok || length < 0 || (contentLength >= 0 && length != contentLength)) {
                reject(400, "Bad Request", "invalid Content-Length", 0);
                return false;
            }
            contentLength = length;
        } else if (name == "transfer-encoding" && value.toLower().contains("chunked")) {
            chunked = true;
        } else if (name == "authorization") {
            authorization = value;
        } else if (name == "expect") {
            expectsContinue = value.toLower() == "100-continue";
        }
    }
    // Both framings at once is the classic smuggling request (RFC 9112 6.1 allows refusing it): answer now
    // rather than let the client wait for a timeout.
    if (chunked && contentLength >= 0) {
        reject(400, "Bad Request", "Content-Length together with Transfer-Encoding: chunked", 0);
        return false;
    }
    // Authentication on the headers: a stranger's body is never buffered, only drained (like a 413) so the
    // client reads the answer. Only the liveness probe is open.
    const QByteArray target = lines.value(0).split(' ').value(1).split('?').value(0);
    if (!m_bearerToken.isEmpty() && target != "/healthz" && !BearerToken::matches(authorization, m_bearerToken)) {
        reject(401, "Unauthorized", "missing or wrong bearer token",
               chunked ? 0 : qMin(qMax<qint64>(contentLength, 0), m_limits.maxDrainBytes) - bodyBytesHere);
        return false;
    }
    if (chunked) {
        m_phase = Phase::Unframed; // no 100 Continue: its write would read as this request's answer (onBytesWritten)
        m_bodySeen = 0;
    } else if (contentLength > m_limits.maxBodyBytes) {
        // Refused on the header alone: the body is never buffered.
        reject(413, "Payload Too Large", "request body exceeds the size limit",
               qMin(contentLength, m_limits.maxDrainBytes) - bodyBytesHere);
        return false;
    } else if (contentLength > 0) {
        m_phase = Phase::Body;
        m_bodyRemaining = contentLength;
        // A client that asked whether to send its body (curl does for big ones) is told to, now that its headers
        // passed: QHttpServer never answers that, so each such body waited for the client's own timeout first (curl:
        // 1 s). A refused request got its final answer above instead. Not before the answers of requests ahead of it
        // (a 1xx belongs to the request after the last answer), nor to HTTP/1.0, which has no 100 (RFC 9110 10.1.1).
        if (expectsContinue && bodyBytesHere == 0 && !m_pipelined && lines.value(0).trimmed().endsWith("HTTP/1.1"))
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    } else {
        m_phase = Phase::Complete;
        m_endedThisRead = true;
        m_timer.stop();
    }
    return true;
}

void ConnectionGuard::reject(int status, const QByteArray& reason, const QByteArray& message, qint64 drainRemaining)
{
    m_phase = Phase::Rejected;
    // Cut QHttpServer off: it must not parse (or buffer) this connection any further. Disconnecting
    // inside the readyRead emission also skips its slot for the bytes that triggered this.
    if (m_httpServer)
        disconnect(m_socket, &QTcpSocket::readyRead, m_httpServer, nullptr);
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    m_socket->skip(m_socket->bytesAvailable());
    m_refusalDue = true;
    // The request ahead of this one ended in the bytes just dropped: QHttpServer never saw it, so it gets no answer,
    // and neither does this one, whose answer its client would read as that one's. Closed unanswered, both are sent
    // again (a delivery's resend is stored once, see DeliveryJournal).
    m_drainRemaining = m_endedThisRead ? 0 : drainRemaining;
    if (!m_endedThisRead) {
        const QByteArray body = "{\"error\":\"" + message + "\"}";
        m_refusal = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n";
        m_refusal += (status == 401 ? QByteArray("WWW-Authenticate: Bearer\r\n") : QByteArray()) +
                     (status == 503 ? QByteArray("Retry-After: 5\r\n") : QByteArray()) +
                     "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }
    if (m_drainRemaining > 0)
        startTimer(m_limits.requestTimeoutMs);
    else
        m_timer.stop(); // nothing more is asked of the client; what its refusal waits for is the store's to bound
    refuseInTurn();
}

void ConnectionGuard::refuseInTurn()
{
    if (!m_refusalDue || (m_unanswered && m_unanswered(m_socket) > 0))
        return; // onBytesWritten() tries again after each answer
    m_refusalDue = false;
    if (!m_refusal.isEmpty())
        m_socket->write(std::exchange(m_refusal, {}));
    if (m_drainRemaining <= 0)
        m_socket->disconnectFromHost();
}

void ConnectionGuard::stopping()
{
    static const QByteArray kStopping = "the receiver is shutting down; nothing of this request was stored, send it again";
    m_stopping = true;
    switch (m_phase) {
    case Phase::Idle:
        // A request sent just before may be in the socket unread: it gets a moment to show up and be answered (503,
        // WebhookServer refuses what comes after the stop) instead of a close.
        startTimer(kStopGraceMs);
        break;
    case Phase::Body: {
        // What already waits in the socket is dropped by reject() without being counted.
        const qint64 unread = m_socket->bytesAvailable();
        reject(503, "Service Unavailable", kStopping, qBound<qint64>(0, m_bodyRemaining - unread, m_limits.maxDrainBytes));
        break;
    }
    case Phase::Headers:
    case Phase::Unframed: // where its body ends is not known: closed after the answer
        reject(503, "Service Unavailable", kStopping, 0);
        break;
    case Phase::Complete:
    case Phase::Rejected:
        break;
    }
}

bool ConnectionGuard::isDraining() const
{
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return false;
    if (m_phase == Phase::Rejected)
        return m_drainRemaining > 0 || m_refusalDue;
    // Complete: the request waits for its answer, which WebhookServer counts itself.
    return m_stopping && m_phase != Phase::Complete && (m_phase != Phase::Idle || m_timer.isActive());
}

void ConnectionGuard::onBytesWritten()
{
    // A response went out. For framed requests the next bytes start a new request anyway; for
    // chunked ones this is the only sign the request ended.
    if (m_socket->bytesToWrite() > 0)
        return;
    if (m_phase == Phase::Rejected) {
        refuseInTurn();
        return;
    }
    if (m_phase == Phase::Complete || m_phase == Phase::Unframed) {
        if (m_stopping) {
            m_socket->disconnectFromHost();
            return;
        }
        m_phase = Phase::Idle;
        startTimer(m_limits.idleTimeoutMs);
    }
}

void ConnectionGuard::onTimeout()
{
    // A response still being flushed means the server is answering: give it another period.
    if (m_socket->bytesToWrite() > 0 && m_phase != Phase::Rejected) {
        startTimer(qMax(m_limits.requestTimeoutMs, 1000));
        return;
    }
    switch (m_phase) {
    case Phase::Idle:
    case Phase::Complete:
        m_socket->disconnectFromHost();
        break;
    case Phase::Headers:
    case Phase::Body:
    case Phase::Unframed:
        reject(408, "Request Timeout", "request not received in time", 0);
        break;
    case Phase::Rejected:
        m_socket->abort(); // a client that will not take its answer
        break;
    }
}
