#pragma once
// SqliteIngest: the ingest write strategy of the console's own SQLite file, whose only writer it is. That makes three
// shortcuts sound: it remembers what it last wrote to each alert row (a repeat with the same details changes only
// counters, and a flap is counted without reading the row), it holds the repeats' counters back in memory for up to a
// second (PendingAlertCounts: one write per row per flush instead of one per delivery), and it rewrites an incident's
// member and cause rows only when they changed. Rows are bound natively (SqliteStatement), a delivery is one row of
// the deliveries table (schema v8), and a batch's alert rows written whole go through AlertRowBatch (encoded in
// batch order, written in fingerprint order, new ones many rows to an INSERT). The write-ahead log is checkpointed on a
// thread of its own (SqliteCheckpointer), not inside the commit that answers a delivery.

#include "fingerprinttable.h"
#include "ingestrepository.h"
#include "knownalerts.h"
#include "pendingalertcounts.h"
#include "sqlitecheckpointer.h"
#include "sqlitestatement.h"
#include "storesql.h"

#include <QElapsedTimer>
#include <QHash>

#include <array>
#include <functional>
#include <memory>

class SqliteIngest : public IngestRepository
{
public:
    SqliteIngest(StoreConnection& connection, SearchIndex& search) : IngestRepository(connection, search) {}

    bool open(QString* error) override;
    bool recordNotifications(const AlertBatch& batch, std::span<const DeliveryJournal::Mark> marks,
                             QString* error) override;
    bool recordFolded(const AlertBatch& batch, IngestBatch::Folded&& folded,
                      std::span<const DeliveryJournal::Mark> marks, QString* error) override;
    bool settle(QString* error) override;
    void release() override;
    // Room for them in what it knows of the rows, made at once: grown chunk by chunk, it doubled two or three times
    // during one 100,000-alert body, moving every entry and slot each time (8 % of the pipeline thread's time from
    // the body's first chunk to its answer).
    void expectAlerts(qsizetype alerts) override { m_known.reserve(m_known.size() + alerts); }

protected:
    bool beforeIncidents(QString* error) override;
    bool rowsToWrite(const Incident& incident, qint64 id, const RowsDigest& digest, bool* members, bool* causes,
                     QString* error) override;
    bool writeMembers(qint64 id, const Incident& incident, QString* error) override;
    void incidentsCommitted(const QVector<qint64>& ids, const QVector<RowsDigest>& digests) override;

private:
    SqliteStatement* native(StoreSql::Native id, QString* error);
    std::function<SqliteStatement*(StoreSql::Native, QString*)> statements(); // native(), for AlertRowBatch
    // Writes deltas to their rows inside the caller's transaction (a row gone meanwhile is written whole again from
    // its latest notification) and, when countedThrough > 0, records that every notification up to it is counted.
    bool writeAlertCounts(const QHash<QString, AlertCountDelta>& deltas, qint64 countedThrough, QString* error);
    bool writeAlertCounts(const QVector<const AlertCountDelta*>& deltas, qint64 countedThrough, QString* error);
    qint64 nowMs();

    // What this repository last wrote to each alerts row it touched: enough to count a flap and to know that the
    // counters alone changed. Filled only after a commit, so a rolled-back batch cannot leave it ahead of the file.
    KnownAlerts m_known;
    PendingAlertCounts m_pending;
    bool m_settlesWithCommit = false; // the open incidents transaction writes every pending counter
    qint64 m_lastNotificationId = 0;  // the newest notification written or found at open
    QElapsedTimer m_steady;
    // Per incident id: digests of the member and root-cause rows last committed. A storm touches the same incident
    // with every repeat notification; its rows are rewritten only when they really changed.
    QHash<qint64, RowsDigest> m_writtenDetail;
    // Per incident id: its member rows as last committed (position = index), so that a save writes the rows that
    // changed and deletes those gone instead of rewriting all of them: an incident of 100,000 alerts that gains one
    // writes one row. Strings shared with the incident's alerts. Written by a save, taken over at its commit.
    // The labels are not in the row but in its alert's: kept so that the search index knows which members are as
    // they were when it last took their label pairs (SearchIndex::noteMembersKept). A member whose labels changed
    // has its row rewritten as if it had moved.
    struct MemberRow
    {
        QString fingerprint;
        QString inhibitedBy;
        bool inhibited;
        decltype(Alert::labels) labels; // shared with the alert's
        bool operator==(const MemberRow&) const = default;
    };
    // The rows this run last wrote for the incident (in the open save, or committed), or nullptr.
    const QVector<MemberRow>* writtenMembers(qint64 id) const;
    QHash<qint64, QVector<MemberRow>> m_writtenMembers;
    QHash<qint64, QVector<MemberRow>> m_savingMembers; // the open save's, until its commit
    std::array<std::unique_ptr<SqliteStatement>, StoreSql::NativeCount> m_natives;
    SqliteCheckpointer m_checkpointer; // the log is copied into the file off the committing thread
};
