#pragma once
// ChunkOrder: the order in which a big delivery's alerts are stored, chunk by chunk: by fingerprint (ties in body
// order). Each chunk is its own commit, and the alerts index of the store is ordered by fingerprint: a chunk taken in
// body order holds fingerprints from all over it (random hashes), so every chunk rewrote most of the index's pages
// into the write-ahead log (a 100,000-alert body, 40 chunks: ~100 MB of log, then checkpointed), where a chunk of
// neighbouring fingerprints rewrites only its own share of them (~13 MB for the whole body).
// The order depends only on the alerts, so the resend of the same body orders it the same way and its journal row
// (how many are committed: the first that many in this order) names the same alerts. The correlator still takes the
// alerts in body order (inBodyOrder): which alert founds an incident depends on the order it sees them in.

#include "model/alert.h"

#include <QVector>

#include <vector>

class ChunkOrder
{
public:
    ChunkOrder() = default;
    explicit ChunkOrder(const AlertBatch& batch);

    qsizetype size() const { return qsizetype(m_order.size()); }
    // The batch index of the alert stored rank-th.
    qsizetype at(qsizetype rank) const { return qsizetype(m_order[size_t(rank)]); }
    // The batch indexes of the alerts stored at ranks [from, to), in body order.
    QVector<qsizetype> inBodyOrder(qsizetype from, qsizetype to) const;

private:
    std::vector<quint32> m_order;
};
