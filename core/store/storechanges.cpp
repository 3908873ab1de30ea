// Store::recordChanges: one POST of change events (deploys, config changes) stored in one transaction, all or
// none, so a sender that saw no 200 sends the whole batch again without doubling part of it; and one commit for
// 2,000 events instead of 2,000.
#include "sqltransaction.h"
#include "store.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace {
QString describeError(const QSqlError& e)
{
    const QString text = e.text().trimmed();
    return text.isEmpty() ? u"unknown database error"_s : text;
}

// A null QString binds as SQL NULL; the changes table's text columns are NOT NULL.
QVariant textOf(const QString& s)
{
    return s.isNull() ? QVariant(u""_s) : QVariant(s);
}
} // namespace

bool Store::recordChanges(const QVector<ChangeEvent>& changes, QString* error)
{
    if (!isOpen())
        return fail(u"store is not open"_s, error);
    if (changes.isEmpty())
        return true;
    QSqlDatabase& db = database();
    SqlTransaction tx(db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + describeError(db.lastError()), error);
    QSqlQuery q(db);
    if (!q.prepare(u"INSERT INTO changes(service, kind, at, description, link) VALUES(?, ?, ?, ?, ?)"_s))
        return fail(u"cannot store changes: "_s + describeError(q.lastError()), error);
    // A change reported without a time happened, as far as anyone knows, when it was reported.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const ChangeEvent& change : changes) {
        q.bindValue(0, textOf(change.service));
        q.bindValue(1, textOf(change.kind));
        q.bindValue(2, change.at.isValid() ? change.at.toMSecsSinceEpoch() : now);
        q.bindValue(3, textOf(change.description));
        q.bindValue(4, textOf(change.link));
        if (!q.exec())
            return fail(u"cannot store changes (none of the %1 kept): "_s.arg(changes.size()) +
                            describeError(q.lastError()),
                        error);
    }
    if (!tx.commit())
        return fail(u"cannot commit changes (none of the %1 kept): "_s.arg(changes.size()) +
                        describeError(db.lastError()),
                    error);
    return true;
}
