#pragma once
// ViewSnapshotJson: what the incident views showed, as JSON for the view_snapshots table, so a past incident
// opens "as it looked" without the live graph file or Prometheus. The graph part is the incident's
// neighbourhood in ServiceGraph's own file format; the metrics part is each series decimated for a chart.

#include "model/incident.h"
#include "model/incidentmetricsresult.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>

class ServiceGraph;

namespace ViewSnapshotJson {

inline const QString GraphKind = QStringLiteral("graph");
inline const QString MetricsKind = QStringLiteral("metrics");

// The whole graph when it is small enough to be drawn whole (the graph view's limit), else the incident's
// services and top candidates with their direct callers and callees, and the edges among them.
QByteArray graphNeighbourhood(const ServiceGraph& graph, const Incident& incident);
std::shared_ptr<const ServiceGraph> graphFrom(const QByteArray& json, QString* error);

// Series decimated to at most about 2 * maxColumns points each; evidence and window kept.
QByteArray metrics(const IncidentMetricsResult& result, int maxColumns = 300);
std::optional<IncidentMetricsResult> metricsFrom(const QByteArray& json, QString* error);

} // namespace ViewSnapshotJson
