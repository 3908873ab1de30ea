#include "storewrite.h"
#include "benchstats.h"

#include "ingest/alertmanagerwebhookparser.h"
#include "store/store.h"

#include <QElapsedTimer>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <optional>

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
    Timing webhook;                                // a parsed webhook body of new alerts into a new store
    Timing incidentFirst, incidentGrown, incidentTouched; // saveIncidents of one incident of every first-batch alert
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

// The serve storm's one big body (tests/benchmarks/servestorm.cpp): alertname and service only, ~100 bytes an alert,
// as the receiver's parser hands it to the store. What `nightwatch-bench --serve-storm` reports as
// inprocess_N_store_ms, without the HTTP storm around it.
QByteArray compactBody(int alerts, const QByteArray& now)
{
    QByteArray body = R"({"version":"4","status":"firing","receiver":"nightwatch","groupLabels":{},"commonLabels":{},)"
                      R"("commonAnnotations":{},"externalURL":"http://am","alerts":[)";
    for (int k = 0; k < alerts; ++k) {
        if (k)
            body += ',';
        body += R"({"status":"firing","labels":{"alertname":"P)" + QByteArray::number(k) + R"(","service":"svc)" +
                QByteArray::number(k % 200) + R"("},"startsAt":")" + now + R"("})";
    }
    return body + "]}";
}

Timing timedSave(Store& store, Incident& incident, QString* error)
{
    QVector<Incident> one{incident};
    QElapsedTimer t;
    const double cpu = threadCpu();
    t.start();
    if (!store.saveIncidents(one, error))
        return {};
    const Timing out{double(t.nsecsElapsed()) / 1e9, threadCpu() - cpu};
    incident.id = one.constFirst().id;
    return out;
}

TrackedAlert tracked(const Alert& a)
{
    TrackedAlert t;
    t.latest = a;
    t.firstStartsAt = a.startsAt;
    t.firstReceivedAt = t.lastReceivedAt = a.receivedAt;
    t.notificationCount = 1;
    return t;
}

// One incident of every alert of first, saved with its search row written at once (the worst case of a save): new,
// then grown by the first 100 alerts of second, then with one member's inhibition changed. The later two are what
// a storm's refresh costs once an incident is big.
bool incidentRuns(Store& store, const AlertBatch& first, const AlertBatch& second, RunTimes* times, QString* error)
{
    store.setSearchIndexDelay(0);
    Incident incident;
    incident.key = first.constFirst().fingerprint + u"@bench"_s;
    incident.alerts.reserve(first.size() + 100);
    for (const Alert& a : first)
        incident.alerts << tracked(a);
    incident.firstAlertAt = first.constFirst().startsAt;
    incident.lastAlertAt = first.constFirst().receivedAt;
    incident.notificationCount = int(first.size());
    incident.affectedServices = {u"svc-0"_s};
    times->incidentFirst = timedSave(store, incident, error);
    if (times->incidentFirst.wall < 0)
        return false;
    for (qsizetype i = 0; i < std::min<qsizetype>(100, second.size()); ++i)
        incident.alerts << tracked(second.at(i));
    times->incidentGrown = timedSave(store, incident, error);
    if (times->incidentGrown.wall < 0)
        return false;
    TrackedAlert& member = incident.alerts[incident.alerts.size() / 2];
    member.inhibited = true;
    member.inhibitedBy = incident.alerts.constFirst().fingerprint();
    times->incidentTouched = timedSave(store, incident, error);
    if (times->incidentTouched.wall < 0)
        return false;
    const std::optional<Incident> stored = store.loadIncident(incident.id);
    if (!stored || stored->alerts.size() != incident.alerts.size()) {
        *error = u"the stored incident has %1 members, not %2"_s.arg(stored ? stored->alerts.size() : -1)
                     .arg(incident.alerts.size());
        return false;
    }
    return true;
}

bool webhookRun(const QString& path, const StoreWriteOptions& o, RunTimes* times, QString* error)
{
    const QByteArray now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8();
    std::optional<AlertmanagerWebhook> parsed = AlertmanagerWebhookParser::parse(compactBody(o.alerts, now), error);
    if (!parsed)
        return false;
    Store store(u"bench-store-webhook"_s);
    if (!store.open(path, error))
        return false;
    times->webhook = timed(store, parsed->alerts, error);
    if (times->webhook.wall < 0)
        return false;
    if (store.notificationCount() != o.alerts || store.alertCount() != o.alerts) {
        *error = u"the store holds %1 notifications and %2 alerts, not %3"_s.arg(store.notificationCount())
                     .arg(store.alertCount())
                     .arg(o.alerts);
        return false;
    }
    return true;
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
    return incidentRuns(store, first, second, times, error);
}

} // namespace

int runStoreWrite(const StoreWriteOptions& o)
{
    QVector<Timing> fresh, repeat, filled, webhook, incidentFirst, incidentGrown, incidentTouched;
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
        // The webhook body on a file of its own: a PostgreSQL database given by the caller holds the rows of the run
        // above already, so there only the runs above.
        if (o.url.isEmpty()) {
            QTemporaryDir webhookDir;
            if (!webhookRun(webhookDir.filePath(u"webhook.sqlite"_s), o, &t, &error)) {
                std::fprintf(stderr, "nightwatch-bench: store write: %s\n", qPrintable(error));
                return 1;
            }
            webhook << t.webhook;
        }
        fresh << t.fresh;
        repeat << t.repeat;
        filled << t.filled;
        incidentFirst << t.incidentFirst;
        incidentGrown << t.incidentGrown;
        incidentTouched << t.incidentTouched;
    }
    const auto median = [](const QVector<Timing>& runs, double Timing::*part) {
        QVector<double> secs;
        for (const Timing& t : runs)
            secs << t.*part;
        return percentile(secs, 0.5);
    };
    ordered_json out;
    out["store"] = o.url.isEmpty() ? "sqlite" : "postgresql";
    out["batch_alerts"] = o.alerts;
    out["runs"] = runs;
    // Milliseconds by the wall clock and by the writing thread's CPU time (steadier when other work shares the
    // cores); for a batch of alerts also alerts/s by either.
    const auto put = [&](const std::string& name, const QVector<Timing>& times, bool perAlert) {
        const double wall = median(times, &Timing::wall), cpu = median(times, &Timing::cpu);
        if (perAlert)
            out[name + "_alerts_per_s"] = std::round(o.alerts / wall);
        out[name + "_ms"] = std::round(wall * 10000) / 10;
        if (perAlert)
            out[name + "_alerts_per_cpu_s"] = std::round(o.alerts / cpu);
        out[name + "_cpu_ms"] = std::round(cpu * 10000) / 10;
    };
    put("write_new", fresh, true);
    put("write_repeats", repeat, true);
    put("write_new_into_filled", filled, true);
    // The serve storm's big body (alertname and service only) as the parser hands it over, into a new store.
    if (!webhook.isEmpty())
        put("write_webhook_new", webhook, true);
    // saveIncidents of one incident of every first-batch alert, search row written in the same save: new, grown by
    // 100 members, one member's inhibition changed.
    put("save_incident_new", incidentFirst, false);
    put("save_incident_grown", incidentGrown, false);
    put("save_incident_touched", incidentTouched, false);
    if (o.json) {
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        for (auto it = out.begin(); it != out.end(); ++it)
            std::printf("%-46s %s\n", it.key().c_str(), it.value().dump().c_str());
    }
    return 0;
}
