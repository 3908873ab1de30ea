#pragma once
// SqliteBackend: the console's own database file (Qt's QSQLITE driver): checked page by page before anything
// is written, WAL so a reader beside the console reads while it writes, PRAGMA user_version for the schema
// (StoreSchema::migrations()), the reference dialect of StoreSql, the full-text history index, one writer.

#include "storebackend.h"

class SqliteBackend final : public StoreBackend
{
public:
    bool open(StoreConnection& connection, const QString& name, const QString& path, bool readOnly,
              QString* error) override;
    QString sql(StoreSql::Id id) const override;
    bool hasOtherWriters() const override { return false; }
    bool announce(StoreConnection&, const QString&, const QString&, QString*) override { return true; }
    bool listen(StoreConnection& connection, QObject* context,
                std::function<void(const QString& what, const QString& subject)> onChange, QString* error) override;
    bool hasSearchIndex() const override { return true; }
    QString displayName(const QString& path) const override { return path; }

private:
    bool migrate(StoreConnection& connection, QString* error);
};
