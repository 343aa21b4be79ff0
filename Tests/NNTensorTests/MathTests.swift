import Foundation
import Testing
@testable import NNTensor

/// Distance in units in the last place between two floats of the same type
/// (0 when both are NaN or equal infinities).
func ulps<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> Double where T.RawSignificand: FixedWidthInteger {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : .infinity }
    if a == b { return 0 }
    if a.isInfinite || b.isInfinite { return .infinity }
    // the magnitude's bit pattern counts representable values up from zero
    func steps(_ x: T) -> Int {
        Int(x.exponentBitPattern) << T.significandBitCount | Int(x.significandBitPattern)
    }
    if (a < 0) == (b < 0) { return Double(Swift.abs(steps(a) - steps(b))) }
    return Double(steps(a)) + Double(steps(b))
}

/// Inputs for the kernel sweeps: a fine grid over `range`, then the values
/// where kernels usually break.
func sweep(_ range: ClosedRange<Double>, count: Int, extra: [Double]) -> [Double] {
    let step = (range.upperBound - range.lowerBound) / Double(count - 1)
    return (0..<count).map { range.lowerBound + Double($0) * step } + extra
}

let extremes: [Double] = [0, -0.0, .infinity, -.infinity, .nan, 1e-45, -1e-45, 1e-40, -1e-40, 1e-300, -1e-300,
                          1.2e-38, 3.4e38, -3.4e38, 1e308, -1e308, Double.leastNonzeroMagnitude, 0.625, -0.625, 9.01, 88.72, -87.33, -103.9]

@Suite struct MathTests {
    // MARK: Vectorised kernels against libm

    func checkKernel(_ name: String, _ xs: [Double], maxULP: Double,
                     tensorOp: (Tensor) throws -> Tensor, f32: (Float) -> Float, f64: (Double) -> Double) throws {
        let t32 = try Tensor(shape: [xs.count], values: xs, dtype: .float32)
        let y32 = try tensorOp(t32).floats
        var worst32 = 0.0, at32 = 0.0
        for (i, x) in t32.floats.enumerated() {
            let u = ulps(y32[i], f32(x))
            if u > worst32 { worst32 = u; at32 = Double(x) }
        }
        #expect(worst32 <= maxULP, "\(name) float32: \(worst32) ULP at x = \(at32)")
        let t64 = try Tensor(shape: [xs.count], values: xs, dtype: .float64)
        let y64 = try tensorOp(t64).doubles
        var worst64 = 0.0, at64 = 0.0
        for (i, x) in xs.enumerated() {
            let u = ulps(y64[i], f64(x))
            if u > worst64 { worst64 = u; at64 = x }
        }
        #expect(worst64 <= maxULP, "\(name) float64: \(worst64) ULP at x = \(at64)")
    }

    @Test func expIsWithinTwoULPOfLibm() throws {
        try checkKernel("exp", sweep(-760...720, count: 400_003, extra: extremes + sweep(-2...2, count: 20_001, extra: [])),
                        maxULP: 2, tensorOp: { $0.exp() }, f32: { Foundation.exp($0) }, f64: { Foundation.exp($0) })
    }

    @Test func logIsWithinTwoULPOfLibm() throws {
        let xs = sweep(-60...60, count: 200_001, extra: []).map { Foundation.pow(10, $0) }
            + sweep(0.5...2, count: 50_001, extra: []) + extremes + [-1, -Double.leastNonzeroMagnitude, Double.leastNormalMagnitude / 64]
        try checkKernel("log", xs, maxULP: 2, tensorOp: { $0.log() }, f32: { Foundation.log($0) }, f64: { Foundation.log($0) })
    }

    @Test func tanhIsWithinThreeULPOfLibm() throws {
        try checkKernel("tanh", sweep(-25...25, count: 400_001, extra: extremes + sweep(-1...1, count: 20_001, extra: [])),
                        maxULP: 3, tensorOp: { $0.tanh() }, f32: { Foundation.tanh($0) }, f64: { Foundation.tanh($0) })
    }

    @Test func sigmoidIsWithinThreeULPOfTheFormula() throws {
        // reference: 1 / (1 + e^-x) evaluated in higher precision, then rounded
        func ref(_ x: Double) -> Double {
            let e = Foundation.exp(-Swift.abs(Float80(x)))
            let s = x >= 0 ? 1 / (1 + e) : e / (1 + e)
            return x.isNaN ? x : Double(s)
        }
        try checkKernel("sigmoid", sweep(-800...800, count: 200_001, extra: extremes + sweep(-5...5, count: 20_001, extra: [])),
                        maxULP: 3, tensorOp: { $0.sigmoid() }, f32: { Float(ref(Double($0))) }, f64: { ref($0) })
    }

    // MARK: Values by hand

    @Test func elementwiseValuesMatchTheirDefinitions() throws {
        let x = try Tensor(shape: [5], values: [-2, -0.5, 0, 0.5, 2], dtype: .float64)
        #expect(x.relu().doubles == [0, 0, 0, 0.5, 2])
        #expect(x.leakyRelu(slope: 0.1).doubles == [-0.2, -0.05, 0, 0.5, 2])
        #expect(x.abs().doubles == [2, 0.5, 0, 0.5, 2])
        #expect(x.sign().doubles == [-1, -1, 0, 1, 1])
        #expect(x.square().doubles == [4, 0.25, 0, 0.25, 4])
        #expect(try x.clamp(min: -1, max: 1).doubles == [-1, -0.5, 0, 0.5, 1])
        #expect(try x.clamp(min: 1, max: -1).doubles == [-1, -1, -1, -1, -1], "max wins when min > max, as torch.clamp")
        // Φ(1) = 0.841344746068543 (normal table); gelu(x) = x Φ(x)
        #expect(close(x.gelu().doubles, [-2 * 0.022750131948179, -0.5 * 0.308537538725987, 0,
                                         0.5 * 0.691462461274013, 2 * 0.977249868051821], atol: 1e-12, rtol: 0))
        let sp = try Tensor(shape: [4], values: [0, 30, -30, 1], dtype: .float64).softplus()
        #expect(close(sp.doubles, [Foundation.log(2.0), 30, 9.357622968840175e-14, 1.3132616875182228], atol: 0, rtol: 1e-12))
        let sp2 = try Tensor(shape: [2], values: [0, 15], dtype: .float64).softplus(beta: 2, threshold: 20)
        #expect(close(sp2.doubles, [Foundation.log(2.0) / 2, 15], atol: 0, rtol: 1e-14), "linear above threshold/beta")
        let e = try Tensor(shape: [3], values: [0, 1, -1], dtype: .float64)
        #expect(close(e.exp().doubles, [1, M_E, 1 / M_E], atol: 0, rtol: 1e-15))
        #expect(close(e.sigmoid().doubles, [0.5, 0.7310585786300049, 0.2689414213699951], atol: 0, rtol: 1e-15))
        #expect(close(try e.pow(3).doubles, [0, 1, -1], atol: 0, rtol: 0))
    }

    @Test func sigmoidAndTanhSaturateWithoutNaN() throws {
        let x = try Tensor(shape: [4], values: [-1e4, -100, 100, 1e4])
        #expect(x.sigmoid().floats == [0, Float(3.7200760e-44), 1, 1])
        #expect(x.tanh().floats == [-1, -1, 1, 1])
        #expect(x.exp().floats == [0, Foundation.exp(Float(-100)), .infinity, .infinity], "e^-100 is a float32 subnormal")
    }

    @Test func powBroadcastsAndDifferentiatesInBothArguments() throws {
        let a = try Tensor(shape: [2, 1], values: [2, 3], dtype: .float64).requiringGrad()
        let b = try Tensor(shape: [2], values: [3, 0.5], dtype: .float64).requiringGrad()
        let y = try Tensor.pow(a, b)
        #expect(y.shape == [2, 2])
        #expect(close(y.doubles, [8, Foundation.sqrt(2.0), 27, Foundation.sqrt(3.0)], atol: 0, rtol: 1e-15))
        try y.sum().backward()
        // d/da Σ_j a^b_j = Σ_j b_j a^(b_j - 1); d/db_j Σ_i a_i^b_j = Σ_i a_i^b_j log a_i
        let r2: Double = 2.squareRoot(), r3: Double = 3.squareRoot()
        let ga: [Double] = [12 + 0.5 / r2, 27 + 0.5 / r3]
        #expect(close(a.grad?.doubles ?? [], ga, atol: 0, rtol: 1e-14))
        let ln2 = Foundation.log(2.0), ln3 = Foundation.log(3.0)
        let gb: [Double] = [8 * ln2 + 27 * ln3, r2 * ln2 + r3 * ln3]
        #expect(close(b.grad?.doubles ?? [], gb, atol: 0, rtol: 1e-14))
    }

    @Test func powAtZeroBaseHasNoNaNGradient() throws {
        let a = try Tensor(shape: [2], values: [0, 0], dtype: .float64).requiringGrad()
        let b = try Tensor(shape: [2], values: [2, 0], dtype: .float64).requiringGrad()
        let y = try Tensor.pow(a, b)
        #expect(y.doubles == [0, 1])
        let g = try Tensor.gradients(of: y.sum(), wrt: [a, b])
        #expect(g[0].doubles == [0, 0], "b * a^(b-1) is 0 at a = 0, b = 2, and defined as 0 where b = 0")
        #expect(g[1].doubles == [0, 0], "a^b log a is taken as 0 where a = 0 and b >= 0, as PyTorch")
    }

    @Test func comparisonsGiveUntrackedBoolTensors() throws {
        let x = try Tensor(shape: [3], values: [1, 2, 3]).requiringGrad()
        let y = try Tensor(shape: [3], values: [3, 2, 1])
        #expect(try x.eq(y).dtype == .bool && x.gt(2).dtype == .bool)
        #expect(try x.eq(y).floats == [0, 1, 0])
        #expect(try x.ne(y).floats == [1, 0, 1])
        #expect(try x.lt(y).floats == [1, 0, 0])
        #expect(try x.le(y).floats == [1, 1, 0])
        #expect(try x.gt(2).floats == [0, 0, 1])
        #expect(try x.ge(2).floats == [0, 1, 1])
        #expect(try !x.lt(y).isTracked)
        let m = try Tensor(shape: [2, 1], values: [1, 2]).eq(Tensor(shape: [3], values: [1, 2, 2]))
        #expect(m.shape == [2, 3] && m.floats == [1, 0, 0, 0, 1, 1])
        let n = try Tensor(shape: [1], values: [.nan])
        #expect(try n.eq(n).floats == [0] && n.ne(n).floats == [1])
    }

    @Test func whereMaximumAndMinimumBroadcastAndPropagateNaN() throws {
        let c = try Tensor(shape: [2, 1], values: [1, 0])
        let a = try Tensor(shape: [3], values: [1, 2, 3])
        let b = Tensor(scalar: -1)
        #expect(try Tensor.where(c, a, b).floats == [1, 2, 3, -1, -1, -1])
        let x = try Tensor(shape: [3], values: [1, .nan, 5]), y = try Tensor(shape: [3], values: [2, 0, .nan])
        let mx = try Tensor.maximum(x, y).floats, mn = try Tensor.minimum(x, y).floats
        #expect(mx[0] == 2 && mx[1].isNaN && mx[2].isNaN)
        #expect(mn[0] == 1 && mn[1].isNaN && mn[2].isNaN)
        #expect(try x.clamp(min: 0, max: 3).floats[1].isNaN)
    }

    @Test func maximumSplitsTheGradientOnTies() throws {
        let a = try Tensor(shape: [3], values: [1, 2, 3], dtype: .float64).requiringGrad()
        let b = try Tensor(shape: [3], values: [1, 5, 0], dtype: .float64).requiringGrad()
        let g = try Tensor.gradients(of: Tensor.maximum(a, b).sum(), wrt: [a, b])
        #expect(g[0].doubles == [0.5, 0, 1])
        #expect(g[1].doubles == [0.5, 1, 0])
    }

    @Test func largeInputsTakeTheParallelPathAndAgree() throws {
        let n = 300_001
        let xs = (0..<n).map { Double($0 % 2001) / 100 - 10 }
        let t = try Tensor(shape: [n], values: xs)
        let y = try (t * 0.5 + 0.1).tanh().floats
        var worst = 0.0
        for i in stride(from: 0, to: n, by: 7) {
            worst = Swift.max(worst, ulps(y[i], Foundation.tanh(Float(xs[i]) * 0.5 + 0.1)))
        }
        #expect(worst <= 3)
        let s = t.sin().floats
        #expect(s[n - 1] == Foundation.sin(Float(xs[n - 1])) && s[12345] == Foundation.sin(Float(xs[12345])))
    }

    // MARK: Misuse

    @Test func misuseThrowsNamingTheOpAndShapes() throws {
        let f = try Tensor.zeros([2, 3]), d = try Tensor.zeros([2, 3], dtype: .float64), v = try Tensor.zeros([4])
        #expect(throws: TensorError(op: "pow", "dtypes float32 and float64 do not match; convert one with .to(\"float32\")")) {
            try Tensor.pow(f, d)
        }
        #expect(throws: TensorError(op: "maximum", "shapes [2, 3] and [4] cannot be broadcast together (3 != 4 at dimension 1)")) {
            try Tensor.maximum(f, v)
        }
        #expect(throws: TensorError(op: "where", "shapes [4] and [2, 3] cannot be broadcast together (4 != 3 at dimension 1)")) {
            try Tensor.where(v, f, f)
        }
        #expect(throws: TensorError(op: "where", "dtypes float32 and float64 do not match; convert one with .to(\"float32\")")) {
            try Tensor.where(f, f, d)
        }
        #expect(throws: TensorError(op: "lt", "dtypes float64 and float32 do not match; convert one with .to(\"float64\")")) {
            try d.lt(f)
        }
        #expect(throws: TensorError(op: "clamp", "at least one of min and max must be given")) { try f.clamp() }
        #expect(throws: TensorError(op: "softplus", "beta must be a nonzero finite number, got 0.0")) { try f.softplus(beta: 0) }
    }
}
