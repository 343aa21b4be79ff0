#!/usr/bin/env python3
"""Differential test of nn against PyTorch.

Draws random configurations (fixed seed) of every optimizer with every
hyperparameter, every learning-rate schedule stepped step by step, the
layers (forward, backward, BatchNorm's running statistics), the convolutional
layers (torch_cases_conv.py: Conv2d, MaxPool2d, AvgPool2d, BatchNorm2d, a
small CNN) and the losses with every reduction; writes one nn script per area that computes them all
in float64 and prints each result on a line `CASE <id> [numbers]`; computes
the same in torch (float64); and compares them to a relative tolerance of
1e-10 (`|a - b| <= 1e-10 * max(1, |a|, |b|)`; learning rates, which are
small, relative to the base rate).

The configurations are drawn in torch_cases.py (helpers in torch_common.py).

Usage: NN_BIN=path/to/nn torch_diff.py [CASES] [--seed S] [--keep DIR]
CASES (or the env var NN_DIFF_CASES) is the number of configurations per
kind (default 12: 384 configurations, about 10,000 numbers, a few seconds
once torch has imported; 200 gives 6,400). Exits 0 with a message when torch
does not import, 1 on any disagreement (each one printed with its nn code).
"""

import math
import os
import random
import re
import subprocess
import sys
import tempfile

TOL = 1e-10

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_common import start   # noqa: E402


# ------------------------------------------------------------------- running

LINE = re.compile(r"^CASE (\d+) (.*)$")


def parse(text):
    """`[1, -0.5, nan, inf]` as a flat list of floats."""
    vals = []
    for tok in re.split(r"[\[\],\s]+", text):
        if not tok:
            continue
        vals.append(float(tok))
    return vals


def script(cases):
    parts = []
    for c in cases:
        body = "\n".join("  " + l for l in c.nn.splitlines())
        parts.append(f"# {c.desc}\nfn case{c.id}() {{\n{body}\n  print(\"CASE {c.id}\", out)\n}}\ncase{c.id}()\n")
    return "\n".join(parts)


def run_nn(nn_bin, source, keep, name):
    d = keep or tempfile.mkdtemp(prefix="nn-torch-diff-")
    path = os.path.join(d, name + ".nn")
    with open(path, "w") as f:
        f.write(source)
    r = subprocess.run([nn_bin, path], capture_output=True, text=True, timeout=600)
    return path, r


def compare(case, got):
    exp = case.expected
    if len(got) != len(exp):
        return f"{len(got)} numbers, torch has {len(exp)}"
    worst = None
    for k, (a, b) in enumerate(zip(got, exp)):
        if math.isnan(a) or math.isnan(b) or math.isinf(a) or math.isinf(b):
            if not (a == b or (math.isnan(a) and math.isnan(b))):
                return f"element {k}: nn {a!r}, torch {b!r}"
            continue
        err = abs(a - b) / max(case.scale, abs(a), abs(b))
        if err > TOL and (worst is None or err > worst[0]):
            worst = (err, k, a, b)
    if worst:
        err, k, a, b = worst
        return f"element {k}: nn {a!r}, torch {b!r} (relative difference {err:.2e})"
    return None


def main(argv):
    started = start(argv, "torch differential test", "torch_diff.py", "NN_DIFF_CASES", 12)
    if isinstance(started, int):
        return started
    torch, cases_per_kind, seed, keep, nn_bin = started
    from torch_cases import layer_cases, loss_cases, optimizer_cases, schedule_cases
    from torch_cases_conv import conv_cases
    rng = random.Random(seed)
    areas = [("optimizers", optimizer_cases), ("schedules", schedule_cases), ("layers", layer_cases),
             ("losses", loss_cases), ("conv layers", conv_cases)]
    failures, total, numbers = 0, 0, 0
    for name, make in areas:
        cases = make(rng, cases_per_kind)
        for k, c in enumerate(cases):
            c.id = k
        path, r = run_nn(nn_bin, script(cases), keep, name)
        got = {}
        for line in r.stdout.splitlines():
            m = LINE.match(line)
            if m:
                got[int(m.group(1))] = parse(m.group(2))
        errors = {}
        rest, rc, runs = [c for c in cases if c.id not in got], r, 0
        while rc.returncode != 0 and rest and runs < 200:
            # The script stopped at an error in the first case it did not
            # finish: record it and run the cases after it, so one failure
            # does not hide the others.
            failed = rest[0]
            errors[failed.id] = rc.stderr.strip().splitlines()[0] if rc.stderr.strip() else f"exit {rc.returncode}"
            rest = rest[1:]
            if not rest:
                break
            _, rc = run_nn(nn_bin, script(rest), keep, f"{name}-from{rest[0].id}")
            runs += 1
            for line in rc.stdout.splitlines():
                m = LINE.match(line)
                if m:
                    got[int(m.group(1))] = parse(m.group(2))
            rest = [c for c in rest if c.id not in got]
        bad = []
        for c in cases:
            if c.id not in got:
                bad.append((c, "nn failed: " + errors.get(c.id, "no output (the script stopped before this case)")))
                continue
            msg = compare(c, got[c.id])
            if msg:
                bad.append((c, msg))
            numbers += len(c.expected)
        total += len(cases)
        if r.returncode != 0:
            print(f"{name}: nn exited with {r.returncode}: {r.stderr.strip()[:500]}")
        for c, msg in bad[:20]:
            print(f"MISMATCH {name} case {c.id}: {c.desc}: {msg}\n  nn code:\n    " + c.nn.replace("\n", "\n    "))
        if len(bad) > 20:
            print(f"... and {len(bad) - 20} more in {name}")
        failures += len(bad) + (1 if r.returncode != 0 and not bad else 0)
        print(f"{name}: {len(cases) - len(bad)}/{len(cases)} configurations agree with torch {torch.__version__} "
              f"to {TOL:g}" + ("" if not keep else f" (script: {path})"))
    print(f"torch differential test: {total} configurations, {numbers} numbers, seed {seed}: "
          + ("all agree" if failures == 0 else f"{failures} FAILED"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
