#include "deliveryjournal.h"

#include "storeconnection.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

bool DeliveryJournal::write(QSqlDatabase& db, const Mark& mark, QString* error)
{
    // Prepared per chunk (every few thousand alerts): not worth a slot among the per-notification statements.
    QSqlQuery q(db);
    if (mark.expireBeforeMs > 0) {
        if (!q.prepare(u"DELETE FROM delivery_journal WHERE updated_at < ?"_s)) {
            *error = u"cannot expire the delivery journal: "_s + StoreConnection::describe(q.lastError());
            return false;
        }
        q.addBindValue(mark.expireBeforeMs);
        if (!q.exec()) {
            *error = u"cannot expire the delivery journal: "_s + StoreConnection::describe(q.lastError());
            return false;
        }
    }
    if (!q.prepare(u"INSERT INTO delivery_journal(key, stored, total, updated_at) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT(key) DO UPDATE SET stored = excluded.stored, total = excluded.total, "
                   "updated_at = excluded.updated_at"_s)) {
        *error = u"cannot write the delivery journal: "_s + StoreConnection::describe(q.lastError());
        return false;
    }
    q.addBindValue(QString::fromLatin1(mark.key));
    q.addBindValue(mark.stored);
    q.addBindValue(mark.total);
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!q.exec()) {
        *error = u"cannot write the delivery journal: "_s + StoreConnection::describe(q.lastError());
        return false;
    }
    return true;
}

std::optional<DeliveryJournal::Mark> DeliveryJournal::read(QSqlDatabase& db, const QByteArray& key,
                                                           const QDateTime& notBefore, QString* error)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(u"SELECT stored, total FROM delivery_journal WHERE key = ? AND updated_at >= ?"_s)) {
        *error = u"cannot read the delivery journal: "_s + StoreConnection::describe(q.lastError());
        return std::nullopt;
    }
    q.addBindValue(QString::fromLatin1(key));
    q.addBindValue(notBefore.toMSecsSinceEpoch());
    if (!q.exec()) {
        *error = u"cannot read the delivery journal: "_s + StoreConnection::describe(q.lastError());
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    Mark mark;
    mark.key = key;
    mark.stored = q.value(0).toLongLong();
    mark.total = q.value(1).toLongLong();
    return mark;
}
