#include "chunkahead.h"

#include "labelinterner.h"

#ifdef Q_OS_LINUX
#include <pthread.h>
#endif

ChunkAhead::ChunkAhead(LabelInterner& interner, Alert* alerts, ChunkOrder order, qsizetype from, qsizetype chunkAlerts)
    : m_interner(interner), m_alerts(alerts), m_order(std::move(order)), m_from(from),
      m_chunkAlerts(qMax<qsizetype>(1, chunkAlerts)), m_preparedTo(from),
      m_thread([this](std::stop_token stop) { run(stop); })
{
}

ChunkAhead::~ChunkAhead()
{
    m_thread.request_stop(); // wakes a wait for room (condition_variable_any waits on the token)
    m_thread.join();
}

void ChunkAhead::run(const std::stop_token& stop)
{
#ifdef Q_OS_LINUX
    pthread_setname_np(pthread_self(), "nightwatch-prep"); // told apart in top, /proc and the bench's thread figures
#endif
    for (qsizetype rank = m_from; rank < m_order.size() && !stop.stop_requested();) {
        {
            std::unique_lock lock(m_mutex);
            if (!m_changed.wait(lock, stop, [&] { return m_ready.size() < kAhead; }))
                return;
        }
        const qsizetype end = qMin(rank + m_chunkAlerts, m_order.size());
        AlertBatch chunk;
        chunk.reserve(end - rank);
        for (; rank < end; ++rank) {
            Alert& a = m_alerts[m_order.at(rank)];
            m_interner.intern(a);
            chunk.append(a); // a copy sharing its strings with the delivery's alert
        }
        PreparedNotifications prepared(std::move(chunk));
        {
            std::lock_guard lock(m_mutex);
            m_ready.push_back(std::move(prepared));
            m_preparedTo = end;
        }
        m_changed.notify_all();
    }
}

PreparedNotifications ChunkAhead::take()
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_ready.empty() || m_preparedTo >= m_order.size(); });
    if (m_ready.empty())
        return {};
    PreparedNotifications next = std::move(m_ready.front());
    m_ready.pop_front();
    lock.unlock();
    m_changed.notify_all();
    return next;
}
