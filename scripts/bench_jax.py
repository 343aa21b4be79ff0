#!/usr/bin/env python3
"""The JAX side of scripts/bench: the training items (an MLP epoch; 2000 XOR
steps, both as a jitted step called from Python and as one jitted
`lax.fori_loop`, two rows) and the second-order items (full Hessian, one
Hessian-vector product, top Hessian eigenvalue by Lanczos) jitted on the CPU.

Weights and data are passed to the jitted functions as arguments (a function
that closes over arrays folds them into the program as constants, which is
not what a training script gets). Each function is compiled once before
timing (`jit(...).lower(args).compile()`); the figure is the median time of
the compiled call, and the compile time is reported in the note.
Pass key substrings to run only some items. Needs `pip install "jax[cpu]"`.
"""
import time

import jax

jax.config.update("jax_enable_x64", True)  # for the float64 Hessian; the other items pass float32 arrays

import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from bench_common import main, median_time


def compiled(f, *args):
    """f jitted and compiled for args, and the compile time in seconds."""
    t0 = time.perf_counter()
    c = jax.jit(f).lower(*args).compile()
    return c, time.perf_counter() - t0


def timed(c, args, compile_s, **kw):
    def call():
        jax.block_until_ready(c(*args))
    return median_time(call, **kw) * 1e3, f"JAX compile {compile_s:.2f} s"


def hessian_small():
    """The [241, 241] Hessian of the MSE loss of a 10-20-1 tanh MLP on 100 samples, float64."""

    def run():
        rng = np.random.default_rng(4)
        x = rng.standard_normal((100, 10))
        y = rng.standard_normal((100, 1))
        params = [rng.standard_normal((10, 20)) * 0.3, np.zeros(20), rng.standard_normal((20, 1)) * 0.3, np.zeros(1)]
        flat, unravel = ravel_pytree([jnp.asarray(p) for p in params])

        def loss(theta, x, y):
            w1, b1, w2, b2 = unravel(theta)
            r = jnp.tanh(x @ w1 + b1) @ w2 + b2 - y
            return jnp.mean(r * r)

        args = (flat, jnp.asarray(x), jnp.asarray(y))
        c, compile_s = compiled(jax.hessian(loss), *args)
        assert c(*args).shape == (241, 241)
        return timed(c, args, compile_s, warmup=1, min_runs=3, max_runs=20)

    return ("hessian_mlp_241", "Hessian 10-20-1 MLP (241 params), f64", "ms", run)


def large_mlp(seed):
    """The 784-256-128-10 ReLU MLP of the second-order items, float32, and its
    mean cross-entropy on a random batch of 256 as loss(params, x, target)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((256, 784)).astype(np.float32)
    target = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 256)]
    sizes = [784, 256, 128, 10]
    params = []
    for i, o in zip(sizes, sizes[1:]):
        params.append(jnp.asarray((rng.standard_normal((i, o)) / np.sqrt(i)).astype(np.float32)))
        params.append(jnp.zeros(o, jnp.float32))

    def loss(p, x, target):
        h1 = jax.nn.relu(x @ p[0] + p[1])
        h2 = jax.nn.relu(h1 @ p[2] + p[3])
        z = h2 @ p[4] + p[5]
        return -jnp.sum(jax.nn.log_softmax(z, axis=1) * target) / 256

    return params, loss, jnp.asarray(x), jnp.asarray(target), rng


def hvp_large():
    """One Hessian-vector product, forward-over-reverse (jvp of grad)."""

    def run():
        params, loss, x, target, rng = large_mlp(5)
        v = [jnp.asarray(rng.standard_normal(p.shape).astype(np.float32)) for p in params]

        def hvp(p, v, x, target):
            return jax.jvp(lambda q: jax.grad(loss)(q, x, target), (p,), (v,))[1]

        args = (params, v, x, target)
        c, compile_s = compiled(hvp, *args)
        return timed(c, args, compile_s, warmup=2, min_runs=5, max_runs=100)

    return ("hvp_mlp_784", "HVP 784-256-128-10 MLP, batch 256", "ms", run)


def top_eig_large(steps=20):
    """The top Hessian eigenvalue by Lanczos with full reorthogonalisation and
    exactly `steps` HVPs, all in one jit: the gradient is linearised once
    (jax.linearize of grad: one forward and backward), then each step applies
    the linear map (one HVP), as nn's Hessian.topEigenvalues does."""

    def run():
        params, loss, x, target, rng = large_mlp(5)
        flat, unravel = ravel_pytree(params)
        n = flat.shape[0]
        q0 = jnp.asarray(rng.standard_normal(n).astype(np.float32))

        def top(theta, x, target, q0):
            _, lin = jax.linearize(lambda t: ravel_pytree(jax.grad(loss)(unravel(t), x, target))[0], theta)
            Q = jnp.zeros((steps + 1, n), jnp.float32).at[0].set(q0 / jnp.linalg.norm(q0))
            alpha = jnp.zeros(steps, jnp.float32)
            beta = jnp.zeros(steps, jnp.float32)
            rows = jnp.arange(steps + 1)

            def step(j, state):
                Q, alpha, beta = state
                w = lin(Q[j])
                alpha = alpha.at[j].set(Q[j] @ w)
                mask = (rows <= j).astype(jnp.float32)
                for _ in range(2):  # classical Gram-Schmidt, twice
                    w = w - ((Q @ w) * mask) @ Q
                b = jnp.linalg.norm(w)
                return Q.at[j + 1].set(w / b), alpha, beta.at[j].set(b)

            Q, alpha, beta = jax.lax.fori_loop(0, steps, step, (Q, alpha, beta))
            T = jnp.diag(alpha) + jnp.diag(beta[:-1], 1) + jnp.diag(beta[:-1], -1)
            return jnp.linalg.eigvalsh(T)[-1]

        args = (flat, x, target, q0)
        c, compile_s = compiled(top, *args)
        top_value = float(c(*args))
        assert np.isfinite(top_value) and top_value > 0, top_value
        return timed(c, args, compile_s, warmup=1, min_runs=5, max_runs=50)

    return ("top_eig_784", "top Hessian eig 784-256-128-10, 20 HVPs", "ms", run)


def mnist_epoch():
    """Issue 20's epoch: a 784-256-128-10 ReLU MLP on 59,968 random rows, 937
    Adam steps (PyTorch's update, lr 1e-3) on batches of 64 in a new random
    order, float32. The figure is the jitted step called 937 times from
    Python (gathering its batch inside the jit); the note adds the whole
    epoch as one jitted `lax.scan`."""

    def run():
        rng = np.random.default_rng(0)
        n, batch = 59968, 64
        X = jnp.asarray(rng.standard_normal((n, 784)).astype(np.float32))
        y = jnp.asarray(rng.integers(0, 10, n).astype(np.int32))
        sizes = [784, 256, 128, 10]
        params = []
        for i, o in zip(sizes, sizes[1:]):
            bound = 1 / np.sqrt(i)
            params.append(jnp.asarray(rng.uniform(-bound, bound, (i, o)).astype(np.float32)))
            params.append(jnp.asarray(rng.uniform(-bound, bound, o).astype(np.float32)))
        zeros = [jnp.zeros_like(p) for p in params]
        lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8

        def loss_fn(ps, xb, yb):
            h = xb
            for k in range(3):
                h = h @ ps[2 * k] + ps[2 * k + 1]
                if k < 2:
                    h = jax.nn.relu(h)
            logp = jax.nn.log_softmax(h)
            loss = -jnp.mean(jnp.take_along_axis(logp, yb[:, None], axis=1))
            return loss, jnp.sum(jnp.argmax(h, axis=1) == yb)

        def step_with(Xa, ya, carry, idx):
            ps, m, v, t = carry
            xb, yb = Xa[idx], ya[idx]
            (loss, correct), g = jax.value_and_grad(loss_fn, has_aux=True)(ps, xb, yb)
            t = t + 1
            cm, cv = 1 - b1 ** t, 1 - b2 ** t
            m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
            v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
            ps = [p - (lr / cm) * mi / (jnp.sqrt(vi / cv) + eps) for p, mi, vi in zip(ps, m, v)]
            return (ps, m, v, t), (loss, correct)

        def epoch_scan(ps, m, v, t, Xa, ya, order):
            carry, (losses, corrects) = jax.lax.scan(lambda c, idx: step_with(Xa, ya, c, idx), (ps, m, v, t), order)
            return carry, jnp.sum(losses) * batch / n, jnp.sum(corrects) / n

        t0 = jnp.asarray(0, dtype=jnp.float32)
        order0 = jnp.asarray(rng.permutation(n).reshape(-1, batch).astype(np.int32))
        stepc, step_compile = compiled(lambda ps, m, v, t, Xa, ya, idx: step_with(Xa, ya, (ps, m, v, t), idx),
                                       params, zeros, zeros, t0, X, y, order0[0])
        scanc, scan_compile = compiled(epoch_scan, params, zeros, zeros, t0, X, y, order0)
        state = {"carry": (params, zeros, zeros, t0)}

        def epoch_loop():
            order = jnp.asarray(rng.permutation(n).reshape(-1, batch).astype(np.int32))
            carry = state["carry"]
            loss_sum, correct = 0.0, 0
            for b in range(order.shape[0]):
                carry, (loss, c) = stepc(*carry, X, y, order[b])
                loss_sum += loss
                correct += c
            state["carry"] = carry
            jax.block_until_ready((loss_sum, correct))

        def epoch_whole():
            order = jnp.asarray(rng.permutation(n).reshape(-1, batch).astype(np.int32))
            out = scanc(*state["carry"], X, y, order)
            state["carry"] = out[0]
            jax.block_until_ready(out)

        loop = median_time(epoch_loop, warmup=1, min_runs=3, max_runs=10) * 1e3
        scan = median_time(epoch_whole, warmup=1, min_runs=3, max_runs=10) * 1e3
        return loop, f"jit step loop; whole epoch as one jitted scan {scan:.0f} ms; compile {step_compile + scan_compile:.2f} s"

    return ("mlp_epoch_784", "MLP 784-256-128-10, 1 epoch of 937 Adam steps, batch 64", "ms", run)


def xor_adam(variant):
    """Issue 20's per-op overhead item: 2000 full-batch Adam steps (PyTorch's
    update, lr 0.01) of a 2-16-2 tanh MLP on the four XOR rows, mean softmax
    cross-entropy, float32, from the same start each run. `variant` "loop":
    one jitted step (value_and_grad + Adam) called 2000 times from Python;
    "fori": the 2000 steps as one jitted `lax.fori_loop`."""

    def run():
        X = jnp.asarray(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32))
        y = jnp.asarray(np.array([0, 1, 1, 0], dtype=np.int32))
        rng = np.random.default_rng(7)
        params = []
        for i, o in [(2, 16), (16, 2)]:
            bound = 1 / np.sqrt(i)
            params.append(jnp.asarray(rng.uniform(-bound, bound, (i, o)).astype(np.float32)))
            params.append(jnp.asarray(rng.uniform(-bound, bound, o).astype(np.float32)))
        zeros = [jnp.zeros_like(p) for p in params]
        lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8

        def loss_fn(ps, X, y):
            h = jnp.tanh(X @ ps[0] + ps[1])
            logp = jax.nn.log_softmax(h @ ps[2] + ps[3])
            return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

        def step(ps, m, v, t, X, y):
            loss, g = jax.value_and_grad(loss_fn)(ps, X, y)
            t = t + 1
            cm, cv = 1 - b1 ** t, 1 - b2 ** t
            m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
            v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
            ps = [p - (lr / cm) * mi / (jnp.sqrt(vi / cv) + eps) for p, mi, vi in zip(ps, m, v)]
            return ps, m, v, t, loss

        t0 = jnp.asarray(0, dtype=jnp.float32)
        if variant == "loop":
            c, compile_s = compiled(step, params, zeros, zeros, t0, X, y)

            def train():
                ps, m, v, t = params, zeros, zeros, t0
                for _ in range(2000):
                    ps, m, v, t, loss = c(ps, m, v, t, X, y)
                return float(loss)  # waits for the last step
            note = "jit step loop"
        else:
            def whole(ps, m, v, t, X, y):
                def body(_, carry):
                    ps, m, v, t, _ = carry
                    return step(ps, m, v, t, X, y)
                return jax.lax.fori_loop(0, 2000, body, (ps, m, v, t, jnp.asarray(0, dtype=jnp.float32)))[4]

            c, compile_s = compiled(whole, params, zeros, zeros, t0, X, y)

            def train():
                return float(c(params, zeros, zeros, t0, X, y))
            note = "lax.fori_loop, one jit"

        final = train()
        assert final < 0.01, f"the net did not learn XOR (final loss {final})"
        t = median_time(train, warmup=1, min_runs=5, max_runs=30) * 1e3
        return t, f"{note}; compile {compile_s:.2f} s"

    return ("xor_adam_2000", "XOR 2-16-2, 2000 full-batch Adam steps", "ms", run)


ITEMS = [mnist_epoch(), xor_adam("loop"), xor_adam("fori"), hessian_small(), hvp_large(), top_eig_large()]

if __name__ == "__main__":
    main(ITEMS, f"JAX {jax.__version__}")
