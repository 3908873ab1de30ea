#include "storesql.h"

#include <array>
#include <string>

using namespace Qt::StringLiterals;

namespace StoreSql {

// How an alert row takes a newer fold of its notifications: the ON CONFLICT clause of both upserts, the JSON
// batch one (the shared store) and the native one (SQLite), around how they count flaps. SET expressions see the old
// row as alerts.*.
#define ALERT_UPSERT_SET_HEAD                                                                                          \
    "ON CONFLICT(fingerprint) DO UPDATE SET labels = excluded.labels, annotations = excluded.annotations, "            \
    "status = excluded.status, starts_at = excluded.starts_at, ends_at = excluded.ends_at, "                           \
    "first_starts_at = CASE WHEN alerts.first_starts_at IS NULL OR excluded.first_starts_at < "                        \
    "alerts.first_starts_at THEN excluded.first_starts_at ELSE alerts.first_starts_at END, "                           \
    "first_received_at = min(alerts.first_received_at, excluded.first_received_at), "                                  \
    "last_received_at = max(alerts.last_received_at, excluded.last_received_at), "                                     \
    "notification_count = alerts.notification_count + excluded.notification_count, "                                   \
    "source = excluded.source, generator_url = excluded.generator_url, "
#define ALERT_UPSERT_SET ALERT_UPSERT_SET_HEAD "flap_count = alerts.flap_count + excluded.flap_count"


// The search document of incident ?: title, services, alertnames, labels, root_cause, evidence, notes, resolution.
#define SEARCH_DOCUMENT                                                                                                \
    "coalesce((SELECT coalesce(json_extract(a.annotations, '$.summary'), " \
    "json_extract(a.annotations, '$.description'), '') " \
    "FROM incident_alerts ia JOIN alerts a ON a.fingerprint = ia.fingerprint " \
    "WHERE ia.incident_id = i.id ORDER BY ia.position LIMIT 1), ''), " \
    "coalesce((SELECT group_concat(value, ' ') FROM incident_labels WHERE incident_id = i.id " \
    "AND key = 'service'), ''), " \
    "coalesce((SELECT group_concat(value, ' ') FROM incident_labels WHERE incident_id = i.id " \
    "AND key = 'alertname'), ''), " \
    "coalesce((SELECT group_concat(value, ' ') FROM incident_labels WHERE incident_id = i.id " \
    "AND key NOT IN ('service', 'alertname')), ''), " \
    "trim(coalesce((SELECT service FROM root_causes WHERE incident_id = i.id AND rank = 0), '') || ' ' || " \
    "coalesce((SELECT root_cause FROM resolutions WHERE incident_id = i.id), '')), " \
    "coalesce((SELECT group_concat(e.value, ' ') FROM root_causes rc, json_each(rc.evidence) e " \
    "WHERE rc.incident_id = i.id AND rc.rank = 0), ''), " \
    "coalesce((SELECT group_concat(note, ' ') FROM actions WHERE incident_id = i.id AND note <> ''), ''), " \
    "coalesce((SELECT trim(fixed_by_runbook || ' ' || fixed_by_step || ' ' || fixed_by_text) " \
    "FROM resolutions WHERE incident_id = i.id), '') " \
    "FROM incidents i WHERE i.id = ?"

const QString& sqliteText(Id id)
{
    static const std::array<QString, Count> sql = {
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
        // Notify: PostgreSQL only (see PostgresBackend::sql).
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
        "resolution) SELECT i.id, " SEARCH_DOCUMENT ""_s,
        // MarkStale
        u"INSERT OR IGNORE INTO search_stale(incident_id) VALUES(?)"_s,
        // ClearStale
        u"DELETE FROM search_stale WHERE incident_id = ?"_s,
        // SelectStale
        u"SELECT incident_id FROM search_stale"_s,
        // SelectSearchRow: what incident_search holds for one incident, in InsertSearchRow's column order.
        u"SELECT title, services, alertnames, labels, root_cause, evidence, notes, resolution FROM incident_search "
        "WHERE rowid = ?"_s,
        // SelectSearchDocument: what InsertSearchRow would write for it now.
        u"SELECT " SEARCH_DOCUMENT ""_s,
        // NewestNotificationId: SQLite keeps one row per delivery (schema v8), whose last id is the newest.
        u"SELECT coalesce((SELECT last_id FROM deliveries ORDER BY id DESC LIMIT 1), 0)"_s,
        // InsertIncidentLabelsFrom: InsertIncidentLabels for the members at the given position and after (an incident that
        // grew: the pairs of the members before are in already).
        u"INSERT OR IGNORE INTO incident_labels(key, value, incident_id) "
        "SELECT DISTINCT l.key, l.value, ia.incident_id "
        "FROM incident_alerts ia JOIN alerts a ON a.fingerprint = ia.fingerprint, json_each(a.labels) l "
        "WHERE ia.incident_id = ? AND ia.position >= ? AND l.type = 'text'"_s,
        // CountMembers
        u"SELECT count(*) FROM incident_alerts WHERE incident_id = ?"_s,
        // SelectDeliveryMark: key, not before (ms)
        u"SELECT stored, total FROM delivery_journal WHERE key = ? AND updated_at >= ?"_s,
        // UpsertDeliveryMark: key, stored, total, now (ms)
        u"INSERT INTO delivery_journal(key, stored, total, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET stored = excluded.stored, total = excluded.total, "
        "updated_at = excluded.updated_at"_s,
        // ExpireDeliveryMarks: rows written before (ms); through the updated_at index (schema v10)
        u"DELETE FROM delivery_journal WHERE updated_at < ?"_s,
    };
    return sql[id];
}

namespace {

// INSERT INTO alerts(...) VALUES (?, ...), (?, ...), ... for rows rows: placeholders only, the values are bound.
std::string insertAlertRows(int rows)
{
    std::string sql = "INSERT INTO alerts(fingerprint, labels, annotations, status, starts_at, ends_at, "
                      "first_starts_at, first_received_at, last_received_at, notification_count, flap_count, source, "
                      "generator_url, counted_through) VALUES ";
    for (int r = 0; r < rows; ++r) {
        sql += r ? ",(" : "(";
        for (int c = 0; c < kAlertRowColumns; ++c)
            sql += c ? ",?" : "?";
        sql += ')';
    }
    return sql;
}

// INSERT OR REPLACE INTO incident_alerts(...) VALUES (?, ...), ... for rows rows (later rows win, as one by one).
std::string insertMemberRows(int rows)
{
    std::string sql = "INSERT OR REPLACE INTO incident_alerts(incident_id, fingerprint, position, inhibited, "
                      "inhibited_by) VALUES ";
    for (int r = 0; r < rows; ++r)
        sql += r ? ",(?,?,?,?,?)" : "(?,?,?,?,?)";
    static_assert(kMemberColumns == 5);
    return sql;
}

} // namespace

const char* nativeText(Native id)
{
    static const std::string manyMembers = insertMemberRows(kMembersPerInsert);
    static const std::string manyRows = insertAlertRows(kAlertRowsPerInsert);
    static const std::string fewRows = insertAlertRows(kFewAlertRowsPerInsert);
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
        "INSERT INTO alerts(fingerprint, labels, annotations, status, starts_at, ends_at, first_starts_at, "
        "first_received_at, last_received_at, notification_count, flap_count, source, generator_url, counted_through) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) " ALERT_UPSERT_SET_HEAD
        "flap_count = alerts.flap_count + excluded.flap_count + (?15 AND alerts.status = 'resolved'), "
        "counted_through = max(alerts.counted_through, excluded.counted_through)",
        "UPDATE store_state SET value = max(value, ?1) WHERE key = 'alerts_counted_through'",
        "DELETE FROM incident_alerts WHERE incident_id = ?1",
        "INSERT OR REPLACE INTO incident_alerts(incident_id, fingerprint, position, inhibited, inhibited_by) "
        "VALUES(?1, ?2, ?3, ?4, ?5)",
        manyRows.c_str(),
        fewRows.c_str(),
        "DELETE FROM incident_alerts WHERE incident_id = ?1 AND fingerprint = ?2",
        manyMembers.c_str(),
    };
    return sql[id];
}

} // namespace StoreSql
