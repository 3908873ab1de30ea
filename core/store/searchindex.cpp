#include "searchindex.h"

#include "storeconnection.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlRecord>
#include <QVector>

using namespace Qt::StringLiterals;

bool SearchIndex::available() const
{
    return m_connection.backend->hasSearchIndex();
}

bool SearchIndex::markStale(qint64 incidentId, QString* error)
{
    if (!available() || m_staleSince.contains(incidentId))
        return true;
    QSqlQuery* stale = m_connection.statement(StoreSql::MarkStale, error);
    if (!stale)
        return false;
    stale->bindValue(0, incidentId);
    if (!stale->exec()) {
        *error = u"cannot mark incident %1 for search: %2"_s.arg(incidentId).arg(
            StoreConnection::describe(stale->lastError()));
        return false;
    }
    m_staleSince.insert(incidentId, QDateTime::currentMSecsSinceEpoch());
    return true;
}

bool SearchIndex::reindex(qint64 incidentId, QString* error)
{
    if (!available())
        return true;
    using namespace StoreSql;
    const auto run = [&](Id id) -> QSqlQuery* {
        QSqlQuery* q = m_connection.statement(id, error);
        if (!q)
            return nullptr;
        q->bindValue(0, incidentId);
        if (!q->exec()) {
            *error = u"cannot index incident %1 for search: %2"_s.arg(incidentId).arg(
                StoreConnection::describe(q->lastError()));
            return nullptr;
        }
        return q;
    };
    if (!run(DeleteIncidentLabels) || !run(InsertIncidentLabels))
        return false;
    // The full-text row only when its document changed: a storm's incident gains members whose labels it has already
    // (or changes an inhibition), and rewriting a document of 100,000 members' labels cost a second.
    bool same = false;
    if (!documentUnchanged(incidentId, &same, error))
        return false;
    if (!same && (!run(DeleteSearchRow) || !run(InsertSearchRow)))
        return false;
    if (!run(ClearStale))
        return false;
    m_staleSince.remove(incidentId);
    return true;
}

bool SearchIndex::documentUnchanged(qint64 incidentId, bool* same, QString* error)
{
    *same = false;
    QVariantList values[2];
    const StoreSql::Id ids[2] = {StoreSql::SelectSearchRow, StoreSql::SelectSearchDocument};
    for (int k = 0; k < 2; ++k) {
        QSqlQuery* q = m_connection.statement(ids[k], error);
        if (!q)
            return false;
        q->bindValue(0, incidentId);
        if (!q->exec()) {
            *error = u"cannot read the search row of incident %1: %2"_s.arg(incidentId).arg(
                StoreConnection::describe(q->lastError()));
            return false;
        }
        if (q->next())
            for (int c = 0; c < q->record().count(); ++c)
                values[k] << q->value(c);
        q->finish();
    }
    // A missing row (never indexed) or a missing incident are never "unchanged".
    *same = !values[0].isEmpty() && values[0].size() == values[1].size();
    for (qsizetype c = 0; *same && c < values[0].size(); ++c)
        *same = values[0].at(c).toString() == values[1].at(c).toString();
    return true;
}

bool SearchIndex::reindexStale(bool force, QString* error)
{
    if (!available())
        return true;
    QVector<qint64> due;
    if (force) {
        // Everything marked, also what an earlier run left behind.
        QSqlQuery* select = m_connection.statement(StoreSql::SelectStale, error);
        if (!select)
            return false;
        if (!select->exec()) {
            *error = u"cannot read stale search rows: "_s + StoreConnection::describe(select->lastError());
            return false;
        }
        while (select->next())
            due << select->value(0).toLongLong();
        select->finish();
    } else {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (auto it = m_staleSince.cbegin(); it != m_staleSince.cend(); ++it)
            if (now - it.value() >= m_delayMs)
                due << it.key();
    }
    for (const qint64 id : std::as_const(due))
        if (!reindex(id, error))
            return false;
    return true;
}
