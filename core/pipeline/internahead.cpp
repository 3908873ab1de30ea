#include "internahead.h"

#include "labelinterner.h"

#ifdef Q_OS_LINUX
#include <pthread.h>
#endif

namespace {
// Progress is told this many alerts at a time: a lock and a wake-up per alert would cost more than some interning.
constexpr qsizetype kReportEvery = 256;
} // namespace

InternAhead::InternAhead(LabelInterner& interner, Alert* alerts, ChunkOrder order, qsizetype from)
    : m_interner(interner), m_alerts(alerts), m_order(std::move(order)), m_done(from),
      m_thread([this](std::stop_token stop) { run(stop); })
{
}

InternAhead::~InternAhead()
{
    m_thread.request_stop();
    m_thread.join();
}

void InternAhead::run(const std::stop_token& stop)
{
#ifdef Q_OS_LINUX
    pthread_setname_np(pthread_self(), "nightwatch-intr"); // told apart in top, /proc and the bench's thread figures
#endif
    qsizetype rank;
    {
        std::lock_guard lock(m_mutex);
        rank = m_done;
    }
    while (rank < m_order.size() && !stop.stop_requested()) {
        const qsizetype end = qMin(rank + kReportEvery, m_order.size());
        for (; rank < end; ++rank)
            m_interner.intern(m_alerts[m_order.at(rank)]);
        {
            std::lock_guard lock(m_mutex);
            m_done = rank;
        }
        m_progressed.notify_all();
    }
}

void InternAhead::waitFor(qsizetype to)
{
    std::unique_lock lock(m_mutex);
    m_progressed.wait(lock, [&] { return m_done >= qMin(to, m_order.size()); });
}
