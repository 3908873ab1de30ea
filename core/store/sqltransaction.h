#pragma once
// SqlTransaction: scope guard for one SQLite transaction; rolls back unless commit() succeeded, so
// an early return on error never leaves half a batch in the database.

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

class SqlTransaction
{
public:
    // Immediate (SQLite only) takes the write lock at BEGIN, waiting out the busy timeout: what is read inside
    // the transaction then cannot be changed by another writer before this one writes.
    enum class Lock { Deferred, Immediate };

    explicit SqlTransaction(QSqlDatabase& db, Lock lock = Lock::Deferred)
        : m_db(db)
        , m_active(begin(lock))
    {
    }
    ~SqlTransaction()
    {
        if (m_active)
            m_db.rollback();
    }
    SqlTransaction(const SqlTransaction&) = delete;
    SqlTransaction& operator=(const SqlTransaction&) = delete;

    bool isActive() const { return m_active; }
    QSqlError beginError() const { return m_beginError; }
    bool commit()
    {
        if (!m_active)
            return false;
        m_active = !m_db.commit();
        return !m_active;
    }

private:
    bool begin(Lock lock)
    {
        if (lock == Lock::Deferred) {
            const bool ok = m_db.transaction();
            if (!ok)
                m_beginError = m_db.lastError();
            return ok;
        }
        QSqlQuery q(m_db);
        const bool ok = q.exec(QStringLiteral("BEGIN IMMEDIATE"));
        if (!ok)
            m_beginError = q.lastError();
        return ok;
    }

    QSqlDatabase& m_db;
    QSqlError m_beginError;
    bool m_active;
};
