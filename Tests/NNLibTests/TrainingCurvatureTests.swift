import Foundation
import NNFiles
import NNTensor
import Testing
@testable import NNLib

/// The curvature watcher of `fit(watch: "curvature")`: its estimates against
/// the exact Hessian, the verdicts saddle / minimum, checkpoints and resuming,
/// and the Hessian block operator behind `top_eigenvalues(layer:)`.
@Suite struct TrainingCurvatureTests {
    /// A 2-3-1 tanh MLP (13 parameters) on 8 samples, trained by SGD, watched every `every` steps.
    func train(epochs: Int, every: Int?, start: Int = 0, history: History = History(),
               model: Sequential) throws -> History {
        let x = try Tensor(shape: [8, 2], values: (0..<16).map { Double($0 % 5) / 2 - 1 })
        let y = try x.sum(axes: [1], keepdims: true).tanh()
        let data = try DataLoader(x, y, batchSize: 4, shuffle: false)
        let loss: (Tensor, Tensor) throws -> Tensor = { try mse($0, $1) }
        let watcher = try every.map { e in
            try CurvatureWatcher(watch: "curvature", every: e, parameters: model.namedParameters,
                                 buffers: model.namedBuffers.map(\.tensor)) { try loss(model($0), $1) }
        }
        return try fit(module: model, loss: loss, optimizer: try SGD(model.parameters, lr: 0.5), data: data, epochs: epochs,
                       startEpoch: start, history: history, watcher: watcher)
    }

    func model() throws -> Sequential {
        var rng = RandomGenerator(seed: 3)
        return Sequential(try Linear(2, 3, rng: &rng), Tanh(), try Linear(3, 1, rng: &rng))
    }

    @Test func estimatesAreTheExactEndsOfTheSpectrumForASmallModel() throws {
        let m = try model()
        let x = try Tensor(shape: [4, 2], values: [0.1, -0.4, 0.7, 0.2, -1, 0.5, 0.3, 0.9])
        let y = try Tensor(shape: [4, 1], values: [0.5, -0.5, 1, 0])
        let w = try CurvatureWatcher(watch: "curvature", every: 1, parameters: m.namedParameters) { try mse(m($0), $1) }
        let e = try w.estimate(x, y)
        let f = try Hessian.Objective(parameters: m.namedParameters) { try mse(m(x.to(.float64)), y.to(.float64)) }
        let h = try Hessian.matrix(of: f)
        let ev = try Hessian.eigenvalues(h.doubles, n: f.dimension)
        let g = try f.valueAndGradient(at: f.point).gradient
        #expect(abs(e.lambdaMin - ev[0]) < 1e-10 && abs(e.lambdaMax - ev[ev.count - 1]) < 1e-10)
        #expect(abs(e.gradientNorm - Hessian.norm(g)) < 1e-12)
        // The model is as it was: float32 parameters, same values.
        #expect(m.parameters.allSatisfy { $0.dtype == .float32 })
    }

    @Test func trainingIsBitIdenticalWithAndWithoutTheWatcher() throws {
        let a = try model(), b = try model()
        let plain = try train(epochs: 3, every: nil, model: a)
        let watched = try train(epochs: 3, every: 2, model: b)
        #expect(plain.trainLoss == watched.trainLoss)
        #expect(zip(a.parameters, b.parameters).allSatisfy { $0.doubles == $1.doubles })
        #expect(watched.curvature.steps == [0, 2, 4])   // 2 batches × 3 epochs
        #expect(plain.curvature.count == 0)
    }

    @Test func theVerdictsFollowTheDocumentedRule() throws {
        var log = CurvatureLog()
        log.steps = [0, 1, 2, 3, 4]
        log.gradNorm = [0.05, 1, 0.1, 0.09, .nan]
        log.lambdaMin = [-2, -1, 1e-4, -1e-4, -1]
        log.lambdaMax = [2, 3, 4, 0.01, 1]
        // small: g ≤ 0.1 · 1; negative: λmin < −1e-3 · max(|λmin|, |λmax|)
        #expect(log.near == [.saddle, .none, .minimum, .saddle, .none])
        log.lambdaMin[3] = -1e-6   // within the band: a minimum
        #expect(log.near[3] == .minimum)
    }

    @Test func wrongArgumentsAreErrors() throws {
        let m = try model()
        #expect(throws: TensorError.self) { try CurvatureWatcher(watch: "hessian", every: 1, parameters: m.namedParameters) { $1 } }
        #expect(throws: TensorError.self) { try CurvatureWatcher(watch: "curvature", every: 0, parameters: m.namedParameters) { $1 } }
        #expect(throws: TensorError.self) { try CurvatureWatcher(watch: "curvature", every: 1, parameters: []) { $1 } }
    }

    @Test func recordsSurviveACheckpointAndResume() throws {
        let whole = try train(epochs: 4, every: 3, model: try model())
        let m = try model()
        let half = try train(epochs: 2, every: 3, model: m)
        var c = try CheckpointFileTests.sample()
        c.history = half
        let back = try #require(try CheckpointFileTests.decode(try CheckpointFileTests.bytes(c)).history)
        #expect(back.curvature == half.curvature)
        let resumed = try train(epochs: 4, every: 3, start: 2, history: back, model: m)
        #expect(resumed.curvature.steps == [0, 3, 6])
        #expect(resumed.curvature == whole.curvature)
        // A file whose lists differ in length is refused.
        var bad = half
        bad.curvature.lambdaMax.removeLast()
        c.history = bad
        #expect(throws: FileError.self) { try CheckpointFileTests.decode(try CheckpointFileTests.bytes(c)) }
    }

    @Test func aBlockOperatorIsTheBlockOfTheMatrix() throws {
        let f = try HessianSpectrumTests.mlp([3, 4, 1], samples: 10, seed: 2)
        let h = try Hessian.matrix(of: f, block: "0.bias")
        let block = try Hessian.eigenvalues(h.doubles, n: 4)
        let r = try Hessian.topEigenvalues(of: f, layer: "0.bias", k: 1, which: .both)
        #expect(abs(r.eigenvalues[0] - block[0]) < 1e-9 && abs(r.eigenvalues[1] - block[3]) < 1e-9)
        #expect(throws: TensorError.self) { try Hessian.topEigenvalues(of: f, layer: "9.bias") }
        let ds = try Hessian.spectralDensityByLayer(of: f, iterations: 50)
        #expect(ds.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(ds.map(\.density.dimension) == [12, 4, 4, 1])
    }
}
