#pragma once
// SearchIndex: keeps the offline-review index (incident_search, FTS5, and the label pairs of incident_labels)
// current with the incidents. A save marks an incident stale; its rows are rewritten once the delay has passed
// (a storm rewrites its incidents every refresh, and indexing them each time halved ingest); notes, resolves
// and resolutions re-index at once. Every call runs inside the caller's transaction. On a backend without
// the index (StoreBackend::hasSearchIndex) every call succeeds and does nothing.

#include <QHash>
#include <QString>

struct StoreConnection;

class SearchIndex
{
public:
    explicit SearchIndex(StoreConnection& connection) : m_connection(connection) {}

    // Marks the incident's rows stale (once until they are written).
    bool markStale(qint64 incidentId, QString* error);
    // Rewrites the incident's label pairs and search row from what is stored.
    bool reindex(qint64 incidentId, QString* error);
    // Re-indexes the stale incidents whose delay has passed; every marked one, from the table, when force.
    bool reindexStale(bool force, QString* error);
    // The backend keeps the index (StoreBackend::hasSearchIndex): history search can be answered.
    bool available() const;
    void setDelay(int ms) { m_delayMs = qMax(0, ms); }

private:
    // Whether incident_search holds what InsertSearchRow would write for the incident now.
    bool documentUnchanged(qint64 incidentId, bool* same, QString* error);

    StoreConnection& m_connection;
    QHash<qint64, qint64> m_staleSince; // incident id -> since when (ms since epoch) its rows are stale
    int m_delayMs = 10'000;
};
