#pragma once
// SqliteStatement: one statement prepared on the SQLite connection under a QSqlDatabase, driven through
// SQLite's C API. For the few statements a storm runs once per notification: QtSql binds every value
// through a formatted, hashed placeholder name (microseconds a row), and the workaround of one bound JSON
// document per batch (json_each) spent most of the ingest time parsing that JSON again inside SQLite. A
// native bind is a store of a pointer and a length.
//
// It shares the connection, so it runs inside whatever transaction QtSql opened there. Destroy it before
// the database is closed.

#include <QByteArrayView>
#include <QString>

class QSqlDatabase;
struct sqlite3;
struct sqlite3_stmt;

class SqliteStatement
{
public:
    SqliteStatement() = default;
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    // The SQLite connection under db; nullptr unless db is an open QSQLITE connection.
    static sqlite3* handleOf(const QSqlDatabase& db);

    // False (with why) when db is not an open QSQLITE connection or the SQL does not compile.
    bool prepare(const QSqlDatabase& db, const char* sql, QString* why);
    bool isPrepared() const { return m_stmt != nullptr; }

    // Parameters are numbered from 1, as in SQLite. bindText does not copy: it keeps a pointer, so the bytes
    // must stay alive until step() returns.
    void bindInt64(int index, qint64 value);
    void bindNull(int index);
    // NULL when value is nullValue (a "no time" marker), else the value.
    void bindInt64OrNull(int index, qint64 value, qint64 nullValue)
    {
        if (value == nullValue)
            bindNull(index);
        else
            bindInt64(index, value);
    }
    void bindText(int index, QByteArrayView utf8);

    // Runs the statement to its end, resets it and clears its bindings. False with why on error; then *constraint,
    // when given, says whether a constraint refused it (SQLite has undone the statement, the transaction goes on).
    bool step(QString* why, bool* constraint = nullptr);
    // Rows the last step() inserted, updated or deleted; the row id the last insert on the connection got.
    int changes() const;
    qint64 lastInsertId() const;

private:
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
};
