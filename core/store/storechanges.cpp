// Store::recordChanges: one POST of change events (deploys, config changes) stored in one transaction, all or
// none, so a sender that saw no 200 sends the whole batch again without doubling part of it; and one commit for
// 2,000 events instead of 2,000.
#include "sqlstatement.h"
#include "sqltransaction.h"
#include "sqlvalues.h"
#include "store.h"
#include "storeconnection.h"
#include "storeimpl.h"

#include <QSqlDatabase>
#include <QSqlError>

using namespace Qt::StringLiterals;

bool Store::recordChanges(const QVector<ChangeEvent>& changes, QString* error)
{
    if (!isOpen())
        return fail(u"store is not open"_s, error);
    if (changes.isEmpty())
        return true;
    QSqlDatabase& db = m_impl->db;
    SqlTransaction tx(db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + StoreConnection::describe(db.lastError()), error);
    SqlStatement insert(db, u"store changes (none of the %1 kept)"_s.arg(changes.size()));
    QString why;
    if (!insert.prepare(u"INSERT INTO changes(service, kind, at, description, link) "
                        "VALUES(:service, :kind, :at, :description, :link)"_s,
                        &why))
        return fail(why, error);
    // A change reported without a time happened, as far as anyone knows, when it was reported.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const ChangeEvent& change : changes) {
        insert.bind(u"service"_s, SqlValues::text(change.service))
            .bind(u"kind"_s, SqlValues::text(change.kind))
            .bind(u"at"_s, change.at.isValid() ? change.at.toMSecsSinceEpoch() : now)
            .bind(u"description"_s, SqlValues::text(change.description))
            .bind(u"link"_s, SqlValues::text(change.link));
        if (!insert.exec(&why))
            return fail(why, error);
    }
    if (!tx.commit())
        return fail(u"cannot commit changes (none of the %1 kept): "_s.arg(changes.size()) +
                        StoreConnection::describe(db.lastError()),
                    error);
    return true;
}
