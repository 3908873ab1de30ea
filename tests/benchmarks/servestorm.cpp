#include "servestorm.h"

#include "benchhttp.h"
#include "benchstats.h"
#include "correlate/correlator.h"
#include "ingest/alertmanagerwebhookparser.h"
#include "pipeline/qthashpath.h"
#include "store/store.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>

#include <nlohmann/json.hpp>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cctype>
#include <cmath>
#include <csignal>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>

using namespace Qt::StringLiterals;

namespace {

// compact: only alertname and service, ~100 bytes an alert, so 100,000 alerts fit the receiver's 10 MiB; its alert
// names are `compact` followed by the alert's number, so each big body (a different letter) brings new alerts.
QByteArray delivery(int id, int alerts, const QByteArray& now, char compact = 0)
{
    QByteArray body = R"({"version":"4","status":"firing","receiver":"nightwatch","groupLabels":{},"commonLabels":{},)"
                      R"("commonAnnotations":{},"externalURL":"http://am","alerts":[)";
    for (int k = 0; k < alerts; ++k) {
        if (k)
            body += ',';
        const QByteArray name =
            (compact ? QByteArray(1, compact) : "Storm" + QByteArray::number(id) + 'x') + QByteArray::number(k);
        body += R"({"status":"firing","labels":{"alertname":")" + name + R"(","service":"svc)" +
                QByteArray::number((id * alerts + k) % 200) + (compact ? "" : R"(","severity":"warning)") +
                R"("},"startsAt":")" + now + R"("})";
    }
    return body + "]}";
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

double tenths(double ms)
{
    return std::round(ms * 10.0) / 10.0;
}

// A thread's name as part of a figure's name: letters and digits, the rest '_'.
std::string metricName(const QString& thread)
{
    std::string name = thread.toStdString();
    std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
    return name;
}

int fail(const QString& message)
{
    std::fprintf(stderr, "nightwatch-bench: %s\n", qPrintable(message));
    return 1;
}

// Bytes the heap hands out now (0 where the C library cannot say).
std::size_t heapInUse()
{
#ifdef __GLIBC__
    return mallinfo2().uordblks;
#else
    return 0;
#endif
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// One big body's way through the stages in this process, one after another as serve runs them: parse (the receiver's
// worker), store (the pipeline, before the answer), correlate (the pipeline, after it). Says which share is whose.
bool inProcessStages(int alerts, nlohmann::ordered_json& out, QString* error)
{
    const QByteArray body = delivery(0, alerts, QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8(), 'P');
    QTemporaryDir dir;
    Store store(u"bigbody-stages"_s);
    if (!store.open(dir.filePath(u"stages.sqlite"_s), error))
        return false;
    // The parse's own CPU time too: its wall time swings with whatever else the machine runs.
    QElapsedTimer t;
    t.start();
    const double cpuBefore = threadCpuMs();
    std::optional<AlertmanagerWebhook> parsed = AlertmanagerWebhookParser::parse(body, error);
    const double parseMs = double(t.nsecsElapsed()) / 1e6;
    const double parseCpuMs = threadCpuMs() - cpuBefore;
    if (!parsed)
        return false;
    t.restart();
    if (!store.recordNotifications(parsed->alerts, error))
        return false;
    const double storeMs = double(t.nsecsElapsed()) / 1e6;
    const std::size_t heapBefore = heapInUse();
    const double correlateCpuBefore = threadCpuMs();
    t.restart();
    Correlator correlator;
    correlator.addAll(parsed->alerts);
    const double correlateMs = double(t.nsecsElapsed()) / 1e6;
    const double correlateCpuMs = threadCpuMs() - correlateCpuBefore; // what it costs whatever else the machine does
    // What the correlator and the incidents the pipeline keeps from it add per open alert, beyond the parsed alerts'
    // own strings and label sets (which they share).
    const QVector<Incident> incidents = correlator.incidents();
    const std::size_t heapAfter = heapInUse();
    const std::string p = "inprocess_" + std::to_string(alerts) + "_";
    out[p + "parse_ms"] = tenths(parseMs);
    out[p + "parse_cpu_ms"] = tenths(parseCpuMs);
    out[p + "parse_mb_per_s"] = tenths(double(body.size()) / 1e6 / (parseMs / 1e3));
    out[p + "store_ms"] = tenths(storeMs);
    out[p + "correlate_ms"] = tenths(correlateMs);
    out[p + "correlate_cpu_ms"] = tenths(correlateCpuMs);
    out[p + "incidents"] = correlator.incidentCount();
    if (heapAfter > heapBefore && correlator.alertCount() > 0)
        out[p + "correlated_bytes_per_alert"] = std::round(double(heapAfter - heapBefore) / correlator.alertCount());
    return true;
}

// Starts `serve` on db (a free port, HOME in dir) and waits until its output holds `ready` (as well as the webhook
// listening). Returns the port, 0 on failure.
quint16 startServe(QProcess& serve, const QString& cli, const QTemporaryDir& dir, const QString& db,
                   const QByteArray& ready, QByteArray* output, QString* error)
{
    const quint16 port = freePort();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, dir.path());
    env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
    serve.setProcessEnvironment(env);
    serve.setProcessChannelMode(QProcess::MergedChannels);
    serve.start(cli, {u"serve"_s, u"--db"_s, db, u"--listen"_s, u"127.0.0.1:%1"_s.arg(port)});
    QElapsedTimer startTimer;
    startTimer.start();
    const auto isReady = [&] { return output->contains("webhook: listening") && output->contains(ready); };
    // A restore of a big store takes a while on a busy machine: minutes, not seconds, before giving up.
    while (!isReady() && startTimer.elapsed() < 300'000 && serve.state() != QProcess::NotRunning) {
        serve.waitForReadyRead(100);
        *output += serve.readAll();
    }
    if (isReady())
        return port;
    *error = u"serve did not start: "_s + QString::fromUtf8(*output);
    return 0;
}

// serve's RSS once it has settled: sampled every 250 ms until serve is idle (under 50 ms of CPU time in the last
// second: the restored incidents diagnosed, the trims after them done) and four samples in a row are within 1 MiB of
// each other; at least 2 s after the call (a trim timer set by the last work has fired), at most 60 s. The
// after-storm figure and the fresh restore's are taken alike, so they compare.
qint64 settledRssMiB(qint64 pid)
{
    QElapsedTimer waited;
    waited.start();
    QVector<qint64> rss;
    QVector<double> cpu;
    for (;;) {
        QEventLoop pause;
        QTimer::singleShot(250, &pause, &QEventLoop::quit);
        pause.exec();
        rss << rssMiB(pid);
        cpu << cpuMs(pid);
        const qsizetype n = rss.size();
        bool steady = n >= 5 && cpu.at(n - 1) - cpu.at(n - 5) < 50;
        for (qsizetype i = n - 3; steady && i < n; ++i)
            steady = std::abs(rss.at(i) - rss.at(n - 4)) <= 1;
        if ((steady && waited.elapsed() >= 2'000) || waited.elapsed() >= 60'000)
            return rss.last();
    }
}

bool stopServe(QProcess& serve, QByteArray* output, QString* error)
{
    ::kill(pid_t(serve.processId()), SIGTERM);
    if (serve.waitForFinished(30'000) && serve.exitCode() == 0)
        return true;
    *error = u"serve did not exit 0 on SIGTERM: "_s + QString::fromUtf8(*output + serve.readAll());
    return false;
}

} // namespace

int runServeStorm(const ServeStormOptions& options)
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"storm.sqlite"_s);
    QProcess serve;
    QByteArray output;
    QString startError;
    const quint16 port = startServe(serve, options.cli, dir, db, "webhook: listening", &output, &startError);
    if (port == 0)
        return fail(startError);
    const qint64 pid = serve.processId();

    const QByteArray now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8();
    const int deliveries = std::max(1, options.notifications / options.alertsPerDelivery);
    QVector<QByteArray> bodies;
    bodies.reserve(deliveries);
    for (int id = 0; id < deliveries; ++id)
        bodies << delivery(id, options.alertsPerDelivery, now);
    nlohmann::ordered_json stages;
    for (const int alerts : {10'000, options.bigAlerts}) {
        QString error;
        if (alerts > 0 && alerts <= options.bigAlerts && !inProcessStages(alerts, stages, &error))
            return fail(u"in-process stages: "_s + error);
    }
    const qint64 rssBefore = rssMiB(pid);
    qint64 rssPeak = rssBefore;
    QTimer rssWatch;
    QObject::connect(&rssWatch, &QTimer::timeout, [&] { rssPeak = std::max(rssPeak, rssMiB(pid)); });
    rssWatch.start(20);

    // /healthz, one at a time every 20 ms, into whichever phase is running.
    QVector<double>* healthzInto = nullptr;
    QVector<double> healthzStorm, healthzBig;
    int healthzErrors = 0;
    Connection healthz(port);
    std::function<void()> poll = [&] {
        if (!healthzInto)
            return;
        healthz.send("GET", "/healthz", {}, [&](int status, double ms) {
            if (healthzInto)
                *healthzInto << ms;
            healthzErrors += status != 200;
            QTimer::singleShot(20, poll);
        });
    };

    QEventLoop loop;
    QVector<double> latencies;
    latencies.reserve(deliveries);
    QVector<qint64> answeredAtNs; // when each delivery was answered since the storm began: is the rate steady?
    answeredAtNs.reserve(deliveries);
    int next = 0, answered = 0, errors = 0;
    qint64 acknowledgedAlerts = 0;
    std::vector<std::unique_ptr<Connection>> clients;
    QElapsedTimer storm;
    std::function<void(Connection*)> post = [&](Connection* c) {
        if (next >= deliveries)
            return;
        c->send("POST", "/api/v1/alerts/alertmanager", bodies.at(next++), [&, c](int status, double ms) {
            latencies << ms;
            answeredAtNs << storm.nsecsElapsed();
            if (status == 200)
                acknowledgedAlerts += options.alertsPerDelivery;
            else
                ++errors;
            if (++answered == deliveries)
                loop.quit();
            else
                post(c);
        });
    };
    healthzInto = &healthzStorm;
    poll();
    const double cpuBefore = cpuMs(pid) / 1000.0;
    const QMap<QString, ThreadUse> threadsBefore = threadUse(pid);
    storm.start();
    for (int i = 0; i < options.clients; ++i) {
        clients.push_back(std::make_unique<Connection>(port));
        post(clients.back().get());
    }
    loop.exec();
    const double stormSeconds = double(storm.nsecsElapsed()) / 1e9;
    const qint64 rssAfterStorm = rssMiB(pid);
    const double stormCpu = cpuMs(pid) / 1000.0 - cpuBefore;
    const QMap<QString, ThreadUse> threadsAfter = threadUse(pid);
    // The rate over the first and the last tenth of the deliveries: a pipeline whose work per delivery grows with
    // the alerts already open slows down as the storm goes on.
    const qsizetype tenth = std::max<qsizetype>(1, answeredAtNs.size() / 10);
    const auto rateOver = [&](qsizetype from, qsizetype to) {
        const qint64 start = from == 0 ? 0 : answeredAtNs.at(from - 1);
        const double seconds = double(answeredAtNs.at(to - 1) - start) / 1e9;
        return seconds > 0 ? std::round(double(to - from) * options.alertsPerDelivery / seconds) : 0.0;
    };

    // Single big bodies after the storm, each alone but for a client posting small deliveries one after another
    // meanwhile: the big body's time and rate, and whether the small ones are starved (their latency while it runs).
    // Before each, two tiny deliveries answered in turn: the pipeline has then finished what the storm left it.
    const QByteArray path = "/api/v1/alerts/alertmanager";
    constexpr int kSmallAlerts = 3;
    int nextSmall = deliveries + 1; // delivery ids past the storm's: new alert names
    const auto settle = [&] {
        Connection probe(port);
        for (int round = 0; round < 2; ++round) {
            probe.send("POST", path, delivery(nextSmall++, 1, now), [&](int status, double) {
                if (status == 200)
                    acknowledgedAlerts += 1;
                else
                    ++errors;
                loop.quit();
            });
            loop.exec();
        }
    };
    struct BigBody
    {
        int alerts = 0;
        qsizetype bytes = 0;
        int status = 0;
        double ms = 0;
        double cpuMs = 0; // serve's CPU time from the post until the answer
        QMap<QString, double> threadCpuMs; // the same per thread name (receiver, parser, pipeline, checkpointer)
        QVector<double> smallMs; // the small deliveries posted while it was in flight
    };
    QVector<BigBody> bigBodies;
    for (const int alerts : {10'000, options.bigAlerts}) {
        if (alerts > 0 && alerts <= options.bigAlerts && (bigBodies.isEmpty() || alerts != bigBodies.back().alerts)) {
            bigBodies << BigBody();
            bigBodies.back().alerts = alerts;
        }
    }
    for (qsizetype i = 0; i < bigBodies.size(); ++i) {
        BigBody& b = bigBodies[i];
        settle();
        const QByteArray big = delivery(0, b.alerts, now, char('B' + i));
        b.bytes = big.size();
        healthzInto = &healthzBig;
        Connection c(port), small(port);
        bool bigDone = false, smallBusy = false;
        const auto maybeQuit = [&] {
            if (bigDone && !smallBusy)
                loop.quit();
        };
        std::function<void()> postSmall;
        postSmall = [&] {
            if (bigDone)
                return maybeQuit();
            smallBusy = true;
            small.send("POST", path, delivery(nextSmall++, kSmallAlerts, now), [&](int status, double ms) {
                smallBusy = false;
                b.smallMs << ms;
                if (status == 200)
                    acknowledgedAlerts += kSmallAlerts;
                else
                    ++errors;
                postSmall();
            });
        };
        const double cpuAtPost = cpuMs(pid);
        const QMap<QString, ThreadUse> threadsAtPost = threadUse(pid);
        c.send("POST", path, big, [&](int status, double ms) {
            b.status = status;
            b.ms = ms;
            b.cpuMs = cpuMs(pid) - cpuAtPost;
            const QMap<QString, ThreadUse> threadsAtAnswer = threadUse(pid);
            for (auto it = threadsAtAnswer.cbegin(); it != threadsAtAnswer.cend(); ++it)
                b.threadCpuMs.insert(it.key(), it->cpuMs - threadsAtPost.value(it.key()).cpuMs);
            bigDone = true;
            maybeQuit();
        });
        postSmall();
        loop.exec();
        if (b.status == 200)
            acknowledgedAlerts += b.alerts;
        else
            ++errors;
    }
    healthzInto = nullptr;
    const qint64 rssAfter = settledRssMiB(pid);
    rssWatch.stop();
    if (!stopServe(serve, &output, &startError))
        return fail(startError);

    qint64 stored = 0, openAlerts = 0;
    {
        Store store(u"storm-reader"_s);
        QString error;
        if (!store.open(db, &error, Store::OpenMode::ReadOnly))
            return fail(error);
        stored = store.notificationCount();
        openAlerts = store.alertCount(); // every alert of the storm fires: all of them are open
    }

    // The same store restored by a fresh serve: what holding those open alerts costs without the storm's history.
    // The after-storm figure should come near it; what it holds beyond is left behind by the storm (a leak, a cache
    // not released, a heap not handed back).
    QProcess fresh;
    QByteArray freshOutput;
    QElapsedTimer restoring;
    restoring.start();
    if (startServe(fresh, options.cli, dir, db, "restored:", &freshOutput, &startError) == 0)
        return fail(startError);
    const double restoreSeconds = double(restoring.elapsed()) / 1e3;
    const qint64 rssFresh = settledRssMiB(fresh.processId());
    if (!stopServe(fresh, &freshOutput, &startError))
        return fail(startError);
    const auto bytesPerOpen = [&](qint64 rss) {
        return openAlerts > 0 ? std::round(double(rss - rssBefore) * 1048576.0 / double(openAlerts)) : 0.0;
    };

    nlohmann::ordered_json out;
    out["clients"] = options.clients;
    out["qt_short_key_hash_narrow"] = QtHashPath::narrowPathTaken(); // this process's; serve decides its own
    out["deliveries"] = deliveries;
    out["alerts_per_delivery"] = options.alertsPerDelivery;
    out["storm_alerts_per_s"] = std::round(double(deliveries) * options.alertsPerDelivery / stormSeconds);
    out["storm_first_tenth_alerts_per_s"] = rateOver(0, tenth);
    out["storm_last_tenth_alerts_per_s"] = rateOver(answeredAtNs.size() - tenth, answeredAtNs.size());
    out["storm_serve_cpu_s"] = tenths(stormCpu);
    // Per alert and per thread: comparable across builds while other work shares the cores, as wall time is not.
    const double stormAlerts = double(deliveries) * options.alertsPerDelivery;
    out["storm_serve_cpu_us_per_alert"] = tenths(stormCpu * 1e6 / stormAlerts);
    for (auto it = threadsAfter.cbegin(); it != threadsAfter.cend(); ++it) {
        const ThreadUse before = threadsBefore.value(it.key());
        const double us = (it->cpuMs - before.cpuMs) * 1e3 / stormAlerts;
        const qint64 waits = it->waits - before.waits;
        const double queuedUs = (it->runQueueMs - before.runQueueMs) * 1e3 / stormAlerts;
        if (us < 0.05 && waits < deliveries / 10)
            continue; // idle through the storm
        const std::string name = metricName(it.key());
        out["storm_thread_" + name + "_cpu_us_per_alert"] = tenths(us);
        out["storm_thread_" + name + "_run_queue_us_per_alert"] = tenths(queuedUs);
        out["storm_thread_" + name + "_waits_per_delivery"] = std::round(100.0 * double(waits) / deliveries) / 100.0;
    }
    out["delivery_p50_ms"] = tenths(percentile(latencies, 0.50));
    out["delivery_p99_ms"] = tenths(percentile(latencies, 0.99));
    out["delivery_max_ms"] = tenths(percentile(latencies, 1.0));
    out["errors"] = errors;
    out["healthz_storm_p99_ms"] = tenths(percentile(healthzStorm, 0.99));
    out["healthz_storm_polls"] = healthzStorm.size();
    for (const BigBody& b : std::as_const(bigBodies)) {
        const std::string p = "single_" + std::to_string(b.alerts) + "_";
        out[p + "bytes"] = b.bytes;
        out[p + "status"] = b.status;
        out[p + "ms"] = tenths(b.ms);
        out[p + "alerts_per_s"] = b.ms > 0 ? std::round(b.alerts * 1000.0 / b.ms) : 0.0;
        out[p + "serve_cpu_ms"] = std::round(b.cpuMs);
        out[p + "small_deliveries_meanwhile"] = b.smallMs.size();
        out[p + "small_p50_ms"] = tenths(percentile(b.smallMs, 0.50));
        out[p + "small_max_ms"] = tenths(percentile(b.smallMs, 1.0));
        // Whose CPU the body took, per thread: comparable across builds while other work shares the cores.
        double seen = 0;
        for (auto it = b.threadCpuMs.cbegin(); it != b.threadCpuMs.cend(); ++it) {
            seen += *it;
            if (*it < 1.0)
                continue;
            out[p + "thread_" + metricName(it.key()) + "_cpu_ms"] = std::round(*it);
        }
        // Threads that came and went while it was in flight (the reader of a big body's second half) are in serve's
        // CPU time but in no thread's that is still there to be read; clock ticks make it +-20 ms.
        out[p + "thread_gone_cpu_ms"] = std::round(qMax(0.0, b.cpuMs - seen));
    }
    out["healthz_big_p99_ms"] = tenths(percentile(healthzBig, 0.99));
    out["healthz_errors"] = healthzErrors;
    out["serve_rss_before_mb"] = rssBefore;
    out["serve_rss_after_storm_mb"] = rssAfterStorm;
    out["serve_rss_peak_mb"] = rssPeak;
    out["serve_rss_after_mb"] = rssAfter;
    out["serve_rss_fresh_restore_mb"] = rssFresh;
    out["serve_fresh_restore_s"] = tenths(restoreSeconds);
    out["serve_rss_after_over_fresh_mb"] = rssAfter - rssFresh;
    out["alerts_open"] = openAlerts;
    // What serve holds per open alert over its RSS before the storm (an empty store): after the storm, and when a
    // fresh serve restored the same store.
    out["serve_rss_after_bytes_per_open_alert"] = bytesPerOpen(rssAfter);
    out["serve_rss_fresh_bytes_per_open_alert"] = bytesPerOpen(rssFresh);
    if (!stages.is_null()) // no big body: no stages
        out.update(stages);
    out["alerts_acknowledged"] = acknowledgedAlerts;
    out["alerts_stored"] = stored;
    if (options.json) {
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        for (auto it = out.begin(); it != out.end(); ++it)
            std::printf("%-32s %s\n", it.key().c_str(), it.value().dump().c_str());
    }
    std::fflush(stdout);
    if (errors > 0 || healthzErrors > 0)
        return fail(u"%1 deliveries and %2 healthz polls were not answered 200"_s.arg(errors).arg(healthzErrors));
    if (stored != acknowledgedAlerts)
        return fail(u"%1 alerts acknowledged, %2 stored"_s.arg(acknowledgedAlerts).arg(stored));
    return 0;
}
