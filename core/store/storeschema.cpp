#include "storeschema.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace StoreSchema {

const QVector<QStringList>& migrations()
{
    static const QVector<QStringList> steps = {
        // v1: the tables of the first release.
        {
            uR"sql(CREATE TABLE alerts (
                fingerprint TEXT PRIMARY KEY NOT NULL,
                labels TEXT NOT NULL,             -- JSON object
                annotations TEXT NOT NULL,        -- JSON object, latest
                status TEXT NOT NULL,             -- 'firing' | 'resolved', latest
                starts_at INTEGER,                -- latest notification's startsAt (ms, UTC)
                ends_at INTEGER,
                first_starts_at INTEGER,          -- earliest startsAt seen: the onset
                first_received_at INTEGER NOT NULL,
                last_received_at INTEGER NOT NULL,
                notification_count INTEGER NOT NULL DEFAULT 0,
                flap_count INTEGER NOT NULL DEFAULT 0,
                source TEXT NOT NULL DEFAULT '',
                generator_url TEXT NOT NULL DEFAULT ''
            ))sql"_s,
            uR"sql(CREATE TABLE notifications (
                id INTEGER PRIMARY KEY,
                fingerprint TEXT NOT NULL,
                status TEXT NOT NULL,
                starts_at INTEGER,
                ends_at INTEGER,
                received_at INTEGER NOT NULL,
                source TEXT NOT NULL DEFAULT ''
            ))sql"_s,
            uR"sql(CREATE TABLE incidents (
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                state TEXT NOT NULL,              -- 'triggered' | 'acknowledged' | 'mitigated' | 'resolved'
                severity TEXT NOT NULL DEFAULT '',
                first_alert_at INTEGER,
                last_alert_at INTEGER,
                notification_count INTEGER NOT NULL DEFAULT 0,
                acknowledged_at INTEGER,
                acknowledged_by TEXT,
                merged_into INTEGER REFERENCES incidents(id),
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            ))sql"_s,
            uR"sql(CREATE TABLE incident_alerts (
                incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
                fingerprint TEXT NOT NULL,
                position INTEGER NOT NULL,        -- onset order within the incident
                inhibited INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (incident_id, fingerprint)
            ))sql"_s,
            uR"sql(CREATE TABLE root_causes (
                incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
                rank INTEGER NOT NULL,            -- 0 = best
                service TEXT NOT NULL,
                score REAL NOT NULL,
                confidence REAL NOT NULL,
                evidence TEXT NOT NULL,           -- JSON array of sentences
                PRIMARY KEY (incident_id, rank)
            ))sql"_s,
            uR"sql(CREATE TABLE actions (
                id INTEGER PRIMARY KEY,
                incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                at INTEGER NOT NULL,
                user TEXT NOT NULL
            ))sql"_s,
            uR"sql(CREATE TABLE changes (
                id INTEGER PRIMARY KEY,
                service TEXT NOT NULL,
                kind TEXT NOT NULL,
                at INTEGER NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                link TEXT NOT NULL DEFAULT ''
            ))sql"_s,
        },
        // v2: model fields v1 did not keep (affected services, who inhibits, whether a candidate
        // raised its own alert / is in the graph) and indexes for the start-up reads. Old rows are
        // back-filled from what v1 did store.
        {
            u"ALTER TABLE incidents ADD COLUMN affected_services TEXT NOT NULL DEFAULT '[]'"_s,
            u"ALTER TABLE incident_alerts ADD COLUMN inhibited_by TEXT NOT NULL DEFAULT ''"_s,
            u"ALTER TABLE root_causes ADD COLUMN has_own_alert INTEGER NOT NULL DEFAULT 0"_s,
            u"ALTER TABLE root_causes ADD COLUMN in_graph INTEGER NOT NULL DEFAULT 1"_s,
            uR"sql(UPDATE incidents SET affected_services = (
                SELECT coalesce(json_group_array(service), '[]') FROM (
                    SELECT DISTINCT json_extract(a.labels, '$.service') AS service
                    FROM incident_alerts ia JOIN alerts a ON a.fingerprint = ia.fingerprint
                    WHERE ia.incident_id = incidents.id AND a.status = 'firing'
                          AND json_extract(a.labels, '$.service') IS NOT NULL
                    ORDER BY service)))sql"_s,
            uR"sql(UPDATE root_causes SET has_own_alert = EXISTS (
                SELECT 1 FROM incident_alerts ia JOIN alerts a ON a.fingerprint = ia.fingerprint
                WHERE ia.incident_id = root_causes.incident_id
                      AND json_extract(a.labels, '$.service') = root_causes.service))sql"_s,
            u"CREATE INDEX notifications_by_received ON notifications(received_at)"_s,
            u"CREATE INDEX incidents_by_last_alert ON incidents(last_alert_at)"_s,
            u"CREATE INDEX incident_alerts_by_fingerprint ON incident_alerts(fingerprint)"_s,
            u"CREATE INDEX actions_by_incident ON actions(incident_id, id)"_s,
            u"CREATE INDEX changes_by_at ON changes(at)"_s,
        },
        // v3: the runbook audit, one row per step attempt (run, refused, not approved, rejected) with its
        // verify and rollback. incident_id is deliberately not a foreign key: an audit row must be
        // written even for a run whose incident is gone or was never stored (a CLI run).
        {
            uR"sql(CREATE TABLE runbook_runs (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,              -- when the attempt started (or was refused)
                user TEXT NOT NULL,               -- OS user
                incident_id INTEGER,              -- NULL: not tied to an incident
                runbook_id TEXT NOT NULL,
                step TEXT NOT NULL,               -- '' when parameters were rejected before any step
                kind TEXT NOT NULL,               -- 'run' | 'rollback'
                argv TEXT NOT NULL,               -- JSON array, resolved, exactly as executed
                approval TEXT NOT NULL DEFAULT '',
                approved_at INTEGER,
                exit_code INTEGER,
                outcome TEXT NOT NULL,            -- passed | failed | timed-out | failed-to-start | refused | not-approved | rejected
                duration_ms INTEGER NOT NULL DEFAULT 0,
                output_digest TEXT NOT NULL DEFAULT '', -- SHA-256 hex of the command's output
                verify_result TEXT NOT NULL DEFAULT '', -- '' (none) | passed | failed | not evaluated (no Prometheus) | skipped
                rolled_back INTEGER NOT NULL DEFAULT 0,
                rollback_exit_code INTEGER,
                log_file TEXT NOT NULL DEFAULT '',
                error TEXT NOT NULL DEFAULT ''
            ))sql"_s,
            u"CREATE INDEX runbook_runs_by_incident ON runbook_runs(incident_id, id)"_s,
        },
        // v4: the lifecycle with who and when for every step (MTTA needs the ack, MTTR the resolve) and
        // the engineer's answer at resolve time. Old mitigate/resolve actions are back-filled.
        {
            u"ALTER TABLE incidents ADD COLUMN mitigated_at INTEGER"_s,
            u"ALTER TABLE incidents ADD COLUMN mitigated_by TEXT"_s,
            u"ALTER TABLE incidents ADD COLUMN resolved_at INTEGER"_s,
            u"ALTER TABLE incidents ADD COLUMN resolved_by TEXT"_s,
            uR"sql(UPDATE incidents SET
                mitigated_at = (SELECT min(at) FROM actions WHERE incident_id = incidents.id AND kind = 'mitigate'),
                mitigated_by = (SELECT "user" FROM actions WHERE incident_id = incidents.id AND kind = 'mitigate'
                                ORDER BY at, id LIMIT 1),
                resolved_at = (SELECT min(at) FROM actions WHERE incident_id = incidents.id AND kind = 'resolve'),
                resolved_by = (SELECT "user" FROM actions WHERE incident_id = incidents.id AND kind = 'resolve'
                               ORDER BY at, id LIMIT 1))sql"_s,
            uR"sql(CREATE TABLE resolutions (
                incident_id INTEGER NOT NULL PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE, -- one answer per incident
                at INTEGER NOT NULL,
                "user" TEXT NOT NULL,
                fixed_by_runbook TEXT NOT NULL DEFAULT '', -- runbook id when a proposed runbook fixed it
                fixed_by_step TEXT NOT NULL DEFAULT '',    -- its step, '' for the whole runbook
                fixed_by_text TEXT NOT NULL DEFAULT '',    -- what else fixed it, in the engineer's words
                root_cause TEXT NOT NULL DEFAULT '',       -- the service the engineer confirms as the cause
                suggestion_right INTEGER,                  -- was the top candidate right? NULL: not answered
                actionable INTEGER                         -- was the page actionable? NULL: not answered
            ))sql"_s,
            u"CREATE INDEX incidents_by_first_alert ON incidents(first_alert_at)"_s,
        },
        // v5: incident memory. Which runbooks were proposed when an incident was resolved (those not run were
        // ignored: similar incidents later say so), and the resolved history read newest first.
        {
            u"ALTER TABLE resolutions ADD COLUMN proposed_runbooks TEXT NOT NULL DEFAULT '[]'"_s,
            u"CREATE INDEX incidents_by_resolved ON incidents(resolved_at)"_s,
        },
        // v6: offline review. A full-text index over every incident (FTS5, trigram tokens so a word inside
        // an alertname or a service name matches), the distinct label pairs of its member alerts for exact
        // label filters, what the views showed (graph neighbourhood, metric series) so a past incident can
        // be opened without its live sources. (No index on notifications by fingerprint: it cost a third of the
        // ingest rate; a replay reads its incident's time window through notifications_by_received instead.)
        // Existing incidents are indexed here; the Store keeps the index current as incidents are saved.
        {
            uR"sql(CREATE VIRTUAL TABLE incident_search USING fts5(
                title, services, alertnames, labels, root_cause, evidence, notes, resolution,
                tokenize = 'trigram'
            ))sql"_s,
            uR"sql(CREATE TABLE incident_labels (
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                incident_id INTEGER NOT NULL,
                PRIMARY KEY (key, value, incident_id)
            ) WITHOUT ROWID)sql"_s,
            u"CREATE INDEX incident_labels_by_incident ON incident_labels(incident_id)"_s,
            uR"sql(CREATE TABLE view_snapshots (
                incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,               -- 'graph' | 'metrics'
                json TEXT NOT NULL,
                at INTEGER NOT NULL,              -- when it was taken (ms, UTC)
                PRIMARY KEY (incident_id, kind)
            ))sql"_s,
            // Incidents saved since their search row was last written (a storm re-indexes at most every few
            // seconds); whatever is left here at open is re-indexed then.
            u"CREATE TABLE search_stale (incident_id INTEGER PRIMARY KEY)"_s,
            uR"sql(INSERT INTO incident_labels(key, value, incident_id)
                SELECT DISTINCT l.key, l.value, ia.incident_id
                FROM incident_alerts ia JOIN alerts a ON a.fingerprint = ia.fingerprint, json_each(a.labels) l
                WHERE l.type = 'text')sql"_s,
            uR"sql(INSERT INTO incident_search(rowid, title, services, alertnames, labels, root_cause, evidence, notes,
                                          resolution)
                SELECT i.id,
                    coalesce((SELECT coalesce(json_extract(a.annotations, '$.summary'),
                                              json_extract(a.annotations, '$.description'), '')
                              FROM incident_alerts ia JOIN alerts a ON a.fingerprint = ia.fingerprint
                              WHERE ia.incident_id = i.id ORDER BY ia.position LIMIT 1), ''),
                    coalesce((SELECT group_concat(value, ' ') FROM incident_labels
                              WHERE incident_id = i.id AND key = 'service'), ''),
                    coalesce((SELECT group_concat(value, ' ') FROM incident_labels
                              WHERE incident_id = i.id AND key = 'alertname'), ''),
                    coalesce((SELECT group_concat(value, ' ') FROM incident_labels
                              WHERE incident_id = i.id AND key NOT IN ('service', 'alertname')), ''),
                    trim(coalesce((SELECT service FROM root_causes WHERE incident_id = i.id AND rank = 0), '') || ' ' ||
                         coalesce((SELECT root_cause FROM resolutions WHERE incident_id = i.id), '')),
                    coalesce((SELECT group_concat(e.value, ' ') FROM root_causes rc, json_each(rc.evidence) e
                              WHERE rc.incident_id = i.id AND rc.rank = 0), ''),
                    coalesce((SELECT group_concat(note, ' ') FROM actions WHERE incident_id = i.id AND note <> ''), ''),
                    coalesce((SELECT trim(fixed_by_runbook || ' ' || fixed_by_step || ' ' || fixed_by_text)
                              FROM resolutions WHERE incident_id = i.id), '')
                FROM incidents i)sql"_s,
        },
        // v7: an alert row's counters (deliveries, flaps, first/last received, latest status) may trail its
        // notifications by a moment: repeats are folded in memory and written in one go (see
        // store/pendingalertcounts.h). counted_through is the last notification a row counts; every
        // notification up to store_state 'alerts_counted_through' is counted in its row. open() folds in the
        // notifications past both (a crash in between). Existing rows count everything already stored.
        {
            u"ALTER TABLE alerts ADD COLUMN counted_through INTEGER NOT NULL DEFAULT 0"_s,
            u"CREATE TABLE store_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)"_s,
            uR"sql(INSERT INTO store_state(key, value)
                SELECT 'alerts_counted_through', coalesce(max(id), 0) FROM notifications)sql"_s,
        },
        // v8 (SQLite only): one row per delivery instead of one per notification. A storm's 100-alert webhook
        // was 100 inserts into notifications and its index; it is now one deliveries row whose body holds its
        // notifications as a JSON array of [fingerprint, status, starts_at, ends_at] (a delivery's notifications
        // share when they were received and the feed's source: a batch with several is stored as one row per run).
        // Notification ids stay: a delivery's notifications are id, id + 1, ... last_id. notifications becomes a
        // view with the same columns, so every reader keeps its SQL (SQLite flattens the view: a received_at range
        // is read through deliveries_by_received), and inserting into it still works (one delivery per row).
        // Existing notifications become one delivery each, ids kept. The shared PostgreSQL store keeps its table.
        {
            uR"sql(CREATE TABLE deliveries (  -- SQLite only
                id INTEGER PRIMARY KEY,       -- its first notification's id
                last_id INTEGER NOT NULL,     -- its last notification's id
                received_at INTEGER NOT NULL,
                source TEXT NOT NULL DEFAULT '',
                body TEXT NOT NULL            -- JSON array of [fingerprint, status, starts_at, ends_at], in order
            ))sql"_s,
            uR"sql(INSERT INTO deliveries(id, last_id, received_at, source, body)  -- SQLite only
                SELECT id, id, received_at, source, json_array(json_array(fingerprint, status, starts_at, ends_at))
                FROM notifications ORDER BY id)sql"_s,
            u"DROP TABLE notifications -- SQLite only"_s,
            u"CREATE INDEX deliveries_by_received ON deliveries(received_at) -- SQLite only"_s,
            uR"sql(CREATE VIEW notifications(id, fingerprint, status, starts_at, ends_at, received_at, source) AS
                SELECT d.id + j.key, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, d.received_at, d.source
                FROM deliveries d, json_each(d.body) j -- SQLite only)sql"_s,
            // What other tools (and bundle import) insert row by row: one delivery each, ids continuing.
            uR"sql(CREATE TRIGGER notifications_insert INSTEAD OF INSERT ON notifications  -- SQLite only
            BEGIN
                SELECT RAISE(ABORT, 'NOT NULL constraint failed: notifications')
                    WHERE NEW.fingerprint IS NULL OR NEW.status IS NULL OR NEW.received_at IS NULL;
                INSERT INTO deliveries(id, last_id, received_at, source, body)
                    SELECT n, n, NEW.received_at, coalesce(NEW.source, ''),
                           json_array(json_array(NEW.fingerprint, NEW.status, NEW.starts_at, NEW.ends_at))
                    FROM (SELECT coalesce(NEW.id, (SELECT last_id FROM deliveries ORDER BY id DESC LIMIT 1) + 1, 1) AS n);
            END)sql"_s,
        },
        // v9: how much of a big delivery (stored in chunks, one transaction each) is committed, written in the
        // transaction of each chunk, so that the sender's resend of a body cut by a stop or a crash stores only the
        // rest (see store/deliveryjournal.h). Rows expire after the resend window; the table holds a few rows.
        {
            uR"sql(CREATE TABLE delivery_journal (
                key TEXT PRIMARY KEY NOT NULL,    -- SHA-256 (hex) of the feed and the body bytes
                stored INTEGER NOT NULL,          -- its first `stored` alerts are committed
                total INTEGER NOT NULL,           -- alerts in the body
                updated_at INTEGER NOT NULL       -- the last chunk's commit (ms, UTC)
            ))sql"_s,
        },
        // v10: small deliveries are journaled too (one row each, a storm's thousands a second), so the rows that aged
        // past the resend window are found through an index, not by reading the table at each expiry.
        {
            u"CREATE INDEX delivery_journal_by_updated ON delivery_journal(updated_at)"_s,
        },
    };
    return steps;
}

int postgresBaselineVersion()
{
    return 3;
}

const QStringList& postgresBaseline()
{
    // The SQLite schema after v3, column for column, in PostgreSQL's types. Times stay integer milliseconds
    // (BIGINT), JSON stays text, flags stay 0/1 integers: the Store reads both databases the same way.
    static const QStringList statements = {
        uR"sql(CREATE TABLE alerts (
            fingerprint TEXT PRIMARY KEY NOT NULL,
            labels TEXT NOT NULL,
            annotations TEXT NOT NULL,
            status TEXT NOT NULL,
            starts_at BIGINT,
            ends_at BIGINT,
            first_starts_at BIGINT,
            first_received_at BIGINT NOT NULL,
            last_received_at BIGINT NOT NULL,
            notification_count INTEGER NOT NULL DEFAULT 0,
            flap_count INTEGER NOT NULL DEFAULT 0,
            source TEXT NOT NULL DEFAULT '',
            generator_url TEXT NOT NULL DEFAULT ''
        ))sql"_s,
        uR"sql(CREATE TABLE notifications (
            id BIGSERIAL PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            status TEXT NOT NULL,
            starts_at BIGINT,
            ends_at BIGINT,
            received_at BIGINT NOT NULL,
            source TEXT NOT NULL DEFAULT ''
        ))sql"_s,
        uR"sql(CREATE TABLE incidents (
            id BIGSERIAL PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL,
            severity TEXT NOT NULL DEFAULT '',
            first_alert_at BIGINT,
            last_alert_at BIGINT,
            notification_count INTEGER NOT NULL DEFAULT 0,
            acknowledged_at BIGINT,
            acknowledged_by TEXT,
            merged_into BIGINT REFERENCES incidents(id),
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            affected_services TEXT NOT NULL DEFAULT '[]'
        ))sql"_s,
        uR"sql(CREATE TABLE incident_alerts (
            incident_id BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL,
            position INTEGER NOT NULL,
            inhibited INTEGER NOT NULL DEFAULT 0,
            inhibited_by TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (incident_id, fingerprint)
        ))sql"_s,
        uR"sql(CREATE TABLE root_causes (
            incident_id BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            rank INTEGER NOT NULL,
            service TEXT NOT NULL,
            score DOUBLE PRECISION NOT NULL,
            confidence DOUBLE PRECISION NOT NULL,
            evidence TEXT NOT NULL,
            has_own_alert INTEGER NOT NULL DEFAULT 0,
            in_graph INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (incident_id, rank)
        ))sql"_s,
        uR"sql(CREATE TABLE actions (
            id BIGSERIAL PRIMARY KEY,
            incident_id BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            at BIGINT NOT NULL,
            "user" TEXT NOT NULL
        ))sql"_s,
        uR"sql(CREATE TABLE changes (
            id BIGSERIAL PRIMARY KEY,
            service TEXT NOT NULL,
            kind TEXT NOT NULL,
            at BIGINT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            link TEXT NOT NULL DEFAULT ''
        ))sql"_s,
        uR"sql(CREATE TABLE runbook_runs (
            id BIGSERIAL PRIMARY KEY,
            at BIGINT NOT NULL,
            "user" TEXT NOT NULL,
            incident_id BIGINT,
            runbook_id TEXT NOT NULL,
            step TEXT NOT NULL,
            kind TEXT NOT NULL,
            argv TEXT NOT NULL,
            approval TEXT NOT NULL DEFAULT '',
            approved_at BIGINT,
            exit_code INTEGER,
            outcome TEXT NOT NULL,
            duration_ms BIGINT NOT NULL DEFAULT 0,
            output_digest TEXT NOT NULL DEFAULT '',
            verify_result TEXT NOT NULL DEFAULT '',
            rolled_back INTEGER NOT NULL DEFAULT 0,
            rollback_exit_code INTEGER,
            log_file TEXT NOT NULL DEFAULT '',
            error TEXT NOT NULL DEFAULT ''
        ))sql"_s,
        u"CREATE INDEX notifications_by_received ON notifications(received_at)"_s,
        u"CREATE INDEX incidents_by_last_alert ON incidents(last_alert_at)"_s,
        u"CREATE INDEX incident_alerts_by_fingerprint ON incident_alerts(fingerprint)"_s,
        u"CREATE INDEX actions_by_incident ON actions(incident_id, id)"_s,
        u"CREATE INDEX changes_by_at ON changes(at)"_s,
        u"CREATE INDEX runbook_runs_by_incident ON runbook_runs(incident_id, id)"_s,
        // Incidents changed since a time: what a console that missed a notification re-reads.
        u"CREATE INDEX incidents_by_updated ON incidents(updated_at)"_s,
    };
    return statements;
}

QStringList postgresStep(int step)
{
    static const QRegularExpression rowid(uR"(\bINTEGER\s+PRIMARY\s+KEY\b)"_s, QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression integer(uR"(\bINTEGER\b)"_s, QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression real(uR"(\bREAL\b)"_s, QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression userColumn(uR"(((?:^|[(,]|\bCOLUMN)\s*)user(\s+TEXT))"_s,
                                               QRegularExpression::CaseInsensitiveOption |
                                                   QRegularExpression::MultilineOption);
    QStringList out;
    for (QString sql : migrations().value(step)) {
        // The offline-review search index is SQLite's FTS5 fed by json_each: a shared PostgreSQL store keeps
        // the plain tables (labels, view snapshots) and leaves history search to the SQLite store.
        if (sql.contains(u"USING fts5"_s) || sql.contains(u"json_each"_s) || sql.contains(u"incident_search"_s))
            continue;
        // SQLite's storage layout (one row per delivery, notifications a view over them): PostgreSQL keeps its
        // notifications table, which other consoles read by id.
        if (sql.contains(u"-- SQLite only"_s))
            continue;
        sql.replace(u") WITHOUT ROWID"_s, u")"_s);
        sql.replace(rowid, u"BIGSERIAL PRIMARY KEY"_s);
        sql.replace(integer, u"BIGINT"_s);
        sql.replace(real, u"DOUBLE PRECISION"_s);
        sql.replace(userColumn, u"\\1\"user\"\\2"_s);
        out << sql;
    }
    return out;
}

} // namespace StoreSchema
