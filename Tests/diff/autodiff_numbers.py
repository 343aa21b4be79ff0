"""Programs of two numbers for the autodiff differential test: the inputs
are nn numbers (not tensors), so `grad(f, 1.3)` gives a number, and nested
transforms of numbers must track the outer variable (a transform of a
number inside another transform is a 0-d tensor, docs/language.md). Compares
f, its first, second and third derivatives in one variable and the mixed
derivatives d2f/dxdy and d3f/dx2dy, each through nested `grad`s."""

from autodiff_program import num

QUANTITIES = ["value", "d1", "d2", "d3", "dxdy", "dxxdy"]


def number_generators(gens):
    """The generators that make sense on numbers (the elementwise ones)."""
    keep = {"binary add", "binary sub", "binary mul", "binary div", "binary max2", "binary pow", "binary remainder",
            "leaky_relu", "softplus", "pow scalar", "pow base", "remainder scalar", "number"}
    return [(n, g) for n, g in gens if n in keep or n.startswith("unary ")]


def draw_numbers(rng, torch, gens):
    from autodiff_program import Program
    p = Program(rng, torch)
    for _ in range(2):
        p.add_input([], lo=-1.5, hi=1.5)
    for name, gen in [rng.choice(gens) for _ in range(rng.randint(3, 7))]:
        for _ in range(4):
            if gen(p) is not None:
                break
    return p


def nn_number_case(cid, p, rng):
    derived = [n for n in p.nodes if not n.name.startswith("x")] or p.nodes
    outs = [derived[-1]] + rng.sample(derived, min(2, len(derived)))
    ws = [round(rng.uniform(-1.5, 1.5), 3) for _ in outs]
    loss = " + ".join(f"ns[{i}] * {num(w)}" for i, w in enumerate(ws))
    a, b = (v[0] for _, v in p.inputs)
    lines = p.consts_nn + [
        p.nn_nodes_fn(outs),
        f"let F = (x, y) => {{\n  let ns = nodes([x, y])\n  {loss}\n}}",
        f"let a = {num(a)}",
        f"let b = {num(b)}",
        f'let out = (q, ts) => print("CASE {cid}", q, fl(ts))',
        'out("value", [F(a, b)])',
        'out("d1", [grad(x => F(x, b), a)])',
        'out("d2", [grad(grad(x => F(x, b)), a)])',
        'out("d3", [grad(grad(grad(x => F(x, b))), a)])',
        'out("dxdy", [grad(x => grad(y => F(x, y), b), a)])',
        'out("dxxdy", [grad(x => grad(u => grad(y => F(u, y), b), x), a)])',
    ]
    body = "\n".join("  " + l for s in lines for l in s.split("\n"))
    return f"fn case{cid}() {{\n{body}\n}}\ntry {{ case{cid}() }} catch e {{ print(\"CASEERR {cid}\", e) }}\n", outs, ws


def torch_number_case(p, outs, ws, torch):
    env = dict(p.env)
    exec(p.th_nodes_fn(outs), env)
    nodes = env["nodes"]

    def F(x, y):
        ns = nodes([x, y])
        return sum(n * w for n, w in zip(ns, ws))

    def d(y, x):
        if not y.requires_grad:
            return torch.zeros_like(x)
        g = torch.autograd.grad(y, x, create_graph=True, allow_unused=True)[0]
        return g if g is not None else torch.zeros_like(x)

    a, b = (torch.tensor(v[0], dtype=torch.float64) for _, v in p.inputs)
    x, y = a.clone().requires_grad_(), b.clone().requires_grad_()
    f = F(x, y)
    fx = d(f, x)
    fxx = d(fx, x)
    fxy = d(fx, y)
    r = {"value": f, "d1": fx, "d2": fxx, "d3": d(fxx, x), "dxdy": fxy, "dxxdy": d(fxx, y)}
    return {k: [float(v)] for k, v in r.items()}
