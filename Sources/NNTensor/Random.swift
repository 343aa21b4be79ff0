#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seedable pseudo-random generator whose streams are the same on every
/// machine and every run: xoshiro256** 1.0 (Blackman and Vigna, 2018),
/// seeded through SplitMix64.
///
/// There is no global generator: each caller (an `Interpreter`, a data
/// loader, a test) owns one and passes it `inout`, so streams never
/// interfere and tests can run in parallel.
///
/// ```
/// seeding:   sm = seed;  s[k] = splitmix64(&sm) for k in 0..<4
///            splitmix64: sm += 0x9E3779B97F4A7C15; z = sm
///                        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
///                        z = (z ^ (z >> 27)) * 0x94D049BB133111EB
///                        return z ^ (z >> 31)
/// next():    result = rotl(s[1] * 5, 7) * 9
///            t = s[1] << 17
///            s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]
///            s[2] ^= t;    s[3] = rotl(s[3], 45)
/// uniform:   Double(next() >> 11) * 2^-53        in [0, 1), 53 random bits
///            Float(next() >> 40) * 2^-24         in [0, 1), 24 random bits
/// normal:    Box–Muller on two uniforms (u1, u2): r = sqrt(-2 log(1 - u1))
///            z0 = r cos(2π u2), z1 = r sin(2π u2); z0 is returned, z1 kept
///            for the next call
/// int:       Lemire's multiply-shift with rejection (unbiased)
/// permute:   Fisher–Yates (Durstenfeld), i from n-1 down to 1, j = int(0...i)
/// ```
///
/// All integer steps are exact, so `next`, `uniform`, `int` and
/// `permutation` are bit-identical everywhere; `normal` depends on the
/// platform's `log`, `cos` and `sin` (correctly rounded or within 1 ulp on
/// glibc and Apple's libm).
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    /// The 256-bit xoshiro state.
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)
    /// The second Box–Muller value, returned by the next `normal()` (part of
    /// the stream's state: a saved generator keeps it, so the stream resumes
    /// exactly).
    public private(set) var spareNormal: Double?

    /// A generator seeded from `seed` through SplitMix64 (so any seed,
    /// including 0, gives a well-mixed non-zero state).
    public init(seed: UInt64) {
        var sm = seed
        state = (Self.splitMix64(&sm), Self.splitMix64(&sm), Self.splitMix64(&sm), Self.splitMix64(&sm))
        spareNormal = nil
    }

    /// A generator with the raw xoshiro256** state (for reference vectors and
    /// for saving and restoring a stream); nil for the all-zero state, which
    /// xoshiro never leaves.
    public init?(state: (UInt64, UInt64, UInt64, UInt64)) {
        self.init(state: state, spareNormal: nil)
    }

    /// A generator resuming a saved stream exactly: the raw xoshiro256**
    /// state and the pending Box–Muller value (`spareNormal` of the saved
    /// generator); nil for the all-zero state, which xoshiro never leaves.
    public init?(state: (UInt64, UInt64, UInt64, UInt64), spareNormal: Double?) {
        guard state != (0, 0, 0, 0) else { return nil }
        self.state = state
        self.spareNormal = spareNormal
    }

    /// One step of SplitMix64 (Steele, Lea and Flood, 2014): advances `x` and
    /// returns the next output.
    public static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always) static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 &- k))
    }

    /// The next 64 random bits (xoshiro256**).
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = Self.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Self.rotl(state.3, 45)
        return result
    }

    /// A uniform `Double` in `[0, 1)` from the top 53 bits: `(next() >> 11) * 2^-53`.
    @inline(__always)
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform `Float` in `[0, 1)` from the top 24 bits: `(next() >> 40) * 2^-24`.
    @inline(__always)
    public mutating func uniformFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A standard normal sample by the Box–Muller transform.
    ///
    /// Draws `u1, u2` uniform in `[0, 1)`; `r = sqrt(-2 * log(1 - u1))`
    /// (so `log` never sees 0), returns `r * cos(2π u2)` and keeps
    /// `r * sin(2π u2)` for the next call.
    public mutating func normal() -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        let u1 = uniform(), u2 = uniform()
        let r = (-2 * log(1 - u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spareNormal = r * sin(theta)
        return r * cos(theta)
    }

    /// A uniform integer in `0..<bound` without bias (Lemire, "Fast random
    /// integer generation in an interval", 2019); 0 when `bound` is 0.
    ///
    /// ```
    /// m = next() * bound (128-bit);  l = low 64 bits of m
    /// if l < bound { t = (2^64 - bound) % bound; while l < t { redraw } }
    /// return high 64 bits of m
    /// ```
    public mutating func int(below bound: UInt64) -> UInt64 {
        guard bound > 0 else { return 0 }
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let t = (0 &- bound) % bound
            while m.low < t { m = next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }

    /// A uniform integer in `range` (unbiased; any range of `Int`, even the
    /// whole of it). Throws for an empty range.
    public mutating func int(in range: Range<Int>) throws -> Int {
        guard !range.isEmpty else {
            throw TensorError(op: "randint", "the range \(range.lowerBound)..<\(range.upperBound) is empty (low must be less than high)")
        }
        let width = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound))
        let k = int(below: width)
        return Int(Int64(range.lowerBound) &+ Int64(bitPattern: k))
    }

    /// A uniform integer in `range` (inclusive bounds).
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound)) &+ 1
        let k = width == 0 ? next() : int(below: width)  // width 0: the full 2^64 range
        return Int(Int64(range.lowerBound) &+ Int64(bitPattern: k))
    }

    /// A random permutation of `0..<n` (Fisher–Yates on the identity).
    public mutating func permutation(_ n: Int) -> [Int] {
        var a = Array(0..<max(n, 0))
        shuffle(&a)
        return a
    }

    /// Shuffles `a` in place by Fisher–Yates (Durstenfeld): for `i` from
    /// `n-1` down to 1, swap `a[i]` with `a[j]`, `j` uniform in `0...i`.
    public mutating func shuffle<T>(_ a: inout [T]) {
        var i = a.count - 1
        while i > 0 {
            let j = Int(int(below: UInt64(i + 1)))
            a.swapAt(i, j)
            i -= 1
        }
    }

    /// An independent generator for a sub-task (a data loader, a layer's
    /// initialisation), seeded from this one's next output.
    public mutating func split() -> RandomGenerator {
        RandomGenerator(seed: next())
    }
}
