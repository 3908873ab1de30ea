#pragma once
// InternAhead: interns a big delivery's alerts on a thread of its own, in the order its chunks store them, while the
// pipeline's thread stores the chunks before them. Interned chunk by chunk on the pipeline's thread, it took a third of
// that thread's time from a 100,000-alert body's first chunk to its answer (260-350 ms of 0.7-1.0 s, hashing strings
// the parser had just written on another core), while the machine's other core sat mostly idle.
// The pipeline waits for a chunk's ranks before it stores them (waitFor), so it never reads an alert being interned;
// the alerts of later ranks are touched by this thread alone until then.

#include "chunkorder.h"

#include <QtGlobal>

#include <condition_variable>
#include <mutex>
#include <thread>

class LabelInterner;
struct Alert;

class InternAhead
{
public:
    // alerts: the batch's data, which must stay where it is (neither freed nor moved) until this is destroyed. Ranks
    // from `from` on are interned, in rank order.
    InternAhead(LabelInterner& interner, Alert* alerts, ChunkOrder order, qsizetype from);
    ~InternAhead(); // stops once the block of alerts under way (kReportEvery) is interned, and joins
    InternAhead(const InternAhead&) = delete;
    InternAhead& operator=(const InternAhead&) = delete;

    // Returns once the alerts of ranks up to `to` (excluded) are interned.
    void waitFor(qsizetype to);

private:
    void run(const std::stop_token& stop);

    LabelInterner& m_interner;
    Alert* m_alerts;
    const ChunkOrder m_order;
    std::mutex m_mutex;
    std::condition_variable m_progressed;
    qsizetype m_done;      // ranks below are interned; under m_mutex
    std::jthread m_thread; // last: started once the rest is set, stopped and joined first
};
