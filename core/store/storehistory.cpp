// Store's offline-review half: searching the incident history, the views' snapshots and one incident's
// notifications. Kept apart from store.cpp because none of it is on the ingest path.

#include "store.h"

#include "history/historyquery.h"
#include "history/historysummary.h"

#include "labeljson.h"
#include "model/incidenttitle.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

QDateTime timeOf(const QVariant& v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

QString describe(const QSqlError& e)
{
    const QString text = e.text().trimmed();
    return text.isEmpty() ? u"unknown SQLite error"_s : text;
}

// The WHERE clause of a history query and its values in bind order. Every piece of user input is bound,
// never spliced: the text as quoted FTS5 strings or escaped LIKE patterns, labels and times as values.
struct Filter
{
    QString where;
    QVariantList values;
};

Filter filterOf(const HistoryQuery& query)
{
    Filter f;
    QStringList clauses{u"i.merged_into IS NULL"_s};
    if (const QString fts = query.ftsExpression(); !fts.isEmpty()) {
        clauses << u"i.id IN (SELECT rowid FROM incident_search WHERE incident_search MATCH ?)"_s;
        f.values << fts;
    }
    // Terms too short for trigrams: a LIKE over the document (a scan, but only of rows the rest allows).
    for (const QString& pattern : query.likePatterns()) {
        clauses << u"i.id IN (SELECT rowid FROM incident_search WHERE (title || ' ' || services || ' ' || "
                   "alertnames || ' ' || labels || ' ' || root_cause || ' ' || evidence || ' ' || notes || ' ' || "
                   "resolution) LIKE ? ESCAPE '\\')"_s;
        f.values << pattern;
    }
    for (const auto& [key, value] : query.labels) {
        clauses << u"i.id IN (SELECT incident_id FROM incident_labels WHERE key = ? AND value = ?)"_s;
        f.values << key << value;
    }
    if (query.from.isValid()) {
        clauses << u"coalesce(i.resolved_at, i.last_alert_at, i.first_alert_at) >= ?"_s;
        f.values << query.from.toMSecsSinceEpoch();
    }
    if (query.to.isValid()) {
        clauses << u"i.first_alert_at < ?"_s;
        f.values << query.to.toMSecsSinceEpoch();
    }
    if (query.state == u"open") {
        clauses << u"i.state <> 'resolved'"_s;
    } else if (!query.state.isEmpty()) {
        clauses << u"i.state = ?"_s;
        f.values << query.state;
    }
    f.where = clauses.join(u" AND "_s);
    return f;
}

// Each row's IncidentTitle, from the labels of its member alerts as stored: one query for the page, ids bound as
// a JSON array, only the labels a title reads.
bool nameIncidents(QSqlDatabase& db, QVector<HistorySummary>* rows, QString* error)
{
    if (rows->isEmpty())
        return true;
    QStringList ids;
    QHash<qint64, QVector<TrackedAlert>> members;
    for (const HistorySummary& s : std::as_const(*rows))
        ids << QString::number(s.id);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(u"SELECT ia.incident_id, json_extract(a.labels, '$.alertname'), json_extract(a.labels, '$.service'), "
                   "json_extract(a.labels, '$.severity'), a.status, a.first_starts_at "
                   "FROM incident_alerts ia JOIN alerts a ON a.fingerprint = ia.fingerprint "
                   "WHERE ia.incident_id IN (SELECT value FROM json_each(?)) ORDER BY ia.incident_id, ia.position"_s)) {
        if (error)
            *error = u"cannot name history incidents: "_s + describe(q.lastError());
        return false;
    }
    q.bindValue(0, u"["_s + ids.join(u',') + u"]"_s);
    if (!q.exec()) {
        if (error)
            *error = u"cannot name history incidents: "_s + describe(q.lastError());
        return false;
    }
    while (q.next()) {
        TrackedAlert t;
        const auto put = [&t](const QString& name, const QVariant& v) {
            if (!v.isNull())
                t.latest.labels.insert(name, v.toString());
        };
        put(u"alertname"_s, q.value(1));
        put(u"service"_s, q.value(2));
        put(u"severity"_s, q.value(3));
        t.latest.status = q.value(4).toString() == u"resolved" ? Alert::Status::Resolved : Alert::Status::Firing;
        t.firstStartsAt = timeOf(q.value(5));
        members[q.value(0).toLongLong()].append(std::move(t));
    }
    for (HistorySummary& s : *rows)
        s.title = IncidentTitle::of(members.value(s.id), s.topCause);
    return true;
}

} // namespace

std::optional<HistoryPage> Store::searchHistory(const HistoryQuery& query, QString* error) const
{
    if (!isOpen()) {
        fail(u"store is not open"_s, error);
        return std::nullopt;
    }
    settleAlertCountsForReaders();
    if (isShared()) {
        fail(u"history search needs the SQLite store (its FTS5 index); a shared PostgreSQL store has none yet"_s,
             error);
        return std::nullopt;
    }
    const Filter filter = filterOf(query);
    QSqlDatabase& db = database();

    QSqlQuery count(db);
    count.setForwardOnly(true);
    if (!count.prepare(u"SELECT count(*) FROM incidents i WHERE "_s + filter.where)) {
        fail(u"cannot search history: "_s + describe(count.lastError()), error);
        return std::nullopt;
    }
    for (int i = 0; i < filter.values.size(); ++i)
        count.bindValue(i, filter.values.at(i));
    if (!count.exec() || !count.next()) {
        fail(u"cannot search history: "_s + describe(count.lastError()), error);
        return std::nullopt;
    }
    HistoryPage page;
    page.total = count.value(0).toInt();
    page.offset = qMax(0, query.offset);
    count.finish();

    QSqlQuery rows(db);
    rows.setForwardOnly(true);
    const QString sql =
        u"SELECT i.id, i.key, i.state, i.severity, i.first_alert_at, i.last_alert_at, i.resolved_at, "
        "i.notification_count, i.affected_services, "
        "(SELECT count(*) FROM incident_alerts WHERE incident_id = i.id), "
        "(SELECT title FROM incident_search WHERE rowid = i.id), "
        "rc.service, rc.confidence "
        // The page's ids first, then their details: SQLite computes result columns before it sorts, so the
        // per-row subqueries would otherwise run for every match instead of every shown row.
        "FROM (SELECT i.id FROM incidents i WHERE "_s +
        filter.where +
        u" ORDER BY i.first_alert_at DESC, i.id DESC LIMIT ? OFFSET ?) AS page JOIN incidents i ON i.id = page.id "
        "LEFT JOIN root_causes rc ON rc.incident_id = i.id AND rc.rank = 0 "
        "ORDER BY i.first_alert_at DESC, i.id DESC"_s;
    if (!rows.prepare(sql)) {
        fail(u"cannot search history: "_s + describe(rows.lastError()), error);
        return std::nullopt;
    }
    int bound = 0;
    for (; bound < filter.values.size(); ++bound)
        rows.bindValue(bound, filter.values.at(bound));
    rows.bindValue(bound++, qBound(1, query.limit, 10'000));
    rows.bindValue(bound, page.offset);
    if (!rows.exec()) {
        fail(u"cannot search history: "_s + describe(rows.lastError()), error);
        return std::nullopt;
    }
    while (rows.next()) {
        HistorySummary s;
        s.id = rows.value(0).toLongLong();
        s.key = rows.value(1).toString();
        s.state = Incident::stateFrom(rows.value(2).toString());
        s.severity = rows.value(3).toString();
        s.firstAlertAt = timeOf(rows.value(4));
        s.lastAlertAt = timeOf(rows.value(5));
        s.resolvedAt = timeOf(rows.value(6));
        s.notificationCount = rows.value(7).toInt();
        s.services = LabelJson::decodeList(rows.value(8).toString());
        s.alertCount = rows.value(9).toInt();
        s.summary = rows.value(10).toString();
        s.topCause = rows.value(11).toString();
        s.confidence = rows.value(12).toDouble();
        page.rows.append(std::move(s));
    }
    rows.finish();
    if (!nameIncidents(db, &page.rows, error))
        return std::nullopt;
    return page;
}

bool Store::saveViewSnapshot(qint64 incidentId, const QString& kind, const QByteArray& json, QString* error,
                             const QDateTime& at)
{
    if (!isOpen())
        return fail(u"store is not open"_s, error);
    if (kind.isEmpty())
        return fail(u"a view snapshot needs a kind"_s, error);
    QSqlQuery q(database());
    if (!q.prepare(u"INSERT INTO view_snapshots(incident_id, kind, json, at) VALUES(?, ?, ?, ?) "
                   "ON CONFLICT(incident_id, kind) DO UPDATE SET json = excluded.json, at = excluded.at"_s)) {
        return fail(u"cannot store view snapshot: "_s + describe(q.lastError()), error);
    }
    q.bindValue(0, incidentId);
    q.bindValue(1, kind);
    q.bindValue(2, QString::fromUtf8(json));
    q.bindValue(3, (at.isValid() ? at : QDateTime::currentDateTimeUtc()).toMSecsSinceEpoch());
    if (!q.exec())
        return fail(
            u"cannot store %1 snapshot of incident %2: %3"_s.arg(kind).arg(incidentId).arg(describe(q.lastError())),
            error);
    return true;
}

QHash<QString, QByteArray> Store::viewSnapshots(qint64 incidentId) const
{
    QHash<QString, QByteArray> out;
    if (!isOpen())
        return out;
    QSqlQuery q(database());
    q.setForwardOnly(true);
    if (!q.prepare(u"SELECT kind, json FROM view_snapshots WHERE incident_id = ?"_s)) {
        fail(describe(q.lastError()), nullptr);
        return out;
    }
    q.bindValue(0, incidentId);
    if (!q.exec()) {
        fail(describe(q.lastError()), nullptr);
        return out;
    }
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toString().toUtf8());
    return out;
}

QVector<Alert> Store::incidentNotifications(qint64 incidentId) const
{
    // A fingerprint can fire again in a later incident: only this incident's window counts. The window is read
    // through notifications_by_received (an index by fingerprint would slow every ingest for this rare read).
    return notificationsInWindow(incidentId, 3600 * 1000, 0, true);
}

QVector<Alert> Store::neighbourNotifications(qint64 incidentId) const
{
    // An hour either side, like the members' own window: the diagnoser looks only 5 min back, but the neighbouring
    // groups come out as the console formed them only from enough of their history (a quarter of an hour was not
    // always enough on generated storms).
    return notificationsInWindow(incidentId, 3600 * 1000, 3600 * 1000, false);
}

QVector<Alert> Store::notificationsInWindow(qint64 incidentId, qint64 beforeMs, qint64 afterMs, bool members) const
{
    QVector<Alert> out;
    if (!isOpen())
        return out;
    QSqlQuery q(database());
    q.setForwardOnly(true);
    if (!q.prepare(u"SELECT n.fingerprint, n.status, n.starts_at, n.ends_at, n.received_at, n.source, a.labels, "
                   "a.annotations, a.generator_url, n.id "
                   "FROM incidents i JOIN notifications n "
                   "ON n.received_at >= coalesce(i.first_alert_at, 0) - :before "
                   "AND n.received_at <= coalesce(i.last_alert_at + :after, 9223372036854775807) "
                   "AND n.fingerprint %1 (SELECT fingerprint FROM incident_alerts WHERE incident_id = i.id) "
                   "LEFT JOIN alerts a ON a.fingerprint = n.fingerprint "
                   "WHERE i.id = :id ORDER BY n.received_at, n.id"_s.arg(members ? u"IN"_s : u"NOT IN"_s))) {
        fail(describe(q.lastError()), nullptr);
        return out;
    }
    q.bindValue(u":before"_s, beforeMs);
    q.bindValue(u":after"_s, afterMs);
    q.bindValue(u":id"_s, incidentId);
    if (!q.exec()) {
        fail(describe(q.lastError()), nullptr);
        return out;
    }
    QHash<QString, std::pair<LabelSet, LabelSet>> decoded;
    while (q.next()) {
        Alert a;
        a.fingerprint = q.value(0).toString();
        a.status = q.value(1).toString() == u"resolved" ? Alert::Status::Resolved : Alert::Status::Firing;
        a.startsAt = timeOf(q.value(2));
        a.endsAt = timeOf(q.value(3));
        a.receivedAt = timeOf(q.value(4));
        a.source = q.value(5).toString();
        auto it = decoded.find(a.fingerprint);
        if (it == decoded.end())
            it = decoded.insert(a.fingerprint, {LabelJson::decodeLabels(q.value(6).toString()),
                                                LabelJson::decodeLabels(q.value(7).toString())});
        a.labels = it->first;
        a.annotations = it->second;
        a.generatorUrl = q.value(8).toString();
        a.storedId = q.value(9).toLongLong();
        out.append(std::move(a));
    }
    return out;
}
