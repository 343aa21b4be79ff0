import Testing
@testable import NNTensor

/// One finite-difference check: a function of some Float64 input tensors that
/// exercises `op`.
struct GradCase: CustomStringConvertible, Sendable {
    enum Domain: Sendable {
        /// Uniform in [-2, 2].
        case any
        /// Uniform in [0.5, 2] (log, sqrt, pow bases, division).
        case positive
        /// Uniform in ±[0.3, 2], away from kinks at zero (abs, relu).
        case awayFromZero
        /// A fixed set of values (per input, row-major), for ops whose kinks
        /// or ties must be avoided deliberately (max with ties, clamp edges).
        case values([[Double]])
    }
    let op: Op
    let name: String
    let shapes: [[Int]]
    var domain: Domain = .any
    /// Skip the second-order check (only for ops whose second derivative is
    /// zero almost everywhere *and* whose first-order rule is not built from
    /// differentiable ops; should be rare).
    var firstOrderOnly = false
    let f: @Sendable ([Tensor]) throws -> Tensor

    var description: String { "\(op.rawValue): \(name) \(shapes)" }
}

/// All cases, gathered from per-area lists (`GradCases+*.swift`).
enum GradCases {
    static var all: [GradCase] { core + areaCases }
    static let core: [GradCase] = [
        GradCase(op: .add, name: "same shape", shapes: [[3, 4], [3, 4]]) { try $0[0] + $0[1] },
        GradCase(op: .add, name: "row broadcast", shapes: [[3, 4], [4]]) { try $0[0] + $0[1] },
        GradCase(op: .add, name: "column broadcast", shapes: [[3, 1], [1, 4]]) { try $0[0] + $0[1] },
        GradCase(op: .add, name: "scalar", shapes: [[], [2, 3]]) { try $0[0] + $0[1] },
        GradCase(op: .add, name: "batched", shapes: [[2, 1, 3], [4, 1]]) { try $0[0] + $0[1] },
        GradCase(op: .sub, name: "same shape", shapes: [[5], [5]]) { try $0[0] - $0[1] },
        GradCase(op: .sub, name: "row broadcast", shapes: [[2, 3], [3]]) { try $0[0] - $0[1] },
        GradCase(op: .sub, name: "column broadcast", shapes: [[2, 1], [1, 3]]) { try $0[0] - $0[1] },
        GradCase(op: .sub, name: "scalar", shapes: [[2, 3], []]) { try $0[0] - $0[1] },
        GradCase(op: .mul, name: "same shape", shapes: [[3, 4], [3, 4]]) { try $0[0] * $0[1] },
        GradCase(op: .mul, name: "row broadcast", shapes: [[3, 4], [4]]) { try $0[0] * $0[1] },
        GradCase(op: .mul, name: "column broadcast", shapes: [[3, 1], [1, 4]]) { try $0[0] * $0[1] },
        GradCase(op: .mul, name: "scalar", shapes: [[], [2, 3]]) { try $0[0] * $0[1] },
        GradCase(op: .mul, name: "self", shapes: [[4]]) { try $0[0] * $0[0] * $0[0] },
        GradCase(op: .div, name: "same shape", shapes: [[3, 4], [3, 4]], domain: .positive) { try $0[0] / $0[1] },
        GradCase(op: .div, name: "row broadcast", shapes: [[3, 4], [4]], domain: .positive) { try $0[0] / $0[1] },
        GradCase(op: .div, name: "column broadcast", shapes: [[3, 1], [1, 4]], domain: .positive) { try $0[0] / $0[1] },
        GradCase(op: .div, name: "scalar", shapes: [[2, 3], []], domain: .positive) { try $0[0] / $0[1] },
        GradCase(op: .neg, name: "vector", shapes: [[4]]) { try -$0[0] * $0[0] },
        GradCase(op: .neg, name: "matrix", shapes: [[2, 3]]) { try -$0[0] * $0[0] },
        GradCase(op: .neg, name: "scalar", shapes: [[]]) { try -$0[0] * $0[0] },
        GradCase(op: .expand, name: "row", shapes: [[3]]) { try $0[0].expand([2, 3]) * $0[0] },
        GradCase(op: .expand, name: "column", shapes: [[2, 1]]) { try $0[0].expand([2, 3]) * $0[0] },
        GradCase(op: .expand, name: "scalar", shapes: [[]]) { try $0[0].expand([2, 2]) * $0[0] },
        GradCase(op: .sumTo, name: "rows", shapes: [[3, 4]]) { x in let s = try x[0].sumTo([4]); return try s * s },
        GradCase(op: .sumTo, name: "keep", shapes: [[3, 4]]) { x in let s = try x[0].sumTo([3, 1]); return try s * s },
        GradCase(op: .sumTo, name: "all", shapes: [[2, 3, 2]]) { x in let s = try x[0].sumTo([]); return try s * s },
        GradCase(op: .reshape, name: "flatten", shapes: [[2, 3]]) { x in try x[0].reshape([6]) * x[0].reshape([6]) },
        GradCase(op: .reshape, name: "infer", shapes: [[2, 3]]) { x in try x[0].reshape([3, -1]) * x[0].reshape([3, 2]) },
        GradCase(op: .reshape, name: "to scalar", shapes: [[1, 1]]) { x in try x[0].reshape([]) * x[0].reshape([]) },
        GradCase(op: .cast, name: "identity float64", shapes: [[3]]) { x in try x[0].to(.float64) * x[0] },
        GradCase(op: .cast, name: "matrix", shapes: [[2, 2]]) { x in try x[0].to(.float64) * x[0] },
        GradCase(op: .cast, name: "scalar", shapes: [[]]) { x in try x[0].to(.float64) * x[0] },
    ]
}

/// A small deterministic generator for test inputs (SplitMix64).
struct TestRNG {
    var state: UInt64
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
    mutating func tensor(_ shape: [Int], _ domain: GradCase.Domain, index: Int) throws -> Tensor {
        let n = shape.reduce(1, *)
        var v: [Double] = []
        for _ in 0..<n {
            let u = next()
            switch domain {
            case .any, .values: v.append(-2 + 4 * u)
            case .positive: v.append(0.5 + 1.5 * u)
            case .awayFromZero:
                let m = 0.3 + 1.7 * u
                v.append(next() < 0.5 ? -m : m)
            }
        }
        if case .values(let vals) = domain, index < vals.count { v = vals[index] }
        return try Tensor(shape: shape, values: v, dtype: .float64)
    }
}

/// Central-difference gradient of a scalar function of `xs` with respect to
/// every element of every input.
func numericalGradient(_ xs: [Tensor], _ f: ([Tensor]) throws -> Double, eps: Double = 1e-6) throws -> [[Double]] {
    var out: [[Double]] = []
    for i in xs.indices {
        var gi: [Double] = []
        let base = xs[i].doubles
        for j in base.indices {
            var plus = base, minus = base
            plus[j] += eps
            minus[j] -= eps
            var xp = xs, xm = xs
            xp[i] = try Tensor(shape: xs[i].shape, values: plus, dtype: .float64)
            xm[i] = try Tensor(shape: xs[i].shape, values: minus, dtype: .float64)
            gi.append((try f(xp) - f(xm)) / (2 * eps))
        }
        out.append(gi)
    }
    return out
}

func close(_ a: [Double], _ b: [Double], atol: Double = 1e-5, rtol: Double = 1e-3) -> Bool {
    guard a.count == b.count else { return false }
    return zip(a, b).allSatisfy { abs($0 - $1) <= atol + rtol * abs($1) }
}

@Suite struct GradCheckTests {
    @Test func everyOpInTheTableHasCases() {
        let covered = Set(GradCases.all.map(\.op))
        let missing = Op.allCases.filter { !covered.contains($0) }.map(\.rawValue)
        #expect(missing.isEmpty, "ops without a gradient check: \(missing)")
        for op in Op.allCases {
            let n = GradCases.all.filter { $0.op == op }.count
            #expect(n >= 3, "\(op.rawValue) has \(n) shapes checked; at least 3 are required")
        }
    }

    @Test(arguments: GradCases.all)
    func firstAndSecondOrder(_ c: GradCase) throws {
        var rng = TestRNG(state: UInt64(truncatingIfNeeded: c.description.hashValue & 0) &+ 12345)
        let xs = try c.shapes.enumerated().map { try rng.tensor($0.element, c.domain, index: $0.offset) }
        let probe = try c.f(xs)
        // A fixed random weighting turns any output into a scalar loss.
        let w = try rng.tensor(probe.shape, .any, index: 0)
        let vs = try c.shapes.map { try rng.tensor($0, .any, index: 0) }
        func loss(_ ins: [Tensor]) throws -> Tensor { try (c.f(ins) * w).sum() }

        // First order: analytic gradient against central differences.
        let tracked = xs.map { $0.detach().requiringGrad() }
        let analytic = try Tensor.gradients(of: loss(tracked), wrt: tracked).map(\.doubles)
        let numeric = try numericalGradient(xs) { try loss($0).item() }
        for i in xs.indices {
            #expect(close(analytic[i], numeric[i]), "\(c) first order, input \(i): \(analytic[i]) vs \(numeric[i])")
        }
        if c.firstOrderOnly { return }

        // Second order: d/dx (∇L · v), with the gradient taken with createGraph.
        func gradDotV(_ ins: [Tensor], createGraph: Bool) throws -> Tensor {
            let t = ins.map { $0.isTracked ? $0 : $0.detach().requiringGrad() }
            let g = try Tensor.gradients(of: loss(t), wrt: t, createGraph: true)
            var s = Tensor(scalar: 0, dtype: .float64)
            for (gi, vi) in zip(g, vs) { s = try s + (gi * vi).sum() }
            return s
        }
        let t2 = xs.map { $0.detach().requiringGrad() }
        let second = try Tensor.gradients(of: gradDotV(t2, createGraph: true), wrt: t2).map(\.doubles)
        let numeric2 = try numericalGradient(xs) { try gradDotV($0, createGraph: false).item() }
        for i in xs.indices {
            #expect(close(second[i], numeric2[i]), "\(c) second order, input \(i): \(second[i]) vs \(numeric2[i])")
        }
    }
}
