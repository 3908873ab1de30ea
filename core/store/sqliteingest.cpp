#include "sqliteingest.h"

#include "alertrowbatch.h"
#include "ingestbatch.h"
#include "labeljson.h"
#include "searchindex.h"
#include "sqltransaction.h"
#include "storeconnection.h"

#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <charconv>
#include <string_view>
#include <vector>

using namespace Qt::StringLiterals;
using namespace StoreSql;
using IngestBatch::Fold;
using IngestBatch::noTime;

namespace {

// How long counters of repeats may wait in memory before a delivery's commit writes them anyway: bounds what a
// reader beside the console (history browser, report) sees behind during a storm.
constexpr qint64 kMaxCountLagMs = 1000;

// Incidents with at least this many members keep their committed member rows in memory (SqliteIngest::MemberRow):
// a save of a smaller one rewrites its rows, which costs less than remembering them.
constexpr qsizetype kRememberMembersFrom = 64;

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
void appendDeliveryBody(QByteArray& body, const AlertBatch& batch, const IngestBatch::Folded& folded, qsizetype begin,
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

// A fingerprint as a sort key beside what it orders (memcmp order, as SQLite's BINARY collation).
std::string_view sortKey(const QByteArray& utf8)
{
    return std::string_view(utf8.constData(), size_t(utf8.size()));
}

} // namespace

SqliteStatement* SqliteIngest::native(Native id, QString* error)
{
    auto& slot = m_natives[id];
    if (!slot) {
        auto stmt = std::make_unique<SqliteStatement>();
        if (!stmt->prepare(m_connection.db, nativeText(id), error))
            return nullptr;
        slot = std::move(stmt);
    }
    return slot.get();
}

AlertRowBatch::Statements SqliteIngest::statements()
{
    return [this](Native id, QString* why) { return native(id, why); };
}

void SqliteIngest::release()
{
    m_checkpointer.stop();
    for (auto& n : m_natives)
        n.reset();
}

qint64 SqliteIngest::nowMs()
{
    if (!m_steady.isValid())
        m_steady.start();
    return m_steady.elapsed();
}

bool SqliteIngest::recordNotifications(const AlertBatch& batch, std::span<const DeliveryJournal::Mark> marks,
                                       QString* error)
{
    return batch.isEmpty() || recordFolded(batch, IngestBatch::fold(batch), marks, error);
}

bool SqliteIngest::recordFolded(const AlertBatch& batch, IngestBatch::Folded&& folded,
                                std::span<const DeliveryJournal::Mark> marks, QString* error)
{
    if (batch.isEmpty())
        return true;
    QString why;
    SqliteStatement* insertRow = native(NativeInsertDelivery, &why);
    if (!insertRow)
        return failWith(error, why);
    // The folds written whole: new fingerprints, or changed labels/annotations/source. Each one's delta takes in
    // whatever was still pending for its row, so that its row is written once with every count.
    QVector<qsizetype> fullFolds;
    fullFolds.reserve(folded.folds.size());
    for (qsizetype k = 0; k < folded.folds.size(); ++k) {
        Fold& f = folded.folds[k];
        AlertCountDelta& d = f.delta;
        const Alert& a = batch.at(f.last);
        if (!m_known.isEmpty()) {
            if (const int known = m_known.find(f.fingerprint); known >= 0) {
                f.known = true;
                d.flaps += f.firstFiring && !m_known.firing(known) ? 1 : 0;
                if (m_known.sameDetails(known, a)) {
                    f.narrow = true;
                    d.latest = std::make_shared<const Alert>(a);
                    continue;
                }
            }
        }
        fullFolds << k;
        if (const AlertCountDelta* waiting = m_pending.find(f.fingerprint)) {
            AlertCountDelta counts = *waiting;
            counts.merge(d);
            counts.fingerprintUtf8 = d.fingerprintUtf8;
            d = std::move(counts);
        }
    }

    SqlTransaction tx(m_connection.db);
    if (!tx.isActive())
        return failWith(error, u"cannot begin transaction: "_s + describe(m_connection.db.lastError()));
    // One deliveries row per run of notifications received together from one source (a feed stamps both on its whole
    // delivery, so a delivery is one row; a group commit of several is a few).
    qint64 lastId = 0;
    QByteArray body, sourceUtf8;
    body.reserve(batch.size() * 64);
    for (qsizetype begin = 0; begin < batch.size();) {
        const QString& source = batch.at(begin).source;
        const qint64 received = folded.received.at(begin);
        qsizetype end = begin + 1;
        while (end < batch.size() && folded.received.at(end) == received && batch.at(end).source == source)
            ++end;
        body.truncate(0);
        appendDeliveryBody(body, batch, folded, begin, end);
        sourceUtf8.truncate(0);
        LabelJson::appendUtf8(sourceUtf8, source);
        insertRow->bindInt64(1, end - begin);
        insertRow->bindInt64(2, received);
        insertRow->bindText(3, sourceUtf8);
        insertRow->bindText(4, body);
        if (!insertRow->step(&why))
            return failWith(error, u"cannot store notifications: "_s + why);
        const qint64 firstId = insertRow->lastInsertId();
        for (qsizetype i = begin; i < end; ++i) {
            qint64& foldLastId = folded.folds[folded.foldOfRow.at(i)].delta.lastId;
            foldLastId = std::max(foldLastId, firstId + (i - begin));
        }
        lastId = firstId + (end - begin) - 1;
        begin = end;
    }
    body = QByteArray(); // a big delivery's body is megabytes: not kept through the rest

    // The rows written whole count their notifications (and say so in counted_through). In batch order here (the
    // alerts' memory order), written in fingerprint order (see AlertRowBatch).
    AlertRowBatch fullRows;
    if (!folded.textsOf.empty())
        fullRows.adoptTexts(std::move(folded.textBuffer));
    fullRows.reserve(fullFolds.size());
    for (const qsizetype k : std::as_const(fullFolds)) {
        const Fold& f = folded.folds.at(k);
        fullRows.add(batch.at(f.last), f.delta, !f.known && f.firstFiring, !f.known, folded.textsOfFold(k));
    }
    if (!fullRows.write(statements(), &why))
        return failWith(error, u"cannot store alerts: "_s + why);
    // The repeats' counters wait in memory unless the oldest has waited long enough; then every pending counter is
    // written with this delivery: those of rows written whole just now excepted (their counts went with them), this
    // batch's repeats folded in. m_pending itself is left as it is until the commit.
    bool flushed = false;
    if (m_pending.ageMs(nowMs()) >= kMaxCountLagMs) {
        std::vector<AlertCountDelta> merged;
        QVector<const AlertCountDelta*> flushNow;
        flushNow.reserve(m_pending.size() + folded.folds.size());
        const QHash<QString, AlertCountDelta>& pending = m_pending.all();
        for (auto it = pending.cbegin(); it != pending.cend(); ++it) {
            const Fold* f = folded.find(it.key());
            if (!f) {
                flushNow << &it.value();
                continue;
            }
            if (f->narrow) {
                merged.push_back(it.value());
                merged.back().merge(f->delta);
            }
        }
        for (const AlertCountDelta& d : merged)
            flushNow << &d;
        for (const Fold& f : std::as_const(folded.folds))
            if (f.narrow && !pending.contains(f.fingerprint))
                flushNow << &f.delta;
        if (!writeAlertCounts(flushNow, lastId, error))
            return false;
        flushed = true;
    }
    if (!DeliveryJournal::write(m_connection, marks, error))
        return false;
    if (!tx.commit())
        return failWith(error, u"cannot commit notifications: "_s + describe(m_connection.db.lastError()));

    m_lastNotificationId = std::max(m_lastNotificationId, lastId);
    m_known.reserve(m_known.size() + fullFolds.size());
    for (const Fold& f : std::as_const(folded.folds)) {
        if (f.narrow) { // its details are the row's already: only the status moved
            if (const int known = m_known.find(f.fingerprint); known >= 0) {
                m_known.setFiring(known, f.delta.lastFiring);
                continue;
            }
        }
        if (f.known)
            m_known.put(f.fingerprint, batch.at(f.last), f.delta.lastFiring);
        else // not there when the batch was folded: the batch holds each fingerprint once
            m_known.add(f.fingerprint, batch.at(f.last), f.delta.lastFiring);
    }
    if (flushed) {
        m_pending.clear();
    } else {
        const qint64 now = nowMs();
        if (!m_pending.isEmpty())
            for (const qsizetype k : std::as_const(fullFolds))
                m_pending.remove(folded.folds.at(k).fingerprint);
        for (Fold& f : folded.folds)
            if (f.narrow)
                m_pending.add(f.fingerprint, std::move(f.delta), now);
    }
    return true;
}

bool SqliteIngest::writeAlertCounts(const QHash<QString, AlertCountDelta>& deltas, qint64 countedThrough,
                                    QString* error)
{
    QVector<const AlertCountDelta*> all;
    all.reserve(deltas.size());
    for (const AlertCountDelta& d : deltas)
        all << &d;
    return writeAlertCounts(all, countedThrough, error);
}

bool SqliteIngest::writeAlertCounts(const QVector<const AlertCountDelta*>& deltas, qint64 countedThrough,
                                    QString* error)
{
    // Call inside a transaction. A row that is gone (nothing else deletes alert rows) has nothing left to count.
    QString why;
    SqliteStatement* update = native(NativeUpdateCounts, &why);
    SqliteStatement* mark = update ? native(NativeSetCountedMark, &why) : nullptr;
    if (!mark)
        return failWith(error, why);
    // In fingerprint order, as the batch's rows (see recordNotifications); sorted beside copies of the keys, as a
    // comparison through the pointers missed the cache twice.
    std::vector<std::pair<std::string_view, const AlertCountDelta*>> ordered;
    ordered.reserve(deltas.size());
    for (const AlertCountDelta* d : std::as_const(deltas))
        ordered.emplace_back(sortKey(d->fingerprintUtf8), d);
    std::sort(ordered.begin(), ordered.end());
    AlertRowBatch vanished;
    for (const auto& [fingerprint, d] : ordered) {
        update->bindText(1, d->fingerprintUtf8);
        update->bindText(2, d->lastFiring ? QByteArrayView("firing") : QByteArrayView("resolved"));
        update->bindInt64OrNull(3, d->startsAt, noTime);
        update->bindInt64OrNull(4, d->endsAt, noTime);
        update->bindInt64OrNull(5, d->firstStartsAt, noTime);
        update->bindInt64(6, d->firstReceived);
        update->bindInt64(7, d->lastReceived);
        update->bindInt64(8, d->count);
        update->bindInt64(9, d->flaps);
        update->bindInt64(10, d->lastId);
        if (!update->step(&why))
            return failWith(error, u"cannot update alerts: "_s + why);
        // Deleted behind the store (by hand, or another tool): written whole again from the latest notification,
        // counting what is pending for it.
        if (update->changes() == 0 && d->latest && !d->latest->labels.isEmpty())
            vanished.add(*d->latest, *d, false, false);
    }
    if (!vanished.write(statements(), &why))
        return failWith(error, u"cannot store alerts: "_s + why);
    if (countedThrough > 0) {
        mark->bindInt64(1, countedThrough);
        if (!mark->step(&why))
            return failWith(error, u"cannot update alerts: "_s + why);
    }
    return true;
}

bool SqliteIngest::settle(QString* error)
{
    if (m_pending.isEmpty())
        return true;
    SqlTransaction tx(m_connection.db);
    if (!tx.isActive())
        return failWith(error, u"cannot begin transaction: "_s + describe(m_connection.db.lastError()));
    if (!writeAlertCounts(m_pending.all(), m_lastNotificationId, error))
        return false;
    if (!tx.commit())
        return failWith(error, u"cannot commit alert counters: "_s + describe(m_connection.db.lastError()));
    m_pending.clear();
    return true;
}

bool SqliteIngest::open(QString* error)
{
    // Without it the writer checkpoints as SQLite always did: slower, no less safe, so the store still opens.
    QString why;
    if (!m_checkpointer.start(SqliteStatement::handleOf(m_connection.db), &why) && !why.isEmpty())
        qWarning("nightwatch: WAL checkpoints stay with the writer: %s", qPrintable(why));
    // Notifications a previous run committed but whose counters it had not yet written to their alert rows (it
    // stopped within a second of a storm's delivery): folded in now, against each row's stored status.
    const QVariant mark =
        m_connection.scalar(u"SELECT value FROM store_state WHERE key = 'alerts_counted_through'"_s, &why);
    const QVariant last = m_connection.scalar(m_connection.backend->sql(NewestNotificationId), &why);
    if (!mark.isValid() || !last.isValid())
        return failWith(error, u"cannot read the alert counters' progress: "_s + why);
    m_lastNotificationId = last.toLongLong();
    if (mark.toLongLong() >= m_lastNotificationId)
        return true;
    QSqlQuery q(m_connection.db);
    q.setForwardOnly(true);
    // Straight from the deliveries (not the notifications view): only those from the one holding the mark on.
    if (!q.prepare(u"SELECT d.id + j.key, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, d.received_at, "
                   "a.status FROM deliveries d, json_each(d.body) j JOIN alerts a ON a.fingerprint = j.value ->> 0 "
                   "WHERE d.id >= coalesce((SELECT id FROM deliveries WHERE id <= ? ORDER BY id DESC LIMIT 1), 0) "
                   "AND d.id + j.key > ? AND d.id + j.key > a.counted_through ORDER BY d.id, j.key"_s))
        return failWith(error, u"cannot read uncounted notifications: "_s + describe(q.lastError()));
    q.bindValue(0, mark.toLongLong());
    q.bindValue(1, mark.toLongLong());
    if (!q.exec())
        return failWith(error, u"cannot read uncounted notifications: "_s + describe(q.lastError()));
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
    SqlTransaction tx(m_connection.db);
    if (!tx.isActive())
        return failWith(error, u"cannot begin transaction: "_s + describe(m_connection.db.lastError()));
    if (!writeAlertCounts(deltas, m_lastNotificationId, error))
        return false;
    if (!tx.commit())
        return failWith(error, u"cannot commit alert counters: "_s + describe(m_connection.db.lastError()));
    return true;
}

bool SqliteIngest::beforeIncidents(QString* error)
{
    // The member alerts' rows count every notification the incidents do.
    m_savingMembers.clear(); // a save that failed left its rows here: rolled back, they are not in the file
    m_settlesWithCommit = !m_pending.isEmpty();
    return !m_settlesWithCommit || writeAlertCounts(m_pending.all(), m_lastNotificationId, error);
}

bool SqliteIngest::rowsToWrite(const Incident& incident, qint64 id, const RowsDigest& digest, bool* members,
                               bool* causes, QString*)
{
    const auto written = m_writtenDetail.constFind(id);
    *members = written == m_writtenDetail.cend() || written->members != digest.members;
    *causes = written == m_writtenDetail.cend() || written->causes != digest.causes;
    if (*members || !*causes)
        return true;
    // Its causes alone changed: it is indexed again, and its label pairs must follow a member whose labels changed
    // (the digest leaves labels out). Unknown rows: noted as rewritten, so it is indexed from all members.
    const QVector<MemberRow>* before = writtenMembers(id);
    if (!before) {
        m_search.noteMembersKept(id, 0);
        return true;
    }
    for (qsizetype i = 0; i < incident.alerts.size() && !*members; ++i)
        *members = i >= before->size() || !(before->at(i).labels == incident.alerts.at(i).latest.labels);
    return true;
}

const QVector<SqliteIngest::MemberRow>* SqliteIngest::writtenMembers(qint64 id) const
{
    if (const auto saving = m_savingMembers.constFind(id); saving != m_savingMembers.cend())
        return saving->isEmpty() ? nullptr : &*saving;
    if (const auto written = m_writtenMembers.constFind(id); written != m_writtenMembers.cend())
        return &*written;
    return nullptr;
}

bool SqliteIngest::writeMembers(qint64 id, const Incident& incident, QString* error)
{
    QString why;
    SqliteStatement* del = native(NativeDeleteMembers, &why);
    SqliteStatement* delOne = del ? native(NativeDeleteMember, &why) : nullptr;
    SqliteStatement* add = delOne ? native(NativeInsertMember, &why) : nullptr;
    if (!add)
        return failWith(error, why);
    QVector<MemberRow> rows;
    rows.reserve(incident.alerts.size());
    for (const TrackedAlert& t : incident.alerts)
        rows.append(MemberRow{t.fingerprint(), t.inhibitedBy, t.inhibited, t.latest.labels});
    // What the file holds for this incident when this run wrote it last (in this save, or committed before): else
    // every row is written anew.
    const QVector<MemberRow>* before = writtenMembers(id);
    // The rows before the first that differs stay as they were: an incident that grew is indexed from there on.
    m_search.noteMembersKept(
        id, before
                ? std::mismatch(before->cbegin(), before->cend(), rows.cbegin(), rows.cend()).first - before->cbegin()
                : 0);
    if (!before) {
        del->bindInt64(1, id);
        if (!del->step(&why))
            return failWith(error, u"cannot replace members of incident %1: %2"_s.arg(incident.key, why));
    } else if (before->size() > rows.size() || !std::equal(before->cbegin(), before->cend(), rows.cbegin())) {
        // Not just grown at the end: the rows of members gone are deleted (a member that moved keeps its row, which
        // is rewritten below with its new position).
        FingerprintTable<bool> now;
        now.reserve(rows.size());
        for (const MemberRow& r : std::as_const(rows)) {
            bool added = false;
            now.findOrInsert(r.fingerprint, &added);
        }
        for (const MemberRow& r : *before) {
            if (now.find(r.fingerprint))
                continue;
            const QByteArray fingerprint = r.fingerprint.toUtf8();
            delOne->bindInt64(1, id);
            delOne->bindText(2, fingerprint);
            if (!delOne->step(&why))
                return failWith(error, u"cannot remove member of incident %1: %2"_s.arg(incident.key, why));
        }
    }
    // INSERT OR REPLACE by (incident, fingerprint): a new member's row, or a member's row at its new position.
    // kMembersPerInsert rows to a statement, the rest one by one: a big incident's first save, or what a big delivery
    // added to it, is thousands of rows, and one statement each cost twice the time.
    std::vector<qsizetype> changed;
    changed.reserve(size_t(before ? qMax<qsizetype>(0, rows.size() - before->size()) : rows.size()));
    for (qsizetype i = 0; i < rows.size(); ++i)
        if (!before || i >= before->size() || !(before->at(i) == rows.at(i)))
            changed.push_back(i);
    SqliteStatement* many = changed.size() >= size_t(kMembersPerInsert) ? native(NativeInsertMembers, &why) : nullptr;
    if (changed.size() >= size_t(kMembersPerInsert) && !many)
        return failWith(error, why);
    std::vector<QByteArray> texts(2 * size_t(kMembersPerInsert)); // bound, not copied: alive until the step
    for (size_t next = 0; next < changed.size();) {
        const bool batch = changed.size() - next >= size_t(kMembersPerInsert);
        SqliteStatement* stmt = batch ? many : add;
        const size_t count = batch ? size_t(kMembersPerInsert) : 1;
        for (size_t k = 0; k < count; ++k) {
            const qsizetype i = changed[next + k];
            const MemberRow& r = rows.at(i);
            texts[2 * k] = r.fingerprint.toUtf8();
            texts[2 * k + 1] = r.inhibitedBy.toUtf8();
            const int first = int(k) * kMemberColumns + 1;
            stmt->bindInt64(first, id);
            stmt->bindText(first + 1, texts[2 * k]);
            stmt->bindInt64(first + 2, i);
            stmt->bindInt64(first + 3, r.inhibited ? 1 : 0);
            stmt->bindText(first + 4, texts[2 * k + 1]);
        }
        if (!stmt->step(&why))
            return failWith(error, u"cannot store member of incident %1: %2"_s.arg(incident.key, why));
        next += count;
    }
    // Small incidents are rewritten whole next time too: only big ones are worth their memory here.
    if (rows.size() >= kRememberMembersFrom)
        m_savingMembers.insert(id, std::move(rows));
    else
        m_savingMembers.insert(id, {}); // no longer what the file holds: forgotten at the commit
    return true;
}

void SqliteIngest::incidentsCommitted(const QVector<qint64>& ids, const QVector<RowsDigest>& digests)
{
    for (auto it = m_savingMembers.begin(); it != m_savingMembers.end(); ++it) {
        if (it->isEmpty())
            m_writtenMembers.remove(it.key());
        else
            m_writtenMembers.insert(it.key(), std::move(it.value()));
    }
    m_savingMembers.clear();
    if (m_settlesWithCommit)
        m_pending.clear();
    m_settlesWithCommit = false;
    for (qsizetype i = 0; i < ids.size(); ++i)
        m_writtenDetail.insert(ids.at(i), digests.at(i));
}
