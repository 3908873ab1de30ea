#pragma once
// MergedGraph: a graph file and the edges discovered from metrics, as one graph. The file is what people wrote
// on purpose, so it wins: its node kinds stay, and a discovered edge running against one of its edges (b -> a
// where the file says a -> b) is left out as a conflict rather than turned into a cycle. Every other discovered
// edge is added. Each edge remembers where it came from ("file", a metric name, or both).

#include "graph/servicegraph.h"
#include "graph/servicegraphmetrics.h"

#include <QHash>
#include <QStringList>

#include <utility>

struct MergedGraph
{
    ServiceGraph graph;
    QHash<std::pair<QString, QString>, QStringList> origins; // (from, to) -> "file" and/or metric names
    int fileEdges = 0;
    int discoveredEdges = 0; // distinct discovered edges, conflicts included
    int addedEdges = 0;      // discovered edges the file did not have
    QStringList conflicts;   // "b -> a (the file has a -> b)"

    // file may be null (no graph file).
    static MergedGraph of(const ServiceGraph* file, const QVector<DiscoveredEdge>& discovered);

    QStringList originOf(const QString& from, const QString& to) const { return origins.value({from, to}); }

    // Same nodes, kinds and edges, in any order: a refresh that changes nothing must not re-correlate the console.
    static bool same(const ServiceGraph& a, const ServiceGraph& b);
};
