#pragma once
// Store: the console's only writer of its SQLite database. Persists every notification, the
// deduplicated alerts, incidents with their members and diagnosis, human actions, change events
// and the runbook audit, and reads them back so the pipeline can rebuild its state at start.
//
// The same Store works on PostgreSQL (Qt's QPSQL driver) when open() is given a postgresql:// URL: the
// shared team store several consoles write at once. Then every commit is announced to the others with
// NOTIFY nightwatch, '<what>:<subject>', watchOthers() hears theirs, and othersNotifications() reads the
// deliveries they recorded; upserts by incident key and fingerprint keep one row however many write it.
//
// Threading: a Store is NOT thread-safe. The pipeline owns one Store and serialises every call to
// it on one thread at a time. Call open() on the thread that will use the Store (QtSql ties a
// connection to the thread that opened it); the connection name given to the constructor must be
// unique among live Stores in the process.
//
// Storage conventions: times are INTEGER milliseconds since the epoch (UTC), NULL when unknown;
// label and annotation sets are JSON objects (UTF-8 text, kept verbatim); enums are lowercase words
// ("firing", "acknowledged") so the file stays readable with the sqlite3 shell during a review.

#include "model/alert.h"
#include "model/changeevent.h"
#include "model/incident.h"
#include "model/incidentaction.h"
#include "model/pastincident.h"
#include "model/resolution.h"
#include "model/runbookrun.h"
#include "store/deliveryjournal.h"
#include "store/incidentrecord.h"
#include "store/preparednotifications.h"

#include <QByteArray>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QHash>
#include <QSqlDatabase>
#include <QString>
#include <QVector>

#include <functional>
#include <memory>
#include <optional>

struct HistoryPage;  // history/historysummary.h: the history module builds on the store, not the reverse
struct HistoryQuery; // history/historyquery.h
class QObject;
class QSqlDatabase;

class Store
{
public:
    explicit Store(const QString& connectionName = QStringLiteral("nightwatch-store"));
    ~Store();

    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    enum class OpenMode
    {
        ReadWrite,
        ReadOnly // a reader beside the writer (the history browser's worker): never migrates, never writes
    };

    // Opens (creating if missing) the database file at path and migrates its schema to the latest
    // version. The directory must exist. A database written by a newer Nightwatch is refused.
    // path may also be postgresql://user[:password]@host[:port]/database (the database must exist).
    // ReadOnly opens an existing file only, and only at the latest schema version (it cannot migrate).
    bool open(const QString& path, QString* error, OpenMode mode = OpenMode::ReadWrite);
    void close();
    bool isOpen() const;
    int schemaVersion() const; // of the open database; 0 when closed
    static int latestSchemaVersion();
    static bool isServerUrl(const QString& path);    // postgresql:// or postgres://
    static QString displayName(const QString& path); // path, or the URL without its password

    // PostgreSQL: other consoles write the same database.
    bool isShared() const;
    // Shared store only: onChange(what, subject) runs on context's thread for each change another console
    // commits, with what = "notifications" (subject: how many), "incident" (its key), "action" or "runbook"
    // (the incident id). Needs an event loop on the Store's thread.
    bool watchOthers(QObject* context, std::function<void(const QString& what, const QString& subject)> onChange,
                     QString* error);
    // Shared store only: the notifications other consoles recorded that this Store has not returned yet
    // (its own never), in arrival order, in the shape loadNotifications() gives.
    QVector<Alert> othersNotifications();

    // One transaction: inserts every notification and upserts one alert row per fingerprint
    // (delivery count, flaps = firing again after resolved, latest status/labels/annotations).
    // A notification without receivedAt is stamped with the time it is recorded. mark: how much of a big delivery
    // is committed with this batch, written in the same transaction (DeliveryJournal).
    bool recordNotifications(const AlertBatch& batch, QString* error, const DeliveryJournal::Mark* mark = nullptr);
    // The same with the journal rows of every delivery in the batch (a group commit of small ones, and a chunk).
    bool recordNotifications(const AlertBatch& batch, QString* error, std::span<const DeliveryJournal::Mark> marks);
    // The same for a batch prepared ahead (PreparedNotifications, maybe on another thread).
    bool recordNotifications(PreparedNotifications&& prepared, QString* error,
                             std::span<const DeliveryJournal::Mark> marks);
    // The journal row of a delivery written at or after notBefore (nullopt: none, or error set).
    std::optional<DeliveryJournal::Mark> deliveryMark(const QByteArray& key, const QDateTime& notBefore,
                                                      QString* error);
    // The same for several keys at once, by key (those without a row missing; empty with error set on failure).
    QHash<QByteArray, DeliveryJournal::Mark> deliveryMarks(const QList<QByteArray>& keys, const QDateTime& notBefore,
                                                           QString* error);
    // Every alert of batch is stored with the status the batch gives it last (its alert row's latest status), so
    // storing the batch again would only add to the counters: what tells a sender's resend from an identical body
    // that brings news (the alert resolved and fired again since). False with error set when the read failed.
    bool alertsStandAsIn(const AlertBatch& batch, QString* error);

    // Upserts by incident.key, replaces membership and root causes, returns the row id (0 on
    // error). When incident.state is Triggered the stored state and acknowledgement are kept: the
    // correlator does not know about acks. Acknowledgement fields are never cleared by a save.
    qint64 saveIncident(const Incident& incident, QString* error);
    // Like saveIncident for each element, all in ONE transaction; fills each incident.id.
    bool saveIncidents(QVector<Incident>& incidents, QString* error);
    // Marks the incident with this key as merged into incident intoId (hidden from loadIncidents).
    bool markMerged(const QString& key, qint64 intoId, QString* error);

    // Records a human decision with time and OS user. "ack" also sets the incident Acknowledged
    // with acknowledged_at/by, "mitigate" sets Mitigated with mitigated_at/by, "resolve" sets Resolved
    // with resolved_at/by (the first of each counts for MTTA/MTTR); other kinds ("note", "approve",
    // ...) are recorded only. when defaults to now (an import or a seeded history passes its own).
    bool recordAction(qint64 incidentId, const QString& kind, const QString& note, QString* error,
                      const QDateTime& when = {});

    // The engineer's answer at resolve time, one per incident (a second answer replaces the first).
    // user is always currentUser(); at defaults to now.
    bool recordResolution(const Resolution& resolution, QString* error);
    std::optional<Resolution> resolution(qint64 incidentId) const;

    // Incidents as incident memory reads them (see PastIncident), newest first. The finder of similar incidents
    // asks for the resolved ones only (bounded: the last few thousand are plenty and keep a refresh fast); the
    // patterns ask for every incident that began in [from, to).
    struct PastQuery
    {
        int limit = 5000;
        bool resolvedOnly = true; // newest resolve first; else newest first alert first
        QDateTime from, to;       // on first_alert_at; invalid: unbounded
        std::optional<qint64> id; // just this incident
    };
    QVector<PastIncident> pastIncidents(const PastQuery& query) const;

    using Action = IncidentAction;                    // the name callers used before it moved to core/model
    QVector<Action> actions(qint64 incidentId) const; // oldest first

    // With member alerts (TrackedAlert rebuilt from the alerts table) and root causes.
    std::optional<Incident> loadIncident(qint64 id) const;
    QVector<Incident> loadIncidents(int limit = 500) const; // not merged, newest (last alert) first
    // Every notification received at or after since, in arrival order. Labels, annotations and
    // generatorUrl are the alert's latest (a fingerprint names one label set).
    QVector<Alert> loadNotifications(const QDateTime& since) const;

    bool recordChange(const ChangeEvent& change, QString* error);
    bool recordChanges(const QVector<ChangeEvent>& changes, QString* error); // one transaction: all or none
    QVector<ChangeEvent> loadChanges(const QDateTime& since) const;          // oldest first

    // The runbook audit: one row per step attempt, refused and rejected ones included. who is always
    // currentUser(); at defaults to now. Returns the row id, 0 on error.
    qint64 recordRunbookRun(const RunbookRun& run, QString* error);
    // Oldest first; every run when incidentId is nullopt, else that incident's.
    QVector<RunbookRun> runbookRuns(std::optional<qint64> incidentId = std::nullopt) const;

    // Writes an incident read elsewhere (a bundle) as it was: its key, lifecycle times and users, member
    // alerts with their deliveries, root causes, actions, resolution and runbook audit with their original
    // users, and the changes around it; new row ids, one transaction. An incident whose key is already
    // stored is left alone (*existed = true, *id = its row): importing the same bundle twice adds nothing.
    // Alerts already stored by fingerprint are kept with their deliveries; only new ones get theirs.
    bool importIncident(const IncidentRecord& record, qint64* id, bool* existed, QString* error);

    // The open connection, for read-only query classes (report/ReportQuery) on the Store's thread.
    // Every write goes through a Store method. Invalid when closed.
    QSqlDatabase connection() const;
    // Hands back the page cache a big transaction grew (up to 64 MiB for SQLite) once a storm has passed; the
    // next write reads what it needs again. A no-op on a shared (PostgreSQL) store.
    void releaseCache();
    // Up to this many alerts new to the store are about to be stored (a big delivery, in chunks): the SQLite store
    // makes room for them at once in what it keeps of every alert row.
    void expectAlerts(qsizetype alerts);
    // Offline review (storehistory.cpp). Every save of an incident, note, resolve and resolution keeps the
    // full-text index (incident_search) and the label pairs (incident_labels) current in the same transaction.
    // One page of incidents matching query, newest first, with the total; nullopt with error on failure.
    std::optional<HistoryPage> searchHistory(const HistoryQuery& query, QString* error) const;
    // A save leaves an incident's search row stale for up to the delay (10 s): a storm rewrites its incidents
    // every refresh and indexing them each time halved ingest; a later save writes the rows that are due, in
    // its own transaction. Notes, resolves and resolutions re-index at once. refreshSearchIndex() catches up
    // now; open() does it too (a run that stopped in between), and so does the pipeline at exit, until its deadline
    // (none is begun after it; those stay marked for the next open, and *notReached says how many).
    void setSearchIndexDelay(int ms);
    bool refreshSearchIndex(QString* error, QDeadlineTimer deadline = QDeadlineTimer(QDeadlineTimer::Forever),
                            qsizetype* notReached = nullptr);
    // The rows that are due, as a save writes them (one slice), in a transaction of its own: a storm's last saves
    // leave rows stale with no save after them, and the pipeline writes them once quiet instead of at its exit.
    bool indexDueSearchRows(QString* error);
    // Milliseconds until the next stale row falls due (0: now), -1 when none is stale.
    qint64 searchRowsDueInMs() const;
    // What a view showed, as JSON, so a past incident can be opened without live sources: one per kind
    // ("graph", "metrics"); a later one of the same kind replaces it. at defaults to now.
    bool saveViewSnapshot(qint64 incidentId, const QString& kind, const QByteArray& json, QString* error,
                          const QDateTime& at = {});
    QHash<QString, QByteArray> viewSnapshots(qint64 incidentId) const; // by kind
    // Every notification of the incident's member alerts within its window (an hour before the first onset to
    // its last notification), in arrival order, labels as in loadNotifications: what a replay needs.
    QVector<Alert> incidentNotifications(qint64 incidentId) const;
    // The other alerts' notifications from an hour before the incident's first onset to an hour after its last, in
    // arrival order: the neighbouring incidents a replay needs to diagnose it as the console did.
    QVector<Alert> neighbourNotifications(qint64 incidentId) const;

    qint64 notificationCount() const;
    qint64 alertCount() const;
    QString lastError() const;

    // The OS user recorded with human actions (USER, else USERNAME, else the account name of the process).
    static QString currentUser();

private:
    struct Impl;

    bool fail(const QString& message, QString* error) const;
    // A read's error text (empty: it succeeded) becomes lastError().
    void noteRead(const QString& why) const;
    // Counters the ingest path holds back in memory are written before anything reads alert rows (warns on failure:
    // the rows then trail by a moment).
    void settleAlertCountsForReaders() const;
    // Stale search rows in one transaction: every marked one (all) or those due, until the deadline.
    bool reindexSearchRows(bool all, QDeadlineTimer deadline, qsizetype* notReached, QString* error);
    // The notifications received from beforeMs before the incident's first onset to afterMs after its last, of its
    // member alerts (members) or of every other alert, in arrival order.
    QVector<Alert> notificationsInWindow(qint64 incidentId, qint64 beforeMs, qint64 afterMs, bool members) const;

    QString m_connectionName;
    std::unique_ptr<Impl> m_impl; // the open connection and its repositories; null when closed
    mutable QString m_lastError;
};
