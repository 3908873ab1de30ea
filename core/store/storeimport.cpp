// Store::importIncident: kept apart from store.cpp because it is the one writer that takes times and
// users as given instead of stamping them now and with the OS user: an imported incident is history.

#include "store.h"

#include "labeljson.h"
#include "storeimpl.h"
#include "sqltransaction.h"

#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

QVariant msOrNull(const QDateTime& t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant();
}

QVariant text(const QString& s)
{
    return QVariant(s.isNull() ? u""_s : s);
}

QVariant textOrNull(const QString& s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

QVariant boolOrNull(const std::optional<bool>& b)
{
    return b ? QVariant(*b ? 1 : 0) : QVariant();
}

QVariant intOrNull(const std::optional<int>& v)
{
    return v ? QVariant(*v) : QVariant();
}

QString userOr(const QString& user)
{
    return user.isEmpty() ? u"unknown"_s : user;
}

// Prepares and runs one statement with positional values; on failure says which table it was writing.
class Writer
{
public:
    explicit Writer(const QSqlDatabase& db) : m_db(db) {}

    bool run(const QString& sql, const QVariantList& values, const QString& what, QString* why,
             QSqlQuery* out = nullptr)
    {
        QSqlQuery q(m_db);
        if (!q.prepare(sql)) {
            *why = u"cannot prepare %1: %2"_s.arg(what, q.lastError().text());
            return false;
        }
        for (qsizetype i = 0; i < values.size(); ++i)
            q.bindValue(int(i), values.at(i));
        if (!q.exec()) {
            *why = u"cannot import %1: %2"_s.arg(what, q.lastError().text());
            return false;
        }
        if (out)
            *out = std::move(q);
        return true;
    }

private:
    QSqlDatabase m_db;
};

} // namespace

bool Store::importIncident(const IncidentRecord& record, qint64* id, bool* existed, QString* error)
{
    if (!isOpen())
        return fail(u"store is not open"_s, error);
    const Incident& inc = record.incident;
    if (inc.key.isEmpty())
        return fail(u"cannot import an incident without a key"_s, error);
    *existed = false;
    *id = 0;

    QSqlDatabase db = connection();
    SqlTransaction tx(db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + db.lastError().text(), error);
    Writer w(db);
    QString why;
    QSqlQuery q;

    if (!w.run(u"SELECT id FROM incidents WHERE key = ?"_s, {inc.key}, u"incident"_s, &why, &q))
        return fail(why, error);
    if (q.next()) {
        *existed = true;
        *id = q.value(0).toLongLong();
        return true; // nothing written: the transaction rolls back empty
    }

    // Member alerts: a fingerprint this database already holds keeps its row and its deliveries.
    QSet<QString> newAlerts;
    for (const TrackedAlert& t : inc.alerts) {
        const Alert& a = t.latest;
        const QDateTime firstReceived = t.firstReceivedAt.isValid() ? t.firstReceivedAt
                                        : a.receivedAt.isValid()    ? a.receivedAt
                                                                    : inc.firstAlertAt;
        const QDateTime lastReceived = t.lastReceivedAt.isValid() ? t.lastReceivedAt : firstReceived;
        if (!w.run(u"INSERT INTO alerts(fingerprint, labels, annotations, status, starts_at, ends_at, first_starts_at, "
                   "first_received_at, last_received_at, notification_count, flap_count, source, generator_url) "
                   "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(fingerprint) DO NOTHING"_s,
                   {a.fingerprint, LabelJson::encode(a.labels), LabelJson::encode(a.annotations),
                    a.isFiring() ? u"firing"_s : u"resolved"_s, msOrNull(a.startsAt), msOrNull(a.endsAt),
                    msOrNull(t.firstStartsAt), firstReceived.isValid() ? firstReceived.toMSecsSinceEpoch() : 0,
                    lastReceived.isValid() ? lastReceived.toMSecsSinceEpoch() : 0, t.notificationCount, t.flapCount,
                    text(a.source), text(a.generatorUrl)},
                   u"alert %1"_s.arg(a.fingerprint), &why, &q))
            return fail(why, error);
        if (q.numRowsAffected() == 1)
            newAlerts.insert(a.fingerprint);
    }
    for (const Alert& n : record.notifications) {
        if (!newAlerts.contains(n.fingerprint))
            continue;
        if (!w.run(u"INSERT INTO notifications(fingerprint, status, starts_at, ends_at, received_at, source) "
                   "VALUES(?, ?, ?, ?, ?, ?)"_s,
                   {n.fingerprint, n.isFiring() ? u"firing"_s : u"resolved"_s, msOrNull(n.startsAt), msOrNull(n.endsAt),
                    n.receivedAt.isValid() ? n.receivedAt.toMSecsSinceEpoch() : 0, text(n.source)},
                   u"notification"_s, &why))
            return fail(why, error);
    }
    // The bundle's counters are the new rows' counters: the deliveries just inserted are already in them.
    if (!newAlerts.isEmpty()) {
        // The newest notification's id: SQLite keeps one row per delivery (schema v8), whose last id is it.
        if (!w.run(m_impl->backend->sql(StoreSql::NewestNotificationId), {}, u"notification"_s, &why, &q) ||
            !q.next())
            return fail(why, error);
        const qint64 lastId = q.value(0).toLongLong();
        q.finish();
        for (const QString& fingerprint : std::as_const(newAlerts)) {
            if (!w.run(u"UPDATE alerts SET counted_through = ? WHERE fingerprint = ?"_s, {lastId, fingerprint},
                       u"alert %1"_s.arg(fingerprint), &why))
                return fail(why, error);
        }
    }

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!w.run(
            u"INSERT INTO incidents(key, state, severity, first_alert_at, last_alert_at, notification_count, "
            "acknowledged_at, acknowledged_by, affected_services, created_at, updated_at, mitigated_at, mitigated_by, "
            "resolved_at, resolved_by) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"_s,
            {inc.key, Incident::stateName(inc.state), text(inc.severity), msOrNull(inc.firstAlertAt), msOrNull(inc.lastAlertAt),
             inc.notificationCount, msOrNull(inc.acknowledgedAt), textOrNull(inc.acknowledgedBy),
             LabelJson::encode(inc.affectedServices), now, now, msOrNull(inc.mitigatedAt), textOrNull(inc.mitigatedBy),
             msOrNull(inc.resolvedAt), textOrNull(inc.resolvedBy)},
            u"incident %1"_s.arg(inc.key), &why, &q))
        return fail(why, error);
    // RETURNING, not lastInsertId(): PostgreSQL's driver has no last insert id for a table without OIDs.
    const qint64 newId = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    if (newId <= 0)
        return fail(u"cannot import incident %1: no row id"_s.arg(inc.key), error);

    for (qsizetype i = 0; i < inc.alerts.size(); ++i) {
        const TrackedAlert& t = inc.alerts.at(i);
        if (!w.run(m_impl->backend->sql(StoreSql::InsertMember),
                   {newId, t.fingerprint(), qint64(i), t.inhibited ? 1 : 0, text(t.inhibitedBy)}, u"member"_s, &why))
            return fail(why, error);
    }
    for (qsizetype rank = 0; rank < inc.rootCauses.size(); ++rank) {
        const RootCauseCandidate& c = inc.rootCauses.at(rank);
        if (!w.run(u"INSERT INTO root_causes(incident_id, rank, service, score, confidence, evidence, has_own_alert, "
                   "in_graph) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"_s,
                   {newId, qint64(rank), text(c.service), c.score, c.confidence, LabelJson::encode(c.evidence),
                    c.hasOwnAlert ? 1 : 0, c.inGraph ? 1 : 0},
                   u"root cause"_s, &why))
            return fail(why, error);
    }
    for (const IncidentRecord::Action& a : record.actions) {
        if (!w.run(u"INSERT INTO actions(incident_id, kind, note, at, \"user\") VALUES(?, ?, ?, ?, ?)"_s,
                   {newId, a.kind, text(a.note), a.at.isValid() ? a.at.toMSecsSinceEpoch() : now, userOr(a.user)},
                   u"action"_s, &why))
            return fail(why, error);
    }
    if (const auto& r = record.resolution) {
        if (!w.run(u"INSERT INTO resolutions(incident_id, at, \"user\", fixed_by_runbook, fixed_by_step, fixed_by_text, "
                   "root_cause, suggestion_right, actionable) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                   {newId, r->at.isValid() ? r->at.toMSecsSinceEpoch() : now, userOr(r->user), text(r->fixedByRunbook),
                    text(r->fixedByStep), text(r->fixedByText), text(r->rootCause), boolOrNull(r->suggestionRight),
                    boolOrNull(r->actionable)},
                   u"resolution"_s, &why))
            return fail(why, error);
    }
    for (const RunbookRun& run : record.runbookRuns) {
        if (!w.run(
                u"INSERT INTO runbook_runs(at, \"user\", incident_id, runbook_id, step, kind, argv, approval, "
                "approved_at, exit_code, outcome, duration_ms, output_digest, verify_result, rolled_back, "
                "rollback_exit_code, log_file, error) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                {run.at.isValid() ? run.at.toMSecsSinceEpoch() : now, userOr(run.user), newId, text(run.runbookId),
                 text(run.step), text(run.kind), LabelJson::encode(run.argv), text(run.approval),
                 msOrNull(run.approvedAt), intOrNull(run.exitCode), outcomeName(run.outcome), run.durationMs,
                 text(run.outputDigest), text(verifyName(run.verify)), run.rolledBack ? 1 : 0,
                 intOrNull(run.rollbackExitCode), text(run.logFile), text(run.error)},
                u"runbook run"_s, &why))
            return fail(why, error);
    }
    // Changes are shared context, not the incident's own: the same deploy is stored once.
    for (const ChangeEvent& c : record.changes) {
        if (!w.run(u"INSERT INTO changes(service, kind, at, description, link) SELECT ?, ?, ?, ?, ? "
                   "WHERE NOT EXISTS (SELECT 1 FROM changes WHERE service = ? AND kind = ? AND at = ? "
                   "AND description = ?)"_s,
                   {text(c.service), text(c.kind), c.at.toMSecsSinceEpoch(), text(c.description), text(c.link),
                    text(c.service), text(c.kind), c.at.toMSecsSinceEpoch(), text(c.description)},
                   u"change"_s, &why))
            return fail(why, error);
    }
    if (!tx.commit())
        return fail(u"cannot commit the import: "_s + db.lastError().text(), error);
    *id = newId;
    return true;
}
