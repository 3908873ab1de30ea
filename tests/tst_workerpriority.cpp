// WorkerPriority and BackgroundPool: the console's workers run a fixed number of nice steps below the window's
// (main) thread, whichever thread starts them. A thread inherits its starter's nice value, so a pool first asked for
// by a worker, itself lowered, used to sit twice as far below, and its jobs (views' plans, layouts) starved.

#include "pipeline/backgroundpool.h"
#include "pipeline/workerpriority.h"

#include <QSemaphore>
#include <QTest>
#include <QThreadPool>

#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

namespace {
int mainThreadNice()
{
    return getpriority(PRIO_PROCESS, id_t(getpid()));
}

// What placeCurrentThreadBelowMain(steps) can give: nice values end at 19.
int expectedBelowMain(int steps)
{
    return qMin(19, mainThreadNice() + steps) - mainThreadNice();
}
} // namespace

class TestWorkerPriority : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void placedBelowMainWhateverTheCaller_data();
    void placedBelowMainWhateverTheCaller();
    void lowerCurrentThreadIsRelative();
    void backgroundPoolBelowMainWhenAWorkerStartsIt();
};

void TestWorkerPriority::initTestCase()
{
    // Nice values end at 19: lowered twice must still land lower than once for the test to tell them apart.
    if (mainThreadNice() + WorkerPriority::kBelowWindow >= 19)
        QSKIP("the test itself runs at a nice value too close to 19 to tell one step below from two");
    QCOMPARE(WorkerPriority::currentThreadBelowMain(), 0);
}

void TestWorkerPriority::placedBelowMainWhateverTheCaller_data()
{
    QTest::addColumn<int>("callerBelowMain");
    QTest::addRow("the main thread's level") << 0;
    QTest::addRow("a little below") << 2;
    QTest::addRow("already a worker") << int(WorkerPriority::kBelowWindow);
}

void TestWorkerPriority::placedBelowMainWhateverTheCaller()
{
    QFETCH(int, callerBelowMain);
    int before = -100, after = -100;
    bool placed = false;
    std::thread caller([&] {
        WorkerPriority::lowerCurrentThread(callerBelowMain);
        before = WorkerPriority::currentThreadBelowMain();
        placed = WorkerPriority::placeCurrentThreadBelowMain(WorkerPriority::kBelowWindow);
        after = WorkerPriority::currentThreadBelowMain();
    });
    caller.join();
    QCOMPARE(before, callerBelowMain);
    QVERIFY(placed);
    QCOMPARE(after, expectedBelowMain(WorkerPriority::kBelowWindow));
    QCOMPARE(WorkerPriority::currentThreadBelowMain(), 0); // the main thread kept its own
}

void TestWorkerPriority::lowerCurrentThreadIsRelative()
{
    int after = -100;
    std::thread worker([&] {
        WorkerPriority::lowerCurrentThread(WorkerPriority::kBelowWindow);
        WorkerPriority::lowerCurrentThread(WorkerPriority::kBelowWindow);
        after = WorkerPriority::currentThreadBelowMain();
    });
    worker.join();
    QCOMPARE(after, expectedBelowMain(2 * WorkerPriority::kBelowWindow));
}

void TestWorkerPriority::backgroundPoolBelowMainWhenAWorkerStartsIt()
{
    // The pool is created on first use, here by a worker already below the window (as a diagnosis worker would).
    QThreadPool* pool = nullptr;
    std::thread worker([&] {
        WorkerPriority::lowerCurrentThread(WorkerPriority::kBelowWindow);
        pool = BackgroundPool::instance();
    });
    worker.join();
    QVERIFY(pool);

    // One job per thread (each waits for all), each reporting where its thread sits.
    const int threads = pool->maxThreadCount();
    const auto together = std::make_shared<std::latch>(threads);
    std::mutex lock;
    std::vector<int> seen;
    QSemaphore done; // not waitForDone(): that ends the pool's threads, and the next job would start one anew
    for (int i = 0; i < threads; ++i) {
        pool->start([&, together] {
            {
                const std::lock_guard<std::mutex> guard(lock);
                seen.push_back(WorkerPriority::currentThreadBelowMain());
            }
            together->arrive_and_wait();
            done.release();
        });
    }
    QVERIFY(done.tryAcquire(threads, 10'000));
    QCOMPARE(int(seen.size()), threads);
    for (const int below : seen)
        QCOMPARE(below, expectedBelowMain(WorkerPriority::kBelowWindow));
}

QTEST_GUILESS_MAIN(TestWorkerPriority)
#include "tst_workerpriority.moc"
