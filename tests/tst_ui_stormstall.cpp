// The console's main thread while a webhook storm arrives: the real MainWindow (offscreen) on a ConsoleRuntime
// whose receiver gets deliveries from 8 client threads. A 16 ms timer on the GUI thread records every gap; the
// longest stall and the p99 gap are printed, with the GUI thread's own CPU time between ticks (a long gap with little
// CPU is the machine's load, not the console's work); figures, not asserted: they depend on the machine. Asserted:
// every delivery is answered 200 and the window keeps taking new snapshots during the storm, ending with every alert;
// an incident the engineer picked stays selected throughout, and at every tick the list has a row per incident of the
// snapshot shown, the card shows the picked incident and the alerts table all of its alerts; the window shows at least
// half the snapshots published, the picked incident's rows and timeline onsets grow during the storm, and the
// timeline (planned on a worker) ends with every onset. For the five longest gaps over 50 ms, and the five in which the
// GUI thread used the most CPU (what a loaded machine does not inflate), it prints what the GUI thread handled in them
// (receiver, event, wall and CPU time), so a stall names its cause. The built-in runbooks are
// loaded, as in the console: their proposals read every alert of the incident shown.
// NIGHTWATCH_STORM_SECONDS (default 4), NIGHTWATCH_STORM_CLIENTS (default 8) and NIGHTWATCH_STORM_ALERTS (alerts
// per delivery, default 10; the 10k alerts/s wants more than the pipeline takes in 10 at a time) make it a
// longer or a denser run; NIGHTWATCH_STORM_ONSET_SPREAD=S (default 0: every alert begins as it is sent) spreads the
// onsets over the last S seconds, so new alerts land among those shown, as in a real storm. NIGHTWATCH_SHOTS=DIR
// saves the window at the end of the storm as DIR/storm-stall.png.

#include "benchmarks/benchhttp.h" // ThreadUse
#include "benchmarks/benchstats.h"
#include "liveconsole.h"
#include "serveprocess.h" // testsupport::alertmanagerDelivery

#include "alerttablemodel.h"
#include "incidentlistmodel.h"
#include "incidentsummarycard.h"
#include "pipeline/workerpriority.h"
#include "runbook/runbooklibrary.h"
#include "timelinechartview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QMetaEnum>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <numeric>
#include <thread>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

// CPU time of the calling thread: a gap the GUI thread spent working, not one the machine made it wait.
double threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// The GUI thread's run-queue wait and voluntary waits so far (ThreadUse): a long gap with little CPU is one or the
// other, and they have different cures (the machine's load vs. something the GUI thread waits on). Read at every
// tick, so cheaply: readThreadUse opens and parses two /proc files, which took a third of the GUI thread's CPU in
// this test (perf) and so measured itself. Here schedstat stays open and is read again from its start (a seq_file
// shows fresh values then), and the voluntary switches come from getrusage.
class GuiThreadWaits
{
public:
    GuiThreadWaits() : m_schedstat(::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC)) {}
    ~GuiThreadWaits()
    {
        if (m_schedstat >= 0)
            ::close(m_schedstat);
    }
    GuiThreadWaits(const GuiThreadWaits&) = delete;
    GuiThreadWaits& operator=(const GuiThreadWaits&) = delete;

    ThreadUse now() const
    {
        ThreadUse u;
        char text[128];
        if (const ssize_t n = m_schedstat >= 0 ? ::pread(m_schedstat, text, sizeof text - 1, 0) : -1; n > 0) {
            text[n] = '\0';
            unsigned long long onCore = 0, queued = 0; // ns
            if (std::sscanf(text, "%llu %llu", &onCore, &queued) == 2) {
                u.cpuMs = double(onCore) / 1e6;
                u.runQueueMs = double(queued) / 1e6;
            }
        }
        rusage r{};
        if (getrusage(RUSAGE_THREAD, &r) == 0)
            u.waits = r.ru_nvcsw;
        return u;
    }

private:
    int m_schedstat; // opened on the GUI thread: thread-self is that thread for good
};

// Every event the GUI thread handles, timed, so a long gap names what held the thread: which receiver took which
// event, for how long (wall and the thread's CPU), and how deep in other deliveries (a paint inside the window's
// update request). Only deliveries of a few milliseconds or more are kept.
class TimedApplication : public QApplication
{
public:
    using QApplication::QApplication;

    struct Delivery
    {
        qsizetype gap = 0; // the gap (between two ticks) it ended in
        int depth = 0;
        QString what;
        double wallMs = 0;
        double cpuMs = 0;
    };
    bool recording = false;
    qsizetype gap = 0; // set by the ticks
    QVector<Delivery> deliveries;

    bool notify(QObject* receiver, QEvent* event) override
    {
        if (!recording || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        // Named before the delivery: the receiver may be gone after it (a deferred delete).
        const QEvent::Type type = event->type();
        const char* receiverClass = receiver->metaObject()->className();
        const QString receiverName = receiver->objectName();
        // A timer or a queued call says little: its parent says whose it is.
        const char* ownerClass = receiver->parent() && (type == QEvent::Timer || type == QEvent::MetaCall)
                                     ? receiver->parent()->metaObject()->className()
                                     : nullptr;
        const int depth = m_depth++;
        const double cpu = threadCpuMs();
        QElapsedTimer wall;
        wall.start();
        const bool done = QApplication::notify(receiver, event);
        --m_depth;
        const double wallMs = double(wall.nsecsElapsed()) / 1e6;
        const double cpuMs = threadCpuMs() - cpu;
        if (wallMs >= 2.0 || cpuMs >= 1.0) {
            static const QMetaEnum types = QMetaEnum::fromType<QEvent::Type>();
            const char* typeName = types.valueToKey(type);
            QString what = (typeName ? QString::fromLatin1(typeName) : QString::number(int(type))) + u" to "_s +
                           QString::fromLatin1(receiverClass);
            if (!receiverName.isEmpty())
                what += u'#' + receiverName;
            if (ownerClass)
                what += u" of "_s + QString::fromLatin1(ownerClass);
            deliveries.append({gap, depth, what, wallMs, cpuMs});
        }
        return done;
    }

private:
    int m_depth = 0;
};

int envInt(const char* name, int fallback)
{
    return qEnvironmentVariableIsSet(name) ? qEnvironmentVariableIntValue(name) : fallback;
}

// The rows the list shows for these incidents: single-alert noise folds into one group row.
qsizetype listRows(const QVector<Incident>& incidents)
{
    const qsizetype noise = std::count_if(incidents.cbegin(), incidents.cend(), &IncidentListModel::isNoise);
    return noise >= IncidentListModel::MinimumNoiseGroup ? incidents.size() - noise + 1 : incidents.size();
}

// Posts deliveries of `alerts` alerts over one blocking connection until `stop`; counts answers by status.
void postUntil(quint16 port, int client, int alerts, int onsetSpread, const std::atomic<bool>& stop,
               std::atomic<int>& ok, std::atomic<int>& bad)
{
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, port);
    if (!socket.waitForConnected(10'000)) {
        ++bad;
        return;
    }
    socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    for (int n = 0; !stop; ++n) {
        const QByteArray body = testsupport::alertmanagerDelivery(client * 1'000'000 + n, alerts, 50, onsetSpread);
        socket.write(
            "POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: " +
            QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QByteArray answer;
        while (!answer.contains("\r\n\r\n") || !answer.endsWith('}')) {
            if (!socket.waitForReadyRead(30'000)) {
                ++bad;
                return;
            }
            answer += socket.readAll();
        }
        (answer.startsWith("HTTP/1.1 200") ? ok : bad)++;
    }
}

} // namespace

class TestUiStormStall : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mainThreadUnderStorm();
};

void TestUiStormStall::mainThreadUnderStorm()
{
    const int seconds = envInt("NIGHTWATCH_STORM_SECONDS", 4);
    const int clients = envInt("NIGHTWATCH_STORM_CLIENTS", 8);
    const int perDelivery = qMax(1, envInt("NIGHTWATCH_STORM_ALERTS", 10));
    const int onsetSpread = qMax(0, envInt("NIGHTWATCH_STORM_ONSET_SPREAD", 0));
    LiveConsole console;
    // As the console runs: the built-in runbooks are proposed for the incident shown.
    RunbookLibrary library;
    library.load(QString());
    console.window.setRunbookLibrary(&library);
    QVERIFY(console.start());
    MainWindow& window = console.window;
    int snapshots = 0;
    connect(console.runtime.get(), &ConsoleRuntime::snapshotReady, this, [&] { ++snapshots; });
    const quint16 port = console.port;

    QVector<double> gaps, busy;          // wall time between ticks, and the GUI thread's CPU time in it
    QVector<double> queued;              // and the time it waited for a core
    QVector<long> blocked;               // and how often it waited on something else (a lock, a futex)
    const GuiThreadWaits guiThreadWaits; // constructed on the GUI thread
    ThreadUse waitsAtTick;
    QElapsedTimer sinceTick;
    double cpuAtTick = 0;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    const IncidentSnapshot* seen = nullptr;
    int applied = 0;
    QString picked; // the incident the engineer chose, once there are two to choose from
    int pickedAlertsFirst = -1, pickedAlertsLast = -1; // its rows in the alerts table, when first and last checked
    int pickedOnsetsFirst = -1, pickedOnsetsLast = -1; // and its markers' onsets on the timeline
    QStringList wrong;
    const auto check = [&](const QString& what) {
        if (wrong.size() < 5) // the first few say enough
            wrong << what;
    };
    auto* app = static_cast<TimedApplication*>(QCoreApplication::instance());
    connect(&heartbeat, &QTimer::timeout, this, [&] {
        gaps << double(sinceTick.nsecsElapsed()) / 1e6;
        app->gap = gaps.size();
        sinceTick.restart();
        const double cpu = threadCpuMs();
        busy << cpu - cpuAtTick;
        cpuAtTick = cpu;
        const ThreadUse waits = guiThreadWaits.now();
        queued << waits.runQueueMs - waitsAtTick.runQueueMs;
        blocked << long(waits.waits - waitsAtTick.waits);
        waitsAtTick = waits;
        const IncidentSnapshotPtr shown = window.snapshot();
        if (!shown || shown.get() == seen)
            return;
        seen = shown.get();
        ++applied;
        if (window.incidentModel()->rowCount() != listRows(shown->incidents))
            check(u"%1 rows for %2 incidents"_s.arg(window.incidentModel()->rowCount()).arg(shown->incidents.size()));
        if (picked.isEmpty() && window.incidentModel()->rowCount() >= 2) {
            // Not the one the console follows by itself: the last row.
            picked = window.incidentModel()
                         ->index(window.incidentModel()->rowCount() - 1, 0)
                         .data(IncidentListModel::IncidentKeyRole)
                         .toString();
            if (!window.selectIncident(picked))
                check(u"could not pick "_s + picked);
            return;
        }
        if (picked.isEmpty())
            return;
        if (window.currentIncidentKey() != picked)
            check(u"selection moved from %1 to %2"_s.arg(picked, window.currentIncidentKey()));
        const auto it = std::find_if(shown->incidents.cbegin(), shown->incidents.cend(),
                                     [&](const Incident& i) { return i.key == picked; });
        if (it == shown->incidents.cend())
            return; // merged away: the console may move on
        if (window.summaryCard()->incidentId() != it->id)
            check(u"card shows #%1, not #%2"_s.arg(window.summaryCard()->incidentId()).arg(it->id));
        if (window.alertModel()->rowCount() != it->alerts.size())
            check(u"table has %1 of %2 alerts"_s.arg(window.alertModel()->rowCount()).arg(it->alerts.size()));
        // The picked incident keeps growing on screen: its alerts in the table, its onsets on the timeline (which
        // catches up from a worker).
        if (pickedAlertsFirst < 0)
            pickedAlertsFirst = window.alertModel()->rowCount();
        pickedAlertsLast = window.alertModel()->rowCount();
        if (pickedOnsetsFirst < 0)
            pickedOnsetsFirst = window.timelineView()->onsetCount();
        pickedOnsetsLast = window.timelineView()->onsetCount();
    });
    QTest::qWait(200);
    const int snapshotsBefore = snapshots;
    std::atomic<bool> stop{false};
    std::atomic<int> ok{0}, bad{0};
    std::vector<std::thread> posters;
    sinceTick.start();
    cpuAtTick = threadCpuMs();
    waitsAtTick = guiThreadWaits.now();
    app->gap = 0;
    app->recording = true;
    heartbeat.start(16);
    QElapsedTimer stormTime;
    stormTime.start();
    // The senders stand for Alertmanagers on other machines; here they share the laptop's two cores, so they run at
    // the console's worker priority rather than take the window's share, which remote senders would not.
    for (int c = 0; c < clients; ++c)
        posters.emplace_back([&, c] {
            WorkerPriority::lowerCurrentThread(WorkerPriority::kBelowWindow);
            postUntil(port, c, perDelivery, onsetSpread, stop, ok, bad);
        });
    // The console's own loop (QApplication::exec) waits in poll() and wakes at the next timer or event. QTest::qWait
    // would instead sleep blind for up to 10 ms between passes, and every tick due in that sleep would count as a
    // stall of the window's making.
    QEventLoop storm;
    QTimer::singleShot(seconds * 1000, &storm, &QEventLoop::quit);
    storm.exec();
    heartbeat.stop();
    app->recording = false;
    // NIGHTWATCH_SHOTS=DIR: the window as the storm still arrives (after the ticks: the grab is not a stall).
    if (const QString dir = qEnvironmentVariable("NIGHTWATCH_SHOTS"); !dir.isEmpty())
        QVERIFY(window.saveScreenshot(dir + u"/storm-stall.png"_s));
    const int snapshotsDuring = snapshots - snapshotsBefore;
    stop = true;
    for (std::thread& t : posters)
        t.join();
    const double stormSeconds = double(stormTime.elapsed()) / 1000.0;

    const double longest = percentile(gaps, 1.0);
    std::printf("GUI under a storm: %d clients for %d s, %d deliveries of %d alerts answered 200 (%.0f alerts/s), %d "
                "failed; %lld ticks of 16 ms, longest gap %.1f ms (stall %.1f ms), p99 gap %.1f ms; GUI thread CPU "
                "between ticks: longest %.1f ms, p99 %.1f ms, %.0f ms in all; %d snapshots published during the "
                "storm, %d shown; the picked incident grew from %d to %d alerts in the table, %d to %d onsets on the "
                "timeline\n",
                clients, seconds, ok.load(), perDelivery, ok.load() * double(perDelivery) / stormSeconds, bad.load(),
                qlonglong(gaps.size()), longest, std::max(0.0, longest - 16.0), percentile(gaps, 0.99),
                percentile(busy, 1.0), percentile(busy, 0.99), std::accumulate(busy.cbegin(), busy.cend(), 0.0),
                snapshotsDuring, applied, pickedAlertsFirst, pickedAlertsLast, pickedOnsetsFirst, pickedOnsetsLast);
    std::printf("GUI thread waiting for a core between ticks: longest %.1f ms, p99 %.1f ms, %.0f ms in all\n",
                percentile(queued, 1.0), percentile(queued, 0.99),
                std::accumulate(queued.cbegin(), queued.cend(), 0.0));
    // The longest gaps and what the GUI thread did in them; then the gaps it worked longest in, which a loaded machine
    // does not lengthen: a gap over 50 ms with little CPU is the run queue, one with much CPU is the console's work.
    const auto printGap = [&](qsizetype g) {
        std::printf("  gap %lld: %.1f ms, GUI thread CPU %.1f ms, waiting for a core %.1f ms, %ld waits on something "
                    "else\n",
                    qlonglong(g), gaps.at(g), busy.at(g), queued.at(g), blocked.at(g));
        for (const TimedApplication::Delivery& d : std::as_const(app->deliveries))
            if (d.gap == g)
                std::printf("    %*s%s: %.1f ms (CPU %.1f ms)\n", 2 * d.depth, "", qPrintable(d.what), d.wallMs,
                            d.cpuMs);
    };
    const auto worst = [](const QVector<double>& by) {
        QVector<qsizetype> order(by.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) { return by.at(a) > by.at(b); });
        return order.mid(0, 5);
    };
    for (qsizetype g : worst(gaps)) {
        if (gaps.at(g) <= 50)
            break;
        printGap(g);
    }
    std::printf("The gaps with the most GUI thread CPU:\n");
    for (qsizetype g : worst(busy))
        printGap(g);
    std::fflush(stdout);
    QCOMPARE(bad.load(), 0);
    QVERIFY(ok.load() > 0);
    QVERIFY2(snapshotsDuring >= 2, "the window took no new snapshots while the storm arrived");
    QVERIFY2(applied >= 2, "the window showed no new snapshots while the storm arrived");
    // The newest snapshot wins over one not yet shown, but a GUI that keeps up shows most of what was published.
    QVERIFY2(applied * 2 >= snapshotsDuring,
             qPrintable(u"the window showed %1 of %2 snapshots published"_s.arg(applied).arg(snapshotsDuring)));
    QVERIFY2(!picked.isEmpty(), "the list never had two incidents to choose from");
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u"; "_s)));
    QVERIFY2(pickedAlertsLast > pickedAlertsFirst,
             qPrintable(u"the picked incident's table stayed at %1 alerts"_s.arg(pickedAlertsFirst)));
    QVERIFY2(pickedOnsetsLast > pickedOnsetsFirst,
             qPrintable(u"the picked incident's timeline stayed at %1 onsets"_s.arg(pickedOnsetsFirst)));
    // Everything acknowledged reaches the window, the list and the picked incident's card.
    QTRY_COMPARE_WITH_TIMEOUT(console.alertsShown(), qsizetype(ok.load()) * perDelivery, 30'000);
    QCOMPARE(window.incidentModel()->rowCount(), listRows(window.snapshot()->incidents));
    QCOMPARE(window.currentIncidentKey(), picked);
    // The views that work on a worker catch up with the last snapshot: every onset of the picked incident is drawn.
    const auto pickedIncident = [&] {
        for (const Incident& i : window.snapshot()->incidents)
            if (i.key == picked)
                return i;
        return Incident();
    };
    QTRY_COMPARE_WITH_TIMEOUT(window.timelineView()->onsetCount(), int(pickedIncident().alerts.size()), 10'000);
}

QTEST_MAIN_WRAPPER(TestUiStormStall, QTEST_QAPP_SETUP(TimedApplication))
#include "tst_ui_stormstall.moc"
