#include "storebackend.h"

#include "postgresbackend.h"
#include "sqlitebackend.h"

using namespace Qt::StringLiterals;

bool StoreBackend::isServerUrl(const QString& path)
{
    return path.startsWith(u"postgresql://") || path.startsWith(u"postgres://");
}

std::unique_ptr<StoreBackend> StoreBackend::forPath(const QString& path)
{
    if (isServerUrl(path))
        return std::make_unique<PostgresBackend>();
    return std::make_unique<SqliteBackend>();
}

bool StoreBackend::claimName(const QString& name, QString* error)
{
    if (!QSqlDatabase::contains(name))
        return true;
    *error = u"database connection name '%1' is already in use by another Store"_s.arg(name);
    return false;
}
