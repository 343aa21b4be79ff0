import Testing
@testable import NNTensor

/// `softmaxCrossEntropy` is the unfused `-(q * logSoftmax(z)).sum(axes: [1])`
/// as one recorded op (Tensor+CrossEntropy.swift), promised to give the
/// same numbers: the loss bit for bit (the same kernels in the same order)
/// and the first-order gradients bit for bit (the same roundings). Checked
/// here on random logits in both float dtypes, with labels and with
/// probability targets, through a `mean` as `cross_entropy` reduces.
@Suite struct CrossEntropyTests {
    static func logits(_ n: Int, _ c: Int, _ dtype: DType, seed: UInt64) throws -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return try Tensor(shape: [n, c], values: (0..<(n * c)).map { _ in 3 * rng.normal() }, dtype: dtype)
    }

    /// The loss and the gradient with respect to the logits, through `f` and a mean.
    static func lossAndGradient(_ z: Tensor, _ f: (Tensor) throws -> Tensor) throws -> ([Double], [Double]) {
        let x = z.detach().requiringGrad()
        let perSample = try f(x)
        try perSample.mean().backward()
        return (perSample.doubles, x.grad?.doubles ?? [])
    }

    static func oneHot(_ labels: [Int], _ c: Int, _ dtype: DType) throws -> Tensor {
        var v = [Double](repeating: 0, count: labels.count * c)
        for (i, k) in labels.enumerated() { v[i * c + k] = 1 }
        return try Tensor(shape: [labels.count, c], values: v, dtype: dtype)
    }

    @Test(arguments: [DType.float32, .float64])
    func labelsGiveTheUnfusedNumbersBitForBit(_ dtype: DType) throws {
        for (n, c, seed) in [(4, 2, 1), (3, 7, 2), (33, 10, 3), (5, 1, 4), (7, 300, 5)] as [(Int, Int, UInt64)] {
            let z = try Self.logits(n, c, dtype, seed: seed)
            var rng = RandomGenerator(seed: seed &+ 100)
            let labels = (0..<n).map { _ in rng.int(in: 0...(c - 1)) }
            let q = try Self.oneHot(labels, c, dtype)
            let fused = try Self.lossAndGradient(z) { try $0.softmaxCrossEntropy(labels: labels) }
            let unfused = try Self.lossAndGradient(z) { try -(q * $0.logSoftmax(axis: 1)).sum(axes: [1]) }
            #expect(fused.0 == unfused.0, "\(dtype) [\(n), \(c)] loss")
            #expect(fused.1 == unfused.1, "\(dtype) [\(n), \(c)] gradient")
        }
    }

    @Test(arguments: [DType.float32, .float64])
    func probabilitiesGiveTheUnfusedNumbersBitForBit(_ dtype: DType) throws {
        for (n, c, seed) in [(4, 2, 6), (3, 7, 7), (20, 10, 8)] as [(Int, Int, UInt64)] {
            let z = try Self.logits(n, c, dtype, seed: seed)
            let q = try Self.logits(n, c, dtype, seed: seed &+ 50).softmax(axis: 1)
            let fused = try Self.lossAndGradient(z) { try $0.softmaxCrossEntropy(probabilities: q) }
            let unfused = try Self.lossAndGradient(z) { try -(q * $0.logSoftmax(axis: 1)).sum(axes: [1]) }
            #expect(fused.0 == unfused.0, "\(dtype) [\(n), \(c)] loss")
            #expect(fused.1 == unfused.1, "\(dtype) [\(n), \(c)] gradient")
        }
    }

    @Test func badInputsAreErrorsNamingTheFix() throws {
        let z = try Self.logits(3, 4, .float32, seed: 9)
        #expect(throws: TensorError.self) { try z.softmaxCrossEntropy(labels: [0, 1]) }
        #expect(throws: TensorError.self) { try z.softmaxCrossEntropy(labels: [0, 4, 1]) }
        #expect(throws: TensorError.self) { try z.softmaxCrossEntropy(labels: [0, -1, 1]) }
        #expect(throws: TensorError.self) { try z.reshape([12]).softmaxCrossEntropy(labels: [0]) }
        #expect(throws: TensorError.self) { try z.softmaxCrossEntropy(probabilities: z.to(.float64)) }
        #expect(throws: TensorError.self) { try z.softmaxCrossEntropy(probabilities: z.reshape([4, 3])) }
        let mask = try Tensor(shape: [2, 2], values: [1, 0, 0, 1], dtype: .bool)
        do {
            _ = try mask.softmaxCrossEntropy(labels: [0, 1])
            Issue.record("bool logits were accepted")
        } catch let e as TensorError {
            #expect("\(e)".contains("float logits"), "\(e)")
        }
    }
}
