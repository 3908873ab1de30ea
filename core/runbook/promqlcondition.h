#pragma once
// PromqlCondition: a runbook verify written in PromQL, asked of Prometheus again and again until it holds or
// its time is up. It holds when the instant query returns at least one sample whose value is not 0 — the
// way an alerting rule fires: `up{job="x"} == 1` returns nothing while false, `... == bool 1` returns 0.

#include <QObject>
#include <QPointer>
#include <QTimer>

class PrometheusClient;
struct PrometheusResult;

class PromqlCondition : public QObject
{
    Q_OBJECT
public:
    explicit PromqlCondition(PrometheusClient* client, QObject* parent = nullptr);

    void setInterval(int ms) { m_intervalMs = ms; } // between attempts (2 000)
    // Starts asking; a running check is abandoned first. finished() comes exactly once per start().
    void start(const QString& promql, int timeoutMs);
    void cancel();

    static bool holds(const PrometheusResult& result);

Q_SIGNALS:
    // detail: what the last answer was ("2 series, first value 1", or Prometheus' error), for the audit log.
    void finished(bool held, const QString& detail);

private:
    void ask();
    void onAnswer(quint64 id, const PrometheusResult& result);
    void end(bool held, const QString& detail);

    QPointer<PrometheusClient> m_client;
    QString m_promql;
    QTimer m_retry{this};
    QTimer m_deadline{this};
    quint64 m_request = 0;
    QString m_lastDetail;
    int m_intervalMs = 2000;
    bool m_running = false;
};
