#pragma once
// ChunkOrder: the order in which a big delivery's alerts are stored, chunk by chunk: by fingerprint (ties in body
// order). Each chunk is its own commit, and the alerts index of the store is ordered by fingerprint: a chunk taken in
// body order holds fingerprints from all over it (random hashes), so every chunk rewrote most of the index's pages
// into the write-ahead log, where a chunk of neighbouring fingerprints rewrites only its own share of them. In a model
// of the table (30,000 rows, then 100,000 in 40 chunks) the log took 96 MB in body order, 13 MB in this one (an
// integer key instead of the text one: 69 and 12.5 MB; chunks of 10,000 in body order: 31 MB). Bench, the 100,000-
// alert body, serve's pipeline and checkpointer threads, median of 3 runs each on a loaded machine: 1,844 -> 1,138 ms
// of CPU.
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
