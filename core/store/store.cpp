#include "store.h"

#include <pwd.h>
#include <unistd.h>

#include "labeljson.h"
#include "pendingalertcounts.h"
#include "sqlitestatement.h"
#include "sqltransaction.h"
#include "storeschema.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QVariant>

#include <algorithm>
#include <array>
#include <charconv>

using namespace Qt::StringLiterals;

namespace {

enum Stmt
{
    InsertNotifications,
    CountBoundaryFlaps,
    UpsertAlerts,
    UpdateKnownAlerts,
    UpsertIncident,
    DeleteMembers,
    InsertMember,
    DeleteCauses,
    InsertCause,
    IncidentExists,
    MarkMerged,
    InsertAction,
    AckIncident,
    MitigateIncident,
    ResolveIncident,
    SelectActions,
    SelectIncident,
    SelectIncidents,
    SelectMembers,
    SelectCauses,
    SelectNotifications,
    InsertChange,
    SelectChanges,
    CountNotifications,
    CountAlerts,
    InsertRunbookRun,
    SelectRunbookRuns,
    UpsertResolution,
    SelectResolution,
    SelectNotificationsAfter,
    Notify,
    DeleteIncidentLabels,
    InsertIncidentLabels,
    DeleteSearchRow,
    InsertSearchRow,
    MarkStale,
    ClearStale,
    SelectStale,
    StmtCount
};

// How an alert row takes a newer fold of its notifications: the ON CONFLICT clause of both upserts, the JSON
// batch one (the shared store) and the native one (SQLite). SET expressions see the old row as alerts.*.
#define ALERT_UPSERT_SET                                                                                               \
    "ON CONFLICT(fingerprint) DO UPDATE SET labels = excluded.labels, annotations = excluded.annotations, "            \
    "status = excluded.status, starts_at = excluded.starts_at, ends_at = excluded.ends_at, "                           \
    "first_starts_at = CASE WHEN alerts.first_starts_at IS NULL OR excluded.first_starts_at < "                        \
    "alerts.first_starts_at THEN excluded.first_starts_at ELSE alerts.first_starts_at END, "                           \
    "first_received_at = min(alerts.first_received_at, excluded.first_received_at), "                                  \
    "last_received_at = max(alerts.last_received_at, excluded.last_received_at), "                                     \
    "notification_count = alerts.notification_count + excluded.notification_count, "                                   \
    "flap_count = alerts.flap_count + excluded.flap_count, "                                                           \
    "source = excluded.source, generator_url = excluded.generator_url"

// Column lists are spelled out (never SELECT *) so a later migration adding columns cannot shift
// positions under the readers.
const QString& sqlOf(Stmt id)
{
    static const std::array<QString, StmtCount> sql = {
        // InsertNotifications: the whole batch arrives as ONE bound JSON array of rows
        // [fingerprint, status, startsAt, endsAt, receivedAt, source] and json_each expands it.
        // QtSql's per-value binding costs more than SQLite's JSON parsing (see recordNotifications).
        u"INSERT INTO notifications(fingerprint, status, starts_at, ends_at, received_at, source) "
        "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "
        "json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]') "
        "FROM json_each(?)"_s,
        // CountBoundaryFlaps: alerts stored as resolved whose batch starts with a firing
        // notification flapped once more. Runs before UpsertAlerts overwrites the status; only for
        // fingerprints whose stored status this Store does not already know.
        u"UPDATE alerts SET flap_count = flap_count + 1 WHERE status = 'resolved' "
        "AND fingerprint IN (SELECT value FROM json_each(?))"_s,
        // UpsertAlerts: one row per fingerprint per batch, already folded in memory:
        // [fingerprint, labels, annotations, status, startsAt, endsAt, firstStartsAt, firstReceived,
        //  lastReceived, count, flaps, source, generatorUrl]. SET expressions see the old row.
        u"INSERT INTO alerts(fingerprint, labels, annotations, status, starts_at, ends_at, first_starts_at, "
        "first_received_at, last_received_at, notification_count, flap_count, source, generator_url) "
        "SELECT json_extract(value, '$[0]'), value -> 1, value -> 2, json_extract(value, '$[3]'), "
        "json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]'), "
        "json_extract(value, '$[7]'), json_extract(value, '$[8]'), json_extract(value, '$[9]'), "
        "json_extract(value, '$[10]'), json_extract(value, '$[11]'), json_extract(value, '$[12]') "
        "FROM json_each(?) WHERE true " // WHERE resolves the parser's ON ambiguity for upserts
        ALERT_UPSERT_SET ""_s,
        // UpdateKnownAlerts: the common case in a storm, a fingerprint this Store wrote before and whose
        // labels/annotations/source did not change. Only the narrow counter columns travel:
        // [fingerprint, status, startsAt, endsAt, firstStartsAt, firstReceived, lastReceived, count, flaps].
        u"UPDATE alerts SET status = u.st, starts_at = u.s, ends_at = u.e, "
        "first_starts_at = CASE WHEN first_starts_at IS NULL OR u.fs < first_starts_at THEN u.fs ELSE first_starts_at "
        "END, "
        "first_received_at = min(first_received_at, u.fr), last_received_at = max(last_received_at, u.lr), "
        "notification_count = notification_count + u.n, flap_count = flap_count + u.f "
        "FROM (SELECT json_extract(value, '$[0]') AS fp, json_extract(value, '$[1]') AS st, "
        "json_extract(value, '$[2]') AS s, json_extract(value, '$[3]') AS e, json_extract(value, '$[4]') AS fs, "
        "json_extract(value, '$[5]') AS fr, json_extract(value, '$[6]') AS lr, json_extract(value, '$[7]') AS n, "
        "json_extract(value, '$[8]') AS f FROM json_each(?)) AS u WHERE alerts.fingerprint = u.fp"_s,
        // UpsertIncident: the correlator's Triggered means "no opinion" about state and acks.
        u"INSERT INTO incidents(key, state, severity, first_alert_at, last_alert_at, notification_count, "
        "acknowledged_at, acknowledged_by, affected_services, created_at, updated_at) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET "
        "state = CASE WHEN excluded.state = 'triggered' THEN incidents.state ELSE excluded.state END, "
        "severity = excluded.severity, first_alert_at = excluded.first_alert_at, "
        "last_alert_at = excluded.last_alert_at, notification_count = excluded.notification_count, "
        "acknowledged_at = coalesce(excluded.acknowledged_at, incidents.acknowledged_at), "
        "acknowledged_by = coalesce(excluded.acknowledged_by, incidents.acknowledged_by), "
        "affected_services = excluded.affected_services, updated_at = excluded.updated_at "
        "RETURNING id"_s,
        // DeleteMembers
        u"DELETE FROM incident_alerts WHERE incident_id = ?"_s,
        // InsertMember: OR REPLACE so a duplicated member cannot fail the whole batch.
        u"INSERT OR REPLACE INTO incident_alerts(incident_id, fingerprint, position, inhibited, inhibited_by) "
        "VALUES(?, ?, ?, ?, ?)"_s,
        // DeleteCauses
        u"DELETE FROM root_causes WHERE incident_id = ?"_s,
        // InsertCause
        u"INSERT INTO root_causes(incident_id, rank, service, score, confidence, evidence, has_own_alert, in_graph) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?)"_s,
        // IncidentExists
        u"SELECT id FROM incidents WHERE id = ?"_s,
        // MarkMerged
        u"UPDATE incidents SET merged_into = ?, updated_at = ? WHERE key = ? AND id <> ?"_s,
        // InsertAction
        u"INSERT INTO actions(incident_id, kind, note, at, \"user\") VALUES(?, ?, ?, ?, ?)"_s,
        // AckIncident: the first acknowledgement is the one that counts; a later ack of a resolved
        // or mitigated incident is recorded as an action but does not move the state back.
        u"UPDATE incidents SET state = CASE WHEN state = 'triggered' THEN 'acknowledged' ELSE state END, "
        "acknowledged_at = coalesce(acknowledged_at, ?), acknowledged_by = coalesce(acknowledged_by, ?), "
        "updated_at = ? WHERE id = ?"_s,
        // MitigateIncident: the first mitigation counts; a resolved incident stays resolved.
        u"UPDATE incidents SET state = CASE WHEN state = 'resolved' THEN state ELSE 'mitigated' END, "
        "mitigated_at = coalesce(mitigated_at, ?), mitigated_by = coalesce(mitigated_by, ?), "
        "updated_at = ? WHERE id = ?"_s,
        // ResolveIncident: the first resolve is the one MTTR counts.
        u"UPDATE incidents SET state = 'resolved', resolved_at = coalesce(resolved_at, ?), "
        "resolved_by = coalesce(resolved_by, ?), updated_at = ? WHERE id = ?"_s,
        // SelectActions
        u"SELECT incident_id, kind, note, at, \"user\" FROM actions WHERE incident_id = ? ORDER BY id"_s,
        // SelectIncident
        u"SELECT id, key, state, severity, first_alert_at, last_alert_at, notification_count, acknowledged_at, "
        "acknowledged_by, affected_services, mitigated_at, mitigated_by, resolved_at, resolved_by FROM incidents "
        "WHERE id = ?"_s,
        // SelectIncidents
        u"SELECT id, key, state, severity, first_alert_at, last_alert_at, notification_count, acknowledged_at, "
        "acknowledged_by, affected_services, mitigated_at, mitigated_by, resolved_at, resolved_by FROM incidents "
        "WHERE merged_into IS NULL "
        "ORDER BY last_alert_at DESC, id DESC LIMIT ?"_s,
        // SelectMembers: LEFT JOIN so a member whose alert row is missing still appears (by fingerprint).
        u"SELECT ia.fingerprint, ia.inhibited, ia.inhibited_by, a.labels, a.annotations, a.status, a.starts_at, "
        "a.ends_at, a.first_starts_at, a.first_received_at, a.last_received_at, a.notification_count, "
        "a.flap_count, a.source, a.generator_url "
        "FROM incident_alerts ia LEFT JOIN alerts a ON a.fingerprint = ia.fingerprint "
        "WHERE ia.incident_id = ? ORDER BY ia.position"_s,
        // SelectCauses
        u"SELECT service, score, confidence, evidence, has_own_alert, in_graph FROM root_causes "
        "WHERE incident_id = ? ORDER BY rank"_s,
        // SelectNotifications
        u"SELECT n.fingerprint, n.status, n.starts_at, n.ends_at, n.received_at, n.source, a.labels, "
        "a.annotations, a.generator_url, n.id FROM notifications n LEFT JOIN alerts a ON a.fingerprint = n.fingerprint "
        "WHERE n.received_at >= ? ORDER BY n.id"_s,
        // InsertChange
        u"INSERT INTO changes(service, kind, at, description, link) VALUES(?, ?, ?, ?, ?)"_s,
        // SelectChanges
        u"SELECT service, kind, at, description, link FROM changes WHERE at >= ? ORDER BY at, id"_s,
        // CountNotifications: SQLite stores one row per delivery (see schema v8), which knows how many it holds.
        u"SELECT coalesce(sum(last_id - id + 1), 0) FROM deliveries"_s,
        // CountAlerts
        u"SELECT count(*) FROM alerts"_s,
        // InsertRunbookRun
        u"INSERT INTO runbook_runs(at, \"user\", incident_id, runbook_id, step, kind, argv, approval, approved_at, "
        "exit_code, outcome, duration_ms, output_digest, verify_result, rolled_back, rollback_exit_code, log_file, "
        "error) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
        // SelectRunbookRuns: a NULL incident id selects every run.
        u"SELECT id, at, \"user\", incident_id, runbook_id, step, kind, argv, approval, approved_at, exit_code, outcome, "
        "duration_ms, output_digest, verify_result, rolled_back, rollback_exit_code, log_file, error "
        "FROM runbook_runs WHERE ? IS NULL OR incident_id = ? ORDER BY id"_s,
        // UpsertResolution: answering again (a reopened incident resolved twice) replaces the answer.
        u"INSERT INTO resolutions(incident_id, at, \"user\", fixed_by_runbook, fixed_by_step, fixed_by_text, root_cause, "
        "suggestion_right, actionable, proposed_runbooks) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(incident_id) DO UPDATE SET at = excluded.at, \"user\" = excluded.\"user\", "
        "fixed_by_runbook = excluded.fixed_by_runbook, fixed_by_step = excluded.fixed_by_step, "
        "fixed_by_text = excluded.fixed_by_text, root_cause = excluded.root_cause, "
        "suggestion_right = excluded.suggestion_right, actionable = excluded.actionable, "
        "proposed_runbooks = excluded.proposed_runbooks"_s,
        // SelectResolution
        u"SELECT incident_id, at, \"user\", fixed_by_runbook, fixed_by_step, fixed_by_text, root_cause, suggestion_right, "
        "actionable, proposed_runbooks FROM resolutions WHERE incident_id = ?"_s,
        // SelectNotificationsAfter: the same columns as SelectNotifications, by id (the shared store's cursor).
        u"SELECT n.fingerprint, n.status, n.starts_at, n.ends_at, n.received_at, n.source, a.labels, "
        "a.annotations, a.generator_url, n.id FROM notifications n LEFT JOIN alerts a ON a.fingerprint = n.fingerprint "
        "WHERE n.id > ? ORDER BY n.id"_s,
        // Notify: PostgreSQL only (see postgresSqlOf).
        QString(),
        // DeleteIncidentLabels
        u"DELETE FROM incident_labels WHERE incident_id = ?"_s,
        // InsertIncidentLabels: the distinct label pairs of the member alerts (what label filters match).
        u"INSERT OR IGNORE INTO incident_labels(key, value, incident_id) "
        "SELECT DISTINCT l.key, l.value, ia.incident_id "
        "FROM incident_alerts ia JOIN alerts a ON a.fingerprint = ia.fingerprint, json_each(a.labels) l "
        "WHERE ia.incident_id = ? AND l.type = 'text'"_s,
        // DeleteSearchRow
        u"DELETE FROM incident_search WHERE rowid = ?"_s,
        // InsertSearchRow: the same document the v5 migration back-filled, for one incident (labels first).
        u"INSERT INTO incident_search(rowid, title, services, alertnames, labels, root_cause, evidence, notes, "
        "resolution) SELECT i.id, "
        "coalesce((SELECT coalesce(json_extract(a.annotations, '$.summary'), "
        "json_extract(a.annotations, '$.description'), '') "
        "FROM incident_alerts ia JOIN alerts a ON a.fingerprint = ia.fingerprint "
        "WHERE ia.incident_id = i.id ORDER BY ia.position LIMIT 1), ''), "
        "coalesce((SELECT group_concat(value, ' ') FROM incident_labels WHERE incident_id = i.id "
        "AND key = 'service'), ''), "
        "coalesce((SELECT group_concat(value, ' ') FROM incident_labels WHERE incident_id = i.id "
        "AND key = 'alertname'), ''), "
        "coalesce((SELECT group_concat(value, ' ') FROM incident_labels WHERE incident_id = i.id "
        "AND key NOT IN ('service', 'alertname')), ''), "
        "trim(coalesce((SELECT service FROM root_causes WHERE incident_id = i.id AND rank = 0), '') || ' ' || "
        "coalesce((SELECT root_cause FROM resolutions WHERE incident_id = i.id), '')), "
        "coalesce((SELECT group_concat(e.value, ' ') FROM root_causes rc, json_each(rc.evidence) e "
        "WHERE rc.incident_id = i.id AND rc.rank = 0), ''), "
        "coalesce((SELECT group_concat(note, ' ') FROM actions WHERE incident_id = i.id AND note <> ''), ''), "
        "coalesce((SELECT trim(fixed_by_runbook || ' ' || fixed_by_step || ' ' || fixed_by_text) "
        "FROM resolutions WHERE incident_id = i.id), '') "
        "FROM incidents i WHERE i.id = ?"_s,
        // MarkStale
        u"INSERT OR IGNORE INTO search_stale(incident_id) VALUES(?)"_s,
        // ClearStale
        u"DELETE FROM search_stale WHERE incident_id = ?"_s,
        // SelectStale
        u"SELECT incident_id FROM search_stale"_s,
    };
    return sql[id];
}

// The shared team store's dialect: only the statements whose SQLite text PostgreSQL does not take. JSON
// batches use the json type (not jsonb) so label sets keep their text; two-argument min/max are LEAST/
// GREATEST; an untyped parameter gets a CAST because PostgreSQL types parameters when it prepares.
QString postgresSqlOf(Stmt id)
{
    switch (id) {
    case InsertNotifications:
        // RETURNING: the ids this console wrote, so it does not read its own rows back as another's.
        return u"INSERT INTO notifications(fingerprint, status, starts_at, ends_at, received_at, source) "
               "SELECT r->>0, r->>1, CAST(r->>2 AS BIGINT), CAST(r->>3 AS BIGINT), CAST(r->>4 AS BIGINT), r->>5 "
               "FROM json_array_elements(CAST(? AS json)) AS r RETURNING id"_s;
    case CountBoundaryFlaps:
        return u"UPDATE alerts SET flap_count = flap_count + 1 WHERE status = 'resolved' "
               "AND fingerprint IN (SELECT json_array_elements_text(CAST(? AS json)))"_s;
    case UpsertAlerts:
        return u"INSERT INTO alerts(fingerprint, labels, annotations, status, starts_at, ends_at, first_starts_at, "
               "first_received_at, last_received_at, notification_count, flap_count, source, generator_url) "
               "SELECT r->>0, CAST(r->1 AS TEXT), CAST(r->2 AS TEXT), r->>3, CAST(r->>4 AS BIGINT), "
               "CAST(r->>5 AS BIGINT), CAST(r->>6 AS BIGINT), CAST(r->>7 AS BIGINT), CAST(r->>8 AS BIGINT), "
               "CAST(r->>9 AS INTEGER), CAST(r->>10 AS INTEGER), r->>11, r->>12 "
               "FROM json_array_elements(CAST(? AS json)) AS r "
               "ON CONFLICT(fingerprint) DO UPDATE SET labels = excluded.labels, annotations = excluded.annotations, "
               "status = excluded.status, starts_at = excluded.starts_at, ends_at = excluded.ends_at, "
               "first_starts_at = CASE WHEN alerts.first_starts_at IS NULL OR excluded.first_starts_at < "
               "alerts.first_starts_at THEN excluded.first_starts_at ELSE alerts.first_starts_at END, "
               "first_received_at = LEAST(alerts.first_received_at, excluded.first_received_at), "
               "last_received_at = GREATEST(alerts.last_received_at, excluded.last_received_at), "
               "notification_count = alerts.notification_count + excluded.notification_count, "
               "flap_count = alerts.flap_count + excluded.flap_count, "
               "source = excluded.source, generator_url = excluded.generator_url"_s;
    case UpdateKnownAlerts:
        return u"UPDATE alerts SET status = u.st, starts_at = u.s, ends_at = u.e, "
               "first_starts_at = CASE WHEN first_starts_at IS NULL OR u.fs < first_starts_at THEN u.fs "
               "ELSE first_starts_at END, "
               "first_received_at = LEAST(first_received_at, u.fr), last_received_at = GREATEST(last_received_at, u.lr), "
               "notification_count = notification_count + u.n, flap_count = flap_count + u.f "
               "FROM (SELECT r->>0 AS fp, r->>1 AS st, CAST(r->>2 AS BIGINT) AS s, CAST(r->>3 AS BIGINT) AS e, "
               "CAST(r->>4 AS BIGINT) AS fs, CAST(r->>5 AS BIGINT) AS fr, CAST(r->>6 AS BIGINT) AS lr, "
               "CAST(r->>7 AS INTEGER) AS n, CAST(r->>8 AS INTEGER) AS f "
               "FROM json_array_elements(CAST(? AS json)) AS r) AS u WHERE alerts.fingerprint = u.fp"_s;
    case InsertMember:
        return u"INSERT INTO incident_alerts(incident_id, fingerprint, position, inhibited, inhibited_by) "
               "VALUES(?, ?, ?, ?, ?) ON CONFLICT(incident_id, fingerprint) DO UPDATE SET "
               "position = excluded.position, inhibited = excluded.inhibited, inhibited_by = excluded.inhibited_by"_s;
    case SelectIncidents: // PostgreSQL sorts NULL first in DESC, SQLite last
        return u"SELECT id, key, state, severity, first_alert_at, last_alert_at, notification_count, acknowledged_at, "
               "acknowledged_by, affected_services FROM incidents WHERE merged_into IS NULL "
               "ORDER BY last_alert_at DESC NULLS LAST, id DESC LIMIT ?"_s;
    case SelectRunbookRuns:
        return u"SELECT id, at, \"user\", incident_id, runbook_id, step, kind, argv, approval, approved_at, exit_code, "
               "outcome, duration_ms, output_digest, verify_result, rolled_back, rollback_exit_code, log_file, error "
               "FROM runbook_runs WHERE CAST(? AS BIGINT) IS NULL OR incident_id = ? ORDER BY id"_s;
    case Notify:
        return u"SELECT pg_notify('nightwatch', ?)"_s;
    case CountNotifications: // the shared store keeps one row per notification
        return u"SELECT count(*) FROM notifications"_s;
    default:
        return sqlOf(id);
    }
}

QVariant msOrNull(const QDateTime& t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant();
}

QDateTime timeOf(const QVariant& v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

// A null QString binds as SQL NULL; NOT NULL text columns want ''.
QVariant text(const QString& s)
{
    static const QString empty = u""_s;
    return QVariant(s.isNull() ? empty : s);
}

QVariant textOrNull(const QString& s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

RunbookRun::Outcome runbookOutcomeFrom(const QString& name)
{
    using O = RunbookRun::Outcome;
    for (const O o : {O::Passed, O::Failed, O::TimedOut, O::FailedToStart, O::Refused, O::NotApproved, O::Rejected})
        if (outcomeName(o) == name)
            return o;
    return O::Failed;
}

RunbookRun::Verify runbookVerifyFrom(const QString& name)
{
    using V = RunbookRun::Verify;
    for (const V v : {V::Passed, V::Failed, V::Unsupported, V::Skipped})
        if (verifyName(v) == name)
            return v;
    return V::None;
}

QString describe(const QSqlError& e)
{
    const QString text = e.text().trimmed();
    return text.isEmpty() ? u"unknown database error"_s : text;
}

Incident incidentFromRow(const QSqlQuery& q)
{
    Incident inc;
    inc.id = q.value(0).toLongLong();
    inc.key = q.value(1).toString();
    inc.state = Incident::stateFrom(q.value(2).toString());
    inc.severity = q.value(3).toString();
    inc.firstAlertAt = timeOf(q.value(4));
    inc.lastAlertAt = timeOf(q.value(5));
    inc.notificationCount = q.value(6).toInt();
    inc.acknowledgedAt = timeOf(q.value(7));
    inc.acknowledgedBy = q.value(8).toString();
    inc.affectedServices = LabelJson::decodeList(q.value(9).toString());
    inc.mitigatedAt = timeOf(q.value(10));
    inc.mitigatedBy = q.value(11).toString();
    inc.resolvedAt = timeOf(q.value(12));
    inc.resolvedBy = q.value(13).toString();
    return inc;
}

} // namespace

// SQLite only: statements run through SqliteStatement (per notification or per alert in a storm).
enum NativeStmt
{
    NativeInsertDelivery,    // one row per run of a batch's notifications received together from one source
    NativeUpdateCounts,      // a known alert's counters and latest status; counted_through moves with them
    NativeSetCountedThrough, // after an UpsertAlerts row: it counts its notifications up to this one
    NativeUpsertAlert,       // UpsertAlerts for one row, bound natively; counted_through moves with it
    NativeSetCountedMark,    // store_state: every notification up to this one is counted in its alert row
    NativeDeleteMembers,     // an incident's member rows, rewritten whenever its membership changes
    NativeInsertMember,
    NativeCount
};

const char* nativeSqlOf(NativeStmt id)
{
    static const std::array<const char*, NativeCount> sql = {
        // The ids continue from the newest delivery's last one (read under the write lock: always the truth,
        // whoever wrote it); the row id returned is the delivery's first notification's id.
        "INSERT INTO deliveries(id, last_id, received_at, source, body) SELECT n + 1, n + ?1, ?2, ?3, ?4 "
        "FROM (SELECT coalesce((SELECT last_id FROM deliveries ORDER BY id DESC LIMIT 1), 0) AS n)",
        "UPDATE alerts SET status = ?2, starts_at = ?3, ends_at = ?4, "
        "first_starts_at = CASE WHEN first_starts_at IS NULL OR ?5 < first_starts_at THEN ?5 ELSE first_starts_at "
        "END, first_received_at = min(first_received_at, ?6), last_received_at = max(last_received_at, ?7), "
        "notification_count = notification_count + ?8, flap_count = flap_count + ?9, "
        "counted_through = max(counted_through, ?10) WHERE fingerprint = ?1",
        "UPDATE alerts SET counted_through = max(counted_through, ?2) WHERE fingerprint = ?1",
        "INSERT INTO alerts(fingerprint, labels, annotations, status, starts_at, ends_at, first_starts_at, "
        "first_received_at, last_received_at, notification_count, flap_count, source, generator_url, counted_through) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) " ALERT_UPSERT_SET
        ", counted_through = max(alerts.counted_through, excluded.counted_through)",
        "UPDATE store_state SET value = max(value, ?1) WHERE key = 'alerts_counted_through'",
        "DELETE FROM incident_alerts WHERE incident_id = ?1",
        "INSERT OR REPLACE INTO incident_alerts(incident_id, fingerprint, position, inhibited, inhibited_by) "
        "VALUES(?1, ?2, ?3, ?4, ?5)",
    };
    return sql[id];
}

struct Store::Impl
{
    QSqlDatabase db;
    int version = 0;
    // PostgreSQL: the team store other consoles write too. The single-writer caches below are then off
    // (another console may have changed any row), and every commit is announced with NOTIFY.
    bool shared = false;

    // Which notifications this Store has seen (its own or returned by othersNotifications): every id up to
    // contiguous, and the ones above it in seenAbove. A hole below a seen id is a transaction of another
    // console still in flight (ids are taken before commit), so it is asked for again until it fills or
    // is older than gapPatienceMs (a rolled-back insert leaves a hole for good).
    qint64 contiguous = 0;
    QSet<qint64> seenAbove;
    QElapsedTimer gapSince;
    static constexpr qint64 gapPatienceMs = 30'000;

    void markSeen(qint64 id)
    {
        if (id > contiguous)
            seenAbove.insert(id);
    }
    void advanceCursor()
    {
        while (seenAbove.remove(contiguous + 1))
            ++contiguous;
        if (seenAbove.isEmpty()) {
            gapSince.invalidate();
            return;
        }
        if (!gapSince.isValid()) {
            gapSince.start();
        } else if (gapSince.elapsed() > gapPatienceMs) {
            contiguous = *std::min_element(seenAbove.cbegin(), seenAbove.cend()) - 1;
            gapSince.invalidate();
            advanceCursor();
        }
    }
    // Prepared on first use and reused for the life of the connection.
    std::array<std::optional<QSqlQuery>, StmtCount> statements;
    // SQLite only: the statements a storm runs per notification and per alert, bound natively (see
    // SqliteStatement). Prepared on first use; destroyed before the connection closes.
    std::array<std::unique_ptr<SqliteStatement>, NativeCount> natives;
    SqliteStatement* native(NativeStmt id, QString* why)
    {
        auto& slot = natives[id];
        if (!slot) {
            auto stmt = std::make_unique<SqliteStatement>();
            if (!stmt->prepare(db, nativeSqlOf(id), why))
                return nullptr;
            slot = std::move(stmt);
        }
        return slot.get();
    }
    // SQLite only: counters of known alerts not yet written to their rows (see PendingAlertCounts), and the
    // steady clock their age is measured on.
    PendingAlertCounts pending;
    qint64 lastNotificationId = 0; // the newest notification this Store wrote or found at open
    QElapsedTimer steady;
    qint64 nowMs()
    {
        if (!steady.isValid())
            steady.start();
        return steady.elapsed();
    }

    // What this Store last wrote to each alerts row it touched: enough to count a flap and to know
    // that the narrow UpdateKnownAlerts suffices. Valid because the Store is the database's only
    // writer; filled only after a commit, so a rolled-back batch cannot leave it ahead of the file.
    struct KnownAlert
    {
        bool firing;
        // The details stored in its row, kept as implicitly shared copies: a repeat that arrives with the very
        // same label maps (the parser's AlertObjectCache hands them out) compares in constant time, anything
        // else value by value, so a changed alert is never taken for a repeat.
        LabelSet labels;
        LabelSet annotations;
        QString source;
        QString generatorUrl;
        bool sameDetails(const Alert& a) const
        {
            return labels == a.labels && annotations == a.annotations && source == a.source &&
                   generatorUrl == a.generatorUrl;
        }
    };
    QHash<QString, KnownAlert> known;
    // Per incident id: hash of the member and root-cause rows last committed. A storm touches the same
    // incident with every repeat notification; its rows are rewritten only when they really changed.
    QHash<qint64, RowsDigest> writtenDetail;
    // Search index: since when each incident's row has been stale (ms since epoch), and how long a save may
    // leave it so. A storm saves its incidents every refresh; their rows are written once things settle.
    QHash<qint64, qint64> staleSince;
    int searchIndexDelayMs = 10'000;

    QSqlQuery* statement(Stmt id, QString* why)
    {
        auto& slot = statements[id];
        if (!slot) {
            QSqlQuery q(db);
            if (!q.prepare(shared ? postgresSqlOf(id) : sqlOf(id))) {
                *why = u"cannot prepare statement: "_s + describe(q.lastError());
                return nullptr;
            }
            slot.emplace(std::move(q));
        }
        return &*slot;
    }

    bool exec(const QString& sql, QString* why)
    {
        QSqlQuery q(db);
        if (!q.exec(sql)) {
            *why = describe(q.lastError()) + u" (in: "_s + sql.simplified().left(120) + u')';
            return false;
        }
        return true;
    }

    QVariant scalar(const QString& sql, QString* why)
    {
        QSqlQuery q(db);
        if (!q.exec(sql) || !q.next()) {
            *why = describe(q.lastError());
            return {};
        }
        return q.value(0);
    }

    // Tells the other consoles "<what>:<subject>". Inside a transaction PostgreSQL delivers it at commit,
    // and not at all on rollback. A no-op on SQLite, whose only writer is this console.
    bool notify(const QString& what, const QString& subject, QString* why)
    {
        if (!shared)
            return true;
        QSqlQuery* q = statement(Notify, why);
        if (!q)
            return false;
        q->bindValue(0, what + u':' + subject);
        if (!q->exec()) {
            *why = u"cannot notify other consoles: "_s + describe(q->lastError());
            return false;
        }
        q->finish();
        return true;
    }
};

Store::Store(const QString& connectionName) : m_connectionName(connectionName) {}

Store::~Store()
{
    close();
}

bool Store::fail(const QString& message, QString* error) const
{
    m_lastError = message;
    if (error)
        *error = message;
    return false;
}

int Store::latestSchemaVersion()
{
    return StoreSchema::latestVersion();
}

QString Store::currentUser()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    if (user.isEmpty()) {
        // Services, cron and sudo often run without USER; the account itself still has a name.
        if (const passwd* account = getpwuid(geteuid()); account && account->pw_name)
            user = QString::fromLocal8Bit(account->pw_name);
    }
    return user.isEmpty() ? u"unknown"_s : user;
}

bool Store::isServerUrl(const QString& path)
{
    return path.startsWith(u"postgresql://") || path.startsWith(u"postgres://");
}

QString Store::displayName(const QString& path)
{
    if (!isServerUrl(path))
        return path;
    return QUrl(path).toDisplayString(QUrl::RemovePassword);
}

bool Store::isShared() const
{
    return m_impl && m_impl->shared;
}

bool Store::openServer(const QString& urlText, QString* error)
{
    const QUrl url(urlText, QUrl::StrictMode);
    const QString shown = displayName(urlText);
    const QString dbName = url.path().mid(1);
    if (!url.isValid() || url.host().isEmpty() || dbName.isEmpty() || dbName.contains(u'/'))
        return fail(u"'%1' is not a PostgreSQL URL: expected postgresql://user[:password]@host[:port]/database"_s.arg(
                        shown),
                    error);
    if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s))
        return fail(u"the Qt PostgreSQL driver (QPSQL) is not available: install libqt6sql6-psql"_s, error);
    if (QSqlDatabase::contains(m_connectionName))
        return fail(u"database connection name '%1' is already in use by another Store"_s.arg(m_connectionName), error);

    m_impl = std::make_unique<Impl>();
    m_impl->shared = true;
    m_impl->db = QSqlDatabase::addDatabase(u"QPSQL"_s, m_connectionName);
    m_impl->db.setHostName(url.host());
    m_impl->db.setPort(url.port(5432));
    m_impl->db.setDatabaseName(dbName);
    m_impl->db.setUserName(url.userName());
    // Never on the command line (ps shows it) nor in the settings: NIGHTWATCH_DB_PASSWORD, else libpq reads
    // PGPASSWORD or ~/.pgpass itself.
    m_impl->db.setPassword(url.password().isEmpty() ? qEnvironmentVariable("NIGHTWATCH_DB_PASSWORD") : url.password());
    m_impl->db.setConnectOptions(u"connect_timeout=5;application_name=nightwatch"_s);
    if (!m_impl->db.open()) {
        const QString why = describe(m_impl->db.lastError());
        close();
        return fail(u"cannot open database %1: %2"_s.arg(shown, why), error);
    }
    QString why;
    // CREATE TABLE IF NOT EXISTS and friends would print NOTICEs on the console's stderr.
    if (!m_impl->exec(u"SET client_min_messages = warning"_s, &why) || !migrate(&why)) {
        close();
        return fail(u"database %1: %2"_s.arg(shown, why), error);
    }
    // Everything already in the table counts as seen: loadNotifications() is how a console reads history.
    const QVariant last = m_impl->scalar(u"SELECT coalesce(max(id), 0) FROM notifications"_s, &why);
    if (!last.isValid()) {
        close();
        return fail(u"database %1: %2"_s.arg(shown, why), error);
    }
    m_impl->contiguous = last.toLongLong();
    m_lastError.clear();
    return true;
}

namespace {
bool checkIntegrity(QSqlDatabase& db, const QString& path, QString* error)
{
    // A damaged file must be refused before anything is written to it: a console that went on would
    // answer 200 for deliveries it may not be able to read back, and could spread the damage. quick_check
    // reads every page (O(size), not the slower index cross-check of integrity_check).
    QSqlQuery q(db);
    q.setForwardOnly(true);
    QStringList problems;
    QSqlError failure;
    if (!q.exec(u"PRAGMA quick_check(5)"_s)) {
        failure = q.lastError();
    } else {
        while (q.next())
            if (const QString line = q.value(0).toString(); line != u"ok")
                problems << line.simplified().left(200);
        if (q.lastError().isValid())
            failure = q.lastError();
    }
    // SQLITE_BUSY / SQLITE_LOCKED: another process holds the file past the busy timeout; it is not damage.
    const QString code = failure.nativeErrorCode();
    if (code == u"5" || code == u"6") {
        *error = u"database %1 is locked by another process (%2); close it there or wait, then start again"_s.arg(
            path, describe(failure));
        return false;
    }
    // SQLITE_CORRUPT / SQLITE_NOTADB are the damage this check is for; any other failure is an I/O problem.
    if (failure.isValid() && code != u"11" && code != u"26") {
        *error = u"cannot read database %1: %2"_s.arg(path, describe(failure));
        return false;
    }
    if (failure.isValid())
        problems << describe(failure);
    if (problems.isEmpty())
        return true;
    *error = u"database %1 is damaged (SQLite quick_check: %2); it was not changed. Restore it from a backup, "
             "or move it aside to start with an empty one"_s.arg(path, problems.join(u"; "_s));
    return false;
}
} // namespace

bool Store::open(const QString& path, QString* error, OpenMode mode)
{
    const bool readOnly = mode == OpenMode::ReadOnly;
    close();
    if (path.isEmpty())
        return fail(u"no database path given"_s, error);
    if (isServerUrl(path))
        return openServer(path, error);
    if (!QSqlDatabase::isDriverAvailable(u"QSQLITE"_s))
        return fail(u"the Qt SQLite driver (QSQLITE) is not available"_s, error);
    // Never take over another live Store's connection: addDatabase would silently replace it.
    if (QSqlDatabase::contains(m_connectionName))
        return fail(u"database connection name '%1' is already in use by another Store"_s.arg(m_connectionName), error);

    m_impl = std::make_unique<Impl>();
    m_impl->db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    m_impl->db.setDatabaseName(path);
    // Another process (GUI beside a CLI replay) may hold the write lock briefly.
    m_impl->db.setConnectOptions(readOnly ? u"QSQLITE_BUSY_TIMEOUT=5000;QSQLITE_OPEN_READONLY"_s
                                          : u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    if (!m_impl->db.open()) {
        const QString why = describe(m_impl->db.lastError());
        close();
        return fail(u"cannot open database %1: %2"_s.arg(path, why), error);
    }

    QString why;
    if (!checkIntegrity(m_impl->db, path, &why)) {
        close();
        return fail(why, error);
    }
    if (readOnly) {
        // A reader beside the console's writer: it takes the file as it is (WAL lets it read while the
        // writer writes) and refuses a schema it would have to migrate.
        const QVariant version = m_impl->scalar(u"PRAGMA user_version"_s, &why);
        if (!version.isValid() || version.toInt() != latestSchemaVersion()) {
            close();
            return fail(version.isValid() ? u"database %1 is at schema version %2, not %3; open it once with the "
                                            "console to upgrade it"_s.arg(path)
                                                .arg(version.toInt())
                                                .arg(latestSchemaVersion())
                                          : u"cannot read database %1: %2"_s.arg(path, why),
                        error);
        }
        m_impl->version = version.toInt();
        // A reader pages through years of history: map the file and keep more of it cached than the default.
        m_impl->exec(u"PRAGMA mmap_size=268435456"_s, &why);
        m_impl->exec(u"PRAGMA cache_size=-32768"_s, &why);
        m_lastError.clear();
        return true;
    }
    // journal_mode answers with the mode in force; an in-memory database stays "memory".
    const QString journal = m_impl->scalar(u"PRAGMA journal_mode=WAL"_s, &why).toString().toLower();
    const bool ok = !journal.isEmpty() && m_impl->exec(u"PRAGMA synchronous=NORMAL"_s, &why) &&
                    m_impl->exec(u"PRAGMA foreign_keys=ON"_s, &why) &&
                    m_impl->exec(u"PRAGMA temp_store=MEMORY"_s, &why);
    if (!ok) {
        close();
        return fail(u"cannot use database %1: %2"_s.arg(path, why), error);
    }
    if (journal != u"wal" && path != u":memory:") {
        close();
        return fail(u"cannot switch database %1 to WAL mode (journal mode is '%2')"_s.arg(path, journal), error);
    }
    if (!migrate(&why) || !catchUpAlertCounts(&why)) {
        close();
        return fail(u"database %1: %2"_s.arg(path, why), error);
    }
    // Rows a previous run left stale (it stopped inside a storm's delay) are brought up to date now. Another
    // writer (the console beside a report or a CLI) may hold the lock: the rows stay marked and the next save
    // or open catches up, so the store still opens.
    if (!refreshSearchIndex(&why))
        qWarning("nightwatch: search index of %s not brought up to date now: %s", qPrintable(path), qPrintable(why));
    m_lastError.clear();
    return true;
}

bool Store::migratePostgres(QString* error)
{
    // Consoles starting together against a fresh database: one creates the schema, the others wait here
    // (the lock is released with the transaction) and then find it done.
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive()) {
        *error = u"cannot begin migration: "_s + describe(m_impl->db.lastError());
        return false;
    }
    if (!m_impl->exec(u"SELECT pg_advisory_xact_lock(7270211)"_s, error) ||
        !m_impl->exec(u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"_s, error))
        return false;
    const QVariant v = m_impl->scalar(u"SELECT coalesce(max(version), 0) FROM schema_version"_s, error);
    if (!v.isValid())
        return false;
    int version = v.toInt();
    const int latest = latestSchemaVersion();
    if (version > latest) {
        *error = u"schema version %1 is newer than this Nightwatch understands (%2); refusing to open it. "
                 "Use a newer Nightwatch or another database."_s.arg(version)
                     .arg(latest);
        return false;
    }
    if (version > 0 && version < StoreSchema::postgresBaselineVersion()) {
        *error = u"schema version %1 predates the PostgreSQL store; use a fresh database"_s.arg(version);
        return false;
    }
    if (version < latest) {
        QStringList statements;
        if (version == 0) {
            statements = StoreSchema::postgresBaseline();
            version = StoreSchema::postgresBaselineVersion();
        }
        for (int step = version; step < latest; ++step)
            statements += StoreSchema::postgresStep(step);
        for (const QString& sql : std::as_const(statements)) {
            QString why;
            if (!m_impl->exec(sql, &why)) {
                *error = u"creating schema version %1 failed: %2"_s.arg(latest).arg(why);
                return false;
            }
        }
        if (!m_impl->exec(u"DELETE FROM schema_version"_s, error) ||
            !m_impl->exec(u"INSERT INTO schema_version(version) VALUES(%1)"_s.arg(latest), error))
            return false;
    }
    if (!tx.commit()) {
        *error = u"cannot commit migration: "_s + describe(m_impl->db.lastError());
        return false;
    }
    m_impl->version = latest;
    return true;
}

bool Store::migrate(QString* error)
{
    if (m_impl->shared)
        return migratePostgres(error);
    const QVariant v = m_impl->scalar(u"PRAGMA user_version"_s, error);
    if (!v.isValid())
        return false;
    const int version = v.toInt();
    const int latest = latestSchemaVersion();
    if (version > latest) {
        *error = u"schema version %1 is newer than this Nightwatch understands (%2); refusing to open it. "
                 "Use a newer Nightwatch or another database file."_s.arg(version)
                     .arg(latest);
        return false;
    }
    if (version < latest) {
        // All steps and the new user_version in one transaction: a failed migration leaves the file
        // exactly as it was.
        SqlTransaction tx(m_impl->db);
        if (!tx.isActive()) {
            *error = u"cannot begin migration: "_s + describe(m_impl->db.lastError());
            return false;
        }
        const auto& steps = StoreSchema::migrations();
        for (int step = version; step < latest; ++step) {
            for (const QString& sql : steps.at(step)) {
                QString why;
                if (!m_impl->exec(sql, &why)) {
                    *error = u"migration to schema version %1 failed: %2"_s.arg(step + 1).arg(why);
                    return false;
                }
            }
        }
        if (!m_impl->exec(u"PRAGMA user_version=%1"_s.arg(latest), error))
            return false;
        if (!tx.commit()) {
            *error = u"cannot commit migration: "_s + describe(m_impl->db.lastError());
            return false;
        }
    }
    m_impl->version = latest;
    return true;
}

void Store::close()
{
    if (!m_impl)
        return;
    QString why;
    if (!settleAlertCounts(&why)) // else the next open() folds them in from the notifications
        qWarning("nightwatch: alert counters not written at close: %s", qPrintable(why));
    for (auto& q : m_impl->statements)
        q.reset();
    for (auto& n : m_impl->natives)
        n.reset();
    m_impl->db.close();
    m_impl.reset(); // drops the last QSqlDatabase copy, so removeDatabase does not warn
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool Store::isOpen() const
{
    return m_impl && m_impl->db.isOpen();
}

QSqlDatabase Store::connection() const
{
    settleAlertCountsForReaders(); // the report reads alert rows through it
    return m_impl ? m_impl->db : QSqlDatabase();
}

int Store::schemaVersion() const
{
    return m_impl ? m_impl->version : 0;
}

QString Store::lastError() const
{
    return m_lastError;
}

QSqlDatabase& Store::database() const
{
    return m_impl->db;
}

bool Store::reindexIncident(qint64 incidentId, QString* error)
{
    if (m_impl->shared)
        return true; // the full-text index is SQLite's FTS5: a shared PostgreSQL store has none (see searchHistory)
    QString why;
    QSqlQuery* delLabels = m_impl->statement(DeleteIncidentLabels, &why);
    QSqlQuery* addLabels = delLabels ? m_impl->statement(InsertIncidentLabels, &why) : nullptr;
    QSqlQuery* delRow = addLabels ? m_impl->statement(DeleteSearchRow, &why) : nullptr;
    QSqlQuery* addRow = delRow ? m_impl->statement(InsertSearchRow, &why) : nullptr;
    if (!addRow)
        return fail(why, error);
    QSqlQuery* clear = m_impl->statement(ClearStale, &why);
    if (!clear)
        return fail(why, error);
    for (QSqlQuery* q : {delLabels, addLabels, delRow, addRow, clear}) {
        q->bindValue(0, incidentId);
        if (!q->exec())
            return fail(u"cannot index incident %1 for search: %2"_s.arg(incidentId).arg(describe(q->lastError())),
                        error);
    }
    m_impl->staleSince.remove(incidentId);
    return true;
}

bool Store::reindexStale(bool force, QString* error)
{
    if (m_impl->shared)
        return true;
    QVector<qint64> due;
    if (force) {
        // Everything marked, also what an earlier run left behind.
        QString why;
        QSqlQuery* select = m_impl->statement(SelectStale, &why);
        if (!select)
            return fail(why, error);
        if (!select->exec())
            return fail(u"cannot read stale search rows: "_s + describe(select->lastError()), error);
        while (select->next())
            due << select->value(0).toLongLong();
        select->finish();
    } else {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (auto it = m_impl->staleSince.cbegin(); it != m_impl->staleSince.cend(); ++it)
            if (now - it.value() >= m_impl->searchIndexDelayMs)
                due << it.key();
    }
    for (const qint64 id : std::as_const(due))
        if (!reindexIncident(id, error))
            return false;
    return true;
}

void Store::setSearchIndexDelay(int ms)
{
    if (m_impl)
        m_impl->searchIndexDelayMs = qMax(0, ms);
}

bool Store::refreshSearchIndex(QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
    if (!reindexStale(true, error))
        return false;
    if (!tx.commit())
        return fail(u"cannot commit the search index: "_s + describe(m_impl->db.lastError()), error);
    return true;
}

namespace {

void appendMs(QString& out, const QDateTime& t)
{
    if (t.isValid())
        out += QString::number(t.toMSecsSinceEpoch());
    else
        out += u"null";
}

void appendMs(QString& out, qint64 ms)
{
    out += QString::number(ms);
}

} // namespace

bool Store::recordNotifications(const AlertBatch& batch, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    if (batch.isEmpty())
        return true;
    if (m_impl->shared)
        m_impl->known.clear(); // other consoles write the alerts table too: always the self-checking path
    bool staleCache = false;
    if (writeNotifications(batch, error, &staleCache))
        return true;
    if (!staleCache)
        return false;
    // Someone else changed the alerts table under us: forget what we thought it held and write
    // the batch again the slow, self-checking way.
    m_impl->known.clear();
    return writeNotifications(batch, error, &staleCache);
}

namespace {

constexpr qint64 noTime = AlertCountDelta::noTime;
// How long counters of repeats may wait in memory before a delivery's commit writes them anyway: bounds
// what a reader beside the console (history browser, report) sees behind during a storm.
constexpr qint64 kMaxCountLagMs = 1000;

// One fingerprint's notifications within a batch, folded: the alerts table sees at most one write per
// fingerprint per batch instead of one per delivery.
struct Fold
{
    qsizetype last; // index of the latest notification in the batch
    QString fingerprint;
    AlertCountDelta delta; // flaps here: only those inside the batch until classified
    bool firstFiring;
    bool narrow = false; // known, details unchanged: only the counters change
};

struct FoldedBatch
{
    QVector<Fold> folds;
    QVector<qsizetype> foldOfRow; // per notification
    QVector<qint64> received;     // per notification, ms; stamped with now when the feed gave none
};

qint64 msOrNoTime(const QDateTime& t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : noTime;
}

FoldedBatch foldBatch(const AlertBatch& batch)
{
    FoldedBatch out;
    QHash<QString, qsizetype> foldOf;
    out.folds.reserve(batch.size());
    out.foldOfRow.reserve(batch.size());
    out.received.reserve(batch.size());
    foldOf.reserve(batch.size());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const Alert& a = batch.at(i);
        const QString fingerprint = a.fingerprint.isEmpty() ? Alert::fingerprintOf(a.labels) : a.fingerprint;
        const bool firing = a.isFiring();
        const qint64 received = a.receivedAt.isValid() ? a.receivedAt.toMSecsSinceEpoch() : now;
        out.received.append(received);
        AlertCountDelta d;
        d.lastFiring = firing;
        d.startsAt = d.firstStartsAt = msOrNoTime(a.startsAt);
        d.endsAt = msOrNoTime(a.endsAt);
        d.firstReceived = d.lastReceived = received;
        d.count = 1;
        const auto found = foldOf.constFind(fingerprint);
        if (found == foldOf.cend()) {
            foldOf.insert(fingerprint, out.folds.size());
            out.foldOfRow.append(out.folds.size());
            d.fingerprintUtf8 = fingerprint.toUtf8();
            out.folds.append(Fold{i, fingerprint, d, firing});
            continue;
        }
        out.foldOfRow.append(*found);
        Fold& f = out.folds[*found];
        d.flaps = firing && !f.delta.lastFiring ? 1 : 0;
        f.delta.merge(d);
        f.last = i;
    }
    return out;
}

void appendTime(QString& out, qint64 ms)
{
    if (ms == noTime)
        out += u"null";
    else
        appendMs(out, ms);
}

void appendJsonString(QByteArray& out, QByteArrayView utf8)
{
    out += '"';
    // Fingerprints, the one string of every notification, never need escaping: appended whole.
    const auto plain = [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\'; };
    if (std::all_of(utf8.begin(), utf8.end(), plain)) {
        out += utf8;
        out += '"';
        return;
    }
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            static const char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += c;
        }
    }
    out += '"';
}

void appendMsOrNull(QByteArray& out, const QDateTime& t)
{
    if (!t.isValid()) {
        out += "null";
        return;
    }
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, t.toMSecsSinceEpoch()).ptr;
    out.append(digits, end - digits);
}

// Notifications [begin, end) of the batch as a deliveries row's body (schema v8): [fingerprint, status, starts_at,
// ends_at] each, in order.
void appendDeliveryBody(QByteArray& body, const AlertBatch& batch, const FoldedBatch& folded, qsizetype begin,
                        qsizetype end)
{
    body += '[';
    for (qsizetype i = begin; i < end; ++i) {
        const Alert& a = batch.at(i);
        if (i > begin)
            body += ',';
        body += '[';
        appendJsonString(body, folded.folds.at(folded.foldOfRow.at(i)).delta.fingerprintUtf8);
        body += a.isFiring() ? ",\"firing\"," : ",\"resolved\",";
        appendMsOrNull(body, a.startsAt);
        body += ',';
        appendMsOrNull(body, a.endsAt);
        body += ']';
    }
    body += ']';
}

// The batch's notifications as InsertNotifications' JSON rows (the shared store's path).
QString notificationRowsJson(const AlertBatch& batch, const FoldedBatch& folded)
{
    QString rows;
    rows.reserve(batch.size() * 96);
    rows += u'[';
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const Alert& a = batch.at(i);
        if (i)
            rows += u',';
        rows += u'[';
        LabelJson::appendString(rows, folded.folds.at(folded.foldOfRow.at(i)).fingerprint);
        rows += a.isFiring() ? u",\"firing\"," : u",\"resolved\",";
        appendMs(rows, a.startsAt);
        rows += u',';
        appendMs(rows, a.endsAt);
        rows += u',';
        appendMs(rows, folded.received.at(i));
        rows += u',';
        LabelJson::appendString(rows, a.source);
        rows += u']';
    }
    rows += u']';
    return rows;
}

// The counters part of both alert row layouts below: first onset, first and last receipt, count, flaps.
void appendCounters(QString& row, const AlertCountDelta& d)
{
    appendTime(row, d.firstStartsAt);
    row += u',';
    appendMs(row, d.firstReceived);
    row += u',';
    appendMs(row, d.lastReceived);
    row += u',';
    row += QString::number(d.count);
    row += u',';
    row += QString::number(d.flaps);
}

// The narrow folds as UpdateKnownAlerts' JSON rows (the shared store's path).
QString narrowRowsJson(const FoldedBatch& folded)
{
    QString narrow = u"["_s;
    for (const Fold& f : folded.folds) {
        if (!f.narrow)
            continue;
        const AlertCountDelta& d = f.delta;
        if (narrow.size() > 1)
            narrow += u',';
        narrow += u'[';
        LabelJson::appendString(narrow, f.fingerprint);
        narrow += d.lastFiring ? u",\"firing\"," : u",\"resolved\",";
        appendTime(narrow, d.startsAt);
        narrow += u',';
        appendTime(narrow, d.endsAt);
        narrow += u',';
        appendCounters(narrow, d);
        narrow += u']';
    }
    narrow += u']';
    return narrow;
}

// One UpsertAlerts row: the alert's latest notification a, the counters of the notifications it stands for.
void appendFullRow(QString& full, const QString& fingerprint, const Alert& a, const AlertCountDelta& counts)
{
    if (full.size() > 1)
        full += u',';
    full += u'[';
    LabelJson::appendString(full, fingerprint);
    full += u',';
    LabelJson::appendObject(full, a.labels);
    full += u',';
    LabelJson::appendObject(full, a.annotations);
    full += counts.lastFiring ? u",\"firing\"," : u",\"resolved\",";
    appendMs(full, a.startsAt);
    full += u',';
    appendMs(full, a.endsAt);
    full += u',';
    appendCounters(full, counts);
    full += u',';
    LabelJson::appendString(full, a.source);
    full += u',';
    LabelJson::appendString(full, a.generatorUrl);
    full += u']';
}

void bindTime(SqliteStatement& stmt, int index, qint64 ms)
{
    if (ms == noTime)
        stmt.bindNull(index);
    else
        stmt.bindInt64(index, ms);
}

void bindTime(SqliteStatement& stmt, int index, const QDateTime& t)
{
    bindTime(stmt, index, t.isValid() ? t.toMSecsSinceEpoch() : noTime);
}

// NativeUpsertAlert with the row appendFullRow writes as JSON, counted through the fold's newest notification.
bool upsertFullRow(SqliteStatement& upsert, const AlertCountDelta& fold, const Alert& a, const AlertCountDelta& counts,
                   QString* why)
{
    // Bound, not copied: the texts must live until step() returns.
    const QByteArray labels = LabelJson::encode(a.labels).toUtf8();
    const QByteArray annotations = LabelJson::encode(a.annotations).toUtf8();
    const QByteArray source = a.source.toUtf8();
    const QByteArray generatorUrl = a.generatorUrl.toUtf8();
    upsert.bindText(1, fold.fingerprintUtf8);
    upsert.bindText(2, labels);
    upsert.bindText(3, annotations);
    upsert.bindText(4, counts.lastFiring ? QByteArrayView("firing") : QByteArrayView("resolved"));
    bindTime(upsert, 5, a.startsAt);
    bindTime(upsert, 6, a.endsAt);
    bindTime(upsert, 7, counts.firstStartsAt);
    upsert.bindInt64(8, counts.firstReceived);
    upsert.bindInt64(9, counts.lastReceived);
    upsert.bindInt64(10, counts.count);
    upsert.bindInt64(11, counts.flaps);
    upsert.bindText(12, source);
    upsert.bindText(13, generatorUrl);
    upsert.bindInt64(14, fold.lastId);
    return upsert.step(why);
}

} // namespace

bool Store::writeAlertCounts(const QHash<QString, AlertCountDelta>& deltas, qint64 countedThrough, QString* error)
{
    // Call inside a transaction. A row that is gone (nothing else deletes alert rows) has nothing left to count.
    QString why;
    SqliteStatement* update = m_impl->native(NativeUpdateCounts, &why);
    SqliteStatement* mark = update ? m_impl->native(NativeSetCountedMark, &why) : nullptr;
    if (!mark)
        return fail(why, error);
    const auto fingerprint = [](const AlertCountDelta& d) { return QString::fromUtf8(d.fingerprintUtf8); };
    QString missing = u"["_s;
    for (const AlertCountDelta& d : deltas) {
        update->bindText(1, d.fingerprintUtf8);
        update->bindText(2, d.lastFiring ? QByteArrayView("firing") : QByteArrayView("resolved"));
        bindTime(*update, 3, d.startsAt);
        bindTime(*update, 4, d.endsAt);
        bindTime(*update, 5, d.firstStartsAt);
        update->bindInt64(6, d.firstReceived);
        update->bindInt64(7, d.lastReceived);
        update->bindInt64(8, d.count);
        update->bindInt64(9, d.flaps);
        update->bindInt64(10, d.lastId);
        if (!update->step(&why))
            return fail(u"cannot update alerts: "_s + why, error);
        if (update->changes() == 0 && !d.latest.labels.isEmpty())
            appendFullRow(missing, fingerprint(d), d.latest, d);
    }
    if (missing.size() > 1) {
        // Deleted behind the store (by hand, or another tool): written whole again from the latest notification,
        // counting what is pending for it.
        missing += u']';
        QSqlQuery* upsert = m_impl->statement(UpsertAlerts, &why);
        SqliteStatement* counted = upsert ? m_impl->native(NativeSetCountedThrough, &why) : nullptr;
        if (!counted)
            return fail(why, error);
        upsert->bindValue(0, missing);
        if (!upsert->exec())
            return fail(u"cannot store alerts: "_s + describe(upsert->lastError()), error);
        for (const AlertCountDelta& d : deltas) {
            counted->bindText(1, d.fingerprintUtf8);
            counted->bindInt64(2, d.lastId);
            if (!counted->step(&why))
                return fail(u"cannot update alerts: "_s + why, error);
        }
    }
    if (countedThrough > 0) {
        mark->bindInt64(1, countedThrough);
        if (!mark->step(&why))
            return fail(u"cannot update alerts: "_s + why, error);
    }
    return true;
}

bool Store::settleAlertCounts(QString* error) const
{
    // Readers of alert rows in this process see every stored notification counted.
    if (!m_impl || m_impl->shared || m_impl->pending.isEmpty())
        return true;
    Store* self = const_cast<Store*>(this); // writes only what is already committed as notifications
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return self->fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
    if (!self->writeAlertCounts(m_impl->pending.all(), m_impl->lastNotificationId, error))
        return false;
    if (!tx.commit())
        return self->fail(u"cannot commit alert counters: "_s + describe(m_impl->db.lastError()), error);
    m_impl->pending.clear();
    return true;
}

void Store::settleAlertCountsForReaders() const
{
    QString why;
    if (!settleAlertCounts(&why))
        qWarning("nightwatch: alert counters not written before a read (they trail by a moment): %s", qPrintable(why));
}

bool Store::catchUpAlertCounts(QString* error)
{
    // Notifications a previous run committed but whose counters it had not yet written to their alert rows
    // (it stopped within a second of a storm's delivery): folded in now, against each row's stored status.
    QString why;
    const QVariant mark = m_impl->scalar(u"SELECT value FROM store_state WHERE key = 'alerts_counted_through'"_s, &why);
    const QVariant last =
        m_impl->scalar(u"SELECT coalesce((SELECT last_id FROM deliveries ORDER BY id DESC LIMIT 1), 0)"_s, &why);
    if (!mark.isValid() || !last.isValid())
        return fail(u"cannot read the alert counters' progress: "_s + why, error);
    m_impl->lastNotificationId = last.toLongLong();
    if (mark.toLongLong() >= m_impl->lastNotificationId)
        return true;
    QSqlQuery q(m_impl->db);
    q.setForwardOnly(true);
    // Straight from the deliveries (not the notifications view): only those from the one holding the mark on.
    if (!q.prepare(u"SELECT d.id + j.key, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, d.received_at, "
                   "a.status FROM deliveries d, json_each(d.body) j JOIN alerts a ON a.fingerprint = j.value ->> 0 "
                   "WHERE d.id >= coalesce((SELECT id FROM deliveries WHERE id <= ? ORDER BY id DESC LIMIT 1), 0) "
                   "AND d.id + j.key > ? AND d.id + j.key > a.counted_through ORDER BY d.id, j.key"_s))
        return fail(u"cannot read uncounted notifications: "_s + describe(q.lastError()), error);
    q.bindValue(0, mark.toLongLong());
    q.bindValue(1, mark.toLongLong());
    if (!q.exec())
        return fail(u"cannot read uncounted notifications: "_s + describe(q.lastError()), error);
    QHash<QString, AlertCountDelta> deltas;
    while (q.next()) {
        const QString fingerprint = q.value(1).toString();
        const bool firing = q.value(2).toString() != u"resolved";
        AlertCountDelta d;
        d.lastFiring = firing;
        d.startsAt = d.firstStartsAt = q.value(3).isNull() ? noTime : q.value(3).toLongLong();
        d.endsAt = q.value(4).isNull() ? noTime : q.value(4).toLongLong();
        d.firstReceived = d.lastReceived = q.value(5).toLongLong();
        d.count = 1;
        d.lastId = q.value(0).toLongLong();
        auto it = deltas.find(fingerprint);
        const bool wasFiring = it == deltas.end() ? q.value(6).toString() != u"resolved" : it->lastFiring;
        d.flaps = firing && !wasFiring ? 1 : 0;
        if (it == deltas.end()) {
            d.fingerprintUtf8 = fingerprint.toUtf8();
            deltas.insert(fingerprint, d);
        } else {
            it->merge(d);
        }
    }
    q.finish();
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
    if (!writeAlertCounts(deltas, m_impl->lastNotificationId, error))
        return false;
    if (!tx.commit())
        return fail(u"cannot commit alert counters: "_s + describe(m_impl->db.lastError()), error);
    return true;
}

bool Store::writeNotifications(const AlertBatch& batch, QString* error, bool* staleCache)
{
    QString why;
    QSqlQuery* boundary = m_impl->statement(CountBoundaryFlaps, &why);
    if (!boundary)
        return fail(why, error);
    // The per-notification and per-alert writes: natively on SQLite (a statement per row costs less than
    // SQLite's JSON functions reading a document), as one JSON document per batch on the shared store
    // (PostgreSQL parses it as fast as it binds, and its RETURNING gives the ids it needs).
    QSqlQuery* insert = nullptr;
    QSqlQuery* update = nullptr;
    QSqlQuery* upsert = nullptr;
    SqliteStatement* insertRow = nullptr;
    SqliteStatement* upsertRow = nullptr;
    if (m_impl->shared) {
        insert = m_impl->statement(InsertNotifications, &why);
        update = insert ? m_impl->statement(UpdateKnownAlerts, &why) : nullptr;
        upsert = update ? m_impl->statement(UpsertAlerts, &why) : nullptr;
        if (!upsert)
            return fail(why, error);
    } else {
        insertRow = m_impl->native(NativeInsertDelivery, &why);
        upsertRow = insertRow ? m_impl->native(NativeUpsertAlert, &why) : nullptr;
        if (!upsertRow)
            return fail(why, error);
    }

    FoldedBatch folded = foldBatch(batch);
    QString full = u"["_s;        // UpsertAlerts rows: new fingerprints, or changed labels/annotations/source
    QString startFiring = u"["_s; // unknown fingerprints whose batch opens firing (CountBoundaryFlaps)
    qsizetype narrowRows = 0;
    QVector<qsizetype> fullFolds;
    QVector<AlertCountDelta> fullCounts; // SQLite: each full fold's counters, bound row by row after the insert
    for (qsizetype k = 0; k < folded.folds.size(); ++k) {
        Fold& f = folded.folds[k];
        AlertCountDelta& d = f.delta;
        const Alert& a = batch.at(f.last);
        const auto known = m_impl->known.constFind(f.fingerprint);
        if (known != m_impl->known.cend()) {
            d.flaps += f.firstFiring && !known->firing ? 1 : 0;
            if (known->sameDetails(a)) {
                f.narrow = true;
                d.latest = a;
                ++narrowRows;
                continue;
            }
        } else if (f.firstFiring) {
            if (startFiring.size() > 1)
                startFiring += u',';
            LabelJson::appendString(startFiring, f.fingerprint);
        }
        fullFolds << k;
        // The row is rewritten whole: the counters still pending for it go with it.
        AlertCountDelta counts = d;
        if (const AlertCountDelta* waiting = m_impl->pending.find(f.fingerprint)) {
            counts = *waiting;
            counts.merge(d);
        }
        if (upsertRow)
            fullCounts << counts;
        else
            appendFullRow(full, f.fingerprint, a, counts);
    }
    full += u']';
    startFiring += u']';

    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
    QVector<qint64> ownIds;
    qint64 lastId = 0;
    if (insert) {
        insert->bindValue(0, notificationRowsJson(batch, folded));
        if (!insert->exec())
            return fail(u"cannot store notifications: "_s + describe(insert->lastError()), error);
        ownIds.reserve(batch.size());
        while (insert->next())
            ownIds << insert->value(0).toLongLong();
        insert->finish();
    } else {
        // One deliveries row per run of notifications received together from one source (a feed stamps both on
        // its whole delivery, so a delivery is one row; a group commit of several is a few).
        QByteArray body, sourceUtf8;
        body.reserve(batch.size() * 64);
        for (qsizetype begin = 0; begin < batch.size();) {
            const QString& source = batch.at(begin).source;
            const qint64 received = folded.received.at(begin);
            qsizetype end = begin + 1;
            while (end < batch.size() && folded.received.at(end) == received && batch.at(end).source == source)
                ++end;
            body.clear();
            appendDeliveryBody(body, batch, folded, begin, end);
            sourceUtf8 = source.toUtf8();
            insertRow->bindInt64(1, end - begin);
            insertRow->bindInt64(2, received);
            insertRow->bindText(3, sourceUtf8);
            insertRow->bindText(4, body);
            if (!insertRow->step(&why))
                return fail(u"cannot store notifications: "_s + why, error);
            const qint64 firstId = insertRow->lastInsertId();
            for (qsizetype i = begin; i < end; ++i)
                folded.folds[folded.foldOfRow.at(i)].delta.lastId = firstId + (i - begin);
            lastId = firstId + (end - begin) - 1;
            begin = end;
        }
    }
    if (startFiring.size() > 2) {
        boundary->bindValue(0, startFiring);
        if (!boundary->exec())
            return fail(u"cannot count flaps: "_s + describe(boundary->lastError()), error);
    }
    if (narrowRows > 0 && update) {
        update->bindValue(0, narrowRowsJson(folded));
        if (!update->exec())
            return fail(u"cannot update alerts: "_s + describe(update->lastError()), error);
        if (update->numRowsAffected() != narrowRows) {
            *staleCache = true;
            return fail(u"alerts table changed behind the store"_s, error);
        }
    }
    if (upsert && full.size() > 2) {
        upsert->bindValue(0, full);
        if (!upsert->exec())
            return fail(u"cannot store alerts: "_s + describe(upsert->lastError()), error);
    }
    // SQLite: the rows written whole count their notifications (and say so in counted_through); the repeats'
    // counters wait in memory unless the oldest has waited long enough, then every pending counter is written
    // with this delivery.
    QHash<QString, AlertCountDelta> flushNow;
    bool flushed = false;
    if (upsertRow) {
        for (qsizetype i = 0; i < fullFolds.size(); ++i) {
            const Fold& f = folded.folds.at(fullFolds.at(i));
            if (!upsertFullRow(*upsertRow, f.delta, batch.at(f.last), fullCounts.at(i), &why))
                return fail(u"cannot store alerts: "_s + why, error);
        }
        if (m_impl->pending.ageMs(m_impl->nowMs()) >= kMaxCountLagMs) {
            flushNow = m_impl->pending.all();
            for (const qsizetype k : std::as_const(fullFolds))
                flushNow.remove(folded.folds.at(k).fingerprint);
            for (const Fold& f : std::as_const(folded.folds)) {
                if (!f.narrow)
                    continue;
                if (const auto it = flushNow.find(f.fingerprint); it != flushNow.end())
                    it->merge(f.delta);
                else
                    flushNow.insert(f.fingerprint, f.delta);
            }
            if (!writeAlertCounts(flushNow, lastId, error))
                return false;
            flushed = true;
        }
    }
    if (!m_impl->notify(u"notifications"_s, QString::number(batch.size()), &why))
        return fail(why, error);
    if (!tx.commit())
        return fail(u"cannot commit notifications: "_s + describe(m_impl->db.lastError()), error);
    for (const qint64 id : std::as_const(ownIds))
        m_impl->markSeen(id);

    if (upsertRow) {
        m_impl->lastNotificationId = std::max(m_impl->lastNotificationId, lastId);
        if (flushed) {
            m_impl->pending.clear();
        } else {
            const qint64 now = m_impl->nowMs();
            for (const qsizetype k : std::as_const(fullFolds))
                m_impl->pending.remove(folded.folds.at(k).fingerprint);
            for (const Fold& f : std::as_const(folded.folds))
                if (f.narrow)
                    m_impl->pending.add(f.fingerprint, f.delta, now);
        }
    }
    for (const Fold& f : std::as_const(folded.folds)) {
        if (f.narrow) { // its details are the row's already: only the status moved
            if (const auto it = m_impl->known.find(f.fingerprint); it != m_impl->known.end()) {
                it->firing = f.delta.lastFiring;
                continue;
            }
        }
        const Alert& a = batch.at(f.last);
        m_impl->known.insert(f.fingerprint,
                             Impl::KnownAlert{f.delta.lastFiring, a.labels, a.annotations, a.source, a.generatorUrl});
    }
    return true;
}

namespace {
size_t membersDigest(const Incident& incident)
{
    size_t h = qHash(incident.alerts.size());
    for (const TrackedAlert& t : incident.alerts)
        h = qHashMulti(h, t.fingerprint(), t.inhibited, t.inhibitedBy);
    return h;
}

size_t causesDigest(const Incident& incident)
{
    size_t h = qHash(incident.rootCauses.size());
    for (const RootCauseCandidate& c : incident.rootCauses)
        h = qHashMulti(h, c.service, c.score, c.confidence, c.evidence, c.hasOwnAlert, c.inGraph);
    return h;
}
} // namespace

qint64 Store::saveIncidentInTransaction(const Incident& incident, QString* error, RowsDigest* detail)
{
    if (incident.key.isEmpty()) {
        fail(u"incident has no key"_s, error);
        return 0;
    }
    QString why;
    QSqlQuery* upsert = m_impl->statement(UpsertIncident, &why);
    if (!upsert) {
        fail(why, error);
        return 0;
    }

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    upsert->bindValue(0, incident.key);
    upsert->bindValue(1, Incident::stateName(incident.state));
    upsert->bindValue(2, text(incident.severity));
    upsert->bindValue(3, msOrNull(incident.firstAlertAt));
    upsert->bindValue(4, msOrNull(incident.lastAlertAt));
    upsert->bindValue(5, incident.notificationCount);
    upsert->bindValue(6, msOrNull(incident.acknowledgedAt));
    upsert->bindValue(7, textOrNull(incident.acknowledgedBy));
    upsert->bindValue(8, LabelJson::encode(incident.affectedServices));
    upsert->bindValue(9, now);
    upsert->bindValue(10, now);
    if (!upsert->exec() || !upsert->next()) {
        fail(u"cannot store incident %1: %2"_s.arg(incident.key, describe(upsert->lastError())), error);
        upsert->finish();
        return 0;
    }
    const qint64 id = upsert->value(0).toLongLong();
    upsert->finish(); // RETURNING leaves the statement mid-step; reset it before the next write
    *detail = {membersDigest(incident), causesDigest(incident)};
    bool membersDone = false, causesDone = false;
    if (m_impl->shared) {
        // Another console may have rewritten the rows since: no shortcut, and tell the others.
        if (!m_impl->notify(u"incident"_s, incident.key, &why)) {
            fail(why, error);
            return 0;
        }
    } else if (const auto written = m_impl->writtenDetail.constFind(id); written != m_impl->writtenDetail.cend()) {
        membersDone = written->members == detail->members;
        causesDone = written->causes == detail->causes;
        if (membersDone && causesDone)
            return id;
    }

    if (!membersDone && !writeMembers(id, incident, error))
        return 0;
    if (!causesDone && !writeCauses(id, incident, error))
        return 0;
    // Only when members or causes changed: a storm's repeats leave the document as it was. Written by
    // reindexStale() before the commit, at once or after the delay.
    if (!m_impl->shared && !m_impl->staleSince.contains(id)) {
        QSqlQuery* stale = m_impl->statement(MarkStale, &why);
        if (!stale) {
            fail(why, error);
            return 0;
        }
        stale->bindValue(0, id);
        if (!stale->exec()) {
            fail(u"cannot mark incident %1 for search: %2"_s.arg(incident.key, describe(stale->lastError())), error);
            return 0;
        }
        m_impl->staleSince.insert(id, QDateTime::currentMSecsSinceEpoch());
    }
    return id;
}

bool Store::writeMembers(qint64 id, const Incident& incident, QString* error)
{
    QString why;
    if (!m_impl->shared) {
        // A storm's incidents gain members between most refreshes: hundreds of rows each time, bound natively.
        SqliteStatement* del = m_impl->native(NativeDeleteMembers, &why);
        SqliteStatement* add = del ? m_impl->native(NativeInsertMember, &why) : nullptr;
        if (!add)
            return fail(why, error);
        del->bindInt64(1, id);
        if (!del->step(&why))
            return fail(u"cannot replace members of incident %1: %2"_s.arg(incident.key, why), error);
        for (qsizetype i = 0; i < incident.alerts.size(); ++i) {
            const TrackedAlert& t = incident.alerts.at(i);
            const QByteArray fingerprint = t.fingerprint().toUtf8();
            const QByteArray inhibitedBy = t.inhibitedBy.toUtf8();
            add->bindInt64(1, id);
            add->bindText(2, fingerprint);
            add->bindInt64(3, i);
            add->bindInt64(4, t.inhibited ? 1 : 0);
            add->bindText(5, inhibitedBy);
            if (!add->step(&why))
                return fail(u"cannot store member of incident %1: %2"_s.arg(incident.key, why), error);
        }
        return true;
    }
    QSqlQuery* delMembers = m_impl->statement(DeleteMembers, &why);
    QSqlQuery* addMember = delMembers ? m_impl->statement(InsertMember, &why) : nullptr;
    if (!addMember)
        return fail(why, error);
    delMembers->bindValue(0, id);
    if (!delMembers->exec()) {
        return fail(u"cannot replace members of incident %1: %2"_s.arg(incident.key, describe(delMembers->lastError())),
                    error);
    }
    for (qsizetype i = 0; i < incident.alerts.size(); ++i) {
        const TrackedAlert& t = incident.alerts.at(i);
        addMember->bindValue(0, id);
        addMember->bindValue(1, t.fingerprint());
        addMember->bindValue(2, qint64(i));
        addMember->bindValue(3, t.inhibited ? 1 : 0);
        addMember->bindValue(4, text(t.inhibitedBy));
        if (!addMember->exec()) {
            return fail(u"cannot store member of incident %1: %2"_s.arg(incident.key, describe(addMember->lastError())),
                        error);
        }
    }
    return true;
}

bool Store::writeCauses(qint64 id, const Incident& incident, QString* error)
{
    QString why;
    QSqlQuery* delCauses = m_impl->statement(DeleteCauses, &why);
    QSqlQuery* addCause = delCauses ? m_impl->statement(InsertCause, &why) : nullptr;
    if (!addCause)
        return fail(why, error);
    delCauses->bindValue(0, id);
    if (!delCauses->exec()) {
        return fail(
            u"cannot replace root causes of incident %1: %2"_s.arg(incident.key, describe(delCauses->lastError())),
            error);
    }
    for (qsizetype rank = 0; rank < incident.rootCauses.size(); ++rank) {
        const RootCauseCandidate& c = incident.rootCauses.at(rank);
        addCause->bindValue(0, id);
        addCause->bindValue(1, qint64(rank));
        addCause->bindValue(2, text(c.service));
        addCause->bindValue(3, c.score);
        addCause->bindValue(4, c.confidence);
        addCause->bindValue(5, LabelJson::encode(c.evidence));
        addCause->bindValue(6, c.hasOwnAlert ? 1 : 0);
        addCause->bindValue(7, c.inGraph ? 1 : 0);
        if (!addCause->exec()) {
            return fail(
                u"cannot store root cause of incident %1: %2"_s.arg(incident.key, describe(addCause->lastError())),
                error);
        }
    }
    return true;
}

qint64 Store::saveIncident(const Incident& incident, QString* error)
{
    if (!m_impl) {
        fail(u"store is not open"_s, error);
        return 0;
    }
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive()) {
        fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
        return 0;
    }
    RowsDigest detail;
    const qint64 id = saveIncidentInTransaction(incident, error, &detail);
    if (id == 0 || !reindexStale(false, error))
        return 0;
    if (!tx.commit()) {
        fail(u"cannot commit incident: "_s + describe(m_impl->db.lastError()), error);
        return 0;
    }
    m_impl->writtenDetail.insert(id, detail);
    return id;
}

bool Store::saveIncidents(QVector<Incident>& incidents, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
    // The member alerts' rows count every notification the incidents do.
    const bool settle = !m_impl->shared && !m_impl->pending.isEmpty();
    if (settle && !writeAlertCounts(m_impl->pending.all(), m_impl->lastNotificationId, error))
        return false;
    QVector<qint64> ids;
    QVector<RowsDigest> details;
    ids.reserve(incidents.size());
    details.reserve(incidents.size());
    for (const Incident& incident : std::as_const(incidents)) {
        RowsDigest detail;
        const qint64 id = saveIncidentInTransaction(incident, error, &detail);
        if (id == 0)
            return false;
        ids.append(id);
        details.append(detail);
    }
    if (!reindexStale(false, error))
        return false;
    if (!tx.commit())
        return fail(u"cannot commit incidents: "_s + describe(m_impl->db.lastError()), error);
    if (settle)
        m_impl->pending.clear();
    // Ids (and the written-rows cache) only once they are durable: a rolled-back batch changes neither.
    for (qsizetype i = 0; i < incidents.size(); ++i) {
        incidents[i].id = ids.at(i);
        m_impl->writtenDetail.insert(ids.at(i), details.at(i));
    }
    return true;
}

bool Store::markMerged(const QString& key, qint64 intoId, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    QSqlQuery* exists = m_impl->statement(IncidentExists, &why);
    QSqlQuery* merge = exists ? m_impl->statement(MarkMerged, &why) : nullptr;
    if (!merge)
        return fail(why, error);
    exists->bindValue(0, intoId);
    const bool found = exists->exec() && exists->next();
    exists->finish();
    if (!found)
        return fail(u"cannot merge %1: no incident with id %2"_s.arg(key).arg(intoId), error);
    merge->bindValue(0, intoId);
    merge->bindValue(1, QDateTime::currentMSecsSinceEpoch());
    merge->bindValue(2, key);
    merge->bindValue(3, intoId);
    if (!merge->exec())
        return fail(u"cannot merge %1: %2"_s.arg(key, describe(merge->lastError())), error);
    if (merge->numRowsAffected() != 1)
        return fail(u"cannot merge %1 into %2: no such incident, or it is that incident"_s.arg(key).arg(intoId), error);
    return true;
}

bool Store::recordAction(qint64 incidentId, const QString& kind, const QString& note, QString* error,
                         const QDateTime& when)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    if (kind.isEmpty())
        return fail(u"an action needs a kind"_s, error);
    QString why;
    QSqlQuery* exists = m_impl->statement(IncidentExists, &why);
    QSqlQuery* insert = exists ? m_impl->statement(InsertAction, &why) : nullptr;
    QSqlQuery* ack = insert ? m_impl->statement(AckIncident, &why) : nullptr;
    QSqlQuery* mitigate = ack ? m_impl->statement(MitigateIncident, &why) : nullptr;
    QSqlQuery* resolve = mitigate ? m_impl->statement(ResolveIncident, &why) : nullptr;
    if (!resolve)
        return fail(why, error);

    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
    exists->bindValue(0, incidentId);
    const bool found = exists->exec() && exists->next();
    exists->finish();
    if (!found)
        return fail(u"cannot record %1: no incident with id %2"_s.arg(kind).arg(incidentId), error);

    const qint64 at = when.isValid() ? when.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
    const QString user = currentUser();
    insert->bindValue(0, incidentId);
    insert->bindValue(1, kind);
    insert->bindValue(2, text(note));
    insert->bindValue(3, at);
    insert->bindValue(4, user);
    if (!insert->exec())
        return fail(u"cannot record %1: %2"_s.arg(kind, describe(insert->lastError())), error);

    QSqlQuery* update = kind == u"ack" ? ack : kind == u"mitigate" ? mitigate : kind == u"resolve" ? resolve : nullptr;
    if (update) {
        update->bindValue(0, at);
        update->bindValue(1, user);
        update->bindValue(2, at);
        update->bindValue(3, incidentId);
    }
    if (update && !update->exec())
        return fail(u"cannot apply %1: %2"_s.arg(kind, describe(update->lastError())), error);
    if (!m_impl->notify(u"action"_s, QString::number(incidentId), &why))
        return fail(why, error);
    // Notes are searchable, and a resolved incident's row is brought up to date for good.
    if ((!note.isEmpty() || kind == u"resolve") && !reindexIncident(incidentId, error))
        return false;
    if (!tx.commit())
        return fail(u"cannot commit %1: %2"_s.arg(kind, describe(m_impl->db.lastError())), error);
    return true;
}

QVector<Store::Action> Store::actions(qint64 incidentId) const
{
    QVector<Action> out;
    if (!m_impl)
        return out;
    QString why;
    QSqlQuery* q = m_impl->statement(SelectActions, &why);
    if (!q) {
        fail(why, nullptr);
        return out;
    }
    q->bindValue(0, incidentId);
    if (!q->exec()) {
        fail(describe(q->lastError()), nullptr);
        return out;
    }
    while (q->next())
        out.append(Action{q->value(0).toLongLong(), q->value(1).toString(), q->value(2).toString(), timeOf(q->value(3)),
                          q->value(4).toString()});
    q->finish();
    return out;
}

bool Store::loadMembersAndCauses(Incident& incident) const
{
    QString why;
    QSqlQuery* members = m_impl->statement(SelectMembers, &why);
    QSqlQuery* causes = members ? m_impl->statement(SelectCauses, &why) : nullptr;
    if (!causes)
        return fail(why, nullptr);

    members->bindValue(0, incident.id);
    if (!members->exec())
        return fail(describe(members->lastError()), nullptr);
    while (members->next()) {
        TrackedAlert t;
        Alert& a = t.latest;
        a.fingerprint = members->value(0).toString();
        t.inhibited = members->value(1).toBool();
        t.inhibitedBy = members->value(2).toString();
        a.labels = LabelJson::decodeLabels(members->value(3).toString());
        a.annotations = LabelJson::decodeLabels(members->value(4).toString());
        a.status = members->value(5).toString() == u"resolved" ? Alert::Status::Resolved : Alert::Status::Firing;
        a.startsAt = timeOf(members->value(6));
        a.endsAt = timeOf(members->value(7));
        t.firstStartsAt = timeOf(members->value(8));
        t.firstReceivedAt = timeOf(members->value(9));
        t.lastReceivedAt = timeOf(members->value(10));
        a.receivedAt = t.lastReceivedAt;
        t.notificationCount = members->value(11).toInt();
        t.flapCount = members->value(12).toInt();
        a.source = members->value(13).toString();
        a.generatorUrl = members->value(14).toString();
        incident.alerts.append(std::move(t));
    }
    members->finish();

    causes->bindValue(0, incident.id);
    if (!causes->exec())
        return fail(describe(causes->lastError()), nullptr);
    while (causes->next()) {
        RootCauseCandidate c;
        c.service = causes->value(0).toString();
        c.score = causes->value(1).toDouble();
        c.confidence = causes->value(2).toDouble();
        c.evidence = LabelJson::decodeList(causes->value(3).toString());
        c.hasOwnAlert = causes->value(4).toBool();
        c.inGraph = causes->value(5).toBool();
        incident.rootCauses.append(std::move(c));
    }
    causes->finish();
    return true;
}

std::optional<Incident> Store::loadIncident(qint64 id) const
{
    if (!m_impl)
        return std::nullopt;
    settleAlertCountsForReaders();
    QString why;
    QSqlQuery* q = m_impl->statement(SelectIncident, &why);
    if (!q) {
        fail(why, nullptr);
        return std::nullopt;
    }
    q->bindValue(0, id);
    if (!q->exec()) {
        fail(describe(q->lastError()), nullptr);
        return std::nullopt;
    }
    if (!q->next()) {
        q->finish();
        return std::nullopt;
    }
    Incident incident = incidentFromRow(*q);
    q->finish();
    if (!loadMembersAndCauses(incident))
        return std::nullopt;
    return incident;
}

QVector<Incident> Store::loadIncidents(int limit) const
{
    QVector<Incident> out;
    if (!m_impl)
        return out;
    settleAlertCountsForReaders();
    QString why;
    QSqlQuery* q = m_impl->statement(SelectIncidents, &why);
    if (!q) {
        fail(why, nullptr);
        return out;
    }
    q->bindValue(0, limit);
    if (!q->exec()) {
        fail(describe(q->lastError()), nullptr);
        return out;
    }
    while (q->next())
        out.append(incidentFromRow(*q));
    q->finish();
    for (Incident& incident : out)
        loadMembersAndCauses(incident);
    return out;
}

QVector<Alert> Store::loadNotifications(const QDateTime& since) const
{
    if (!m_impl)
        return {};
    QString why;
    QSqlQuery* q = m_impl->statement(SelectNotifications, &why);
    if (!q) {
        fail(why, nullptr);
        return {};
    }
    q->bindValue(0, since.isValid() ? since.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min());
    return readNotifications(*q, false);
}

QVector<Alert> Store::othersNotifications()
{
    if (!m_impl || !m_impl->shared)
        return {};
    QString why;
    QSqlQuery* q = m_impl->statement(SelectNotificationsAfter, &why);
    if (!q) {
        fail(why, nullptr);
        return {};
    }
    q->bindValue(0, m_impl->contiguous);
    QVector<Alert> out = readNotifications(*q, true);
    m_impl->advanceCursor();
    return out;
}

QVector<Alert> Store::readNotifications(QSqlQuery& query, bool unseenOnly) const
{
    QVector<Alert> out;
    QSqlQuery* q = &query;
    q->setForwardOnly(true);
    if (!q->exec()) {
        fail(describe(q->lastError()), nullptr);
        return out;
    }
    // Every delivery of a fingerprint shares its label set: decode each once.
    struct Decoded
    {
        LabelSet labels;
        LabelSet annotations;
        QString generatorUrl;
    };
    QHash<QString, Decoded> decoded;
    while (q->next()) {
        if (m_impl->shared) {
            const qint64 id = q->value(9).toLongLong();
            if (unseenOnly && (id <= m_impl->contiguous || m_impl->seenAbove.contains(id)))
                continue;
            m_impl->markSeen(id);
        }
        Alert a;
        a.fingerprint = q->value(0).toString();
        a.status = q->value(1).toString() == u"resolved" ? Alert::Status::Resolved : Alert::Status::Firing;
        a.startsAt = timeOf(q->value(2));
        a.endsAt = timeOf(q->value(3));
        a.receivedAt = timeOf(q->value(4));
        a.source = q->value(5).toString();
        auto it = decoded.find(a.fingerprint);
        if (it == decoded.end())
            it = decoded.insert(a.fingerprint,
                                Decoded{LabelJson::decodeLabels(q->value(6).toString()),
                                        LabelJson::decodeLabels(q->value(7).toString()), q->value(8).toString()});
        a.labels = it->labels;
        a.annotations = it->annotations;
        a.generatorUrl = it->generatorUrl;
        out.append(std::move(a));
    }
    q->finish();
    return out;
}

bool Store::watchOthers(QObject* context, std::function<void(const QString&, const QString&)> onChange, QString* error)
{
    if (!m_impl || !m_impl->shared)
        return fail(u"only a shared (PostgreSQL) store has other consoles to watch"_s, error);
    QSqlDriver* driver = m_impl->db.driver();
    if (!driver->subscribeToNotification(u"nightwatch"_s))
        return fail(u"cannot LISTEN for other consoles: "_s + describe(driver->lastError()), error);
    QObject::connect(driver, &QSqlDriver::notification, context,
                     [onChange = std::move(onChange)](const QString& channel, QSqlDriver::NotificationSource source,
                                                      const QVariant& payload) {
                         if (channel != u"nightwatch" || source == QSqlDriver::SelfSource)
                             return; // our own writes are known already
                         const QString text = payload.toString();
                         const qsizetype colon = text.indexOf(u':');
                         onChange(text.left(colon), colon < 0 ? QString() : text.mid(colon + 1));
                     });
    return true;
}

bool Store::recordChange(const ChangeEvent& change, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    QSqlQuery* q = m_impl->statement(InsertChange, &why);
    if (!q)
        return fail(why, error);
    // A change reported without a time happened, as far as anyone knows, when it was reported.
    q->bindValue(0, text(change.service));
    q->bindValue(1, text(change.kind));
    q->bindValue(2, change.at.isValid() ? change.at.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch());
    q->bindValue(3, text(change.description));
    q->bindValue(4, text(change.link));
    if (!q->exec())
        return fail(u"cannot store change: "_s + describe(q->lastError()), error);
    return true;
}

QVector<ChangeEvent> Store::loadChanges(const QDateTime& since) const
{
    QVector<ChangeEvent> out;
    if (!m_impl)
        return out;
    QString why;
    QSqlQuery* q = m_impl->statement(SelectChanges, &why);
    if (!q) {
        fail(why, nullptr);
        return out;
    }
    q->bindValue(0, since.isValid() ? since.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min());
    if (!q->exec()) {
        fail(describe(q->lastError()), nullptr);
        return out;
    }
    while (q->next())
        out.append(ChangeEvent{q->value(0).toString(), q->value(1).toString(), timeOf(q->value(2)),
                               q->value(3).toString(), q->value(4).toString()});
    q->finish();
    return out;
}

qint64 Store::notificationCount() const
{
    if (!m_impl)
        return 0;
    QString why;
    QSqlQuery* q = m_impl->statement(CountNotifications, &why);
    if (!q || !q->exec() || !q->next()) {
        fail(q ? describe(q->lastError()) : why, nullptr);
        return 0;
    }
    const qint64 n = q->value(0).toLongLong();
    q->finish();
    return n;
}

qint64 Store::alertCount() const
{
    if (!m_impl)
        return 0;
    settleAlertCountsForReaders(); // a row deleted behind the store is back once its counters are written
    QString why;
    QSqlQuery* q = m_impl->statement(CountAlerts, &why);
    if (!q || !q->exec() || !q->next()) {
        fail(q ? describe(q->lastError()) : why, nullptr);
        return 0;
    }
    const qint64 n = q->value(0).toLongLong();
    q->finish();
    return n;
}

qint64 Store::recordRunbookRun(const RunbookRun& run, QString* error)
{
    if (!m_impl) {
        fail(u"store is not open"_s, error);
        return 0;
    }
    QString why;
    QSqlQuery* q = m_impl->statement(InsertRunbookRun, &why);
    if (!q) {
        fail(why, error);
        return 0;
    }
    const auto intOrNull = [](const std::optional<int>& v) { return v ? QVariant(*v) : QVariant(); };
    q->bindValue(0, run.at.isValid() ? run.at.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch());
    q->bindValue(1, currentUser());
    q->bindValue(2, run.incidentId != 0 ? QVariant(run.incidentId) : QVariant());
    q->bindValue(3, text(run.runbookId));
    q->bindValue(4, text(run.step));
    q->bindValue(5, text(run.kind));
    q->bindValue(6, LabelJson::encode(run.argv));
    q->bindValue(7, text(run.approval));
    q->bindValue(8, msOrNull(run.approvedAt));
    q->bindValue(9, intOrNull(run.exitCode));
    q->bindValue(10, outcomeName(run.outcome));
    q->bindValue(11, run.durationMs);
    q->bindValue(12, text(run.outputDigest));
    q->bindValue(13, text(verifyName(run.verify)));
    q->bindValue(14, run.rolledBack ? 1 : 0);
    q->bindValue(15, intOrNull(run.rollbackExitCode));
    q->bindValue(16, text(run.logFile));
    q->bindValue(17, text(run.error));
    if (!q->exec()) {
        fail(u"cannot record runbook run of %1/%2: %3"_s.arg(run.runbookId, run.step, describe(q->lastError())), error);
        return 0;
    }
    const qint64 id = q->lastInsertId().toLongLong();
    // The audit row is stored; a lost announcement only delays what other consoles show.
    if (!m_impl->notify(u"runbook"_s, QString::number(run.incidentId), &why))
        qWarning("nightwatch: %s", qPrintable(why));
    return id;
}

QVector<RunbookRun> Store::runbookRuns(std::optional<qint64> incidentId) const
{
    QVector<RunbookRun> out;
    if (!m_impl)
        return out;
    QString why;
    QSqlQuery* q = m_impl->statement(SelectRunbookRuns, &why);
    if (!q) {
        fail(why, nullptr);
        return out;
    }
    const QVariant incident = incidentId ? QVariant(*incidentId) : QVariant();
    q->bindValue(0, incident);
    q->bindValue(1, incident);
    if (!q->exec()) {
        fail(describe(q->lastError()), nullptr);
        return out;
    }
    const auto intOrNone = [](const QVariant& v) { return v.isNull() ? std::optional<int>() : v.toInt(); };
    while (q->next()) {
        RunbookRun r;
        r.id = q->value(0).toLongLong();
        r.at = timeOf(q->value(1));
        r.user = q->value(2).toString();
        r.incidentId = q->value(3).toLongLong();
        r.runbookId = q->value(4).toString();
        r.step = q->value(5).toString();
        r.kind = q->value(6).toString();
        r.argv = LabelJson::decodeList(q->value(7).toString());
        r.approval = q->value(8).toString();
        r.approvedAt = timeOf(q->value(9));
        r.exitCode = intOrNone(q->value(10));
        r.outcome = runbookOutcomeFrom(q->value(11).toString());
        r.durationMs = q->value(12).toLongLong();
        r.outputDigest = q->value(13).toString();
        r.verify = runbookVerifyFrom(q->value(14).toString());
        r.rolledBack = q->value(15).toBool();
        r.rollbackExitCode = intOrNone(q->value(16));
        r.logFile = q->value(17).toString();
        r.error = q->value(18).toString();
        out.append(std::move(r));
    }
    q->finish();
    return out;
}

bool Store::recordResolution(const Resolution& resolution, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    QSqlQuery* exists = m_impl->statement(IncidentExists, &why);
    QSqlQuery* upsert = exists ? m_impl->statement(UpsertResolution, &why) : nullptr;
    if (!upsert)
        return fail(why, error);
    exists->bindValue(0, resolution.incidentId);
    const bool found = exists->exec() && exists->next();
    exists->finish();
    if (!found)
        return fail(u"cannot record a resolution: no incident with id %1"_s.arg(resolution.incidentId), error);

    const auto boolOrNull = [](const std::optional<bool>& b) { return b ? QVariant(*b ? 1 : 0) : QVariant(); };
    const QDateTime at = resolution.at.isValid() ? resolution.at : QDateTime::currentDateTimeUtc();
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
    upsert->bindValue(0, resolution.incidentId);
    upsert->bindValue(1, at.toMSecsSinceEpoch());
    upsert->bindValue(2, currentUser());
    upsert->bindValue(3, text(resolution.fixedByRunbook));
    upsert->bindValue(4, text(resolution.fixedByStep));
    upsert->bindValue(5, text(resolution.fixedByText));
    upsert->bindValue(6, text(resolution.rootCause));
    upsert->bindValue(7, boolOrNull(resolution.suggestionRight));
    upsert->bindValue(8, boolOrNull(resolution.actionable));
    upsert->bindValue(9, LabelJson::encode(resolution.proposedRunbooks));
    if (!upsert->exec())
        return fail(u"cannot record a resolution: "_s + describe(upsert->lastError()), error);
    if (!reindexIncident(resolution.incidentId, error)) // what fixed it is searchable
        return false;
    if (!tx.commit())
        return fail(u"cannot commit a resolution: "_s + describe(m_impl->db.lastError()), error);
    return true;
}

std::optional<Resolution> Store::resolution(qint64 incidentId) const
{
    if (!m_impl)
        return std::nullopt;
    QString why;
    QSqlQuery* q = m_impl->statement(SelectResolution, &why);
    if (!q) {
        fail(why, nullptr);
        return std::nullopt;
    }
    q->bindValue(0, incidentId);
    if (!q->exec()) {
        fail(describe(q->lastError()), nullptr);
        return std::nullopt;
    }
    if (!q->next()) {
        q->finish();
        return std::nullopt;
    }
    const auto boolOrNone = [](const QVariant& v) { return v.isNull() ? std::optional<bool>() : v.toBool(); };
    Resolution r;
    r.incidentId = q->value(0).toLongLong();
    r.at = timeOf(q->value(1));
    r.user = q->value(2).toString();
    r.fixedByRunbook = q->value(3).toString();
    r.fixedByStep = q->value(4).toString();
    r.fixedByText = q->value(5).toString();
    r.rootCause = q->value(6).toString();
    r.suggestionRight = boolOrNone(q->value(7));
    r.actionable = boolOrNone(q->value(8));
    r.proposedRunbooks = LabelJson::decodeList(q->value(9).toString());
    q->finish();
    return r;
}
