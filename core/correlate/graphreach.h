#pragma once
// GraphReach: for every service, the set of nodes it depends on directly or transitively (itself included),
// as dense bitsets. "Could c be the common cause of alerts on a and b" becomes two bit tests, which is what
// lets the correlator and the diagnoser stay fast on 1,000-node graphs. Immutable once built.

#include <QVector>

#include <cstdint>
#include <memory>

class ServiceGraph;

class GraphReach
{
public:
    explicit GraphReach(std::shared_ptr<const ServiceGraph> graph);

    const ServiceGraph* graph() const { return m_graph.get(); }
    int nodeCount() const { return m_n; }
    int words() const { return m_words; }

    // Does `from` depend on `to` (from == to counts)?
    bool reaches(int from, int to) const { return (row(from)[to >> 6] >> (to & 63)) & 1u; }
    const std::uint64_t* row(int from) const { return m_bits.data() + std::size_t(from) * std::size_t(m_words); }
    // How many nodes depend on c, c included: the blast radius c would have if it failed.
    int blastRadius(int c) const { return m_blast[c]; }

    template <typename F>
    void forEachDependency(int from, F&& f) const
    {
        const std::uint64_t* r = row(from);
        for (int w = 0; w < m_words; ++w)
            for (std::uint64_t x = r[w]; x; x &= x - 1)
                f(w * 64 + __builtin_ctzll(x));
    }

private:
    std::shared_ptr<const ServiceGraph> m_graph;
    int m_n = 0;
    int m_words = 0;
    std::vector<std::uint64_t> m_bits;
    QVector<int> m_blast;
};
