#include "deliveryjournal.h"

#include "storeconnection.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

bool failed(const QSqlQuery& q, const QString& what, QString* error)
{
    *error = what + StoreConnection::describe(q.lastError());
    return false;
}

} // namespace

bool DeliveryJournal::write(QSqlDatabase& db, std::span<const Mark> marks, QString* error)
{
    if (marks.empty())
        return true;
    // Prepared per commit (a chunk, or a group of small deliveries): executed once per mark.
    QSqlQuery q(db);
    const qint64 expireBeforeMs = std::max_element(marks.begin(), marks.end(), [](const Mark& a, const Mark& b) {
                                      return a.expireBeforeMs < b.expireBeforeMs;
                                  })->expireBeforeMs;
    if (expireBeforeMs > 0) {
        const QString expire = u"cannot expire the delivery journal: "_s;
        if (!q.prepare(u"DELETE FROM delivery_journal WHERE updated_at < ?"_s))
            return failed(q, expire, error);
        q.addBindValue(expireBeforeMs);
        if (!q.exec())
            return failed(q, expire, error);
    }
    const QString cannot = u"cannot write the delivery journal: "_s;
    if (!q.prepare(u"INSERT INTO delivery_journal(key, stored, total, updated_at) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT(key) DO UPDATE SET stored = excluded.stored, total = excluded.total, "
                   "updated_at = excluded.updated_at"_s))
        return failed(q, cannot, error);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const Mark& mark : marks) {
        q.bindValue(0, QString::fromLatin1(mark.key));
        q.bindValue(1, mark.stored);
        q.bindValue(2, mark.total);
        q.bindValue(3, now);
        if (!q.exec())
            return failed(q, cannot, error);
    }
    return true;
}

std::optional<DeliveryJournal::Mark> DeliveryJournal::read(QSqlDatabase& db, const QByteArray& key,
                                                           const QDateTime& notBefore, QString* error)
{
    QHash<QByteArray, Mark> found = read(db, QList<QByteArray>{key}, notBefore, error);
    if (found.isEmpty())
        return std::nullopt;
    return found.take(key);
}

QHash<QByteArray, DeliveryJournal::Mark> DeliveryJournal::read(QSqlDatabase& db, const QList<QByteArray>& keys,
                                                               const QDateTime& notBefore, QString* error)
{
    QHash<QByteArray, Mark> found;
    if (keys.isEmpty())
        return found;
    const QString cannot = u"cannot read the delivery journal: "_s;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(u"SELECT stored, total FROM delivery_journal WHERE key = ? AND updated_at >= ?"_s)) {
        failed(q, cannot, error);
        return {};
    }
    const qint64 notBeforeMs = notBefore.toMSecsSinceEpoch();
    for (const QByteArray& key : keys) {
        q.bindValue(0, QString::fromLatin1(key));
        q.bindValue(1, notBeforeMs);
        if (!q.exec()) {
            failed(q, cannot, error);
            return {};
        }
        if (!q.next())
            continue;
        Mark mark;
        mark.key = key;
        mark.stored = q.value(0).toLongLong();
        mark.total = q.value(1).toLongLong();
        found.insert(key, mark);
        q.finish();
    }
    return found;
}
