#include "reportquery.h"

#include "store/store.h"

#include <QHash>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace {

QDateTime timeOf(const QVariant& v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

bool run(QSqlQuery& q, const QString& sql, const QVariantList& values, QString* error)
{
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        if (error)
            *error = u"cannot prepare a report query: "_s + q.lastError().text();
        return false;
    }
    for (qsizetype i = 0; i < values.size(); ++i)
        q.bindValue(int(i), values.at(i));
    if (!q.exec()) {
        if (error)
            *error = u"report query failed: "_s + q.lastError().text();
        return false;
    }
    return true;
}

} // namespace

ReportQuery::ReportQuery(const Store& store) : m_store(store) {}

std::optional<QVector<ReportIncident>> ReportQuery::incidents(const QDateTime& from, const QDateTime& to,
                                                              QString* error) const
{
    if (!m_store.isOpen()) {
        if (error)
            *error = u"store is not open"_s;
        return std::nullopt;
    }
    const QVariantList period{from.toMSecsSinceEpoch(), to.toMSecsSinceEpoch()};
    QSqlQuery q(m_store.connection());
    if (!run(q,
             u"SELECT i.id, i.key, i.severity, i.first_alert_at, i.acknowledged_at, i.resolved_at, r.actionable, "
             "coalesce(r.root_cause, ''), "
             "coalesce((SELECT service FROM root_causes rc WHERE rc.incident_id = i.id ORDER BY rank LIMIT 1), '') "
             "FROM incidents i LEFT JOIN resolutions r ON r.incident_id = i.id "
             "WHERE i.merged_into IS NULL AND i.first_alert_at >= ? AND i.first_alert_at < ? "
             "ORDER BY i.first_alert_at, i.id"_s,
             period, error))
        return std::nullopt;
    QVector<ReportIncident> out;
    QHash<qint64, qsizetype> indexOf;
    while (q.next()) {
        ReportIncident r;
        r.id = q.value(0).toLongLong();
        r.key = q.value(1).toString();
        r.severity = q.value(2).toString();
        r.firstAlertAt = timeOf(q.value(3));
        r.acknowledgedAt = timeOf(q.value(4));
        r.resolvedAt = timeOf(q.value(5));
        if (!q.value(6).isNull())
            r.actionable = q.value(6).toBool();
        r.confirmedRootCause = q.value(7).toString();
        r.topRootCause = q.value(8).toString();
        indexOf.insert(r.id, out.size());
        out.append(std::move(r));
    }
    q.finish();

    // Labels are picked inside SQLite: decoding every label set of months of alerts would dominate.
    QSqlQuery m(m_store.connection());
    if (!run(m,
             u"SELECT ia.incident_id, ia.fingerprint, coalesce(json_extract(a.labels, '$.alertname'), ''), "
             "coalesce(json_extract(a.labels, '$.service'), ''), coalesce(json_extract(a.labels, '$.team'), ''), "
             "a.status, coalesce(a.ends_at, a.last_received_at) "
             "FROM incident_alerts ia JOIN incidents i ON i.id = ia.incident_id "
             "LEFT JOIN alerts a ON a.fingerprint = ia.fingerprint "
             "WHERE i.merged_into IS NULL AND i.first_alert_at >= ? AND i.first_alert_at < ? "
             "ORDER BY ia.incident_id, ia.position"_s,
             period, error))
        return std::nullopt;
    while (m.next()) {
        const auto it = indexOf.constFind(m.value(0).toLongLong());
        if (it == indexOf.cend())
            continue;
        ReportIncident::Member member;
        member.fingerprint = m.value(1).toString();
        member.alertname = m.value(2).toString();
        member.service = m.value(3).toString();
        member.team = m.value(4).toString();
        member.resolved = m.value(5).toString() == u"resolved";
        if (member.resolved)
            member.resolvedAt = timeOf(m.value(6));
        out[*it].members.append(std::move(member));
    }
    return out;
}

std::optional<qint64> ReportQuery::notificationCount(const QDateTime& from, const QDateTime& to, QString* error) const
{
    if (!m_store.isOpen()) {
        if (error)
            *error = u"store is not open"_s;
        return std::nullopt;
    }
    QSqlQuery q(m_store.connection());
    if (!run(q, u"SELECT count(*) FROM notifications WHERE received_at >= ? AND received_at < ?"_s,
             {from.toMSecsSinceEpoch(), to.toMSecsSinceEpoch()}, error) ||
        !q.next())
        return std::nullopt;
    return q.value(0).toLongLong();
}

std::optional<IncidentRecord> ReportQuery::incidentRecord(qint64 id, QString* error, int changeLookbackSecs) const
{
    if (!m_store.isOpen()) {
        if (error)
            *error = u"store is not open"_s;
        return std::nullopt;
    }
    auto incident = m_store.loadIncident(id);
    if (!incident) {
        if (error)
            *error = m_store.lastError().isEmpty() ? u"no incident with id %1"_s.arg(id) : m_store.lastError();
        return std::nullopt;
    }
    IncidentRecord record;
    record.incident = std::move(*incident);
    const Incident& inc = record.incident;
    for (const Store::Action& a : m_store.actions(id))
        record.actions.append(IncidentRecord::Action{a.kind, a.note, a.at, a.user});
    record.resolution = m_store.resolution(id);
    record.runbookRuns = m_store.runbookRuns(id);

    QDateTime start = inc.firstAlertAt;
    QDateTime end = inc.lastAlertAt;
    for (const TrackedAlert& t : inc.alerts) {
        if (t.firstReceivedAt.isValid() && (!start.isValid() || t.firstReceivedAt < start))
            start = t.firstReceivedAt;
        if (t.lastReceivedAt.isValid() && (!end.isValid() || t.lastReceivedAt > end))
            end = t.lastReceivedAt;
    }
    if (inc.resolvedAt.isValid() && (!end.isValid() || inc.resolvedAt > end))
        end = inc.resolvedAt;
    if (!start.isValid())
        start = QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
    if (!end.isValid())
        end = start;
    const qint64 windowStart = start.toMSecsSinceEpoch() - 3600 * 1000;
    const qint64 windowEnd = end.toMSecsSinceEpoch() + 3600 * 1000;

    // A fingerprint recurs across incidents over the years: only this incident's window of deliveries.
    QHash<QString, const Alert*> latestOf;
    for (const TrackedAlert& t : inc.alerts)
        latestOf.insert(t.fingerprint(), &t.latest);
    QSqlQuery n(m_store.connection());
    if (!run(n,
             u"SELECT fingerprint, status, starts_at, ends_at, received_at, source FROM notifications "
             "WHERE fingerprint IN (SELECT fingerprint FROM incident_alerts WHERE incident_id = ?) "
             "AND received_at >= ? AND received_at <= ? ORDER BY received_at, id"_s,
             {id, windowStart, windowEnd}, error))
        return std::nullopt;
    while (n.next()) {
        Alert a;
        a.fingerprint = n.value(0).toString();
        a.status = n.value(1).toString() == u"resolved" ? Alert::Status::Resolved : Alert::Status::Firing;
        a.startsAt = timeOf(n.value(2));
        a.endsAt = timeOf(n.value(3));
        a.receivedAt = timeOf(n.value(4));
        a.source = n.value(5).toString();
        if (const Alert* latest = latestOf.value(a.fingerprint)) {
            a.labels = latest->labels;
            a.annotations = latest->annotations;
            a.generatorUrl = latest->generatorUrl;
        }
        record.notifications.append(std::move(a));
    }
    n.finish();

    QSqlQuery c(m_store.connection());
    const qint64 changesFrom =
        (inc.firstAlertAt.isValid() ? inc.firstAlertAt : start).toMSecsSinceEpoch() - qint64(changeLookbackSecs) * 1000;
    if (!run(c, u"SELECT service, kind, at, description, link FROM changes WHERE at >= ? AND at <= ? ORDER BY at, id"_s,
             {changesFrom, windowEnd}, error))
        return std::nullopt;
    while (c.next())
        record.changes.append(ChangeEvent{c.value(0).toString(), c.value(1).toString(), timeOf(c.value(2)),
                                          c.value(3).toString(), c.value(4).toString()});
    return record;
}
