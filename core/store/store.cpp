#include "store.h"

#include <pwd.h>
#include <unistd.h>

#include "history/historyquery.h"
#include "history/historysummary.h"
#include "labeljson.h"
#include "pendingalertcounts.h"
#include "sqlitestatement.h"
#include "searchindex.h"
#include "storeimpl.h"
#include "sqltransaction.h"
#include "sqlvalues.h"
#include "storeconnection.h"
#include "storeschema.h"
#include "storesql.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QVariant>

#include <algorithm>
#include <array>
#include <charconv>

using namespace Qt::StringLiterals;
using namespace StoreSql;
using namespace SqlValues;

namespace {

QString describe(const QSqlError& e)
{
    return StoreConnection::describe(e);
}

Incident incidentFromRow(const QSqlQuery& q)
{
    Incident inc;
    inc.id = q.value(0).toLongLong();
    inc.key = q.value(1).toString();
    inc.state = Incident::stateFrom(q.value(2).toString());
    inc.severity = q.value(3).toString();
    inc.firstAlertAt = timeOf(q.value(4));
    inc.lastAlertAt = timeOf(q.value(5));
    inc.notificationCount = q.value(6).toInt();
    inc.acknowledgedAt = timeOf(q.value(7));
    inc.acknowledgedBy = q.value(8).toString();
    inc.affectedServices = LabelJson::decodeList(q.value(9).toString());
    inc.mitigatedAt = timeOf(q.value(10));
    inc.mitigatedBy = q.value(11).toString();
    inc.resolvedAt = timeOf(q.value(12));
    inc.resolvedBy = q.value(13).toString();
    return inc;
}

} // namespace


Store::Store(const QString& connectionName) : m_connectionName(connectionName) {}

Store::~Store()
{
    close();
}

bool Store::fail(const QString& message, QString* error) const
{
    m_lastError = message;
    if (error)
        *error = message;
    return false;
}

int Store::latestSchemaVersion()
{
    return StoreSchema::latestVersion();
}

QString Store::currentUser()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    if (user.isEmpty()) {
        // Services, cron and sudo often run without USER; the account itself still has a name.
        if (const passwd* account = getpwuid(geteuid()); account && account->pw_name)
            user = QString::fromLocal8Bit(account->pw_name);
    }
    return user.isEmpty() ? u"unknown"_s : user;
}

bool Store::isServerUrl(const QString& path)
{
    return StoreBackend::isServerUrl(path);
}

QString Store::displayName(const QString& path)
{
    return StoreBackend::forPath(path)->displayName(path);
}

bool Store::isShared() const
{
    return m_impl && m_impl->shared;
}

bool Store::open(const QString& path, QString* error, OpenMode mode)
{
    close();
    if (path.isEmpty())
        return fail(u"no database path given"_s, error);
    m_impl = std::make_unique<Impl>();
    m_impl->backend = StoreBackend::forPath(path);
    m_impl->shared = m_impl->backend->hasOtherWriters();
    m_impl->search = std::make_unique<SearchIndex>(*m_impl);
    m_impl->humanRecord = std::make_unique<HumanRecordRepository>(*m_impl, *m_impl->search);
    m_impl->history = std::make_unique<HistoryRepository>(*m_impl, *m_impl->search);
    QString why;
    if (!m_impl->backend->open(*m_impl, m_connectionName, path, mode == OpenMode::ReadOnly, &why)) {
        close();
        return fail(why, error);
    }
    if (mode == OpenMode::ReadOnly) {
        m_lastError.clear();
        return true;
    }
    // Everything already stored counts as seen (loadNotifications() is how a console reads history), and a
    // previous run's uncounted repeats are counted now.
    const QString shown = m_impl->backend->displayName(path);
    if (!catchUpAlertCounts(&why)) {
        close();
        return fail(u"database %1: %2"_s.arg(shown, why), error);
    }
    m_impl->contiguous = m_impl->lastNotificationId;
    // Rows a previous run left stale (it stopped inside a storm's delay) are brought up to date now. Another
    // writer (the console beside a report or a CLI) may hold the lock: the rows stay marked and the next save
    // or open catches up, so the store still opens.
    if (!refreshSearchIndex(&why))
        qWarning("nightwatch: search index of %s not brought up to date now: %s", qPrintable(shown), qPrintable(why));
    m_lastError.clear();
    return true;
}


void Store::close()
{
    if (!m_impl)
        return;
    QString why;
    if (!settleAlertCounts(&why)) // else the next open() folds them in from the notifications
        qWarning("nightwatch: alert counters not written at close: %s", qPrintable(why));
    m_impl->releaseStatements();
    for (auto& n : m_impl->natives)
        n.reset();
    // Invalid when the open failed before adding it (the name belongs to another Store then).
    const bool added = m_impl->db.isValid();
    m_impl->db.close();
    m_impl.reset(); // drops the last QSqlDatabase copy, so removeDatabase does not warn
    if (added)
        QSqlDatabase::removeDatabase(m_connectionName);
}

bool Store::isOpen() const
{
    return m_impl && m_impl->db.isOpen();
}

QSqlDatabase Store::connection() const
{
    settleAlertCountsForReaders(); // the report reads alert rows through it
    return m_impl ? m_impl->db : QSqlDatabase();
}

int Store::schemaVersion() const
{
    return m_impl ? m_impl->version : 0;
}

QString Store::lastError() const
{
    return m_lastError;
}

QSqlDatabase& Store::database() const
{
    return m_impl->db;
}

void Store::setSearchIndexDelay(int ms)
{
    if (m_impl)
        m_impl->search->setDelay(ms);
}

bool Store::refreshSearchIndex(QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
    QString why;
    if (!m_impl->search->reindexStale(true, &why))
        return fail(why, error);
    if (!tx.commit())
        return fail(u"cannot commit the search index: "_s + describe(m_impl->db.lastError()), error);
    return true;
}

namespace {

void appendMs(QString& out, const QDateTime& t)
{
    if (t.isValid())
        out += QString::number(t.toMSecsSinceEpoch());
    else
        out += u"null";
}

void appendMs(QString& out, qint64 ms)
{
    out += QString::number(ms);
}

} // namespace

bool Store::recordNotifications(const AlertBatch& batch, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    if (batch.isEmpty())
        return true;
    if (m_impl->shared)
        m_impl->known.clear(); // other consoles write the alerts table too: always the self-checking path
    bool staleCache = false;
    if (writeNotifications(batch, error, &staleCache))
        return true;
    if (!staleCache)
        return false;
    // Someone else changed the alerts table under us: forget what we thought it held and write
    // the batch again the slow, self-checking way.
    m_impl->known.clear();
    return writeNotifications(batch, error, &staleCache);
}

namespace {

constexpr qint64 noTime = AlertCountDelta::noTime;
// How long counters of repeats may wait in memory before a delivery's commit writes them anyway: bounds
// what a reader beside the console (history browser, report) sees behind during a storm.
constexpr qint64 kMaxCountLagMs = 1000;

// One fingerprint's notifications within a batch, folded: the alerts table sees at most one write per
// fingerprint per batch instead of one per delivery.
struct Fold
{
    qsizetype last; // index of the latest notification in the batch
    QString fingerprint;
    AlertCountDelta delta; // flaps here: only those inside the batch until classified
    bool firstFiring;
    bool narrow = false; // known, details unchanged: only the counters change
};

struct FoldedBatch
{
    QVector<Fold> folds;
    QVector<qsizetype> foldOfRow; // per notification
    QVector<qint64> received;     // per notification, ms; stamped with now when the feed gave none
};

qint64 msOrNoTime(const QDateTime& t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : noTime;
}

FoldedBatch foldBatch(const AlertBatch& batch)
{
    FoldedBatch out;
    QHash<QString, qsizetype> foldOf;
    out.folds.reserve(batch.size());
    out.foldOfRow.reserve(batch.size());
    out.received.reserve(batch.size());
    foldOf.reserve(batch.size());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const Alert& a = batch.at(i);
        const QString fingerprint = a.fingerprint.isEmpty() ? Alert::fingerprintOf(a.labels) : a.fingerprint;
        const bool firing = a.isFiring();
        const qint64 received = a.receivedAt.isValid() ? a.receivedAt.toMSecsSinceEpoch() : now;
        out.received.append(received);
        AlertCountDelta d;
        d.lastFiring = firing;
        d.startsAt = d.firstStartsAt = msOrNoTime(a.startsAt);
        d.endsAt = msOrNoTime(a.endsAt);
        d.firstReceived = d.lastReceived = received;
        d.count = 1;
        const auto found = foldOf.constFind(fingerprint);
        if (found == foldOf.cend()) {
            foldOf.insert(fingerprint, out.folds.size());
            out.foldOfRow.append(out.folds.size());
            d.fingerprintUtf8 = fingerprint.toUtf8();
            out.folds.append(Fold{i, fingerprint, d, firing});
            continue;
        }
        out.foldOfRow.append(*found);
        Fold& f = out.folds[*found];
        d.flaps = firing && !f.delta.lastFiring ? 1 : 0;
        f.delta.merge(d);
        f.last = i;
    }
    return out;
}

void appendTime(QString& out, qint64 ms)
{
    if (ms == noTime)
        out += u"null";
    else
        appendMs(out, ms);
}

void appendJsonString(QByteArray& out, QByteArrayView utf8)
{
    out += '"';
    // Fingerprints, the one string of every notification, never need escaping: appended whole.
    const auto plain = [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\'; };
    if (std::all_of(utf8.begin(), utf8.end(), plain)) {
        out += utf8;
        out += '"';
        return;
    }
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            static const char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += c;
        }
    }
    out += '"';
}

void appendMsOrNull(QByteArray& out, const QDateTime& t)
{
    if (!t.isValid()) {
        out += "null";
        return;
    }
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, t.toMSecsSinceEpoch()).ptr;
    out.append(digits, end - digits);
}

// Notifications [begin, end) of the batch as a deliveries row's body (schema v8): [fingerprint, status, starts_at,
// ends_at] each, in order.
void appendDeliveryBody(QByteArray& body, const AlertBatch& batch, const FoldedBatch& folded, qsizetype begin,
                        qsizetype end)
{
    body += '[';
    for (qsizetype i = begin; i < end; ++i) {
        const Alert& a = batch.at(i);
        if (i > begin)
            body += ',';
        body += '[';
        appendJsonString(body, folded.folds.at(folded.foldOfRow.at(i)).delta.fingerprintUtf8);
        body += a.isFiring() ? ",\"firing\"," : ",\"resolved\",";
        appendMsOrNull(body, a.startsAt);
        body += ',';
        appendMsOrNull(body, a.endsAt);
        body += ']';
    }
    body += ']';
}

// The batch's notifications as InsertNotifications' JSON rows (the shared store's path).
QString notificationRowsJson(const AlertBatch& batch, const FoldedBatch& folded)
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
        appendMs(rows, folded.received.at(i));
        rows += u',';
        LabelJson::appendString(rows, a.source);
        rows += u']';
    }
    rows += u']';
    return rows;
}

// The counters part of both alert row layouts below: first onset, first and last receipt, count, flaps.
void appendCounters(QString& row, const AlertCountDelta& d)
{
    appendTime(row, d.firstStartsAt);
    row += u',';
    appendMs(row, d.firstReceived);
    row += u',';
    appendMs(row, d.lastReceived);
    row += u',';
    row += QString::number(d.count);
    row += u',';
    row += QString::number(d.flaps);
}

// The narrow folds as UpdateKnownAlerts' JSON rows (the shared store's path).
QString narrowRowsJson(const FoldedBatch& folded)
{
    QString narrow = u"["_s;
    for (const Fold& f : folded.folds) {
        if (!f.narrow)
            continue;
        const AlertCountDelta& d = f.delta;
        if (narrow.size() > 1)
            narrow += u',';
        narrow += u'[';
        LabelJson::appendString(narrow, f.fingerprint);
        narrow += d.lastFiring ? u",\"firing\"," : u",\"resolved\",";
        appendTime(narrow, d.startsAt);
        narrow += u',';
        appendTime(narrow, d.endsAt);
        narrow += u',';
        appendCounters(narrow, d);
        narrow += u']';
    }
    narrow += u']';
    return narrow;
}

// One UpsertAlerts row: the alert's latest notification a, the counters of the notifications it stands for.
void appendFullRow(QString& full, const QString& fingerprint, const Alert& a, const AlertCountDelta& counts)
{
    if (full.size() > 1)
        full += u',';
    full += u'[';
    LabelJson::appendString(full, fingerprint);
    full += u',';
    LabelJson::appendObject(full, a.labels);
    full += u',';
    LabelJson::appendObject(full, a.annotations);
    full += counts.lastFiring ? u",\"firing\"," : u",\"resolved\",";
    appendMs(full, a.startsAt);
    full += u',';
    appendMs(full, a.endsAt);
    full += u',';
    appendCounters(full, counts);
    full += u',';
    LabelJson::appendString(full, a.source);
    full += u',';
    LabelJson::appendString(full, a.generatorUrl);
    full += u']';
}

void bindTime(SqliteStatement& stmt, int index, qint64 ms)
{
    if (ms == noTime)
        stmt.bindNull(index);
    else
        stmt.bindInt64(index, ms);
}

void bindTime(SqliteStatement& stmt, int index, const QDateTime& t)
{
    bindTime(stmt, index, t.isValid() ? t.toMSecsSinceEpoch() : noTime);
}

// NativeUpsertAlert with the row appendFullRow writes as JSON, counted through the fold's newest notification.
bool upsertFullRow(SqliteStatement& upsert, const AlertCountDelta& fold, const Alert& a, const AlertCountDelta& counts,
                   QString* why)
{
    // Bound, not copied: the texts must live until step() returns.
    const QByteArray labels = LabelJson::encode(a.labels).toUtf8();
    const QByteArray annotations = LabelJson::encode(a.annotations).toUtf8();
    const QByteArray source = a.source.toUtf8();
    const QByteArray generatorUrl = a.generatorUrl.toUtf8();
    upsert.bindText(1, fold.fingerprintUtf8);
    upsert.bindText(2, labels);
    upsert.bindText(3, annotations);
    upsert.bindText(4, counts.lastFiring ? QByteArrayView("firing") : QByteArrayView("resolved"));
    bindTime(upsert, 5, a.startsAt);
    bindTime(upsert, 6, a.endsAt);
    bindTime(upsert, 7, counts.firstStartsAt);
    upsert.bindInt64(8, counts.firstReceived);
    upsert.bindInt64(9, counts.lastReceived);
    upsert.bindInt64(10, counts.count);
    upsert.bindInt64(11, counts.flaps);
    upsert.bindText(12, source);
    upsert.bindText(13, generatorUrl);
    upsert.bindInt64(14, fold.lastId);
    return upsert.step(why);
}

} // namespace

bool Store::writeAlertCounts(const QHash<QString, AlertCountDelta>& deltas, qint64 countedThrough, QString* error)
{
    // Call inside a transaction. A row that is gone (nothing else deletes alert rows) has nothing left to count.
    QString why;
    SqliteStatement* update = m_impl->native(NativeUpdateCounts, &why);
    SqliteStatement* mark = update ? m_impl->native(NativeSetCountedMark, &why) : nullptr;
    if (!mark)
        return fail(why, error);
    const auto fingerprint = [](const AlertCountDelta& d) { return QString::fromUtf8(d.fingerprintUtf8); };
    QString missing = u"["_s;
    for (const AlertCountDelta& d : deltas) {
        update->bindText(1, d.fingerprintUtf8);
        update->bindText(2, d.lastFiring ? QByteArrayView("firing") : QByteArrayView("resolved"));
        bindTime(*update, 3, d.startsAt);
        bindTime(*update, 4, d.endsAt);
        bindTime(*update, 5, d.firstStartsAt);
        update->bindInt64(6, d.firstReceived);
        update->bindInt64(7, d.lastReceived);
        update->bindInt64(8, d.count);
        update->bindInt64(9, d.flaps);
        update->bindInt64(10, d.lastId);
        if (!update->step(&why))
            return fail(u"cannot update alerts: "_s + why, error);
        if (update->changes() == 0 && !d.latest.labels.isEmpty())
            appendFullRow(missing, fingerprint(d), d.latest, d);
    }
    if (missing.size() > 1) {
        // Deleted behind the store (by hand, or another tool): written whole again from the latest notification,
        // counting what is pending for it.
        missing += u']';
        QSqlQuery* upsert = m_impl->statement(UpsertAlerts, &why);
        SqliteStatement* counted = upsert ? m_impl->native(NativeSetCountedThrough, &why) : nullptr;
        if (!counted)
            return fail(why, error);
        upsert->bindValue(0, missing);
        if (!upsert->exec())
            return fail(u"cannot store alerts: "_s + describe(upsert->lastError()), error);
        for (const AlertCountDelta& d : deltas) {
            counted->bindText(1, d.fingerprintUtf8);
            counted->bindInt64(2, d.lastId);
            if (!counted->step(&why))
                return fail(u"cannot update alerts: "_s + why, error);
        }
    }
    if (countedThrough > 0) {
        mark->bindInt64(1, countedThrough);
        if (!mark->step(&why))
            return fail(u"cannot update alerts: "_s + why, error);
    }
    return true;
}

bool Store::settleAlertCounts(QString* error) const
{
    // Readers of alert rows in this process see every stored notification counted.
    if (!m_impl || m_impl->pending.isEmpty()) // never anything held back with other writers
        return true;
    Store* self = const_cast<Store*>(this); // writes only what is already committed as notifications
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return self->fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
    if (!self->writeAlertCounts(m_impl->pending.all(), m_impl->lastNotificationId, error))
        return false;
    if (!tx.commit())
        return self->fail(u"cannot commit alert counters: "_s + describe(m_impl->db.lastError()), error);
    m_impl->pending.clear();
    return true;
}

void Store::settleAlertCountsForReaders() const
{
    QString why;
    if (!settleAlertCounts(&why))
        qWarning("nightwatch: alert counters not written before a read (they trail by a moment): %s", qPrintable(why));
}

bool Store::catchUpAlertCounts(QString* error)
{
    // Notifications a previous run committed but whose counters it had not yet written to their alert rows
    // (it stopped within a second of a storm's delivery): folded in now, against each row's stored status.
    QString why;
    const QVariant mark = m_impl->scalar(u"SELECT value FROM store_state WHERE key = 'alerts_counted_through'"_s, &why);
    const QVariant last = m_impl->scalar(m_impl->backend->sql(NewestNotificationId), &why);
    if (!mark.isValid() || !last.isValid())
        return fail(u"cannot read the alert counters' progress: "_s + why, error);
    m_impl->lastNotificationId = last.toLongLong();
    // With other writers every counter is written with its notification: nothing was held back.
    if (m_impl->shared || mark.toLongLong() >= m_impl->lastNotificationId)
        return true;
    QSqlQuery q(m_impl->db);
    q.setForwardOnly(true);
    // Straight from the deliveries (not the notifications view): only those from the one holding the mark on.
    if (!q.prepare(u"SELECT d.id + j.key, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, d.received_at, "
                   "a.status FROM deliveries d, json_each(d.body) j JOIN alerts a ON a.fingerprint = j.value ->> 0 "
                   "WHERE d.id >= coalesce((SELECT id FROM deliveries WHERE id <= ? ORDER BY id DESC LIMIT 1), 0) "
                   "AND d.id + j.key > ? AND d.id + j.key > a.counted_through ORDER BY d.id, j.key"_s))
        return fail(u"cannot read uncounted notifications: "_s + describe(q.lastError()), error);
    q.bindValue(0, mark.toLongLong());
    q.bindValue(1, mark.toLongLong());
    if (!q.exec())
        return fail(u"cannot read uncounted notifications: "_s + describe(q.lastError()), error);
    QHash<QString, AlertCountDelta> deltas;
    while (q.next()) {
        const QString fingerprint = q.value(1).toString();
        const bool firing = q.value(2).toString() != u"resolved";
        AlertCountDelta d;
        d.lastFiring = firing;
        d.startsAt = d.firstStartsAt = q.value(3).isNull() ? noTime : q.value(3).toLongLong();
        d.endsAt = q.value(4).isNull() ? noTime : q.value(4).toLongLong();
        d.firstReceived = d.lastReceived = q.value(5).toLongLong();
        d.count = 1;
        d.lastId = q.value(0).toLongLong();
        auto it = deltas.find(fingerprint);
        const bool wasFiring = it == deltas.end() ? q.value(6).toString() != u"resolved" : it->lastFiring;
        d.flaps = firing && !wasFiring ? 1 : 0;
        if (it == deltas.end()) {
            d.fingerprintUtf8 = fingerprint.toUtf8();
            deltas.insert(fingerprint, d);
        } else {
            it->merge(d);
        }
    }
    q.finish();
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
    if (!writeAlertCounts(deltas, m_impl->lastNotificationId, error))
        return false;
    if (!tx.commit())
        return fail(u"cannot commit alert counters: "_s + describe(m_impl->db.lastError()), error);
    return true;
}

bool Store::writeNotifications(const AlertBatch& batch, QString* error, bool* staleCache)
{
    QString why;
    QSqlQuery* boundary = m_impl->statement(CountBoundaryFlaps, &why);
    if (!boundary)
        return fail(why, error);
    // The per-notification and per-alert writes: natively on SQLite (a statement per row costs less than
    // SQLite's JSON functions reading a document), as one JSON document per batch on the shared store
    // (PostgreSQL parses it as fast as it binds, and its RETURNING gives the ids it needs).
    QSqlQuery* insert = nullptr;
    QSqlQuery* update = nullptr;
    QSqlQuery* upsert = nullptr;
    SqliteStatement* insertRow = nullptr;
    SqliteStatement* upsertRow = nullptr;
    if (m_impl->shared) {
        insert = m_impl->statement(InsertNotifications, &why);
        update = insert ? m_impl->statement(UpdateKnownAlerts, &why) : nullptr;
        upsert = update ? m_impl->statement(UpsertAlerts, &why) : nullptr;
        if (!upsert)
            return fail(why, error);
    } else {
        insertRow = m_impl->native(NativeInsertDelivery, &why);
        upsertRow = insertRow ? m_impl->native(NativeUpsertAlert, &why) : nullptr;
        if (!upsertRow)
            return fail(why, error);
    }

    FoldedBatch folded = foldBatch(batch);
    QString full = u"["_s;        // UpsertAlerts rows: new fingerprints, or changed labels/annotations/source
    QString startFiring = u"["_s; // unknown fingerprints whose batch opens firing (CountBoundaryFlaps)
    qsizetype narrowRows = 0;
    QVector<qsizetype> fullFolds;
    QVector<AlertCountDelta> fullCounts; // SQLite: each full fold's counters, bound row by row after the insert
    for (qsizetype k = 0; k < folded.folds.size(); ++k) {
        Fold& f = folded.folds[k];
        AlertCountDelta& d = f.delta;
        const Alert& a = batch.at(f.last);
        const auto known = m_impl->known.constFind(f.fingerprint);
        if (known != m_impl->known.cend()) {
            d.flaps += f.firstFiring && !known->firing ? 1 : 0;
            if (known->sameDetails(a)) {
                f.narrow = true;
                d.latest = a;
                ++narrowRows;
                continue;
            }
        } else if (f.firstFiring) {
            if (startFiring.size() > 1)
                startFiring += u',';
            LabelJson::appendString(startFiring, f.fingerprint);
        }
        fullFolds << k;
        // The row is rewritten whole: the counters still pending for it go with it.
        AlertCountDelta counts = d;
        if (const AlertCountDelta* waiting = m_impl->pending.find(f.fingerprint)) {
            counts = *waiting;
            counts.merge(d);
        }
        if (upsertRow)
            fullCounts << counts;
        else
            appendFullRow(full, f.fingerprint, a, counts);
    }
    full += u']';
    startFiring += u']';

    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
    QVector<qint64> ownIds;
    qint64 lastId = 0;
    if (insert) {
        insert->bindValue(0, notificationRowsJson(batch, folded));
        if (!insert->exec())
            return fail(u"cannot store notifications: "_s + describe(insert->lastError()), error);
        ownIds.reserve(batch.size());
        while (insert->next())
            ownIds << insert->value(0).toLongLong();
        insert->finish();
    } else {
        // One deliveries row per run of notifications received together from one source (a feed stamps both on
        // its whole delivery, so a delivery is one row; a group commit of several is a few).
        QByteArray body, sourceUtf8;
        body.reserve(batch.size() * 64);
        for (qsizetype begin = 0; begin < batch.size();) {
            const QString& source = batch.at(begin).source;
            const qint64 received = folded.received.at(begin);
            qsizetype end = begin + 1;
            while (end < batch.size() && folded.received.at(end) == received && batch.at(end).source == source)
                ++end;
            body.clear();
            appendDeliveryBody(body, batch, folded, begin, end);
            sourceUtf8 = source.toUtf8();
            insertRow->bindInt64(1, end - begin);
            insertRow->bindInt64(2, received);
            insertRow->bindText(3, sourceUtf8);
            insertRow->bindText(4, body);
            if (!insertRow->step(&why))
                return fail(u"cannot store notifications: "_s + why, error);
            const qint64 firstId = insertRow->lastInsertId();
            for (qsizetype i = begin; i < end; ++i)
                folded.folds[folded.foldOfRow.at(i)].delta.lastId = firstId + (i - begin);
            lastId = firstId + (end - begin) - 1;
            begin = end;
        }
    }
    if (startFiring.size() > 2) {
        boundary->bindValue(0, startFiring);
        if (!boundary->exec())
            return fail(u"cannot count flaps: "_s + describe(boundary->lastError()), error);
    }
    if (narrowRows > 0 && update) {
        update->bindValue(0, narrowRowsJson(folded));
        if (!update->exec())
            return fail(u"cannot update alerts: "_s + describe(update->lastError()), error);
        if (update->numRowsAffected() != narrowRows) {
            *staleCache = true;
            return fail(u"alerts table changed behind the store"_s, error);
        }
    }
    if (upsert && full.size() > 2) {
        upsert->bindValue(0, full);
        if (!upsert->exec())
            return fail(u"cannot store alerts: "_s + describe(upsert->lastError()), error);
    }
    // SQLite: the rows written whole count their notifications (and say so in counted_through); the repeats'
    // counters wait in memory unless the oldest has waited long enough, then every pending counter is written
    // with this delivery.
    QHash<QString, AlertCountDelta> flushNow;
    bool flushed = false;
    if (upsertRow) {
        for (qsizetype i = 0; i < fullFolds.size(); ++i) {
            const Fold& f = folded.folds.at(fullFolds.at(i));
            if (!upsertFullRow(*upsertRow, f.delta, batch.at(f.last), fullCounts.at(i), &why))
                return fail(u"cannot store alerts: "_s + why, error);
        }
        if (m_impl->pending.ageMs(m_impl->nowMs()) >= kMaxCountLagMs) {
            flushNow = m_impl->pending.all();
            for (const qsizetype k : std::as_const(fullFolds))
                flushNow.remove(folded.folds.at(k).fingerprint);
            for (const Fold& f : std::as_const(folded.folds)) {
                if (!f.narrow)
                    continue;
                if (const auto it = flushNow.find(f.fingerprint); it != flushNow.end())
                    it->merge(f.delta);
                else
                    flushNow.insert(f.fingerprint, f.delta);
            }
            if (!writeAlertCounts(flushNow, lastId, error))
                return false;
            flushed = true;
        }
    }
    if (!m_impl->announce(u"notifications"_s, QString::number(batch.size()), &why))
        return fail(why, error);
    if (!tx.commit())
        return fail(u"cannot commit notifications: "_s + describe(m_impl->db.lastError()), error);
    for (const qint64 id : std::as_const(ownIds))
        m_impl->markSeen(id);

    if (upsertRow) {
        m_impl->lastNotificationId = std::max(m_impl->lastNotificationId, lastId);
        if (flushed) {
            m_impl->pending.clear();
        } else {
            const qint64 now = m_impl->nowMs();
            for (const qsizetype k : std::as_const(fullFolds))
                m_impl->pending.remove(folded.folds.at(k).fingerprint);
            for (const Fold& f : std::as_const(folded.folds))
                if (f.narrow)
                    m_impl->pending.add(f.fingerprint, f.delta, now);
        }
    }
    for (const Fold& f : std::as_const(folded.folds)) {
        if (f.narrow) { // its details are the row's already: only the status moved
            if (const auto it = m_impl->known.find(f.fingerprint); it != m_impl->known.end()) {
                it->firing = f.delta.lastFiring;
                continue;
            }
        }
        const Alert& a = batch.at(f.last);
        m_impl->known.insert(f.fingerprint,
                             Impl::KnownAlert{f.delta.lastFiring, a.labels, a.annotations, a.source, a.generatorUrl});
    }
    return true;
}

namespace {
size_t membersDigest(const Incident& incident)
{
    size_t h = qHash(incident.alerts.size());
    for (const TrackedAlert& t : incident.alerts)
        h = qHashMulti(h, t.fingerprint(), t.inhibited, t.inhibitedBy);
    return h;
}

size_t causesDigest(const Incident& incident)
{
    size_t h = qHash(incident.rootCauses.size());
    for (const RootCauseCandidate& c : incident.rootCauses)
        h = qHashMulti(h, c.service, c.score, c.confidence, c.evidence, c.hasOwnAlert, c.inGraph);
    return h;
}
} // namespace

qint64 Store::saveIncidentInTransaction(const Incident& incident, QString* error, RowsDigest* detail)
{
    if (incident.key.isEmpty()) {
        fail(u"incident has no key"_s, error);
        return 0;
    }
    QString why;
    QSqlQuery* upsert = m_impl->statement(UpsertIncident, &why);
    if (!upsert) {
        fail(why, error);
        return 0;
    }

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    upsert->bindValue(0, incident.key);
    upsert->bindValue(1, Incident::stateName(incident.state));
    upsert->bindValue(2, text(incident.severity));
    upsert->bindValue(3, msOrNull(incident.firstAlertAt));
    upsert->bindValue(4, msOrNull(incident.lastAlertAt));
    upsert->bindValue(5, incident.notificationCount);
    upsert->bindValue(6, msOrNull(incident.acknowledgedAt));
    upsert->bindValue(7, textOrNull(incident.acknowledgedBy));
    upsert->bindValue(8, LabelJson::encode(incident.affectedServices));
    upsert->bindValue(9, now);
    upsert->bindValue(10, now);
    if (!upsert->exec() || !upsert->next()) {
        fail(u"cannot store incident %1: %2"_s.arg(incident.key, describe(upsert->lastError())), error);
        upsert->finish();
        return 0;
    }
    const qint64 id = upsert->value(0).toLongLong();
    upsert->finish(); // RETURNING leaves the statement mid-step; reset it before the next write
    *detail = {membersDigest(incident), causesDigest(incident)};
    bool membersDone = false, causesDone = false;
    if (m_impl->shared) {
        // Another console may have rewritten the rows since: no shortcut, and tell the others.
        if (!m_impl->announce(u"incident"_s, incident.key, &why)) {
            fail(why, error);
            return 0;
        }
    } else if (const auto written = m_impl->writtenDetail.constFind(id); written != m_impl->writtenDetail.cend()) {
        membersDone = written->members == detail->members;
        causesDone = written->causes == detail->causes;
        if (membersDone && causesDone)
            return id;
    }

    if (!membersDone && !writeMembers(id, incident, error))
        return 0;
    if (!causesDone && !writeCauses(id, incident, error))
        return 0;
    // Only when members or causes changed: a storm's repeats leave the document as it was. Written by
    // reindexStale() before the commit, at once or after the delay.
    if (!m_impl->search->markStale(id, &why)) {
        fail(why, error);
        return 0;
    }
    return id;
}

bool Store::writeMembers(qint64 id, const Incident& incident, QString* error)
{
    QString why;
    if (!m_impl->shared) {
        // A storm's incidents gain members between most refreshes: hundreds of rows each time, bound natively.
        SqliteStatement* del = m_impl->native(NativeDeleteMembers, &why);
        SqliteStatement* add = del ? m_impl->native(NativeInsertMember, &why) : nullptr;
        if (!add)
            return fail(why, error);
        del->bindInt64(1, id);
        if (!del->step(&why))
            return fail(u"cannot replace members of incident %1: %2"_s.arg(incident.key, why), error);
        for (qsizetype i = 0; i < incident.alerts.size(); ++i) {
            const TrackedAlert& t = incident.alerts.at(i);
            const QByteArray fingerprint = t.fingerprint().toUtf8();
            const QByteArray inhibitedBy = t.inhibitedBy.toUtf8();
            add->bindInt64(1, id);
            add->bindText(2, fingerprint);
            add->bindInt64(3, i);
            add->bindInt64(4, t.inhibited ? 1 : 0);
            add->bindText(5, inhibitedBy);
            if (!add->step(&why))
                return fail(u"cannot store member of incident %1: %2"_s.arg(incident.key, why), error);
        }
        return true;
    }
    QSqlQuery* delMembers = m_impl->statement(DeleteMembers, &why);
    QSqlQuery* addMember = delMembers ? m_impl->statement(InsertMember, &why) : nullptr;
    if (!addMember)
        return fail(why, error);
    delMembers->bindValue(0, id);
    if (!delMembers->exec()) {
        return fail(u"cannot replace members of incident %1: %2"_s.arg(incident.key, describe(delMembers->lastError())),
                    error);
    }
    for (qsizetype i = 0; i < incident.alerts.size(); ++i) {
        const TrackedAlert& t = incident.alerts.at(i);
        addMember->bindValue(0, id);
        addMember->bindValue(1, t.fingerprint());
        addMember->bindValue(2, qint64(i));
        addMember->bindValue(3, t.inhibited ? 1 : 0);
        addMember->bindValue(4, text(t.inhibitedBy));
        if (!addMember->exec()) {
            return fail(u"cannot store member of incident %1: %2"_s.arg(incident.key, describe(addMember->lastError())),
                        error);
        }
    }
    return true;
}

bool Store::writeCauses(qint64 id, const Incident& incident, QString* error)
{
    QString why;
    QSqlQuery* delCauses = m_impl->statement(DeleteCauses, &why);
    QSqlQuery* addCause = delCauses ? m_impl->statement(InsertCause, &why) : nullptr;
    if (!addCause)
        return fail(why, error);
    delCauses->bindValue(0, id);
    if (!delCauses->exec()) {
        return fail(
            u"cannot replace root causes of incident %1: %2"_s.arg(incident.key, describe(delCauses->lastError())),
            error);
    }
    for (qsizetype rank = 0; rank < incident.rootCauses.size(); ++rank) {
        const RootCauseCandidate& c = incident.rootCauses.at(rank);
        addCause->bindValue(0, id);
        addCause->bindValue(1, qint64(rank));
        addCause->bindValue(2, text(c.service));
        addCause->bindValue(3, c.score);
        addCause->bindValue(4, c.confidence);
        addCause->bindValue(5, LabelJson::encode(c.evidence));
        addCause->bindValue(6, c.hasOwnAlert ? 1 : 0);
        addCause->bindValue(7, c.inGraph ? 1 : 0);
        if (!addCause->exec()) {
            return fail(
                u"cannot store root cause of incident %1: %2"_s.arg(incident.key, describe(addCause->lastError())),
                error);
        }
    }
    return true;
}

qint64 Store::saveIncident(const Incident& incident, QString* error)
{
    if (!m_impl) {
        fail(u"store is not open"_s, error);
        return 0;
    }
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive()) {
        fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
        return 0;
    }
    RowsDigest detail;
    const qint64 id = saveIncidentInTransaction(incident, error, &detail);
    if (id == 0)
        return 0;
    if (QString why; !m_impl->search->reindexStale(false, &why)) {
        fail(why, error);
        return 0;
    }
    if (!tx.commit()) {
        fail(u"cannot commit incident: "_s + describe(m_impl->db.lastError()), error);
        return 0;
    }
    m_impl->writtenDetail.insert(id, detail);
    return id;
}

bool Store::saveIncidents(QVector<Incident>& incidents, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    SqlTransaction tx(m_impl->db);
    if (!tx.isActive())
        return fail(u"cannot begin transaction: "_s + describe(m_impl->db.lastError()), error);
    // The member alerts' rows count every notification the incidents do.
    const bool settle = !m_impl->pending.isEmpty();
    if (settle && !writeAlertCounts(m_impl->pending.all(), m_impl->lastNotificationId, error))
        return false;
    QVector<qint64> ids;
    QVector<RowsDigest> details;
    ids.reserve(incidents.size());
    details.reserve(incidents.size());
    for (const Incident& incident : std::as_const(incidents)) {
        RowsDigest detail;
        const qint64 id = saveIncidentInTransaction(incident, error, &detail);
        if (id == 0)
            return false;
        ids.append(id);
        details.append(detail);
    }
    if (QString why; !m_impl->search->reindexStale(false, &why))
        return fail(why, error);
    if (!tx.commit())
        return fail(u"cannot commit incidents: "_s + describe(m_impl->db.lastError()), error);
    if (settle)
        m_impl->pending.clear();
    // Ids (and the written-rows cache) only once they are durable: a rolled-back batch changes neither.
    for (qsizetype i = 0; i < incidents.size(); ++i) {
        incidents[i].id = ids.at(i);
        m_impl->writtenDetail.insert(ids.at(i), details.at(i));
    }
    return true;
}

bool Store::markMerged(const QString& key, qint64 intoId, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    QSqlQuery* exists = m_impl->statement(IncidentExists, &why);
    QSqlQuery* merge = exists ? m_impl->statement(MarkMerged, &why) : nullptr;
    if (!merge)
        return fail(why, error);
    exists->bindValue(0, intoId);
    const bool found = exists->exec() && exists->next();
    exists->finish();
    if (!found)
        return fail(u"cannot merge %1: no incident with id %2"_s.arg(key).arg(intoId), error);
    merge->bindValue(0, intoId);
    merge->bindValue(1, QDateTime::currentMSecsSinceEpoch());
    merge->bindValue(2, key);
    merge->bindValue(3, intoId);
    if (!merge->exec())
        return fail(u"cannot merge %1: %2"_s.arg(key, describe(merge->lastError())), error);
    if (merge->numRowsAffected() != 1)
        return fail(u"cannot merge %1 into %2: no such incident, or it is that incident"_s.arg(key).arg(intoId), error);
    return true;
}

bool Store::recordAction(qint64 incidentId, const QString& kind, const QString& note, QString* error,
                         const QDateTime& when)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    return m_impl->humanRecord->recordAction(incidentId, kind, note, when, &why) || fail(why, error);
}

QVector<Store::Action> Store::actions(qint64 incidentId) const
{
    if (!m_impl)
        return {};
    QString why;
    const QVector<Action> out = m_impl->humanRecord->actions(incidentId, &why);
    if (!why.isEmpty())
        fail(why, nullptr);
    return out;
}

bool Store::loadMembersAndCauses(Incident& incident) const
{
    QString why;
    QSqlQuery* members = m_impl->statement(SelectMembers, &why);
    QSqlQuery* causes = members ? m_impl->statement(SelectCauses, &why) : nullptr;
    if (!causes)
        return fail(why, nullptr);

    members->bindValue(0, incident.id);
    if (!members->exec())
        return fail(describe(members->lastError()), nullptr);
    while (members->next()) {
        TrackedAlert t;
        Alert& a = t.latest;
        a.fingerprint = members->value(0).toString();
        t.inhibited = members->value(1).toBool();
        t.inhibitedBy = members->value(2).toString();
        a.labels = LabelJson::decodeLabels(members->value(3).toString());
        a.annotations = LabelJson::decodeLabels(members->value(4).toString());
        a.status = members->value(5).toString() == u"resolved" ? Alert::Status::Resolved : Alert::Status::Firing;
        a.startsAt = timeOf(members->value(6));
        a.endsAt = timeOf(members->value(7));
        t.firstStartsAt = timeOf(members->value(8));
        t.firstReceivedAt = timeOf(members->value(9));
        t.lastReceivedAt = timeOf(members->value(10));
        a.receivedAt = t.lastReceivedAt;
        t.notificationCount = members->value(11).toInt();
        t.flapCount = members->value(12).toInt();
        a.source = members->value(13).toString();
        a.generatorUrl = members->value(14).toString();
        incident.alerts.append(std::move(t));
    }
    members->finish();

    causes->bindValue(0, incident.id);
    if (!causes->exec())
        return fail(describe(causes->lastError()), nullptr);
    while (causes->next()) {
        RootCauseCandidate c;
        c.service = causes->value(0).toString();
        c.score = causes->value(1).toDouble();
        c.confidence = causes->value(2).toDouble();
        c.evidence = LabelJson::decodeList(causes->value(3).toString());
        c.hasOwnAlert = causes->value(4).toBool();
        c.inGraph = causes->value(5).toBool();
        incident.rootCauses.append(std::move(c));
    }
    causes->finish();
    return true;
}

std::optional<Incident> Store::loadIncident(qint64 id) const
{
    if (!m_impl)
        return std::nullopt;
    settleAlertCountsForReaders();
    QString why;
    QSqlQuery* q = m_impl->statement(SelectIncident, &why);
    if (!q) {
        fail(why, nullptr);
        return std::nullopt;
    }
    q->bindValue(0, id);
    if (!q->exec()) {
        fail(describe(q->lastError()), nullptr);
        return std::nullopt;
    }
    if (!q->next()) {
        q->finish();
        return std::nullopt;
    }
    Incident incident = incidentFromRow(*q);
    q->finish();
    if (!loadMembersAndCauses(incident))
        return std::nullopt;
    return incident;
}

QVector<Incident> Store::loadIncidents(int limit) const
{
    QVector<Incident> out;
    if (!m_impl)
        return out;
    settleAlertCountsForReaders();
    QString why;
    QSqlQuery* q = m_impl->statement(SelectIncidents, &why);
    if (!q) {
        fail(why, nullptr);
        return out;
    }
    q->bindValue(0, limit);
    if (!q->exec()) {
        fail(describe(q->lastError()), nullptr);
        return out;
    }
    while (q->next())
        out.append(incidentFromRow(*q));
    q->finish();
    for (Incident& incident : out)
        loadMembersAndCauses(incident);
    return out;
}

QVector<Alert> Store::loadNotifications(const QDateTime& since) const
{
    if (!m_impl)
        return {};
    QString why;
    QSqlQuery* q = m_impl->statement(SelectNotifications, &why);
    if (!q) {
        fail(why, nullptr);
        return {};
    }
    q->bindValue(0, since.isValid() ? since.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min());
    return readNotifications(*q, false);
}

QVector<Alert> Store::othersNotifications()
{
    if (!m_impl || !m_impl->shared)
        return {};
    QString why;
    QSqlQuery* q = m_impl->statement(SelectNotificationsAfter, &why);
    if (!q) {
        fail(why, nullptr);
        return {};
    }
    q->bindValue(0, m_impl->contiguous);
    QVector<Alert> out = readNotifications(*q, true);
    m_impl->advanceCursor();
    return out;
}

QVector<Alert> Store::readNotifications(QSqlQuery& query, bool unseenOnly) const
{
    QVector<Alert> out;
    QSqlQuery* q = &query;
    q->setForwardOnly(true);
    if (!q->exec()) {
        fail(describe(q->lastError()), nullptr);
        return out;
    }
    // Every delivery of a fingerprint shares its label set: decode each once.
    struct Decoded
    {
        LabelSet labels;
        LabelSet annotations;
        QString generatorUrl;
    };
    QHash<QString, Decoded> decoded;
    while (q->next()) {
        if (m_impl->shared) {
            const qint64 id = q->value(9).toLongLong();
            if (unseenOnly && (id <= m_impl->contiguous || m_impl->seenAbove.contains(id)))
                continue;
            m_impl->markSeen(id);
        }
        Alert a;
        a.fingerprint = q->value(0).toString();
        a.status = q->value(1).toString() == u"resolved" ? Alert::Status::Resolved : Alert::Status::Firing;
        a.startsAt = timeOf(q->value(2));
        a.endsAt = timeOf(q->value(3));
        a.receivedAt = timeOf(q->value(4));
        a.source = q->value(5).toString();
        auto it = decoded.find(a.fingerprint);
        if (it == decoded.end())
            it = decoded.insert(a.fingerprint,
                                Decoded{LabelJson::decodeLabels(q->value(6).toString()),
                                        LabelJson::decodeLabels(q->value(7).toString()), q->value(8).toString()});
        a.labels = it->labels;
        a.annotations = it->annotations;
        a.generatorUrl = it->generatorUrl;
        out.append(std::move(a));
    }
    q->finish();
    return out;
}

bool Store::watchOthers(QObject* context, std::function<void(const QString&, const QString&)> onChange, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    if (!m_impl->backend->listen(*m_impl, context, std::move(onChange), &why))
        return fail(why, error);
    return true;
}

bool Store::recordChange(const ChangeEvent& change, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    QSqlQuery* q = m_impl->statement(InsertChange, &why);
    if (!q)
        return fail(why, error);
    // A change reported without a time happened, as far as anyone knows, when it was reported.
    q->bindValue(0, text(change.service));
    q->bindValue(1, text(change.kind));
    q->bindValue(2, change.at.isValid() ? change.at.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch());
    q->bindValue(3, text(change.description));
    q->bindValue(4, text(change.link));
    if (!q->exec())
        return fail(u"cannot store change: "_s + describe(q->lastError()), error);
    return true;
}

QVector<ChangeEvent> Store::loadChanges(const QDateTime& since) const
{
    QVector<ChangeEvent> out;
    if (!m_impl)
        return out;
    QString why;
    QSqlQuery* q = m_impl->statement(SelectChanges, &why);
    if (!q) {
        fail(why, nullptr);
        return out;
    }
    q->bindValue(0, since.isValid() ? since.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min());
    if (!q->exec()) {
        fail(describe(q->lastError()), nullptr);
        return out;
    }
    while (q->next())
        out.append(ChangeEvent{q->value(0).toString(), q->value(1).toString(), timeOf(q->value(2)),
                               q->value(3).toString(), q->value(4).toString()});
    q->finish();
    return out;
}

qint64 Store::notificationCount() const
{
    if (!m_impl)
        return 0;
    QString why;
    QSqlQuery* q = m_impl->statement(CountNotifications, &why);
    if (!q || !q->exec() || !q->next()) {
        fail(q ? describe(q->lastError()) : why, nullptr);
        return 0;
    }
    const qint64 n = q->value(0).toLongLong();
    q->finish();
    return n;
}

qint64 Store::alertCount() const
{
    if (!m_impl)
        return 0;
    settleAlertCountsForReaders(); // a row deleted behind the store is back once its counters are written
    QString why;
    QSqlQuery* q = m_impl->statement(CountAlerts, &why);
    if (!q || !q->exec() || !q->next()) {
        fail(q ? describe(q->lastError()) : why, nullptr);
        return 0;
    }
    const qint64 n = q->value(0).toLongLong();
    q->finish();
    return n;
}

qint64 Store::recordRunbookRun(const RunbookRun& run, QString* error)
{
    if (!m_impl) {
        fail(u"store is not open"_s, error);
        return 0;
    }
    QString why;
    const qint64 id = m_impl->humanRecord->recordRunbookRun(run, &why);
    if (id == 0)
        fail(why, error);
    return id;
}

QVector<RunbookRun> Store::runbookRuns(std::optional<qint64> incidentId) const
{
    if (!m_impl)
        return {};
    QString why;
    const QVector<RunbookRun> out = m_impl->humanRecord->runbookRuns(incidentId, &why);
    if (!why.isEmpty())
        fail(why, nullptr);
    return out;
}

bool Store::recordResolution(const Resolution& resolution, QString* error)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    return m_impl->humanRecord->recordResolution(resolution, &why) || fail(why, error);
}

std::optional<Resolution> Store::resolution(qint64 incidentId) const
{
    if (!m_impl)
        return std::nullopt;
    QString why;
    std::optional<Resolution> out = m_impl->humanRecord->resolution(incidentId, &why);
    if (!why.isEmpty())
        fail(why, nullptr);
    return out;
}

std::optional<HistoryPage> Store::searchHistory(const HistoryQuery& query, QString* error) const
{
    if (!m_impl) {
        fail(u"store is not open"_s, error);
        return std::nullopt;
    }
    settleAlertCountsForReaders();
    QString why;
    std::optional<HistoryPage> page = m_impl->history->search(query, &why);
    if (!page)
        fail(why, error);
    return page;
}

bool Store::saveViewSnapshot(qint64 incidentId, const QString& kind, const QByteArray& json, QString* error,
                             const QDateTime& at)
{
    if (!m_impl)
        return fail(u"store is not open"_s, error);
    QString why;
    return m_impl->history->saveViewSnapshot(incidentId, kind, json, at, &why) || fail(why, error);
}

QHash<QString, QByteArray> Store::viewSnapshots(qint64 incidentId) const
{
    if (!m_impl)
        return {};
    QString why;
    QHash<QString, QByteArray> out = m_impl->history->viewSnapshots(incidentId, &why);
    if (!why.isEmpty())
        fail(why, nullptr);
    return out;
}

QVector<Alert> Store::incidentNotifications(qint64 incidentId) const
{
    // A fingerprint can fire again in a later incident: only this incident's window counts. The window is read
    // through notifications_by_received (an index by fingerprint would slow every ingest for this rare read).
    return notificationsInWindow(incidentId, 3600 * 1000, 0, true);
}

QVector<Alert> Store::neighbourNotifications(qint64 incidentId) const
{
    // An hour either side, like the members' own window: the diagnoser looks only 5 min back, but the neighbouring
    // groups come out as the console formed them only from enough of their history (a quarter of an hour was not
    // always enough on generated storms).
    return notificationsInWindow(incidentId, 3600 * 1000, 3600 * 1000, false);
}

QVector<Alert> Store::notificationsInWindow(qint64 incidentId, qint64 beforeMs, qint64 afterMs, bool members) const
{
    if (!m_impl)
        return {};
    QString why;
    QVector<Alert> out = m_impl->history->notificationsInWindow(incidentId, beforeMs, afterMs, members, &why);
    if (!why.isEmpty())
        fail(why, nullptr);
    return out;
}
