#!/usr/bin/env python3
"""The PyTorch side of scripts/bench: items of issue 20 in eager PyTorch on
the CPU.

- xor_adam_2000: 2000 full-batch Adam steps of a 2-16-2 tanh MLP on XOR,
  float32, `nn.Sequential` + `F.cross_entropy` + `torch.optim.Adam` (the
  per-op overhead item);
- hessian_mlp_241: the [241, 241] Hessian of the MSE loss of a 10-20-1 tanh
  MLP on 100 samples, float64, twice: `torch.func.hessian` (jacfwd of
  jacrev, vmapped) and `torch.autograd.functional.hessian(vectorize=True)`
  (reverse over reverse with batched cotangents, the vectorized autograd
  Hessian);
- hvp_mlp_784: one Hessian-vector product of the mean cross-entropy of a
  784-256-128-10 ReLU MLP on a batch of 256, float32, by double backward
  (forward and gradient included, as nn's `Autodiff.hvp`);
- top_eig_784: the top Hessian eigenvalue of that loss by Lanczos with full
  reorthogonalisation and exactly 20 HVPs: the gradient recorded once
  (`create_graph=True`), then 20 double-backward passes through it
  (`retain_graph=True`), Gram-Schmidt twice per step in float32 (the JAX
  side's algorithm; nn's `Hessian.topEigenvalues`).

The thread count is OMP_NUM_THREADS (scripts/bench sets it to
NN_BENCH_THREADS). Runs only when `torch` imports (`pip install --target DIR
torch`, then PYTHONPATH=DIR). Pass key substrings to run only some items.
"""
import os

import numpy as np
import torch

from bench_common import main, median_time

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))


def small_mlp():
    """The 10-20-1 tanh MLP's data, flat float64 parameters and loss(theta)."""
    rng = np.random.default_rng(4)
    x = torch.from_numpy(rng.standard_normal((100, 10)))
    y = torch.from_numpy(rng.standard_normal((100, 1)))
    params = [rng.standard_normal((10, 20)) * 0.3, np.zeros(20), rng.standard_normal((20, 1)) * 0.3, np.zeros(1)]
    theta = torch.from_numpy(np.concatenate([p.ravel() for p in params]))

    def loss(t):
        w1, b1 = t[:200].reshape(10, 20), t[200:220]
        w2, b2 = t[220:240].reshape(20, 1), t[240:241]
        r = torch.tanh(x @ w1 + b1) @ w2 + b2 - y
        return torch.mean(r * r)

    return theta, loss


def hessian_func():
    def run():
        theta, loss = small_mlp()
        h = torch.func.hessian(loss)
        assert h(theta).shape == (241, 241)
        return median_time(lambda: h(theta), warmup=1, min_runs=3, max_runs=20) * 1e3, "torch.func.hessian"

    return ("hessian_mlp_241", "Hessian 10-20-1 MLP (241 params), f64", "ms", run)


def hessian_vectorized():
    def run():
        theta, loss = small_mlp()

        def h():
            return torch.autograd.functional.hessian(loss, theta, vectorize=True)

        assert h().shape == (241, 241)
        return median_time(h, warmup=1, min_runs=3, max_runs=20) * 1e3, "autograd.functional.hessian(vectorize=True)"

    return ("hessian_mlp_241", "Hessian 10-20-1 MLP (241 params), f64", "ms", run)


def large_mlp(seed):
    """The 784-256-128-10 ReLU MLP of the second-order items, float32, and its
    mean cross-entropy on a random batch of 256 as loss(params)."""
    rng = np.random.default_rng(seed)
    x = torch.from_numpy(rng.standard_normal((256, 784)).astype(np.float32))
    target = torch.from_numpy(np.eye(10, dtype=np.float32)[rng.integers(0, 10, 256)])
    sizes = [784, 256, 128, 10]
    params = []
    for i, o in zip(sizes, sizes[1:]):
        params.append(torch.from_numpy((rng.standard_normal((i, o)) / np.sqrt(i)).astype(np.float32)).requires_grad_())
        params.append(torch.zeros(o, requires_grad=True))

    def loss(p):
        h1 = torch.relu(x @ p[0] + p[1])
        h2 = torch.relu(h1 @ p[2] + p[3])
        z = h2 @ p[4] + p[5]
        return -torch.sum(torch.log_softmax(z, dim=1) * target) / 256

    return params, loss, rng


def hvp_large():
    def run():
        params, loss, rng = large_mlp(5)
        v = [torch.from_numpy(rng.standard_normal(tuple(p.shape)).astype(np.float32)) for p in params]

        def hvp():
            g = torch.autograd.grad(loss(params), params, create_graph=True)
            return torch.autograd.grad(g, params, grad_outputs=v)

        return median_time(hvp, warmup=2, min_runs=5, max_runs=100) * 1e3, "double backward"

    return ("hvp_mlp_784", "HVP 784-256-128-10 MLP, batch 256", "ms", run)


def top_eig_large(steps=20):
    def run():
        params, loss, rng = large_mlp(5)
        n = sum(p.numel() for p in params)
        q0 = torch.from_numpy(rng.standard_normal(n).astype(np.float32))
        result = []

        def top():
            g = torch.autograd.grad(loss(params), params, create_graph=True)
            flat = torch.cat([t.reshape(-1) for t in g])
            Q = torch.zeros(steps + 1, n)
            Q[0] = q0 / torch.linalg.norm(q0)
            alpha, beta = torch.zeros(steps), torch.zeros(steps)
            for j in range(steps):
                hv = torch.autograd.grad(flat, params, grad_outputs=Q[j], retain_graph=True)
                w = torch.cat([t.reshape(-1) for t in hv])
                alpha[j] = Q[j] @ w
                for _ in range(2):  # classical Gram-Schmidt, twice
                    w = w - (Q[: j + 1] @ w) @ Q[: j + 1]
                beta[j] = torch.linalg.norm(w)
                Q[j + 1] = w / beta[j]
            T = torch.diag(alpha) + torch.diag(beta[:-1], 1) + torch.diag(beta[:-1], -1)
            result[:] = [float(torch.linalg.eigvalsh(T)[-1])]

        t = median_time(top, warmup=1, min_runs=5, max_runs=50) * 1e3
        assert np.isfinite(result[0]) and result[0] > 0, result
        return t, "double backward, graph kept"

    return ("top_eig_784", "top Hessian eig 784-256-128-10, 20 HVPs", "ms", run)


def xor_adam():
    """Issue 20's per-op overhead item: 2000 full-batch steps of a 2-16-2 tanh
    MLP on the four XOR rows, float32, eagerly as a user writes them:
    `nn.Sequential(Linear(2, 16), Tanh(), Linear(16, 2))`, `F.cross_entropy`
    (mean), `torch.optim.Adam(lr=0.01)` (defaults otherwise); zero_grad,
    forward, loss, backward, step. Each run trains a new model from
    `torch.manual_seed(0)`."""

    def run():
        X = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=torch.float32)
        y = torch.tensor([0, 1, 1, 0])

        def train():
            torch.manual_seed(0)
            model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2))
            opt = torch.optim.Adam(model.parameters(), lr=0.01)
            loss = None
            for _ in range(2000):
                opt.zero_grad()
                loss = torch.nn.functional.cross_entropy(model(X), y)
                loss.backward()
                opt.step()
            return loss.item()

        final = train()
        assert final < 0.01, f"the net did not learn XOR (final loss {final})"
        return median_time(train, warmup=1, min_runs=5, max_runs=30) * 1e3, "eager, torch.optim.Adam"

    return ("xor_adam_2000", "XOR 2-16-2, 2000 full-batch Adam steps", "ms", run)


ITEMS = [xor_adam(), hessian_func(), hessian_vectorized(), hvp_large(), top_eig_large()]

if __name__ == "__main__":
    main(ITEMS, f"PyTorch {torch.__version__.split('+')[0]}")
