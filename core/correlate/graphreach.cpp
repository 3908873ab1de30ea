#include "graphreach.h"

#include "graph/servicegraph.h"

GraphReach::GraphReach(std::shared_ptr<const ServiceGraph> graph)
    : m_graph(std::move(graph))
{
    if (!m_graph)
        return;
    m_n = m_graph->nodeCount();
    m_words = (m_n + 63) / 64;
    m_bits.assign(std::size_t(m_n) * std::size_t(m_words), 0);
    for (int v = 0; v < m_n; ++v)
        m_bits[std::size_t(v) * m_words + (v >> 6)] |= std::uint64_t(1) << (v & 63);

    // Post-order over callees, so a node's dependencies are usually complete before it is folded in;
    // cycles (real graphs have them) are finished by repeating the pass until nothing changes.
    QVector<int> order;
    order.reserve(m_n);
    QVector<char> state(m_n, 0);
    for (int start = 0; start < m_n; ++start) {
        if (state[start])
            continue;
        QVector<std::pair<int, int>> stack{{start, 0}};
        state[start] = 1;
        while (!stack.isEmpty()) {
            auto& [v, next] = stack.back();
            const auto& callees = m_graph->calleesOf(v);
            if (next < callees.size()) {
                const int c = callees[next++];
                if (!state[c]) {
                    state[c] = 1;
                    stack.push_back({c, 0});
                }
            } else {
                state[v] = 2;
                order.push_back(v);
                stack.pop_back();
            }
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (int v : std::as_const(order)) {
            std::uint64_t* dst = m_bits.data() + std::size_t(v) * m_words;
            for (int c : m_graph->calleesOf(v)) {
                const std::uint64_t* src = row(c);
                for (int w = 0; w < m_words; ++w) {
                    const std::uint64_t merged = dst[w] | src[w];
                    changed |= merged != dst[w];
                    dst[w] = merged;
                }
            }
        }
    }
    m_blast.fill(0, m_n);
    for (int v = 0; v < m_n; ++v)
        forEachDependency(v, [&](int c) { ++m_blast[c]; });
}
