#pragma once
// SearchIndex: keeps the offline-review index (incident_search, FTS5, and the label pairs of incident_labels)
// current with the incidents. A save marks an incident stale; its rows are rewritten once the delay has passed
// (a storm rewrites its incidents every refresh, and indexing them each time halved ingest); notes, resolves
// and resolutions re-index at once. Every call runs inside the caller's transaction. On a backend without
// the index (StoreBackend::hasSearchIndex) every call succeeds and does nothing.
// An incident that only grew since its last index gets the label pairs of its new members added, instead of its
// pairs recomputed from every member (json_each over 100,000 members' labels took a second per save): the writer
// tells, per save, how many of its member rows stayed as they were (noteMembersKept), and what was indexed is
// remembered only once its transaction committed (beginBatch/committed), so a rolled-back index is done again whole.

#include <QDeadlineTimer>
#include <QHash>
#include <QString>

struct StoreConnection;

class SearchIndex
{
public:
    explicit SearchIndex(StoreConnection& connection) : m_connection(connection) {}

    // Marks the incident's rows stale (once until they are written).
    bool markStale(qint64 incidentId, QString* error);
    // Inside a save: the incident's member rows at positions [0, kept) are those (same alert, same labels) it had
    // before this save; 0 when they were rewritten or the writer cannot tell. Only lowers what was noted before.
    void noteMembersKept(qint64 incidentId, qsizetype kept);
    // Rewrites the incident's label pairs and search row from what is stored (all its members).
    bool reindex(qint64 incidentId, QString* error);
    // Re-indexes the stale incidents whose delay has passed; every marked one, from the table, when force. An
    // incident whose indexed members were all kept since only adds the pairs of the members after them. None is
    // begun once the deadline has passed (an exit's): those stay marked, and *notReached says how many.
    bool reindexStale(bool force, QString* error, QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever),
                      qsizetype* notReached = nullptr);
    // Milliseconds until the first incident marked stale by this run falls due (0: due now), -1 when none is.
    qint64 msUntilDue() const;
    // Around the transaction of reindexStale(): forgets what an earlier one that did not commit indexed, and takes
    // over what this one indexed once it committed.
    void beginBatch() { m_indexing.clear(); }
    void committed();
    // The backend keeps the index (StoreBackend::hasSearchIndex): history search can be answered.
    bool available() const;
    void setDelay(int ms) { m_delayMs = qMax(0, ms); }

private:
    // Whether incident_search holds what InsertSearchRow would write for the incident now.
    bool documentUnchanged(qint64 incidentId, bool* same, QString* error);
    // reindex(), with the label pairs of only the members added since the last committed index when allowed.
    bool index(qint64 incidentId, bool incrementally, QString* error);

    StoreConnection& m_connection;
    QHash<qint64, qint64> m_staleSince; // incident id -> since when (ms since epoch) its rows are stale
    int m_delayMs = 10'000;
    // Per incident id: its label pairs, as committed, are those of its member rows [0, n) as stored then.
    QHash<qint64, qsizetype> m_indexedMembers;
    // Per incident id: the fewest member rows any save since its last committed index kept (absent: all).
    QHash<qint64, qsizetype> m_keptSince;
    QHash<qint64, qsizetype> m_indexing; // m_indexedMembers of the open transaction's indexes
};
