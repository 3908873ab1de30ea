#include "mergedgraph.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace {
const QString fromFile = u"file"_s;

// "from>to" per edge and "id:kind" per node, sorted: two graphs built in different orders compare equal.
QStringList canonical(const ServiceGraph& g)
{
    QStringList out;
    out.reserve(g.nodeCount() + g.edgeCount());
    const QVector<ServiceGraph::Node>& nodes = g.nodes();
    for (int i = 0; i < nodes.size(); ++i) {
        out << u"n:"_s + nodes[i].id + u'\x1f' + nodes[i].kind;
        for (int callee : g.calleesOf(i))
            out << u"e:"_s + nodes[i].id + u'\x1f' + nodes[callee].id;
    }
    out.sort();
    return out;
}
} // namespace

MergedGraph MergedGraph::of(const ServiceGraph* file, const QVector<DiscoveredEdge>& discovered)
{
    MergedGraph m;
    if (file) {
        for (const ServiceGraph::Node& n : file->nodes())
            m.graph.addNode(n.id, n.kind);
        const QVector<ServiceGraph::Node>& nodes = file->nodes();
        for (int i = 0; i < nodes.size(); ++i)
            for (int callee : file->calleesOf(i)) {
                m.graph.addEdge(nodes[i].id, nodes[callee].id);
                m.origins[{nodes[i].id, nodes[callee].id}] << fromFile;
            }
        m.fileEdges = file->edgeCount();
    }
    QSet<std::pair<QString, QString>> distinct;
    for (const DiscoveredEdge& e : discovered) {
        const std::pair<QString, QString> edge{e.from, e.to};
        distinct.insert(edge);
        const bool inFile = m.origins.value(edge).contains(fromFile);
        if (!inFile && m.origins.value({e.to, e.from}).contains(fromFile)) {
            m.conflicts << u"%1 -> %2 (the file has %2 -> %1)"_s.arg(e.from, e.to);
            continue;
        }
        QStringList& origin = m.origins[edge];
        if (origin.contains(e.origin))
            continue; // listed twice by one metric: one edge
        if (origin.isEmpty())
            ++m.addedEdges; // neither in the file nor discovered by another metric
        origin << e.origin;
        // The file's kind stays (addNode keeps a kind once set); a discovered one fills a node the file left open.
        m.graph.addNode(e.from);
        m.graph.addNode(e.to, e.calleeKind);
        m.graph.addEdge(e.from, e.to);
    }
    m.discoveredEdges = int(distinct.size());
    m.conflicts.removeDuplicates();
    return m;
}

bool MergedGraph::same(const ServiceGraph& a, const ServiceGraph& b)
{
    return a.nodeCount() == b.nodeCount() && a.edgeCount() == b.edgeCount() && canonical(a) == canonical(b);
}
