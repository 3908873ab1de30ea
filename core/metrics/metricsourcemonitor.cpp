#include "metricsourcemonitor.h"

#include "prometheusclient.h"
#include "prometheusresult.h"

using namespace Qt::StringLiterals;

MetricSourceMonitor::MetricSourceMonitor(const QList<QUrl>& prometheusUrls, const SourceAccess& access,
                                         QObject* parent)
    : QObject(parent)
{
    for (const QUrl& url : prometheusUrls) {
        Server s;
        s.client = new PrometheusClient(url, this);
        s.client->setAccess(access);
        s.client->setRetries(1); // a probe that needs more than one retry says enough
        s.health = s.client->health(); // id, name, access; Stale: not asked yet
        const int index = int(m_servers.size());
        connect(s.client, &PrometheusClient::finished, this,
                [this, index](quint64 id, const PrometheusResult& result) { onAnswer(index, id, result); });
        m_servers.append(s);
    }
    m_timer.setInterval(15'000);
    connect(&m_timer, &QTimer::timeout, this, &MetricSourceMonitor::probeNow);
}

MetricSourceMonitor::~MetricSourceMonitor() = default;

void MetricSourceMonitor::setInterval(int ms)
{
    m_timer.setInterval(qMax(100, ms));
}

QVector<SourceHealth> MetricSourceMonitor::health() const
{
    QVector<SourceHealth> out;
    for (const Server& s : m_servers)
        out.append(s.health);
    return out;
}

void MetricSourceMonitor::start()
{
    m_timer.start();
    probeNow();
}

void MetricSourceMonitor::stop()
{
    m_timer.stop();
    for (Server& s : m_servers) {
        s.client->cancelAll();
        s.pending = 0;
    }
}

void MetricSourceMonitor::probeNow()
{
    for (Server& s : m_servers) {
        if (s.pending != 0)
            continue;
        // A probe must not outlive its round, or a hanging server would never be asked (nor shown) again.
        s.client->setTimeout(qMin(10'000, m_timer.interval()));
        s.pending = s.client->query(u"vector(1)"_s);
    }
}

void MetricSourceMonitor::onAnswer(int index, quint64 id, const PrometheusResult& result)
{
    Server& s = m_servers[index];
    if (id != s.pending)
        return;
    s.pending = 0;
    // vector(1) is valid everywhere: a refusal (401, a missing tenant, a proxy's 404) means this console
    // cannot read the server, whatever the client thinks of the server itself.
    SourceHealth h = s.client->health();
    if (result.ok()) {
        h.state = SourceHealth::State::Live;
        h.lastError.clear();
    } else {
        h.state = SourceHealth::State::Unreachable;
        h.lastSuccessAt = s.health.lastSuccessAt; // the last time this console could read it, not the server's
        h.lastError = result.error.isEmpty() ? result.errorType : result.error;
    }
    s.health = h;
    Q_EMIT healthChanged(h);
}
