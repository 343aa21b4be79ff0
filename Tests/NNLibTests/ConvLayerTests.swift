import Foundation
import Testing
import NNTensor
@testable import NNLib

/// The convolutional layers as a network uses them: a small CNN's exact
/// Hessian against finite differences of its gradient, copies, and the
/// layers' checks.
@Suite struct ConvLayerTests {
    /// A CNN with every convolutional layer (BatchNorm2d in training mode, so
    /// the batch statistics are differentiated twice too), in Float64.
    func smallCNN(_ rng: inout RandomGenerator) throws -> Sequential {
        Sequential(
            try Conv2d(1, 2, kernel: (2, 2), padding: (1, 0), dtype: .float64, rng: &rng),
            try BatchNorm2d(2, dtype: .float64), Tanh(),
            try MaxPool2d(kernel: (2, 2)),
            try Conv2d(2, 2, kernel: (1, 2), stride: (1, 1), bias: false, dtype: .float64, rng: &rng),
            try AvgPool2d(kernel: (1, 1)), Flatten(),
            try Linear(6, 3, dtype: .float64, rng: &rng))
    }

    @Test func aCNNsHessianMatchesFiniteDifferencesOfItsGradient() throws {
        var rng = RandomGenerator(seed: 11)
        let model = try smallCNN(&rng)
        let x = try Tensor(shape: [4, 1, 5, 5], values: (0..<100).map { _ in rng.normal() }, dtype: .float64)
        let y = try Tensor(shape: [4], values: [0, 2, 1, 2], dtype: .float64)
        #expect(try model(x).shape == [4, 3])
        let f = try Hessian.Objective(parameters: model.namedParameters, buffers: model.namedBuffers.map(\.tensor)) {
            try crossEntropy(model(x), y)
        }
        let n = f.dimension
        #expect(n == 10 + 4 + 8 + 21)
        let h = try Hessian.matrix(of: f).doubles
        let eps = 1e-5
        var worst = 0.0
        for i in 0..<n {
            var plus = f.point, minus = f.point
            plus[i] += eps
            minus[i] -= eps
            let gp = try f.valueAndGradient(at: plus).gradient, gm = try f.valueAndGradient(at: minus).gradient
            for j in 0..<n {
                let fd = (gp[j] - gm[j]) / (2 * eps)
                let err = abs(h[i * n + j] - fd) / (1e-5 + 1e-3 * abs(fd))
                worst = max(worst, err)
            }
        }
        #expect(worst <= 1, "the Hessian differs from finite differences of the gradient (worst scaled error \(worst))")
        // nonzero curvature in the convolution's own block and across layers
        #expect(h[0] != 0 && h[n - 1] != 0)
        // the parameters are back as they were
        #expect(try Hessian.Objective(parameters: model.namedParameters) { try crossEntropy(model(x), y) }.point == f.point)
        // Lanczos on the same objective agrees with the matrix's largest eigenvalue
        let top = try Hessian.topEigenvalues(of: f, k: 1)
        let all = try Hessian.eigenvalues(h, n: n)
        #expect(abs(top.eigenvalues[0] - all[n - 1]) < 1e-6 * max(1, abs(all[n - 1])))
    }

    @Test func aCopyOwnsItsWeights() throws {
        var rng = RandomGenerator(seed: 2)
        let model = try smallCNN(&rng)
        let copy = try model.deepCopy()
        #expect(copy.description == model.description)
        #expect(copy.stateDict.map(\.name) == model.stateDict.map(\.name))
        let w = model.parameters[0]
        try w.assign(w * 0)
        #expect(copy.parameters[0].doubles.contains { $0 != 0 })
    }

    @Test func constructorsCheckTheirSizes() throws {
        var rng = RandomGenerator(seed: 0)
        func message(_ body: () throws -> Module) -> String {
            do { _ = try body(); return "no error" } catch { return "\(error)" }
        }
        #expect(message { try Conv2d(0, 2, kernel: (3, 3), rng: &rng) } == "Conv2d: in_channels and out_channels must be >= 1, got 0 and 2")
        #expect(message { try Conv2d(1, 2, kernel: (0, 3), rng: &rng) } == "Conv2d: kernel_size must be >= 1, got 0x3")
        #expect(message { try Conv2d(1, 2, kernel: (1 << 40, 1 << 40), rng: &rng) }.contains("too large"))
        #expect(message { try MaxPool2d(kernel: (2, 2), stride: (0, 1)) } == "MaxPool2d: stride must be >= 1, got 0x1")
        #expect(message { try BatchNorm2d(0) } == "BatchNorm2d: the number of channels must be >= 1, got 0")
        #expect(message { try Conv2d(weight: Tensor.ones([2, 3]), bias: nil) }.contains("[out, in, kh, kw]"))
    }
}
