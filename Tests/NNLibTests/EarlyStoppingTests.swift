import Foundation
import Testing
import NNTensor
@testable import NNLib

/// Early stopping against Keras 3's `EarlyStopping(monitor="val_loss",
/// min_delta=0, patience, restore_best_weights)`, worked by hand from its
/// `on_epoch_end` (`wait += 1`; improvement `v < best` resets it; stop when
/// `wait >= patience` and it is not the first epoch), and in `fit`.
@Suite struct EarlyStoppingTests {
    /// The epoch after which training stops (nil: never), the best epoch, and
    /// the epoch whose weights are kept, for validation losses `losses`.
    func run(_ losses: [Double], patience: Int?, restoreBest: Bool = true) throws -> (stop: Int?, best: Int?, kept: Int?) {
        let e = try EarlyStopping(patience: patience, restoreBest: restoreBest)
        for (i, v) in losses.enumerated() {
            let epoch = i + 1
            if e.epochEnded(epoch, valLoss: v, snapshot: { [("epoch", Tensor(scalar: Double(epoch)))] }) {
                return (epoch, e.bestEpoch, try e.bestWeights.map { Int(try $0[0].tensor.item()) })
            }
        }
        return (nil, e.bestEpoch, try e.bestWeights.map { Int(try $0[0].tensor.item()) })
    }

    @Test func patienceCountsEpochsWithoutStrictImprovement() throws {
        // wait: 0, 0, 1, 2 → stops after epoch 4; best 0.4 at epoch 2.
        let a = try run([0.5, 0.4, 0.45, 0.41, 0.3], patience: 2)
        #expect(a.stop == 4 && a.best == 2 && a.kept == 2)
        // An equal loss is no improvement (min_delta 0, strictly less).
        let b = try run([0.5, 0.5, 0.5], patience: 1)
        #expect(b.stop == 2 && b.best == 1)
        // Patience 0: the first epoch without improvement stops.
        let c = try run([0.5, 0.4, 0.6, 0.1], patience: 0)
        #expect(c.stop == 3 && c.best == 2)
        // Improvements reset the count.
        let d = try run([0.9, 0.95, 0.8, 0.85, 0.7, 0.75, 0.76], patience: 2)
        #expect(d.stop == 7 && d.best == 5)
        // Never stops without patience; still keeps the best.
        let e = try run([0.9, 0.3, 0.5, 0.6, 0.7, 0.8], patience: nil)
        #expect(e.stop == nil && e.best == 2 && e.kept == 2)
    }

    @Test func aNanLossNeverImprovesAndTheFirstEpochIsNeverStopped() throws {
        // Epoch 1 is NaN: wait becomes 1 >= 0 but epoch 1 never stops; with
        // restore_best the first epoch's weights are kept as a fallback (Keras).
        let a = try run([.nan, 0.5, .nan], patience: 0)
        #expect(a.stop == 3 && a.best == 2 && a.kept == 2)
        let b = try run([.nan, .nan, .nan], patience: 5)
        #expect(b.stop == nil && b.best == 1 && b.kept == 1)
        let c = try run([.nan, .nan], patience: 5, restoreBest: false)
        #expect(c.best == nil && c.kept == nil)
    }

    @Test func fitStopsAndRestoresTheBestEpochsWeights() throws {
        let d = try Generators.twoMoons(n: 80, noise: 0.3, seed: 1)
        let v = try Generators.twoMoons(n: 40, noise: 0.3, seed: 2)
        var rng = RandomGenerator(seed: 3)
        let model = Sequential(try Linear(2, 32, rng: &rng), ReLU(), try Linear(32, 2, rng: &rng))
        // A large rate makes the validation loss jump about, so patience acts early.
        let opt = try SGD(model.parameters, lr: 2.0, momentum: 0.9)
        let loader = try DataLoader(d.X, d.y, batchSize: 8, seed: 4)
        var perEpoch: [[Float]] = []
        let h = try fit(module: model, loss: { try crossEntropy($0, $1) }, optimizer: opt, data: loader, epochs: 60,
                        validation: v, earlyStopping: try EarlyStopping(patience: 2, restoreBest: true),
                        epochEnded: { _, _ in perEpoch.append(model.parameters.flatMap(\.floats)) })
        let best = try #require(h.bestEpoch)
        #expect(h.stoppedEarly && h.epochs < 60, "stopped after \(h.epochs) epochs")
        #expect(h.epochs - best == 2, "stops patience epochs after the best")
        #expect(h.valLoss[best - 1] == h.valLoss.min())
        #expect(model.parameters.flatMap(\.floats) == perEpoch[best - 1], "the model has the best epoch's weights")
        let e = try evaluate(model: { try model($0) }, loss: { try crossEntropy($0, $1) }, X: v.X, y: v.y)
        #expect(e.loss == h.valLoss[best - 1])
    }

    @Test func fitRefusesEarlyStoppingWithoutValidation() throws {
        let d = try Generators.twoMoons(n: 20, noise: 0.3, seed: 1)
        var rng = RandomGenerator(seed: 3)
        let model = try Linear(2, 2, rng: &rng)
        #expect(throws: TensorError.self) {
            try fit(module: model, loss: { try crossEntropy($0, $1) }, optimizer: try SGD(model.parameters, lr: 0.1),
                    data: try DataLoader(d.X, d.y), epochs: 2, earlyStopping: try EarlyStopping(patience: 1, restoreBest: false))
        }
        #expect(throws: TensorError.self) { try EarlyStopping(patience: -1, restoreBest: false) }
    }

    /// A checkpoint is written only for complete epochs: an interrupted one
    /// (Ctrl-C) calls no `epochEnded`, so the last checkpoint stays the last
    /// complete epoch's; a resumed run continues the epoch numbers.
    @Test func epochEndedOnlyAfterCompleteEpochs() throws {
        let d = try Generators.twoMoons(n: 40, noise: 0.3, seed: 1)
        var rng = RandomGenerator(seed: 3)
        let model = try Linear(2, 2, rng: &rng)
        var ended: [Int] = [], batches = 0
        let h = try fit(module: model, loss: { try crossEntropy($0, $1) }, optimizer: try SGD(model.parameters, lr: 0.1),
                        data: try DataLoader(d.X, d.y, batchSize: 10), epochs: 5,
                        epochEnded: { e, h in ended.append(e); #expect(h.epochs == e) },
                        shouldStop: { batches += 1; return batches == 6 })
        #expect(ended == [1] && h.interrupted && h.epochs == 2)
        var resumed: [Int] = []
        var start = History()
        start.trainLoss = [1, 2]
        let h2 = try fit(module: model, loss: { try crossEntropy($0, $1) }, optimizer: try SGD(model.parameters, lr: 0.1),
                         data: try DataLoader(d.X, d.y, batchSize: 10), epochs: 4, startEpoch: 2, history: start,
                         epochEnded: { e, _ in resumed.append(e) })
        #expect(resumed == [3, 4] && h2.epochs == 4 && h2.trainLoss.prefix(2) == [1, 2])
        #expect(throws: TensorError.self) {
            try fit(module: model, loss: { try crossEntropy($0, $1) }, optimizer: try SGD(model.parameters, lr: 0.1),
                    data: try DataLoader(d.X, d.y, batchSize: 10), epochs: 1, startEpoch: 2)
        }
    }
}
