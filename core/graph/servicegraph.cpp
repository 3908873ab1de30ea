#include "servicegraph.h"

#include "ingest/ingestjson.h"

#include <QFile>

#include <nlohmann/json.hpp>

namespace {
QString stringField(const nlohmann::json& object, const char* name)
{
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string())
        return {};
    return QString::fromStdString(it->get<std::string>());
}
} // namespace

std::optional<ServiceGraph> ServiceGraph::fromJson(const nlohmann::json& json, QString* error)
{
    auto fail = [error](const QString& why) -> std::optional<ServiceGraph> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (!json.is_object())
        return fail(QStringLiteral("graph must be a JSON object with \"nodes\" and \"edges\""));
    ServiceGraph graph;
    if (const auto nodes = json.find("nodes"); nodes != json.end()) {
        if (!nodes->is_array())
            return fail(QStringLiteral("graph \"nodes\" must be an array"));
        for (size_t i = 0; i < nodes->size(); ++i) {
            const auto& node = (*nodes)[i];
            const QString id = node.is_object() ? stringField(node, "id") : QString();
            if (id.isEmpty())
                return fail(QStringLiteral("graph node %1 has no string \"id\"").arg(i));
            graph.addNode(id, stringField(node, "kind"));
        }
    }
    if (const auto edges = json.find("edges"); edges != json.end()) {
        if (!edges->is_array())
            return fail(QStringLiteral("graph \"edges\" must be an array"));
        for (size_t i = 0; i < edges->size(); ++i) {
            const auto& edge = (*edges)[i];
            const QString from = edge.is_object() ? stringField(edge, "from") : QString();
            const QString to = edge.is_object() ? stringField(edge, "to") : QString();
            if (from.isEmpty() || to.isEmpty())
                return fail(QStringLiteral("graph edge %1 needs string \"from\" and \"to\"").arg(i));
            graph.addEdge(from, to);
        }
    }
    return graph;
}

std::optional<ServiceGraph> ServiceGraph::fromFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read graph file %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    nlohmann::json json;
    if (!IngestJson::parseDocument(file.readAll(), &json, error, QStringLiteral("graph file %1").arg(path)))
        return std::nullopt;
    // A scenario file carries its graph as "topology": the same graph `nightwatch-cli replay` uses.
    if (json.is_object() && !json.contains("nodes") && !json.contains("edges") && json.contains("topology"))
        json = json["topology"];
    QString why;
    auto graph = fromJson(json, &why);
    if (graph && graph->nodeCount() == 0)
        why = QStringLiteral("no nodes: expected {\"nodes\":[{\"id\"}],\"edges\":[{\"from\",\"to\"}]} "
                             "or a scenario with a \"topology\"");
    if (!graph || graph->nodeCount() == 0) {
        if (error)
            *error = QStringLiteral("graph file %1: %2").arg(path, why);
        return std::nullopt;
    }
    return graph;
}

void ServiceGraph::addNode(const QString& id, const QString& kind)
{
    if (const int existing = indexOf(id); existing >= 0) {
        if (m_nodes[existing].kind.isEmpty())
            m_nodes[existing].kind = kind;
        return;
    }
    m_index.insert(id, int(m_nodes.size()));
    m_nodes.push_back({id, kind});
    m_callers.push_back({});
    m_callees.push_back({});
}

void ServiceGraph::addEdge(const QString& from, const QString& to)
{
    addNode(from);
    addNode(to);
    const int f = indexOf(from);
    const int t = indexOf(to);
    if (f == t || m_callees[f].contains(t))
        return;
    m_callees[f].push_back(t);
    m_callers[t].push_back(f);
    ++m_edgeCount;
}

QString ServiceGraph::kind(const QString& id) const
{
    const int i = indexOf(id);
    return i < 0 ? QString() : m_nodes[i].kind;
}

QStringList ServiceGraph::callers(const QString& id) const
{
    QStringList out;
    if (const int i = indexOf(id); i >= 0)
        for (int c : m_callers[i])
            out << m_nodes[c].id;
    return out;
}

QStringList ServiceGraph::callees(const QString& id) const
{
    QStringList out;
    if (const int i = indexOf(id); i >= 0)
        for (int c : m_callees[i])
            out << m_nodes[c].id;
    return out;
}

QHash<QString, int> ServiceGraph::upstreamOf(const QString& id) const
{
    QHash<QString, int> hops;
    const int start = indexOf(id);
    if (start < 0)
        return hops;
    QVector<int> frontier{start};
    QVector<bool> seen(m_nodes.size(), false);
    seen[start] = true;
    for (int depth = 1; !frontier.isEmpty(); ++depth) {
        QVector<int> next;
        for (int node : frontier)
            for (int caller : m_callers[node])
                if (!seen[caller]) {
                    seen[caller] = true;
                    hops.insert(m_nodes[caller].id, depth);
                    next.push_back(caller);
                }
        frontier = std::move(next);
    }
    return hops;
}
