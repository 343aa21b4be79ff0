#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Deterministic number formatting for tick labels, counts and SVG coordinates.
///
/// No locale and no `String(format:)`: the same value always prints the same
/// text on every machine, so golden tests can compare exact output.
enum NumberFormat {
    /// `10^n` for small non-negative `n`, exact in Double.
    static func power10(_ n: Int) -> Double {
        var p = 1.0
        for _ in 0..<max(0, min(n, 308)) { p *= 10 }
        return p
    }

    /// `v` with exactly `decimals` digits after the point (0...12); never `-0`.
    ///
    /// Values too large for fixed notation fall back to `scientific`.
    static func fixed(_ v: Double, decimals: Int) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf") }
        let d = max(0, min(decimals, 12))
        let p = power10(d)
        let scaled = (abs(v) * p).rounded()
        guard scaled < 9e15 else { return scientific(v, significant: 3) }
        let n = Int64(scaled)
        let unit = Int64(p)
        let whole = n / unit
        var text = String(whole)
        if d > 0 {
            let frac = String(n % unit)
            text += "." + String(repeating: "0", count: d - frac.count) + frac
        }
        return (v < 0 && n != 0) ? "-" + text : text
    }

    /// `v` as `m.mme±x` with `significant` digits, trailing zeros dropped: `1.5e-7`, `2e6`.
    static func scientific(_ v: Double, significant: Int) -> String {
        guard v.isFinite else { return fixed(v, decimals: 0) }
        if v == 0 { return "0" }
        var e = Int(log10(abs(v)).rounded(.down))
        let digits = max(1, min(significant, 15))
        var mantissa = abs(v) / pow10(e)
        let p = power10(digits - 1)
        mantissa = (mantissa * p).rounded() / p
        if mantissa >= 10 {
            mantissa /= 10
            e += 1
        }
        let m = trimZeros(fixed(mantissa, decimals: digits - 1))
        return (v < 0 ? "-" : "") + m + "e" + String(e)
    }

    /// A compact label with about four significant digits: `12`, `0.125`, `3.142`, `1.2e-5`.
    static func compact(_ v: Double) -> String {
        guard v.isFinite else { return fixed(v, decimals: 0) }
        if v == v.rounded(), abs(v) < 1e9 { return fixed(v, decimals: 0) }
        let a = abs(v)
        if a >= 1e-3, a < 1e6 {
            let e = Int(log10(a).rounded(.down))
            return trimZeros(fixed(v, decimals: max(0, 3 - e)))
        }
        return scientific(v, significant: 3)
    }

    /// `v` with `digits` significant digits: `0.299`, `2.33`, `55.6`, `1.2e-5`.
    static func significant(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite, v != 0 else { return fixed(v, decimals: 0) }
        let a = abs(v)
        guard a >= 1e-3, a < 1e6 else { return scientific(v, significant: digits) }
        let e = Int(log10(a).rounded(.down))
        return trimZeros(fixed(v, decimals: max(0, digits - 1 - e)))
    }

    /// An SVG coordinate: at most two decimals, trailing zeros dropped.
    static func svg(_ v: Double) -> String {
        trimZeros(fixed(v.isFinite ? v : 0, decimals: 2))
    }

    /// Drops trailing zeros after a decimal point, and the point itself when nothing follows.
    static func trimZeros(_ s: String) -> String {
        guard s.contains("."), !s.contains("e") else { return s }
        var t = Substring(s)
        while t.last == "0" { t = t.dropLast() }
        if t.last == "." { t = t.dropLast() }
        return t == "-0" ? "0" : String(t)
    }

    /// `10^e` for any integer exponent in Double range.
    static func pow10(_ e: Int) -> Double {
        e >= 0 ? power10(e) : 1 / power10(-e)
    }
}

extension NumberFormat {
    /// Base-10 logarithm (the C library's).
    static func log10(_ x: Double) -> Double {
        #if canImport(Glibc)
        Glibc.log10(x)
        #else
        Darwin.log10(x)
        #endif
    }
    /// `10^x` for real `x` (the C library's `pow`).
    static func pow10Real(_ x: Double) -> Double {
        #if canImport(Glibc)
        Glibc.pow(10, x)
        #else
        Darwin.pow(10, x)
        #endif
    }
}
