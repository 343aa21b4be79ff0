"""Random differentiable programs for the autodiff differential test
(torch_autodiff.py): a Program is a list of `let` statements over its
inputs, written twice, in nn and in torch, from one draw. Each statement
applies one op (autodiff_ops.py) to earlier values, so values are shared by
later statements (shared subexpressions). The torch text is run as the
program is drawn, so each op sees the values it will be differentiated at
and refuses inputs near its kinks (|x| near 0 for abs, ties for max, ...)
and outside its domain (log of x <= 0.3, ...)."""

import math

from torch_common import lit, num

# A value larger than this is refused (derivatives of order three of a
# program with such values would lose the 1e-8 comparison to rounding).
LIMIT = 40.0
# The largest number of elements of one value.
MAX_SIZE = 36


class Node:
    def __init__(self, name, shape, val):
        self.name, self.shape, self.val = name, tuple(shape), val

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return math.prod(self.shape)


class Program:
    """One program: inputs, constants, statements (nn and torch), the Op table
    entries it records and its tolerance."""

    def __init__(self, rng, torch):
        self.rng, self.torch = rng, torch
        self.env = {"torch": torch, "F": torch.nn.functional}
        self.consts_nn = []          # `let C0 = tensor(...)` lines
        self.nn, self.th = [], []    # statements of the body
        self.inputs, self.nodes = [], []
        self.ops = set()             # Op table cases this program records
        self.kinds = []              # the generator ops applied, in order
        self.tol = 1e-8
        self.counter = 0

    # ------------------------------------------------------------ values

    def const(self, values, shape):
        """A constant tensor (not differentiated) known to both sides."""
        name = f"C{len(self.consts_nn)}"
        self.consts_nn.append(f"let {name} = {literal(values, shape)}")
        self.env[name] = self.torch.tensor(values, dtype=self.torch.float64).reshape(shape)
        return name

    def randc(self, shape, lo=-1.5, hi=1.5):
        n = math.prod(shape)
        return self.const([round(self.rng.uniform(lo, hi), 3) for _ in range(n)], list(shape))

    def add_input(self, shape, lo=-1.8, hi=1.8):
        n = math.prod(shape)
        vals = [self.rng.uniform(lo, hi) for _ in range(n)]
        name = f"x{len(self.inputs)}"
        val = self.torch.tensor(vals, dtype=self.torch.float64).reshape(shape)
        self.env[name] = val
        node = Node(name, shape, val)
        self.inputs.append((node, vals))
        self.nodes.append(node)
        return node

    def emit(self, kind, nn_expr, th_expr, ops, pre_nn=(), pre_th=(), limit=LIMIT, extra_nodes=()):
        """Runs the torch side of one statement `name = expr` (after the
        `pre` statements); keeps it when its value is finite, not empty and
        within `limit`. Returns the new Node or None."""
        name = f"t{self.counter}"
        th_lines = list(pre_th) + [f"{name} = {th_expr}"]
        env = dict(self.env)
        try:
            with self.torch.no_grad():
                for line in th_lines:
                    exec(line, env)
        except Exception:   # noqa: BLE001 - a draw torch refuses is redrawn
            return None
        val = env[name]
        if not isinstance(val, self.torch.Tensor) or val.numel() == 0 or val.numel() > MAX_SIZE:
            return None
        if not bool(self.torch.isfinite(val).all()) or float(val.abs().max()) > limit:
            return None
        self.counter += 1
        self.env = env
        self.nn += list(pre_nn) + [f"let {name} = {nn_expr}"]
        self.th += th_lines
        node = Node(name, val.shape, val)
        self.nodes.append(node)
        for extra in extra_nodes:   # names defined by `pre` that are values too
            v = env[extra]
            self.nodes.append(Node(extra, v.shape, v))
        self.ops |= set(ops)
        self.kinds.append(kind)
        return node

    def fresh(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"

    # ------------------------------------------------------------ picking

    def pick(self, pred=lambda n: True, exclude=None):
        """A node satisfying `pred`, later ones likelier (deep chains), any
        earlier one possible (shared subexpressions)."""
        cands = [(i, n) for i, n in enumerate(self.nodes) if pred(n) and n is not exclude]
        if not cands:
            return None
        weights = [1 + i for i, _ in cands]
        return self.rng.choices([n for _, n in cands], weights=weights)[0]

    def broadcast(self, a, b):
        try:
            s = tuple(self.torch.broadcast_shapes(a, b))
        except RuntimeError:
            return None
        return s if math.prod(s) <= MAX_SIZE else None

    def pick_partner(self, a, pred=lambda n: True):
        """A node whose shape broadcasts with `a`'s (possibly `a` itself)."""
        return self.pick(lambda n: self.broadcast(a.shape, n.shape) is not None and pred(n))

    # ------------------------------------------------------------ output

    def nn_nodes_fn(self, outs):
        unpack = [f"  let {n.name} = xs[{i}]" for i, (n, _) in enumerate(self.inputs)]
        body = unpack + ["  " + l for l in self.nn] + ["  [" + ", ".join(o.name for o in outs) + "]"]
        return "let nodes = xs => {\n" + "\n".join(body) + "\n}"

    def th_nodes_fn(self, outs):
        unpack = [f"    {n.name} = xs[{i}]" for i, (n, _) in enumerate(self.inputs)]
        body = unpack + ["    " + l for l in self.th] + ["    return [" + ", ".join(o.name for o in outs) + "]"]
        return "def nodes(xs):\n" + "\n".join(body) + "\n"


def literal(values, shape):
    """A float64 tensor literal of any shape, 0-d included."""
    if not shape:
        return f'tensor({num(values[0])}, dtype: "float64")'
    return lit(values, list(shape))


def frac_ok(q, margin=0.02):
    """True when every element of q is at least `margin` from an integer."""
    f = q - q.floor()
    return bool(((f > margin) & (f < 1 - margin)).all())


__all__ = ["Node", "Program", "LIMIT", "MAX_SIZE", "frac_ok", "literal", "num", "lit"]
