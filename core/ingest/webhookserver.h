#pragma once
// WebhookServer: the HTTP receiver feeds push to. Parses each delivery, hands it to the AlertSink
// (or ChangeSink) and answers 200 only after the sink has stored it. Built on QHttpServer with a
// ConnectionGuard per socket for the size and time limits Qt 6.4's QHttpServer lacks.
//
// Threading: construct anywhere, moveToThread() a worker, then call start() in that thread (e.g.
// QMetaObject::invokeMethod(server, &WebhookServer::start)). Sinks block while they store, and a
// blocked sink stalls only this thread, never the GUI; the store serialises writes anyway.

#include "httplimits.h"
#include "model/sourcehealth.h"

#include <QHostAddress>
#include <QMutex>
#include <QObject>
#include <QString>

#include <atomic>

class AlertSink;
class ChangeSink;
class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;
class GuardedTcpServer;

class WebhookServer : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QHostAddress address = QHostAddress::LocalHost;
        quint16 port = 9797; // 0: any free port, see serverPort()
        QString bearerToken; // empty: no authentication
        HttpLimits limits;
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

public Q_SLOTS:
    // Binds and serves; emits listening() or failed(). Call in the thread the object lives in.
    bool start();
    void stop();

Q_SIGNALS:
    void listening(quint16 port);
    void failed(const QString& error);
    void healthChanged(const SourceHealth& health);
    void alertsAccepted(int count);

private:
    QHttpServerResponse handleAlertmanager(const QHttpServerRequest& request);
    QHttpServerResponse handleChanges(const QHttpServerRequest& request);
    bool authorized(const QHttpServerRequest& request) const;
    void recordDelivery(int alertCount);
    void recordError(const QString& error);

    AlertSink* m_sink;
    ChangeSink* m_changeSink = nullptr;
    Options m_options;
    QHttpServer* m_http = nullptr;     // child; created in start() so it lives in our thread
    GuardedTcpServer* m_tcp = nullptr; // owned by m_http after bind()
    std::atomic<quint16> m_port{0};
    mutable QMutex m_healthMutex;
    SourceHealth m_health;
};
