import Testing
import NNTensor
@testable import NNLib

/// The update rules run eight elements at a time where they can
/// (Optimizer+Lanes.swift) and one at a time for the rest. Elementwise rules
/// must give every element the same bits either way: a 37-element parameter
/// (four groups of eight and a tail of five) is updated exactly as 37
/// one-element parameters are, in every variant of every optimizer, in
/// float32 and float64, over five steps.
@Suite struct OptimizerLanesTests {
    static let n = 37

    /// Values of mixed sign and scale, and the loss `Σ c_i θ_i³ / 3 + θ_i²`
    /// whose gradient `c θ² + 2θ` changes from step to step.
    static func start(_ i: Int) -> Double { Double((i * 7919) % 23 - 11) / 4 + 0.125 }
    static func c(_ i: Int) -> Double { Double(i % 5) - 1.5 }

    static func loss(_ ps: [Tensor], dtype: DType) throws -> Tensor {
        var total: Tensor?
        var offset = 0
        for p in ps {
            let c = try Tensor(shape: p.shape, values: (offset..<offset + p.count).map(Self.c), dtype: dtype)
            let term = try (c * p * p * p / 3 + p * p).sum()
            total = try total.map { try $0 + term } ?? term
            offset += p.count
        }
        return try #require(total)
    }

    /// θ after five steps, from one parameter of `n` elements or `n` of one.
    static func run(_ make: ([Tensor]) throws -> Optimizer, dtype: DType, split: Bool) throws -> [Double] {
        try run(make, dtype: dtype, count: n, piece: split ? 1 : n)
    }

    /// θ after five steps, from `count` elements in parameters of `piece` elements (the last shorter).
    static func run(_ make: ([Tensor]) throws -> Optimizer, dtype: DType, count: Int, piece: Int) throws -> [Double] {
        let values = (0..<count).map(start)
        let ps = try stride(from: 0, to: count, by: piece).map { lo in
            let part = Array(values[lo..<Swift.min(count, lo + piece)])
            return try Tensor(shape: [part.count], values: part, dtype: dtype).requiringGrad()
        }
        let opt = try make(ps)
        for _ in 0..<5 {
            opt.zeroGrad()
            try loss(ps, dtype: dtype).backward()
            try opt.step()
        }
        return ps.flatMap(\.doubles)
    }

    static let variants: [(String, @Sendable ([Tensor]) throws -> Optimizer)] = [
        ("SGD", { try SGD($0, lr: 0.01) }),
        ("SGD wd", { try SGD($0, lr: 0.01, weightDecay: 0.1) }),
        ("SGD momentum", { try SGD($0, lr: 0.01, momentum: 0.9) }),
        ("SGD dampening nesterov wd", { try SGD($0, lr: 0.01, momentum: 0.8, weightDecay: 0.05, nesterov: true) }),
        ("SGD dampening", { try SGD($0, lr: 0.01, momentum: 0.8, dampening: 0.3) }),
        ("Adagrad", { try Adagrad($0, lr: 0.1) }),
        ("Adagrad decay wd", { try Adagrad($0, lr: 0.1, lrDecay: 0.01, weightDecay: 0.1, initialAccumulatorValue: 0.1) }),
        ("RMSProp", { try RMSProp($0, lr: 0.01) }),
        ("RMSProp centered momentum wd", { try RMSProp($0, lr: 0.01, weightDecay: 0.1, momentum: 0.9, centered: true) }),
        ("Adam", { try Adam($0, lr: 0.01) }),
        ("Adam amsgrad wd", { try Adam($0, lr: 0.01, weightDecay: 0.1, amsgrad: true) }),
        ("AdamW amsgrad", { try AdamW($0, lr: 0.01, amsgrad: true) }),
    ]

    /// A parameter of `Optimizer.parallelElements` or more is updated in
    /// ranges on several threads (where the machine has several cores):
    /// every element must come out as when updated in small parameters on
    /// one thread.
    @Test("a large parameter updated across threads equals small ones updated on one",
          arguments: [DType.float32, .float64])
    func threadsMatchOneThread(dtype: DType) throws {
        let count = Optimizer.parallelElements + 4_465  // not a multiple of the 64-element ranges
        for (name, make) in Self.variants {
            let whole = try Self.run(make, dtype: dtype, count: count, piece: count)
            let pieces = try Self.run(make, dtype: dtype, count: count, piece: 1000)
            #expect(whole.map(\.bitPattern) == pieces.map(\.bitPattern), "\(name) \(dtype)")
        }
    }

    @Test("a parameter updated eight elements at a time equals one updated element by element",
          arguments: [DType.float32, .float64])
    func lanesMatchScalars(dtype: DType) throws {
        for (name, make) in Self.variants {
            let whole = try Self.run(make, dtype: dtype, split: false)
            let single = try Self.run(make, dtype: dtype, split: true)
            #expect(whole.map(\.bitPattern) == single.map(\.bitPattern), "\(name) \(dtype)")
            #expect(whole != (0..<Self.n).map(Self.start), "\(name) moved")
        }
    }
}
