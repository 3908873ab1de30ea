#include "sqlitebusytimeout.h"

#include "sqlitestatement.h"

#include <QSqlDatabase>

#include <sqlite3.h>

void SqliteBusyTimeout::set(const QString& connectionName, int ms)
{
    const QSqlDatabase db = QSqlDatabase::database(connectionName, false);
    if (sqlite3* handle = db.isValid() ? SqliteStatement::handleOf(db) : nullptr)
        sqlite3_busy_timeout(handle, ms < 0 ? OpenedWithMs : ms);
}
