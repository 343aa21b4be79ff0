#!/usr/bin/env python3
"""The CPython side of scripts/bench: interpreter speed on plain Python code
(no NumPy), the same work as NNBench's script items, timed the same way.

Both sides run the work inside a function, so the loop variables are locals
(in nn, function locals live in stack slots; in CPython, fast locals).
Pass key substrings to run only some items.
"""
import sys

from bench_common import main, median_time


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def count(n):
    k = 0
    for i in range(n):
        k = k + 1
    return k


def count_while(n):
    i = 0
    while i < n:
        i = i + 1
    return i


def builtin_calls(n):
    t = 0
    for i in range(n):
        t = t + abs(i - 500000)
    return t


def closure_calls(n):
    k = 0

    def bump():
        nonlocal k
        k = k + 1

    for i in range(n):
        bump()
    return k


def list_append(n):
    xs = []
    for i in range(n):
        xs.append(i * 2)
    return len(xs)


def record_fields(n):
    r = {"a": 1, "b": 2}
    t = 0
    for i in range(n):
        t = t + r["a"] + r["b"]
    return t


def loop_1m(f, expect):
    def run():
        assert f(1_000_000) == expect
        return median_time(lambda: f(1_000_000), warmup=1, min_runs=5, max_runs=30) * 1e3
    return run


def fib_27():
    assert fib(27) == 196418
    return median_time(lambda: fib(27), warmup=1, min_runs=5, max_runs=50) * 1e3


def loop(f):
    def run():
        assert f(10_000_000) == 10_000_000
        return median_time(lambda: f(10_000_000), warmup=1, min_runs=5, max_runs=20) * 1e3
    return run


ITEMS = [
    ("fib_27", "fib(27), recursive", "ms", fib_27),
    ("loop_10m", "counting loop, 10M iterations (for)", "ms", loop(count)),
    ("loop_10m_while", "counting loop, 10M iterations (while)", "ms", loop(count_while)),
    ("calls_builtin_1m", "1M builtin calls, abs(x)", "ms", loop_1m(builtin_calls, 250_000_000_000)),
    ("calls_closure_1m", "1M closure calls, captured counter", "ms", loop_1m(closure_calls, 1_000_000)),
    ("list_append_1m", "1M list appends", "ms", loop_1m(list_append, 1_000_000)),
    ("record_fields_1m", "1M iterations reading 2 record fields", "ms", loop_1m(record_fields, 3_000_000)),
]

if __name__ == "__main__":
    sys.setrecursionlimit(10_000)
    main(ITEMS, f"CPython {sys.version_info.major}.{sys.version_info.minor}")
