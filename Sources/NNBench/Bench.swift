import NNTensor

/// One benchmark: a stable key shared with `scripts/bench_numpy.py` (the
/// shell script joins the two sides on it), a label for people, the unit,
/// and the measurement.
///
/// Later issues add an item by writing one function that returns a
/// `BenchItem` and listing it in `Bench.all` (main.swift).
struct BenchItem {
    let key: String
    let label: String
    let unit: BenchUnit
    /// Runs the work (warm-up and repeats included) and returns the figure in `unit`.
    let measure: () throws -> Double
}

/// How a figure reads: throughput (higher is better) or time (lower is better).
enum BenchUnit: String {
    case gflops = "GFLOP/s"
    case ms
    case s

    var higherIsBetter: Bool { self == .gflops }
}

/// Timing: medians of repeated runs after warm-up, on a monotonic clock.
enum Timer {
    /// Seconds since an arbitrary fixed point (CLOCK_MONOTONIC).
    static func now() -> Double {
        let t = ContinuousClock.now - start
        let c = t.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
    private static let start = ContinuousClock.now

    /// The median wall time in seconds of `body`, after `warmup` untimed runs.
    ///
    /// Runs at least `minRuns` and at most `maxRuns` times, stopping once
    /// `budget` seconds have been spent timing (so slow items do not take
    /// minutes and fast ones are repeated enough for a stable median).
    static func median(warmup: Int = 2, minRuns: Int = 5, maxRuns: Int = 200, budget: Double = 1.5,
                       _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup { try body() }
        var times: [Double] = []
        let begin = now()
        while times.count < maxRuns && (times.count < minRuns || now() - begin < budget) {
            let t0 = now()
            try body()
            times.append(now() - t0)
        }
        times.sort()
        let n = times.count
        return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2
    }
}

/// Keeps a result alive so the optimiser cannot drop the work that made it.
@inline(never) func blackHole<T>(_ x: T) { _ = x }
