// Store::pastIncidents: the one read incident memory needs, kept beside the store in its own file. Three
// queries over the same selection (incidents, their members' labels, their runbook runs) instead of one per
// incident: 5,000 incidents come back in well under a second.
#include "labeljson.h"
#include "store.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace {
QDateTime msTime(const QVariant& v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

std::optional<bool> optionalBool(const QVariant& v)
{
    return v.isNull() ? std::optional<bool>() : std::optional<bool>(v.toBool());
}

// The selection as a subquery of incident ids, with its bound values in order.
struct Selection
{
    QString sql;
    QVariantList values;

    explicit Selection(const Store::PastQuery& q)
    {
        QStringList where{u"merged_into IS NULL"_s};
        if (q.resolvedOnly)
            where << u"state = 'resolved'"_s;
        if (q.from.isValid()) {
            where << u"first_alert_at >= ?"_s;
            values << q.from.toMSecsSinceEpoch();
        }
        if (q.to.isValid()) {
            where << u"first_alert_at < ?"_s;
            values << q.to.toMSecsSinceEpoch();
        }
        if (q.id) {
            where << u"id = ?"_s;
            values << *q.id;
        }
        const QString order = q.resolvedOnly ? u"resolved_at DESC, id DESC"_s : u"first_alert_at DESC, id DESC"_s;
        sql = u"SELECT id FROM incidents WHERE %1 ORDER BY %2 LIMIT ?"_s.arg(where.join(u" AND "_s), order);
        values << qMax(0, q.limit);
    }

    bool run(QSqlQuery& query, const QString& text, QString* why) const
    {
        if (!query.prepare(text)) {
            *why = query.lastError().text();
            return false;
        }
        for (const QVariant& v : values)
            query.addBindValue(v);
        if (!query.exec()) {
            *why = query.lastError().text();
            return false;
        }
        return true;
    }
};
} // namespace

QVector<PastIncident> Store::pastIncidents(const PastQuery& query) const
{
    QVector<PastIncident> out;
    if (!isOpen())
        return out;
    settleAlertCountsForReaders();
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    const Selection selection(query);
    QString why;

    QSqlQuery incidents(db);
    incidents.setForwardOnly(true);
    const QString order =
        query.resolvedOnly ? u"i.resolved_at DESC, i.id DESC"_s : u"i.first_alert_at DESC, i.id DESC"_s;
    if (!selection.run(incidents,
                       u"SELECT i.id, i.state, i.severity, i.first_alert_at, i.acknowledged_at, i.resolved_at, "
                       "i.notification_count, rc.service, r.incident_id, r.at, r.\"user\", r.fixed_by_runbook, "
                       "r.fixed_by_step, r.fixed_by_text, r.root_cause, r.suggestion_right, r.actionable, "
                       "r.proposed_runbooks FROM incidents i "
                       "LEFT JOIN root_causes rc ON rc.incident_id = i.id AND rc.rank = 0 "
                       "LEFT JOIN resolutions r ON r.incident_id = i.id "
                       "WHERE i.id IN (%1) ORDER BY %2"_s.arg(selection.sql, order),
                       &why)) {
        fail(u"cannot read past incidents: "_s + why, nullptr);
        return out;
    }
    QHash<qint64, qsizetype> row; // incident id -> index in out
    while (incidents.next()) {
        PastIncident p;
        p.id = incidents.value(0).toLongLong();
        p.state = incidents.value(1).toString();
        p.severity = incidents.value(2).toString();
        p.firstAlertAt = msTime(incidents.value(3));
        p.acknowledgedAt = msTime(incidents.value(4));
        p.resolvedAt = msTime(incidents.value(5));
        p.notificationCount = incidents.value(6).toInt();
        p.topCandidate = incidents.value(7).toString();
        if (!incidents.value(8).isNull()) {
            Resolution r;
            r.incidentId = p.id;
            r.at = msTime(incidents.value(9));
            r.user = incidents.value(10).toString();
            r.fixedByRunbook = incidents.value(11).toString();
            r.fixedByStep = incidents.value(12).toString();
            r.fixedByText = incidents.value(13).toString();
            r.rootCause = incidents.value(14).toString();
            r.suggestionRight = optionalBool(incidents.value(15));
            r.actionable = optionalBool(incidents.value(16));
            r.proposedRunbooks = LabelJson::decodeList(incidents.value(17).toString());
            p.resolution = std::move(r);
        }
        row.insert(p.id, out.size());
        out << std::move(p);
    }
    if (out.isEmpty())
        return out;

    QSqlQuery members(db);
    members.setForwardOnly(true);
    if (!selection.run(members,
                       u"SELECT ia.incident_id, a.labels, a.status, a.ends_at FROM incident_alerts ia "
                       "JOIN alerts a ON a.fingerprint = ia.fingerprint "
                       "WHERE ia.incident_id IN (%1) ORDER BY ia.incident_id, ia.position"_s.arg(selection.sql),
                       &why)) {
        fail(u"cannot read past incident members: "_s + why, nullptr);
        return out;
    }
    while (members.next()) {
        const auto it = row.constFind(members.value(0).toLongLong());
        if (it == row.cend())
            continue;
        const LabelSet labels = LabelJson::decodeLabels(members.value(1).toString());
        PastIncident::Member m;
        m.alertname = labels.value(u"alertname"_s);
        m.service = labels.value(u"service"_s);
        m.layer = labels.value(u"layer"_s);
        m.team = labels.value(u"team"_s);
        m.resolved = members.value(2).toString() == u"resolved";
        m.endsAt = msTime(members.value(3));
        out[*it].members << std::move(m);
    }

    QSqlQuery runs(db);
    runs.setForwardOnly(true);
    if (!selection.run(runs,
                       u"SELECT incident_id, runbook_id, step, outcome FROM runbook_runs "
                       "WHERE kind = 'run' AND incident_id IN (%1) ORDER BY id"_s.arg(selection.sql),
                       &why)) {
        fail(u"cannot read past runbook runs: "_s + why, nullptr);
        return out;
    }
    while (runs.next()) {
        const auto it = row.constFind(runs.value(0).toLongLong());
        if (it == row.cend())
            continue;
        out[*it].runs << PastIncident::Run{runs.value(1).toString(), runs.value(2).toString(),
                                           runs.value(3).toString() == u"passed"};
    }
    return out;
}
