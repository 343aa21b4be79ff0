import Foundation
import NNFiles
import NNTensor
import Testing
@testable import NNLib

/// Training lint (each kind found, and not found where the setup is sound)
/// and `fit`'s tracked series (per-epoch summaries, checkpoints, resuming).
@Suite struct TrainingLintTrackTests {
    func linear(_ i: Int, _ o: Int) throws -> Linear {
        var rng = RandomGenerator(seed: 7)
        return try Linear(i, o, rng: &rng)
    }

    func kinds(_ s: TrainingLint.Setup) -> [String] { TrainingLint.check(s).map(\.kind) }

    @Test func doubleSoftmaxAndSigmoidBeforeBCE() throws {
        let soft = Sequential(try linear(2, 3), ReLU(), Sequential(try linear(3, 2), Softmax(axis: 1)))
        #expect(kinds(.init(model: soft, loss: .crossEntropy)) == ["double_softmax"])
        #expect(kinds(.init(model: soft, loss: .mse)).isEmpty)
        #expect(kinds(.init(model: Sequential(try linear(2, 2)), loss: .crossEntropy)).isEmpty)
        let sig = Sequential(try linear(2, 1), Sigmoid())
        #expect(kinds(.init(model: sig, loss: .binaryCrossEntropy)) == ["sigmoid_bce"])
        #expect(kinds(.init(model: sig, loss: .crossEntropy)).isEmpty)
        #expect(kinds(.init(model: Sequential(), loss: .crossEntropy)).isEmpty)
    }

    @Test func mseOnLabels() throws {
        func y(_ v: [Double], _ shape: [Int]) throws -> Tensor { try Tensor(shape: shape, values: v) }
        #expect(kinds(.init(loss: .mse, y: try y([0, 1, 2, 1], [4]))) == ["mse_on_labels"])
        #expect(kinds(.init(loss: .mse, y: try y([1, 0, 0, 1], [2, 2]))) == ["mse_on_labels"])
        // Not labels: a gap (0, 2), fractions, negatives, more than 10 values, one value only, rows not one-hot.
        for (v, shape) in [([0.0, 2, 0, 2], [4]), ([0, 0.5, 1, 0], [4]), ([-1, 0, 1, 0], [4]), ([1, 1, 1, 1], [4]),
                           ([1, 1, 0, 0], [2, 2])] {
            #expect(kinds(.init(loss: .mse, y: try y(v, shape))).isEmpty, "\(v)")
        }
        #expect(kinds(.init(loss: .mse, y: try y((0..<12).map(Double.init), [12]))).isEmpty)
        #expect(kinds(.init(loss: .crossEntropy, y: try y([0, 1, 2, 1], [4]))).isEmpty)
    }

    @Test func batchNormWithBatchesOfOne() throws {
        let bn = Sequential(try linear(2, 3), try BatchNorm(3))
        let x = try Tensor.zeros([65, 2])
        #expect(kinds(.init(model: bn, X: x, batchSize: 32)) == ["batchnorm_batch1"])   // 65 = 2·32 + 1
        #expect(kinds(.init(model: bn, X: x, batchSize: 32, dropLast: true)).isEmpty)
        #expect(kinds(.init(model: bn, X: x, batchSize: 1)) == ["batchnorm_batch1"])
        #expect(kinds(.init(model: bn, X: x, batchSize: 13)).isEmpty)
        #expect(kinds(.init(model: Sequential(try linear(2, 3)), X: x, batchSize: 32)).isEmpty)
    }

    @Test func zeroLearningRate() {
        #expect(kinds(.init(firstEpochRates: [0])) == ["zero_lr"])
        #expect(TrainingLint.check(.init(firstEpochRates: [0, 0], schedule: "Warmup(...)")).first?.message.contains("Warmup(...)") == true)
        #expect(kinds(.init(firstEpochRates: [1e-9])).isEmpty)
        #expect(kinds(.init(firstEpochRates: [0, 0.01])).isEmpty)   // a per-batch warm-up from 0 loses one step only
    }

    @Test func featureScales() throws {
        let x = try Tensor(shape: [2, 3], values: [1, 2000, 0, -0.5, 10, 0])
        let f = TrainingLint.check(.init(X: x))
        #expect(f.map(\.kind) == ["unscaled_features"])
        #expect(f.first?.message.contains("differ by 2000x (largest |value| 2000 in feature 1, 1 in feature 0)") == true)
        #expect(kinds(.init(X: try Tensor(shape: [2, 2], values: [1, 999, 0, 0]))).isEmpty)   // below 1000x; the all-zero column is left out
        #expect(kinds(.init(X: try Tensor(shape: [3], values: [1, 5000, 1]))).isEmpty)
        #expect(TrainingLint.fmt(1e12) == "1e+12" && TrainingLint.fmt(2222.4) == "2222" && TrainingLint.fmt(1.2544) == "1.254")
    }

    @Test func summaryStatistics() throws {
        let s = TrainingTracker.Summary([3, 1, 4, 2])
        #expect(s.min == 1 && s.median == 2.5 && s.max == 4)
        #expect(TrainingTracker.Summary([5, 1, 3]).median == 3)
        #expect(TrainingTracker.Summary([]).median.isNaN)
        #expect(TrainingTracker.Summary([1, .nan]).max.isNaN)
        #expect(throws: TensorError.self) { try TrainingTracker(["sigma", "lr"]) }
        #expect(throws: TensorError.self) { try TrainingTracker(["sigma", "sigma"]) }
        #expect(try TrainingTracker(["grad_norm", "sigma"]).seriesNames == ["grad_norm", "sigma", "sigma_min", "sigma_max"])
    }

    /// A small regression trained with Adagrad, tracking everything.
    func train(epochs: Int, start: Int = 0, history: History = History(), model: Linear, opt: Optimizer,
               track: [String]? = ["sigma", "effective_lr", "grad_norm"]) throws -> History {
        let x = try Tensor(shape: [8, 2], values: (0..<16).map { Double($0 % 5) - 2 })
        let y = try x.sum(axes: [1], keepdims: true)
        let data = try DataLoader(x, y, batchSize: 4, shuffle: false)
        return try fit(module: model, loss: { try mse($0, $1) }, optimizer: opt, data: data, epochs: epochs,
                       startEpoch: start, history: history, tracker: try track.map { try TrainingTracker($0) })
    }

    @Test func trackedSeriesArePerEpochAndMatchTheState() throws {
        var rng = RandomGenerator(seed: 1)
        let model = try Linear(2, 1, rng: &rng)
        let opt = try Adagrad(model.parameters, lr: 0.1)
        let h = try train(epochs: 3, model: model, opt: opt)
        #expect(h.tracked.map(\.name) == ["sigma", "sigma_min", "sigma_max", "effective_lr", "effective_lr_min", "effective_lr_max", "grad_norm"])
        #expect(h.tracked.allSatisfy { $0.values.count == 3 })
        let all = try opt.inspect().compactMap { $0 }.flatMap { $0.effectiveLR.doubles }
        #expect(h.tracked("effective_lr_min")?.last == all.min() && h.tracked("effective_lr_max")?.last == all.max())
        #expect(h.tracked("effective_lr")?.last == TrainingTracker.Summary(all).median)
        let lr = try #require(h.tracked("effective_lr"))
        #expect(zip(lr, lr.dropFirst()).allSatisfy { $0 > $1 })   // Adagrad: only shrinks
    }

    @Test func trackedSeriesSurviveACheckpointAndResume() throws {
        func fresh() throws -> (Linear, Adagrad) {
            var rng = RandomGenerator(seed: 1)
            let m = try Linear(2, 1, rng: &rng)
            return (m, try Adagrad(m.parameters, lr: 0.1))
        }
        let (m1, o1) = try fresh()
        let whole = try train(epochs: 4, model: m1, opt: o1)
        let (m2, o2) = try fresh()
        let half = try train(epochs: 2, model: m2, opt: o2)
        var c = try CheckpointFileTests.sample()
        c.history = half
        let back = try #require(try CheckpointFileTests.decode(try CheckpointFileTests.bytes(c)).history)
        #expect(back.tracked.map(\.name) == half.tracked.map(\.name))
        #expect(back.tracked.map(\.values) == half.tracked.map(\.values))
        let resumed = try train(epochs: 4, start: 2, history: back, model: m2, opt: o2)
        #expect(resumed.tracked.map(\.values) == whole.tracked.map(\.values).map { Array($0) })
        // A resumed run tracks what the saved one did, or says so.
        #expect(throws: TensorError.self) { try train(epochs: 4, start: 2, history: back, model: m2, opt: o2, track: ["sigma"]) }
        #expect(throws: TensorError.self) { try train(epochs: 4, start: 2, history: back, model: m2, opt: o2, track: nil) }
        // A file whose tracked series is not one entry per epoch is refused.
        var bad = half
        bad.tracked[0].values.removeLast()
        c.history = bad
        #expect(throws: FileError.self) { try CheckpointFileTests.decode(try CheckpointFileTests.bytes(c)) }
    }
}
