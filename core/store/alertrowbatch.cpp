#include "alertrowbatch.h"

#include "labeljson.h"
#include "sqlitestatement.h"

#include <algorithm>
#include <string_view>

using namespace StoreSql;

namespace {

constexpr qint64 noTime = AlertCountDelta::noTime;

qint64 msOrNoTime(const QDateTime& t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : noTime;
}

// The first 8 bytes of a fingerprint, big-endian, zero-padded: ordering these orders the fingerprints as memcmp
// (SQLite's BINARY collation) does, but for those sharing all 8 bytes.
quint64 prefixOf(QByteArrayView utf8)
{
    quint64 key = 0;
    for (qsizetype i = 0; i < 8; ++i)
        key = key << 8 | (i < utf8.size() ? quint64(static_cast<unsigned char>(utf8[i])) : 0);
    return key;
}

std::string_view view(QByteArrayView bytes)
{
    return std::string_view(bytes.data(), size_t(bytes.size()));
}

} // namespace

void AlertRowBatch::reserve(qsizetype rows)
{
    m_rows.reserve(size_t(rows));
    m_texts.reserve(rows * 96);
}

void AlertRowBatch::clear()
{
    m_rows.clear();
    m_texts.clear();
}

AlertRowBatch::Texts AlertRowBatch::encode(QByteArray& buffer, const Alert& a, QByteArrayView fingerprintUtf8)
{
    Texts texts;
    texts.at = buffer.size();
    const auto append = [&](Text part, auto&& encodePart) {
        const qsizetype before = buffer.size();
        encodePart();
        texts.length[part] = quint32(buffer.size() - before);
    };
    append(Fingerprint, [&] { buffer += fingerprintUtf8; });
    append(Labels, [&] { LabelJson::appendUtf8Object(buffer, a.labels); });
    append(Annotations, [&] { LabelJson::appendUtf8Object(buffer, a.annotations); });
    append(Source, [&] { LabelJson::appendUtf8(buffer, a.source); });
    append(GeneratorUrl, [&] { LabelJson::appendUtf8(buffer, a.generatorUrl); });
    return texts;
}

void AlertRowBatch::adoptTexts(QByteArray buffer)
{
    Q_ASSERT(m_rows.empty());
    m_texts = std::move(buffer);
}

void AlertRowBatch::add(const Alert& a, const AlertCountDelta& counts, bool boundaryFlap, bool likelyNew,
                        const Texts* encoded)
{
    Row row;
    row.texts = encoded && encoded->at >= 0 ? *encoded : encode(m_texts, a, counts.fingerprintUtf8);
    row.firing = counts.lastFiring;
    row.boundaryFlap = boundaryFlap;
    row.likelyNew = likelyNew;
    row.startsAt = msOrNoTime(a.startsAt);
    row.endsAt = msOrNoTime(a.endsAt);
    row.firstStartsAt = counts.firstStartsAt;
    row.firstReceived = counts.firstReceived;
    row.lastReceived = counts.lastReceived;
    row.lastId = counts.lastId;
    row.count = counts.count;
    row.flaps = counts.flaps;
    m_rows.push_back(row);
}

QByteArrayView AlertRowBatch::text(const Row& row, Text part) const
{
    qsizetype at = row.texts.at;
    for (int p = 0; p < part; ++p)
        at += row.texts.length[p];
    return QByteArrayView(m_texts.constData() + at, row.texts.length[part]);
}

void AlertRowBatch::bind(SqliteStatement& stmt, int first, const Row& row) const
{
    // Bound, not copied: m_texts stays as it is until the statement has run.
    stmt.bindText(first, text(row, Fingerprint));
    stmt.bindText(first + 1, text(row, Labels));
    stmt.bindText(first + 2, text(row, Annotations));
    stmt.bindText(first + 3, row.firing ? QByteArrayView("firing") : QByteArrayView("resolved"));
    stmt.bindInt64OrNull(first + 4, row.startsAt, noTime);
    stmt.bindInt64OrNull(first + 5, row.endsAt, noTime);
    stmt.bindInt64OrNull(first + 6, row.firstStartsAt, noTime);
    stmt.bindInt64(first + 7, row.firstReceived);
    stmt.bindInt64(first + 8, row.lastReceived);
    stmt.bindInt64(first + 9, row.count);
    stmt.bindInt64(first + 10, row.flaps);
    stmt.bindText(first + 11, text(row, Source));
    stmt.bindText(first + 12, text(row, GeneratorUrl));
    stmt.bindInt64(first + 13, row.lastId);
}

bool AlertRowBatch::upsert(SqliteStatement& stmt, const Row& row, QString* why) const
{
    bind(stmt, 1, row);
    stmt.bindInt64(kAlertRowColumns + 1, row.boundaryFlap ? 1 : 0);
    return stmt.step(why);
}

bool AlertRowBatch::insert(SqliteStatement& stmt, const quint32* begin, const quint32* end, bool* conflict,
                           QString* why) const
{
    int first = 1;
    for (const quint32* r = begin; r != end; ++r, first += kAlertRowColumns)
        bind(stmt, first, m_rows[*r]);
    *conflict = false;
    return stmt.step(why, conflict);
}

bool AlertRowBatch::write(const Statements& statement, QString* why) const
{
    if (m_rows.empty())
        return true;
    SqliteStatement* upsertOne = statement(NativeUpsertAlert, why);
    SqliteStatement* insertMany = upsertOne ? statement(NativeInsertAlertRows, why) : nullptr;
    SqliteStatement* insertFew = insertMany ? statement(NativeInsertAlertRowsFew, why) : nullptr;
    if (!insertFew)
        return false;

    std::vector<std::pair<quint64, quint32>> order;
    order.reserve(m_rows.size());
    for (size_t r = 0; r < m_rows.size(); ++r)
        order.emplace_back(prefixOf(text(m_rows[r], Fingerprint)), quint32(r));
    std::sort(order.begin(), order.end(), [this](const auto& a, const auto& b) {
        if (a.first != b.first)
            return a.first < b.first;
        return view(text(m_rows[a.second], Fingerprint)) < view(text(m_rows[b.second], Fingerprint));
    });

    // Rows believed new wait here for a full INSERT; a row known to be stored goes through the upsert at once (the
    // order of rows changes no result, only which pages are visited when).
    std::vector<quint32> waiting;
    waiting.reserve(kAlertRowsPerInsert);
    bool conflicted = false; // an INSERT met a stored row: the rest of the batch goes row by row
    const auto insertWaiting = [&](SqliteStatement& stmt, qsizetype rows) {
        bool conflict = false;
        if (!conflicted && insert(stmt, waiting.data(), waiting.data() + rows, &conflict, why)) {
            waiting.erase(waiting.begin(), waiting.begin() + rows);
            return true;
        }
        if (!conflicted && !conflict)
            return false;
        // Written since by someone else, or by a run before this one: the upsert adds to what is stored.
        conflicted = true;
        for (qsizetype i = 0; i < rows; ++i)
            if (!upsert(*upsertOne, m_rows[waiting[size_t(i)]], why))
                return false;
        waiting.erase(waiting.begin(), waiting.begin() + rows);
        return true;
    };
    for (const auto& [prefix, r] : order) {
        const Row& row = m_rows[r];
        if (!row.likelyNew || conflicted) {
            if (!upsert(*upsertOne, row, why))
                return false;
            continue;
        }
        waiting.push_back(r);
        if (waiting.size() == size_t(kAlertRowsPerInsert) && !insertWaiting(*insertMany, kAlertRowsPerInsert))
            return false;
    }
    while (waiting.size() >= size_t(kFewAlertRowsPerInsert))
        if (!insertWaiting(*insertFew, kFewAlertRowsPerInsert))
            return false;
    for (const quint32 r : waiting)
        if (!upsert(*upsertOne, m_rows[r], why))
            return false;
    return true;
}
