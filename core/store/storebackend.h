#pragma once
// StoreBackend: what differs between the databases the Store can live in, chosen once when the Store opens:
// how a connection is made and checked, how the schema is created and migrated, the dialect of the statements
// (StoreSql), how a commit is announced to other writers and how they are heard, and which of the store's
// single-writer shortcuts are sound. SqliteBackend is the console's own file; PostgresBackend the shared team
// store several consoles write at once. Nothing outside the two implementations asks which one it has.

#include "storesql.h"

#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <memory>

class QObject;
struct StoreConnection;

class StoreBackend
{
public:
    virtual ~StoreBackend() = default;

    // PostgresBackend for postgresql:// or postgres:// URLs, SqliteBackend for everything else (a file path).
    static std::unique_ptr<StoreBackend> forPath(const QString& path);
    static bool isServerUrl(const QString& path);

    // Adds the connection named name to connection.db, opens it, checks it and brings it to the latest schema
    // (a read-only open only accepts the latest); fills connection.version. False with error, the connection
    // then being whatever was added (the Store closes it). A name already in use is refused before anything.
    virtual bool open(StoreConnection& connection, const QString& name, const QString& path, bool readOnly,
                      QString* error) = 0;
    // The text of a prepared-once statement in this database's dialect.
    virtual QString sql(StoreSql::Id id) const = 0;

    // Other consoles write the same database: the Store keeps no single-writer caches (what it last wrote to
    // a row, counters held back in memory), announces its commits and reads the others' notifications.
    virtual bool hasOtherWriters() const = 0;
    // Tells the other writers "<what>:<subject>" when the current transaction commits; true and nothing on a
    // database with one writer.
    virtual bool announce(StoreConnection& connection, const QString& what, const QString& subject,
                          QString* error) = 0;
    // Calls onChange(what, subject) on context's thread for each change another writer announces.
    virtual bool listen(StoreConnection& connection, QObject* context,
                        std::function<void(const QString& what, const QString& subject)> onChange,
                        QString* error) = 0;
    // The full-text history index (incident_search, incident_labels) exists in this database.
    virtual bool hasSearchIndex() const = 0;
    // How open() failures name the database (a URL without its password).
    virtual QString displayName(const QString& path) const = 0;

protected:
    // Refuses a connection name another live Store uses: addDatabase would silently take it over.
    static bool claimName(const QString& name, QString* error);
};
