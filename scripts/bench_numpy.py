#!/usr/bin/env python3
"""The NumPy side of scripts/bench: the same work as NNBench, timed the same way.

Prints one line per item in bench_common's format, with the keys NNBench
uses, so scripts/bench can put the sides together. Medians of repeated runs
after warm-up; each item stops after about 1.5 s of timing. Pass key
substrings to run only some items.
"""
import csv
import os

import numpy as np

from bench_common import main, median_time


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


def adam_mlp_epoch(X, y, sizes, batch, rng, seed_params=6):
    """An epoch function for a ReLU MLP trained by hand with Adam (PyTorch's
    update, lr 1e-3) on batches of `batch` rows in a new random order each
    epoch; as nn's `fit`, it also sums the loss and counts correct predictions."""
    n = X.shape[0]
    prng = np.random.default_rng(seed_params)
    params = []
    for i, o in zip(sizes, sizes[1:]):
        bound = 1 / np.sqrt(i)
        params.append(prng.uniform(-bound, bound, (i, o)).astype(np.float32))
        params.append(prng.uniform(-bound, bound, o).astype(np.float32))
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8
    state = {"step": 0}
    layers = len(sizes) - 1

    def epoch():
        order = rng.permutation(n)
        loss_sum, correct = 0.0, 0
        for s in range(0, n, batch):
            idx = order[s:s + batch]
            xb, yb = X[idx], y[idx]
            bs = xb.shape[0]
            acts, pre = [xb], []
            h = xb
            for k in range(layers):
                z = h @ params[2 * k] + params[2 * k + 1]
                pre.append(z)
                h = np.maximum(z, 0) if k < layers - 1 else z
                acts.append(h)
            logits = acts[-1]
            mx = logits.max(axis=1, keepdims=True)
            e = np.exp(logits - mx)
            se = e.sum(axis=1, keepdims=True)
            rows_ = np.arange(bs)
            loss = float(np.mean(np.log(se[:, 0]) + mx[:, 0] - logits[rows_, yb]))
            loss_sum += loss * bs
            correct += int((logits.argmax(axis=1) == yb).sum())
            g = e / se
            g[rows_, yb] -= 1
            g /= bs
            grads = [None] * len(params)
            for k in reversed(range(layers)):
                grads[2 * k] = acts[k].T @ g
                grads[2 * k + 1] = g.sum(axis=0)
                if k > 0:
                    g = (g @ params[2 * k].T) * (pre[k - 1] > 0)
            state["step"] += 1
            t = state["step"]
            c_m, c_v = 1 - b1 ** t, 1 - b2 ** t
            for p, gp, mp, vp in zip(params, grads, m, v):
                mp *= b1
                mp += (1 - b1) * gp
                vp *= b2
                vp += (1 - b2) * gp * gp
                p -= (lr / c_m) * mp / (np.sqrt(vp / c_v) + eps)
        return loss_sum / n, correct / n

    return epoch


def mnist_epoch():
    """Issue 20's epoch: 784-256-128-10 on 59,968 random rows, batch 64, 937 Adam steps."""

    def run():
        rng = np.random.default_rng(0)
        X = rng.standard_normal((59968, 784)).astype(np.float32)
        y = rng.integers(0, 10, 59968)
        epoch = adam_mlp_epoch(X, y, [784, 256, 128, 10], 64, rng)
        return median_time(epoch, warmup=1, min_runs=3, max_runs=10) * 1e3

    return ("mlp_epoch_784", "MLP 784-256-128-10, 1 epoch of 937 Adam steps, batch 64", "ms", run)


def conv_step():
    """Conv2d(16, 32, 3, padding 1) forward and backward on [32, 16, 16, 16]
    float32, loss sum(y * r): im2col into [C·k·k, N·H·W] by 9 slice copies,
    one GEMM each way, col2im by adding the 9 shifted slices back; as
    NNBench's conv_step_32."""

    def run():
        rng = np.random.default_rng(4)
        N, C, H, W, O, k = 32, 16, 16, 16, 32, 3
        bound = 1 / np.sqrt(C * k * k)
        w = rng.uniform(-bound, bound, (O, C, k, k)).astype(np.float32)
        b = rng.uniform(-bound, bound, O).astype(np.float32)
        x = rng.standard_normal((N, C, H, W)).astype(np.float32)
        r = rng.standard_normal((N, O, H, W)).astype(np.float32)
        w2 = w.reshape(O, C * k * k)

        def step():
            xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
            cols = np.empty((C, k, k, N, H, W), np.float32)
            for i in range(k):
                for j in range(k):
                    cols[:, i, j] = xp[:, :, i:i + H, j:j + W].transpose(1, 0, 2, 3)
            cols = cols.reshape(C * k * k, N * H * W)
            y = (w2 @ cols).reshape(O, N, H, W).transpose(1, 0, 2, 3) + b[None, :, None, None]
            loss = (y * r).sum()
            g = r.transpose(1, 0, 2, 3).reshape(O, N * H * W)          # dloss/dy
            gw = (g @ cols.T).reshape(O, C, k, k)
            gb = g.sum(axis=1)
            gcols = (w2.T @ g).reshape(C, k, k, N, H, W)
            gxp = np.zeros_like(xp)
            for i in range(k):
                for j in range(k):
                    gxp[:, :, i:i + H, j:j + W] += gcols[:, i, j].transpose(1, 0, 2, 3)
            return loss, gw, gb, gxp[:, :, 1:-1, 1:-1]

        return median_time(step, warmup=3, min_runs=10, max_runs=200) * 1e3

    return ("conv_step_32", "Conv2d 16->32 3x3 fwd+bwd, [32, 16, 16, 16]", "ms", run)


def digits_epoch():
    """One epoch of a 64-128-10 ReLU MLP on examples/data/digits.csv (pixels
    / 16), batches of 32 in a new random order, mean softmax cross-entropy,
    backward by hand, Adam by hand (PyTorch's update, lr 1e-3). As nn's
    `fit`, it also sums the loss and counts correct predictions per batch."""

    def run():
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "data", "digits.csv")
        with open(path) as f:
            rows = list(csv.reader(f))
        header, body = rows[0], np.array(rows[1:], dtype=np.float64)
        t = header.index("digit")
        y = body[:, t].astype(np.int64)
        X = (np.delete(body, t, axis=1) / 16).astype(np.float32)
        n = X.shape[0]
        rng = np.random.default_rng(6)
        params = []
        for i, o in [(64, 128), (128, 10)]:
            bound = 1 / np.sqrt(i)
            params.append(rng.uniform(-bound, bound, (i, o)).astype(np.float32))
            params.append(rng.uniform(-bound, bound, o).astype(np.float32))
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]
        lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8
        state = {"step": 0}

        def epoch():
            order = rng.permutation(n)
            loss_sum, correct = 0.0, 0
            for s in range(0, n, 32):
                idx = order[s:s + 32]
                xb, yb = X[idx], y[idx]
                bs = xb.shape[0]
                w1, c1, w2, c2 = params
                z1 = xb @ w1 + c1
                h1 = np.maximum(z1, 0)
                logits = h1 @ w2 + c2
                mx = logits.max(axis=1, keepdims=True)
                e = np.exp(logits - mx)
                se = e.sum(axis=1, keepdims=True)
                rows_ = np.arange(bs)
                loss = float(np.mean(np.log(se[:, 0]) + mx[:, 0] - logits[rows_, yb]))
                loss_sum += loss * bs
                correct += int((logits.argmax(axis=1) == yb).sum())
                g = e / se
                g[rows_, yb] -= 1
                g /= bs
                gw2 = h1.T @ g
                gc2 = g.sum(axis=0)
                g = (g @ w2.T) * (z1 > 0)
                gw1 = xb.T @ g
                gc1 = g.sum(axis=0)
                state["step"] += 1
                k = state["step"]
                c_m, c_v = 1 - b1 ** k, 1 - b2 ** k
                for p, gp, mp, vp in zip(params, [gw1, gc1, gw2, gc2], m, v):
                    mp *= b1
                    mp += (1 - b1) * gp
                    vp *= b2
                    vp += (1 - b2) * gp * gp
                    p -= (lr / c_m) * mp / (np.sqrt(vp / c_v) + eps)
            return loss_sum / n, correct / n

        return median_time(epoch, warmup=2, min_runs=5, max_runs=100) * 1e3

    return ("digits_epoch", "digits 64-128-10 MLP, 1 epoch (fit)", "ms", run)


XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]]
XOR_Y = [0, 1, 1, 0]


def xor_adam():
    """Issue 20's per-op overhead item: 2000 full-batch Adam steps (PyTorch's
    update, lr 0.01) of a 2-16-2 tanh MLP on the four XOR rows, mean softmax
    cross-entropy, float32; forward, backward and Adam by hand, as
    adam_mlp_epoch. Each run trains new parameters (PyTorch's Linear init,
    seed 7) from scratch, as NNBench's xor_adam_2000."""

    def run():
        X = np.array(XOR_X, dtype=np.float32)
        y = np.array(XOR_Y)
        rows_ = np.arange(4)
        lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8

        def train():
            rng = np.random.default_rng(7)
            params = []
            for i, o in [(2, 16), (16, 2)]:
                bound = 1 / np.sqrt(i)
                params.append(rng.uniform(-bound, bound, (i, o)).astype(np.float32))
                params.append(rng.uniform(-bound, bound, o).astype(np.float32))
            m = [np.zeros_like(p) for p in params]
            v = [np.zeros_like(p) for p in params]
            loss = None
            for t in range(1, 2001):
                w1, c1, w2, c2 = params
                h = np.tanh(X @ w1 + c1)
                logits = h @ w2 + c2
                mx = logits.max(axis=1, keepdims=True)
                e = np.exp(logits - mx)
                se = e.sum(axis=1, keepdims=True)
                loss = np.mean(np.log(se[:, 0]) + mx[:, 0] - logits[rows_, y])
                g = e / se
                g[rows_, y] -= 1
                g /= 4
                gw2 = h.T @ g
                gc2 = g.sum(axis=0)
                g = (g @ w2.T) * (1 - h * h)
                gw1 = X.T @ g
                gc1 = g.sum(axis=0)
                c_m, c_v = 1 - b1 ** t, 1 - b2 ** t
                for p, gp, mp, vp in zip(params, [gw1, gc1, gw2, gc2], m, v):
                    mp *= b1
                    mp += (1 - b1) * gp
                    vp *= b2
                    vp += (1 - b2) * gp * gp
                    p -= (lr / c_m) * mp / (np.sqrt(vp / c_v) + eps)
            return float(loss)

        final = train()
        assert final < 0.01, f"the net did not learn XOR (final loss {final})"
        return median_time(train, warmup=1, min_runs=5, max_runs=30) * 1e3

    return ("xor_adam_2000", "XOR 2-16-2, 2000 full-batch Adam steps", "ms", run)


ITEMS = [
    matmul(256, np.float32), matmul(1024, np.float32), matmul(2048, np.float32),
    matmul(256, np.float64), matmul(1024, np.float64), matmul(2048, np.float64),
    tanh_affine(),
    mlp_step(),
    mnist_epoch(),
    conv_step(),
    digits_epoch(),
    xor_adam(),
]

if __name__ == "__main__":
    main(ITEMS, f"NumPy {np.__version__}")
