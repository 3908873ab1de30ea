#!/usr/bin/env python3
"""Fit the Diagnoser's feature weights (conditional logit) and the ConfidenceCalibrator (Platt scaling).

Offline tool, never part of the engine: it reads scenario `truth`, which the engine must not.

    fit_diagnoser.py --cli build/app/nightwatch-cli --suite /tmp/A --suite /tmp/B --drop critical,distinct_critical
    fit_diagnoser.py --cli ... --suite /tmp/heldout --weights W.json --check       # reliability on held-out

Fit on several suites pooled (every scengen profile and generate.py, tuning seeds) and check on disjoint seeds:
weights fitted on one generator learn its conventions. --drop holds features at 0 (severity and alert names are
generator conventions); --fixed holds hand-set ones at their value (no examples in any suite).

For every true incident, the output incident sharing most of its alerts gives a candidate set with
feature vectors (`diagnose --dump-features`); the weights maximise the softmax likelihood of the true
root within that set (L2-regularised, plain gradient ascent: no numpy on the build machines).
"""
import argparse, glob, json, math, os, subprocess, sys, tempfile


FEATURES = ("explains precision own_alert own_lead silent caller_share hop_order earliest_near labelled_root "
            "labelled_not_root infra_layer critical infra_kind recent_change unexplained not_in_graph first_explained "
            "metric_support past_root own_elsewhere own_elsewhere_later distinct_critical accused frontier "
            "metric_anomaly dominated").split()  # Diagnoser::featureName order


def examples(cli, suite):
    out = []
    for f in sorted(glob.glob(os.path.join(suite, "*.json"))):
        sc = json.load(open(f))
        with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
            subprocess.run([cli, "diagnose", f, "--dump-features", tmp.name], check=True, capture_output=True)
            incs = json.load(open(tmp.name))
        for t in sc["truth"]["incidents"]:
            ta = set(t["alerts"])
            best = max(incs, key=lambda i: len(ta & set(i["alerts"])), default=None)
            if not best or not ta & set(best["alerts"]):
                continue
            names = [c["service"] for c in best["candidates"]]
            X = [c["features"] for c in best["candidates"]]
            y = names.index(t["root_cause_service"]) if t["root_cause_service"] in names else -1
            out.append((X, y, os.path.basename(f)))
    return out


def scores(w, X):
    return [sum(a * b for a, b in zip(w, x)) for x in X]


def softmax(s):
    m = max(s)
    e = [math.exp(v - m) for v in s]
    z = sum(e)
    return [v / z for v in e]


def fit(data, dim, free, w0, l2=0.0005, lr=0.05, iters=300, keep=12):
    """Adam on the mean log-likelihood; each incident's candidates cut to the `keep` best under w0 plus the root."""
    w = list(w0)
    usable = []
    for X, y, _ in data:
        if y < 0 or len(X) < 2:
            continue
        s = scores(w0, X)
        kept = sorted(set(sorted(range(len(X)), key=lambda i: -s[i])[:keep]) | {y})
        usable.append(([[(d, v) for d, v in enumerate(X[i]) if v] for i in kept], kept.index(y)))
    m, v2 = [0.0] * dim, [0.0] * dim
    for it in range(1, iters + 1):
        g, ll = [0.0] * dim, 0.0
        for X, y in usable:
            p = softmax([sum(w[d] * v for d, v in x) for x in X])
            ll += math.log(max(p[y], 1e-12))
            for i, x in enumerate(X):
                c = (1.0 if i == y else 0.0) - p[i]
                for d, v in x:
                    g[d] += c * v
        for d in free:
            gd = l2 * w[d] - g[d] / len(usable)
            m[d] = 0.9 * m[d] + 0.1 * gd
            v2[d] = 0.999 * v2[d] + 0.001 * gd * gd
            w[d] -= lr * (m[d] / (1 - 0.9 ** it)) / (math.sqrt(v2[d] / (1 - 0.999 ** it)) + 1e-8)
    return w, ll / len(usable)


def platt(pairs, iters=3000, lr=0.5):
    a, b = 1.0, 0.0
    for _ in range(iters):
        ga = gb = 0.0
        for z, hit in pairs:
            p = 1 / (1 + math.exp(-(a * z + b)))
            ga += (hit - p) * z
            gb += hit - p
        a += lr * ga / len(pairs)
        b += lr * gb / len(pairs)
    return a, b


def top_pairs(w, data):
    pairs = []
    for X, y, _ in data:
        s = scores(w, X)
        order = sorted(range(len(X)), key=lambda i: -s[i])
        p0 = min(max(softmax(s)[order[0]], 1e-6), 1 - 1e-6)
        pairs.append((math.log(p0 / (1 - p0)), 1 if y >= 0 and order[0] == y else 0))
    return pairs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--suite", required=True, action="append", help="a folder of scenarios; repeat to pool")
    ap.add_argument("--drop", default="", help="feature names held at 0 (comma-separated)")
    ap.add_argument("--fixed", default="metric_support=2,past_root=1,not_in_graph=-1",
                    help="name=value features held at a hand-set value")
    ap.add_argument("--start", help="JSON {weights:[...]} to start from (the current weights)")
    ap.add_argument("--weights", help="JSON {weights:[...], a:, b:} to check instead of fitting")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    data = [x for suite in a.suite for x in examples(a.cli, suite)]
    dim = len(next(X for X, _, _ in data if X)[0])
    missing = sum(1 for _, y, _ in data if y < 0)
    print(f"incidents={len(data)} root-not-in-candidates={missing}", file=sys.stderr)
    if a.weights:
        p = json.load(open(a.weights))
        w, ca, cb = p["weights"], p["a"], p["b"]
    else:
        names = FEATURES[:dim]
        fixed = dict(kv.split("=") for kv in a.fixed.split(",") if kv)
        drop = set(filter(None, a.drop.split(",")))
        w0 = json.load(open(a.start))["weights"] if a.start else [0.0] * dim
        w0 = [0.0 if n in drop else float(fixed[n]) if n in fixed else w0[i] for i, n in enumerate(names)]
        free = [i for i, n in enumerate(names) if n not in drop and n not in fixed]
        w, ll = fit(data, dim, free, w0)
        ca, cb = platt(top_pairs(w, data))
        print(json.dumps({"weights": [round(v, 3) for v in w], "a": round(ca, 3), "b": round(cb, 3),
                          "mean_loglik": round(ll, 4)}))
    pairs = top_pairs(w, data)
    hits = sum(h for _, h in pairs)
    print(f"top1 {hits}/{len(pairs)} = {hits / len(pairs):.3f}", file=sys.stderr)
    bins = [0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01]
    rows = [[0, 0, 0.0] for _ in bins[:-1]]
    brier = 0.0
    for z, h in pairs:
        p = 1 / (1 + math.exp(-(ca * z + cb)))
        brier += (p - h) ** 2
        k = next(i for i in range(len(bins) - 1) if bins[i] <= p < bins[i + 1])
        rows[k][0] += 1; rows[k][1] += h; rows[k][2] += p
    ece = sum(abs(ps - h) for n, h, ps in rows if n) / len(pairs)
    print(f"Brier {brier / len(pairs):.4f} ECE {ece:.4f}", file=sys.stderr)
    print("confidence bin | n | mean confidence | observed accuracy", file=sys.stderr)
    for (lo, hi), (n, h, ps) in zip(zip(bins, bins[1:]), rows):
        if n:
            print(f"[{lo:.2f},{min(hi, 1):.2f}) | {n} | {ps / n:.3f} | {h / n:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
