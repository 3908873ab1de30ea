#pragma once
// SqlStatement: one QtSql statement prepared, bound and run with its failures reported, for every query of the
// store that is not one of the prepared-once StoreSql statements. A statement that does not compile, a
// parameter bound by a name the SQL does not have, a named parameter left unbound, and a failed execution each
// give false with an error naming what the store was doing and the statement, never a silent false or a NULL
// quietly written in place of a value.
//
// Named parameters (:name) are the rule: positional ones are kept for generated lists (see bind(int)).

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>

class SqlStatement
{
public:
    // what: the store's task in words ("store view snapshot"), the start of every error.
    SqlStatement(const QSqlDatabase& db, const QString& what);

    // False with error when the SQL does not compile.
    bool prepare(const QString& sql, QString* error);
    // Binds :name; a name the SQL does not have is an error at exec().
    SqlStatement& bind(const QString& name, const QVariant& value);
    // Binds the index-th ? of the statement (from 0).
    SqlStatement& bind(int index, const QVariant& value);
    // Runs it. False with error when it was not prepared, a bind did not match, or the database refused it.
    bool exec(QString* error);
    // prepare() + exec() for a statement without parameters.
    bool exec(const QString& sql, QString* error);

    bool next() { return m_query.next(); }
    QVariant value(int column) const { return m_query.value(column); }
    int rowsAffected() const { return m_query.numRowsAffected(); }
    qint64 lastInsertId() const { return m_query.lastInsertId().toLongLong(); }
    void finish() { m_query.finish(); }

private:
    bool failed(const QString& why, QString* error) const;

    QSqlQuery m_query;
    QString m_what;
    QString m_sql;
    QStringList m_names;     // the SQL's :name parameters, as written
    QStringList m_bound;     // names bound since the last exec
    QStringList m_unknown;   // names bound that the SQL does not have
    bool m_prepared = false;
};
