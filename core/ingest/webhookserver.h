#pragma once
// WebhookServer: the HTTP receiver feeds push to. Parses each delivery, hands it to the AlertSink
// (or ChangeSink) and answers 200 only after the sink has stored it. Built on QHttpServer with a
// ConnectionGuard per socket for the size and time limits Qt 6.4's QHttpServer lacks.
//
// Threading: construct anywhere, moveToThread() a worker, then call start() in that thread (e.g.
// QMetaObject::invokeMethod(server, &WebhookServer::start)). Alert deliveries do not wait for the store
// here: each body is parsed on a small thread pool (so a 10 MiB delivery does not stop this thread from answering
// /healthz and reading other requests), then handed over with AlertSink::submitDeferred() and answered (ResponseQueue) when the sink
// reports it stored, so this thread parses the next deliveries while the store commits the previous ones,
// and a sink that groups waiting deliveries commits them together. Change events still wait (rare).

#include "httplimits.h"
#include "model/sourcehealth.h"
#include "webhookfeeds.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QHttpServerRequest>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class AlertSink;
class ChangeSink;
class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;
class QHttpServerResponse;
class QThreadPool;
class QTimer;
class GuardedTcpServer;
class ResponseQueue;

class WebhookServer : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QHostAddress address = QHostAddress::LocalHost;
        quint16 port = 9797; // 0: any free port, see serverPort()
        QString bearerToken; // empty: no authentication
        // Browser origins (e.g. "https://ops.example") whose pages may call the receiver. A request carrying any
        // other Origin header is refused with 403: without this any web page open in the engineer's browser
        // could post fake alerts to localhost (CSRF). Default none; senders that are not browsers send no Origin.
        QStringList allowedOrigins;
        HttpLimits limits;
        WebhookFeeds::Settings feeds; // PagerDuty secret, generic JSON mapping
    };

    explicit WebhookServer(AlertSink* sink, QObject* parent = nullptr);
    WebhookServer(AlertSink* sink, const Options& options, QObject* parent = nullptr);
    ~WebhookServer() override;

    // Optional; without one POST /api/v1/changes answers 501. Set before start().
    void setChangeSink(ChangeSink* sink) { m_changeSink = sink; }

    // Thread-safe. 0 until listening.
    quint16 serverPort() const { return m_port.load(); }
    SourceHealth health() const;
    QString sourceId() const;

    // While set, GET /healthz says "restoring" (the pipeline rebuilds its incidents; deliveries are taken all the
    // same). Thread-safe.
    void setRestoring(bool restoring) { m_restoring.store(restoring); }

public Q_SLOTS:
    // Binds and serves; emits listening() or failed(). Call in the thread the object lives in.
    bool start();
    void stop();
    // A graceful stop: no new connection is accepted, a request still being received is answered 503 (ConnectionGuard::
    // stopping()), and those received are answered as usual (200 once stored, or the sink's refusal). drained() once
    // none is left unanswered; at answerWithinMs those still unanswered get 503 with Retry-After. stop() follows.
    void beginStop(int answerWithinMs);

Q_SIGNALS:
    void listening(quint16 port);
    void failed(const QString& error);
    void healthChanged(const SourceHealth& health);
    void alertsAccepted(int count);
    void drained(); // after beginStop(): every request received has its answer handed to the kernel

private:
    // Every route answers through m_answers, so answers leave in request order on each connection.
    void route(const QString& path, QHttpServerRequest::Method method,
               std::function<void(const QHttpServerRequest&, quint64 ticket)> handler);
    void handleAlerts(const QHttpServerRequest& request, quint64 ticket, WebhookFeeds::Feed feed);
    // What a worker made of one body: the alerts, or the status and reason it is refused with.
    struct Parsed
    {
        std::optional<AlertBatch> alerts;
        QByteArray key; // DeliveryKey of an accepted body
        int httpStatus = 400;
        QString error;
    };
    // Runs on m_parsers: reads only its arguments.
    static Parsed parseDelivery(WebhookFeeds::Feed feed, const WebhookFeeds::Settings& feeds, const HttpLimits& limits,
                                const QByteArray& body, const QByteArray& signature);
    void parsed(quint64 ticket, Parsed parsed); // back on this thread
    void deliveryStored(quint64 ticket, int alertCount, bool stored, const QString& error);
    void handleChanges(const QHttpServerRequest& request, quint64 ticket);
    // Validates and hands the batch to the change sink, which answers `ticket` once it is stored; or the answer
    // now when the request is refused.
    std::optional<QHttpServerResponse> takeChanges(const QHttpServerRequest& request, quint64 ticket);
    bool authorized(const QHttpServerRequest& request) const;
    // The checks every request passes before its handler: Origin, and Content-Type for POST. nullopt: passed.
    std::optional<QHttpServerResponse> refusedBeforeHandler(const QHttpServerRequest& request) const;
    void checkDrained(); // while stopping
    void recordDelivery(int alertCount);
    void recordError(const QString& error);

    AlertSink* m_sink;
    ChangeSink* m_changeSink = nullptr;
    Options m_options;
    QHttpServer* m_http = nullptr;     // child; created in start() so it lives in our thread
    GuardedTcpServer* m_tcp = nullptr; // owned by m_http after bind()
    ResponseQueue* m_answers;          // child
    QThreadPool* m_parsers;            // child: bodies are parsed here, off the thread that reads requests
    // The way back from the sink's thread: a store that finishes after stop() (or our end) finds nobody to tell.
    struct Replies
    {
        QMutex mutex;
        WebhookServer* server = nullptr;
    };
    std::shared_ptr<Replies> m_replies;
    std::atomic<quint16> m_port{0};
    std::atomic<bool> m_restoring{false};
    bool m_stopping = false;
    QTimer* m_stopTimer = nullptr; // child; polls for the end of a graceful stop
    QTimer* m_healthTimer = nullptr; // child; the routine health report that follows a delivery
    QDeadlineTimer m_stopDeadline;
    QElapsedTimer m_stoppingSince;
    mutable QMutex m_healthMutex;
    SourceHealth m_health;
};
