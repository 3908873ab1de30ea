#include "postgresbackend.h"

#include "sqltransaction.h"
#include "storeconnection.h"
#include "storeschema.h"

#include <QObject>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace {
QString describe(const QSqlError& e)
{
    return StoreConnection::describe(e);
}
} // namespace

QString PostgresBackend::displayName(const QString& path) const
{
    return QUrl(path).toDisplayString(QUrl::RemovePassword);
}

// The shared team store's dialect: only the statements whose SQLite text PostgreSQL does not take. JSON
// batches use the json type (not jsonb) so label sets keep their text; two-argument min/max are LEAST/
// GREATEST; an untyped parameter gets a CAST because PostgreSQL types parameters when it prepares.
QString PostgresBackend::sql(StoreSql::Id id) const
{
    using namespace StoreSql;
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
    case InsertMember:
        return u"INSERT INTO incident_alerts(incident_id, fingerprint, position, inhibited, inhibited_by) "
               "VALUES(?, ?, ?, ?, ?) ON CONFLICT(incident_id, fingerprint) DO UPDATE SET "
               "position = excluded.position, inhibited = excluded.inhibited, inhibited_by = excluded.inhibited_by"_s;
    case SelectIncidents: // PostgreSQL sorts NULL first in DESC, SQLite last
        return u"SELECT id, key, state, severity, first_alert_at, last_alert_at, notification_count, acknowledged_at, "
               "acknowledged_by, affected_services, mitigated_at, mitigated_by, resolved_at, resolved_by FROM incidents "
               "WHERE merged_into IS NULL "
               "ORDER BY last_alert_at DESC NULLS LAST, id DESC LIMIT ?"_s;
    case SelectRunbookRuns:
        return u"SELECT id, at, \"user\", incident_id, runbook_id, step, kind, argv, approval, approved_at, exit_code, "
               "outcome, duration_ms, output_digest, verify_result, rolled_back, rollback_exit_code, log_file, error "
               "FROM runbook_runs WHERE CAST(? AS BIGINT) IS NULL OR incident_id = ? ORDER BY id"_s;
    case Notify:
        return u"SELECT pg_notify('nightwatch', ?)"_s;
    case CountNotifications: // the shared store keeps one row per notification
        return u"SELECT count(*) FROM notifications"_s;
    case NewestNotificationId:
        return u"SELECT coalesce(max(id), 0) FROM notifications"_s;
    default:
        return sqliteText(id);
    }
}

bool PostgresBackend::open(StoreConnection& c, const QString& name, const QString& urlText, bool /*readOnly*/,
                           QString* error)
{
    // readOnly: the server has no read-only file to open; a reader connects as the writer does.
    const QUrl url(urlText, QUrl::StrictMode);
    const QString shown = displayName(urlText);
    const QString dbName = url.path().mid(1);
    if (!url.isValid() || url.host().isEmpty() || dbName.isEmpty() || dbName.contains(u'/')) {
        *error = u"'%1' is not a PostgreSQL URL: expected postgresql://user[:password]@host[:port]/database"_s.arg(
            shown);
        return false;
    }
    if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s)) {
        *error = u"the Qt PostgreSQL driver (QPSQL) is not available: install libqt6sql6-psql"_s;
        return false;
    }
    if (!claimName(name, error))
        return false;
    c.db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
    c.db.setHostName(url.host());
    c.db.setPort(url.port(5432));
    c.db.setDatabaseName(dbName);
    c.db.setUserName(url.userName());
    // Never on the command line (ps shows it) nor in the settings: NIGHTWATCH_DB_PASSWORD, else libpq reads
    // PGPASSWORD or ~/.pgpass itself.
    c.db.setPassword(url.password().isEmpty() ? qEnvironmentVariable("NIGHTWATCH_DB_PASSWORD") : url.password());
    c.db.setConnectOptions(u"connect_timeout=5;application_name=nightwatch"_s);
    if (!c.db.open()) {
        *error = u"cannot open database %1: %2"_s.arg(shown, describe(c.db.lastError()));
        return false;
    }
    QString why;
    // CREATE TABLE IF NOT EXISTS and friends would print NOTICEs on the console's stderr.
    if (!c.exec(u"SET client_min_messages = warning"_s, &why) || !migrate(c, &why)) {
        *error = u"database %1: %2"_s.arg(shown, why);
        return false;
    }
    return true;
}

bool PostgresBackend::migrate(StoreConnection& c, QString* error)
{
    // Consoles starting together against a fresh database: one creates the schema, the others wait here
    // (the lock is released with the transaction) and then find it done.
    SqlTransaction tx(c.db);
    if (!tx.isActive()) {
        *error = u"cannot begin migration: "_s + describe(c.db.lastError());
        return false;
    }
    if (!c.exec(u"SELECT pg_advisory_xact_lock(7270211)"_s, error) ||
        !c.exec(u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"_s, error))
        return false;
    const QVariant v = c.scalar(u"SELECT coalesce(max(version), 0) FROM schema_version"_s, error);
    if (!v.isValid())
        return false;
    int version = v.toInt();
    const int latest = StoreSchema::latestVersion();
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
            if (!c.exec(sql, &why)) {
                *error = u"creating schema version %1 failed: %2"_s.arg(latest).arg(why);
                return false;
            }
        }
        if (!c.exec(u"DELETE FROM schema_version"_s, error) ||
            !c.exec(u"INSERT INTO schema_version(version) VALUES(%1)"_s.arg(latest), error))
            return false;
    }
    if (!tx.commit()) {
        *error = u"cannot commit migration: "_s + describe(c.db.lastError());
        return false;
    }
    c.version = latest;
    return true;
}

bool PostgresBackend::announce(StoreConnection& c, const QString& what, const QString& subject, QString* error)
{
    // Inside a transaction PostgreSQL delivers it at commit, and not at all on rollback.
    QSqlQuery* q = c.statement(StoreSql::Notify, error);
    if (!q)
        return false;
    q->bindValue(0, what + u':' + subject);
    if (!q->exec()) {
        *error = u"cannot notify other consoles: "_s + describe(q->lastError());
        return false;
    }
    q->finish();
    return true;
}

bool PostgresBackend::listen(StoreConnection& c, QObject* context,
                             std::function<void(const QString&, const QString&)> onChange, QString* error)
{
    QSqlDriver* driver = c.db.driver();
    if (!driver->subscribeToNotification(u"nightwatch"_s)) {
        *error = u"cannot LISTEN for other consoles: "_s + describe(driver->lastError());
        return false;
    }
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
