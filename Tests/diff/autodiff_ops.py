"""The ops of the autodiff differential test's random programs: each draws
its operands from a Program (autodiff_program.py), checks that the values
are away from the op's kinks and inside its domain, and emits one statement
in nn and in torch. OPS lists them with the Op table cases they record
(Sources/NNTensor/Op.swift); the test fails when a case of that table is
never recorded."""

import math

from autodiff_program import frac_ok, num


def _min_abs(t):
    return float(t.abs().min())


# ------------------------------------------------------------ elementwise

UNARY = {
    # name: (nn, torch, domain check)
    "neg": ("-{a}", "-{a}", None),
    "exp": ("exp({a})", "torch.exp({a})", lambda v: float(v.max()) < 3),
    "log": ("log({a})", "torch.log({a})", lambda v: float(v.min()) > 0.3),
    "sqrt": ("sqrt({a})", "torch.sqrt({a})", lambda v: float(v.min()) > 0.3),
    "abs": ("abs({a})", "torch.abs({a})", lambda v: _min_abs(v) > 0.05),
    "sin": ("sin({a})", "torch.sin({a})", None),
    "cos": ("cos({a})", "torch.cos({a})", None),
    "tanh": ("tanh({a})", "torch.tanh({a})", None),
    "erf": ("erf({a})", "torch.erf({a})", None),
    "sigmoid": ("sigmoid({a})", "torch.sigmoid({a})", None),
    "relu": ("relu({a})", "F.relu({a})", lambda v: _min_abs(v) > 0.05),
    "gelu": ("gelu({a})", "F.gelu({a})", None),
}


def op_unary(p, name):
    nn, th, ok = UNARY[name]
    a = p.pick(lambda n: ok is None or ok(n.val))
    if a is None:
        return None
    # Every program differentiates twice (hessian, hvp, grad of grad), so
    # the rules of tanh, sigmoid and relu are recorded as ops of their own too.
    ops = [name] + {"tanh": ["tanhBackward"], "sigmoid": ["sigmoidBackward"], "relu": ["reluBackward"]}.get(name, [])
    return p.emit(name, nn.format(a=a.name), th.format(a=a.name), ops)


def op_leaky_relu(p):
    a = p.pick(lambda n: _min_abs(n.val) > 0.05)
    if a is None:
        return None
    s = round(p.rng.uniform(0.01, 0.5), 3)
    return p.emit("leaky_relu", f"leaky_relu({a.name}, slope: {num(s)})", f"F.leaky_relu({a.name}, {s!r})", ["leakyRelu"])


def op_softplus(p):
    beta, th = p.rng.choice([1, 0.5, 2, 3]), p.rng.choice([20, 1, 2.5])
    a = p.pick(lambda n: float((n.val * beta - th).abs().min()) > 0.05)
    if a is None:
        return None
    return p.emit("softplus", f"softplus({a.name}, beta: {num(beta)}, threshold: {num(th)})",
                  f"F.softplus({a.name}, beta={beta!r}, threshold={th!r})", ["softplus"])


def op_pow_scalar(p):
    e = p.rng.choice([2, 3, -1, -2, 0.5, 1.5, -0.5, 2.5, 4])
    lo = 0.3 if e != int(e) else 0.0
    a = p.pick(lambda n: float(n.val.min()) > lo and (e > 0 or _min_abs(n.val) > 0.3) if lo else
               (e > 0 or _min_abs(n.val) > 0.3))
    if a is None:
        return None
    nn = f"{a.name} ** {num(e)}" if p.rng.random() < 0.7 else f"pow({a.name}, {num(e)})"
    return p.emit("pow_scalar", nn, f"{a.name} ** {e!r}", ["powScalar"])


def op_pow_base(p):
    c = p.rng.choice([2.0, 0.5, 3.7])
    a = p.pick(lambda n: float((n.val * math.log(c)).max()) < 3)
    if a is None:
        return None
    return p.emit("pow_base", f"{num(c)} ** {a.name}", f"{c!r} ** {a.name}", ["pow", "powScalar"])


def op_clamp(p):
    a = p.pick(lambda n: n.size >= 2)
    if a is None:
        return None
    vals = sorted(set(float(v) for v in a.val.reshape(-1)))
    gaps = [(vals[i] + vals[i + 1]) / 2 for i in range(len(vals) - 1) if vals[i + 1] - vals[i] > 0.05]
    if not gaps:
        return None
    lo, hi = p.rng.choice(gaps + [vals[0] - 0.5]), p.rng.choice(gaps + [vals[-1] + 0.5])
    if lo >= hi:
        lo, hi = hi, lo
    lo, hi = round(lo, 4), round(hi, 4)
    if float((a.val - lo).abs().min()) < 0.02 or float((a.val - hi).abs().min()) < 0.02 or lo >= hi:
        return None
    form = p.rng.choice(["both", "min", "max"])
    if form == "both":
        return p.emit("clamp", f"clamp({a.name}, min: {num(lo)}, max: {num(hi)})",
                      f"torch.clamp({a.name}, min={lo!r}, max={hi!r})", ["clamp"])
    if form == "min":
        return p.emit("clamp", f"clamp({a.name}, min: {num(lo)})", f"torch.clamp({a.name}, min={lo!r})", ["clamp"])
    return p.emit("clamp", f"clamp({a.name}, max: {num(hi)})", f"torch.clamp({a.name}, max={hi!r})", ["clamp"])


def op_remainder_scalar(p):
    c = p.rng.choice([0.7, 1.3, -0.9, 2.5])
    a = p.pick(lambda n: frac_ok(n.val / c))
    if a is None:
        return None
    return p.emit("remainder", f"{a.name} % {num(c)}", f"torch.remainder({a.name}, {c!r})", ["remainder"])


def op_cast(p):
    """float64 -> float32 -> float64: the round trip rounds to float32 both
    ways (values and gradients), so the program is compared to 1e-6."""
    a = p.pick()
    n = p.emit("cast", f'to(to({a.name}, "float32") * 2, "float64")', f"({a.name}.float() * 2).double()", ["cast", "mul"])
    if n is not None:
        p.tol = max(p.tol, 1e-6)
    return n


# ------------------------------------------------------------ binary

BINARY = {
    "add": ("{a} + {b}", "{a} + {b}", None),
    "sub": ("{a} - {b}", "{a} - {b}", None),
    "mul": ("{a} * {b}", "{a} * {b}", None),
    "div": ("{a} / {b}", "{a} / {b}", lambda a, b: _min_abs(b) > 0.3),
    "maximum": ("maximum({a}, {b})", "torch.maximum({a}, {b})", lambda a, b: _min_abs(a - b) > 0.05),
    "minimum": ("minimum({a}, {b})", "torch.minimum({a}, {b})", lambda a, b: _min_abs(a - b) > 0.05),
    "max2": ("max({a}, {b})", "torch.maximum({a}, {b})", lambda a, b: _min_abs(a - b) > 0.05),
    "pow": ("{a} ** {b}", "torch.pow({a}, {b})",
            lambda a, b: float(a.min()) > 0.3 and float(b.abs().max()) < 3 and float((b * a.log()).max()) < 3),
    "remainder": ("{a} % {b}", "torch.remainder({a}, {b})", lambda a, b: _min_abs(b) > 0.3 and frac_ok(a / b)),
}
BINARY_OPS = {"max2": "maximum"}


def op_binary(p, name):
    nn, th, ok = BINARY[name]
    for _ in range(6):
        a = p.pick()
        b = p.pick_partner(a)
        if b is None:
            continue
        if ok is not None and not ok(*p.torch.broadcast_tensors(a.val, b.val)):
            continue
        ops = [BINARY_OPS.get(name, name)]
        if a.shape != b.shape:
            ops += ["expand", "sumTo"]
        return p.emit(name, nn.format(a=a.name, b=b.name), th.format(a=a.name, b=b.name), ops)
    return None


def op_number(p):
    """A tensor with a number on either side (the number takes the tensor's dtype)."""
    a = p.pick()
    c = round(p.rng.uniform(0.5, 2.5), 3) * p.rng.choice([1, -1])
    form = p.rng.choice(["a * c", "c - a", "a + c", "c / a", "a / c"])
    if form == "c / a" and _min_abs(a.val) < 0.3:
        form = "a * c"
    text = form.replace("a", a.name).replace("c", num(c))
    th = form.replace("a", a.name).replace("c", repr(c))
    ops = {"a * c": ["mul"], "c - a": ["sub"], "a + c": ["add"], "c / a": ["div"], "a / c": ["div"]}[form]
    return p.emit("number", text, th, ops)


def op_where(p):
    for _ in range(6):
        a = p.pick()
        b = p.pick_partner(a)
        if b is None:
            continue
        s = p.broadcast(a.shape, b.shape)
        m = p.pick(lambda n: p.broadcast(s, n.shape) is not None and n.size >= 2)
        if m is None:
            continue
        vals = sorted(float(v) for v in m.val.reshape(-1))
        c = round((vals[len(vals) // 2 - 1] + vals[len(vals) // 2]) / 2, 5)
        if float((m.val - c).abs().min()) < 1e-3:
            continue
        ops = ["where"] + (["expand", "sumTo"] if a.shape != b.shape else [])
        return p.emit("where", f"where({m.name} > {num(c)}, {a.name}, {b.name})",
                      f"torch.where({m.name} > {c!r}, {a.name}, {b.name})", ops)
    return None
