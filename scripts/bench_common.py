"""Shared by the peer sides of scripts/bench (bench_python.py, bench_numpy.py,
bench_jax.py): the timing rule NNBench uses and the output format.

Each peer script prints one line per item:

    key<TAB>value<TAB>unit<TAB>label<TAB>peer<TAB>note

with the key NNBench uses for the same work, so scripts/bench can join the
sides. `peer` names the system measured ("CPython", "NumPy", "JAX"); `note`
is free text shown next to the ratio (JAX's compile time), possibly empty.
"""
import statistics
import sys
import time


def median_time(body, warmup=2, min_runs=5, max_runs=200, budget=1.5):
    """The median wall time in seconds of body(), after `warmup` untimed runs.

    At least `min_runs` and at most `max_runs` timed runs, stopping once
    `budget` seconds have been spent timing: NNBench's Timer.median.
    """
    for _ in range(warmup):
        body()
    times = []
    begin = time.perf_counter()
    while len(times) < max_runs and (len(times) < min_runs or time.perf_counter() - begin < budget):
        t0 = time.perf_counter()
        body()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(items, peer):
    """Runs the items whose key contains one of the command-line words (all
    without words; with `--exact`, whose key is one of them) and prints
    their lines; `--list` prints the keys. An item's `run` returns the
    figure, or (figure, note)."""
    args = sys.argv[1:]
    if "--list" in args:
        for key, _, _, _ in items:
            print(key)
        return
    exact = "--exact" in args
    filters = [a for a in args if a != "--exact"]
    for key, label, unit, run in items:
        if filters and not any((f == key) if exact else (f in key) for f in filters):
            continue
        try:
            result = run()
        except Exception as e:  # one broken item must not hide the others
            print(f"bench: {peer} {key}: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        value, note = result if isinstance(result, tuple) else (result, "")
        print(f"{key}\t{value!r}\t{unit}\t{label}\t{peer}\t{note}", flush=True)
