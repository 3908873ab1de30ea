#pragma once
// ServiceGraph: the service dependency graph. An edge from -> to means "from calls to":
// when "to" fails, "from" suffers. Immutable once built; shared read-only between threads.

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>

#include <nlohmann/json_fwd.hpp>
#include <optional>

class ServiceGraph
{
public:
    struct Node
    {
        QString id;
        QString kind; // "service", "database", "cache", "queue", ... (empty when unknown)
    };

    ServiceGraph() = default;

    // {"nodes":[{"id","kind"?}],"edges":[{"from","to"}]}. Edges may name nodes not listed; they are added.
    static std::optional<ServiceGraph> fromJson(const nlohmann::json& json, QString* error);
    // A graph file, or a scenario file's "topology". A file that yields no node is an error: an empty graph
    // would silently turn every diagnosis into "not in the dependency graph".
    static std::optional<ServiceGraph> fromFile(const QString& path, QString* error);

    void addNode(const QString& id, const QString& kind = {});
    void addEdge(const QString& from, const QString& to);

    bool contains(const QString& id) const { return m_index.contains(id); }
    int nodeCount() const { return int(m_nodes.size()); }
    int edgeCount() const { return m_edgeCount; }
    const QVector<Node>& nodes() const { return m_nodes; }
    QString kind(const QString& id) const;

    // Dense indices, for algorithms that want arrays instead of hash look-ups.
    int indexOf(const QString& id) const { return m_index.value(id, -1); }
    const QVector<int>& callersOf(int index) const { return m_callers[index]; }
    const QVector<int>& calleesOf(int index) const { return m_callees[index]; }

    QStringList callers(const QString& id) const; // who calls id (directly)
    QStringList callees(const QString& id) const; // whom id calls (directly)

    // Every node that depends on id directly or transitively, with its hop distance (id itself excluded).
    QHash<QString, int> upstreamOf(const QString& id) const;

private:
    QVector<Node> m_nodes;
    QHash<QString, int> m_index;
    QVector<QVector<int>> m_callers;
    QVector<QVector<int>> m_callees;
    int m_edgeCount = 0;
};
