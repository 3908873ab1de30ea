// LatestJobRunner: while a job runs, only the newest request waits; cancel() drops the running job's result and the
// waiting request; results arrive on the context's thread, never after the context is gone; a settled call follows
// the last job. The jobs are held at a gate so each case sets up exactly the overlap it means.

#include "pipeline/latestjobrunner.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace Qt::StringLiterals;

namespace {
// A context that records what the runner delivers, as a view would show it.
class Recorder : public QObject
{
    Q_OBJECT
public:
    Recorder()
        : runner(
              this, [this](int r) { delivered << r; deliveredOn << QThread::currentThread(); },
              [this] { Q_EMIT settled(); })
    {
    }
    QList<int> delivered;
    QList<QThread*> deliveredOn;
    LatestJobRunner<int> runner;
Q_SIGNALS:
    void settled();
};

// Jobs that wait at one gate before answering their value, counted as they run, noting whether one ran on the
// thread that asked.
struct GatedJobs
{
    std::shared_ptr<QSemaphore> gate = std::make_shared<QSemaphore>();
    std::shared_ptr<std::atomic<int>> ran = std::make_shared<std::atomic<int>>(0);
    std::shared_ptr<std::atomic<bool>> onAskingThread = std::make_shared<std::atomic<bool>>(false);

    LatestJobRunner<int>::Work job(int value) const
    {
        QThread* asking = QThread::currentThread();
        return [value, asking, gate = gate, ran = ran, onAskingThread = onAskingThread] {
            gate->acquire();
            ++*ran;
            if (QThread::currentThread() == asking)
                *onAskingThread = true;
            return value;
        };
    }
    void open() const { gate->release(1'000); }
};
} // namespace

class TestLatestJobRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void newestRequestWins_data();
    void newestRequestWins();
    void cancelDropsRunningAndWaiting();
    void cancelThenRequest();
    void nothingAfterContextIsGone();
};

void TestLatestJobRunner::newestRequestWins_data()
{
    QTest::addColumn<int>("requests"); // made while the first runs
    QTest::addRow("none waiting") << 0;
    QTest::addRow("one waiting") << 1;
    QTest::addRow("many replace each other") << 50;
}

void TestLatestJobRunner::newestRequestWins()
{
    QFETCH(int, requests);
    Recorder r;
    QSignalSpy settled(&r, &Recorder::settled);
    const GatedJobs jobs;
    r.runner.request(jobs.job(0));
    QVERIFY(r.runner.isRunning());
    for (int i = 1; i <= requests; ++i)
        r.runner.request(jobs.job(i));
    QCOMPARE(r.runner.hasWaiting(), requests > 0);
    jobs.open();
    QVERIFY(settled.wait(10'000));
    const QList<int> expected = requests > 0 ? QList<int>{0, requests} : QList<int>{0};
    QCOMPARE(r.delivered, expected);
    QCOMPARE(jobs.ran->load(), int(expected.size())); // the replaced requests never ran
    QVERIFY(!*jobs.onAskingThread);
    for (QThread* t : std::as_const(r.deliveredOn))
        QCOMPARE(t, r.thread());
    QCOMPARE(settled.size(), 1);
    QVERIFY(!r.runner.isRunning());
}

void TestLatestJobRunner::cancelDropsRunningAndWaiting()
{
    Recorder r;
    QSignalSpy settled(&r, &Recorder::settled);
    const GatedJobs jobs;
    r.runner.request(jobs.job(1));
    r.runner.request(jobs.job(2));
    r.runner.cancel(); // the view showed something newer itself
    QVERIFY(!r.runner.hasWaiting());
    jobs.open();
    QVERIFY(settled.wait(10'000));
    QCOMPARE(jobs.ran->load(), 1);
    QVERIFY(r.delivered.isEmpty());
}

void TestLatestJobRunner::cancelThenRequest()
{
    Recorder r;
    QSignalSpy settled(&r, &Recorder::settled);
    const GatedJobs jobs;
    r.runner.request(jobs.job(1));
    r.runner.cancel();
    r.runner.request(jobs.job(2)); // waits for the running one, whose result is not wanted
    jobs.open();
    QVERIFY(settled.wait(10'000));
    QCOMPARE(r.delivered, QList<int>{2});
    QCOMPARE(jobs.ran->load(), 2);
}

void TestLatestJobRunner::nothingAfterContextIsGone()
{
    const GatedJobs jobs;
    auto delivered = std::make_shared<int>(0);
    {
        QObject context;
        LatestJobRunner<int> runner(&context, [delivered](int) { ++*delivered; });
        runner.request(jobs.job(1));
        // The runner goes first (a member goes before its object's children): the running job's watcher is still
        // the context's child and goes with it.
    }
    jobs.open();
    QTRY_COMPARE(jobs.ran->load(), 1);
    QTest::qWait(50); // a delivery would be a queued call by now
    QCOMPARE(*delivered, 0);
}

QTEST_GUILESS_MAIN(TestLatestJobRunner)
#include "tst_latestjobrunner.moc"
