#include "storewrite.h"
#include "benchstats.h"

#include "store/store.h"

#include <QElapsedTimer>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <cstdio>

using namespace Qt::StringLiterals;
using ordered_json = nlohmann::ordered_json;

namespace {

// Alerts [first, first + count) as the Alertmanager parser hands them over: one delivery's receipt time and source,
// a fingerprint from the labels, a handful of labels and one annotation (a typical rule's shape).
AlertBatch distinctAlerts(int first, int count, const QDateTime& receivedAt)
{
    AlertBatch batch;
    batch.reserve(count);
    for (int i = first; i < first + count; ++i) {
        Alert a;
        a.labels = {{u"alertname"_s, u"Err%1"_s.arg(i % 400)},
                    {u"service"_s, u"svc-%1"_s.arg(i % 120)},
                    {u"instance"_s, u"10.0.%1.%2:9100"_s.arg(i / 250 % 250).arg(i % 250)},
                    {u"severity"_s, i % 7 == 0 ? u"critical"_s : u"warning"_s},
                    {u"job"_s, u"node"_s}};
        a.annotations = {{u"summary"_s, u"Err%1 on svc-%2"_s.arg(i % 400).arg(i % 120)}};
        a.fingerprint = Alert::fingerprintOf(a.labels);
        a.status = Alert::Status::Firing;
        a.startsAt = receivedAt.addSecs(-60);
        a.receivedAt = receivedAt;
        a.source = u"webhook:alertmanager"_s;
        a.generatorUrl = u"http://prometheus:9090/graph"_s;
        batch << std::move(a);
    }
    return batch;
}

struct Timing
{
    double wall = -1; // seconds
    double cpu = -1;  // this thread's user + system seconds: what the write costs on a machine shared with others
};

struct RunTimes
{
    Timing fresh, repeat, filled;
};

double threadCpu()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

Timing timed(Store& store, const AlertBatch& batch, QString* error)
{
    QElapsedTimer t;
    const double cpu = threadCpu();
    t.start();
    if (!store.recordNotifications(batch, error))
        return {};
    return {double(t.nsecsElapsed()) / 1e9, threadCpu() - cpu};
}

bool oneRun(const QString& path, const StoreWriteOptions& o, RunTimes* times, QString* error)
{
    const QDateTime t0 = QDateTime::currentDateTimeUtc();
    const AlertBatch first = distinctAlerts(0, o.alerts, t0);
    AlertBatch again = first; // every one a repeat, a second later
    for (Alert& a : again)
        a.receivedAt = t0.addSecs(1);
    const AlertBatch second = distinctAlerts(o.alerts, o.alerts, t0.addSecs(2));
    const AlertBatch* const batches[] = {&first, &again, &second};
    Timing* const timings[] = {&times->fresh, &times->repeat, &times->filled};
    Store store(u"bench-store-write"_s);
    if (!store.open(path, error))
        return false;
    for (int i = 0; i < 3; ++i) {
        *timings[i] = timed(store, *batches[i], error);
        if (timings[i]->wall < 0)
            return false;
    }
    // What a reader sees: every notification stored, one alert row per fingerprint, repeats counted.
    if (store.notificationCount() != 3 * qint64(o.alerts) || store.alertCount() != 2 * qint64(o.alerts)) {
        *error = u"the store holds %1 notifications and %2 alerts, not %3 and %4"_s.arg(store.notificationCount())
                     .arg(store.alertCount())
                     .arg(3 * qint64(o.alerts))
                     .arg(2 * qint64(o.alerts));
        return false;
    }
    return true;
}

} // namespace

int runStoreWrite(const StoreWriteOptions& o)
{
    QVector<Timing> fresh, repeat, filled;
    QString error;
    const int runs = o.url.isEmpty() ? std::max(1, o.runs) : 1;
    for (int run = 0; run < runs; ++run) {
        QTemporaryDir dir;
        const QString path = o.url.isEmpty() ? dir.filePath(u"bench.sqlite"_s) : o.url;
        RunTimes t;
        if (!oneRun(path, o, &t, &error)) {
            std::fprintf(stderr, "nightwatch-bench: store write: %s\n", qPrintable(error));
            return 1;
        }
        fresh << t.fresh;
        repeat << t.repeat;
        filled << t.filled;
    }
    const auto median = [](const QVector<Timing>& runs, double Timing::*part) {
        QVector<double> secs;
        for (const Timing& t : runs)
            secs << t.*part;
        return percentile(secs, 0.5);
    };
    const auto rate = [&](const QVector<Timing>& runs) { return std::round(o.alerts / median(runs, &Timing::wall)); };
    const auto ms = [&](const QVector<Timing>& runs) { return std::round(median(runs, &Timing::wall) * 10000) / 10; };
    const auto cpuRate = [&](const QVector<Timing>& runs) {
        return std::round(o.alerts / median(runs, &Timing::cpu));
    };
    ordered_json out;
    out["store"] = o.url.isEmpty() ? "sqlite" : "postgresql";
    out["batch_alerts"] = o.alerts;
    out["runs"] = runs;
    // alerts/s by the wall clock, and by the writing thread's CPU time (steadier when other work shares the cores).
    out["write_new_alerts_per_s"] = rate(fresh);
    out["write_new_ms"] = ms(fresh);
    out["write_new_alerts_per_cpu_s"] = cpuRate(fresh);
    out["write_repeats_alerts_per_s"] = rate(repeat);
    out["write_repeats_ms"] = ms(repeat);
    out["write_repeats_alerts_per_cpu_s"] = cpuRate(repeat);
    out["write_new_into_filled_alerts_per_s"] = rate(filled);
    out["write_new_into_filled_ms"] = ms(filled);
    out["write_new_into_filled_alerts_per_cpu_s"] = cpuRate(filled);
    if (o.json) {
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        for (auto it = out.begin(); it != out.end(); ++it)
            std::printf("%-46s %s\n", it.key().c_str(), it.value().dump().c_str());
    }
    return 0;
}
