#include "webhookserver.h"

#include "alertsink.h"
#include "bearertoken.h"
#include "changesink.h"
#include "deliverykey.h"
#include "deliverylimits.h"
#include "guardedtcpserver.h"
#include "ingestjson.h"
#include "memorytrim.h"
#include "responsequeue.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;
using nlohmann::json;
using StatusCode = QHttpServerResponder::StatusCode;

namespace {

// After a delivery this big the heap is trimmed once the sink has done with it (see MemoryTrim).
constexpr int kTrimAfterAlerts = 10'000;
// Long enough for the sink to have correlated the batch and refreshed its incidents (ConsoleRuntime's refresh is
// 200 ms) before the trim, which waits for that thread to be free anyway.
constexpr int kTrimDelayMs = 500;
// Routine health news (another delivery taken) is reported at most this often; see recordDelivery().
constexpr int kRoutineHealthMs = 100;
// A refused body at least this big is followed by a trim on the parse worker.
constexpr qsizetype kTrimAfterRefusedBytes = 1 << 20;

QHttpServerResponse jsonResponse(const json& body, StatusCode status)
{
    const std::string text = body.dump();
    return QHttpServerResponse(QByteArrayLiteral("application/json"), QByteArray(text.data(), qsizetype(text.size())),
                               status);
}

QHttpServerResponse errorResponse(const QString& message, StatusCode status)
{
    return jsonResponse(json{{"error", message.toStdString()}}, status);
}

// 503: nothing of the request was stored (or not all of it was committed); the sender sends it again later.
QHttpServerResponse unavailable(const QString& message)
{
    QHttpServerResponse response = errorResponse(message, StatusCode::ServiceUnavailable);
    response.addHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("5"));
    return response;
}

// Requests completed this long after the stop began were sent before it (ConnectionGuard's grace is as long).
constexpr qint64 kStopGraceMs = 300;
const char kStopping[] = "the receiver is shutting down; nothing of this request was stored, send it again";

} // namespace

WebhookServer::WebhookServer(AlertSink* sink, QObject* parent) : WebhookServer(sink, Options{}, parent) {}

WebhookServer::WebhookServer(AlertSink* sink, const Options& options, QObject* parent)
    : QObject(parent), m_sink(sink), m_options(options), m_answers(new ResponseQueue(this)),
      m_parsers(new QThreadPool(this))
{
    // Two: a big body being parsed on one leaves the other to the small deliveries that keep arriving.
    m_parsers->setMaxThreadCount(2);
    m_parsers->setObjectName(u"nightwatch-parse"_s); // told apart from the receiver's thread in top and /proc
    m_health.id = sourceId();
    m_health.displayName = u"Webhook receiver"_s;
    m_health.state = SourceHealth::State::Stale; // nothing delivered yet
}

WebhookServer::~WebhookServer()
{
    stop();
}

QString WebhookServer::sourceId() const
{
    return u"webhook:"_s + m_options.address.toString() + u':' +
           QString::number(m_port.load() ? m_port.load() : m_options.port);
}

SourceHealth WebhookServer::health() const
{
    QMutexLocker lock(&m_healthMutex);
    return m_health;
}

bool WebhookServer::start()
{
    if (m_http)
        return true;
    m_http = new QHttpServer(this);
    m_tcp = new GuardedTcpServer(m_options.limits, m_options.bearerToken.toUtf8(), m_http);
    m_tcp->setHttpServer(m_http);
    m_tcp->setUnanswered([answers = QPointer<ResponseQueue>(m_answers)](const QTcpSocket* socket) {
        return answers ? answers->waitingOn(socket) : 0;
    });
    if (!m_tcp->listen(m_options.address, m_options.port)) {
        const QString error = u"cannot listen on "_s + m_options.address.toString() + u':' +
                              QString::number(m_options.port) + u": "_s + m_tcp->errorString();
        delete m_http;
        m_http = nullptr;
        m_tcp = nullptr;
        recordError(error);
        Q_EMIT failed(error);
        return false;
    }

    m_replies = std::make_shared<Replies>();
    m_replies->server = this;
    if (!m_healthTimer) { // a start() after stop() keeps the one it has
        m_healthTimer = new QTimer(this);
        m_healthTimer->setSingleShot(true);
        m_healthTimer->setInterval(kRoutineHealthMs);
        connect(m_healthTimer, &QTimer::timeout, this, [this] { Q_EMIT healthChanged(health()); });
    }
    route(u"/healthz"_s, QHttpServerRequest::Method::Get, [this](const QHttpServerRequest&, quint64 ticket) {
        m_answers->answer(ticket, jsonResponse(json{{"status", m_restoring.load() ? "restoring" : "ok"}}, StatusCode::Ok));
    });
    for (const WebhookFeeds::Feed feed : WebhookFeeds::all)
        route(WebhookFeeds::routePath(feed), QHttpServerRequest::Method::Post,
              [this, feed](const QHttpServerRequest& request, quint64 ticket) { handleAlerts(request, ticket, feed); });
    route(u"/api/v1/changes"_s, QHttpServerRequest::Method::Post,
          [this](const QHttpServerRequest& request, quint64 ticket) { handleChanges(request, ticket); });
    m_http->bind(m_tcp);

    m_port.store(m_tcp->serverPort());
    {
        QMutexLocker lock(&m_healthMutex);
        m_health.id = sourceId();
    }
    Q_EMIT healthChanged(health());
    Q_EMIT listening(m_port.load());
    return true;
}

void WebhookServer::route(const QString& path, QHttpServerRequest::Method method,
                          std::function<void(const QHttpServerRequest&, quint64 ticket)> handler)
{
    m_http->route(
        path, method,
        [this, handler = std::move(handler)](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
            const quint64 ticket = m_answers->hold(std::move(responder));
            // A request completed on a connection still open at the stop: one sent before it (read in the grace
            // ConnectionGuard gives) is taken as usual, a later one refused.
            if (m_stopping && m_stoppingSince.elapsed() > kStopGraceMs) {
                m_answers->answer(ticket, unavailable(QString::fromLatin1(kStopping)));
                return;
            }
            if (auto refused = refusedBeforeHandler(request)) {
                recordError(u"refused request: "_s + QString::fromUtf8(refused->data()));
                m_answers->answer(ticket, std::move(*refused));
                return;
            }
            handler(request, ticket);
        });
}

void WebhookServer::beginStop(int answerWithinMs)
{
    if (m_stopping || !m_http) {
        Q_EMIT drained();
        return;
    }
    m_stopping = true;
    m_stoppingSince.start();
    m_stopDeadline = QDeadlineTimer(answerWithinMs);
    m_tcp->stopping();
    m_stopTimer = new QTimer(this);
    connect(m_stopTimer, &QTimer::timeout, this, &WebhookServer::checkDrained);
    m_stopTimer->start(20);
    checkDrained();
}

void WebhookServer::checkDrained()
{
    if (!m_stopping || !m_http || !m_stopTimer->isActive())
        return;
    if ((m_answers->waiting() > 0 || m_tcp->draining() > 0) && !m_stopDeadline.hasExpired())
        return;
    // Past the deadline: what the sink has not confirmed by now is failed, so no sender is left without an answer.
    m_answers->answerAll([] {
        return unavailable(u"the receiver stopped before this delivery was stored completely; send it again"_s);
    });
    m_tcp->flushAll();
    m_stopTimer->stop();
    Q_EMIT drained();
}

void WebhookServer::stop()
{
    if (m_replies) {
        QMutexLocker lock(&m_replies->mutex);
        m_replies->server = nullptr; // deliveries still being stored are stored, but answered by nobody
    }
    m_answers->clear();
    delete m_http; // closes the listening socket and every client socket it owns
    m_http = nullptr;
    m_tcp = nullptr;
    m_port.store(0);
}

bool WebhookServer::authorized(const QHttpServerRequest& request) const
{
    return BearerToken::matches(request.value(QByteArrayLiteral("Authorization")), m_options.bearerToken.toUtf8());
}

std::optional<QHttpServerResponse> WebhookServer::refusedBeforeHandler(const QHttpServerRequest& request) const
{
    const QByteArray origin = request.value(QByteArrayLiteral("Origin"));
    if (!origin.isEmpty() && !m_options.allowedOrigins.contains(QString::fromUtf8(origin)))
        return errorResponse(u"requests from browser origin \"%1\" are not allowed (see allowedOrigins)"_s.arg(
                                 QString::fromUtf8(origin.left(200))),
                             StatusCode::Forbidden);
    if (request.method() == QHttpServerRequest::Method::Post) {
        // A page can post text/plain cross-origin without a preflight; application/json it cannot.
        const QByteArray type = request.value(QByteArrayLiteral("Content-Type")).split(';').first().trimmed().toLower();
        if (type != "application/json")
            return errorResponse(u"Content-Type must be application/json"_s, StatusCode::UnsupportedMediaType);
    }
    return std::nullopt;
}

void WebhookServer::handleAlerts(const QHttpServerRequest& request, quint64 ticket, WebhookFeeds::Feed feed)
{
    if (!authorized(request)) {
        QHttpServerResponse response = errorResponse(u"missing or wrong bearer token"_s, StatusCode::Unauthorized);
        response.addHeader(QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer"));
        m_answers->answer(ticket, std::move(response));
        return;
    }
    const QByteArray body = request.body();
    // The ConnectionGuard refuses oversized bodies before they are buffered; this is the backstop.
    if (body.size() > m_options.limits.maxBodyBytes) {
        m_answers->answer(ticket, errorResponse(u"request body exceeds the size limit"_s, StatusCode::PayloadTooLarge));
        return;
    }

    // Parsed on a worker: a 10 MiB body of 100,000 alerts takes a second or more to read, and this thread must go
    // on answering /healthz and reading other deliveries meanwhile. The answer keeps its place (ResponseQueue).
    m_parsers->start([replies = m_replies, ticket, feed, body = body, feeds = m_options.feeds, limits = m_options.limits,
                      signature = request.value(QByteArrayLiteral("X-PagerDuty-Signature"))]() mutable {
        Parsed parsed = parseDelivery(feed, feeds, limits, body, signature);
        // A big body refused (too many alerts, too deep, malformed after megabytes): its buffer and whatever its parse
        // built are freed by now, but glibc keeps the pages. Nothing else returns them (no store, no refresh follows),
        // so the heap is trimmed here, on this worker, off the thread that answers.
        if (!parsed.alerts && body.size() >= kTrimAfterRefusedBytes) {
            body = QByteArray();
            MemoryTrim::now();
        }
        QMutexLocker lock(&replies->mutex);
        if (WebhookServer* server = replies->server)
            QMetaObject::invokeMethod(
                server, [server, ticket, parsed = std::move(parsed)]() mutable { server->parsed(ticket, std::move(parsed)); },
                Qt::QueuedConnection);
    });
}

WebhookServer::Parsed WebhookServer::parseDelivery(WebhookFeeds::Feed feed, const WebhookFeeds::Settings& feeds,
                                                   const HttpLimits& limits, const QByteArray& body,
                                                   const QByteArray& signature)
{
    Parsed parsed;
    if (const auto verdict = DeliveryLimits::checkBody(body, limits, &parsed.error);
        verdict != DeliveryLimits::Verdict::Ok) {
        parsed.httpStatus = verdict == DeliveryLimits::Verdict::TooMany ? 413 : 400;
        return parsed;
    }
    WebhookFeeds::Refusal refusal;
    auto alerts = WebhookFeeds::parse(feed, feeds, body, signature, QDateTime::currentDateTimeUtc(), &refusal);
    if (!alerts) {
        parsed.httpStatus = refusal.httpStatus;
        parsed.error = refusal.reason;
        return parsed;
    }
    const auto verdict = DeliveryLimits::checkAlerts(*alerts, limits, &parsed.error);
    if (verdict != DeliveryLimits::Verdict::Ok) {
        parsed.httpStatus = verdict == DeliveryLimits::Verdict::TooMany ? 413 : 400;
        return parsed;
    }
    parsed.alerts = std::move(*alerts);
    parsed.key = DeliveryKey::of(WebhookFeeds::routePath(feed), body);
    return parsed;
}

void WebhookServer::parsed(quint64 ticket, Parsed parsed)
{
    if (!parsed.alerts) {
        recordError(u"rejected delivery: "_s + parsed.error);
        m_answers->answer(ticket, errorResponse(parsed.error, StatusCode(parsed.httpStatus)));
        return;
    }
    const int count = int(parsed.alerts->size());
    if (count == 0 || !m_sink) {
        deliveryStored(ticket, count, count == 0, u"no alert sink"_s);
        return;
    }
    // Answered from deliveryStored(), back on this thread, once the sink has committed the batch; meanwhile this
    // thread reads and parses the next deliveries.
    m_sink->submitDelivery(
        std::move(*parsed.alerts), parsed.key, [replies = m_replies, ticket, count](bool stored, const QString& why) {
            // On the sink's thread, which goes on to correlate the batch: the trim waits until it has let go of it.
            if (stored && count >= kTrimAfterAlerts)
                MemoryTrim::later(kTrimDelayMs);
            QMutexLocker lock(&replies->mutex);
            if (WebhookServer* server = replies->server)
                QMetaObject::invokeMethod(
                    server, [=] { server->deliveryStored(ticket, count, stored, why); }, Qt::QueuedConnection);
        });
}

void WebhookServer::deliveryStored(quint64 ticket, int alertCount, bool stored, const QString& error)
{
    if (!stored) {
        const QString message = u"alerts not stored: "_s + error;
        recordError(message);
        m_answers->answer(ticket, unavailable(message));
        return;
    }
    recordDelivery(alertCount);
    Q_EMIT alertsAccepted(alertCount);
    m_answers->answer(ticket, jsonResponse(json{{"accepted", alertCount}}, StatusCode::Ok));
}

void WebhookServer::handleChanges(const QHttpServerRequest& request, quint64 ticket)
{
    if (std::optional<QHttpServerResponse> refused = takeChanges(request, ticket))
        m_answers->answer(ticket, std::move(*refused));
}

std::optional<QHttpServerResponse> WebhookServer::takeChanges(const QHttpServerRequest& request, quint64 ticket)
{
    if (!authorized(request)) {
        QHttpServerResponse response = errorResponse(u"missing or wrong bearer token"_s, StatusCode::Unauthorized);
        response.addHeader(QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer"));
        return response;
    }
    if (!m_changeSink)
        return errorResponse(u"change events are not accepted by this receiver"_s, StatusCode::NotImplemented);
    const QByteArray body = request.body();
    if (body.size() > m_options.limits.maxBodyBytes)
        return errorResponse(u"request body exceeds the size limit"_s, StatusCode::PayloadTooLarge);

    json doc;
    QString error;
    if (const auto verdict = DeliveryLimits::checkBody(body, m_options.limits, &error);
        verdict != DeliveryLimits::Verdict::Ok)
        return errorResponse(error, StatusCode::BadRequest);
    if (!IngestJson::parseDocument(body, &doc, &error))
        return errorResponse(error, StatusCode::BadRequest);
    QVector<ChangeEvent> changes;
    if (!IngestJson::readChanges(doc, &changes, &error))
        return errorResponse(error, StatusCode::BadRequest);
    const auto verdict = DeliveryLimits::checkChanges(changes, m_options.limits, &error);
    if (verdict != DeliveryLimits::Verdict::Ok)
        return errorResponse(error, verdict == DeliveryLimits::Verdict::TooMany ? StatusCode::PayloadTooLarge
                                                                                : StatusCode::BadRequest);
    // All validated before any is stored, and then stored all or nothing: a sender that sees no 200 sends the
    // whole batch again without doubling any of it.
    // Answered back on this thread once the sink has committed them; meanwhile this thread answers others.
    const qsizetype count = changes.size();
    m_changeSink->submitChangesDeferred(
        std::move(changes), [replies = m_replies, ticket, count](bool stored, const QString& why) {
            QMutexLocker lock(&replies->mutex);
            if (WebhookServer* server = replies->server)
                QMetaObject::invokeMethod(
                    server,
                    [=] {
                        server->m_answers->answer(
                            ticket, stored ? jsonResponse(json{{"accepted", count}}, StatusCode::Ok)
                                           : unavailable(u"changes not stored: "_s + why));
                    },
                    Qt::QueuedConnection);
        });
    return std::nullopt;
}

void WebhookServer::recordDelivery(int alertCount)
{
    SourceHealth h;
    bool routine = false;
    {
        QMutexLocker lock(&m_healthMutex);
        routine = m_health.state == SourceHealth::State::Live && m_health.lastError.isEmpty();
        m_health.state = SourceHealth::State::Live;
        m_health.lastSuccessAt = QDateTime::currentDateTimeUtc();
        m_health.lastError.clear();
        m_health.alertCount = alertCount;
        h = m_health;
    }
    // A delivery that changes nothing but the time and size of the latest is told at most every kRoutineHealthMs: in
    // a storm one report per delivery was a queued call on the pipeline's thread per delivery, the thread every
    // sender waits for. A change of state or error is told at once.
    if (routine && m_healthTimer) {
        if (!m_healthTimer->isActive())
            m_healthTimer->start();
        return;
    }
    if (m_healthTimer)
        m_healthTimer->stop();
    Q_EMIT healthChanged(h);
}

void WebhookServer::recordError(const QString& error)
{
    // A bad delivery does not make the receiver unreachable; it stays as it was, with the reason shown.
    SourceHealth h;
    {
        QMutexLocker lock(&m_healthMutex);
        m_health.lastError = error;
        h = m_health;
    }
    Q_EMIT healthChanged(h);
}
