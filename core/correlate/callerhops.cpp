#include "callerhops.h"

#include "graph/servicegraph.h"

#include <utility>

CallerHops::CallerHops(const ServiceGraph& graph, int cause)
    : m_cause(cause)
    , m_hops(std::size_t(graph.nodeCount()), -1)
{
    if (cause < 0 || cause >= graph.nodeCount())
        return;
    m_hops[std::size_t(cause)] = 0;
    std::vector<int> frontier{cause}, next;
    while (!frontier.empty()) {
        next.clear();
        for (int v : frontier)
            for (int caller : graph.callersOf(v))
                if (m_hops[std::size_t(caller)] < 0) {
                    m_hops[std::size_t(caller)] = m_hops[std::size_t(v)] + 1;
                    next.push_back(caller);
                }
        std::swap(frontier, next);
    }
}
