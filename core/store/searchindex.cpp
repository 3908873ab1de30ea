#include "searchindex.h"

#include "storeconnection.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlRecord>
#include <QVector>

#include <algorithm>
#include <limits>

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

void SearchIndex::noteMembersKept(qint64 incidentId, qsizetype kept)
{
    if (!available())
        return;
    const auto it = m_keptSince.find(incidentId);
    if (it == m_keptSince.end())
        m_keptSince.insert(incidentId, kept);
    else
        *it = qMin(*it, kept);
}

void SearchIndex::committed()
{
    for (auto it = m_indexing.cbegin(); it != m_indexing.cend(); ++it) {
        m_indexedMembers.insert(it.key(), it.value());
        m_keptSince.remove(it.key()); // every note so far came before the index, which read what they wrote
    }
    m_indexing.clear();
}

bool SearchIndex::reindex(qint64 incidentId, QString* error)
{
    return index(incidentId, false, error);
}

bool SearchIndex::index(qint64 incidentId, bool incrementally, QString* error)
{
    if (!available())
        return true;
    using namespace StoreSql;
    const auto run = [&](Id id, qint64 second = -1) -> QSqlQuery* {
        QSqlQuery* q = m_connection.statement(id, error);
        if (!q)
            return nullptr;
        q->bindValue(0, incidentId);
        if (second >= 0)
            q->bindValue(1, second);
        if (!q->exec()) {
            *error = u"cannot index incident %1 for search: %2"_s.arg(incidentId).arg(
                StoreConnection::describe(q->lastError()));
            return nullptr;
        }
        return q;
    };
    // Added to, when every member indexed last time is still where it was with the labels it had: the pairs are
    // those of the members then plus those of the members after them (the pairs of a removed or changed member
    // could be its alone, so anything else is recomputed from all).
    const auto indexed = m_indexedMembers.constFind(incidentId);
    const qsizetype kept = m_keptSince.value(incidentId, std::numeric_limits<qsizetype>::max());
    if (incrementally && indexed != m_indexedMembers.cend() && kept >= *indexed) {
        if (!run(InsertIncidentLabelsFrom, *indexed))
            return false;
    } else if (!run(DeleteIncidentLabels) || !run(InsertIncidentLabels)) {
        return false;
    }
    if (incrementally) {
        QSqlQuery* count = run(CountMembers);
        if (!count)
            return false;
        m_indexing.insert(incidentId, count->next() ? count->value(0).toLongLong() : 0);
        count->finish();
    } else {
        // A human's note or resolve indexes at once, in a transaction of its own: the next save's index starts over.
        m_indexedMembers.remove(incidentId);
        m_indexing.remove(incidentId);
    }
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

qint64 SearchIndex::msUntilDue() const
{
    if (m_staleSince.isEmpty())
        return -1;
    const qint64 oldest = *std::min_element(m_staleSince.cbegin(), m_staleSince.cend());
    return qMax<qint64>(0, oldest + m_delayMs - QDateTime::currentMSecsSinceEpoch());
}

bool SearchIndex::reindexStale(bool force, QString* error, QDeadlineTimer deadline, qsizetype* notReached)
{
    if (notReached)
        *notReached = 0;
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
    // A save indexes what is due for at most kSliceMs: a storm's incidents fall due together, and indexing 200 of
    // them for the first time held the pipeline (and the deliveries behind it) for half a second. The rest stays
    // due for the next save. Without a delay (tests, benchmarks) every due one is indexed, as asked.
    constexpr qint64 kSliceMs = 25;
    QElapsedTimer spent;
    spent.start();
    for (qsizetype i = 0; i < due.size(); ++i) {
        if (!force && m_delayMs > 0 && i > 0 && spent.elapsed() >= kSliceMs)
            break;
        if (deadline.hasExpired()) {
            if (notReached)
                *notReached = due.size() - i;
            break;
        }
        if (!index(due.at(i), true, error))
            return false;
    }
    return true;
}
