#!/usr/bin/env python3
"""The NumPy side of scripts/bench: the same work as NNBench, timed the same way.

Prints one line per item: key<TAB>value<TAB>unit<TAB>label, with the keys
NNBench uses, so scripts/bench can put the two side by side. Medians of
repeated runs after warm-up; each item stops after about 1.5 s of timing.
Pass key substrings to run only some items.
"""
import sys
import time

import numpy as np


def median_time(body, warmup=2, min_runs=5, max_runs=200, budget=1.5):
    for _ in range(warmup):
        body()
    times = []
    begin = time.perf_counter()
    while len(times) < max_runs and (len(times) < min_runs or time.perf_counter() - begin < budget):
        t0 = time.perf_counter()
        body()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def matmul(n, dtype):
    name = "f32" if dtype == np.float32 else "f64"

    def run():
        rng = np.random.default_rng(1)
        a = rng.standard_normal((n, n)).astype(dtype)
        b = rng.standard_normal((n, n)).astype(dtype)
        t = median_time(lambda: a @ b, warmup=2, min_runs=5, max_runs=100)
        return 2 * n**3 / t / 1e9

    return (f"matmul_{name}_{n}", f"matmul {n}x{n} {np.dtype(dtype).name}", "GFLOP/s", run)


def tanh_affine():
    def run():
        x = np.random.default_rng(2).standard_normal(1_000_000).astype(np.float32)
        a, b = np.float32(0.5), np.float32(0.1)
        return median_time(lambda: np.tanh(a * x + b), warmup=3, min_runs=20, max_runs=500) * 1e3

    return ("tanh_affine_1m", "tanh(a*x + b), 1M float32", "ms", run)


def mlp_step():
    """Forward, mean softmax cross-entropy, backward by hand, SGD: as NNBench's step."""

    def run():
        rng = np.random.default_rng(3)
        sizes = [784, 256, 128, 10]
        params = []
        for i, o in zip(sizes, sizes[1:]):
            bound = 1 / np.sqrt(i)
            params.append([rng.uniform(-bound, bound, (i, o)).astype(np.float32),
                           rng.uniform(-bound, bound, o).astype(np.float32)])
        x = rng.standard_normal((64, 784)).astype(np.float32)
        y = rng.integers(0, 10, 64)
        lr = np.float32(0.01)
        n = x.shape[0]

        def step():
            (w1, b1), (w2, b2), (w3, b3) = params
            z1 = x @ w1 + b1
            h1 = np.maximum(z1, 0)
            z2 = h1 @ w2 + b2
            h2 = np.maximum(z2, 0)
            logits = h2 @ w3 + b3
            m = logits.max(axis=1, keepdims=True)
            e = np.exp(logits - m)
            s = e.sum(axis=1, keepdims=True)
            logp = logits - m - np.log(s)
            loss = -logp[np.arange(n), y].mean()
            g = e / s
            g[np.arange(n), y] -= 1
            g /= n
            gw3 = h2.T @ g; gb3 = g.sum(axis=0)
            g = (g @ w3.T) * (z2 > 0)
            gw2 = h1.T @ g; gb2 = g.sum(axis=0)
            g = (g @ w2.T) * (z1 > 0)
            gw1 = x.T @ g; gb1 = g.sum(axis=0)
            for p, gp in zip([w1, b1, w2, b2, w3, b3], [gw1, gb1, gw2, gb2, gw3, gb3]):
                p -= lr * gp
            return loss

        return median_time(step, warmup=5, min_runs=20, max_runs=500) * 1e3

    return ("mlp_step_64", "MLP 784-256-128-10 step, batch 64", "ms", run)


ITEMS = [
    matmul(256, np.float32), matmul(1024, np.float32), matmul(2048, np.float32),
    matmul(256, np.float64), matmul(1024, np.float64), matmul(2048, np.float64),
    tanh_affine(),
    mlp_step(),
]

if __name__ == "__main__":
    filters = sys.argv[1:]
    for key, label, unit, run in ITEMS:
        if filters and not any(f in key for f in filters):
            continue
        print(f"{key}\t{run()!r}\t{unit}\t{label}", flush=True)
