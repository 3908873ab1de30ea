#!/usr/bin/env python3
"""Fit the Diagnoser's feature weights (conditional logit) and the ConfidenceCalibrator (Platt scaling).

Offline tool, never part of the engine: it reads scenario `truth`, which the engine must not.

    fit_diagnoser.py --cli build/app/nightwatch-cli --suite /tmp/suiteA          # fit, print constants
    fit_diagnoser.py --cli ... --suite /tmp/suiteB --weights W.json --check       # reliability on held-out

For every true incident, the output incident sharing most of its alerts gives a candidate set with
feature vectors (`diagnose --dump-features`); the weights maximise the softmax likelihood of the true
root within that set (L2-regularised, plain gradient ascent: no numpy on the build machines).
"""
import argparse, glob, json, math, os, subprocess, sys, tempfile


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


def fit(data, dim, l2=0.01, lr=0.5, iters=1500):
    w = [0.0] * dim
    usable = [(X, y) for X, y, _ in data if y >= 0 and len(X) > 1]
    for it in range(iters):
        g = [-l2 * v for v in w]
        ll = 0.0
        for X, y in usable:
            p = softmax(scores(w, X))
            ll += math.log(max(p[y], 1e-12))
            for i, x in enumerate(X):
                c = (1.0 if i == y else 0.0) - p[i]
                if c:
                    for d in range(dim):
                        g[d] += c * x[d]
        step = lr / len(usable)
        w = [a + step * b for a, b in zip(w, g)]
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
    ap.add_argument("--suite", required=True)
    ap.add_argument("--weights", help="JSON {weights:[...], a:, b:} to check instead of fitting")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    data = examples(a.cli, a.suite)
    dim = len(next(X for X, _, _ in data if X)[0])
    missing = sum(1 for _, y, _ in data if y < 0)
    print(f"incidents={len(data)} root-not-in-candidates={missing}", file=sys.stderr)
    if a.weights:
        p = json.load(open(a.weights))
        w, ca, cb = p["weights"], p["a"], p["b"]
    else:
        w, ll = fit(data, dim)
        ca, cb = platt(top_pairs(w, data))
        print(json.dumps({"weights": [round(v, 3) for v in w], "a": round(ca, 3), "b": round(cb, 3),
                          "mean_loglik": round(ll, 4)}))
    pairs = top_pairs(w, data)
    hits = sum(h for _, h in pairs)
    print(f"top1 {hits}/{len(pairs)} = {hits / len(pairs):.3f}", file=sys.stderr)
    bins = [0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01]
    rows = [[0, 0, 0.0] for _ in bins[:-1]]
    for z, h in pairs:
        p = 1 / (1 + math.exp(-(ca * z + cb)))
        k = next(i for i in range(len(bins) - 1) if bins[i] <= p < bins[i + 1])
        rows[k][0] += 1; rows[k][1] += h; rows[k][2] += p
    print("confidence bin | n | mean confidence | observed accuracy", file=sys.stderr)
    for (lo, hi), (n, h, ps) in zip(zip(bins, bins[1:]), rows):
        if n:
            print(f"[{lo:.2f},{min(hi, 1):.2f}) | {n} | {ps / n:.3f} | {h / n:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
