/// Rounding to a number of decimal digits, as Python's `round(x, ndigits)`:
/// the exact binary value of `x` is rounded to the nearest multiple of
/// `10^-digits` (halves to even, so `2.675` rounds to `2.67`: it is
/// 2.67499999999999982236431605997495353221893310546875 in binary), and that
/// decimal is read back as the nearest float. A finite input never becomes
/// infinite: a result too large for the dtype is an error, as in Python.
extension Tensor {
    /// `x` rounded to `digits` decimals (negative `digits` round to tens,
    /// hundreds, ...), halves to even on the exact binary value:
    /// ```
    /// round(x, d) = nearest double to N · 10^-d,  N = x · 10^d rounded half-even (exactly)
    /// ```
    /// NaN and ±inf are returned as they are; so is `x` when `digits` exceeds
    /// the decimals `x` has. A zero result keeps the sign of `x` (`-0.04` to
    /// one digit is `-0`), as Python's float rounding.
    public static func roundedDecimal(_ x: Double, digits: Int) throws -> Double {
        if !x.isFinite || x == 0 { return x }
        if let r = fastRound(x, digits) { return r }
        let text = decimalRounded(x, digits)
        guard let r = Double(text), r.isFinite else {
            throw TensorError(op: "round", "rounding \(x) to \(digits) digits gives a value too large for float64")
        }
        return r
    }

    /// `roundedDecimal` for a float32 value: the float32 value itself is
    /// rounded, and the decimal read back as the nearest float32.
    public static func roundedDecimal(_ x: Float, digits: Int) throws -> Float {
        if !x.isFinite || x == 0 { return x }
        if let r = fastRound(Double(x), digits) {
            // r is the correctly rounded double of the decimal; it names the
            // float32 result when its neighbours agree (no midpoint between).
            let f = Float(r)
            if Float(r.nextUp) == f, Float(r.nextDown) == f { return f }
        }
        let text = decimalRounded(Double(x), digits)
        guard let r = Float(text), r.isFinite else {
            throw TensorError(op: "round", "rounding \(x) to \(digits) digits gives a value too large for float32")
        }
        return r
    }

    /// Each element rounded to `digits` decimals by `roundedDecimal`, in this
    /// tensor's dtype. Untracked (the gradient of rounding is zero almost
    /// everywhere, as PyTorch). An int64 tensor is unchanged for `digits >= 0`
    /// and rounded to a multiple of `10^-digits` (halves to even, exactly, as
    /// Python's `round(int, -k)`) below.
    public func rounded(digits: Int) throws -> Tensor {
        switch storage {
        case .float32(let x):
            return Tensor(shape: shape, storage: .float32(try x.map { try Tensor.roundedDecimal($0, digits: digits) }))
        case .float64(let x):
            return Tensor(shape: shape, storage: .float64(try x.map { try Tensor.roundedDecimal($0, digits: digits) }))
        case .bool:
            return try asFloat.rounded(digits: digits)
        case .int64(let x):
            if digits >= 0 { return self }
            return Tensor(shape: shape, storage: .int64(try x.map { try Tensor.roundedInteger($0, digits: digits) }))
        }
    }

    /// `x` rounded to a multiple of `p = 10^-digits` (`digits < 0`), halves
    /// to even, in exact integer arithmetic (0 once `p > 2^64`, where
    /// `|x| < p / 2`). A result beyond the int64 range is an error.
    static func roundedInteger(_ x: Int64, digits: Int) throws -> Int64 {
        if digits < -19 { return 0 }
        var pm: UInt64 = 1
        for _ in 0..<(-digits) { pm *= 10 }  // at most 10^19 < 2^64
        let m = x.magnitude
        var q = m / pm
        let r = m % pm
        if r > pm - r || (r == pm - r && q % 2 == 1) { q += 1 }
        let (v, o) = q.multipliedReportingOverflow(by: pm)
        guard !o, v <= (x < 0 ? UInt64(1) << 63 : UInt64(Int64.max)) else {
            throw TensorError(op: "round", "rounding \(x) to \(digits) digits gives a value outside the int64 range")
        }
        return x < 0 ? Int64(truncatingIfNeeded: 0 &- v) : Int64(v)
    }

    /// The common case in one multiplication and one division, when that is
    /// provably the exact answer: `0 <= digits <= 22` (so `10^digits` is an
    /// exact double), `|x · 10^digits| < 2^52`, and the computed product is
    /// farther from a half than its rounding error (`|y| · 2^-53`), so rounding
    /// it half-even gives the same integer `N` as the exact product would.
    /// `N / 10^digits` is then one correctly rounded division. Nil otherwise.
    static func fastRound(_ x: Double, _ digits: Int) -> Double? {
        guard digits >= 0, digits <= 22 else { return nil }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let y = x * p
        guard Swift.abs(y) < 0x1p52 else { return nil }
        let frac = y - y.rounded(.down)
        guard Swift.abs(frac - 0.5) > Swift.abs(y) * 0x1p-52 else { return nil }
        return y.rounded(.toNearestOrEven) / p
    }

    /// The decimal text of finite, nonzero `x` rounded half-even to `digits`
    /// decimals, as `[-]N e-digits`, computed on the exact binary value.
    static func decimalRounded(_ x: Double, _ digits: Int) -> String {
        let sign = x.sign == .minus ? "-" : ""
        // |x| = m · 2^e exactly, with m an integer below 2^53.
        let a = Swift.abs(x)
        let e = Int(a.exponent) - 52
        let m = UInt64(a.significand * 0x1p52)
        // |x| = D · 10^-k: D = m · 2^e (k = 0) or m · 5^-e (k = -e).
        var limbs = BigDecimal(m)
        let k: Int
        if e >= 0 {
            limbs.multiply(byPowerOf: 2, e)
            k = 0
        } else {
            limbs.multiply(byPowerOf: 5, -e)
            k = -e
        }
        if digits >= k { return "\(sign)\(limbs.text)e-\(k)" }
        // Keep all but the last `drop` digits of D, rounding half-even.
        let drop = k - Swift.max(digits, -400)
        var d = Array(limbs.text.utf8).map { Int($0) - 48 }
        if d.count < drop + 1 { d = [Int](repeating: 0, count: drop + 1 - d.count) + d }
        var kept = Array(d[..<(d.count - drop)])
        let first = d[d.count - drop]
        let restNonzero = d[(d.count - drop + 1)...].contains { $0 != 0 }
        let up = first > 5 || (first == 5 && (restNonzero || kept[kept.count - 1] % 2 == 1))
        if up {
            var i = kept.count - 1
            while i >= 0 {
                if kept[i] == 9 { kept[i] = 0; i -= 1 } else { kept[i] += 1; break }
            }
            if i < 0 { kept.insert(1, at: 0) }
        }
        let n = String(decoding: kept.map { UInt8($0 + 48) }, as: UTF8.self)
        return "\(sign)\(n)e\(drop - k)"
    }
}

/// A nonnegative integer as little-endian base-10⁹ limbs: just enough
/// arithmetic to write a double's exact decimal expansion (at most 1,100
/// digits), for `Tensor.decimalRounded`.
struct BigDecimal {
    static let base: UInt64 = 1_000_000_000
    var limbs: [UInt64]

    init(_ n: UInt64) {
        limbs = [n % Self.base, (n / Self.base) % Self.base, n / (Self.base * Self.base)]
        trim()
    }

    mutating func trim() {
        while limbs.count > 1, limbs[limbs.count - 1] == 0 { limbs.removeLast() }
    }

    /// `self *= factor^count` for a small factor (2 or 5), a few bits at a time.
    mutating func multiply(byPowerOf factor: UInt64, _ count: Int) {
        // factor^12 < 2^28, so limb · step + carry stays below 2^64.
        var left = count
        while left > 0 {
            let n = Swift.min(left, 12)
            var step: UInt64 = 1
            for _ in 0..<n { step *= factor }
            var carry: UInt64 = 0
            for i in limbs.indices {
                let v = limbs[i] * step + carry
                limbs[i] = v % Self.base
                carry = v / Self.base
            }
            while carry > 0 {
                limbs.append(carry % Self.base)
                carry /= Self.base
            }
            left -= n
        }
    }

    /// The decimal digits, most significant first, without leading zeros.
    var text: String {
        var s = String(limbs[limbs.count - 1])
        for limb in limbs.dropLast().reversed() {
            let t = String(limb)
            s += String(repeating: "0", count: 9 - t.count) + t
        }
        return s
    }
}
