#include "backgroundpool.h"

#include "workerpriority.h"

#include <QThreadPool>

#include <latch>
#include <memory>
#include <thread>

namespace {
struct Pool : QThreadPool
{
    Pool()
    {
        setObjectName(QStringLiteral("nightwatch-background"));
        const int threads = qMax(2, QThread::idealThreadCount());
        setMaxThreadCount(threads);
        // Its threads are started once, here, from a thread below the window's priority, and kept: a thread inherits
        // the nice value of the one that starts it, and the first job usually comes from the GUI thread. At the
        // window's priority the views' plans and the freeing of retired snapshots took the window's turns on a busy
        // core: in tst_ui_stormstall the GUI thread waited for a core up to 27 ms between two ticks. Placed relative
        // to the main thread, not to whoever asked first: a worker, already lowered, would have put them lower still.
        setExpiryTimeout(-1);
        std::thread starter([this, threads] {
            WorkerPriority::placeCurrentThreadBelowMain(WorkerPriority::kBelowWindow);
            // Every job waits for all, so each gets a thread of its own; shared, as the last may still be returning.
            const auto started = std::make_shared<std::latch>(threads);
            for (int i = 0; i < threads; ++i)
                start([started] { started->arrive_and_wait(); });
            started->wait();
        });
        starter.join();
    }
};
Q_GLOBAL_STATIC(Pool, pool)
} // namespace

namespace BackgroundPool {
QThreadPool* instance()
{
    return pool();
}

void start(std::function<void()> job)
{
    pool()->start(std::move(job));
}
} // namespace BackgroundPool
