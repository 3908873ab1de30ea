#pragma once
// SqlTransaction: scope guard for one SQLite transaction; rolls back unless commit() succeeded, so
// an early return on error never leaves half a batch in the database.

#include <QSqlDatabase>

class SqlTransaction
{
public:
    explicit SqlTransaction(QSqlDatabase& db)
        : m_db(db)
        , m_active(db.transaction())
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
    bool commit()
    {
        if (!m_active)
            return false;
        m_active = !m_db.commit();
        return !m_active;
    }

private:
    QSqlDatabase& m_db;
    bool m_active;
};
