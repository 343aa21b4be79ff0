"""Matrix products, eigh and the losses of the autodiff differential test's
random programs (see autodiff_ops.py)."""

from autodiff_program import num


def _mm_ok(p, a, b):
    if a.ndim == 0 or b.ndim == 0:
        return False
    k = b.shape[-2] if b.ndim >= 2 else b.shape[0]
    if a.shape[-1] != k:
        return False
    if a.ndim >= 2 and b.ndim >= 2 and p.broadcast(a.shape[:-2], b.shape[:-2]) is None:
        return False
    return True


def op_matmul(p):
    form = p.rng.random()
    if form < 0.5:
        for _ in range(6):
            a = p.pick(lambda n: n.ndim >= 1)
            if a is None:
                return None
            b = p.pick(lambda n: _mm_ok(p, a, n))
            if b is not None:
                nn = f"{a.name} @ {b.name}" if p.rng.random() < 0.7 else f"matmul({a.name}, {b.name})"
                return p.emit("matmul", nn, f"torch.matmul({a.name}, {b.name})", ["matmul"])
    if form < 0.7:
        a = p.pick(lambda n: n.ndim == 1 and n.size >= 2)
        if a is not None:
            b = p.pick(lambda n: n.shape == a.shape)
            return p.emit("dot", f"dot({a.name}, {b.name})", f"torch.dot({a.name}, {b.name})", ["matmul"])
    a = p.pick(lambda n: n.ndim >= 2)
    if a is None:
        return None
    if p.rng.random() < 0.5:
        # a shared operand: a @ aᵀ
        return p.emit("matmul", f"{a.name} @ transpose({a.name}, -1, -2)",
                      f"{a.name} @ {a.name}.transpose(-1, -2)", ["matmul", "permute"])
    c = p.randc([a.shape[-1], p.rng.randint(1, 3)])
    return p.emit("matmul", f"{a.name} @ {c}", f"{a.name} @ {c}", ["matmul"])


def op_eigh(p):
    """eigh of a symmetric matrix built from a value, with distinct
    eigenvalues; of the eigenvectors only functions that do not depend on
    their signs (V diag(c) Vᵀ, V²)."""
    a = p.pick(lambda n: n.ndim == 2 and 2 <= n.shape[-1] <= 4)
    if a is None:
        # no matrix yet: an outer product of a value with constants
        b = p.pick(lambda n: 1 <= n.size <= 12)
        c = p.randc([1, p.rng.randint(2, 3)])
        a = p.emit("reshape", f"reshape({b.name}, [-1, 1]) * {c}", f"{b.name}.reshape(-1, 1) * {c}",
                   ["reshape", "mul", "expand", "sumTo"]) if b is not None else None
        if a is None:
            return None
    n = a.shape[-1]
    # nn has no diag: a constant diagonal matrix spreads the eigenvalues
    diag = p.const([1.2 * i if i == j else 0.0 for i in range(n) for j in range(n)], [n, n])
    s = p.fresh("S")
    if a.shape[0] == n and p.rng.random() < 0.5:
        pre_nn = [f"let {s} = {a.name} + transpose({a.name}) + {diag}"]
        pre_th = [f"{s} = {a.name} + {a.name}.T + {diag}"]
    else:
        pre_nn = [f"let {s} = transpose({a.name}) @ {a.name} + {diag}"]
        pre_th = [f"{s} = {a.name}.T @ {a.name} + {diag}"]
    env = dict(p.env)
    try:
        exec(pre_th[0], env)
    except Exception:   # noqa: BLE001
        return None
    w = p.torch.linalg.eigvalsh(env[s])
    if float((w[1:] - w[:-1]).min()) < 0.3 * max(1.0, float(w.abs().max()) / 10):
        return None
    form = p.rng.choice(["eigvalsh", "values", "vvt", "vsq"])
    if form == "eigvalsh":
        return p.emit("eigh", f"eigvalsh({s})", f"torch.linalg.eigvalsh({s})", ["eigh", "add", "matmul"],
                      pre_nn=pre_nn, pre_th=pre_th)
    e = p.fresh("E")
    pre_nn = pre_nn + [f"let {e} = eigh({s})"]
    pre_th = pre_th + [f"{e} = torch.linalg.eigh({s})"]
    if form == "values":
        return p.emit("eigh", f"{e}.values", f"{e}.eigenvalues", ["eigh"], pre_nn=pre_nn, pre_th=pre_th)
    if form == "vsq":
        return p.emit("eigh", f"{e}.vectors ** 2", f"{e}.eigenvectors ** 2", ["eigh", "powScalar"],
                      pre_nn=pre_nn, pre_th=pre_th)
    c = p.randc([n])
    return p.emit("eigh", f"({e}.vectors * {c}) @ transpose({e}.vectors)",
                  f"({e}.eigenvectors * {c}) @ {e}.eigenvectors.T", ["eigh", "matmul", "mul"],
                  pre_nn=pre_nn, pre_th=pre_th)


# ------------------------------------------------------------ losses

def op_loss(p):
    kind = p.rng.choice(["mse", "l1", "cross_entropy", "cross_entropy_probs", "binary_cross_entropy", "nll"])
    red = p.rng.choice(["mean", "sum", "none"])
    if kind in ("mse", "l1"):
        a = p.pick()
        b = p.pick(lambda n: n.shape == a.shape, exclude=a)
        target = b.name if b is not None and p.rng.random() < 0.7 else p.randc(list(a.shape))
        diff = a.val - (b.val if target == (b.name if b else None) else p.env[target])
        if kind == "l1" and float(diff.abs().min()) < 0.05:
            return None
        th = "F.mse_loss" if kind == "mse" else "F.l1_loss"
        return p.emit(kind, f'{kind}({a.name}, {target}, reduction: "{red}")',
                      f'{th}({a.name}, {target}, reduction="{red}")', ["sub", "mul", "mean"])
    a = p.pick(lambda n: n.ndim == 2 and n.shape[1] >= 2) if kind != "binary_cross_entropy" else p.pick()
    if a is None:
        return None
    if kind == "binary_cross_entropy":
        b = p.pick(lambda n: n.shape == a.shape, exclude=a)
        if b is not None and p.rng.random() < 0.6:
            tnn, tth = f"sigmoid({b.name})", f"torch.sigmoid({b.name})"
        else:
            c = p.const([p.rng.choice([0.0, 1.0, round(p.rng.uniform(0, 1), 3)]) for _ in range(a.size)], list(a.shape))
            tnn = tth = c
        return p.emit(kind, f'binary_cross_entropy({a.name}, {tnn}, reduction: "{red}")',
                      f'F.binary_cross_entropy_with_logits({a.name}, {tth}, reduction="{red}")',
                      ["softplus", "mul", "sub", "relu", "abs"])
    N, C = a.shape
    if kind == "cross_entropy_probs":
        b = p.pick(lambda n: n.shape == a.shape)
        eps = p.rng.choice([0.0, round(p.rng.uniform(0, 0.4), 3)])
        return p.emit("cross_entropy", f'cross_entropy({a.name}, softmax({b.name}, axis: 1), label_smoothing: {num(eps)}, reduction: "{red}")',
                      f'F.cross_entropy({a.name}, torch.softmax({b.name}, 1), label_smoothing={eps!r}, reduction="{red}")',
                      ["softmaxCrossEntropy", "softmax"])
    labels = [p.rng.randrange(C) for _ in range(N)]
    lnn = p.const([float(l) for l in labels], [N])
    lth = f"torch.tensor({labels})"
    if kind == "nll":
        return p.emit("nll", f'nll({a.name}, {lnn}, reduction: "{red}")', f'F.nll_loss({a.name}, {lth}, reduction="{red}")',
                      ["index"])
    eps = p.rng.choice([0.0, round(p.rng.uniform(0, 0.4), 3)])
    return p.emit("cross_entropy", f'cross_entropy({a.name}, {lnn}, label_smoothing: {num(eps)}, reduction: "{red}")',
                  f'F.cross_entropy({a.name}, {lth}, label_smoothing={eps!r}, reduction="{red}")', ["softmaxCrossEntropy"])
