#!/usr/bin/env python3
"""Writes the built-in demo feed: the Black-Friday cascade, in the scenario format of
shared/scenarios/FORMAT.md. order-service's database connection pool is exhausted after the
v3.2.2 deploy; payment, checkout, inventory, notification and the gateway suffer, checkout sees
redis timeouts (its threads are stuck behind order calls), notification's kafka consumer lags.
Alertmanager repeats and an unrelated certificate warning make it a realistic ~30-notification storm.

    python3 make_demo_feed.py   # rewrites blackfriday-feed.json and blackfriday-graph.json
"""
import datetime as dt
import hashlib
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = dt.datetime(2026, 11, 27, 23, 47, 0)

NODES = [("api-gateway", "service"), ("checkout-service", "service"), ("payment-service", "service"),
         ("order-service", "service"), ("inventory-service", "service"), ("notification-service", "service"),
         ("search-service", "service"), ("user-service", "service"), ("postgres-main", "database"),
         ("postgres-users", "database"), ("redis-cache", "cache"), ("kafka", "queue"),
         ("elasticsearch", "database")]
EDGES = [("api-gateway", "checkout-service"), ("api-gateway", "search-service"), ("api-gateway", "user-service"),
         ("checkout-service", "order-service"), ("checkout-service", "payment-service"),
         ("checkout-service", "inventory-service"), ("checkout-service", "redis-cache"),
         ("payment-service", "order-service"), ("inventory-service", "order-service"),
         ("inventory-service", "postgres-main"), ("notification-service", "order-service"),
         ("notification-service", "kafka"), ("order-service", "postgres-main"), ("order-service", "redis-cache"),
         ("order-service", "kafka"), ("search-service", "elasticsearch"), ("user-service", "postgres-users")]

# (seconds after T0, alertname, service, severity, extra labels, summary, repeats)
STORM = [
    (0, "DatabaseConnectionPoolExhausted", "order-service", "critical",
     {"layer": "infrastructure", "impact_type": "resource", "root_cause_candidate": "true", "pool": "orders-db",
      "container": "order-service"},
     "order-service: DB connection pool to postgres-main at 100% (50/50), 212 waiters", 4),
    (25, "ServiceLatencyHigh", "order-service", "warning", {"layer": "application", "impact_type": "performance"},
     "order-service p99 latency 8.2 s (SLO 500 ms)", 2),
    (40, "UpstreamTimeouts", "payment-service", "critical", {"layer": "application", "impact_type": "availability"},
     "payment-service: 41% of calls to order-service time out", 3),
    (48, "ServiceLatencyHigh", "inventory-service", "warning", {"layer": "application", "impact_type": "performance"},
     "inventory-service p99 latency 4.1 s", 1),
    (55, "ServiceErrorRateHigh", "payment-service", "critical", {"layer": "application", "impact_type": "availability",
     "root_cause_candidate": "false"}, "payment-service 5xx ratio 23%", 3),
    (62, "ServiceErrorRateHigh", "checkout-service", "critical", {"layer": "application", "impact_type": "availability"},
     "checkout-service 5xx ratio 31%", 3),
    (70, "RedisConnectionTimeout", "checkout-service", "warning", {"layer": "application", "impact_type": "availability",
     "peer": "redis-cache"}, "checkout-service: redis-cache calls time out (thread pool saturated)", 2),
    (75, "UpstreamTimeouts", "inventory-service", "warning", {"layer": "application", "impact_type": "availability"},
     "inventory-service: reservation calls to order-service time out", 1),
    (90, "KafkaConsumerLagHigh", "notification-service", "warning", {"layer": "application", "impact_type": "resource",
     "topic": "order-events", "consumer_group": "notifications"}, "notification-service lag on order-events: 48,210", 3),
    (98, "ServiceErrorRateHigh", "notification-service", "warning", {"layer": "application",
     "impact_type": "availability"}, "notification-service 5xx ratio 9%", 1),
    (105, "HTTP5xxRateHigh", "api-gateway", "critical", {"layer": "edge", "impact_type": "availability"},
     "api-gateway: 18% of /checkout requests fail", 3),
    (120, "SLOBurnRateFast", "api-gateway", "critical", {"layer": "edge", "impact_type": "availability",
     "slo": "checkout-availability"}, "checkout availability SLO burning 14x", 3),
    (140, "HighCPU", "checkout-service", "warning", {"layer": "application", "impact_type": "resource"},
     "checkout-service CPU 92% (retry storm)", 1),
]
NOISE = [(-1620, "CertificateExpiresSoon", "search-service", "info", {"layer": "application", "impact_type": "resource"},
          "TLS certificate for search.internal expires in 13 days", 1)]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def fingerprint(labels):
    return hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:16]


def notifications(rows):
    out = []
    for offset, name, svc, sev, extra, summary, repeats in rows:
        labels = {"alertname": name, "service": svc, "severity": sev, "namespace": "production",
                  "team": "commerce" if svc != "search-service" else "discovery", **extra}
        start = T0 + dt.timedelta(seconds=offset)
        for r in range(repeats):  # Alertmanager re-sends on every group_interval while it fires
            received = start + dt.timedelta(seconds=15 + 300 * r)
            out.append({"status": "firing", "labels": labels, "annotations": {"summary": summary,
                        "runbook_url": f"https://runbooks.internal/{name}"},
                        "startsAt": iso(start), "endsAt": "0001-01-01T00:00:00Z", "receivedAt": iso(received),
                        "fingerprint": fingerprint(labels)})
    return out


def metrics():
    start = T0 - dt.timedelta(minutes=30)
    steps = 50  # one per minute, 30 before and 20 after onset

    def ramp(i, base, peak, onset_min):
        x = i - 30 - onset_min
        return round(base + (peak - base) / (1 + math.exp(-1.5 * x)), 4)
    series = [
        {"metric": "db_pool_in_use_ratio", "service": "order-service", "values": [ramp(i, 0.35, 1.0, -1) for i in range(steps)]},
        {"metric": "error_ratio", "service": "order-service", "values": [ramp(i, 0.002, 0.18, 0) for i in range(steps)]},
        {"metric": "error_ratio", "service": "payment-service", "values": [ramp(i, 0.001, 0.23, 1) for i in range(steps)]},
        {"metric": "error_ratio", "service": "checkout-service", "values": [ramp(i, 0.002, 0.31, 1) for i in range(steps)]},
        {"metric": "error_ratio", "service": "api-gateway", "values": [ramp(i, 0.001, 0.18, 2) for i in range(steps)]},
        {"metric": "p99_latency_seconds", "service": "order-service", "values": [ramp(i, 0.21, 8.2, 0) for i in range(steps)]},
    ]
    return {"step_seconds": 60, "start": iso(start), "series": series}


def main():
    alerts = sorted(notifications(STORM) + notifications(NOISE), key=lambda a: a["receivedAt"])
    topology = {"nodes": [{"id": n, "kind": k} for n, k in NODES], "edges": [{"from": a, "to": b} for a, b in EDGES]}
    feed = {"name": "demo-black-friday-cascade", "topology": topology, "alerts": alerts,
            "changes": [{"service": "order-service", "kind": "deploy", "at": iso(T0 - dt.timedelta(minutes=14)),
                         "description": "order-service v3.2.2 rollout 100% (connection pool refactor)",
                         "link": "https://deploys.internal/order-service/v3.2.2"},
                        {"service": "search-service", "kind": "deploy", "at": iso(T0 - dt.timedelta(minutes=52)),
                         "description": "search-service v1.9.0 routine deploy"}],
            "metrics": metrics()}
    with open(os.path.join(HERE, "blackfriday-feed.json"), "w") as f:
        json.dump(feed, f, indent=1)
    with open(os.path.join(HERE, "blackfriday-graph.json"), "w") as f:
        json.dump(topology, f, indent=1)
    print(f"{len(alerts)} notifications, {len({a['fingerprint'] for a in alerts})} alerts")


if __name__ == "__main__":
    main()
