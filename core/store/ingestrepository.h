#pragma once
// IngestRepository: the ingest path: notifications and the alert rows they fold into, incidents with their member
// and root-cause rows, and the reads that rebuild the pipeline's state from them. The write strategy differs by
// backend and is chosen once at open (create()): SqliteIngest for the console's own file, whose only writer it is
// (it caches what it wrote and holds repeats' counters back), SharedIngest for the shared PostgreSQL store that other
// consoles write at once (JSON batch rows, no caches, every commit announced, the others' notifications read by id).
// The Store facade never asks which one it has. Errors come back as text; the facade records them.

#include "deliveryjournal.h"
#include "ingestbatch.h"
#include "model/alert.h"
#include "model/incident.h"
#include "storesql.h"

#include <QDateTime>
#include <QString>
#include <QVector>

#include <memory>
#include <optional>

class QSqlQuery;
class SearchIndex;
struct StoreConnection;

class IngestRepository
{
public:
    // SharedIngest when the connection's backend has other writers, else SqliteIngest.
    static std::unique_ptr<IngestRepository> create(StoreConnection& connection, SearchIndex& search);
    virtual ~IngestRepository() = default;
    IngestRepository(const IngestRepository&) = delete;
    IngestRepository& operator=(const IngestRepository&) = delete;

    // At a read-write open: folds in what a previous run committed but had not finished, and counts every stored
    // notification as seen.
    virtual bool open(QString* error) = 0;
    // One transaction: every notification, and one alert row per fingerprint (delivery count, flaps = firing again
    // after resolved, latest status/labels/annotations). A notification without receivedAt is stamped now. marks: the
    // journal rows of the deliveries (or big delivery's chunk) in the batch, written in the same transaction
    // (DeliveryJournal).
    virtual bool recordNotifications(const AlertBatch& batch, std::span<const DeliveryJournal::Mark> marks,
                                     QString* error) = 0;
    // The same with the batch folded already (IngestBatch::fold, maybe on another thread, with its texts). This
    // default folds again its own way.
    virtual bool recordFolded(const AlertBatch& batch, IngestBatch::Folded&& folded,
                              std::span<const DeliveryJournal::Mark> marks, QString* error);
    // Writes the counters held back in memory to their alert rows (its own transaction), so that a reader of alert
    // rows sees every stored notification counted. True and nothing when none are held back.
    virtual bool settle(QString* error);
    // The notifications other writers recorded that this repository has not returned yet, in arrival order.
    virtual QVector<Alert> othersNotifications(QString* error);
    // Drops what holds on to the connection (prepared statements): call before it closes.
    virtual void release() {}
    // Up to this many alerts new to the store are about to be stored (a big delivery, in chunks).
    virtual void expectAlerts(qsizetype alerts) { Q_UNUSED(alerts); }

    // Upserts by key (see Store::saveIncident); the row id, 0 on error.
    qint64 saveIncident(const Incident& incident, QString* error);
    bool saveIncidents(QVector<Incident>& incidents, QString* error); // one transaction; fills each id
    bool markMerged(const QString& key, qint64 intoId, QString* error);

    // Reads: error stays empty on success (a missing incident is nullopt without error).
    std::optional<Incident> loadIncident(qint64 id, QString* error) const;
    QVector<Incident> loadIncidents(int limit, QString* error) const;
    QVector<Alert> loadNotifications(const QDateTime& since, QString* error);
    qint64 notificationCount(QString* error) const;
    qint64 alertCount(QString* error) const;

protected:
    IngestRepository(StoreConnection& connection, SearchIndex& search) : m_connection(connection), m_search(search) {}

    // Digests of an incident's member rows and of its root-cause rows, apart: a new diagnosis (scores move with
    // every flap) rewrites the causes, not hundreds of unchanged member rows.
    struct RowsDigest
    {
        size_t members = 0;
        size_t causes = 0;
    };

    // Inside a save's transaction, before its first incident.
    virtual bool beforeIncidents(QString* error);
    // After the incident's row was upserted as id: whether its member and its cause rows must be written.
    virtual bool rowsToWrite(const Incident& incident, qint64 id, const RowsDigest& digest, bool* members, bool* causes,
                             QString* error) = 0;
    virtual bool writeMembers(qint64 id, const Incident& incident, QString* error);
    // After a save committed: the ids and digests of what it wrote.
    virtual void incidentsCommitted(const QVector<qint64>& ids, const QVector<RowsDigest>& digests);
    // Whether a read returns the notification with this id (unseenOnly: not if returned before); it counts as seen.
    virtual bool take(qint64 id, bool unseenOnly);
    // Runs query (columns as SelectNotifications) and returns its notifications, labels decoded once per fingerprint.
    QVector<Alert> readNotifications(QSqlQuery& query, bool unseenOnly, QString* error);

    StoreConnection& m_connection;
    SearchIndex& m_search;

private:
    qint64 saveInTransaction(const Incident& incident, RowsDigest* digest, QString* error);
    bool writeCauses(qint64 id, const Incident& incident, QString* error);
    bool loadMembersAndCauses(Incident& incident, QString* error) const;
    qint64 count(StoreSql::Id id, QString* error) const; // a counting statement's one value
};
