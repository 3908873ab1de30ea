#pragma once
// PostgresBackend: the shared team store (Qt's QPSQL driver) several consoles write at once: opened from a
// postgresql:// URL (the password from the URL, NIGHTWATCH_DB_PASSWORD, or libpq's own PGPASSWORD/.pgpass), the
// schema created once under an advisory lock (StoreSchema::postgresBaseline() and translated steps), the
// statements PostgreSQL does not take in SQLite's text rewritten, and every commit announced with
// NOTIFY nightwatch, '<what>:<subject>' and heard with LISTEN.

#include "storebackend.h"

class PostgresBackend final : public StoreBackend
{
public:
    bool open(StoreConnection& connection, const QString& name, const QString& path, bool readOnly,
              QString* error) override;
    QString sql(StoreSql::Id id) const override;
    bool hasOtherWriters() const override { return true; }
    bool announce(StoreConnection& connection, const QString& what, const QString& subject, QString* error) override;
    bool listen(StoreConnection& connection, QObject* context,
                std::function<void(const QString& what, const QString& subject)> onChange, QString* error) override;
    bool hasSearchIndex() const override { return false; } // FTS5 is SQLite's (see StoreSchema::postgresStep)
    QString displayName(const QString& path) const override;

private:
    bool migrate(StoreConnection& connection, QString* error);
};
