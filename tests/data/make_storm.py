#!/usr/bin/env python3
"""Writes storm-300.json: a 300-service alert storm with 6 faults and 80 unrelated single alerts.

The fixture behind the incident list's storm test and docs/storm-list.png. Deterministic (fixed seed), so
running it again rewrites the same file:

    python3 tests/data/make_storm.py > tests/data/storm-300.json
"""
import datetime as dt
import hashlib
import json
import random

rng = random.Random(300)
BASE = dt.datetime(2026, 11, 27, 23, 0, tzinfo=dt.timezone.utc)
WORDS = ["cart", "search", "ledger", "billing", "profile", "catalog", "pricing", "review", "shipping", "loyalty",
         "auth", "session", "media", "tax", "fraud", "invoice", "coupon", "stock", "rating", "feed"]


def stamp(minutes):
    return (BASE + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


nodes, edges = [], []
infra = ([("postgres-%d" % i, "database") for i in range(20)] + [("redis-%d" % i, "cache") for i in range(15)] +
         [("kafka-%d" % i, "queue") for i in range(15)])
services = ["%s-%d" % (WORDS[i % len(WORDS)], i // len(WORDS)) for i in range(240)]
frontends = ["frontend-%d" % i for i in range(10)]
nodes += [{"id": n, "kind": k} for n, k in infra]
nodes += [{"id": s, "kind": "service"} for s in services + frontends]
for i, s in enumerate(services):
    for callee in rng.sample(services[i + 1:], min(2, len(services) - i - 1)):
        edges.append({"from": s, "to": callee})
    edges.append({"from": s, "to": rng.choice(infra)[0]})
for f in frontends:
    for callee in rng.sample(services[:60], 6):
        edges.append({"from": f, "to": callee})
callers = {}
for e in edges:
    callers.setdefault(e["to"], []).append(e["from"])

alerts = []


def alert(name, service, severity, minute, summary, layer="application"):
    labels = {"alertname": name, "service": service, "severity": severity, "namespace": "production", "layer": layer}
    fingerprint = hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:16]
    alerts.append({"status": "firing", "labels": labels, "annotations": {"summary": summary},
                   "startsAt": stamp(minute), "endsAt": "0001-01-01T00:00:00Z", "receivedAt": stamp(minute + 0.5),
                   "fingerprint": fingerprint})


faults = [("postgres-3", "DatabaseConnectionPoolExhausted"), ("redis-7", "RedisMemoryHigh"),
          ("kafka-2", "KafkaConsumerLagHigh"), ("postgres-11", "DiskSpaceCritical"),
          ("ledger-2", "PodCrashLooping"), ("redis-1", None)]  # the last root raises nothing of its own
truth = []
for n, (root, cause) in enumerate(faults):
    start = 5 + n * 8
    if cause:
        alert(cause, root, "critical", start, "%s: %s" % (root, cause), "infrastructure")
    hit, frontier = [], [root]
    for hop in (1, 2):
        frontier = sorted({c for f in frontier for c in callers.get(f, [])})[:6]
        for k, c in enumerate(frontier):
            name = rng.choice(["ServiceErrorRateHigh", "ServiceLatencyHigh", "UpstreamTimeouts"])
            severity = "critical" if hop == 2 and k == 0 else "warning"
            alert(name, c, severity, start + hop * 0.75 + k * 0.1, "%s on %s" % (name, c))
            hit.append(c)
    truth.append({"root_cause_service": root})

NOISE = [("HighCPU", "warning"), ("CertificateExpiresSoon", "info"), ("DiskSpaceLow", "warning"),
         ("PodRestarting", "info"), ("MemoryHigh", "warning")]
for i in range(80):
    name, severity = rng.choice(NOISE)
    alert(name, services[(i * 37) % len(services)], severity, rng.uniform(0, 58), "%s (background)" % name)

alerts.sort(key=lambda a: a["receivedAt"])
changes = [{"service": "postgres-3", "kind": "deploy", "at": stamp(2), "description": "pgbouncer pool 200 -> 50"},
           {"service": "search-4", "kind": "deploy", "at": stamp(20), "description": "search v7.1"}]
print(json.dumps({"name": "storm-300", "topology": {"nodes": nodes, "edges": edges}, "alerts": alerts,
                  "changes": changes, "truth": {"incidents": truth}}, indent=None, separators=(",", ":")))
