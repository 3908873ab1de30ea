#include "deliveryjournal.h"

#include "storeconnection.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

bool failed(const QString& what, const QString& why, QString* error)
{
    *error = what + why;
    return false;
}

} // namespace

bool DeliveryJournal::write(StoreConnection& connection, std::span<const Mark> marks, QString* error)
{
    if (marks.empty())
        return true;
    const qint64 expireBeforeMs = std::max_element(marks.begin(), marks.end(), [](const Mark& a, const Mark& b) {
                                      return a.expireBeforeMs < b.expireBeforeMs;
                                  })->expireBeforeMs;
    QString why;
    if (expireBeforeMs > 0) {
        const QString expire = u"cannot expire the delivery journal: "_s;
        QSqlQuery* q = connection.statement(StoreSql::ExpireDeliveryMarks, &why);
        if (!q)
            return failed(expire, why, error);
        q->bindValue(0, expireBeforeMs);
        if (!q->exec())
            return failed(expire, StoreConnection::describe(q->lastError()), error);
    }
    const QString cannot = u"cannot write the delivery journal: "_s;
    QSqlQuery* q = connection.statement(StoreSql::UpsertDeliveryMark, &why);
    if (!q)
        return failed(cannot, why, error);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const Mark& mark : marks) {
        q->bindValue(0, QString::fromLatin1(mark.key));
        q->bindValue(1, mark.stored);
        q->bindValue(2, mark.total);
        q->bindValue(3, now);
        if (!q->exec())
            return failed(cannot, StoreConnection::describe(q->lastError()), error);
    }
    return true;
}

std::optional<DeliveryJournal::Mark> DeliveryJournal::read(StoreConnection& connection, const QByteArray& key,
                                                           const QDateTime& notBefore, QString* error)
{
    QHash<QByteArray, Mark> found = read(connection, QList<QByteArray>{key}, notBefore, error);
    if (found.isEmpty())
        return std::nullopt;
    return found.take(key);
}

QHash<QByteArray, DeliveryJournal::Mark> DeliveryJournal::read(StoreConnection& connection,
                                                               const QList<QByteArray>& keys,
                                                               const QDateTime& notBefore, QString* error)
{
    QHash<QByteArray, Mark> found;
    if (keys.isEmpty())
        return found;
    const QString cannot = u"cannot read the delivery journal: "_s;
    QString why;
    QSqlQuery* q = connection.statement(StoreSql::SelectDeliveryMark, &why);
    if (!q) {
        failed(cannot, why, error);
        return {};
    }
    const qint64 notBeforeMs = notBefore.toMSecsSinceEpoch();
    for (const QByteArray& key : keys) {
        q->bindValue(0, QString::fromLatin1(key));
        q->bindValue(1, notBeforeMs);
        if (!q->exec()) {
            failed(cannot, StoreConnection::describe(q->lastError()), error);
            return {};
        }
        if (q->next()) {
            Mark mark;
            mark.key = key;
            mark.stored = q->value(0).toLongLong();
            mark.total = q->value(1).toLongLong();
            found.insert(key, mark);
        }
        q->finish();
    }
    return found;
}
