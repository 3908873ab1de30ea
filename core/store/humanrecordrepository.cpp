#include "humanrecordrepository.h"

#include "labeljson.h"
#include "searchindex.h"
#include "sqltransaction.h"
#include "sqlvalues.h"
#include "store.h"
#include "storeconnection.h"

#include <QSqlError>

using namespace Qt::StringLiterals;
using namespace SqlValues;
using namespace StoreSql;

namespace {

QString describe(const QSqlError& e)
{
    return StoreConnection::describe(e);
}

RunbookRun::Outcome runbookOutcomeFrom(const QString& name)
{
    using O = RunbookRun::Outcome;
    for (const O o : {O::Passed, O::Failed, O::TimedOut, O::FailedToStart, O::Refused, O::NotApproved, O::Rejected})
        if (outcomeName(o) == name)
            return o;
    return O::Failed;
}

RunbookRun::Verify runbookVerifyFrom(const QString& name)
{
    using V = RunbookRun::Verify;
    for (const V v : {V::Passed, V::Failed, V::Unsupported, V::Skipped})
        if (verifyName(v) == name)
            return v;
    return V::None;
}

} // namespace

bool HumanRecordRepository::incidentExists(qint64 incidentId, QString* error) const
{
    QSqlQuery* exists = m_connection.statement(IncidentExists, error);
    if (!exists)
        return false;
    exists->bindValue(0, incidentId);
    const bool found = exists->exec() && exists->next();
    exists->finish();
    return found;
}

bool HumanRecordRepository::recordAction(qint64 incidentId, const QString& kind, const QString& note,
                                         const QDateTime& when, QString* error)
{
    if (kind.isEmpty()) {
        *error = u"an action needs a kind"_s;
        return false;
    }
    QSqlQuery* insert = m_connection.statement(InsertAction, error);
    QSqlQuery* ack = insert ? m_connection.statement(AckIncident, error) : nullptr;
    QSqlQuery* mitigate = ack ? m_connection.statement(MitigateIncident, error) : nullptr;
    QSqlQuery* resolve = mitigate ? m_connection.statement(ResolveIncident, error) : nullptr;
    if (!resolve)
        return false;

    SqlTransaction tx(m_connection.db);
    if (!tx.isActive()) {
        *error = u"cannot begin transaction: "_s + describe(m_connection.db.lastError());
        return false;
    }
    if (QString why; !incidentExists(incidentId, &why)) {
        *error = why.isEmpty() ? u"cannot record %1: no incident with id %2"_s.arg(kind).arg(incidentId) : why;
        return false;
    }

    const qint64 at = when.isValid() ? when.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
    const QString user = Store::currentUser();
    insert->bindValue(0, incidentId);
    insert->bindValue(1, kind);
    insert->bindValue(2, text(note));
    insert->bindValue(3, at);
    insert->bindValue(4, user);
    if (!insert->exec()) {
        *error = u"cannot record %1: %2"_s.arg(kind, describe(insert->lastError()));
        return false;
    }
    QSqlQuery* update = kind == u"ack" ? ack : kind == u"mitigate" ? mitigate : kind == u"resolve" ? resolve : nullptr;
    if (update) {
        update->bindValue(0, at);
        update->bindValue(1, user);
        update->bindValue(2, at);
        update->bindValue(3, incidentId);
        if (!update->exec()) {
            *error = u"cannot apply %1: %2"_s.arg(kind, describe(update->lastError()));
            return false;
        }
    }
    if (!m_connection.announce(u"action"_s, QString::number(incidentId), error))
        return false;
    // Notes are searchable, and a resolved incident's row is brought up to date for good.
    if ((!note.isEmpty() || kind == u"resolve") && !m_search.reindex(incidentId, error))
        return false;
    if (!tx.commit()) {
        *error = u"cannot commit %1: %2"_s.arg(kind, describe(m_connection.db.lastError()));
        return false;
    }
    return true;
}

QVector<IncidentAction> HumanRecordRepository::actions(qint64 incidentId, QString* error) const
{
    QVector<IncidentAction> out;
    QSqlQuery* q = m_connection.statement(SelectActions, error);
    if (!q)
        return out;
    q->bindValue(0, incidentId);
    if (!q->exec()) {
        *error = describe(q->lastError());
        return out;
    }
    while (q->next())
        out.append(IncidentAction{q->value(0).toLongLong(), q->value(1).toString(), q->value(2).toString(),
                                  timeOf(q->value(3)), q->value(4).toString()});
    q->finish();
    return out;
}

bool HumanRecordRepository::recordResolution(const Resolution& resolution, QString* error)
{
    QSqlQuery* upsert = m_connection.statement(UpsertResolution, error);
    if (!upsert)
        return false;
    if (QString why; !incidentExists(resolution.incidentId, &why)) {
        *error = why.isEmpty() ? u"cannot record a resolution: no incident with id %1"_s.arg(resolution.incidentId)
                               : why;
        return false;
    }
    const QDateTime at = resolution.at.isValid() ? resolution.at : QDateTime::currentDateTimeUtc();
    SqlTransaction tx(m_connection.db);
    if (!tx.isActive()) {
        *error = u"cannot begin transaction: "_s + describe(m_connection.db.lastError());
        return false;
    }
    upsert->bindValue(0, resolution.incidentId);
    upsert->bindValue(1, at.toMSecsSinceEpoch());
    upsert->bindValue(2, Store::currentUser());
    upsert->bindValue(3, text(resolution.fixedByRunbook));
    upsert->bindValue(4, text(resolution.fixedByStep));
    upsert->bindValue(5, text(resolution.fixedByText));
    upsert->bindValue(6, text(resolution.rootCause));
    upsert->bindValue(7, boolOrNull(resolution.suggestionRight));
    upsert->bindValue(8, boolOrNull(resolution.actionable));
    upsert->bindValue(9, LabelJson::encode(resolution.proposedRunbooks));
    if (!upsert->exec()) {
        *error = u"cannot record a resolution: "_s + describe(upsert->lastError());
        return false;
    }
    if (!m_search.reindex(resolution.incidentId, error)) // what fixed it is searchable
        return false;
    if (!tx.commit()) {
        *error = u"cannot commit a resolution: "_s + describe(m_connection.db.lastError());
        return false;
    }
    return true;
}

std::optional<Resolution> HumanRecordRepository::resolution(qint64 incidentId, QString* error) const
{
    QSqlQuery* q = m_connection.statement(SelectResolution, error);
    if (!q)
        return std::nullopt;
    q->bindValue(0, incidentId);
    if (!q->exec()) {
        *error = describe(q->lastError());
        return std::nullopt;
    }
    if (!q->next()) {
        q->finish();
        return std::nullopt;
    }
    Resolution r;
    r.incidentId = q->value(0).toLongLong();
    r.at = timeOf(q->value(1));
    r.user = q->value(2).toString();
    r.fixedByRunbook = q->value(3).toString();
    r.fixedByStep = q->value(4).toString();
    r.fixedByText = q->value(5).toString();
    r.rootCause = q->value(6).toString();
    r.suggestionRight = boolOrNone(q->value(7));
    r.actionable = boolOrNone(q->value(8));
    r.proposedRunbooks = LabelJson::decodeList(q->value(9).toString());
    q->finish();
    return r;
}

qint64 HumanRecordRepository::recordRunbookRun(const RunbookRun& run, QString* error)
{
    QSqlQuery* q = m_connection.statement(InsertRunbookRun, error);
    if (!q)
        return 0;
    q->bindValue(0, run.at.isValid() ? run.at.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch());
    q->bindValue(1, Store::currentUser());
    q->bindValue(2, run.incidentId != 0 ? QVariant(run.incidentId) : QVariant());
    q->bindValue(3, text(run.runbookId));
    q->bindValue(4, text(run.step));
    q->bindValue(5, text(run.kind));
    q->bindValue(6, LabelJson::encode(run.argv));
    q->bindValue(7, text(run.approval));
    q->bindValue(8, msOrNull(run.approvedAt));
    q->bindValue(9, intOrNull(run.exitCode));
    q->bindValue(10, outcomeName(run.outcome));
    q->bindValue(11, run.durationMs);
    q->bindValue(12, text(run.outputDigest));
    q->bindValue(13, text(verifyName(run.verify)));
    q->bindValue(14, run.rolledBack ? 1 : 0);
    q->bindValue(15, intOrNull(run.rollbackExitCode));
    q->bindValue(16, text(run.logFile));
    q->bindValue(17, text(run.error));
    if (!q->exec()) {
        *error = u"cannot record runbook run of %1/%2: %3"_s.arg(run.runbookId, run.step, describe(q->lastError()));
        return 0;
    }
    const qint64 id = q->lastInsertId().toLongLong();
    // The audit row is stored; a lost announcement only delays what other consoles show.
    if (QString why; !m_connection.announce(u"runbook"_s, QString::number(run.incidentId), &why))
        qWarning("nightwatch: %s", qPrintable(why));
    return id;
}

QVector<RunbookRun> HumanRecordRepository::runbookRuns(std::optional<qint64> incidentId, QString* error) const
{
    QVector<RunbookRun> out;
    QSqlQuery* q = m_connection.statement(SelectRunbookRuns, error);
    if (!q)
        return out;
    const QVariant incident = incidentId ? QVariant(*incidentId) : QVariant();
    q->bindValue(0, incident);
    q->bindValue(1, incident);
    if (!q->exec()) {
        *error = describe(q->lastError());
        return out;
    }
    while (q->next()) {
        RunbookRun r;
        r.id = q->value(0).toLongLong();
        r.at = timeOf(q->value(1));
        r.user = q->value(2).toString();
        r.incidentId = q->value(3).toLongLong();
        r.runbookId = q->value(4).toString();
        r.step = q->value(5).toString();
        r.kind = q->value(6).toString();
        r.argv = LabelJson::decodeList(q->value(7).toString());
        r.approval = q->value(8).toString();
        r.approvedAt = timeOf(q->value(9));
        r.exitCode = intOrNone(q->value(10));
        r.outcome = runbookOutcomeFrom(q->value(11).toString());
        r.durationMs = q->value(12).toLongLong();
        r.outputDigest = q->value(13).toString();
        r.verify = runbookVerifyFrom(q->value(14).toString());
        r.rolledBack = q->value(15).toBool();
        r.rollbackExitCode = intOrNone(q->value(16));
        r.logFile = q->value(17).toString();
        r.error = q->value(18).toString();
        out.append(std::move(r));
    }
    q->finish();
    return out;
}
