"""What the autodiff differential test computes of each random program, in
nn (as script text) and in torch: the value; `grad` of a list; value_and_grad,
`hessian`, `hvp` and third order (grad of an hvp, hessian of a directional
derivative) of the inputs flattened into one vector; `hvp` of a list; `jacobian`
of a non-scalar value; grad of a grad of a list; and `backward` with
accumulation: two losses over one graph (`retain_graph`), a seeded backward
of a non-scalar value, then `create_graph` and a backward through the
gradient."""

import math

from autodiff_program import literal

QUANTITIES = ["value", "grad", "value_and_grad", "hessian", "hvp", "hvp_list", "jacobian", "third_hvp",
              "third_hessian", "grad_of_grad", "backward"]

NN_HELPERS = """fn fl(ts) {
  let o = []
  for t in ts {
    if type(t) == "number" { append(o, t) } else { extend(o, flatten(t).tolist()) }
  }
  o
}
fn grad_or_zeros(q) = if q.grad == nil { zeros_like(q) } else { detach(q.grad) }
"""


class Plan:
    """The outputs of one program and the constants its quantities use."""

    def __init__(self, prog, outs, weights, jac, seed_const, second, P, V, U):
        self.prog, self.outs, self.weights, self.jac = prog, outs, weights, jac
        self.seed_const, self.second, self.P, self.V, self.U = seed_const, second, P, V, U


def plan(prog, rng):
    """Chooses the outputs (the last value and up to two others, each
    weighted by a constant), the value differentiated by `jacobian` and the
    seeded backward, and the directions V and U."""
    p = prog
    derived = [n for n in p.nodes if not n.name.startswith("x")]
    last = derived[-1] if derived else p.nodes[-1]
    outs = [last] + [n for n in rng.sample(p.nodes, min(len(p.nodes), 2)) if n is not last]
    small = [n for n in derived if n.size <= 12] or [p.nodes[0]]
    jac_node = rng.choice(small)
    if jac_node not in outs:
        outs.append(jac_node)
    weights = [p.randc(list(o.shape)) for o in outs[:3]]
    jac = outs.index(jac_node)
    seed_const = p.randc(list(jac_node.shape))
    second = rng.randrange(len(weights))
    P = sum(n.size for n, _ in p.inputs)
    V, U = p.randc([P]), p.randc([P])
    return Plan(p, outs, weights, jac, seed_const, second, P, V, U)


def _offsets(prog):
    out, k = [], 0
    for n, _ in prog.inputs:
        out.append((k, k + n.size, list(n.shape)))
        k += n.size
    return out


def nn_case(cid, pl):
    p = pl.prog
    loss = " + ".join(f"sum(ns[{i}] * {w})" for i, w in enumerate(pl.weights))
    unpack = ", ".join(f"reshape(z[{a}:{b}], [{', '.join(map(str, s))}])" for a, b, s in _offsets(p))
    xs = ", ".join(literal(v, list(n.shape)) for n, v in p.inputs)
    third_h = pl.P <= 12
    lines = p.consts_nn + [
        f"let X = [{xs}]",
        p.nn_nodes_fn(pl.outs),
        f"let f = xs => {{\n  let ns = nodes(xs)\n  {loss}\n}}",
        f"let unpack = z => [{unpack}]",
        "let fz = z => f(unpack(z))",
        "let Z = concat(map(X, flatten))",
        f"let V = {pl.V}",
        f"let U = {pl.U}",
        f"let h = xs => nodes(xs)[{pl.jac}]",
        f'let out = (q, ts) => print("CASE {cid}", q, fl(ts))',
        'out("value", [f(X)])',
        'out("grad", grad(f, X))',
        "let vg = value_and_grad(fz, Z)",
        'out("value_and_grad", [vg[0], vg[1]])',
        'out("hessian", [hessian(fz, Z)])',
        'out("hvp", [hvp(fz, Z, V)])',
        'out("hvp_list", hvp(f, X, unpack(V)))',
        'out("jacobian", jacobian(h, X))',
        'out("third_hvp", [grad(z => sum(hvp(fz, z, V) * U), Z)])',
    ]
    if third_h:
        lines.append('out("third_hessian", [hessian(z => sum(grad(fz, z) * U), Z)])')
    lines += [
        'out("grad_of_grad", grad(xs => sum(grad(f, xs)[0] * unpack(V)[0]), X))',
        "let ps = map(X, x => param(clone(x)))",
        "let ns = nodes(ps)",
        f"let L1 = {loss}",
        "L1.backward(retain_graph: true)",
        "let g1 = map(ps, grad_or_zeros)",
        f"backward(ns[{pl.jac}], seed: {pl.seed_const}, retain_graph: true)",
        "let g2 = map(ps, grad_or_zeros)",
        f"let L2 = sum(ns[{pl.second}] * {pl.weights[pl.second]})",
        "L2.backward(create_graph: true)",
        "let g3 = map(ps, grad_or_zeros)",
        "let Us = unpack(U)",
        "let G = 0",
        "for i in 0..len(ps) { G = G + sum(grad_or_zeros_tracked(ps[i]) * Us[i]) }",
        "if not G.is_leaf { G.backward() }",
        'out("backward", g1 + g2 + g3 + map(ps, grad_or_zeros))',
    ]
    body = "\n".join("  " + l for s in lines for l in s.split("\n"))
    return (f"fn case{cid}() {{\n  let grad_or_zeros_tracked = q => if q.grad == nil {{ zeros_like(q) }} else {{ q.grad }}\n"
            f"{body}\n}}\ntry {{ case{cid}() }} catch e {{ print(\"CASEERR {cid}\", e) }}\n")


def torch_case(pl, torch):
    """torch's numbers for each quantity, as {name: [floats]}."""
    p = pl.prog
    env = dict(p.env)
    exec(p.th_nodes_fn(pl.outs), env)
    nodes = env["nodes"]
    W = [env[w] for w in pl.weights]
    V, U, S = env[pl.V], env[pl.U], env[pl.seed_const]
    offs = _offsets(p)
    X = [n.val.clone() for n, _ in p.inputs]

    def f(xs):
        ns = nodes(xs)
        return sum((ns[i] * w).sum() for i, w in enumerate(W))

    def unpack(z):
        return [z[a:b].reshape(s) for a, b, s in offs]

    def fz(z):
        return f(unpack(z))

    def D(y, xs, create=True):
        if not y.requires_grad:
            return [torch.zeros_like(x) for x in xs]
        gs = torch.autograd.grad(y, xs, create_graph=create, retain_graph=True, allow_unused=True)
        return [g if g is not None else torch.zeros_like(x) for g, x in zip(gs, xs)]

    def leaves(ts):
        return [t.detach().clone().requires_grad_() for t in ts]

    def hess(fun, z):
        zr = leaves([z])[0]
        g = D(fun(zr), [zr])[0]
        return torch.stack([D(g[i], [zr], create=False)[0] for i in range(g.numel())])

    def hvp_z(z, create):
        g = D(fz(z), [z])[0]
        return D((g * V).sum(), [z], create)[0]

    Z = torch.cat([x.reshape(-1) for x in X])
    r = {}
    r["value"] = [f(X)]
    Xr = leaves(X)
    r["grad"] = D(f(Xr), Xr, False)
    Zr = leaves([Z])[0]
    r["value_and_grad"] = [fz(Zr), D(fz(Zr), [Zr], False)[0]]
    r["hessian"] = [hess(fz, Z)]
    r["hvp"] = [hvp_z(leaves([Z])[0], False)]
    Xr = leaves(X)
    g = D(f(Xr), Xr)
    r["hvp_list"] = D(sum((gi * vi).sum() for gi, vi in zip(g, unpack(V))), Xr, False)
    r["jacobian"] = list(torch.autograd.functional.jacobian(lambda *xs: nodes(list(xs))[pl.jac], tuple(X)))
    Zr = leaves([Z])[0]
    r["third_hvp"] = D((hvp_z(Zr, True) * U).sum(), [Zr], False)
    if pl.P <= 12:
        r["third_hessian"] = [hess(lambda z: (D(fz(z), [z])[0] * U).sum(), Z)]
    Xr = leaves(X)
    r["grad_of_grad"] = D((D(f(Xr), Xr)[0] * unpack(V)[0]).sum(), Xr, False)
    ps = leaves(X)
    ns = nodes(ps)

    def grads(track=False):
        return [(q.grad if track else q.grad.detach().clone()) if q.grad is not None else torch.zeros_like(q)
                for q in ps]
    L1 = sum((ns[i] * w).sum() for i, w in enumerate(W))
    if L1.requires_grad:
        L1.backward(retain_graph=True)
    g1 = grads()
    if ns[pl.jac].requires_grad:
        ns[pl.jac].backward(S, retain_graph=True)
    g2 = grads()
    L2 = (ns[pl.second] * W[pl.second]).sum()
    if L2.requires_grad:
        L2.backward(create_graph=True)
    g3 = grads()
    G = sum((gi * ui).sum() for gi, ui in zip(grads(True), unpack(U)))
    if G.requires_grad:
        G.backward()
    r["backward"] = g1 + g2 + g3 + grads()
    return {k: flat_all(v) for k, v in r.items()}


def flat_all(ts):
    out = []
    for t in ts:
        out += [float(v) for v in t.detach().clone().reshape(-1).tolist()]
    return out


def compare(got, exp, tol):
    """None when nn's numbers agree with torch's to `tol` relative to the
    largest magnitude of the quantity (normwise, as numpy's allclose with an
    atol of tol * max), else a description of the worst element."""
    if len(got) != len(exp):
        return f"{len(got)} numbers, torch has {len(exp)}"
    if not got:
        return None
    scale = max(1e-3, max(abs(v) for v in exp), max((abs(v) for v in got if math.isfinite(v)), default=0))
    worst = None
    for k, (a, b) in enumerate(zip(got, exp)):
        if not (math.isfinite(a) and math.isfinite(b)):
            if not (a == b or (math.isnan(a) and math.isnan(b))):
                return f"element {k}: nn {a!r}, torch {b!r}"
            continue
        err = abs(a - b) / scale
        if err > tol and (worst is None or err > worst[0]):
            worst = (err, k, a, b)
    if worst:
        err, k, a, b = worst
        return f"element {k} of {len(got)}: nn {a!r}, torch {b!r} (difference {err:.2e} of the largest |value| {scale:.3g})"
    return None
