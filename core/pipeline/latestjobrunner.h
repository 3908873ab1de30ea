#pragma once
// LatestJobRunner: runs work for a view off its thread, one job at a time, where only the newest request matters
// (a plan or a proposal for the snapshot just shown). A request made while a job runs waits and replaces any request
// waiting before it, so a storm of snapshots costs one job at a time, never a queue of stale ones. cancel() drops the
// waiting request and the result of the running job: the view has shown something newer itself. Results arrive on
// the context's thread through a queued signal; none arrive once the context is gone, so the context holds the runner
// (a member): it must not go before the context. Jobs run on BackgroundPool.

#include "pipeline/backgroundpool.h"

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <utility>

template <typename Result> class LatestJobRunner
{
public:
    using Work = std::function<Result()>; // runs on a pool thread: it owns (copies) everything it reads
    // deliver: the result of a job neither replaced nor cancelled. settled: a job ended (delivered or dropped) and no
    // request waits, so the view shows what it will show.
    LatestJobRunner(QObject* context, std::function<void(Result)> deliver, std::function<void()> settled = {})
        : m_context(context), m_deliver(std::move(deliver)), m_settled(std::move(settled))
    {
    }
    LatestJobRunner(const LatestJobRunner&) = delete;
    LatestJobRunner& operator=(const LatestJobRunner&) = delete;

    void request(Work work)
    {
        m_waiting = std::move(work);
        if (!m_running)
            start();
    }

    void cancel()
    {
        ++m_generation;
        m_waiting = nullptr;
    }

    bool isRunning() const { return m_running; }
    bool hasWaiting() const { return bool(m_waiting); }

private:
    void start()
    {
        m_running = true;
        const quint64 generation = ++m_generation;
        // Parented to the context: gone with it, and with it the pending delivery.
        auto* watcher = new QFutureWatcher<Result>(m_context);
        QObject::connect(watcher, &QFutureWatcher<Result>::finished, m_context, [this, watcher, generation] {
            watcher->deleteLater();
            m_running = false;
            if (generation == m_generation)
                m_deliver(watcher->result());
            if (m_waiting)
                start();
            else if (m_settled)
                m_settled();
        });
        watcher->setFuture(QtConcurrent::run(BackgroundPool::instance(), std::exchange(m_waiting, nullptr)));
    }

    QObject* m_context;
    std::function<void(Result)> m_deliver;
    std::function<void()> m_settled;
    Work m_waiting;
    bool m_running = false;
    quint64 m_generation = 0; // bumped by each start and cancel: a job's result is wanted while it is the newest
};
