#pragma once
// ServiceGraphMetrics: the Prometheus series that say who calls whom, the instant query that sums them over a
// window, and how its answer becomes caller -> callee edges. Two families: Tempo's and Grafana Agent's/Alloy's
// service graphs (traces_service_graph_request_total{client,server}) and Istio's request metric
// (istio_requests_total{source_workload,destination_workload}). No network here: tested on written answers.

#include <QString>
#include <QVector>

struct PrometheusResult;

struct DiscoveredEdge
{
    QString from;       // the caller
    QString to;         // the callee
    QString calleeKind; // from Tempo's connection_type: "database", "queue"; empty when unknown
    QString origin;     // the metric the edge was read from
    double requests = 0.0; // in the window
};

class ServiceGraphMetrics
{
public:
    enum class Family { TempoServiceGraph, Istio };
    static QVector<Family> families() { return {Family::TempoServiceGraph, Family::Istio}; }
    static QString metricName(Family family);

    // sum by (caller, callee) (increase(metric[window])) > 0: the pairs that talked within the window.
    static QString query(Family family, int windowSeconds);
    // A PromQL duration: 3600 -> "1h", 5400 -> "90m", 45 -> "45s".
    static QString duration(int seconds);

    // The edges of one answer to query(family, ...), deduplicated. Endpoints nobody can alert on are left out and
    // counted in *skipped: empty, "unknown" (Istio's caller outside the mesh) and Tempo's "user" stand-in for
    // requests that arrived without a calling span. An answer that is not an instant vector is an error.
    static bool edges(Family family, const PrometheusResult& answer, QVector<DiscoveredEdge>* out, int* skipped,
                      QString* error);
};
