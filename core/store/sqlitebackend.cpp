#include "sqlitebackend.h"

#include "sqlitebusytimeout.h"
#include "sqltransaction.h"
#include "storeconnection.h"
#include "storeschema.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QThread>

using namespace Qt::StringLiterals;

namespace {

QString describe(const QSqlError& e)
{
    return StoreConnection::describe(e);
}

bool checkIntegrity(QSqlDatabase& db, const QString& path, QString* error)
{
    // A damaged file must be refused before anything is written to it: a console that went on would
    // answer 200 for deliveries it may not be able to read back, and could spread the damage. quick_check
    // reads every page (O(size), not the slower index cross-check of integrity_check).
    QSqlQuery q(db);
    q.setForwardOnly(true);
    QStringList problems;
    QSqlError failure;
    if (!q.exec(u"PRAGMA quick_check(5)"_s)) {
        failure = q.lastError();
    } else {
        while (q.next())
            if (const QString line = q.value(0).toString(); line != u"ok")
                problems << line.simplified().left(200);
        if (q.lastError().isValid())
            failure = q.lastError();
    }
    // SQLITE_BUSY / SQLITE_LOCKED: another process holds the file past the busy timeout; it is not damage.
    const QString code = failure.nativeErrorCode();
    if (code == u"5" || code == u"6") {
        *error = u"database %1 is locked by another process (%2); close it there or wait, then start again"_s.arg(
            path, describe(failure));
        return false;
    }
    // SQLITE_CORRUPT / SQLITE_NOTADB are the damage this check is for; any other failure is an I/O problem.
    if (failure.isValid() && code != u"11" && code != u"26") {
        *error = u"cannot read database %1: %2"_s.arg(path, describe(failure));
        return false;
    }
    if (failure.isValid())
        problems << describe(failure);
    if (problems.isEmpty())
        return true;
    *error = u"database %1 is damaged (SQLite quick_check: %2); it was not changed. Restore it from a backup, "
             "or move it aside to start with an empty one"_s.arg(path, problems.join(u"; "_s));
    return false;
}

// The journal mode in force, empty with why on failure. Switching a new file to WAL takes the exclusive lock,
// and SQLite answers SQLITE_BUSY at once, without the busy timeout, when another connection is opening the same
// file at that moment (two console processes started together): that is tried again within the busy timeout.
QString switchToWal(QSqlDatabase& db, QString* why)
{
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        QSqlQuery q(db);
        if (q.exec(u"PRAGMA journal_mode=WAL"_s) && q.next())
            return q.value(0).toString().toLower();
        const QSqlError failure = q.lastError();
        if (failure.nativeErrorCode() != u"5" || waited.elapsed() >= SqliteBusyTimeout::OpenedWithMs) {
            *why = describe(failure);
            return {};
        }
        QThread::msleep(5);
    }
}

bool refuseNewerSchema(int version, int latest, QString* error)
{
    *error = u"schema version %1 is newer than this Nightwatch understands (%2); refusing to open it. "
             "Use a newer Nightwatch or another database file."_s.arg(version)
                 .arg(latest);
    return false;
}
} // namespace

QString SqliteBackend::sql(StoreSql::Id id) const
{
    return StoreSql::sqliteText(id);
}

bool SqliteBackend::listen(StoreConnection&, QObject*, std::function<void(const QString&, const QString&)>,
                           QString* error)
{
    *error = u"only a shared (PostgreSQL) store has other consoles to watch"_s;
    return false;
}

bool SqliteBackend::open(StoreConnection& c, const QString& name, const QString& path, bool readOnly, QString* error)
{
    if (!QSqlDatabase::isDriverAvailable(u"QSQLITE"_s)) {
        *error = u"the Qt SQLite driver (QSQLITE) is not available"_s;
        return false;
    }
    if (!claimName(name, error))
        return false;
    c.db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
    c.db.setDatabaseName(path);
    // Another process (GUI beside a CLI replay) may hold the write lock briefly.
    const QString busyTimeout = u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(SqliteBusyTimeout::OpenedWithMs);
    c.db.setConnectOptions(readOnly ? busyTimeout + u";QSQLITE_OPEN_READONLY"_s : busyTimeout);
    if (!c.db.open()) {
        *error = u"cannot open database %1: %2"_s.arg(path, describe(c.db.lastError()));
        return false;
    }
    QString why;
    if (!checkIntegrity(c.db, path, error))
        return false;
    const int latest = StoreSchema::latestVersion();
    if (readOnly) {
        // A reader beside the console's writer: it takes the file as it is (WAL lets it read while the
        // writer writes) and refuses a schema it would have to migrate.
        const QVariant version = c.scalar(u"PRAGMA user_version"_s, &why);
        if (!version.isValid() || version.toInt() != latest) {
            *error = version.isValid() ? u"database %1 is at schema version %2, not %3; open it once with the "
                                         "console to upgrade it"_s.arg(path)
                                             .arg(version.toInt())
                                             .arg(latest)
                                       : u"cannot read database %1: %2"_s.arg(path, why);
            return false;
        }
        c.version = version.toInt();
        // A reader pages through years of history: map the file and keep more of it cached than the default.
        c.exec(u"PRAGMA mmap_size=268435456"_s, &why);
        c.exec(u"PRAGMA cache_size=-32768"_s, &why);
        return true;
    }
    // journal_mode answers with the mode in force; an in-memory database stays "memory".
    const QString journal = switchToWal(c.db, &why);
    // A big delivery is one transaction over tens of megabytes of alert rows and index: with SQLite's default 2 MiB
    // page cache its dirty pages spilled to the WAL mid-transaction and were read back, a read and a write per alert.
    // The cache grows only as far as a transaction needs it.
    const bool ok = !journal.isEmpty() && c.exec(u"PRAGMA synchronous=NORMAL"_s, &why) &&
                    c.exec(u"PRAGMA foreign_keys=ON"_s, &why) && c.exec(u"PRAGMA temp_store=MEMORY"_s, &why) &&
                    c.exec(u"PRAGMA cache_size=-65536"_s, &why);
    if (!ok) {
        *error = u"cannot use database %1: %2"_s.arg(path, why);
        return false;
    }
    if (journal != u"wal" && path != u":memory:") {
        *error = u"cannot switch database %1 to WAL mode (journal mode is '%2')"_s.arg(path, journal);
        return false;
    }
    if (!migrate(c, &why)) {
        *error = u"database %1: %2"_s.arg(path, why);
        return false;
    }
    return true;
}

bool SqliteBackend::migrate(StoreConnection& c, QString* error)
{
    const int latest = StoreSchema::latestVersion();
    const QVariant seen = c.scalar(u"PRAGMA user_version"_s, error);
    if (!seen.isValid())
        return false;
    if (seen.toInt() > latest)
        return refuseNewerSchema(seen.toInt(), latest, error);
    if (seen.toInt() < latest) {
        // All steps and the new user_version in one transaction: a failed migration leaves the file
        // exactly as it was. Two processes may open a new file at once (the console beside a CLI): the
        // write lock is taken first and the version read again under it, so the second one waits and then
        // finds the first one's work done instead of creating the same tables again.
        SqlTransaction tx(c.db, SqlTransaction::Lock::Immediate);
        if (!tx.isActive()) {
            *error = u"cannot begin migration: "_s + describe(tx.beginError());
            return false;
        }
        const QVariant locked = c.scalar(u"PRAGMA user_version"_s, error);
        if (!locked.isValid())
            return false;
        const int version = locked.toInt();
        if (version > latest)
            return refuseNewerSchema(version, latest, error);
        const auto& steps = StoreSchema::migrations();
        for (int step = version; step < latest; ++step) {
            for (const QString& sql : steps.at(step)) {
                QString why;
                if (!c.exec(sql, &why)) {
                    *error = u"migration to schema version %1 failed: %2"_s.arg(step + 1).arg(why);
                    return false;
                }
            }
        }
        if (!c.exec(u"PRAGMA user_version=%1"_s.arg(latest), error))
            return false;
        if (!tx.commit()) {
            *error = u"cannot commit migration: "_s + describe(c.db.lastError());
            return false;
        }
    }
    c.version = latest;
    return true;
}
