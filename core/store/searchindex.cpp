#include "searchindex.h"

#include "storeconnection.h"

#include <QDateTime>
#include <QSqlError>
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
    for (const Id id : {DeleteIncidentLabels, InsertIncidentLabels, DeleteSearchRow, InsertSearchRow, ClearStale}) {
        QSqlQuery* q = m_connection.statement(id, error);
        if (!q)
            return false;
        q->bindValue(0, incidentId);
        if (!q->exec()) {
            *error = u"cannot index incident %1 for search: %2"_s.arg(incidentId).arg(
                StoreConnection::describe(q->lastError()));
            return false;
        }
    }
    m_staleSince.remove(incidentId);
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
