#pragma once
// MetricSourceMonitor: keeps the health of each Prometheus the console reads (diagnosis evidence, the metrics
// pane) current even while no incident asks it anything, so the header can say "Prometheus unreachable" before
// an engineer needs its charts. Each round asks every server a query that cannot be wrong (vector(1)) through
// the same access (TLS, token, tenant) as the real queries; any failure, a 401 included, is "unreachable".
// Health is SourceHealth::Kind::Metrics: a dead Prometheus costs evidence, it does not hide alerts.

#include "ingest/sourceaccess.h"
#include "model/sourcehealth.h"

#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QVector>

class PrometheusClient;
struct PrometheusResult;

class MetricSourceMonitor : public QObject
{
    Q_OBJECT
public:
    MetricSourceMonitor(const QList<QUrl>& prometheusUrls, const SourceAccess& access, QObject* parent = nullptr);
    ~MetricSourceMonitor() override;

    void setInterval(int ms); // between rounds (default 15 000); each probe ends within it too
    QVector<SourceHealth> health() const;

public Q_SLOTS:
    void start(); // a round now and then every interval
    void stop();
    void probeNow(); // a server still answering the last probe is not asked twice

Q_SIGNALS:
    void healthChanged(const SourceHealth& health);

private:
    struct Server
    {
        PrometheusClient* client = nullptr;
        quint64 pending = 0;
        SourceHealth health;
    };

    void onAnswer(int index, quint64 id, const PrometheusResult& result);

    QVector<Server> m_servers;
    QTimer m_timer;
};
