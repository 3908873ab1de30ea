#include "graphdiscovery.h"

#include "metrics/prometheusclient.h"
#include "metrics/prometheusresult.h"

#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {
// No HTTP answer, a timeout or a 5xx: the server is down. Anything else reached it and got a bad answer.
bool serverDown(const PrometheusResult& r)
{
    return r.errorType == u"network" || r.errorType == u"timeout" || r.httpStatus == 0 || r.httpStatus >= 500;
}
} // namespace

GraphDiscovery::GraphDiscovery(Options options, std::shared_ptr<const ServiceGraph> fileGraph, QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_file(std::move(fileGraph)), m_graph(m_file),
      m_client(new PrometheusClient(m_options.prometheusUrl, this)), m_timer(new QTimer(this))
{
    m_client->setAccess(m_options.access);
    m_client->setTimeout(m_options.timeoutMs);
    connect(m_client, &PrometheusClient::finished, this, &GraphDiscovery::onAnswer);
    m_timer->setInterval(qMax(1000, m_options.intervalMs));
    connect(m_timer, &QTimer::timeout, this, &GraphDiscovery::refresh);
    m_health.id = sourceIdFor(m_options.prometheusUrl);
    m_health.displayName = tr("Graph discovery (Prometheus %1)").arg(m_options.prometheusUrl.toDisplayString());
    m_health.state = SourceHealth::State::Stale; // not asked yet
    m_health.kind = SourceHealth::Kind::Metrics; // a lost round keeps the last graph; no alert is missed
    m_health.access = m_options.access.describe(m_options.prometheusUrl);
}

GraphDiscovery::~GraphDiscovery() = default;

QString GraphDiscovery::sourceIdFor(const QUrl& url)
{
    return u"graph-discovery:"_s + url.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
}

void GraphDiscovery::start()
{
    refresh();
    m_timer->start();
}

void GraphDiscovery::stop()
{
    m_timer->stop();
    m_client->cancelAll();
    m_pending.clear();
    m_answers.clear();
}

void GraphDiscovery::refresh()
{
    if (!m_pending.isEmpty())
        return;
    m_answers.clear();
    const QDateTime at = m_options.clock ? m_options.clock() : QDateTime();
    for (const ServiceGraphMetrics::Family family : ServiceGraphMetrics::families()) {
        const auto id = m_client->query(ServiceGraphMetrics::query(family, m_options.windowSeconds), at);
        m_pending.insert(id, int(family));
    }
}

void GraphDiscovery::onAnswer(quint64 id, const PrometheusResult& result)
{
    const auto it = m_pending.constFind(id);
    if (it == m_pending.cend())
        return;
    m_answers.append({*it, result});
    m_pending.erase(it);
    if (m_pending.isEmpty())
        finishRound();
}

void GraphDiscovery::finishRound()
{
    QVector<DiscoveredEdge> edges;
    int skipped = 0;
    QStringList errors;
    bool down = false;
    QStringList metrics;
    // In family order, whichever answered first: the same answers give the same graph and the same origins.
    std::sort(m_answers.begin(), m_answers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [family, result] : std::as_const(m_answers)) {
        const auto f = ServiceGraphMetrics::Family(family);
        metrics << ServiceGraphMetrics::metricName(f);
        QString why;
        if (!ServiceGraphMetrics::edges(f, result, &edges, &skipped, &why)) {
            errors << (why.contains(ServiceGraphMetrics::metricName(f)) ? why
                                                                         : ServiceGraphMetrics::metricName(f) + u": "_s + why);
            down = down || serverDown(result);
        }
    }
    m_answers.clear();
    // One family failing while the other answered would drop its edges: a partial graph is not a new graph.
    if (!errors.isEmpty()) {
        errors.removeDuplicates();
        keepLastGraph(down ? SourceHealth::State::Unreachable : SourceHealth::State::Stale, errors.join(u"; "_s));
        return;
    }
    if (edges.isEmpty()) {
        keepLastGraph(SourceHealth::State::Stale,
                      tr("no caller/callee pair in %1 over the last %2")
                          .arg(metrics.join(u", "_s), ServiceGraphMetrics::duration(m_options.windowSeconds)));
        return;
    }
    m_merged = MergedGraph::of(m_file.get(), edges);
    const bool changed = !m_graph || !MergedGraph::same(*m_graph, m_merged.graph);
    m_health.state = SourceHealth::State::Live;
    m_health.lastSuccessAt = QDateTime::currentDateTimeUtc();
    m_health.lastError.clear();
    m_health.alertCount = m_merged.discoveredEdges;
    // The counts first: a narrow status bar cuts the end.
    QString message = tr("graph discovered: %1 services, %2 edges (%3 from the file, %4 discovered, %5 added)")
                          .arg(m_merged.graph.nodeCount())
                          .arg(m_merged.graph.edgeCount())
                          .arg(m_merged.fileEdges)
                          .arg(m_merged.discoveredEdges)
                          .arg(m_merged.addedEdges);
    if (skipped > 0)
        message += tr("; %1 series without a usable caller or callee ignored").arg(skipped);
    if (!m_merged.conflicts.isEmpty())
        message += tr("; against the file, left out: %1").arg(m_merged.conflicts.join(u", "_s));
    if (!changed)
        message += tr("; unchanged");
    message += tr("; from %1").arg(m_options.prometheusUrl.toDisplayString());
    Q_EMIT healthChanged(m_health);
    if (changed) {
        m_graph = std::make_shared<const ServiceGraph>(m_merged.graph);
        Q_EMIT graphChanged(m_graph);
    }
    Q_EMIT roundFinished(true, message);
}

void GraphDiscovery::keepLastGraph(SourceHealth::State state, const QString& why)
{
    const QString kept =
        m_health.lastSuccessAt.isValid()
            ? tr("keeping the graph discovered at %1 (%2 services, %3 edges), now stale")
                  .arg(m_health.lastSuccessAt.toLocalTime().toString(u"HH:mm:ss"_s))
                  .arg(m_graph ? m_graph->nodeCount() : 0)
                  .arg(m_graph ? m_graph->edgeCount() : 0)
        : m_file ? tr("keeping the graph file (%1 services, %2 edges)").arg(m_file->nodeCount()).arg(m_file->edgeCount())
                 : tr("no dependency graph yet");
    m_health.state = state;
    m_health.lastError = why + u"; "_s + kept;
    Q_EMIT healthChanged(m_health);
    Q_EMIT roundFinished(false, tr("graph discovery from %1: %2").arg(m_options.prometheusUrl.toDisplayString(),
                                                                        m_health.lastError));
}
