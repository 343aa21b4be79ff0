#!/usr/bin/env python3
"""Differential test of nn's autodiff against PyTorch.

Draws random programs (fixed seed) over every differentiable op of nn:
elementwise math with broadcasting, numbers meeting tensors, shared
subexpressions, shapes and views, indexing (integers, slices, reversal,
lists with repeats, masks, new axes) and index assignment, reductions with
axis and keepdims, softmax, matrix products, eigh (eigenvalues and
sign-invariant functions of the eigenvectors), remainder and the losses.
Each op refuses values near its kinks and outside its domain, so both
sides differentiate the same smooth function. Of each program it compares,
in float64, the value, `grad`, `value_and_grad`, `hessian`, `hvp` (of a
vector and of a list), `jacobian`, third order (grad of an hvp, hessian of
a directional derivative), a grad of a grad, and `backward` with
accumulation (two losses over one retained graph, a seeded backward,
`create_graph` then a backward through the gradient): see
autodiff_quantities.py. Agreement is to 1e-8 relative to the largest
magnitude of each quantity (1e-6 for programs that round through float32).

Every case of nn's Op table (Sources/NNTensor/Op.swift) must be recorded by
some program of the run: a case no program covers fails the test.

Usage: NN_BIN=path/to/nn torch_autodiff.py [PROGRAMS] [--seed S] [--keep DIR]
PROGRAMS (or NN_AUTODIFF_PROGRAMS): default 100 (well under a minute once
torch has imported). Exits 0 with a message when torch does not import, 1
on any disagreement (each printed with its program).
"""

import os
import random
import re
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from torch_common import start   # noqa: E402
from torch_diff import run_nn   # noqa: E402

OP_FILE = os.path.join(HERE, "..", "..", "Sources", "NNTensor", "Op.swift")


def op_table():
    """The case names of `enum Op` in Op.swift."""
    text = open(OP_FILE).read()
    body = text[text.index("enum Op"):]
    body = body[:body.index("public var")]
    names = []
    for line in body.splitlines():
        m = re.match(r"\s*case (.+)$", line)
        if m:
            names += [n.strip().strip("`") for n in m.group(1).split(",")]
    return names


def generators():
    from autodiff_ops import BINARY, UNARY, op_binary, op_cast, op_clamp, op_leaky_relu, op_number, op_pow_base, \
        op_pow_scalar, op_remainder_scalar, op_softplus, op_unary, op_where
    from autodiff_ops_linalg import op_eigh, op_loss, op_matmul
    from autodiff_ops_struct import REDUCE, op_concat, op_index, op_index_put, op_permute, op_reduce, op_reshape, \
        op_softmax
    from autodiff_ops_conv import op_conv, op_pool
    gens = [(f"unary {n}", (lambda n: lambda p: op_unary(p, n))(n)) for n in UNARY]
    gens += [(f"binary {n}", (lambda n: lambda p: op_binary(p, n))(n)) for n in BINARY]
    gens += [(f"reduce {n}", (lambda n: lambda p: op_reduce(p, n))(n)) for n in REDUCE]
    gens += [("leaky_relu", op_leaky_relu), ("softplus", op_softplus), ("pow scalar", op_pow_scalar),
             ("pow base", op_pow_base), ("clamp", op_clamp), ("remainder scalar", op_remainder_scalar),
             ("cast", op_cast), ("number", op_number), ("where", op_where),
             ("softmax", lambda p: op_softmax(p, False)), ("log_softmax", lambda p: op_softmax(p, True)),
             ("reshape", op_reshape), ("permute", op_permute), ("concat", op_concat), ("index", op_index),
             ("index", op_index), ("index_put", op_index_put), ("matmul", op_matmul), ("matmul", op_matmul),
             ("eigh", op_eigh), ("loss", op_loss), ("loss", op_loss), ("conv2d", op_conv),
             ("max_pool2d", lambda p: op_pool(p, "max")), ("avg_pool2d", lambda p: op_pool(p, "avg"))]
    return gens


def draw(rng, torch, gens, forced):
    """One program: 1-3 inputs whose shapes are suffixes of one shape with
    some axes of size 1 (so they broadcast together), then 3-8 ops, the
    first the `forced` one (so a short run still covers them all)."""
    from autodiff_program import Program
    p = Program(rng, torch)
    universe = [rng.randint(1, 4) for _ in range(3)]
    total = 0
    for k in range(rng.randint(1, 3)):
        r = rng.choice([0, 1, 2, 2, 2, 3])
        shape = [d if rng.random() > 0.25 else 1 for d in universe[3 - r:]]
        size = 1
        for d in shape:
            size *= d
        if total + size > 14 and k > 0:
            break
        if size > 14:
            shape, size = shape[-2:] if len(shape) >= 2 and shape[-1] * shape[-2] <= 14 else [min(shape[-1], 4)], 0
            size = 1
            for d in shape:
                size *= d
        p.add_input(shape)
        total += size
    steps = rng.randint(3, 8)
    plan = [forced] + [rng.choice(gens) for _ in range(steps - 1)]
    for name, gen in plan:
        for _ in range(4):
            if gen(p) is not None:
                break
    always = [g for n, g in gens if n in ("unary sin", "unary tanh", "binary mul", "binary add", "index")]
    while len(p.kinds) < 3:   # when the draws refused their operands: ops that always apply
        rng.choice(always)(p)
    return p


def main(argv):
    started = start(argv, "torch autodiff differential test", "torch_autodiff.py", "NN_AUTODIFF_PROGRAMS", 100)
    if isinstance(started, int):
        return started
    torch, count, seed, keep, nn_bin = started
    warnings.filterwarnings("ignore")
    from autodiff_numbers import QUANTITIES as NUMBER_QUANTITIES, draw_numbers, nn_number_case, number_generators, \
        torch_number_case
    from autodiff_quantities import NN_HELPERS, QUANTITIES, compare, nn_case, plan, torch_case
    rng = random.Random(seed)
    gens = generators()
    # (id, program, nn text, torch's numbers, quantity names)
    programs, covered, skipped = [], set(["identity"]), 0   # identity: every transform's input
    for i in range(count):
        prog = draw(rng, torch, gens, gens[i % len(gens)])
        pl = plan(prog, rng)
        try:
            expected = torch_case(pl, torch)
        except Exception as e:   # noqa: BLE001 - torch's own failure (or a generator bug): shown, not counted
            print(f"program {i} skipped: torch failed ({type(e).__name__}: {str(e)[:200]})\n    "
                  + "\n    ".join(prog.th))
            skipped += 1
            continue
        programs.append((i, prog, nn_case(i, pl), expected, QUANTITIES))
        covered |= prog.ops
    # programs of two numbers (nested transforms of numbers), a fifth as many
    ngens = number_generators(gens)
    n_numbers = max(4, count // 5)
    for k in range(n_numbers):
        i = count + k
        prog = draw_numbers(rng, torch, ngens)
        text, outs, ws = nn_number_case(i, prog, rng)
        programs.append((i, prog, text, torch_number_case(prog, outs, ws, torch), NUMBER_QUANTITIES))
    # the kinks, on purpose (PyTorch's conventions)
    from autodiff_kinks import DIFFERENCES, KINKS, kink_programs
    for j, (desc, prog) in enumerate(kink_programs(rng, torch)):
        i = count + n_numbers + j
        pl = plan(prog, rng)
        programs.append((i, prog, nn_case(i, pl), torch_case(pl, torch), QUANTITIES))
    source = NN_HELPERS + "\n".join(text for _, _, text, _, _ in programs)
    path, r = run_nn(nn_bin, source, keep, "autodiff")
    got, errors = {}, {}
    for line in r.stdout.splitlines():
        m = re.match(r"^CASE (\d+) (\w+) (.*)$", line)
        if m:
            got[(int(m.group(1)), m.group(2))] = [float(t) for t in re.split(r"[\[\],\s]+", m.group(3)) if t]
        m = re.match(r"^CASEERR (\d+) (.*)$", line)
        if m:
            errors[int(m.group(1))] = m.group(2)
    if r.returncode != 0:
        print(f"nn exited with {r.returncode}: {r.stderr.strip()[:2000]}")
    clean, failures, numbers = 0, [], 0
    for i, prog, _, expected, quantities in programs:
        bad = []
        for q in quantities:
            if q not in expected:
                continue
            if (i, q) not in got:
                bad.append((q, "nn failed: " + errors.get(i, "no output")))
                break
            msg = compare(got[(i, q)], expected[q], prog.tol)
            numbers += len(expected[q])
            if msg:
                bad.append((q, msg))
        if bad:
            failures.append((i, prog, bad))
        else:
            clean += 1
    for i, prog, bad in failures[:25]:
        print(f"MISMATCH program {i} (ops: {', '.join(prog.kinds)}):")
        for q, msg in bad:
            print(f"  {q}: {msg}")
        print("  nn:\n    " + "\n    ".join(prog.nn) + "\n  torch:\n    " + "\n    ".join(prog.th))
    if len(failures) > 25:
        print(f"... and {len(failures) - 25} more programs")
    print("At the kinks, nn's documented conventions (docs/language.md) where this torch differs, "
          "compared with nn's rule:\n  " + "\n  ".join(DIFFERENCES))
    missing = [op for op in op_table() if op not in covered]
    if missing:
        print(f"Op table cases no program recorded: {', '.join(missing)} (add them to the generators in Tests/diff/autodiff_ops*.py)")
    print(f"torch autodiff differential test: {len(programs)} programs ({count - skipped} of tensors, "
          f"{len(programs) - count + skipped - len(KINKS)} of numbers, {len(KINKS)} at kinks; seed {seed}), "
          + (f"{skipped} skipped (torch failed), " if skipped else "") + f"{numbers} numbers, "
          f"{clean} ran clean against torch {torch.__version__}" + ("" if not failures else f", {len(failures)} FAILED")
          + ("" if not keep else f" (script: {path})"))
    return 1 if failures or missing or r.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
