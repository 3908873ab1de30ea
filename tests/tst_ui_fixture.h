#pragma once
// A hand-built Black-Friday snapshot for the GUI tests: order-service's connection pool exhausted
// against postgres-main, cascading to payment, checkout, inventory, notification, redis timeouts
// and kafka lag. Built by hand so the views are tested without the correlator or diagnoser.

#include "graph/servicegraph.h"
#include "model/incidentsnapshot.h"

#include <QSet>
#include <nlohmann/json.hpp>

namespace fixture {

inline QDateTime at(int h, int m, int s = 0)
{
    return QDateTime(QDate(2026, 11, 27), QTime(h, m, s), Qt::UTC);
}

inline std::shared_ptr<const ServiceGraph> blackFridayGraph()
{
    const auto json = nlohmann::json::parse(R"({
      "nodes": [
        {"id": "frontend", "kind": "web"}, {"id": "api-gateway", "kind": "gateway"},
        {"id": "checkout-service", "kind": "service"}, {"id": "payment-service", "kind": "service"},
        {"id": "order-service", "kind": "service"}, {"id": "inventory-service", "kind": "service"},
        {"id": "notification-service", "kind": "service"}, {"id": "search-service", "kind": "service"},
        {"id": "user-service", "kind": "service"}, {"id": "auth-service", "kind": "service"},
        {"id": "postgres-main", "kind": "database"}, {"id": "redis-cache", "kind": "cache"},
        {"id": "kafka", "kind": "queue"}, {"id": "elasticsearch", "kind": "search"}
      ],
      "edges": [
        {"from": "frontend", "to": "api-gateway"},
        {"from": "api-gateway", "to": "checkout-service"}, {"from": "api-gateway", "to": "search-service"},
        {"from": "api-gateway", "to": "user-service"},
        {"from": "checkout-service", "to": "order-service"}, {"from": "checkout-service", "to": "payment-service"},
        {"from": "checkout-service", "to": "inventory-service"},
        {"from": "order-service", "to": "postgres-main"}, {"from": "order-service", "to": "kafka"},
        {"from": "order-service", "to": "redis-cache"},
        {"from": "payment-service", "to": "postgres-main"}, {"from": "inventory-service", "to": "postgres-main"},
        {"from": "inventory-service", "to": "redis-cache"}, {"from": "notification-service", "to": "kafka"},
        {"from": "search-service", "to": "elasticsearch"}, {"from": "user-service", "to": "auth-service"},
        {"from": "auth-service", "to": "redis-cache"}
      ]})");
    QString error;
    auto graph = ServiceGraph::fromJson(json, &error);
    if (!graph)
        qFatal("fixture graph: %s", qPrintable(error));
    graph->addEdge(QStringLiteral("user-service"), QStringLiteral("postgres-main")); // addEdge path too
    return std::make_shared<const ServiceGraph>(std::move(*graph));
}

inline TrackedAlert alert(const QString& name, const QString& service, const QString& severity, const QDateTime& onset,
                          int notifications, bool firing = true, const QString& summary = {})
{
    TrackedAlert t;
    t.latest.labels = {{QStringLiteral("alertname"), name},
                       {QStringLiteral("service"), service},
                       {QStringLiteral("severity"), severity},
                       {QStringLiteral("env"), QStringLiteral("prod")},
                       {QStringLiteral("cluster"), QStringLiteral("eu-west-1")}};
    if (!summary.isEmpty())
        t.latest.annotations.insert(QStringLiteral("summary"), summary);
    t.latest.fingerprint = Alert::fingerprintOf(t.latest.labels);
    t.latest.status = firing ? Alert::Status::Firing : Alert::Status::Resolved;
    t.latest.startsAt = onset;
    if (!firing)
        t.latest.endsAt = onset.addSecs(120);
    t.latest.receivedAt = onset.addSecs(15);
    t.latest.source = QStringLiteral("alertmanager-poll:http://am-eu:9093");
    t.firstStartsAt = onset;
    t.firstReceivedAt = onset.addSecs(15);
    t.lastReceivedAt = onset.addSecs(15 + 60 * (notifications - 1));
    t.notificationCount = notifications;
    return t;
}

// The storm: 20 alerts, rootCauses[0] = postgres-main, one inhibited, one resolved, one outside the graph.
inline Incident blackFridayIncident()
{
    const auto s = [](const char* text) { return QString::fromUtf8(text); };
    Incident incident;
    incident.id = 42;
    incident.key = s("bf-order-pool");
    incident.alerts = {
        alert(s("PostgresTooManyConnections"), s("postgres-main"), s("critical"), at(14, 1, 5), 6, true,
              s("postgres-main at 500/500 connections")),
        alert(s("DBConnectionPoolExhausted"), s("order-service"), s("critical"), at(14, 1, 20), 7, true,
              s("order-service pool 20/20 busy, 340 waiters")),
        alert(s("PostgresSlowQueries"), s("postgres-main"), s("warning"), at(14, 1, 40), 3),
        alert(s("HighErrorRate"), s("order-service"), s("critical"), at(14, 2, 0), 5),
        alert(s("HighLatencyP99"), s("order-service"), s("warning"), at(14, 2, 10), 4),
        alert(s("RedisTimeouts"), s("redis-cache"), s("warning"), at(14, 2, 20), 3),
        alert(s("RedisHighLatency"), s("redis-cache"), s("warning"), at(14, 2, 25), 2, false),
        alert(s("HighErrorRate"), s("payment-service"), s("critical"), at(14, 2, 30), 4),
        alert(s("UpstreamTimeouts"), s("payment-service"), s("warning"), at(14, 2, 45), 3),
        alert(s("HighLatencyP99"), s("inventory-service"), s("warning"), at(14, 2, 50), 2),
        alert(s("HighErrorRate"), s("checkout-service"), s("critical"), at(14, 3, 0), 5),
        alert(s("HighLatencyP99"), s("checkout-service"), s("warning"), at(14, 3, 5), 3),
        alert(s("DBConnectionPoolExhausted"), s("inventory-service"), s("critical"), at(14, 3, 10), 3),
        alert(s("Http5xxRate"), s("api-gateway"), s("critical"), at(14, 3, 20), 4),
        alert(s("HighLatencyP99"), s("api-gateway"), s("warning"), at(14, 3, 25), 2),
        alert(s("SLOBurnRateFast"), s("checkout-service"), s("critical"), at(14, 3, 30), 2),
        alert(s("ApdexLow"), s("frontend"), s("warning"), at(14, 3, 40), 2),
        alert(s("KafkaConsumerGroupLag"), s("kafka"), s("warning"), at(14, 3, 50), 2),
        alert(s("KafkaConsumerLag"), s("notification-service"), s("warning"), at(14, 4, 0), 2),
        alert(s("JobFailing"), s("legacy-batch"), s("warning"), at(14, 4, 30), 1),
    };
    // The gateway's latency alert is inhibited by its own 5xx alert, as an Alertmanager rule would.
    incident.alerts[14].inhibited = true;
    incident.alerts[14].inhibitedBy = incident.alerts[13].fingerprint();
    incident.alerts[1].latest.labels.insert(s("pool"), s("orders-rw"));
    incident.alerts[1].latest.fingerprint = Alert::fingerprintOf(incident.alerts[1].latest.labels);

    QSet<QString> affected;
    for (const TrackedAlert& a : incident.alerts) {
        incident.notificationCount += a.notificationCount;
        if (a.isFiring())
            affected.insert(a.service());
    }
    incident.affectedServices = QStringList(affected.cbegin(), affected.cend());
    incident.affectedServices.sort();

    RootCauseCandidate root;
    root.service = s("postgres-main");
    root.score = 8.4;
    root.confidence = 0.78;
    root.hasOwnAlert = true;
    root.evidence = {
        s("postgres-main alerted first (14:01:05), 15 s before order-service."),
        s("11 of 12 alerting services depend on postgres-main (directly or transitively)."),
        s("order-service reports its connection pool exhausted against postgres-main."),
        s("order-service was deployed 6 min before the first alert (pool size 50 → 20)."),
    };
    RootCauseCandidate order;
    order.service = s("order-service");
    order.score = 3.1;
    order.confidence = 0.14;
    order.hasOwnAlert = true;
    order.evidence = {s("order-service was deployed 6 min before the first alert.")};
    RootCauseCandidate redis;
    redis.service = s("redis-cache");
    redis.confidence = 0.05;
    redis.hasOwnAlert = true;
    incident.rootCauses = {root, order, redis};
    incident.firstAlertAt = at(14, 1, 5);
    incident.lastAlertAt = at(14, 9, 30);
    incident.state = Incident::State::Triggered;
    incident.severity = s("critical");
    return incident;
}

inline Incident searchIncident()
{
    Incident incident;
    incident.id = 43;
    incident.key = QStringLiteral("search-es-heap");
    incident.alerts = {alert(QStringLiteral("ElasticsearchHeapHigh"), QStringLiteral("elasticsearch"),
                             QStringLiteral("warning"), at(13, 40), 4),
                       alert(QStringLiteral("HighLatencyP99"), QStringLiteral("search-service"),
                             QStringLiteral("warning"), at(13, 42), 3)};
    incident.affectedServices = {QStringLiteral("elasticsearch"), QStringLiteral("search-service")};
    RootCauseCandidate root;
    root.service = QStringLiteral("elasticsearch");
    root.confidence = 0.66;
    root.hasOwnAlert = true;
    root.evidence = {QStringLiteral("elasticsearch alerted 2 min before search-service, its only caller.")};
    incident.rootCauses = {root};
    incident.firstAlertAt = at(13, 40);
    incident.lastAlertAt = at(13, 58);
    incident.state = Incident::State::Acknowledged;
    incident.acknowledgedAt = at(13, 45);
    incident.acknowledgedBy = QStringLiteral("maria");
    incident.notificationCount = 7;
    incident.severity = QStringLiteral("warning");
    return incident;
}

inline Incident resolvedAuthIncident()
{
    Incident incident;
    incident.id = 40;
    incident.key = QStringLiteral("auth-token-errors");
    incident.alerts = {alert(QStringLiteral("TokenValidationErrors"), QStringLiteral("auth-service"),
                             QStringLiteral("critical"), at(12, 10), 3, false)};
    incident.affectedServices = {};
    RootCauseCandidate root;
    root.service = QStringLiteral("auth-service");
    root.confidence = 0.9;
    root.hasOwnAlert = true;
    incident.rootCauses = {root};
    incident.firstAlertAt = at(12, 10);
    incident.lastAlertAt = at(12, 25);
    incident.state = Incident::State::Resolved;
    incident.notificationCount = 3;
    incident.severity = QStringLiteral("critical");
    return incident;
}

inline QVector<SourceHealth> sources(bool usReachable = false)
{
    SourceHealth eu;
    eu.id = QStringLiteral("alertmanager-poll:http://am-eu:9093");
    eu.displayName = QStringLiteral("alertmanager-eu");
    eu.state = SourceHealth::State::Live;
    eu.lastSuccessAt = at(14, 9, 55);
    eu.alertCount = 23;
    SourceHealth us;
    us.id = QStringLiteral("alertmanager-poll:http://am-us:9093");
    us.displayName = QStringLiteral("alertmanager-us");
    us.state = usReachable ? SourceHealth::State::Live : SourceHealth::State::Unreachable;
    us.lastSuccessAt = at(13, 52, 10);
    us.lastError = usReachable ? QString() : QStringLiteral("connect to 10.2.0.14:9093: Connection refused");
    SourceHealth hook;
    hook.id = QStringLiteral("webhook:127.0.0.1:9797");
    hook.displayName = QStringLiteral("webhook");
    hook.state = SourceHealth::State::Live;
    hook.lastSuccessAt = at(14, 9, 50);
    return {eu, us, hook};
}

inline IncidentSnapshotPtr blackFridaySnapshot()
{
    auto snapshot = std::make_shared<IncidentSnapshot>();
    snapshot->incidents = {blackFridayIncident(), searchIncident(), resolvedAuthIncident()};
    snapshot->sources = sources();
    ChangeEvent deploy;
    deploy.service = QStringLiteral("order-service");
    deploy.kind = QStringLiteral("deploy");
    deploy.at = at(13, 55);
    deploy.description = QStringLiteral("order-service v2.14.0 (pool size 50 → 20)");
    snapshot->changes = {deploy};
    snapshot->graph = blackFridayGraph();
    for (const Incident& i : snapshot->incidents) {
        snapshot->alertCount += i.alerts.size();
        snapshot->notificationCount += i.notificationCount;
    }
    return snapshot;
}

} // namespace fixture
