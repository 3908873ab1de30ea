#include "chunkorder.h"

#include <algorithm>

namespace {

// The first 8 UTF-16 units of a fingerprint, each as a byte (clamped), big-endian: compared first, as one integer,
// instead of the strings themselves (the whole fingerprints settle ties). Any key gives a valid order; this one keeps
// a hexadecimal fingerprint's order, which is the store's.
quint64 prefixOf(const QString& fingerprint)
{
    quint64 key = 0;
    for (qsizetype i = 0; i < 8; ++i)
        key = key << 8 | (i < fingerprint.size() ? qMin<quint64>(fingerprint.at(i).unicode(), 0xff) : 0);
    return key;
}

} // namespace

ChunkOrder::ChunkOrder(const AlertBatch& batch)
{
    struct Key
    {
        quint64 prefix;
        quint32 index;
    };
    // As the store keys the rows: an alert without a fingerprint is stored under its labels' (IngestBatch::fold).
    QVector<QString> computed(batch.size());
    const auto fingerprintAt = [&](quint32 i) -> const QString& {
        const Alert& a = batch.at(i);
        return a.fingerprint.isEmpty() ? computed.at(i) : a.fingerprint;
    };
    std::vector<Key> keys;
    keys.reserve(size_t(batch.size()));
    for (qsizetype i = 0; i < batch.size(); ++i) {
        if (batch.at(i).fingerprint.isEmpty())
            computed[i] = Alert::fingerprintOf(batch.at(i).labels);
        keys.push_back(Key{prefixOf(fingerprintAt(quint32(i))), quint32(i)});
    }
    std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
        if (a.prefix != b.prefix)
            return a.prefix < b.prefix;
        if (const int c = fingerprintAt(a.index).compare(fingerprintAt(b.index)); c != 0)
            return c < 0;
        return a.index < b.index;
    });
    m_order.reserve(keys.size());
    for (const Key& k : keys)
        m_order.push_back(k.index);
}

QVector<qsizetype> ChunkOrder::inBodyOrder(qsizetype from, qsizetype to) const
{
    QVector<qsizetype> indexes;
    from = qBound<qsizetype>(0, from, size());
    to = qBound<qsizetype>(from, to, size());
    indexes.reserve(to - from);
    for (qsizetype rank = from; rank < to; ++rank)
        indexes << at(rank);
    std::sort(indexes.begin(), indexes.end());
    return indexes;
}
