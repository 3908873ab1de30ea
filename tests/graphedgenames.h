#pragma once
// "caller>callee" for every edge of a graph, sorted: graphs compared as plain lists in test failures.

#include "graph/servicegraph.h"

#include <QStringList>

namespace testsupport {

inline QStringList edgeNames(const ServiceGraph& graph)
{
    QStringList out;
    for (const ServiceGraph::Node& n : graph.nodes())
        for (const QString& callee : graph.callees(n.id))
            out << n.id + u'>' + callee;
    out.sort();
    return out;
}

} // namespace testsupport
