#include "sharedingest.h"

#include "ingestbatch.h"
#include "labeljson.h"
#include "sqltransaction.h"
#include "storeconnection.h"

#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace StoreSql;
using IngestBatch::noTime;

namespace {

QString describe(const QSqlError& e)
{
    return StoreConnection::describe(e);
}

bool failWith(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

void appendMs(QString& out, const QDateTime& t)
{
    if (t.isValid())
        out += QString::number(t.toMSecsSinceEpoch());
    else
        out += u"null";
}

void appendTime(QString& out, qint64 ms)
{
    if (ms == noTime)
        out += u"null";
    else
        out += QString::number(ms);
}

// The batch's notifications as InsertNotifications' rows: [fingerprint, status, startsAt, endsAt, receivedAt, source].
QString notificationRowsJson(const AlertBatch& batch, const IngestBatch::Folded& folded)
{
    QString rows;
    rows.reserve(batch.size() * 96);
    rows += u'[';
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const Alert& a = batch.at(i);
        if (i)
            rows += u',';
        rows += u'[';
        LabelJson::appendString(rows, folded.folds.at(folded.foldOfRow.at(i)).fingerprint);
        rows += a.isFiring() ? u",\"firing\"," : u",\"resolved\",";
        appendMs(rows, a.startsAt);
        rows += u',';
        appendMs(rows, a.endsAt);
        rows += u',';
        rows += QString::number(folded.received.at(i));
        rows += u',';
        LabelJson::appendString(rows, a.source);
        rows += u']';
    }
    rows += u']';
    return rows;
}

// One UpsertAlerts row: the alert's latest notification a, the counters of the notifications it stands for.
void appendFullRow(QString& full, const QString& fingerprint, const Alert& a, const AlertCountDelta& d)
{
    if (full.size() > 1)
        full += u',';
    full += u'[';
    LabelJson::appendString(full, fingerprint);
    full += u',';
    LabelJson::appendObject(full, a.labels);
    full += u',';
    LabelJson::appendObject(full, a.annotations);
    full += d.lastFiring ? u",\"firing\"," : u",\"resolved\",";
    appendMs(full, a.startsAt);
    full += u',';
    appendMs(full, a.endsAt);
    full += u',';
    appendTime(full, d.firstStartsAt);
    full += u',';
    full += QString::number(d.firstReceived);
    full += u',';
    full += QString::number(d.lastReceived);
    full += u',';
    full += QString::number(d.count);
    full += u',';
    full += QString::number(d.flaps);
    full += u',';
    LabelJson::appendString(full, a.source);
    full += u',';
    LabelJson::appendString(full, a.generatorUrl);
    full += u']';
}

} // namespace

bool SharedIngest::open(QString* error)
{
    // Everything already stored counts as seen: loadNotifications() is how a console reads history.
    QString why;
    const QVariant last = m_connection.scalar(m_connection.backend->sql(NewestNotificationId), &why);
    if (!last.isValid())
        return failWith(error, u"cannot read the newest notification: "_s + why);
    m_contiguous = last.toLongLong();
    return true;
}

bool SharedIngest::recordNotifications(const AlertBatch& batch, std::span<const DeliveryJournal::Mark> marks,
                                       QString* error)
{
    if (batch.isEmpty())
        return true;
    QSqlQuery* insert = m_connection.statement(InsertNotifications, error);
    QSqlQuery* boundary = insert ? m_connection.statement(CountBoundaryFlaps, error) : nullptr;
    QSqlQuery* upsert = boundary ? m_connection.statement(UpsertAlerts, error) : nullptr;
    if (!upsert)
        return false;

    // Every row rewritten whole from the batch's fold: another console may have written any of them since.
    const IngestBatch::Folded folded = IngestBatch::fold(batch);
    QString full = u"["_s;        // UpsertAlerts rows
    QString startFiring = u"["_s; // fingerprints whose batch opens firing: a row stored as resolved flapped once more
    for (const IngestBatch::Fold& f : folded.folds) {
        if (f.firstFiring) {
            if (startFiring.size() > 1)
                startFiring += u',';
            LabelJson::appendString(startFiring, f.fingerprint);
        }
        appendFullRow(full, f.fingerprint, batch.at(f.last), f.delta);
    }
    full += u']';
    startFiring += u']';

    SqlTransaction tx(m_connection.db);
    if (!tx.isActive())
        return failWith(error, u"cannot begin transaction: "_s + describe(m_connection.db.lastError()));
    insert->bindValue(0, notificationRowsJson(batch, folded));
    if (!insert->exec())
        return failWith(error, u"cannot store notifications: "_s + describe(insert->lastError()));
    QVector<qint64> ownIds;
    ownIds.reserve(batch.size());
    while (insert->next())
        ownIds << insert->value(0).toLongLong();
    insert->finish();
    // Before the upsert overwrites the status it compares with.
    if (startFiring.size() > 2) {
        boundary->bindValue(0, startFiring);
        if (!boundary->exec())
            return failWith(error, u"cannot count flaps: "_s + describe(boundary->lastError()));
    }
    upsert->bindValue(0, full);
    if (!upsert->exec())
        return failWith(error, u"cannot store alerts: "_s + describe(upsert->lastError()));
    if (!m_connection.announce(u"notifications"_s, QString::number(batch.size()), error))
        return false;
    if (!DeliveryJournal::write(m_connection, marks, error))
        return false;
    if (!tx.commit())
        return failWith(error, u"cannot commit notifications: "_s + describe(m_connection.db.lastError()));
    for (const qint64 id : std::as_const(ownIds))
        markSeen(id);
    return true;
}

bool SharedIngest::rowsToWrite(const Incident& incident, qint64, const RowsDigest&, bool* members, bool* causes,
                               QString* error)
{
    // Another console may have rewritten the rows since: no shortcut, and tell the others.
    *members = *causes = true;
    return m_connection.announce(u"incident"_s, incident.key, error);
}

QVector<Alert> SharedIngest::othersNotifications(QString* error)
{
    QSqlQuery* q = m_connection.statement(SelectNotificationsAfter, error);
    if (!q)
        return {};
    q->bindValue(0, m_contiguous);
    QVector<Alert> out = readNotifications(*q, true, error);
    advanceCursor();
    return out;
}

bool SharedIngest::take(qint64 id, bool unseenOnly)
{
    if (unseenOnly && (id <= m_contiguous || m_seenAbove.contains(id)))
        return false;
    markSeen(id);
    return true;
}

void SharedIngest::markSeen(qint64 id)
{
    if (id > m_contiguous)
        m_seenAbove.insert(id);
}

void SharedIngest::advanceCursor()
{
    while (m_seenAbove.remove(m_contiguous + 1))
        ++m_contiguous;
    if (m_seenAbove.isEmpty()) {
        m_gapSince.invalidate();
        return;
    }
    if (!m_gapSince.isValid()) {
        m_gapSince.start();
    } else if (m_gapSince.elapsed() > kGapPatienceMs) {
        m_contiguous = *std::min_element(m_seenAbove.cbegin(), m_seenAbove.cend()) - 1;
        m_gapSince.invalidate();
        advanceCursor();
    }
}
