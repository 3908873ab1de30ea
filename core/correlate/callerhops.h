#pragma once
// CallerHops: how many calls away each service is from one cause, walking up its callers (breadth first).
// Symptoms reach far callers later, so the hop count turns "is this alert too late to be that cause's
// symptom" into a budget: base + hops * perHop seconds after the cause's onset (see Correlator::Options).

#include <vector>

class ServiceGraph;

class CallerHops
{
public:
    CallerHops(const ServiceGraph& graph, int cause);

    int cause() const { return m_cause; }
    // -1 when `node` does not depend on the cause.
    int hops(int node) const { return node >= 0 && node < int(m_hops.size()) ? m_hops[std::size_t(node)] : -1; }

private:
    int m_cause = -1;
    std::vector<int> m_hops;
};
