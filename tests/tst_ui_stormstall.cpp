// The console's main thread while a webhook storm arrives: the real MainWindow (offscreen) on a ConsoleRuntime
// whose receiver gets deliveries from 8 client threads. A 16 ms timer on the GUI thread records every gap; the
// longest stall and the p99 gap are printed (figures, not asserted: they depend on the machine). Asserted: every
// delivery is answered 200 and the window keeps taking new snapshots during the storm, ending with every alert.
// NIGHTWATCH_STORM_SECONDS (default 4) and NIGHTWATCH_STORM_CLIENTS (default 8) make it a longer run.

#include "benchmarks/benchstats.h"
#include "liveconsole.h"
#include "serveprocess.h" // testsupport::alertmanagerDelivery

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <atomic>
#include <thread>

using namespace Qt::StringLiterals;

namespace {

// Posts deliveries of 10 alerts over one blocking connection until `stop`; counts answers by status.
void postUntil(quint16 port, int client, const std::atomic<bool>& stop, std::atomic<int>& ok, std::atomic<int>& bad)
{
    QTcpSocket socket;
    socket.connectToHost(u"127.0.0.1"_s, port);
    if (!socket.waitForConnected(10'000)) {
        ++bad;
        return;
    }
    socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    for (int n = 0; !stop; ++n) {
        const QByteArray body = testsupport::alertmanagerDelivery(client * 1'000'000 + n, 10, 50);
        socket.write("POST /api/v1/alerts/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
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
    const int seconds = qEnvironmentVariableIsSet("NIGHTWATCH_STORM_SECONDS")
                            ? qEnvironmentVariableIntValue("NIGHTWATCH_STORM_SECONDS")
                            : 4;
    const int clients = qEnvironmentVariableIsSet("NIGHTWATCH_STORM_CLIENTS")
                            ? qEnvironmentVariableIntValue("NIGHTWATCH_STORM_CLIENTS")
                            : 8;
    LiveConsole console;
    QVERIFY(console.start());
    int snapshots = 0;
    connect(console.runtime.get(), &ConsoleRuntime::snapshotReady, this, [&] { ++snapshots; });
    const quint16 port = console.port;

    QVector<double> gaps;
    QElapsedTimer sinceTick;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    connect(&heartbeat, &QTimer::timeout, this, [&] {
        gaps << double(sinceTick.nsecsElapsed()) / 1e6;
        sinceTick.restart();
    });
    QTest::qWait(200);
    const int snapshotsBefore = snapshots;
    std::atomic<bool> stop{false};
    std::atomic<int> ok{0}, bad{0};
    std::vector<std::thread> posters;
    sinceTick.start();
    heartbeat.start(16);
    for (int c = 0; c < clients; ++c)
        posters.emplace_back(postUntil, port, c, std::cref(stop), std::ref(ok), std::ref(bad));
    QTest::qWait(seconds * 1000);
    heartbeat.stop();
    const int snapshotsDuring = snapshots - snapshotsBefore;
    stop = true;
    for (std::thread& t : posters)
        t.join();

    const double longest = percentile(gaps, 1.0);
    std::printf("GUI under a storm: %d clients for %d s, %d deliveries of 10 alerts answered 200 (%.0f alerts/s), %d "
                "failed; %lld ticks of 16 ms, longest gap %.1f ms (stall %.1f ms), p99 gap %.1f ms; %d snapshots "
                "shown during the storm\n",
                clients, seconds, ok.load(), ok.load() * 10.0 / seconds, bad.load(), qlonglong(gaps.size()), longest,
                std::max(0.0, longest - 16.0), percentile(gaps, 0.99), snapshotsDuring);
    std::fflush(stdout);
    QCOMPARE(bad.load(), 0);
    QVERIFY(ok.load() > 0);
    QVERIFY2(snapshotsDuring >= 2, "the window took no new snapshots while the storm arrived");
    // Everything acknowledged reaches the window.
    QTRY_COMPARE_WITH_TIMEOUT(console.alertsShown(), qsizetype(ok.load()) * 10, 30'000);
}

QTEST_MAIN(TestUiStormStall)
#include "tst_ui_stormstall.moc"
