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


