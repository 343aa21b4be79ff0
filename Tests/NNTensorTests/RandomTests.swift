import Foundation
import Testing
@testable import NNTensor

/// The generator's definition stepped by hand with plain integer ops, as
/// the reference the implementation must match bit for bit.
private struct HandStepped {
    var s: [UInt64]
    init(seed: UInt64) {
        var x = seed
        s = (0..<4).map { _ in
            x = x &+ 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
    mutating func next() -> UInt64 {
        let x = s[1] &* 5
        let result = ((x << 7) | (x >> 57)) &* 9
        let t = s[1] << 17
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = (s[3] << 45) | (s[3] >> 19)
        return result
    }
}

@Suite struct RandomTests {
    @Test func splitMix64MatchesPublishedValues() {
        // SplitMix64 from state 0 (Steele, Lea, Flood; the sequence quoted by
        // Vigna's reference code and Java's SplittableRandom).
        var x: UInt64 = 0
        let out = (0..<4).map { _ in RandomGenerator.splitMix64(&x) }
        #expect(out == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC])
    }

    @Test func xoshiroMatchesTheReferenceImplementation() throws {
        // State (1, 2, 3, 4): values from xoshiro256starstar.c, as quoted in
        // the rand_xoshiro crate's reference test. First: rotl(2·5, 7)·9 = 1280·9.
        var g = try #require(RandomGenerator(state: (1, 2, 3, 4)))
        let out = (0..<10).map { _ in g.next() }
        #expect(out == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240, 1_216_172_134_540_287_360,
                        607_988_272_756_665_600, 16_172_922_978_634_559_625, 8_476_171_486_693_032_832,
                        10_595_114_339_597_558_777, 2_904_607_092_377_533_576])
        #expect(RandomGenerator(state: (0, 0, 0, 0)) == nil)
    }

    @Test func seededStreamMatchesHandSteppedDefinition() {
        for seed: UInt64 in [0, 42, 0xDEAD_BEEF, .max] {
            var g = RandomGenerator(seed: seed)
            var h = HandStepped(seed: seed)
            for _ in 0..<100 { #expect(g.next() == h.next()) }
        }
    }

    @Test func uniformUsesTheTopBits() {
        var g = RandomGenerator(seed: 7), h = HandStepped(seed: 7)
        #expect(g.uniform() == Double(h.next() >> 11) / 9_007_199_254_740_992)   // 2^53
        #expect(g.uniformFloat() == Float(h.next() >> 40) / 16_777_216)          // 2^24
    }

    @Test func normalIsBoxMuller() {
        var g = RandomGenerator(seed: 3), h = HandStepped(seed: 3)
        let u1 = Double(h.next() >> 11) / 9_007_199_254_740_992
        let u2 = Double(h.next() >> 11) / 9_007_199_254_740_992
        let r = (-2 * Foundation.log(1 - u1)).squareRoot()
        #expect(g.normal() == r * Foundation.cos(2 * Double.pi * u2))
        #expect(g.normal() == r * Foundation.sin(2 * Double.pi * u2))
        #expect(g.next() == h.next(), "a pair of normals consumes exactly two draws")
    }

    @Test func intIsLemireMultiplyShift() throws {
        // For bound 6 the rejection threshold (2^64 - 6) % 6 = 4 is tiny, so
        // the first draw is accepted unless its low product word is < 4.
        var g = RandomGenerator(seed: 11), h = HandStepped(seed: 11)
        for _ in 0..<20 {
            let x = h.next()
            let (high, low) = x.multipliedFullWidth(by: 6)
            #expect(low >= 4)
            #expect(g.int(below: 6) == high)
        }
        var g2 = RandomGenerator(seed: 11)
        let v = try g2.int(in: -3..<3)
        var h2 = HandStepped(seed: 11)
        #expect(v == -3 + Int(h2.next().multipliedFullWidth(by: 6).high))
        #expect(throws: TensorError.self) { try g2.int(in: 5..<5) }
        _ = g2.int(in: Int.min...Int.max)  // the full range does not trap
    }

    @Test func intIsUnbiasedOverSmallRanges() throws {
        var g = RandomGenerator(seed: 5)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 { counts[try g.int(in: 0..<10)] += 1 }
        // Binomial(1e5, 0.1): sd ≈ 95; allow 5 sd.
        for c in counts { #expect(abs(c - 10_000) < 475, "\(counts)") }
    }

    @Test func permutationIsAPermutation() {
        var g = RandomGenerator(seed: 9)
        let p = g.permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        #expect(p != Array(0..<1000))
        #expect(g.permutation(0) == [] && g.permutation(1) == [0])
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        #expect(a.permutation(50) == b.permutation(50), "same seed, same permutation")
    }

    @Test func shuffleIsFisherYatesFromTheTop() {
        // n = 3: i = 2 swaps with j = int(below: 3), then i = 1 with j = int(below: 2).
        var g = RandomGenerator(seed: 21), h = HandStepped(seed: 21)
        var expected = ["a", "b", "c"]
        expected.swapAt(2, Int(h.next().multipliedFullWidth(by: 3).high))
        expected.swapAt(1, Int(h.next().multipliedFullWidth(by: 2).high))
        var a = ["a", "b", "c"]
        g.shuffle(&a)
        #expect(a == expected)
    }

    @Test func momentsOfRandAndRandn() throws {
        var g = RandomGenerator(seed: 2024)
        let u = try Tensor.rand([100_000], dtype: .float64, using: &g).doubles
        let (mu, vu) = Self.moments(u)
        #expect(abs(mu - 0.5) < 0.005 && abs(vu - 1.0 / 12) < 0.002)
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        let z = try Tensor.randn([100_000], dtype: .float64, using: &g).doubles
        let (mz, vz) = Self.moments(z)
        let kurt = z.reduce(0) { $0 + pow($1 - mz, 4) } / Double(z.count) / (vz * vz)
        #expect(abs(mz) < 0.015 && abs(vz - 1) < 0.02 && abs(kurt - 3) < 0.1)
        let n = try Tensor.normal(3, 0.5, [100_000], using: &g).doubles
        let (mn, vn) = Self.moments(n)
        #expect(abs(mn - 3) < 0.01 && abs(vn - 0.25) < 0.01)
        let w = try Tensor.uniform(-2, 6, [100_000], using: &g).doubles
        let (mw, vw) = Self.moments(w)
        #expect(abs(mw - 2) < 0.05 && abs(vw - 64.0 / 12) < 0.1)
        #expect(w.allSatisfy { $0 >= -2 && $0 < 6 })
    }

    @Test func tensorsAreDeterministicAndDrawnInRowMajorOrder() throws {
        var g = RandomGenerator(seed: 1), h = HandStepped(seed: 1)
        let t = try Tensor.rand([2, 3], using: &g)
        #expect(t.shape == [2, 3] && t.dtype == .float32)
        #expect(t.floats == (0..<6).map { _ in Float(h.next() >> 40) / 16_777_216 })
        var a = RandomGenerator(seed: 8), b = RandomGenerator(seed: 8)
        #expect(try Tensor.randn([4, 5], using: &a).floats == Tensor.randn([4, 5], using: &b).floats)
    }

    @Test func randintDrawsIntegersInRange() throws {
        var g = RandomGenerator(seed: 4), h = HandStepped(seed: 4)
        let t = try Tensor.randint(-5, 5, [1000], using: &g)
        #expect(t.doubles.allSatisfy { $0 >= -5 && $0 < 5 && $0 == $0.rounded() })
        #expect(Set(t.doubles).count == 10)
        #expect(t.doubles[0] == Double(-5 + Int(h.next().multipliedFullWidth(by: 10).high)))
        #expect(throws: TensorError(op: "randint", "low (3) must be less than high (3)")) {
            try Tensor.randint(3, 3, [2], using: &g)
        }
        #expect(throws: TensorError.self) { try Tensor.randint(0, 1 << 30, [2], dtype: .float32, using: &g) }
        #expect(throws: TensorError.self) { try Tensor.normal(0, -1, [2], using: &g) }
        #expect(throws: TensorError.self) { try Tensor.uniform(1, 0, [2], using: &g) }
        #expect(throws: TensorError.self) { try Tensor.rand([-1], using: &g) }
    }

    @Test func splitGivesAnIndependentReproducibleStream() {
        var a = RandomGenerator(seed: 6), b = RandomGenerator(seed: 6)
        var ca = a.split(), cb = b.split()
        #expect(ca.next() == cb.next())
        #expect(a.next() == b.next())
    }

    static func moments(_ x: [Double]) -> (mean: Double, variance: Double) {
        let m = x.reduce(0, +) / Double(x.count)
        return (m, x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count))
    }
}
