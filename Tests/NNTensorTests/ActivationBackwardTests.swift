import Testing
@testable import NNTensor

/// `tanh`, `sigmoid` and `relu` record their gradient rules as one op each
/// (Tensor+ActivationBackward.swift), promised to give the numbers of the
/// several-op forms `g * (1 - y * y)`, `g * (y * (1 - y))` and
/// `g * mask(x > 0)` bit for bit, and
/// second derivatives (checked against finite differences in GradCheck) to
/// rounding. Here: the first-order gradients and a Hessian-vector product of
/// each, fused against the unfused rule written out, in both float dtypes.
@Suite struct ActivationBackwardTests {
    static func values(_ n: Int, _ dtype: DType, seed: UInt64) throws -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return try Tensor(shape: [n], values: (0..<n).map { _ in 2 * rng.normal() }, dtype: dtype)
    }

    /// The gradient of `sum(w * f(x))` with respect to `x`.
    static func gradient(_ x: Tensor, _ w: Tensor, _ f: (Tensor) throws -> Tensor) throws -> [Double] {
        let x = x.detach().requiringGrad()
        try (w * f(x)).sum().backward()
        return x.grad?.doubles ?? []
    }

    /// tanh written so that its rule is the old three recorded ops.
    static func unfusedTanh(_ x: Tensor) throws -> Tensor {
        let y = x.detach().tanh()
        return Tensor.record(.tanh, y, [x]) { g, ctx in [try g * (1 - ctx.output * ctx.output)] }
    }

    static func unfusedSigmoid(_ x: Tensor) throws -> Tensor {
        let y = x.detach().sigmoid()
        return Tensor.record(.sigmoid, y, [x]) { g, ctx in
            let y = ctx.output
            return [try g * (y * (1 - y))]
        }
    }

    static func unfusedRelu(_ x: Tensor) throws -> Tensor {
        let y = x.detach().relu()
        return Tensor.record(.relu, y, [x]) { g, ctx in [try g * ctx.inputs[0].detach().mask({ $0 > 0 }, { $0 > 0 })] }
    }

    @Test(arguments: [DType.float32, .float64])
    func firstOrderGradientsAreTheUnfusedOnesBitForBit(_ dtype: DType) throws {
        for (n, seed) in [(1, 1), (7, 2), (100, 3), (1000, 4)] as [(Int, UInt64)] {
            let x = try Self.values(n, dtype, seed: seed)
            let w = try Self.values(n, dtype, seed: seed &+ 50)
            #expect(try Self.gradient(x, w) { $0.tanh() } == Self.gradient(x, w, Self.unfusedTanh), "tanh \(dtype) \(n)")
            #expect(try Self.gradient(x, w) { $0.sigmoid() } == Self.gradient(x, w, Self.unfusedSigmoid), "sigmoid \(dtype) \(n)")
            #expect(try Self.gradient(x, w) { $0.relu() } == Self.gradient(x, w, Self.unfusedRelu), "relu \(dtype) \(n)")
        }
    }

    @Test func secondOrderMatchesTheUnfusedRule() throws {
        let x = try Self.values(6, .float64, seed: 9)
        let w = try Self.values(6, .float64, seed: 10)
        let v = try Self.values(6, .float64, seed: 11)
        for (fused, unfused) in [({ (t: Tensor) in t.tanh() }, Self.unfusedTanh),
                                 ({ (t: Tensor) in t.sigmoid() }, Self.unfusedSigmoid)] as [((Tensor) throws -> Tensor, (Tensor) throws -> Tensor)] {
            let a = try Autodiff.hvp({ try (w * fused($0)).sum() }, at: x, v: v).doubles
            let b = try Autodiff.hvp({ try (w * unfused($0)).sum() }, at: x, v: v).doubles
            for (p, q) in zip(a, b) { #expect(Swift.abs(p - q) <= 1e-14 * Swift.max(1, Swift.abs(q))) }
        }
    }

    /// The ops recorded in the graph below `t`.
    static func ops(_ t: Tensor) -> [Op] {
        var out: [Op] = [], stack = [t], seen = Set<ObjectIdentifier>()
        while let x = stack.popLast() {
            guard seen.insert(ObjectIdentifier(x)).inserted, let fn = x.gradFn else { continue }
            out.append(fn.op)
            stack += fn.resolvedInputs()
        }
        return out
    }

    /// A create-graph backward through tanh records one op for its rule.
    @Test func theRuleIsOneRecordedOp() throws {
        let x = try Self.values(4, .float64, seed: 12).requiringGrad()
        let g = try Tensor.gradients(of: x.tanh().sum(), wrt: [x], createGraph: true)[0]
        #expect(g.gradFn?.op == .tanhBackward)
        let s = try Tensor.gradients(of: x.sigmoid().sum(), wrt: [x], createGraph: true)[0]
        #expect(s.gradFn?.op == .sigmoidBackward)
        let r = try Tensor.gradients(of: (x.relu() * x).sum(), wrt: [x], createGraph: true)[0]
        #expect(Self.ops(r).contains(.reluBackward))
        #expect(Self.ops(r).filter { $0 == .mul }.count == 2, "relu(x) * x and its rule's g * x: no mask product")
    }

    /// An infinite cotangent where the mask is 0 gives NaN, as `inf * 0`
    /// did in the mask form (the rule multiplies, it does not select).
    @Test func reluRuleMultipliesByTheMask() throws {
        let g = try Tensor(shape: [3], values: [.infinity, .infinity, 2], dtype: .float64)
        let x = try Tensor(shape: [3], values: [-1, 1, 0], dtype: .float64)
        let r = try Tensor.reluBackward(g, x).doubles
        #expect(r[0].isNaN && r[1] == .infinity && r[2] == 0)
    }
}
