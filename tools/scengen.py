#!/usr/bin/env python3
"""Nightwatch's own generator of alert-storm scenarios with ground truth (docs/scenario-format.md).

A random service topology; one or more faults, each raising (or not) an alert on the faulty node and symptom
alerts on the callers that depend on it, with unrelated noise, repeats, flapping, decoy labels and decoy deploys.

The `classic` profile follows the conventions many synthetic storms share: the root's alert is critical and named
after its cause, symptoms arrive hop by hop tens of seconds apart, onsets are exact to the second. Real incidents
do not follow them, so every other profile breaks one (or, `reallike`, all) of those conventions:

  equal-severity  every alert is `warning`; the root's alert has a symptom's name (LatencyHigh, ErrorRateHigh...)
  coarse-60       onsets floored to 60 s and symptoms within a minute or two of the fault: ties and inversions
  coarse-600      onsets floored to 600 s (10-minute metrics)
  silent-root     the faulty node raises no alert of its own
  edge-only       only callers alert, on the edge: `peer_service` names the callee they see failing
  old-noise       unrelated alerts that were already firing hours before the fault (and keep firing)
  cloud           topologies of 10-60 nodes with cloud resources (load balancers, queues, databases, functions)
  reallike        all of the above at the rates real fault-injection data shows, with metric series

    scengen.py --seed 7 --services 40 --faults 2 > s7.json
    scengen.py --suite DIR --count 50 --seed 1000                    # varied classic scenarios
    scengen.py --suite DIR --count 100 --seed 1 --profile reallike   # a real-like robustness suite
"""
import argparse
import datetime as dt
import hashlib
import json
import math
import os
import random

PROFILES = ["classic", "equal-severity", "coarse-60", "coarse-600", "silent-root", "edge-only", "old-noise", "cloud",
            "reallike"]

# Named causes, by kind of node: what a classic storm's root alert says.
CAUSES = {
    "database": [("DatabaseConnectionPoolExhausted", "resource"), ("DatabaseReplicationLag", "resource"),
                 ("DiskSpaceCritical", "resource")],
    "cache": [("RedisConnectionTimeout", "availability"), ("RedisMemoryHigh", "resource")],
    "queue": [("KafkaConsumerLagHigh", "resource"), ("KafkaBrokerDown", "availability")],
    "service": [("PodCrashLooping", "availability"), ("HighCPU", "resource"), ("MemoryLeakSuspected", "resource"),
                ("ConnectionPoolExhausted", "resource"), ("ServiceErrorRateHigh", "availability")],
    "loadbalancer": [("TargetUnhealthy", "availability")],
    "function": [("FunctionThrottled", "resource")],
}
# What callers of a failing node report in a classic storm: (name, impact, severity).
CLASSIC_SYMPTOMS = [("ServiceErrorRateHigh", "availability", "warning"),
                    ("ServiceLatencyHigh", "performance", "warning"),
                    ("UpstreamTimeouts", "availability", "warning"), ("HighCPU", "resource", "warning"),
                    ("ServiceErrorRateHigh", "availability", "critical")]
# What threshold alerts on real metrics, traces and logs say, on the root and its callers alike.
REAL_SYMPTOMS = [("LatencyHigh", "performance"), ("LatencyP90High", "performance"), ("AvailabilityLow", "availability"),
                 ("ErrorRateHigh", "availability"), ("CPUHigh", "resource"), ("MemoryHigh", "resource")]
EDGE_SYMPTOMS = [("ClientLatencyHigh", "performance"), ("ClientErrorRateHigh", "availability")]
NOISE = [("CertificateExpiresSoon", "info"), ("HighCPU", "warning"), ("PodRestarted", "info"),
         ("ServiceLatencyHigh", "warning"), ("DiskSpaceWarning", "warning"), ("NodeClockSkew", "info")]
REAL_NOISE = [("CPUHigh", "warning"), ("MemoryHigh", "warning"), ("LatencyHigh", "warning"),
              ("DiskSpaceLow", "warning"), ("PodRestarted", "warning")]

T0 = dt.datetime(2026, 11, 27, 23, 0, 0)
SPAN = 3600
WORDS = ["api", "worker", "gateway", "core", "sync", "auth", "cart", "search", "billing", "media"]


class Knobs:
    """Which conventions a profile breaks, and how often."""

    def __init__(self, profile):
        p = profile
        real = p == "reallike"
        self.equal_severity = p == "equal-severity" or real
        self.onset_step = 600 if p == "coarse-600" else 60 if (p == "coarse-60" or real) else 0
        self.tight_onsets = self.onset_step > 0
        self.silent_root = 1.0 if p == "silent-root" else 0.33 if real else None  # None: the classic odds
        self.edge_only = 1.0 if p == "edge-only" else 0.3 if real else 0.0
        self.old_noise = p == "old-noise" or real
        self.cloud = p == "cloud" or real
        self.metrics = real
        self.classic_labels = not real  # layer / root_cause_candidate labels, sometimes misleading


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def fingerprint(labels):
    return hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:16]


def floor_to(t, step):
    if not step:
        return t
    secs = int((t - T0).total_seconds())
    return T0 + dt.timedelta(seconds=secs - secs % step)


def layered_topology(rng, n):
    """Services in layers calling lower layers, with databases, caches and queues at the bottom."""
    n_db, n_cache, n_queue = max(1, n // 10), max(1, n // 15), max(1, n // 20)
    infra = ([(f"postgres-{i}", "database") for i in range(n_db)] + [(f"redis-{i}", "cache") for i in range(n_cache)]
             + [(f"kafka-{i}", "queue") for i in range(n_queue)])
    n_svc = max(3, n - len(infra))
    layers = max(3, min(6, n_svc // 5))
    svc = [(f"{rng.choice(WORDS)}-{i}", "service") for i in range(n_svc)]
    layer_of = {name: i * layers // n_svc for i, (name, _) in enumerate(svc)}
    edges = set()
    for name, _ in svc:
        lower = [s for s, _ in svc if layer_of[s] > layer_of[name]]
        for dep in rng.sample(lower, min(len(lower), rng.randint(1, 3))):
            edges.add((name, dep))
        if layer_of[name] >= layers - 2 or rng.random() < 0.25:
            for dep, _ in rng.sample(infra, min(len(infra), rng.randint(1, 2))):
                edges.add((name, dep))
    return svc + infra, edges


def cloud_topology(rng, n):
    """A small cloud system: load balancers in front, services calling each other, managed resources below."""
    n = max(10, min(60, n))
    n_lb = max(1, n // 12)
    n_res = max(3, n // 4)
    kinds = ["database", "queue", "cache", "function"]
    res = [(f"{k[:3]}-{rng.choice(['orders', 'users', 'events', 'media', 'jobs'])}-{i}", k)
           for i, k in enumerate(rng.choice(kinds) for _ in range(n_res))]
    n_svc = max(3, n - n_lb - n_res)
    svc = [(f"{rng.choice(WORDS)}-svc-{i}", "service") for i in range(n_svc)]
    lbs = [(f"lb-{i}", "loadbalancer") for i in range(n_lb)]
    edges = set()
    for lb, _ in lbs:
        for dep, _ in rng.sample(svc, min(len(svc), rng.randint(1, 3))):
            edges.add((lb, dep))
    for i, (name, _) in enumerate(svc):  # services call later services (a DAG) and resources
        later = svc[i + 1:]
        for dep, _ in rng.sample(later, min(len(later), rng.randint(0, 2))):
            edges.add((name, dep))
        for dep, _ in rng.sample(res, min(len(res), rng.randint(1, 2))):
            edges.add((name, dep))
    return lbs + svc + res, edges


def callers_by_hop(edges, root):
    callers = {}
    for a, b in edges:
        callers.setdefault(b, []).append(a)
    hop, frontier, via = {}, [root], {}
    seen = {root}
    d = 0
    while frontier:
        d += 1
        nxt = []
        for x in sorted(frontier):
            for p in sorted(callers.get(x, [])):
                if p not in seen:
                    seen.add(p)
                    hop[p] = d
                    via[p] = x  # the callee through which p sees the fault
                    nxt.append(p)
        frontier = nxt
    return hop, via


def make_alert(labels, summary, start, received, status="firing"):
    return {"status": status, "labels": labels, "annotations": {"summary": summary},
            "startsAt": iso(start), "endsAt": "0001-01-01T00:00:00Z" if status == "firing" else iso(received),
            "receivedAt": iso(received), "fingerprint": fingerprint(labels)}


class Metrics:
    """Per-service latency and error series at the onset resolution: a baseline with noise, a shift at a fault."""

    def __init__(self, rng, services, step):
        self.rng, self.step = rng, step or 60
        self.n = (SPAN + 1800) // self.step
        self.series = {}
        for s in services:
            base_lat = rng.uniform(20, 200)
            base_err = rng.uniform(0.0005, 0.01)
            self.series[(s, "latency_p90_ms")] = [base_lat * math.exp(rng.gauss(0, 0.08)) for _ in range(self.n)]
            self.series[(s, "error_ratio")] = [max(0.0, base_err * (1 + rng.gauss(0, 0.3))) for _ in range(self.n)]

    def shift(self, service, start, factor):
        i0 = max(0, int((start - T0).total_seconds()) // self.step)
        for metric, mult in (("latency_p90_ms", factor), ("error_ratio", factor * 4)):
            values = self.series.get((service, metric))
            if values is None:
                continue
            for i in range(i0, self.n):
                values[i] *= mult * math.exp(self.rng.gauss(0, 0.05))

    def to_json(self):
        return {"step_seconds": self.step, "start": iso(T0),
                "series": [{"metric": m, "service": s, "values": [round(v, 6) for v in vals]}
                           for (s, m), vals in sorted(self.series.items())]}


def scenario(seed, n_services=30, n_faults=1, noise_rate=0.3, hostile=0.3, profile="classic"):
    rng = random.Random(f"{profile}:{seed}")
    k = Knobs(profile)
    nodes, edges = cloud_topology(rng, n_services) if k.cloud else layered_topology(rng, n_services)
    kinds = dict(nodes)
    metrics = Metrics(rng, list(kinds), k.onset_step) if k.metrics else None
    notes, truth, changes, noise = [], [], [], []
    used_roots = set()

    def add(labels, summary, onset, received, repeats=1):
        onset = floor_to(onset, k.onset_step)
        for r in range(repeats):
            notes.append(make_alert(labels, summary, onset, received + dt.timedelta(seconds=300 * r)))
        return notes[-1]["fingerprint"]

    for _ in range(n_faults):
        candidates = sorted(n for n in kinds if n not in used_roots and callers_by_hop(edges, n)[0])
        if not candidates:
            break
        root = rng.choice(candidates)
        used_roots.add(root)
        start = T0 + dt.timedelta(seconds=rng.randint(300, SPAN - 900))
        hops, via = callers_by_hop(edges, root)
        fault = []  # (labels, summary, onset)
        silent_odds = 0.2 * hostile * 3 if k.silent_root is None else k.silent_root
        edge_only = rng.random() < k.edge_only
        if metrics:
            metrics.shift(root, start, rng.uniform(2.5, 6.0))
        if not edge_only and rng.random() >= silent_odds:
            if k.equal_severity:
                cause, impact = rng.choice(REAL_SYMPTOMS)
                labels = {"alertname": cause, "service": root, "severity": "warning"}
            else:
                cause, impact = rng.choice(CAUSES[kinds[root]])
                labels = {"alertname": cause, "service": root, "severity": "critical", "namespace": "production",
                          "layer": "application" if kinds[root] == "service" else "infrastructure",
                          "impact_type": impact}
                if rng.random() < 0.6:
                    labels["root_cause_candidate"] = "true"
            onset = start + dt.timedelta(seconds=rng.randint(0, 120) if k.tight_onsets else 0)
            fault.append((labels, f"{cause} on {root}", onset))
        else:
            cause = rng.choice(CAUSES.get(kinds[root], CAUSES["service"]))[0]
        if rng.random() < 0.5:
            changes.append({"service": root, "kind": "deploy",
                            "at": iso(start - dt.timedelta(seconds=rng.randint(120, 1500))),
                            "description": f"{root} v{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"})
        for svc, hop in sorted(hops.items()):
            if rng.random() > 0.92 ** hop * 0.95:
                continue
            if k.tight_onsets:  # propagation is fast; thresholds trip in any order within a minute or two
                delay = rng.randint(0, 30) * hop + rng.randint(-60, 120)
            else:
                delay = hop * rng.randint(15, 90) + rng.randint(-20, 40)
            onset = start + dt.timedelta(seconds=max(0, delay))
            if metrics:
                metrics.shift(svc, onset, rng.uniform(1.3, 3.0))
            if edge_only or (k.edge_only and rng.random() < 0.3):
                for name, _ in rng.sample(EDGE_SYMPTOMS, rng.randint(1, 2)):
                    labels = {"alertname": name, "service": svc, "peer_service": via[svc], "severity": "warning"}
                    fault.append((labels, f"{name} on {svc} calling {via[svc]}", onset))
                continue
            if k.equal_severity:
                for name, _ in rng.sample(REAL_SYMPTOMS, rng.randint(1, 3)):
                    labels = {"alertname": name, "service": svc, "severity": "warning"}
                    fault.append((labels, f"{name} on {svc}", onset))
                continue
            for name, impact, sev in rng.sample(CLASSIC_SYMPTOMS, rng.randint(1, 3)):
                labels = {"alertname": name, "service": svc, "severity": sev, "namespace": "production",
                          "layer": "application", "impact_type": impact}
                if k.classic_labels and rng.random() < 0.5:
                    labels["root_cause_candidate"] = "false"
                if k.classic_labels and rng.random() < hostile * 0.15:
                    labels["root_cause_candidate"] = "true"  # a misleading label
                fault.append((labels, f"{name} on {svc}", onset))
        fps = []
        for labels, summary, onset in fault:
            received = onset + dt.timedelta(seconds=rng.randint(5, 45))
            fps.append(add(labels, summary, onset, received, 1 + (rng.random() < 0.3) * rng.randint(1, 3)))
        truth.append({"root_cause_service": root, "cause": cause, "alerts": sorted(set(fps))})

    faulty = {fp for t in truth for fp in t["alerts"]}
    noise_names = REAL_NOISE if k.equal_severity else NOISE
    for _ in range(int(n_services * noise_rate)):
        svc = rng.choice(sorted(kinds))
        name, sev = rng.choice(noise_names)
        labels = {"alertname": name, "service": svc, "severity": sev}
        if k.classic_labels:
            labels.update({"namespace": "production", "layer": "application", "impact_type": "resource"})
        s = T0 + dt.timedelta(seconds=rng.randint(0, SPAN))
        if k.old_noise and rng.random() < 0.5:  # already firing long before; re-notified during the window
            s = T0 - dt.timedelta(seconds=rng.randint(3600, 48 * 3600))
            received = T0 + dt.timedelta(seconds=rng.randint(0, SPAN))
        else:
            received = s + dt.timedelta(seconds=rng.randint(5, 60))
        a = make_alert(labels, f"{name} on {svc}", floor_to(s, k.onset_step) if s >= T0 else s, received)
        if a["fingerprint"] in faulty:
            continue
        notes.append(a)
        noise.append(a["fingerprint"])
        if s >= T0 and rng.random() < 0.3:  # flapping: resolves, fires again
            notes.append(make_alert(labels, a["annotations"]["summary"], s, s + dt.timedelta(seconds=240), "resolved"))
            notes.append(make_alert(labels, a["annotations"]["summary"], s + dt.timedelta(seconds=400),
                                    s + dt.timedelta(seconds=420)))
    for _ in range(rng.randint(0, 3)):  # decoy deploys
        svc = rng.choice(sorted(kinds))
        changes.append({"service": svc, "kind": "deploy", "at": iso(T0 + dt.timedelta(seconds=rng.randint(0, SPAN))),
                        "description": f"{svc} routine deploy"})
    for i in range(2 if k.cloud else 1):  # services that alert but are missing from the topology
        if rng.random() >= max(hostile, 0.5 if k.cloud else 0.0):
            continue
        svc = ["legacy-batch", "cron-reports"][i]
        labels = {"alertname": "CPUHigh" if k.equal_severity else "HighCPU", "service": svc, "severity": "warning"}
        s = T0 + dt.timedelta(seconds=rng.randint(0, SPAN))
        a = make_alert(labels, f"{labels['alertname']} on {svc}", floor_to(s, k.onset_step),
                       s + dt.timedelta(seconds=30))
        notes.append(a)
        noise.append(a["fingerprint"])
    notes.sort(key=lambda a: a["receivedAt"])
    out = {"name": f"{'gen' if profile == 'classic' else profile}-s{seed}",
           "topology": {"nodes": [{"id": n, "kind": kind} for n, kind in nodes],
                        "edges": [{"from": a, "to": b} for a, b in sorted(edges)]},
           "alerts": notes, "changes": sorted(changes, key=lambda c: c["at"])}
    if metrics:
        out["metrics"] = metrics.to_json()
    out["truth"] = {"incidents": truth, "noise": sorted(set(noise))}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--services", type=int, default=30)
    ap.add_argument("--faults", type=int, default=1)
    ap.add_argument("--noise", type=float, default=0.3, help="noise alerts per service")
    ap.add_argument("--hostile", type=float, default=0.3, help="0..1: how often labels mislead (classic)")
    ap.add_argument("--profile", choices=PROFILES, default="classic")
    ap.add_argument("--suite", help="write a varied suite of scenarios into this folder")
    ap.add_argument("--count", type=int, default=30)
    a = ap.parse_args()
    if a.suite:
        os.makedirs(a.suite, exist_ok=True)
        rng = random.Random(f"suite:{a.profile}:{a.seed}")
        sizes = [10, 20, 30, 45, 60] if a.profile in ("cloud", "reallike") else [12, 25, 40, 80, 150]
        for i in range(a.count):
            s = scenario(a.seed + i, rng.choice(sizes), rng.choice([1, 1, 2, 3]), rng.choice([0.1, 0.3, 0.6]),
                         rng.choice([0.0, 0.3, 0.6]), a.profile)
            with open(os.path.join(a.suite, f"{s['name']}.json"), "w") as f:
                json.dump(s, f, indent=1)
        return
    print(json.dumps(scenario(a.seed, a.services, a.faults, a.noise, a.hostile, a.profile), indent=1))


if __name__ == "__main__":
    main()
