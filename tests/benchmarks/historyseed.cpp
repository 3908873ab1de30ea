#include "historyseed.h"

#include "store/store.h"

#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace HistorySeed {

const QStringList& services()
{
    static const QStringList s = {
        u"payment"_s,       u"checkout"_s,        u"order-service"_s,  u"inventory"_s,     u"notification"_s,
        u"cart"_s,          u"search"_s,          u"catalog"_s,        u"pricing"_s,       u"shipping"_s,
        u"auth"_s,          u"session"_s,         u"recommendation"_s, u"reviews"_s,       u"frontend"_s,
        u"api-gateway"_s,   u"billing"_s,         u"ledger"_s,         u"fraud-check"_s,   u"email-sender"_s,
        u"postgres-main"_s, u"postgres-orders"_s, u"redis-cache"_s,    u"redis-session"_s, u"kafka"_s,
        u"elasticsearch"_s, u"rabbitmq"_s,        u"memcached"_s,      u"cdn-edge"_s,      u"image-resizer"_s,
        u"geo-ip"_s,        u"loyalty"_s,         u"coupon"_s,         u"tax"_s,           u"returns"_s,
        u"warehouse"_s,     u"supplier-sync"_s,   u"analytics"_s,      u"audit-log"_s,     u"feature-flags"_s,
    };
    return s;
}

const QStringList& teams()
{
    static const QStringList t = {u"payments"_s, u"storefront"_s, u"db"_s,       u"platform"_s,
                                  u"search"_s,   u"logistics"_s,  u"identity"_s, u"data"_s};
    return t;
}

const QStringList& alertnames()
{
    static const QStringList a = {
        u"DatabaseConnectionPoolExhausted"_s,
        u"RedisConnectionTimeout"_s,
        u"KafkaConsumerLagHigh"_s,
        u"ServiceErrorRateHigh"_s,
        u"ServiceLatencyHigh"_s,
        u"UpstreamTimeouts"_s,
        u"PodCrashLooping"_s,
        u"DiskSpaceLow"_s,
        u"CertificateExpiringSoon"_s,
        u"HighMemoryUsage"_s,
        u"CPUThrottlingHigh"_s,
        u"ReplicationLagHigh"_s,
        u"QueueBacklogGrowing"_s,
        u"HTTP5xxSpike"_s,
        u"SLOBurnRateFast"_s,
    };
    return a;
}

namespace {

QString teamOf(const QString& service)
{
    const QStringList& t = teams();
    if (service.startsWith(u"postgres") || service.startsWith(u"redis") || service == u"memcached")
        return u"db"_s;
    if (service == u"kafka" || service == u"rabbitmq" || service == u"api-gateway" || service == u"cdn-edge")
        return u"platform"_s;
    return t.at(int(qHash(service) % uint(t.size())));
}

} // namespace

bool seed(Store& store, int count, quint32 seedValue, const QDateTime& end, int years, QString* error)
{
    QRandomGenerator rng(seedValue);
    const QStringList& svc = services();
    const QStringList& names = alertnames();
    static const QStringList regions = {u"eu-west-1"_s, u"us-east-1"_s, u"ap-south-1"_s};
    static const QStringList fixes = {u"restarted the pods"_s,         u"rolled back the deploy"_s,
                                      u"raised the connection pool"_s, u"failed over to the replica"_s,
                                      u"cleared the queue backlog"_s,  u"scaled out the consumers"_s};
    const qint64 endMs = end.toMSecsSinceEpoch();
    const qint64 spanMs = qint64(years) * 365 * 24 * 3600 * 1000;
    constexpr int batch = 500;
    for (int done = 0; done < count;) {
        const int n = qMin(batch, count - done);
        AlertBatch notifications;
        QVector<Incident> incidents;
        struct Extra
        {
            bool resolved;
            QString note;
            QDateTime at;
        };
        QVector<Extra> extras;
        for (int k = 0; k < n; ++k) {
            const int index = done + k;
            const qint64 first = endMs - spanMs + qint64(double(spanMs) * (index + rng.generateDouble()) / count);
            // An outage touches the root and services near it (callers of one another sit together in the
            // vocabulary), not a random draw from the whole fleet.
            const int rootIndex = rng.bounded(int(svc.size()));
            const QString root = svc.at(rootIndex);
            Incident inc;
            inc.key = u"seed-%1-%2"_s.arg(seedValue).arg(index);
            const int alerts = 2 + rng.bounded(10);
            const QString region = regions.at(rng.bounded(int(regions.size())));
            for (int a = 0; a < alerts; ++a) {
                Alert al;
                const int near = (rootIndex + rng.bounded(7) - 3 + int(svc.size())) % int(svc.size());
                const QString service = a == 0 ? root : svc.at(near);
                al.labels.insert(u"alertname"_s, names.at(rng.bounded(int(names.size()))));
                al.labels.insert(u"service"_s, service);
                al.labels.insert(u"team"_s, teamOf(service));
                al.labels.insert(u"severity"_s, rng.bounded(3) == 0 ? u"critical"_s : u"warning"_s);
                al.labels.insert(u"region"_s, region);
                al.labels.insert(u"namespace"_s, u"production"_s);
                al.fingerprint = Alert::fingerprintOf(al.labels) + u"-%1"_s.arg(index);
                al.annotations.insert(u"summary"_s, u"%1 on %2"_s.arg(al.alertName(), service));
                al.startsAt = QDateTime::fromMSecsSinceEpoch(first + a * 45'000, Qt::UTC);
                al.receivedAt = al.startsAt.addSecs(30);
                al.source = u"seed"_s;
                notifications << al;
                Alert resolved = al;
                resolved.status = Alert::Status::Resolved;
                resolved.receivedAt = al.startsAt.addSecs(600 + rng.bounded(3600));
                resolved.endsAt = resolved.receivedAt;
                notifications << resolved;

                TrackedAlert t;
                t.latest = resolved;
                t.firstStartsAt = al.startsAt;
                t.firstReceivedAt = al.receivedAt;
                t.lastReceivedAt = resolved.receivedAt;
                t.notificationCount = 2;
                inc.alerts << t;
                if (!inc.affectedServices.contains(service))
                    inc.affectedServices << service;
            }
            inc.affectedServices.sort();
            inc.severity = Incident::highestSeverity(inc.alerts);
            inc.firstAlertAt = QDateTime::fromMSecsSinceEpoch(first, Qt::UTC);
            inc.lastAlertAt = inc.alerts.constLast().lastReceivedAt;
            inc.notificationCount = alerts * 2;
            RootCauseCandidate c;
            c.service = root;
            c.confidence = 0.4 + 0.5 * rng.generateDouble();
            c.score = c.confidence;
            c.evidence = {u"%1 alerted first, %2 s before its callers"_s.arg(root).arg(30 + rng.bounded(300)),
                          u"a deploy of %1 preceded the first alert"_s.arg(root)};
            c.hasOwnAlert = true;
            inc.rootCauses << c;
            incidents << inc;
            const bool resolved = rng.bounded(10) < 9;
            extras << Extra{resolved, rng.bounded(10) == 0 ? fixes.at(rng.bounded(int(fixes.size()))) : QString(),
                            inc.lastAlertAt.addSecs(120)};
        }
        if (!store.recordNotifications(notifications, error) || !store.saveIncidents(incidents, error))
            return false;
        for (int k = 0; k < n; ++k) {
            const Extra& e = extras.at(k);
            if (!e.note.isEmpty() && !store.recordAction(incidents.at(k).id, u"note"_s, e.note, error, e.at))
                return false;
            if (e.resolved && !store.recordAction(incidents.at(k).id, u"resolve"_s, {}, error, e.at.addSecs(60)))
                return false;
        }
        done += n;
    }
    return store.refreshSearchIndex(error); // the rows saves left for later
}

} // namespace HistorySeed
