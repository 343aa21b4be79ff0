#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One axis: its data range, linear or log, and the map to the unit interval.
///
/// `unit(v)` is `(v - lo) / (hi - lo)`, or on a log axis
/// `(log10 v - log10 lo) / (log10 hi - log10 lo)`; 0 is the low end, 1 the high end.
struct AxisScale: Equatable {
    let lo: Double
    let hi: Double
    let isLog: Bool

    /// The position of `v` on the axis in units of its length, or nil where `v`
    /// cannot be shown (NaN, infinite, or not positive on a log axis).
    func unit(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        let u: Double
        if isLog {
            guard v > 0 else { return nil }
            u = (log10(v) - log10(lo)) / (log10(hi) - log10(lo))
        } else {
            u = (v - lo) / (hi - lo)
        }
        return u.isFinite ? u : nil
    }

    /// The data value at unit position `u` (inverse of `unit`).
    func value(atUnit u: Double) -> Double {
        isLog ? pow(10, log10(lo) + u * (log10(hi) - log10(lo))) : lo + u * (hi - lo)
    }

    /// The same axis widened by `fraction` of its length at both ends (in log space on a log axis).
    func padded(_ fraction: Double) -> AxisScale {
        if isLog {
            let a = log10(lo), b = log10(hi), d = (b - a) * fraction
            return AxisScale(lo: pow(10, a - d), hi: pow(10, b + d), isLog: true)
        }
        let d = (hi - lo) * fraction
        return AxisScale(lo: lo - d, hi: hi + d, isLog: false)
    }

    /// Ticks for this axis with at most `maxTicks` values inside `lo...hi`.
    func ticks(maxTicks: Int) -> [Tick] {
        isLog ? Ticks.log(lo: lo, hi: hi, maxTicks: maxTicks) : Ticks.linear(lo: lo, hi: hi, maxTicks: maxTicks)
    }

    /// The automatic range of finite values (positive ones on a log axis), padded when constant.
    ///
    /// A constant value `c` gets `c ± 0.1|c|` (or `±1` for zero) on a linear
    /// axis and `c/2 ... 2c` on a log axis, so it still draws as a line.
    static func auto(_ values: [Double], log isLog: Bool) -> (lo: Double, hi: Double)? {
        var lo = Double.infinity
        var hi = -Double.infinity
        for v in values where v.isFinite && (!isLog || v > 0) {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        guard lo <= hi else { return nil }
        if lo == hi {
            if isLog { return (lo / 2, hi * 2) }
            let pad = abs(lo) * 0.1
            return pad > 0 && pad.isFinite && lo - pad < lo ? (lo - pad, hi + pad) : (lo - 1, hi + 1)
        }
        return (lo, hi)
    }
}

/// A tick: its data value and its label.
struct Tick: Equatable {
    let value: Double
    let label: String
}

/// Tick placement: nice 1-2-5 steps on linear axes, powers of ten on log axes.
enum Ticks {
    /// Ticks at multiples of the smallest step `s · 10^e` (`s` in 1, 2, 5) that
    /// leaves at most `maxTicks` multiples inside `lo...hi` (matplotlib's
    /// `MaxNLocator` with `steps=[1, 2, 5, 10]`).
    ///
    /// ```
    /// raw  = (hi - lo) / (maxTicks - 1)
    /// step = min { s · 10^e ≥ raw : s ∈ {1, 2, 5, 10} },  e = floor(log10 raw)
    /// ticks = { k · step : lo ≤ k · step ≤ hi }
    /// ```
    static func linear(lo: Double, hi: Double, maxTicks: Int) -> [Tick] {
        let n = max(2, maxTicks)
        let span = hi - lo
        guard span > 0, span.isFinite else { return [Tick(value: lo, label: NumberFormat.compact(lo))] }
        let raw = span / Double(n - 1)
        guard raw > 0 else { return label([lo, hi], step: span) }  // subnormal spans
        let e = Int(log10(raw).rounded(.down))
        for s in [1, 2, 5, 10] {
            let step = Double(s) * NumberFormat.pow10(e)
            guard step >= raw * (1 - 1e-9) else { continue }
            let first = (lo / step - 1e-9).rounded(.up)
            let last = (hi / step + 1e-9).rounded(.down)
            guard abs(first) < 1e15, abs(last) < 1e15, last - first < Double(n) else { continue }
            var values: [Double] = []
            var k = Int64(first)
            while Double(k) <= last {
                // k·s·10^e, dividing by an exact power of ten for negative e.
                let m = Double(k) * Double(s)
                values.append(e >= 0 ? m * NumberFormat.power10(e) : m / NumberFormat.power10(-e))
                k += 1
            }
            return label(values, step: step)
        }
        return label([lo, hi], step: span)
    }

    /// Labels for linear ticks with as many decimals as the step needs.
    static func label(_ values: [Double], step: Double) -> [Tick] {
        let largest = values.map { abs($0) }.filter(\.isFinite).max() ?? 0
        // A zero, subnormal-underflowed or non-finite step has no exponent:
        // label such ticks in scientific notation rather than trap in Int(_:).
        let usable = step > 0 && step.isFinite
        let stepExp = usable ? Int(log10(step).rounded(.down)) : 0
        let decimals = usable ? max(0, Int((-log10(step) - 1e-9).rounded(.up))) : 99
        if largest >= 1e6 || decimals > 5 {
            let topExp = largest > 0 ? Int(log10(largest).rounded(.down)) : stepExp
            let digits = max(1, min(6, topExp - stepExp + 1))
            return values.map { Tick(value: $0, label: $0 == 0 ? "0" : NumberFormat.scientific($0, significant: digits)) }
        }
        return values.map { Tick(value: $0, label: NumberFormat.fixed($0, decimals: decimals)) }
    }

    /// Ticks at powers of ten inside `lo...hi` (every m-th power when there are
    /// too many); at 1-2-5 multiples when at most two powers fall inside and
    /// those fit; linear ticks when even they are too few.
    static func log(lo: Double, hi: Double, maxTicks: Int) -> [Tick] {
        let n = max(2, maxTicks)
        guard lo > 0, hi > lo, hi.isFinite else { return linear(lo: lo, hi: hi, maxTicks: n) }
        let a = log10(lo), b = log10(hi)
        let first = Int((a - 1e-9).rounded(.up)), last = Int((b + 1e-9).rounded(.down))
        let count = last - first + 1
        var powers: [Tick] = []
        if count >= 2 {
            let stride = (count + n - 1) / n
            let kept = (first...last).filter { ((($0 % stride) + stride) % stride) == 0 }
            powers = (kept.count >= 2 ? kept : [first, last]).map { Tick(value: NumberFormat.pow10($0), label: powerLabel($0)) }
            if count >= 3 { return powers }
        }
        // Two decades or less: 1-2-5 multiples read better, when they fit.
        var values: [Double] = []
        for e in (Int(a.rounded(.down)) - 1)...(Int(b.rounded(.up))) {
            for s in [1.0, 2.0, 5.0] {
                let v = e >= 0 ? s * NumberFormat.power10(e) : s / NumberFormat.power10(-e)
                if v >= lo * (1 - 1e-12), v <= hi * (1 + 1e-12) { values.append(v) }
            }
        }
        if values.count >= 2, values.count <= n {
            return values.map { Tick(value: $0, label: NumberFormat.compact($0)) }
        }
        if !powers.isEmpty { return powers }
        return linear(lo: lo, hi: hi, maxTicks: n)
    }

    /// `10^e` as `0.001 … 1000`, else `1e-5`, `1e6`.
    static func powerLabel(_ e: Int) -> String {
        if (-3...3).contains(e) { return NumberFormat.fixed(NumberFormat.pow10(e), decimals: max(0, -e)) }
        return "1e" + String(e)
    }
}
