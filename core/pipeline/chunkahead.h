#pragma once
// ChunkAhead: prepares a big delivery's chunks on a thread of its own, in the order the pipeline stores them, while
// the pipeline's thread stores the chunks before them: each chunk's alerts interned, copied out in chunk order, folded
// and their row texts encoded (PreparedNotifications). Done chunk by chunk on the pipeline's thread, interning took a
// third of that thread's time from a 100,000-alert body's first chunk to its answer (hashing strings the parser had
// just written on another core) and folding and encoding a fifth of what was left, while the machine's other core
// sat mostly idle.
// The pipeline takes each chunk once it is ready (take), so it never reads an alert being interned; the alerts of
// later ranks are touched by this thread alone until then.

#include "chunkorder.h"

#include "store/preparednotifications.h"

#include <QtGlobal>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

class LabelInterner;
struct Alert;

class ChunkAhead
{
public:
    // alerts: the batch's data, which must stay where it is (neither freed nor moved) until this is destroyed. Ranks
    // from `from` on are prepared, chunkAlerts of them a chunk (the last one fewer).
    ChunkAhead(LabelInterner& interner, Alert* alerts, ChunkOrder order, qsizetype from, qsizetype chunkAlerts);
    ~ChunkAhead(); // stops once the chunk under way is prepared, and joins
    ChunkAhead(const ChunkAhead&) = delete;
    ChunkAhead& operator=(const ChunkAhead&) = delete;

    // The next chunk, once it is prepared: the alerts of the next chunkAlerts ranks (the first from `from`), in rank
    // order. Empty after the last rank.
    PreparedNotifications take();

private:
    void run(const std::stop_token& stop);

    // Chunks prepared but not taken, at most: the pipeline falls behind only while small deliveries go between its
    // chunks, and each one waiting holds its folds and texts (about 100 bytes an alert).
    static constexpr size_t kAhead = 4;

    LabelInterner& m_interner;
    Alert* m_alerts;
    const ChunkOrder m_order;
    const qsizetype m_from;
    const qsizetype m_chunkAlerts;
    std::mutex m_mutex;
    std::condition_variable_any m_changed;
    std::deque<PreparedNotifications> m_ready; // under m_mutex
    qsizetype m_preparedTo;                    // ranks below are in m_ready or taken; under m_mutex
    std::jthread m_thread;                     // last: started once the rest is set, stopped and joined first
};
