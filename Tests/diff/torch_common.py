"""What the torch differential test's case generators share: nn literals of
floats that read back exactly, and the Case record."""

import math

def num(x):
    """A float as nn source: the shortest text that reads back as the same double."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"non-finite value {x} in a generated case")
    r = repr(x)
    return r[:-2] if r.endswith(".0") else r


def lit(values, shape=None):
    """A float64 tensor literal from a flat list and a shape (nested lists)."""
    def nest(vals, shp):
        if not shp:
            return num(vals[0])
        step = len(vals) // shp[0]
        return "[" + ", ".join(nest(vals[i * step:(i + 1) * step], shp[1:]) for i in range(shp[0])) + "]"
    shape = shape or [len(values)]
    return f'tensor({nest(list(values), list(shape))}, dtype: "float64")'


def flat(t):
    """A torch tensor (or number) as a flat list of floats."""
    import torch
    if isinstance(t, torch.Tensor):
        return [float(v) for v in t.detach().reshape(-1).tolist()]
    if isinstance(t, (list, tuple)):
        out = []
        for v in t:
            out += flat(v)
        return out
    return [float(t)]


def logu(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def randn(rng, n, scale=1.0):
    return [rng.gauss(0, 1) * scale for _ in range(n)]


class Case:
    """One configuration: its nn code (which must print `CASE id [...]`) and torch's numbers."""

    def __init__(self, kind, desc, nn, expected, scale=1.0):
        self.kind, self.desc, self.nn, self.expected, self.scale = kind, desc, nn, expected, scale
        self.id = None


def start(argv, label, script, count_env, default_count):
    """The drivers' common start: `[COUNT] [--seed S] [--keep DIR]` (COUNT
    defaults to $count_env or `default_count`), torch imported in float64 and
    deterministic, NN_BIN checked. Returns (torch, count, seed, keep, nn_bin),
    or an exit status: 0 when torch does not import (the test skips, saying
    so), 2 without an nn binary."""
    import os
    import sys
    count = int(os.environ.get(count_env, str(default_count)))
    seed, keep = 0, None
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--seed":
            seed = int(args.pop(0))
        elif a == "--keep":
            keep = args.pop(0)
            os.makedirs(keep, exist_ok=True)
        else:
            count = int(a)
    try:
        import torch
    except Exception as e:   # noqa: BLE001 - any import failure means: skip
        print(f"{label} skipped: torch does not import here ({type(e).__name__}: {e}); "
              "install it (pip install torch) or put it on PYTHONPATH to run it")
        return 0
    torch.set_default_dtype(torch.float64)
    torch.use_deterministic_algorithms(True)
    nn_bin = os.environ.get("NN_BIN")
    if not nn_bin or not os.access(nn_bin, os.X_OK):
        print(f"{script}: set NN_BIN to the nn binary", file=sys.stderr)
        return 2
    return torch, count, seed, keep, nn_bin

