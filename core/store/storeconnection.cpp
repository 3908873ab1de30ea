#include "storeconnection.h"

#include <QSqlError>

using namespace Qt::StringLiterals;

QString StoreConnection::describe(const QSqlError& e)
{
    const QString text = e.text().trimmed();
    return text.isEmpty() ? u"unknown database error"_s : text;
}

QSqlQuery* StoreConnection::statement(StoreSql::Id id, QString* why)
{
    auto& slot = m_statements[id];
    if (!slot) {
        QSqlQuery q(db);
        if (!q.prepare(backend->sql(id))) {
            *why = u"cannot prepare statement: "_s + describe(q.lastError());
            return nullptr;
        }
        slot.emplace(std::move(q));
    }
    return &*slot;
}

bool StoreConnection::exec(const QString& sql, QString* why)
{
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        *why = describe(q.lastError()) + u" (in: "_s + sql.simplified().left(120) + u')';
        return false;
    }
    return true;
}

QVariant StoreConnection::scalar(const QString& sql, QString* why)
{
    QSqlQuery q(db);
    if (!q.exec(sql) || !q.next()) {
        *why = describe(q.lastError());
        return {};
    }
    return q.value(0);
}

void StoreConnection::releaseStatements()
{
    for (auto& q : m_statements)
        q.reset();
}
