#include "ingestrepository.h"

#include "labeljson.h"
#include "notificationrowreader.h"
#include "searchindex.h"
#include "sharedingest.h"
#include "sqliteingest.h"
#include "sqltransaction.h"
#include "sqlvalues.h"
#include "storeconnection.h"

#include <QHash>
#include <QSqlError>
#include <QSqlQuery>

#include <limits>

using namespace Qt::StringLiterals;
using namespace StoreSql;
using namespace SqlValues;

namespace {

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

bool failWith(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

std::unique_ptr<IngestRepository> IngestRepository::create(StoreConnection& connection, SearchIndex& search)
{
    if (connection.backend->hasOtherWriters())
        return std::make_unique<SharedIngest>(connection, search);
    return std::make_unique<SqliteIngest>(connection, search);
}

bool IngestRepository::recordFolded(const AlertBatch& batch, IngestBatch::Folded&&,
                                    std::span<const DeliveryJournal::Mark> marks, QString* error)
{
    return recordNotifications(batch, marks, error);
}

bool IngestRepository::settle(QString*)
{
    return true;
}

QVector<Alert> IngestRepository::othersNotifications(QString*)
{
    return {};
}

bool IngestRepository::beforeIncidents(QString*)
{
    return true;
}

void IngestRepository::incidentsCommitted(const QVector<qint64>&, const QVector<RowsDigest>&) {}

bool IngestRepository::take(qint64, bool)
{
    return true;
}

qint64 IngestRepository::saveInTransaction(const Incident& incident, RowsDigest* digest, QString* error)
{
    if (incident.key.isEmpty()) {
        failWith(error, u"incident has no key"_s);
        return 0;
    }
    QSqlQuery* upsert = m_connection.statement(UpsertIncident, error);
    if (!upsert)
        return 0;
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
        failWith(error,
                 u"cannot store incident %1: %2"_s.arg(incident.key, StoreConnection::describe(upsert->lastError())));
        upsert->finish();
        return 0;
    }
    const qint64 id = upsert->value(0).toLongLong();
    upsert->finish(); // RETURNING leaves the statement mid-step; reset it before the next write
    *digest = {membersDigest(incident), causesDigest(incident)};
    bool members = true, causes = true;
    if (!rowsToWrite(incident, id, *digest, &members, &causes, error))
        return 0;
    if (!members && !causes)
        return id;
    if (members && !writeMembers(id, incident, error))
        return 0;
    if (causes && !writeCauses(id, incident, error))
        return 0;
    // Only when members or causes changed: a storm's repeats leave the document as it was. Written by
    // reindexStale() before the commit, at once or after the delay.
    if (!m_search.markStale(id, error))
        return 0;
    return id;
}

bool IngestRepository::writeMembers(qint64 id, const Incident& incident, QString* error)
{
    m_search.noteMembersKept(id, 0); // rewritten whole
    QSqlQuery* delMembers = m_connection.statement(DeleteMembers, error);
    QSqlQuery* addMember = delMembers ? m_connection.statement(InsertMember, error) : nullptr;
    if (!addMember)
        return false;
    delMembers->bindValue(0, id);
    if (!delMembers->exec())
        return failWith(error, u"cannot replace members of incident %1: %2"_s.arg(
                                   incident.key, StoreConnection::describe(delMembers->lastError())));
    for (qsizetype i = 0; i < incident.alerts.size(); ++i) {
        const TrackedAlert& t = incident.alerts.at(i);
        addMember->bindValue(0, id);
        addMember->bindValue(1, t.fingerprint());
        addMember->bindValue(2, qint64(i));
        addMember->bindValue(3, t.inhibited ? 1 : 0);
        addMember->bindValue(4, text(t.inhibitedBy));
        if (!addMember->exec())
            return failWith(error, u"cannot store member of incident %1: %2"_s.arg(
                                       incident.key, StoreConnection::describe(addMember->lastError())));
    }
    return true;
}

bool IngestRepository::writeCauses(qint64 id, const Incident& incident, QString* error)
{
    QSqlQuery* delCauses = m_connection.statement(DeleteCauses, error);
    QSqlQuery* addCause = delCauses ? m_connection.statement(InsertCause, error) : nullptr;
    if (!addCause)
        return false;
    delCauses->bindValue(0, id);
    if (!delCauses->exec())
        return failWith(error, u"cannot replace root causes of incident %1: %2"_s.arg(
                                   incident.key, StoreConnection::describe(delCauses->lastError())));
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
        if (!addCause->exec())
            return failWith(error, u"cannot store root cause of incident %1: %2"_s.arg(
                                       incident.key, StoreConnection::describe(addCause->lastError())));
    }
    return true;
}

qint64 IngestRepository::saveIncident(const Incident& incident, QString* error)
{
    QVector<Incident> one{incident};
    return saveIncidents(one, error) ? one.constFirst().id : 0;
}

bool IngestRepository::saveIncidents(QVector<Incident>& incidents, QString* error)
{
    SqlTransaction tx(m_connection.db);
    if (!tx.isActive())
        return failWith(error,
                        u"cannot begin transaction: "_s + StoreConnection::describe(m_connection.db.lastError()));
    m_search.beginBatch();
    if (!beforeIncidents(error))
        return false;
    QVector<qint64> ids;
    QVector<RowsDigest> digests;
    ids.reserve(incidents.size());
    digests.reserve(incidents.size());
    for (const Incident& incident : std::as_const(incidents)) {
        RowsDigest digest;
        const qint64 id = saveInTransaction(incident, &digest, error);
        if (id == 0)
            return false;
        ids.append(id);
        digests.append(digest);
    }
    if (!m_search.reindexStale(false, error))
        return false;
    if (!tx.commit())
        return failWith(error, u"cannot commit incidents: "_s + StoreConnection::describe(m_connection.db.lastError()));
    // Ids (and the strategy's caches) only once they are durable: a rolled-back batch changes neither.
    for (qsizetype i = 0; i < incidents.size(); ++i)
        incidents[i].id = ids.at(i);
    m_search.committed();
    incidentsCommitted(ids, digests);
    return true;
}

bool IngestRepository::markMerged(const QString& key, qint64 intoId, QString* error)
{
    QSqlQuery* exists = m_connection.statement(IncidentExists, error);
    QSqlQuery* merge = exists ? m_connection.statement(MarkMerged, error) : nullptr;
    if (!merge)
        return false;
    exists->bindValue(0, intoId);
    const bool found = exists->exec() && exists->next();
    exists->finish();
    if (!found)
        return failWith(error, u"cannot merge %1: no incident with id %2"_s.arg(key).arg(intoId));
    merge->bindValue(0, intoId);
    merge->bindValue(1, QDateTime::currentMSecsSinceEpoch());
    merge->bindValue(2, key);
    merge->bindValue(3, intoId);
    if (!merge->exec())
        return failWith(error, u"cannot merge %1: %2"_s.arg(key, StoreConnection::describe(merge->lastError())));
    if (merge->numRowsAffected() != 1)
        return failWith(error,
                        u"cannot merge %1 into %2: no such incident, or it is that incident"_s.arg(key).arg(intoId));
    return true;
}

bool IngestRepository::loadMembersAndCauses(Incident& incident, QString* error) const
{
    QSqlQuery* members = m_connection.statement(SelectMembers, error);
    QSqlQuery* causes = members ? m_connection.statement(SelectCauses, error) : nullptr;
    if (!causes)
        return false;

    members->bindValue(0, incident.id);
    if (!members->exec())
        return failWith(error, StoreConnection::describe(members->lastError()));
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
        return failWith(error, StoreConnection::describe(causes->lastError()));
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

std::optional<Incident> IngestRepository::loadIncident(qint64 id, QString* error) const
{
    QSqlQuery* q = m_connection.statement(SelectIncident, error);
    if (!q)
        return std::nullopt;
    q->bindValue(0, id);
    if (!q->exec()) {
        failWith(error, StoreConnection::describe(q->lastError()));
        return std::nullopt;
    }
    if (!q->next()) {
        q->finish();
        return std::nullopt;
    }
    Incident incident = incidentFromRow(*q);
    q->finish();
    if (!loadMembersAndCauses(incident, error))
        return std::nullopt;
    return incident;
}

QVector<Incident> IngestRepository::loadIncidents(int limit, QString* error) const
{
    QVector<Incident> out;
    QSqlQuery* q = m_connection.statement(SelectIncidents, error);
    if (!q)
        return out;
    q->bindValue(0, limit);
    if (!q->exec()) {
        failWith(error, StoreConnection::describe(q->lastError()));
        return out;
    }
    while (q->next())
        out.append(incidentFromRow(*q));
    q->finish();
    for (Incident& incident : out)
        loadMembersAndCauses(incident, error);
    return out;
}

QVector<Alert> IngestRepository::loadNotifications(const QDateTime& since, QString* error)
{
    QSqlQuery* q = m_connection.statement(SelectNotifications, error);
    if (!q)
        return {};
    q->bindValue(0, since.isValid() ? since.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min());
    return readNotifications(*q, false, error);
}

QVector<Alert> IngestRepository::readNotifications(QSqlQuery& q, bool unseenOnly, QString* error)
{
    QVector<Alert> out;
    q.setForwardOnly(true);
    if (!q.exec()) {
        failWith(error, StoreConnection::describe(q.lastError()));
        return out;
    }
    NotificationRowReader rows;
    while (q.next()) {
        if (!take(q.value(9).toLongLong(), unseenOnly))
            continue;
        out.append(rows.read(q));
    }
    q.finish();
    return out;
}

qint64 IngestRepository::count(StoreSql::Id id, QString* error) const
{
    QSqlQuery* q = m_connection.statement(id, error);
    if (!q)
        return 0;
    if (!q->exec() || !q->next()) {
        failWith(error, StoreConnection::describe(q->lastError()));
        return 0;
    }
    const qint64 n = q->value(0).toLongLong();
    q->finish();
    return n;
}

qint64 IngestRepository::notificationCount(QString* error) const
{
    return count(CountNotifications, error);
}

qint64 IngestRepository::alertCount(QString* error) const
{
    return count(CountAlerts, error);
}
