#include "pastincidentrepository.h"

#include "labeljson.h"
#include "sqlstatement.h"
#include "sqlvalues.h"
#include "storeconnection.h"

#include <QHash>
#include <QSqlDatabase>
#include <QVariantMap>

using namespace Qt::StringLiterals;

namespace {
using SqlValues::boolOrNone;
using SqlValues::timeOf;

// The selection as a subquery of incident ids, with its values by parameter name.
struct Selection
{
    QString sql;
    QVariantMap values;

    explicit Selection(const Store::PastQuery& q)
    {
        QStringList where{u"merged_into IS NULL"_s};
        if (q.resolvedOnly)
            where << u"state = 'resolved'"_s;
        if (q.from.isValid()) {
            where << u"first_alert_at >= :from"_s;
            values.insert(u":from"_s, q.from.toMSecsSinceEpoch());
        }
        if (q.to.isValid()) {
            where << u"first_alert_at < :to"_s;
            values.insert(u":to"_s, q.to.toMSecsSinceEpoch());
        }
        if (q.id) {
            where << u"id = :id"_s;
            values.insert(u":id"_s, *q.id);
        }
        const QString order = q.resolvedOnly ? u"resolved_at DESC, id DESC"_s : u"first_alert_at DESC, id DESC"_s;
        sql = u"SELECT id FROM incidents WHERE %1 ORDER BY %2 LIMIT :limit"_s.arg(where.join(u" AND "_s), order);
        values.insert(u":limit"_s, qMax(0, q.limit));
    }

    bool run(SqlStatement& query, const QString& text, QString* why) const
    {
        if (!query.prepare(text, why))
            return false;
        for (auto it = values.cbegin(); it != values.cend(); ++it)
            query.bind(it.key(), it.value());
        return query.exec(why);
    }
};
} // namespace

QVector<PastIncident> PastIncidentRepository::read(const Store::PastQuery& query, QString* error) const
{
    QVector<PastIncident> out;
    const QSqlDatabase& db = m_connection.db;
    const Selection selection(query);

    SqlStatement incidents(db, u"read past incidents"_s);
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
                       error))
        return out;
    QHash<qint64, qsizetype> row; // incident id -> index in out
    while (incidents.next()) {
        PastIncident p;
        p.id = incidents.value(0).toLongLong();
        p.state = incidents.value(1).toString();
        p.severity = incidents.value(2).toString();
        p.firstAlertAt = timeOf(incidents.value(3));
        p.acknowledgedAt = timeOf(incidents.value(4));
        p.resolvedAt = timeOf(incidents.value(5));
        p.notificationCount = incidents.value(6).toInt();
        p.topCandidate = incidents.value(7).toString();
        if (!incidents.value(8).isNull()) {
            Resolution r;
            r.incidentId = p.id;
            r.at = timeOf(incidents.value(9));
            r.user = incidents.value(10).toString();
            r.fixedByRunbook = incidents.value(11).toString();
            r.fixedByStep = incidents.value(12).toString();
            r.fixedByText = incidents.value(13).toString();
            r.rootCause = incidents.value(14).toString();
            r.suggestionRight = boolOrNone(incidents.value(15));
            r.actionable = boolOrNone(incidents.value(16));
            r.proposedRunbooks = LabelJson::decodeList(incidents.value(17).toString());
            p.resolution = std::move(r);
        }
        row.insert(p.id, out.size());
        out << std::move(p);
    }
    if (out.isEmpty())
        return out;

    SqlStatement members(db, u"read past incident members"_s);
    if (!selection.run(members,
                       u"SELECT ia.incident_id, a.labels, a.status, a.ends_at FROM incident_alerts ia "
                       "JOIN alerts a ON a.fingerprint = ia.fingerprint "
                       "WHERE ia.incident_id IN (%1) ORDER BY ia.incident_id, ia.position"_s.arg(selection.sql),
                       error))
        return out;
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
        m.endsAt = timeOf(members.value(3));
        out[*it].members << std::move(m);
    }

    SqlStatement runs(db, u"read past runbook runs"_s);
    if (!selection.run(runs,
                       u"SELECT incident_id, runbook_id, step, outcome FROM runbook_runs "
                       "WHERE kind = 'run' AND incident_id IN (%1) ORDER BY id"_s.arg(selection.sql),
                       error))
        return out;
    while (runs.next()) {
        const auto it = row.constFind(runs.value(0).toLongLong());
        if (it == row.cend())
            continue;
        out[*it].runs << PastIncident::Run{runs.value(1).toString(), runs.value(2).toString(),
                                           runs.value(3).toString() == u"passed"};
    }
    return out;
}
