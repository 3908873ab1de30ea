#pragma once
// PreparedNotifications: a batch of notifications folded per fingerprint, with the texts of the alert rows it writes
// whole encoded, ready for Store::recordNotifications. Preparing needs neither the store nor its state, so it runs on
// any thread: the pipeline prepares a big delivery's next chunk on a thread of its own while the store writes the one
// before it. Folding and encoding were a fifth of the pipeline thread's time on a 100,000-alert body, while the
// machine's other core sat mostly idle.

#include "model/alert.h"

#include <memory>

namespace IngestBatch {
struct Folded;
}

class PreparedNotifications
{
public:
    PreparedNotifications(); // none: costs nothing (the pipeline's every commit has one, most without a chunk)
    explicit PreparedNotifications(AlertBatch batch); // folds and encodes now, on the calling thread
    ~PreparedNotifications();
    PreparedNotifications(PreparedNotifications&&) noexcept;
    PreparedNotifications& operator=(PreparedNotifications&&) noexcept;

    // As if head's notifications had come first in the same batch (the small deliveries stored with a chunk): they are
    // folded now, and the alerts in both fold into one row each.
    void putBefore(const AlertBatch& head);

    const AlertBatch& batch() const { return m_batch; }
    qsizetype size() const { return m_batch.size(); }

private:
    friend class Store;
    AlertBatch m_batch;
    std::unique_ptr<IngestBatch::Folded> m_folded; // null while the batch is empty
};
