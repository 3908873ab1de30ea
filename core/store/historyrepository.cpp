#include "historyrepository.h"

#include "history/historyquery.h"
#include "history/historysummary.h"
#include "labeljson.h"
#include "model/incidenttitle.h"
#include "notificationrowreader.h"
#include "searchindex.h"
#include "sqlstatement.h"
#include "sqlvalues.h"
#include "storeconnection.h"

#include <QVariantMap>

using namespace Qt::StringLiterals;
using SqlValues::timeOf;

namespace {

// The WHERE clause of a history query and its values by parameter name. Every piece of user input is bound,
// never spliced: the text as quoted FTS5 strings or escaped LIKE patterns, labels and times as values.
struct Filter
{
    QString where;
    QVariantMap values;

    void bindTo(SqlStatement& statement) const
    {
        for (auto it = values.cbegin(); it != values.cend(); ++it)
            statement.bind(it.key(), it.value());
    }
};

Filter filterOf(const HistoryQuery& query)
{
    Filter f;
    QStringList clauses{u"i.merged_into IS NULL"_s};
    if (const QString fts = query.ftsExpression(); !fts.isEmpty()) {
        clauses << u"i.id IN (SELECT rowid FROM incident_search WHERE incident_search MATCH :fts)"_s;
        f.values.insert(u":fts"_s, fts);
    }
    // Terms too short for trigrams: a LIKE over the document (a scan, but only of rows the rest allows).
    const QStringList likes = query.likePatterns();
    for (qsizetype i = 0; i < likes.size(); ++i) {
        const QString name = u":like%1"_s.arg(i);
        clauses << u"i.id IN (SELECT rowid FROM incident_search WHERE (title || ' ' || services || ' ' || "
                   "alertnames || ' ' || labels || ' ' || root_cause || ' ' || evidence || ' ' || notes || ' ' || "
                   "resolution) LIKE %1 ESCAPE '\\')"_s.arg(name);
        f.values.insert(name, likes.at(i));
    }
    for (qsizetype i = 0; i < query.labels.size(); ++i) {
        const QString key = u":key%1"_s.arg(i), value = u":value%1"_s.arg(i);
        clauses << u"i.id IN (SELECT incident_id FROM incident_labels WHERE key = %1 AND value = %2)"_s.arg(key, value);
        f.values.insert(key, query.labels.at(i).first);
        f.values.insert(value, query.labels.at(i).second);
    }
    if (query.from.isValid()) {
        clauses << u"coalesce(i.resolved_at, i.last_alert_at, i.first_alert_at) >= :from"_s;
        f.values.insert(u":from"_s, query.from.toMSecsSinceEpoch());
    }
    if (query.to.isValid()) {
        clauses << u"i.first_alert_at < :to"_s;
        f.values.insert(u":to"_s, query.to.toMSecsSinceEpoch());
    }
    if (query.state == u"open") {
        clauses << u"i.state <> 'resolved'"_s;
    } else if (!query.state.isEmpty()) {
        clauses << u"i.state = :state"_s;
        f.values.insert(u":state"_s, query.state);
    }
    f.where = clauses.join(u" AND "_s);
    return f;
}

// Each row's IncidentTitle, from the labels of its member alerts as stored: one query for the page, ids bound as
// a JSON array, only the labels a title reads.
bool nameIncidents(const QSqlDatabase& db, QVector<HistorySummary>* rows, QString* error)
{
    if (rows->isEmpty())
        return true;
    QStringList ids;
    QHash<qint64, QVector<TrackedAlert>> members;
    for (const HistorySummary& s : std::as_const(*rows))
        ids << QString::number(s.id);
    SqlStatement q(db, u"name history incidents"_s);
    if (!q.prepare(u"SELECT ia.incident_id, json_extract(a.labels, '$.alertname'), json_extract(a.labels, '$.service'), "
                   "json_extract(a.labels, '$.severity'), a.status, a.first_starts_at "
                   "FROM incident_alerts ia JOIN alerts a ON a.fingerprint = ia.fingerprint "
                   "WHERE ia.incident_id IN (SELECT value FROM json_each(:ids)) "
                   "ORDER BY ia.incident_id, ia.position"_s,
                   error) ||
        !q.bind(u":ids"_s, u"["_s + ids.join(u',') + u"]"_s).exec(error))
        return false;
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

std::optional<HistoryPage> HistoryRepository::search(const HistoryQuery& query, QString* error) const
{
    if (!m_search.available()) {
        *error = u"history search needs the SQLite store (its FTS5 index); a shared PostgreSQL store has none yet"_s;
        return std::nullopt;
    }
    const Filter filter = filterOf(query);

    SqlStatement count(m_connection.db, u"search history"_s);
    if (!count.prepare(u"SELECT count(*) FROM incidents i WHERE "_s + filter.where, error))
        return std::nullopt;
    filter.bindTo(count);
    if (!count.exec(error))
        return std::nullopt;
    if (!count.next()) {
        *error = u"cannot search history: no count"_s;
        return std::nullopt;
    }
    HistoryPage page;
    page.total = count.value(0).toInt();
    page.offset = qMax(0, query.offset);
    count.finish();

    SqlStatement rows(m_connection.db, u"search history"_s);
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
        u" ORDER BY i.first_alert_at DESC, i.id DESC LIMIT :limit OFFSET :offset) AS page "
        "JOIN incidents i ON i.id = page.id "
        "LEFT JOIN root_causes rc ON rc.incident_id = i.id AND rc.rank = 0 "
        "ORDER BY i.first_alert_at DESC, i.id DESC"_s;
    if (!rows.prepare(sql, error))
        return std::nullopt;
    filter.bindTo(rows);
    rows.bind(u":limit"_s, qBound(1, query.limit, 10'000)).bind(u":offset"_s, page.offset);
    if (!rows.exec(error))
        return std::nullopt;
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
    if (!nameIncidents(m_connection.db, &page.rows, error))
        return std::nullopt;
    return page;
}

bool HistoryRepository::saveViewSnapshot(qint64 incidentId, const QString& kind, const QByteArray& json,
                                         const QDateTime& at, QString* error)
{
    if (kind.isEmpty()) {
        *error = u"a view snapshot needs a kind"_s;
        return false;
    }
    SqlStatement q(m_connection.db, u"store %1 snapshot of incident %2"_s.arg(kind).arg(incidentId));
    return q.prepare(u"INSERT INTO view_snapshots(incident_id, kind, json, at) VALUES(:incident, :kind, :json, :at) "
                     "ON CONFLICT(incident_id, kind) DO UPDATE SET json = excluded.json, at = excluded.at"_s,
                     error) &&
           q.bind(u":incident"_s, incidentId)
               .bind(u":kind"_s, kind)
               .bind(u":json"_s, QString::fromUtf8(json))
               .bind(u":at"_s, (at.isValid() ? at : QDateTime::currentDateTimeUtc()).toMSecsSinceEpoch())
               .exec(error);
}

QHash<QString, QByteArray> HistoryRepository::viewSnapshots(qint64 incidentId, QString* error) const
{
    QHash<QString, QByteArray> out;
    SqlStatement q(m_connection.db, u"read view snapshots"_s);
    if (!q.prepare(u"SELECT kind, json FROM view_snapshots WHERE incident_id = :incident"_s, error) ||
        !q.bind(u":incident"_s, incidentId).exec(error))
        return out;
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toString().toUtf8());
    return out;
}

QVector<Alert> HistoryRepository::notificationsInWindow(qint64 incidentId, qint64 beforeMs, qint64 afterMs,
                                                        bool members, QString* error) const
{
    QVector<Alert> out;
    SqlStatement q(m_connection.db, u"read the notifications around incident %1"_s.arg(incidentId));
    if (!q.prepare(u"SELECT n.fingerprint, n.status, n.starts_at, n.ends_at, n.received_at, n.source, a.labels, "
                   "a.annotations, a.generator_url, n.id "
                   "FROM incidents i JOIN notifications n "
                   "ON n.received_at >= coalesce(i.first_alert_at, 0) - :before "
                   "AND n.received_at <= coalesce(i.last_alert_at + :after, 9223372036854775807) "
                   "AND n.fingerprint %1 (SELECT fingerprint FROM incident_alerts WHERE incident_id = i.id) "
                   "LEFT JOIN alerts a ON a.fingerprint = n.fingerprint "
                   "WHERE i.id = :id ORDER BY n.received_at, n.id"_s.arg(members ? u"IN"_s : u"NOT IN"_s),
                   error) ||
        !q.bind(u":before"_s, beforeMs).bind(u":after"_s, afterMs).bind(u":id"_s, incidentId).exec(error))
        return out;
    NotificationRowReader rows;
    while (q.next()) {
        Alert a = rows.read(q);
        a.storedId = q.value(9).toLongLong();
        out.append(std::move(a));
    }
    return out;
}
