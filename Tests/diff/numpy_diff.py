#!/usr/bin/env python3
"""Differential test of nn's tensors against NumPy.

Generates random cases from a fixed seed: random shapes, dtypes (float32,
float64), views (transposes, strided and reversed slices) and values (normal,
integral, halves, inf, nan, -0, subnormals and the largest finite values),
through every tensor family (see FAMILIES). Each batch of cases becomes ONE nn
script that prints every result losslessly (`tolist` gives exact float32/64
values as numbers, printed shortest-round-trip); the same expressions are
evaluated with NumPy (float64 references rounded to the dtype) and compared:

  exact  shape ops, indexing, index assignment, where, clamp, + - * / of
         float32/64 (IEEE results are correctly rounded, so the float64
         reference rounded to float32 is the float32 result): bit for bit,
         nan == nan, the sign of zero checked
  ulp    math functions, **, %: within a per-function number of ULPs
  scaled reductions, softmax, matmul: |nn - ref| <= tol * scale, where scale
         is the same computation on |x| (the size of the terms: a sum's
         rounding error is relative to Σ|x|, not to the result)

The int64 family checks integer tensors (values to the ends of the range,
built exactly as hi * 2**32 + lo) against NumPy's int64, which wraps as nn's
does: + - * % ** maximum minimum, comparisons, reductions, argmax; and nn's
own promotion rules computed with NumPy (/ is float32 true division, int64
meets a float tensor in that float, an integral number keeps int64), exactly.

Usage: Tests/diff/numpy_diff.py [--seed S] [--cases N] [--family F] [-v]
       NN_BIN=path/to/nn (default .build/release/nn)
Exit status 1 on any mismatch. Cases that match an entry of KNOWN_FAILURES
(bugs reported and being fixed elsewhere) are counted and listed, not failed.
"""
import argparse
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import warnings

import numpy as np

F32, F64 = np.float32, np.float64
DTYPES = {"float32": F32, "float64": F64}


# ---------------------------------------------------------------- values

def special_values(dt):
    fi = np.finfo(dt)
    return [np.inf, -np.inf, np.nan, -0.0, 0.0, float(fi.max), -float(fi.max),
            float(fi.tiny), float(fi.smallest_subnormal), -float(fi.smallest_subnormal), 1.0, -1.0, 0.5]


def random_values(rng, n, dt, kind):
    """n values representable in dt; kind: 'finite', 'moderate' (|x| <= 8, no
    specials: for matmul and softmax-heavy families) or 'any' (with specials)."""
    out = []
    for _ in range(n):
        r = rng.random()
        if kind == "moderate":
            v = rng.uniform(-8, 8) if r < 0.7 else float(rng.randint(-4, 4)) / 2
        elif r < 0.45:
            v = rng.gauss(0, 3)
        elif r < 0.6:
            v = float(rng.randint(-6, 6))
        elif r < 0.7:
            v = rng.randint(-12, 12) / 2  # halves: rounding ties
        elif r < 0.8:
            v = rng.uniform(-1, 1) * 10 ** rng.uniform(-30, 30)
        elif kind == "any" and r < 0.95:
            v = rng.choice(special_values(dt))
        else:
            v = rng.gauss(0, 1)
        out.append(float(dt(v)) if np.isfinite(dt(v)) or not np.isfinite(v) else float(np.finfo(dt).max))
    return out


def nn_number(v):
    v = float(v)
    if math.isnan(v):
        return "nan()"
    if math.isinf(v):
        return "inf()" if v > 0 else "-inf()"
    if v == 0:
        return "-0.0" if math.copysign(1, v) < 0 else "0"
    return repr(v)


class Input:
    """A tensor input: NumPy array plus the nn expression that builds it."""

    def __init__(self, arr, nn):
        self.arr, self.nn = arr, nn


def make_input(rng, shape, dt, kind="any"):
    n = int(np.prod(shape)) if shape else 1
    arr = np.array(random_values(rng, n, dt, kind), dtype=dt).reshape(shape)
    return Input(arr, make_literal(arr))


def random_shape(rng, rank=None, lo=0, hi=4, allow_empty=True):
    if rank is None:
        rank = rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])
    dims = []
    for _ in range(rank):
        d = rng.randint(lo, hi)
        if d == 0 and (not allow_empty or rng.random() < 0.8):
            d = rng.randint(max(lo, 1), hi)
        dims.append(d)
    return dims


def with_view(rng, inp, target_shape=None):
    """Sometimes turns an input into a view of a larger one (a transpose or a
    strided/reversed slice), the same in nn and NumPy. target_shape is kept."""
    a = inp.arr
    r = rng.random()
    if a.ndim >= 2 and r < 0.25:
        # the input is the transpose of a tensor built transposed
        src = np.ascontiguousarray(np.swapaxes(a, 0, 1))
        return Input(a, f"transpose({make_literal(src)}, a: 0, b: 1)")
    if a.ndim >= 1 and r < 0.5 and a.shape[0] > 0:
        # every other row of a tensor twice as long, possibly reversed
        step = rng.choice([2, -2, -1])
        big_shape = list(a.shape)
        big_shape[0] = a.shape[0] * abs(step)
        big = np.array(random_values(rng, int(np.prod(big_shape)), a.dtype.type, "any"),
                       dtype=a.dtype).reshape(big_shape)
        if step == 2:
            big[::2] = a
        elif step == -2:
            big[::-2] = a
        else:
            big[::-1] = a
        assert np.array_equal(big[::step], a, equal_nan=True)
        return Input(a, f"({make_literal(big)})[::{step}]")
    return inp


def make_literal(arr):
    name = "float32" if arr.dtype == F32 else "float64"
    if arr.size == 0:
        return f"zeros({list(arr.shape)}, dtype: \"{name}\")"
    if arr.ndim == 0:
        return f"tensor({nn_number(arr.item())}, dtype: \"{name}\")"
    flat = ", ".join(nn_number(v) for v in arr.reshape(-1).tolist())
    return f"reshape(tensor([{flat}], dtype: \"{name}\"), {list(arr.shape)})"


def dtname(dt):
    if dt in (bool, np.bool_, np.dtype(bool)):
        return "bool"
    if dt in (np.int64, np.dtype(np.int64)):
        return "int64"
    return "float32" if dt in (F32, np.dtype(F32)) else "float64"


def eps(dt):
    return float(np.finfo(dt).eps)


def f64(a):
    return np.asarray(a, dtype=F64)


def to_dt(x, dt):
    """A float64 result rounded to dt (overflow to inf, as the dtype would)."""
    with np.errstate(all="ignore"):
        return np.asarray(x, dtype=F64).astype(dt)


# ---------------------------------------------------------------- cases

class Case:
    """One expression evaluated by nn and NumPy.

    nn:     nn statements ending in an expression whose value is the result
    ref:    () -> NumPy array (the expected result, already in its dtype),
            or raises ExpectError when nn must refuse the input
    mode:   'exact' | 'ulp' | 'scaled'
    tol:    ULPs ('ulp') or multiples of eps ('scaled')
    scale:  () -> array broadcastable to the result ('scaled')
    zero_sign: whether the sign of a zero result is checked
    """

    def __init__(self, family, desc, nn, ref, mode="exact", tol=0, scale=None, zero_sign=True, known=None):
        self.family, self.desc, self.nn, self.ref = family, desc, nn, ref
        self.mode, self.tol, self.scale, self.zero_sign, self.known = mode, tol, scale, zero_sign, known
        self.id = None


class ExpectError(Exception):
    """The reference refuses the input (NumPy raises, or nn's documented rule does)."""


def pick_dtype(rng):
    return rng.choice([F32, F64])


def broadcast_partner(rng, shape):
    """A shape that broadcasts with `shape` (leading dims dropped, some set to 1)."""
    s = list(shape)
    while s and rng.random() < 0.3:
        s.pop(0)
    return [1 if rng.random() < 0.3 else d for d in s]


def number_for(rng, dt):
    v = random_values(rng, 1, dt, "any")[0]
    if rng.random() < 0.3:
        v = rng.choice([0.1, 1e-3, 2.5, -3.0, 1e300 if dt is F64 else 1e30])
    return v


# Known failures: bugs found by this test (or reported in issue 13) that are
# being fixed on other branches. Each is a predicate over a case and its
# inputs, with the reason; a case it matches is not counted as a failure
# (whether or not it mismatches), so the test stays green and honest. Remove
# an entry when its fix lands (the test then checks those cases again).
KNOWN_FAILURES = {
    # Empty: every bug this test found or was told of is fixed (issue 13's
    # %, round, minimum/maximum with the number first, axis -1 on 0-d
    # tensors, nested and 2-d integer indices, chained index assignment;
    # gelu's negative tail, ** with mixed dtypes). A case still carries the
    # label it had (`known=`), which counts only while its key is listed here.
}


# ---------------------------------------------------------------- arithmetic

ARITH = {
    "+": (np.add, "exact", 0),
    "-": (np.subtract, "exact", 0),
    "*": (np.multiply, "exact", 0),
    "/": (np.divide, "exact", 0),
    "**": (np.power, "ulp", 4),
    "%": (np.mod, "ulp", 1),
}


def gen_arith(rng):
    op = rng.choice(list(ARITH) + ["maximum", "minimum"])
    dt = pick_dtype(rng)
    shape = random_shape(rng)
    a = with_view(rng, make_input(rng, shape, dt))
    form = rng.random()
    known = None
    if form < 0.6:
        bshape = broadcast_partner(rng, shape)
        if rng.random() < 0.5:
            shape, bshape = bshape, shape
            a = with_view(rng, make_input(rng, shape, dt))
        b = with_view(rng, make_input(rng, bshape, dt))
        xa, xb, na, nb = a.arr, b.arr, a.nn, b.nn
        if rng.random() < 0.05:
            # mixed dtypes: nn refuses (convert with .to), NumPy would promote
            other = F64 if dt is F32 else F32
            b = make_input(rng, bshape, other)
            nb = b.nn

            def ref():
                raise ExpectError("mixed dtypes")
            return Case("arith", f"{op} mixed dtypes", expr2(op, na, nb), ref,
                        known="pow-mixed-dtypes" if op == "**" else None)
    elif form < 0.8:
        v = number_for(rng, dt)
        xa, xb, na, nb = a.arr, np.array(dt(v)), a.nn, nn_number(v)
    else:
        v = number_for(rng, dt)
        xa, xb, na, nb = np.array(dt(v)), a.arr, nn_number(v), a.nn
        if op in ("minimum", "maximum"):
            known = "minmax-number-first"
    if op in ("maximum", "minimum"):
        fn = np.maximum if op == "maximum" else np.minimum
        mode, tol = "exact", 0
    else:
        fn, mode, tol = ARITH[op]
    if op == "%":
        known = "mod"

    def ref():
        try:
            shape_out = np.broadcast_shapes(np.shape(xa), np.shape(xb))
        except ValueError:
            raise ExpectError("shapes do not broadcast")
        with np.errstate(all="ignore"):
            r = fn(f64(xa), f64(xb))
        return to_dt(np.broadcast_to(r, shape_out), dt)

    # maximum/minimum pick one operand (sign of zero is either when equal)
    zs = op not in ("maximum", "minimum", "%", "**")
    return Case("arith", op, expr2(op, na, nb), ref, mode, tol, zero_sign=zs, known=known)


def expr2(op, a, b):
    if op in ("maximum", "minimum"):
        return f"{op}({a}, {b})"
    return f"({a}) {op} ({b})"


# ---------------------------------------------------------------- math

def _erf(x):
    return np.vectorize(math.erf, otypes=[F64])(x) if np.size(x) else np.asarray(x, F64)


def _erfc(x):
    return np.vectorize(math.erfc, otypes=[F64])(x) if np.size(x) else np.asarray(x, F64)


def _sigmoid(x):
    with np.errstate(all="ignore"):
        return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


def _softplus(x, beta=1.0, threshold=20.0):
    with np.errstate(all="ignore"):
        return np.where(x * beta > threshold, x, np.logaddexp(0, x * beta) / beta)


def _round_half_even(x):
    return np.round(x)


# name -> (nn template, float64 reference of float64 input, ULPs, zero sign checked)
MATH = {
    "neg": ("-({x})", np.negative, 0, True),
    "abs": ("abs({x})", np.abs, 0, True),
    "sqrt": ("sqrt({x})", np.sqrt, 0, True),
    "exp": ("exp({x})", np.exp, 2, True),
    "log": ("log({x})", np.log, 2, True),
    "sin": ("sin({x})", np.sin, 2, True),
    "cos": ("cos({x})", np.cos, 2, True),
    "tanh": ("tanh({x})", np.tanh, 3, True),
    "sign": ("sign({x})", np.sign, 0, False),
    "erf": ("erf({x})", _erf, 3, True),
    "sigmoid": ("sigmoid({x})", _sigmoid, 3, False),
    "relu": ("relu({x})", lambda x: np.where(np.isnan(x), x, np.maximum(x, 0)), 0, False),
    # x·erfc(-x/√2)/2: the same function without the cancellation of 1 + erf
    "gelu": ("gelu({x})", lambda x: x * (_erfc(-x / math.sqrt(2)) / 2), 4, False),
    "softplus": ("softplus({x})", _softplus, 3, False),
    "floor": ("floor({x})", np.floor, 0, True),
    "ceil": ("ceil({x})", np.ceil, 0, True),
    "round": ("round({x})", _round_half_even, 0, True),
}


def gen_math(rng):
    name = rng.choice(list(MATH) + ["leaky_relu", "round_digits"])
    dt = pick_dtype(rng)
    a = with_view(rng, make_input(rng, random_shape(rng), dt))
    x = a.arr
    known = None
    if name == "leaky_relu":
        slope = rng.choice([0.01, 0.2, 1.5])
        nn = f"leaky_relu({a.nn}, slope: {slope})"
        s = float(dt(slope))
        fn, ulps, zs = (lambda v: np.where(v > 0, v, v * s)), 0, False
        # the slope is rounded to the dtype, then multiplied: one rounding
    elif name == "round_digits":
        d = rng.choice([1, 2, -1])
        nn = f"round({a.nn}, digits: {d})"
        # Python's round (nn's documented rule): the exact binary value
        # rounded, and a finite number never becomes inf (NumPy's x * 10**d
        # can overflow); 1 ULP for float32's second rounding
        fn, ulps, zs = np.vectorize(lambda v: round(float(v), d), otypes=[F64]), 1, False
    else:
        tmpl, fn, ulps, zs = MATH[name]
        nn = tmpl.format(x=a.nn)
        if name == "gelu":
            # erfc(u) has condition number about 2u²: rounding the argument
            # -x/√2 (half an ulp) costs up to x²/2 ulps in the result, in any
            # implementation working in the tensor's own precision, and the
            # reference rounds its own argument too: 2x² covers both
            finite = np.abs(x[np.isfinite(x)]) if x.size else np.array([0.0])
            # (past |x| ~ 40 gelu is 0 or x itself, exactly)
            ulps += 2 * int(np.ceil(min(40.0, float(np.max(finite, initial=0.0))) ** 2))

    def ref():
        with np.errstate(all="ignore"):
            return to_dt(fn(f64(x)), dt)
    return Case("math", name, nn, ref, "ulp" if ulps else "exact", ulps, zero_sign=zs, known=known)


def gen_clamp(rng):
    dt = pick_dtype(rng)
    a = with_view(rng, make_input(rng, random_shape(rng), dt))
    lo = rng.choice([None, rng.randint(-3, 1) / 2, -np.inf])
    hi = rng.choice([None, rng.randint(-1, 3) / 2, np.inf])
    args = [a.nn] + ([f"min: {nn_number(lo)}"] if lo is not None else []) + ([f"max: {nn_number(hi)}"] if hi is not None else [])
    x = a.arr

    def ref():
        if lo is None and hi is None:
            raise ExpectError("clamp: at least one of min and max must be given")
        r = f64(x)
        if lo is not None:
            r = np.maximum(r, lo)  # nan stays nan
        if hi is not None:
            r = np.minimum(r, hi)
        return to_dt(r, dt)
    return Case("clamp", f"clamp {lo} {hi}", f"clamp({', '.join(args)})", ref, zero_sign=False)


def partner_or_number(rng, shape, dt):
    """The other operand: a number (30%) or a tensor broadcasting with `shape`,
    as (NumPy array, nn source)."""
    if rng.random() < 0.3:
        v = number_for(rng, dt)
        return np.array(dt(v)), nn_number(v)
    b = with_view(rng, make_input(rng, broadcast_partner(rng, shape), dt))
    return b.arr, b.nn


def gen_where(rng):
    dt = pick_dtype(rng)
    shape = random_shape(rng, hi=3)
    c = with_view(rng, make_input(rng, broadcast_partner(rng, shape), dt))
    a = with_view(rng, make_input(rng, shape, dt))
    b_arr, b_nn = partner_or_number(rng, shape, dt)
    ca, aa = c.arr, a.arr
    if rng.random() < 0.5:
        # a mask from a comparison, as where is mostly used
        t0 = number_for(rng, dt)
        cond, desc, cond_nn = (lambda x: x > dt(t0)), "where(c > t)", f"({c.nn}) > {nn_number(t0)}"
    else:
        cond, desc, cond_nn = (lambda x: x != 0), "where", c.nn

    def ref():
        try:
            out = np.broadcast_shapes(ca.shape, aa.shape, b_arr.shape)
        except ValueError:
            raise ExpectError("shapes do not broadcast")
        return np.broadcast_to(np.where(cond(ca), aa, b_arr.astype(dt)), out).astype(dt)
    return Case("where", desc, f"where({cond_nn}, {a.nn}, {b_nn})", ref)


# ---------------------------------------------------------------- reductions

def norm_axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, list) else [axis]
    out = []
    for a in axes:
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise ExpectError("axis out of range")
        out.append(a % max(ndim, 1))
    if len(set(out)) != len(out):
        raise ExpectError("repeated axis")
    return tuple(o for o in out if o < ndim)


def _lse(x, axes, keepdims):
    with np.errstate(all="ignore"):
        if x.size == 0 or any(x.shape[a] == 0 for a in axes):
            shape = [1 if i in axes else d for i, d in enumerate(x.shape)]
            r = np.full(shape, -np.inf)
        else:
            m = np.max(x, axis=axes, keepdims=True)
            m = np.where(np.isfinite(m), m, 0)
            r = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
        return r if keepdims else np.squeeze(r, axis=axes)


def reduce_ref(fn, x, axes, keepdims, dt):
    """float64 result and its error scale for reduction fn of float64 x."""
    empty = any(x.shape[a] == 0 for a in axes) or (x.size == 0 and not axes)
    # error scales come from the finite terms: inf and nan propagate the same
    # in any order, a finite part overflowing does not (then skipped)
    fin = np.where(np.isfinite(x), x, 0)
    with np.errstate(all="ignore"):
        ax = axes
        if fn == "sum":
            return np.sum(x, axis=ax, keepdims=keepdims), np.sum(np.abs(fin), axis=ax, keepdims=keepdims)
        if fn == "mean":
            # the sum is formed first: where Σ|x| overflows the dtype the
            # result depends on the order of the terms (NumPy's too), skipped
            n = max(1, int(np.prod([x.shape[a] for a in ax])))
            r = np.sum(x, axis=ax, keepdims=keepdims) / n if not empty else np.mean(x, axis=ax, keepdims=keepdims)
            sa = np.sum(np.abs(fin), axis=ax, keepdims=keepdims)
            return r, np.where(sa > np.finfo(dt).max, np.inf, sa / n)
        if fn in ("max", "min", "argmax", "argmin"):
            if empty:
                raise ExpectError("empty reduction")
            f = {"max": np.max, "min": np.min, "argmax": np.argmax, "argmin": np.argmin}[fn]
            if fn in ("argmax", "argmin"):
                r = f(x, axis=None if len(ax) != 1 or x.ndim == 0 else ax[0], keepdims=keepdims)
                return np.asarray(r, np.int64), None
            return f(x, axis=ax, keepdims=keepdims), None
        if fn in ("var", "std"):
            n = int(np.prod([x.shape[a] for a in ax]))
            mu = np.sum(x, axis=ax, keepdims=True) / max(n, 1) if n else np.full([1] * x.ndim, np.nan)
            d = x - mu
            v = np.sum(d * d, axis=ax, keepdims=keepdims) / max(0, n - 1) if n > 1 else \
                np.sum(d * d, axis=ax, keepdims=keepdims) / 0.0
            mf = np.sum(fin, axis=ax, keepdims=True) / max(n, 1)
            df = fin - mf
            sc = np.sum(np.abs(fin) * np.abs(df) + df * df, axis=ax, keepdims=keepdims) / max(1, n - 1)
            # Σx (for the mean) or Σd² overflowing the dtype gives inf (as in NumPy): skipped
            over = np.maximum(np.sum(np.abs(fin), axis=ax, keepdims=keepdims), np.sum(df * df, axis=ax, keepdims=keepdims))
            sc = np.where(over > np.finfo(dt).max, np.inf, sc)
            if fn == "var":
                return v, sc
            s = np.sqrt(v)
            # the variance is formed first: where it overflows (as in NumPy
            # and PyTorch) the deviation does too, so such cases are skipped
            # likewise where the variance underflows (std of values ~1e-20 in float32)
            amiss = (sc > np.finfo(dt).max / 4) | ((v < np.finfo(dt).tiny) & (v > 0))
            return s, np.where(amiss, np.inf, sc / np.where(s > 0, 2 * s, 1))
        if fn == "norm":
            # scaled by max |x| (as nn and LAPACK's nrm2), so that neither
            # squares of subnormals nor of huge values leave the range
            m = np.max(np.abs(fin), axis=ax, keepdims=True, initial=0.0)
            m = np.where(m > 0, m, 1)
            r = m * np.sqrt(np.sum((x / m) ** 2, axis=ax, keepdims=True))
            sc = m * np.sqrt(np.sum((fin / m) ** 2, axis=ax, keepdims=True))
            if not keepdims:
                r, sc = np.squeeze(r, axis=ax), np.squeeze(sc, axis=ax)
            return r, sc
        if fn == "logsumexp":
            r = _lse(x, ax, keepdims)
            m = np.max(np.abs(fin), axis=ax, keepdims=keepdims, initial=0.0) if x.size else np.zeros_like(r)
            return r, np.abs(m) + 1
    raise AssertionError(fn)


REDUCTIONS = ["sum", "mean", "max", "min", "argmax", "argmin", "var", "std", "norm", "logsumexp"]


def gen_reduce(rng):
    fn = rng.choice(REDUCTIONS)
    dt = pick_dtype(rng)
    shape = random_shape(rng, hi=5)
    # sometimes a long axis, so the pairwise tree is exercised
    if shape and rng.random() < 0.15:
        shape[rng.randrange(len(shape))] = rng.choice([300, 1000, 3000])
        while int(np.prod(shape)) > 20000:
            shape[shape.index(max(shape))] //= 2
    kind = "moderate" if rng.random() < 0.3 else "any"
    a = with_view(rng, make_input(rng, shape, dt, kind))
    if rng.random() < 0.08:
        # a long input built in nn as arange(n) * c + d (IEEE operations in
        # the dtype, so NumPy builds the same values): long reductions show
        # the rounding of the sum itself (a serial float32 sum fails here)
        n = rng.choice([10 ** 5, 3 * 10 ** 5, 10 ** 6])
        shape = rng.choice([[n], [n // 4, 4], [4, n // 4], [n // 100, 10, 10]])
        c, d = float(dt(rng.uniform(-1, 1) * 1e-3)), float(dt(rng.uniform(-1, 1)))
        arr = (np.arange(n, dtype=dt) * dt(c) + dt(d)).reshape(shape)
        name = dtname(dt)
        a = Input(arr, f"reshape(arange({n}, dtype: \"{name}\") * {nn_number(c)} + {nn_number(d)}, {shape})")
    x = a.arr
    nd = x.ndim
    r = rng.random()
    if fn in ("argmax", "argmin"):
        axis = None if r < 0.4 or nd == 0 else rng.randrange(-nd, nd)
    elif r < 0.3 or nd == 0:
        axis = None
    elif r < 0.6:
        axis = rng.randrange(-nd, nd)
    else:
        k = rng.randint(1, nd)
        axis = rng.sample(range(nd), k)
        axis = [ax - nd if rng.random() < 0.3 else ax for ax in axis]
    keepdims = rng.random() < 0.4
    args = [a.nn]
    if axis is not None:
        args.append(f"axis: {axis}")
    if keepdims:
        args.append("keepdims: true")
    nn = f"{fn}({', '.join(args)})"
    known = "axis-on-0d" if nd == 0 and axis is not None else None

    def ref():
        axes = norm_axes(axis, nd)
        if axis is None and fn in ("argmax", "argmin"):
            xv = f64(x).reshape(-1)
            if xv.size == 0:
                raise ExpectError("empty")
            r = np.asarray(np.argmax(xv) if fn == "argmax" else np.argmin(xv), np.int64)
            return (r.reshape([1] * nd) if keepdims else r), None
        res, sc = reduce_ref(fn, f64(x), axes, keepdims, dt)
        # argmax and argmin give int64 indices, as NumPy's
        return (res if fn in ("argmax", "argmin") else to_dt(res, dt)), sc

    mode = "exact" if fn in ("max", "min", "argmax", "argmin") else "scaled"
    # the pairwise bound (Kernels+Sum.swift) for up to 10⁶ terms is about
    # (16 + 5 + 11) ε, then the mean's division; var and std also square
    # deviations that carry the mean's own rounding (structured inputs such
    # as arange reach these bounds: their rounding errors do not cancel)
    tol = 64 if fn in ("var", "std") else 40
    return Case("reduce", f"{fn} axis={axis} keepdims={keepdims}", nn, ref, mode, tol, zero_sign=False, known=known)


# ---------------------------------------------------------------- softmax

def gen_softmax(rng):
    log = rng.random() < 0.5
    dt = pick_dtype(rng)
    shape = random_shape(rng, rank=rng.randint(1, 3), lo=1, hi=5)
    if rng.random() < 0.15:
        shape[-1] = rng.choice([300, 2000])
    kind = "moderate" if rng.random() < 0.6 else "any"
    a = with_view(rng, make_input(rng, shape, dt, kind))
    x = a.arr
    nd = x.ndim
    axis = rng.randrange(-nd, nd) if nd else -1
    name = "log_softmax" if log else "softmax"
    nn = f"{name}({a.nn}, axis: {axis})" if rng.random() < 0.8 or axis != -1 else f"{name}({a.nn})"

    def ref():
        v = f64(x)
        with np.errstate(all="ignore"):
            m = np.max(v, axis=axis, keepdims=True)
            if log:
                mf = np.where(np.isfinite(m), m, 0)
                ls = np.log(np.sum(np.exp(v - mf), axis=axis, keepdims=True))
                r = (v - mf) - ls
                sc = np.nan_to_num(np.abs(v - mf) + np.abs(ls), nan=0, posinf=0) + 1
            else:
                e = np.exp(v - m)
                r = e / np.sum(e, axis=axis, keepdims=True)
                sc = np.nan_to_num(np.abs(r) * (1 + np.abs(v - m)), nan=0, posinf=0)
        return to_dt(r, dt), sc
    return Case("softmax", f"{name} axis={axis}", nn, ref, "scaled", 16, zero_sign=False)


# ---------------------------------------------------------------- matmul

def gen_matmul(rng):
    dt = pick_dtype(rng)
    n, k, m = rng.randint(1, 5), rng.randint(1, 6), rng.randint(1, 5)
    if rng.random() < 0.1:
        k = rng.choice([0, 200])
    batch = random_shape(rng, rank=rng.randint(0, 2), lo=1, hi=3)
    bb = broadcast_partner(rng, batch)
    if rng.random() < 0.5:
        batch, bb = bb, batch
    form = rng.random()
    sa = batch + [n, k] if form > 0.2 else [k]
    sb = bb + [k, m] if form < 0.1 or form > 0.3 else [k]
    if rng.random() < 0.05:
        sb = bb + [k + 1, m]  # not aligned: an error in both
    a = with_view(rng, make_input(rng, sa, dt, "moderate"))
    b = with_view(rng, make_input(rng, sb, dt, "moderate"))
    xa, xb = a.arr, b.arr
    nn = f"({a.nn}) @ ({b.nn})" if rng.random() < 0.5 else f"matmul({a.nn}, {b.nn})"

    def ref():
        try:
            r = np.matmul(f64(xa), f64(xb))
            sc = np.matmul(np.abs(f64(xa)), np.abs(f64(xb)))
        except ValueError:
            raise ExpectError("not aligned")
        return to_dt(r, dt), sc
    # rounding of a k-term dot product: at most about k eps relative to Σ|a||b|
    return Case("matmul", f"{sa} @ {sb}", nn, ref, "scaled", 2 * (xa.shape[-1] + 2), zero_sign=False)


# ---------------------------------------------------------------- indexing

def random_index(rng, shape, for_set=False):
    """Index items (nn text, NumPy object) over the leading axes of shape."""
    items = []
    axis = 0
    lists = 0
    list_len = None
    while axis < len(shape) and rng.random() < 0.8:
        d = shape[axis]
        r = rng.random()
        if r < 0.1 and len(items) < 4:
            items.append(("nil", None))  # newaxis: consumes no axis
            continue
        if r < 0.35:
            i = rng.randint(-d - 1, d) if rng.random() < 0.1 else (rng.randint(-d, d - 1) if d else 0)
            items.append((str(i), i))
        elif r < 0.5 and lists < 2:
            n = list_len if list_len is not None else rng.randint(1, 3)
            vals = [rng.randint(-d, d - 1) for _ in range(n)] if d else []
            if for_set:
                vals = list(dict.fromkeys(v % d for v in vals)) if d else []
                if lists:  # zipped lists of equal length
                    vals = vals[:1]
            list_len = len(vals) if list_len is None else list_len
            items.append((str(vals), vals))
            lists += 1
        else:
            start = rng.choice([None, rng.randint(-d - 2, d + 2)])
            stop = rng.choice([None, rng.randint(-d - 2, d + 2)])
            step = rng.choice([None, 1, 2, -1, -2, 3])
            txt = ("" if start is None else str(start)) + ":" + ("" if stop is None else str(stop))
            if step is not None:
                txt += ":" + str(step)
            items.append((txt, slice(start, stop, step)))
        axis += 1
    if not items:
        items.append((":", slice(None)))
    return items


def gen_index(rng):
    dt = pick_dtype(rng)
    shape = random_shape(rng, rank=rng.randint(1, 3), hi=5)
    a = with_view(rng, make_input(rng, shape, dt))
    items = random_index(rng, shape)
    known = None
    r = rng.random()
    if r < 0.1 and shape[0] > 0:
        # a 2-d index (a nested list or a 2-d tensor): NumPy gathers an array of rows
        d = shape[0]
        rows = [[rng.randint(-d, d - 1) for _ in range(2)] for _ in range(rng.randint(1, 2))]
        items = [(f"tensor({rows})" if rng.random() < 0.5 else str(rows), np.array(rows))]
        known = "nested-index"
    elif r < 0.25:
        # an int list given as a tensor: the same as the list
        items = [(f"tensor({t})", o) if isinstance(o, list) and o else (t, o) for t, o in items]
    nn = f"({a.nn})[{', '.join(t for t, _ in items)}]"
    x = a.arr
    idx = tuple(o for _, o in items)

    def ref():
        try:
            return np.array(x[idx], dtype=dt)
        except IndexError:
            raise ExpectError("index out of range")
    return Case("index", nn.split(")[")[-1], nn, ref, known=known)


def gen_setindex(rng):
    dt = pick_dtype(rng)
    shape = random_shape(rng, rank=rng.randint(1, 3), lo=1, hi=5)
    a = make_input(rng, shape, dt)
    items = random_index(rng, shape, for_set=True)
    idx = tuple(o for _, o in items)
    x = a.arr
    try:
        sel_shape = x[idx].shape
    except IndexError:
        sel_shape = None
    if sel_shape is not None and rng.random() < 0.6:
        vshape = broadcast_partner(rng, list(sel_shape))
        v = make_input(rng, vshape, dt)
        v_arr, v_nn = v.arr, v.nn
    else:
        val = number_for(rng, dt)
        v_arr, v_nn = np.array(dt(val)), nn_number(val)
    nn = f"let y = clone({a.nn})\ny[{', '.join(t for t, _ in items)}] = {v_nn}\ny"
    chained = len(shape) >= 2 and rng.random() < 0.1
    if chained:
        # y[i][j] = v writes through the view y[i], as NumPy
        i, j = rng.randrange(shape[0]), rng.randrange(shape[1])
        val = number_for(rng, dt)
        v_arr, v_nn = np.array(dt(val)), nn_number(val)
        nn = f"let y = clone({a.nn})\ny[{i}][{j}] = {v_nn}\ny"
        idx = (i, j)

    def ref():
        y = x.copy()
        try:
            y[idx] = v_arr
        except (IndexError, ValueError):
            raise ExpectError("index out of range or shapes")
        return y
    return Case("setindex", "chained" if chained else f"[{', '.join(t for t, _ in items)}] = {v_arr.shape}", nn, ref,
                known="chained-setindex" if chained else None)


# ---------------------------------------------------------------- shape ops

def gen_shape(rng):
    dt = pick_dtype(rng)
    op = rng.choice(["reshape", "transpose", "permute", "squeeze", "unsqueeze", "concat", "stack",
                     "flatten", "T"])
    shape = random_shape(rng, rank=rng.randint(0 if op in ("reshape", "unsqueeze", "T") else 1, 4), hi=4)
    if op == "squeeze":
        shape = [1 if rng.random() < 0.4 else d for d in shape]
    a = with_view(rng, make_input(rng, shape, dt))
    x = a.arr
    nd = x.ndim
    known = None
    if op == "reshape":
        new = list(np.random.default_rng(rng.randrange(1 << 30)).permutation(shape)) if shape else []
        new = [int(d) for d in new]
        if new and rng.random() < 0.5:
            new[rng.randrange(len(new))] = -1
        if rng.random() < 0.1:
            new = new + [2]  # usually not the same count: an error in both
        nn, f = f"reshape({a.nn}, {new})", (lambda: x.reshape(new))
    elif op == "transpose":
        i, j = rng.randrange(-nd, nd), rng.randrange(-nd, nd)
        nn, f = f"transpose({a.nn}, a: {i}, b: {j})", (lambda: np.swapaxes(x, i, j))
    elif op == "permute":
        p = rng.sample(range(nd), nd)
        nn, f = f"permute({a.nn}, {p})", (lambda: np.transpose(x, p))
    elif op == "squeeze":
        ones = [i for i, d in enumerate(shape) if d == 1]
        if ones and rng.random() < 0.6:
            ax = rng.sample(ones, rng.randint(1, len(ones)))
            nn, f = f"squeeze({a.nn}, axis: {ax})", (lambda: np.squeeze(x, axis=tuple(ax)))
        else:
            nn, f = f"squeeze({a.nn})", (lambda: np.squeeze(x))
    elif op == "unsqueeze":
        ax = rng.randint(-nd - 1, nd)
        nn, f = f"unsqueeze({a.nn}, {ax})", (lambda: np.expand_dims(x, ax))
    elif op in ("concat", "stack"):
        ax = rng.randrange(-nd, nd) if op == "concat" else rng.randint(-nd - 1, nd)
        parts = [x]
        nns = [a.nn]
        for _ in range(rng.randint(0, 2)):
            s = list(shape)
            if op == "concat":
                s[ax] = rng.randint(0, 3)
            b = with_view(rng, make_input(rng, s, dt))
            parts.append(b.arr)
            nns.append(b.nn)
        fn = np.concatenate if op == "concat" else np.stack
        nn, f = f"{op}([{', '.join(nns)}], axis: {ax})", (lambda: fn(parts, axis=ax))
    elif op == "flatten":
        s, e = rng.randrange(-nd, nd), rng.randrange(-nd, nd)

        def f():
            s2, e2 = s % nd, e % nd
            if s2 > e2:
                raise ExpectError("start after end")
            return x.reshape(list(x.shape[:s2]) + [-1 if x.size else int(np.prod(x.shape[s2:e2 + 1]))] + list(x.shape[e2 + 1:]))
        nn = f"flatten({a.nn}, start: {s}, end: {e})"
    else:
        nn, f = f"({a.nn}).T", (lambda: x.T)

    def ref():
        try:
            return np.array(f(), dtype=dt)
        except (ValueError, np.exceptions.AxisError) as e:
            raise ExpectError(str(e))
    return Case("shape", op, nn, ref, known=known)


# ---------------------------------------------------------------- bool tensors

CMP_OPS = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
           ">": np.greater, ">=": np.greater_equal}


def bool_literal(m):
    """nn source for a bool array (nested lists of true/false make a bool tensor)."""
    if m.ndim == 0:
        return "tensor(true)" if bool(m) else "tensor(false)"
    if m.size == 0:
        return f"zeros({list(m.shape)}, dtype: \"bool\")"
    flat = ", ".join("true" if v else "false" for v in m.reshape(-1).tolist())
    return f"reshape(tensor([{flat}]), {list(m.shape)})"


def gen_compare(rng):
    """Comparisons give bool tensors (NumPy's bool results, exactly); a number
    meets the tensor in the tensor's dtype; NaN compares false except !=."""
    dt = pick_dtype(rng)
    shape = random_shape(rng, hi=3)
    a = with_view(rng, make_input(rng, shape, dt))
    b_arr, b_nn = partner_or_number(rng, shape, dt)
    op = rng.choice(list(CMP_OPS))
    aa = a.arr

    def ref():
        try:
            np.broadcast_shapes(aa.shape, b_arr.shape)
        except ValueError:
            raise ExpectError("shapes do not broadcast")
        return CMP_OPS[op](aa, b_arr.astype(dt))
    return Case("compare", op, f"({a.nn}) {op} ({b_nn})", ref)


def gen_mask(rng):
    """x[mask], x[mask] = v, masks from comparisons, a mask with an integer
    after it, and counting with sum/mean: NumPy's boolean indexing."""
    dt = pick_dtype(rng)
    shape = random_shape(rng, rank=rng.choice([1, 1, 2, 2, 3]), lo=1, hi=4)
    x = make_input(rng, shape, dt)
    xa = x.arr
    k = rng.randint(1, len(shape))
    m = np.array([rng.random() < 0.5 for _ in range(int(np.prod(shape[:k])))], dtype=bool).reshape(shape[:k])
    variant = rng.choice(["get", "cmp", "set-number", "set-tensor", "int-after", "count"])
    if variant == "get":
        return Case("mask", "x[m]", f"({x.nn})[{bool_literal(m)}]", lambda: xa[m])
    if variant == "cmp":
        t = number_for(rng, dt)
        return Case("mask", "x[x > t]", f"let x__ = {x.nn}\nx__[x__ > {nn_number(t)}]", lambda: xa[xa > dt(t)])
    if variant == "set-number":
        v = number_for(rng, dt)

        def ref():
            y = xa.copy()
            y[m] = dt(v)
            return y
        return Case("mask", "x[m] = v", f"let y__ = {x.nn}\ny__[{bool_literal(m)}] = {nn_number(v)}\ny__", ref)
    if variant == "set-tensor":
        n = int(m.sum())
        vals = make_input(rng, [n] + list(shape[k:]), dt)

        def ref():
            y = xa.copy()
            y[m] = vals.arr
            return y
        return Case("mask", "x[m] = t", f"let y__ = {x.nn}\ny__[{bool_literal(m)}] = {vals.nn}\ny__", ref)
    if variant == "int-after" and len(shape) >= 2 and k == 1:
        i = rng.randint(-shape[1], shape[1] - 1)
        return Case("mask", "x[m, i]", f"({x.nn})[{bool_literal(m)}, {i}]", lambda: xa[m, i])
    # count: sum gives the number of true elements, mean the fraction, in float32
    what = rng.choice(["sum", "mean"])

    def ref():
        mm = xa > 0
        return np.array(mm.sum() if what == "sum" else (mm.mean() if mm.size else np.nan), dtype=F32)
    return Case("mask", f"(x > 0).{what}()", f"(({x.nn}) > 0).{what}()", ref, mode="ulp", tol=1)



# ---------------------------------------------------------------- int64

I64 = np.int64


def int_values(rng, n):
    """n int64 values: small ones, and large ones to the ends of the range."""
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.5:
            v = rng.randint(-10, 10)
        elif r < 0.7:
            v = rng.randint(-1000, 1000)
        elif r < 0.85:
            v = rng.randint(-2 ** 62, 2 ** 62)
        else:
            v = rng.choice([2 ** 63 - 1, -2 ** 63, 2 ** 53 + 1, -2 ** 53 - 1, 2 ** 31, 2 ** 24 + 1, 0, 1, -1])
        out.append(v)
    return out


def int_literal(arr):
    """An nn expression for an int64 array, exact for every value: an element
    beyond 2**53 (no nn number holds it) is built as hi * 2**32 + lo, each
    part an exact double, in int64's wrapping arithmetic."""
    if arr.size == 0:
        return f'zeros({list(arr.shape)}, dtype: "int64")'
    flat = [int(v) for v in arr.reshape(-1).tolist()]
    if all(abs(v) <= 2 ** 53 for v in flat):
        body = f'tensor([{", ".join(map(str, flat))}], dtype: "int64")'
    else:
        hi = ", ".join(str(v >> 32) for v in flat)
        lo = ", ".join(str(v & 0xFFFFFFFF) for v in flat)
        body = f'(tensor([{hi}], dtype: "int64") * 4294967296 + tensor([{lo}], dtype: "int64"))'
    return f"reshape({body}, {list(arr.shape)})"


def int_input(rng, shape, nonzero=False, exponent=False):
    n = int(np.prod(shape)) if shape else 1
    if exponent:
        vals = [rng.randint(0, 5) for _ in range(n)]
    else:
        vals = int_values(rng, n)
        if nonzero:
            vals = [v if v != 0 else rng.choice([1, -3]) for v in vals]
    arr = np.array(vals, dtype=I64).reshape(shape)
    return Input(arr, int_literal(arr))


INT_OPS = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "%": np.remainder, "**": np.power,
    "maximum": np.maximum, "minimum": np.minimum,
    "==": np.equal, "!=": np.not_equal, "<": np.less, ">=": np.greater_equal,
}


def gen_int64(rng):
    """int64 tensors against NumPy's int64 (which wraps as nn's does), and nn's
    promotion rules computed with NumPy: / is float32 true division; int64
    meets a float tensor in that float; an integral number keeps int64."""
    form = rng.random()
    shape = random_shape(rng)
    if form < 0.55:
        op = rng.choice(list(INT_OPS) + ["/"])
        bshape = broadcast_partner(rng, shape)
        if rng.random() < 0.5:
            shape, bshape = bshape, shape
        a = int_input(rng, shape)
        b = int_input(rng, bshape, nonzero=op == "%", exponent=op == "**")

        def ref():
            with np.errstate(all="ignore"):
                if op == "/":
                    return a.arr.astype(F32) / b.arr.astype(F32)
                return INT_OPS[op](a.arr, b.arr)
        return Case("int64", f"int64 {op} int64", expr2(op, a.nn, b.nn), ref)
    if form < 0.75:
        # with a float tensor: in the float (NumPy would widen to float64)
        op = rng.choice(["+", "-", "*", "maximum", "<"])
        dt = pick_dtype(rng)
        a = int_input(rng, shape)
        b = make_input(rng, broadcast_partner(rng, shape), dt)
        swap = rng.random() < 0.5

        def ref():
            x, y = a.arr.astype(dt), b.arr
            if op == "<":
                # a comparison is exact: in float64, as nn compares
                x, y = a.arr.astype(F64), b.arr.astype(F64)
            with np.errstate(all="ignore"):
                return INT_OPS[op](y, x) if swap else INT_OPS[op](x, y)
        na, nb = (b.nn, a.nn) if swap else (a.nn, b.nn)
        return Case("int64", f"int64 {op} {dtname(dt)}", expr2(op, na, nb), ref, zero_sign=False)
    if form < 0.85:
        # with a number: an integer keeps int64, a fraction gives float32
        op = rng.choice(["+", "*", "-", "%"])
        a = int_input(rng, shape)
        k = rng.choice([3, -2, 1000, 0.5, -1.25]) if op != "%" else rng.choice([3, -2, 7])

        def ref():
            with np.errstate(all="ignore"):
                if float(k).is_integer():
                    return INT_OPS[op](a.arr, I64(int(k)))
                return INT_OPS[op](a.arr.astype(F32), F32(k))
        return Case("int64", f"int64 {op} number", f"({a.nn}) {op} ({nn_number(k)})", ref, zero_sign=False)
    # reductions and argmax: sum wraps, max/min and the indices are exact
    fn = rng.choice(["sum", "max", "min", "argmax", "argmin"])
    a = int_input(rng, shape)
    nd = a.arr.ndim
    axis = None if nd == 0 or rng.random() < 0.4 else rng.randrange(-nd, nd)
    call = f"{fn}({a.nn}" + (f", axis: {axis}" if axis is not None else "") + ")"

    def ref():
        if a.arr.size == 0 and fn != "sum" and (axis is None or nd == 0):
            raise ExpectError("empty reduction")
        f = {"sum": np.sum, "max": np.max, "min": np.min, "argmax": np.argmax, "argmin": np.argmin}[fn]
        if fn in ("argmax", "argmin") and axis is None:
            return np.asarray(f(a.arr.reshape(-1)), I64)
        if nd > 0 and axis is not None and a.arr.shape[axis] == 0 and fn != "sum":
            raise ExpectError("empty axis")
        with np.errstate(all="ignore"):
            return np.asarray(f(a.arr, axis=axis), I64)
    return Case("int64", f"{fn} axis={axis}", call, ref)

FAMILIES = {
    "arith": gen_arith,
    "math": gen_math,
    "reduce": gen_reduce,
    "softmax": gen_softmax,
    "matmul": gen_matmul,
    "index": gen_index,
    "setindex": gen_setindex,
    "shape": gen_shape,
    "where": gen_where,
    "clamp": gen_clamp,
    "compare": gen_compare,
    "mask": gen_mask,
    "int64": gen_int64,
}


# ---------------------------------------------------------------- running

def script_for(cases):
    out = []
    for c in cases:
        body = c.nn.split("\n")
        last = body.pop()
        # an int64 result beyond ±2**53 prints exactly as the tensor (tolist
        # refuses it; the int64 family's results are small enough to print whole)
        big = '(r__ > 2**53).any() or (r__ < -(2**53)).any()'
        shown = f'if r__.dtype == "int64" and ({big}) {{ replace(str(r__), "\\n", " ") }} else {{ tolist(r__) }}'
        lines = "\n  ".join(body + [f"let r__ = {last}", f'print("R {c.id}", r__.dtype, r__.shape, {shown})'])
        out.append(f"try {{\n  {lines}\n}} catch e {{\n  print(\"E {c.id}\", e)\n}}")
    return "\n".join(out) + "\n"


_NUM = {"nan": float("nan"), "inf": float("inf"), "true": True, "false": False}


def parse_values(text):
    """The values printed by tolist: nested lists of numbers (nan, inf, -0);
    or an int64 tensor as printed (`tensor([ 1, -2], shape=[2], dtype=int64)`)."""
    if text.startswith("tensor("):
        inner = text[len("tensor("):]
        inner = re.split(r",\s*(?:shape|dtype)=", inner)[0]
        return eval(inner, {"__builtins__": {}}, {})
    # "-0" would read as the integer 0: make it the float -0.0
    text = re.sub(r"-0(?=[,\]\s]|$)", "-0.0", text)
    return eval(text, {"__builtins__": {}}, _NUM)


def run_nn(nn_bin, cases, tmpdir, keep):
    path = os.path.join(tmpdir, f"batch_{cases[0].id}.nn")
    with open(path, "w") as fh:
        fh.write(script_for(cases))
    p = subprocess.run([nn_bin, path], capture_output=True, timeout=600)
    results = {}
    for line in p.stdout.decode("utf-8", "replace").split("\n"):
        m = re.match(r"^([RE]) (\d+) (.*)$", line)
        if not m:
            continue
        results[int(m.group(2))] = (m.group(1), m.group(3))
    if p.returncode != 0 and len(results) < len(cases):
        sys.stderr.write(f"nn stopped on {path}: {p.stderr.decode()[:500]}\n")
    return results, path


def ordered(a):
    """float bits as ordered integers (adjacent floats differ by 1; -0 == +0)."""
    if a.dtype == F32:
        i = a.view(np.int32).astype(np.int64)
        return np.where(i < 0, -(i & 0x7FFFFFFF), i)
    i = a.view(np.int64)
    return np.where(i < 0, -(i & 0x7FFFFFFFFFFFFFFF), i).astype(object)


def compare(case, got_kind, got_text):
    """None when nn's answer agrees with the reference, else a message."""
    try:
        expected = case.ref()
        want_error = None
    except ExpectError as e:
        expected, want_error = None, str(e)
    if want_error is not None:
        return None if got_kind == "E" else f"nn gave a result where the reference refuses ({want_error}): {got_text[:200]}"
    scale = None
    if isinstance(expected, tuple):
        expected, scale = expected
    expected = np.asarray(expected)
    if got_kind == "E":
        return f"nn error: {got_text[:300]}"
    m = re.match(r"^(\w+) (\[[^\]]*\]) (.*)$", got_text)
    if not m:
        return f"unparsable output {got_text[:200]!r}"
    dtype, shape = m.group(1), parse_values(m.group(2))
    want_dt = dtname(expected.dtype)
    if dtype != want_dt:
        return f"dtype {dtype}, expected {want_dt}"
    if list(shape) != list(expected.shape):
        return f"shape {shape}, expected {list(expected.shape)}"
    vals = parse_values(m.group(3))
    if expected.dtype == bool:
        got_b = np.array(vals, dtype=bool).reshape(expected.shape)
        diff = np.flatnonzero(got_b != expected)
        if diff.size:
            i = int(diff[0])
            return (f"{diff.size} of {expected.size} values differ; first at flat index {i}: "
                    f"nn {bool(got_b.reshape(-1)[i])}, expected {bool(expected.reshape(-1)[i])}")
        return None
    if expected.dtype == np.int64:
        got_i = np.array(vals, dtype=np.int64).reshape(expected.shape)
        diff = np.flatnonzero(got_i != expected)
        if diff.size:
            i = int(diff[0])
            return (f"{diff.size} of {expected.size} values differ; first at flat index {i}: "
                    f"nn {int(got_i.reshape(-1)[i])}, expected {int(expected.reshape(-1)[i])}")
        return None
    got = np.array(vals, dtype=F64).reshape(expected.shape).astype(expected.dtype)
    e, g = expected.reshape(-1), got.reshape(-1)
    bad = []
    tiny = float(np.finfo(expected.dtype).tiny)
    fmax = float(np.finfo(expected.dtype).max)
    sc = None if scale is None else np.broadcast_to(np.asarray(scale, F64), expected.shape).reshape(-1)
    oe, og = ordered(e), ordered(g)
    for i in range(e.size):
        ev, gv = float(e[i]), float(g[i])
        if case.mode == "scaled" and sc is not None and not (float(sc[i]) <= fmax):
            continue  # a finite part overflows: the result (even nan) depends on the order of the terms
        if math.isnan(ev) or math.isnan(gv):
            if not (math.isnan(ev) and math.isnan(gv)):
                bad.append(i)
            continue
        if case.mode == "scaled" and sc is not None:
            s = float(sc[i])
            if math.isinf(ev) or math.isinf(gv):
                if ev != gv:
                    bad.append(i)
                continue
            if abs(gv - ev) > case.tol * eps(expected.dtype) * s + tiny:
                bad.append(i)
            continue
        if math.isinf(ev) or math.isinf(gv):
            if ev != gv:
                bad.append(i)
            continue
        if case.mode == "ulp":
            if abs(int(oe[i]) - int(og[i])) > case.tol:
                bad.append(i)
        elif ev != gv:
            bad.append(i)
        elif case.zero_sign and ev == 0 and math.copysign(1, ev) != math.copysign(1, gv):
            bad.append(i)
    if bad:
        i = bad[0]
        return (f"{len(bad)} of {e.size} values differ; first at flat index {i}: "
                f"nn {float(g[i])!r}, expected {float(e[i])!r}"
                + (f" (scale {float(sc[i]):.3g})" if sc is not None else ""))
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=2000, help="cases per run (default 2000)")
    ap.add_argument("--batch", type=int, default=250, help="cases per nn script")
    ap.add_argument("--family", action="append", help="only these families (repeatable)")
    ap.add_argument("--bin", default=os.environ.get("NN_BIN", os.path.join(os.path.dirname(__file__), "../../.build/release/nn")))
    ap.add_argument("--keep", action="store_true", help="keep the generated scripts")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each failing case's nn source")
    args = ap.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's warnings on empty means, overflow
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"numpy_diff: no nn binary at {args.bin} (set NN_BIN)")
    fams = args.family or list(FAMILIES)
    for f in fams:
        if f not in FAMILIES:
            sys.exit(f"numpy_diff: unknown family {f}; families: {', '.join(FAMILIES)}")
    rng = random.Random(args.seed)
    tmpdir = tempfile.mkdtemp(prefix="nn-numpy-diff-")
    failures, known, counts = [], {}, {}
    for start in range(0, args.cases, args.batch):
        # generated batch by batch (the same cases for a seed whatever the
        # batch size), so memory stays bounded however many cases run
        batch = []
        for k in range(start, min(args.cases, start + args.batch)):
            c = FAMILIES[fams[k % len(fams)]](rng)
            c.id = k
            batch.append(c)
        results, path = run_nn(args.bin, batch, tmpdir, args.keep)
        for c in batch:
            counts[c.family] = counts.get(c.family, 0) + 1
            got = results.get(c.id)
            msg = "no output (nn stopped?)" if got is None else compare(c, *got)
            if c.known is not None and c.known in KNOWN_FAILURES:
                known[c.known] = known.get(c.known, 0) + (1 if msg else 0)
                continue
            if msg:
                failures.append((c, msg))
        if not args.keep:
            os.remove(path)
    if not args.keep:
        os.rmdir(tmpdir)
    else:
        print(f"numpy_diff: scripts kept in {tmpdir}")
    for c, msg in failures:
        print(f"MISMATCH case {c.id} [{c.family}: {c.desc}]: {msg}")
        if args.verbose:
            src = c.nn if len(c.nn) <= 1500 else c.nn[:1500] + " ... (--keep keeps the scripts)"
            print("  " + src.replace("\n", "\n  "))
    summary = ", ".join(f"{k} {v}" for k, v in counts.items())
    print(f"numpy_diff: seed {args.seed}, {args.cases} cases ({summary}): {len(failures)} mismatches")
    for k, n in known.items():
        print(f"  known failure '{k}' ({KNOWN_FAILURES[k]}): {n} mismatching cases skipped")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
