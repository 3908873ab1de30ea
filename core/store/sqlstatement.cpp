#include "sqlstatement.h"
#include "storeconnection.h"

#include <QRegularExpression>
#include <QSqlError>

using namespace Qt::StringLiterals;

namespace {

// The :name parameters outside string literals. A PostgreSQL cast (x::bigint) is not a parameter.
QStringList parameterNames(const QString& sql)
{
    static const QRegularExpression literal(uR"('(?:[^']|'')*')"_s);
    static const QRegularExpression name(uR"((?<![:\w]):([A-Za-z_]\w*))"_s);
    QString code = sql;
    code.replace(literal, u"''"_s);
    QStringList out;
    for (auto it = name.globalMatch(code); it.hasNext();) {
        const QString n = u':' + it.next().captured(1);
        if (!out.contains(n))
            out << n;
    }
    return out;
}

} // namespace

SqlStatement::SqlStatement(const QSqlDatabase& db, const QString& what) : m_query(db), m_what(what)
{
    m_query.setForwardOnly(true);
}

bool SqlStatement::failed(const QString& why, QString* error) const
{
    if (error)
        *error = u"cannot %1: %2 (in: %3)"_s.arg(m_what, why, m_sql.simplified().left(160));
    return false;
}

bool SqlStatement::prepare(const QString& sql, QString* error)
{
    m_sql = sql;
    m_names = parameterNames(sql);
    m_bound.clear();
    m_unknown.clear();
    m_prepared = m_query.prepare(sql);
    if (!m_prepared)
        return failed(StoreConnection::describe(m_query.lastError()), error);
    return true;
}

SqlStatement& SqlStatement::bind(const QString& name, const QVariant& value)
{
    const QString key = name.startsWith(u':') ? name : u':' + name;
    if (!m_names.contains(key)) {
        m_unknown << key;
        return *this;
    }
    m_query.bindValue(key, value);
    if (!m_bound.contains(key))
        m_bound << key;
    return *this;
}

SqlStatement& SqlStatement::bind(int index, const QVariant& value)
{
    m_query.bindValue(index, value);
    return *this;
}

bool SqlStatement::exec(QString* error)
{
    if (!m_prepared)
        return failed(m_sql.isEmpty() ? u"the statement was not prepared"_s : u"the statement did not compile"_s,
                      error);
    const QStringList unknown = std::exchange(m_unknown, {});
    QStringList missing;
    for (const QString& n : std::as_const(m_names))
        if (!m_bound.contains(n))
            missing << n;
    m_bound.clear();
    if (!unknown.isEmpty())
        return failed(u"no parameter %1 in the statement"_s.arg(unknown.join(u", "_s)), error);
    if (!missing.isEmpty())
        return failed(u"parameter %1 not bound"_s.arg(missing.join(u", "_s)), error);
    if (!m_query.exec())
        return failed(StoreConnection::describe(m_query.lastError()), error);
    return true;
}

bool SqlStatement::exec(const QString& sql, QString* error)
{
    return prepare(sql, error) && exec(error);
}
