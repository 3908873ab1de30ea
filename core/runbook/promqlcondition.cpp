#include "promqlcondition.h"

#include "metrics/prometheusclient.h"

#include <cmath>

using namespace Qt::StringLiterals;

PromqlCondition::PromqlCondition(PrometheusClient* client, QObject* parent) : QObject(parent), m_client(client)
{
    m_retry.setSingleShot(true);
    m_deadline.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &PromqlCondition::ask);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        end(false, u"did not hold within the verify timeout; last answer: "_s +
                       (m_lastDetail.isEmpty() ? u"none"_s : m_lastDetail));
    });
    if (client)
        connect(client, &PrometheusClient::finished, this, &PromqlCondition::onAnswer);
}

bool PromqlCondition::holds(const PrometheusResult& result)
{
    if (!result.ok())
        return false;
    for (const MetricSeries& s : result.series)
        for (const MetricSample& p : s.points)
            if (!std::isnan(p.value) && p.value != 0.0)
                return true;
    return false;
}

void PromqlCondition::start(const QString& promql, int timeoutMs)
{
    cancel();
    m_promql = promql;
    m_lastDetail.clear();
    m_running = true;
    if (!m_client) {
        end(false, u"no Prometheus is configured to evaluate the condition"_s);
        return;
    }
    m_deadline.start(timeoutMs);
    ask();
}

void PromqlCondition::cancel()
{
    m_retry.stop();
    m_deadline.stop();
    if (m_client && m_request)
        m_client->cancel(m_request);
    m_request = 0;
    m_running = false;
}

void PromqlCondition::ask()
{
    if (m_running && m_client)
        m_request = m_client->query(m_promql);
}

void PromqlCondition::onAnswer(quint64 id, const PrometheusResult& result)
{
    if (!m_running || id != m_request)
        return; // another user of the same client, or an answer we gave up on
    m_request = 0;
    if (!result.ok()) {
        m_lastDetail = result.error;
        if (result.errorType == u"bad_data") { // a broken query stays broken: do not wait out the timeout
            end(false, u"Prometheus rejected the condition: "_s + result.error);
            return;
        }
    } else {
        const double first = result.series.isEmpty() || result.series.front().points.isEmpty()
                                 ? std::nan("")
                                 : result.series.front().points.front().value;
        m_lastDetail = u"%1 series, first value %2"_s.arg(result.series.size()).arg(first);
        if (holds(result)) {
            end(true, m_lastDetail);
            return;
        }
    }
    m_retry.start(m_intervalMs);
}

void PromqlCondition::end(bool held, const QString& detail)
{
    const bool wasRunning = m_running;
    cancel();
    if (wasRunning)
        Q_EMIT finished(held, detail);
}
