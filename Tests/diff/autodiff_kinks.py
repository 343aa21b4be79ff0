"""Programs at the kinks, on purpose: the random programs keep away from
them, these sit exactly on them, to check that nn takes PyTorch's choice
(docs/language.md, "the conventions at kinks"): relu, abs and leaky_relu at
0, clamp at its bounds, max/min with ties (whole tensor and along an axis),
maximum/minimum of equal elements, the norm of zeros, softplus at its
threshold, remainder at exact multiples. Each kink op is followed by a
smooth one, so the second and third order are compared there too."""

from autodiff_program import Node, Program

X0 = [0.0, 1.0, 1.0, -1.0, 0.5, 0.0, 2.0, 2.0]
X1 = [0.0, 1.0, 3.0, -1.0, 0.5, 1.0, 2.0, 0.0]   # ties with X0 at 0, 1, 3, 4, 6

# Where nn's documented convention (docs/language.md) differs from the torch
# this was written against (2.15), torch's side is written out in nn's rule
# (the smooth branch of a formula, a `where`), so the comparison checks nn
# against its own documentation; DIFFERENCES says so in the report.
DIFFERENCES = [
    "clamp at its bounds: nn passes the gradient (a <= x <= b is inside), torch 2.15 gives 0",
    "softplus at beta * x == threshold: nn's value and derivatives of every order take the smooth branch, "
    "torch's second derivative takes the linear one (0)",
    "norm at 0: nn's gradient and higher derivatives are 0, torch's second derivative is NaN",
]


def _norm_rows(y):
    """nn's 2-norm along axis 1: 0, with derivatives 0, on a zero row."""
    import torch
    sq = (y * y).sum(1)
    zero = (sq == 0).to(y.dtype)
    return torch.where(sq == 0, (y * 0).sum(1), torch.sqrt(sq + zero))


KINKS = [
    # (description, nn, torch)
    ("relu at 0", "relu(x0)", "F.relu(x0)"),
    ("abs at 0", "abs(x0)", "torch.abs(x0)"),
    ("leaky_relu at 0", "leaky_relu(x0, slope: 0.1)", "F.leaky_relu(x0, 0.1)"),
    ("clamp at both bounds", "clamp(x0, min: 0, max: 1)",
     "torch.where((x0 >= 0.0) & (x0 <= 1.0), x0, torch.clamp(x0, min=0.0, max=1.0).detach())"),
    ("clamp at its min", "clamp(x0, min: 1)", "torch.where(x0 >= 1.0, x0, torch.clamp(x0, min=1.0).detach())"),
    ("clamp strictly inside and outside", "clamp(x0, min: -0.5, max: 1.5)", "torch.clamp(x0, min=-0.5, max=1.5)"),
    ("max of a tensor with a tie", "max(x0)", "torch.max(x0)"),
    ("min of a tensor with a tie", "min(x0 * -1)", "torch.min(x0 * -1)"),
    ("max along an axis with ties", "max(x0, axis: 1)", "torch.amax(x0, dim=1)"),
    ("max along an axis, keepdims, ties", "max(x0, axis: 1, keepdims: true)", "torch.amax(x0, dim=1, keepdim=True)"),
    ("min along an axis with ties", "min(x0, axis: 1)", "torch.amin(x0, dim=1)"),
    ("max over two axes", "max(x0, axis: [0, 1])", "torch.amax(x0, dim=(0, 1))"),
    ("maximum of equal elements", "maximum(x0, x1)", "torch.maximum(x0, x1)"),
    ("minimum of equal elements", "minimum(x0, x1)", "torch.minimum(x0, x1)"),
    ("max of two tensors, equal elements", "max(x0, x1)", "torch.maximum(x0, x1)"),
    ("norm of zeros", "norm(x0[0, 0:1])", "torch.abs(x0[0, 0])"),
    ("norm along an axis with a zero row", "norm(x0 * x1[:, 0:1], axis: 1)", "norm_rows(x0 * x1[:, 0:1])"),
    ("softplus at its threshold", "softplus(x0, threshold: 2)", "torch.where(x0 > 2.0, x0, torch.log1p(torch.exp(x0)))"),
    ("remainder at exact multiples", "x0 % 0.5", "torch.remainder(x0, 0.5)"),
    ("remainder by a tensor at exact multiples", "x0 % (x1 * 0 + 0.25)", "torch.remainder(x0, x1 * 0 + 0.25)"),
]


def kink_programs(rng, torch):
    """One program per kink: the kink op on exact values, then sin of it."""
    out = []
    for desc, nn, th in KINKS:
        p = Program(rng, torch)
        p.env["norm_rows"] = _norm_rows
        for name, vals in (("x0", X0), ("x1", X1)):
            val = torch.tensor(vals, dtype=torch.float64).reshape(2, 4)
            p.env[name] = val
            node = Node(name, [2, 4], val)
            p.inputs.append((node, vals))
            p.nodes.append(node)
        t = p.emit(desc, nn, th, [])
        if t is None:
            raise RuntimeError(f"kink program '{desc}' does not run in torch")
        # φ(t) = t² + sin(t + 0.5): φ'(0) != 0, so the kink's own second
        # derivative shows in the Hessian
        p.emit("smooth", f"{t.name} * {t.name} + sin({t.name} + 0.5)", f"{t.name} * {t.name} + torch.sin({t.name} + 0.5)", [])
        out.append((desc, p))
    return out
