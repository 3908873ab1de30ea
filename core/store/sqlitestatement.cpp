#include "sqlitestatement.h"

#include <sqlite3.h>

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

using namespace Qt::StringLiterals;

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_stmt); // a no-op on nullptr
}

sqlite3* SqliteStatement::handleOf(const QSqlDatabase& db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(handle.data());
}

bool SqliteStatement::prepare(const QSqlDatabase& db, const char* sql, QString* why)
{
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    m_db = handleOf(db);
    if (!m_db) {
        *why = u"not an open SQLite connection"_s;
        return false;
    }
    if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) != SQLITE_OK) {
        *why = u"cannot prepare statement: "_s + QString::fromUtf8(sqlite3_errmsg(m_db));
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
        return false;
    }
    return true;
}

void SqliteStatement::bindInt64(int index, qint64 value)
{
    sqlite3_bind_int64(m_stmt, index, value);
}

void SqliteStatement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
}

void SqliteStatement::bindText(int index, QByteArrayView utf8)
{
    sqlite3_bind_text64(m_stmt, index, utf8.data() ? utf8.data() : "", sqlite3_uint64(utf8.size()), SQLITE_STATIC,
                        SQLITE_UTF8);
}

bool SqliteStatement::step(QString* why, bool* constraint)
{
    int rc = sqlite3_step(m_stmt);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(m_stmt);
    if (rc != SQLITE_DONE)
        *why = QString::fromUtf8(sqlite3_errmsg(m_db)); // before the reset, which may clear it
    if (constraint)
        *constraint = (rc & 0xff) == SQLITE_CONSTRAINT;
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt); // bindText keeps pointers: none survives the call that used it
    return rc == SQLITE_DONE;
}

int SqliteStatement::changes() const
{
    return sqlite3_changes(m_db);
}

qint64 SqliteStatement::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}
