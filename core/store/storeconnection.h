#pragma once
// StoreConnection: the open database as the Store's repositories share it: the QtSql connection, the backend
// that opened it, and the prepared-once statements (StoreSql) in that backend's dialect. Owned by the Store;
// a repository holds a reference for the life of the connection. Not thread-safe, like the Store.

#include "storebackend.h"
#include "storesql.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <array>
#include <memory>
#include <optional>

class QSqlError;

struct StoreConnection
{
    QSqlDatabase db;
    std::unique_ptr<StoreBackend> backend;
    int version = 0;

    // The statement, prepared on first use and reused for the life of the connection; nullptr with why when it
    // does not compile.
    QSqlQuery* statement(StoreSql::Id id, QString* why);
    // One statement without parameters (schema, pragmas); false with why naming it.
    bool exec(const QString& sql, QString* why);
    // The first column of the first row; invalid with why on failure.
    QVariant scalar(const QString& sql, QString* why);
    bool announce(const QString& what, const QString& subject, QString* why)
    {
        return backend->announce(*this, what, subject, why);
    }
    // Drops the prepared statements: call before the database closes.
    void releaseStatements();

    static QString describe(const QSqlError& e); // the driver's text, never empty

private:
    std::array<std::optional<QSqlQuery>, StoreSql::Count> m_statements;
};
