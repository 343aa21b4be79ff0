"""The structural ops of the autodiff differential test's random programs:
reductions (with axis and keepdims), softmax, shapes and views, indexing
(integers, slices, reversal, lists, masks, new axes) and index assignment,
matrix products, eigh and the losses. See autodiff_ops.py."""

import math

from autodiff_program import num


def _axes(p, nd, allow_none=True):
    """None, one axis (maybe negative) or a list of distinct axes."""
    r = p.rng.random()
    if allow_none and (nd == 0 or r < 0.25):
        return None, None
    if r < 0.65 or nd == 1:
        ax = p.rng.randrange(nd)
        return (ax - nd if p.rng.random() < 0.4 else ax), [ax]
    k = p.rng.randint(1, nd)
    axs = p.rng.sample(range(nd), k)
    shown = [a - nd if p.rng.random() < 0.3 else a for a in axs]
    return shown, sorted(axs)


def _groups(t, dims):
    """t with the reduced dims moved last and flattened: [groups, size]."""
    nd = t.dim()
    keep = [d for d in range(nd) if d not in dims]
    return t.permute(keep + list(dims)).reshape(-1, math.prod(t.shape[d] for d in dims) if dims else 1)


REDUCE = {
    "sum": ("sum", "torch.sum({a}, dim={d}, keepdim={k})", None),
    "mean": ("mean", "torch.mean({a}, dim={d}, keepdim={k})", None),
    "max": ("max", "torch.amax({a}, dim={d}, keepdim={k})", "gap"),
    "min": ("min", "torch.amin({a}, dim={d}, keepdim={k})", "gap"),
    "norm": ("norm", "torch.linalg.vector_norm({a}, 2, dim={d}, keepdim={k})", "norm"),
    "logsumexp": ("logsumexp", "torch.logsumexp({a}, dim={d}, keepdim={k})", None),
    "var": ("var", "torch.var({a}, dim={d}, keepdim={k}, correction=1)", "spread"),
    "std": ("std", "torch.std({a}, dim={d}, keepdim={k}, correction=1)", "spread"),
}
REDUCE_OPS = {"sum": ["sumTo"], "mean": ["mean"], "max": ["max"], "min": ["min"], "norm": ["norm"],
              "logsumexp": ["logsumexp"], "var": ["mean", "sub", "mul"], "std": ["mean", "sqrt"]}


def op_reduce(p, name):
    fn, th, check = REDUCE[name]
    a = p.pick(lambda n: n.ndim >= 1 and n.size >= 2)
    if a is None:
        return None
    shown, dims = _axes(p, a.ndim)
    dims = list(range(a.ndim)) if dims is None else dims
    g = _groups(a.val, dims)
    if check == "gap":
        s = g.sort(dim=1, descending=(name == "max")).values
        if g.shape[1] >= 2 and float((s[:, 0] - s[:, 1]).abs().min()) < 1e-3:
            return None
    if check == "norm" and float(g.norm(dim=1).min()) < 0.1:
        return None
    if check == "spread" and (g.shape[1] < 2 or float(g.var(dim=1).min()) < 0.01):
        return None
    keep = p.rng.random() < 0.4
    args = [a.name] + ([f"axis: {shown if not isinstance(shown, list) else '[' + ', '.join(map(str, shown)) + ']'}"]
                       if shown is not None else []) + (["keepdims: true"] if keep else [])
    nn = f"{fn}({', '.join(args)})" if p.rng.random() < 0.7 else f"{a.name}.{fn}({', '.join(args[1:])})"
    return p.emit(name, nn, th.format(a=a.name, d=tuple(dims), k=keep), REDUCE_OPS[name])


def op_softmax(p, log):
    a = p.pick(lambda n: n.ndim >= 1)
    if a is None:
        return None
    ax = p.rng.randrange(-a.ndim, a.ndim)
    fn = "log_softmax" if log else "softmax"
    if p.rng.random() < 0.3 and ax == -1:
        nn = f"{fn}({a.name})"
    else:
        nn = f"{fn}({a.name}, axis: {ax})"
    return p.emit(fn, nn, f"torch.{fn}({a.name}, dim={ax})", ["logSoftmax" if log else "softmax"])


# ------------------------------------------------------------ shapes

def _factor(n, k, rng):
    dims = [1] * k
    f, m = 2, n
    while m > 1:
        while m % f == 0:
            dims[rng.randrange(k)] *= f
            m //= f
        f += 1
    return dims


def op_reshape(p):
    a = p.pick()
    form = p.rng.choice(["reshape", "reshape", "flatten", "squeeze", "unsqueeze"])
    if form == "reshape":
        dims = _factor(a.size, p.rng.randint(1 if a.size > 1 else 0, 3), p.rng) if a.size > 1 or p.rng.random() < 0.5 else []
        shown = list(dims)
        if dims and p.rng.random() < 0.3:
            shown[p.rng.randrange(len(dims))] = -1
        return p.emit("reshape", f"reshape({a.name}, [{', '.join(map(str, shown))}])", f"{a.name}.reshape({shown})", ["reshape"])
    if form == "flatten" and a.ndim >= 1:
        s = p.rng.randrange(a.ndim)
        if s == 0 and p.rng.random() < 0.5:
            return p.emit("flatten", f"flatten({a.name})", f"torch.flatten({a.name})", ["reshape"])
        return p.emit("flatten", f"flatten({a.name}, start: {s})", f"torch.flatten({a.name}, {s})", ["reshape"])
    if form == "squeeze" and 1 in a.shape:
        if p.rng.random() < 0.5:
            return p.emit("squeeze", f"squeeze({a.name})", f"{a.name}.squeeze()", ["reshape"])
        ax = p.rng.choice([i for i, d in enumerate(a.shape) if d == 1])
        return p.emit("squeeze", f"squeeze({a.name}, axis: {ax})", f"{a.name}.squeeze({ax})", ["reshape"])
    ax = p.rng.randrange(-a.ndim - 1, a.ndim + 1)
    return p.emit("unsqueeze", f"unsqueeze({a.name}, {ax})", f"{a.name}.unsqueeze({ax})", ["reshape"])


def op_permute(p):
    a = p.pick(lambda n: n.ndim >= 2)
    if a is None:
        return None
    form = p.rng.choice(["permute", "transpose", "T"])
    if form == "T" and a.ndim == 2:
        return p.emit("permute", f"{a.name}.T", f"{a.name}.T", ["permute"])
    if form == "transpose":
        i, j = p.rng.sample(range(-a.ndim, a.ndim), 2)
        return p.emit("permute", f"transpose({a.name}, {i}, {j})", f"{a.name}.transpose({i}, {j})", ["permute"])
    perm = p.rng.sample(range(a.ndim), a.ndim)
    return p.emit("permute", f"permute({a.name}, [{', '.join(map(str, perm))}])", f"{a.name}.permute({perm})", ["permute"])


def op_concat(p):
    a = p.pick(lambda n: n.ndim >= 1)
    if a is None:
        return None
    stack = p.rng.random() < 0.3
    ax = p.rng.randrange(a.ndim + (1 if stack else 0))
    if stack:
        same = lambda n: n.shape == a.shape
    else:
        same = lambda n: n.ndim == a.ndim and all(x == y for i, (x, y) in enumerate(zip(n.shape, a.shape)) if i != ax)
    others = [p.pick(same) for _ in range(p.rng.randint(1, 2))]
    parts = [a] + [o for o in others if o is not None]
    names = ", ".join(x.name for x in parts)
    if stack:
        return p.emit("stack", f"stack([{names}], axis: {ax})", f"torch.stack([{names}], {ax})", ["concat", "reshape"])
    return p.emit("concat", f"concat([{names}], axis: {ax})", f"torch.cat([{names}], {ax})", ["concat"])


# ------------------------------------------------------------ indexing

def _index(p, a, distinct=False):
    """An index of `a` as (nn text, torch text), of a random kind."""
    rng, nd = p.rng, a.ndim
    kind = rng.choice(["int", "slice", "reverse", "list", "mask", "zip", "newaxis"])
    if kind == "int":
        k = rng.randint(1, min(2, nd))
        idx = [str(rng.randrange(-a.shape[i], a.shape[i])) for i in range(k)]
        return ", ".join(idx), ", ".join(idx)
    if kind == "slice":
        parts = []
        for i in range(rng.randint(1, nd)):
            n = a.shape[i]
            s = rng.randrange(n)
            e = rng.randrange(s + 1, n + 1)
            st = rng.choice([1, 1, 2])
            parts.append(f"{s}:{e}" + (f":{st}" if st != 1 else ""))
        return ", ".join(parts), ", ".join(parts)
    if kind == "reverse":
        ax = rng.randrange(nd)
        nn = ", ".join([":"] * ax + ["::-1"])
        return nn, None, f"torch.flip({a.name}, [{ax}])"
    if kind == "list":
        ax = rng.randrange(nd)
        n = a.shape[ax]
        if distinct:
            ids = rng.sample(range(n), rng.randint(1, n))
        else:
            ids = [rng.randrange(-n, n) for _ in range(rng.randint(1, 4))]
        text = ", ".join([":"] * ax + ["[" + ", ".join(map(str, ids)) + "]"])
        return text, text
    if kind == "mask":
        lead = rng.randint(1, nd)
        m = p.pick(lambda x: x.shape == a.shape[:lead] and x.size >= 2)
        if m is None:
            return None
        vals = sorted(float(v) for v in m.val.reshape(-1))
        c = round((vals[0] + vals[-1]) / 2 + p.rng.uniform(-0.2, 0.2) * (vals[-1] - vals[0]), 4)
        if float((m.val - c).abs().min()) < 1e-3 or not bool((m.val > c).any()):
            return None
        return f"{m.name} > {num(c)}", f"{m.name} > {c!r}"
    if kind == "zip" and nd >= 2:
        k = rng.randint(1, 3)
        rows = [rng.randrange(a.shape[0]) for _ in range(k)]
        cols = [rng.randrange(a.shape[1]) for _ in range(k)]
        if distinct and len(set(zip(rows, cols))) < k:
            return None
        text = f"[{', '.join(map(str, rows))}], [{', '.join(map(str, cols))}]"
        return text, text
    if kind == "newaxis" and not distinct:
        ax = rng.randrange(nd + 1)
        return ", ".join([":"] * ax + ["nil"]), ", ".join([":"] * ax + ["None"])
    return None


def op_index(p):
    a = p.pick(lambda n: n.ndim >= 1)
    if a is None:
        return None
    got = _index(p, a)
    if got is None:
        return None
    if len(got) == 3:
        return p.emit("index", f"{a.name}[{got[0]}]", got[2], ["index", "indexScatter"])
    return p.emit("index", f"{a.name}[{got[0]}]", f"{a.name}[{got[1]}]", ["index", "indexScatter"])


def op_index_put(p):
    """`y[idx] = v` of a tracked `v` into a copy of a value, tracked (the
    gradient flows to both) or detached (to `v` only)."""
    a = p.pick(lambda n: n.ndim >= 1)
    if a is None:
        return None
    got = _index(p, a, distinct=True)
    if got is None or len(got) == 3:
        return None
    env = dict(p.env)
    try:
        region = eval(f"{a.name}[{got[1]}]", env)
    except Exception:   # noqa: BLE001
        return None
    v = p.pick(lambda n: n.ndim <= region.dim() and p.broadcast(n.shape, tuple(region.shape)) == tuple(region.shape))
    if v is None:
        return None
    name = p.fresh("y")
    if p.rng.random() < 0.5:
        # into a tensor that is not tracked: the gradient flows to v only
        pre_nn = [f"let {name} = detach({a.name}) * 1", f"{name}[{got[0]}] = {v.name}"]
        pre_th = [f"{name} = {a.name}.detach().clone()", f"{name}[{got[1]}] = {v.name}"]
    else:
        # into a tracked tensor: to both
        pre_nn = [f"let {name} = {a.name} * 1", f"{name}[{got[0]}] = {v.name}"]
        pre_th = [f"{name} = {a.name}.clone()", f"{name}[{got[1]}] = {v.name}"]
    return p.emit("index_put", f"{name} * 1", f"{name} * 1", ["indexScatter", "index", "mul"], pre_nn=pre_nn, pre_th=pre_th)
