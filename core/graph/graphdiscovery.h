#pragma once
// GraphDiscovery: keeps the dependency graph current from one Prometheus' service-graph metrics
// (ServiceGraphMetrics), merged with the graph file when there is one (MergedGraph). Each round asks every metric
// family; only a round in which every query answered replaces the graph, and only when the graph changed (a
// new graph re-correlates the console). A round that fails (unreachable, a bad answer) or finds no edge at all
// keeps the last good graph, says so and marks the source unreachable or stale: the console never loses its
// graph because Prometheus hiccuped or a window went quiet.

#include "graph/mergedgraph.h"
#include "ingest/sourceaccess.h"
#include "metrics/prometheusresult.h"
#include "model/sourcehealth.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>

class PrometheusClient;
class QTimer;

class GraphDiscovery : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl prometheusUrl;   // a path prefix is kept (https://proxy/prometheus)
        SourceAccess access;  // token, tenant header, TLS (loadFiles() already called)
        int intervalMs = 300'000;
        int windowSeconds = 3600; // calls within this window make an edge
        int timeoutMs = 10'000;   // per round, retries included
        std::function<QDateTime()> clock; // evaluation time of the queries; empty: the server's now
    };

    // fileGraph: the graph file (or a replay's topology), may be null; it wins on conflicts.
    GraphDiscovery(Options options, std::shared_ptr<const ServiceGraph> fileGraph, QObject* parent = nullptr);
    ~GraphDiscovery() override;

    // The graph in use: the file graph until a round succeeds, then the last good merged graph.
    std::shared_ptr<const ServiceGraph> graph() const { return m_graph; }
    // Where each edge of graph() came from ("file" and/or metric names); empty before a round succeeded.
    QStringList originOf(const QString& from, const QString& to) const { return m_merged.originOf(from, to); }
    const MergedGraph& lastMerge() const { return m_merged; }
    // The last round failed or found nothing, so graph() is older than the last round.
    bool isStale() const { return m_health.state != SourceHealth::State::Live; }
    SourceHealth health() const { return m_health; }
    static QString sourceIdFor(const QUrl& url);

public Q_SLOTS:
    void start(); // a round now, then every intervalMs
    void stop();
    void refresh(); // one round now; ignored while one is in flight

Q_SIGNALS:
    // Only when the merged graph differs from the one in use.
    void graphChanged(std::shared_ptr<const ServiceGraph> graph);
    // After every round, one line for a log or a status bar: what was discovered, or why the last graph stays.
    void roundFinished(bool ok, const QString& message);
    void healthChanged(const SourceHealth& health);

private:
    void onAnswer(quint64 id, const PrometheusResult& result);
    void finishRound();
    void keepLastGraph(SourceHealth::State state, const QString& why);

    Options m_options;
    std::shared_ptr<const ServiceGraph> m_file;
    std::shared_ptr<const ServiceGraph> m_graph;
    MergedGraph m_merged;
    PrometheusClient* m_client;
    QTimer* m_timer;
    QHash<quint64, int> m_pending;                  // request id -> ServiceGraphMetrics::Family
    QVector<std::pair<int, PrometheusResult>> m_answers; // of the round in flight
    SourceHealth m_health;
};
