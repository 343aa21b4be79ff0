import Foundation
import Testing
import NNTensor
@testable import NNLib

/// Layers, models, names, modes and the summary.
@Suite struct ModuleTests {
    func close(_ a: Double, _ b: Double, _ tol: Double = 1e-9) -> Bool { abs(a - b) <= tol }

    @Test func linearInitStaysWithinPyTorchsBounds() throws {
        var rng = RandomGenerator(seed: 1)
        let layer = try Linear(16, 8, rng: &rng)
        #expect(layer.weight.shape == [8, 16])
        #expect(layer.bias?.shape == [8])
        let bound = 1 / 4.0   // 1/√16
        let w = layer.weight.doubles, b = layer.bias?.doubles ?? []
        #expect(w.allSatisfy { abs($0) <= bound } && b.allSatisfy { abs($0) <= bound })
        #expect(w.map(abs).max() ?? 0 > 0.9 * bound, "uses the whole range")
        #expect(abs(w.reduce(0, +) / Double(w.count)) < 0.05, "centred on zero")
        #expect(layer.weight.requiresGrad && layer.bias?.requiresGrad == true)
    }

    @Test func linearComputesXTimesWTransposedPlusB() throws {
        let w = try Tensor(shape: [2, 2], values: [1, 2, 3, 4], dtype: .float64)
        let b = try Tensor(shape: [2], values: [10, 20], dtype: .float64)
        let layer = try Linear(weight: w, bias: b)
        #expect(try layer(try Tensor(shape: [1, 2], values: [1, 1], dtype: .float64)).doubles == [13, 27])
        #expect(throws: TensorError(op: "Linear(2 → 2)", "expected input with 2 features in its last dimension, got shape [1, 3]")) {
            try layer(try Tensor.zeros([1, 3], dtype: .float64))
        }
    }

    @Test func sequentialNamesParametersAsPyTorch() throws {
        var rng = RandomGenerator(seed: 0)
        let model = Sequential(try Linear(2, 4, rng: &rng), ReLU(), try BatchNorm(4), try Linear(4, 3, rng: &rng))
        #expect(model.namedParameters.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"])
        #expect(model.namedBuffers.map(\.name) == ["2.running_mean", "2.running_var", "2.num_batches_tracked"])
        #expect(model.parameterCount == 8 + 4 + 4 + 4 + 12 + 3)
        #expect(model.parameters.count == 6)
        model.eval()
        #expect(model.namedModules.allSatisfy { !$0.module.isTraining })
        model.train()
        #expect(model.namedModules.allSatisfy { $0.module.isTraining })
        #expect(model.description.hasPrefix("Sequential(\n  (0): Linear(in_features=2, out_features=4, bias=True)\n  (1): ReLU()"))
    }

    @Test func summaryListsShapesAndCounts() throws {
        var rng = RandomGenerator(seed: 0)
        let model = Sequential(try Linear(4, 16, rng: &rng), ReLU(), try Linear(16, 3, rng: &rng))
        let rows = try model.summaryRows(inputShape: [32, 4])
        #expect(rows.map(\.outputShape) == [[32, 16], [32, 16], [32, 3]])
        #expect(rows.map(\.parameters) == [80, 0, 51])
        let text = try model.summary(inputShape: [32, 4])
        #expect(text.contains("0  Linear(4 → 16)"))
        #expect(text.contains("total parameters 131 (trainable 131)"))
        #expect(model.isTraining, "the summary restores the mode")
        #expect(throws: TensorError.self) { try model.summary(inputShape: [32, 5]) }
    }

    @Test func batchNormTrainAndEvalByHand() throws {
        // columns [1, 2, 3, 4] and [10, 20, 30, 40]:
        // means 2.5 and 25; biased variances 1.25 and 125; unbiased 5/3 and 500/3.
        let bn = try BatchNorm(2, dtype: .float64)
        let x = try Tensor(shape: [4, 2], values: [1, 10, 2, 20, 3, 30, 4, 40], dtype: .float64)
        let y = try bn(x).doubles
        #expect(close(y[0], (1 - 2.5) / (1.25 + 1e-5).squareRoot()))
        #expect(close(y[7], (40 - 25) / (125 + 1e-5).squareRoot()))
        // running statistics: 0.9 * initial + 0.1 * batch (variance unbiased)
        #expect(close(bn.runningMean.doubles[0], 0.25) && close(bn.runningMean.doubles[1], 2.5))
        #expect(close(bn.runningVar.doubles[0], 0.9 + 0.1 * 5 / 3))
        #expect(close(bn.runningVar.doubles[1], 0.9 + 0.1 * 500 / 3))
        #expect(try bn.batchesTracked.item() == 1)
        bn.eval()
        let e = try bn(try Tensor(shape: [1, 2], values: [1, 10], dtype: .float64)).doubles
        #expect(close(e[0], (1 - 0.25) / (0.9 + 0.1 * 5 / 3 + 1e-5).squareRoot()))
        #expect(close(e[1], (10 - 2.5) / (0.9 + 0.1 * 500 / 3 + 1e-5).squareRoot()))
        #expect(close(bn.runningMean.doubles[0], 0.25), "eval leaves the statistics alone")
    }

    @Test func batchNormRefusesOneSampleInTraining() throws {
        let bn = try BatchNorm(4)
        #expect(throws: TensorError("BatchNorm: expected more than 1 value per channel when training, got input of shape [1, 4] (batch statistics of one sample are undefined; call model.eval() or use a larger batch)")) {
            try bn(try Tensor.zeros([1, 4]))
        }
        bn.eval()
        #expect(try bn(try Tensor.zeros([1, 4])).shape == [1, 4])
    }

    @Test func batchNormGradientFlowsThroughBatchStatistics() throws {
        // Σ of a batch-normalised column is always 0 (with weight 1, bias 0), so its gradient is 0.
        let bn = try BatchNorm(1, dtype: .float64)
        let x = try Tensor(shape: [3, 1], values: [1, 2, 4], dtype: .float64).requiringGrad()
        try bn(x).sum().backward()
        #expect((x.grad?.doubles ?? []).allSatisfy { abs($0) < 1e-9 })
        #expect(bn.bias.grad?.doubles == [3])
    }

    @Test func layerNormNormalisesEachRow() throws {
        let ln = try LayerNorm(4, dtype: .float64)
        let y = try ln(try Tensor(shape: [2, 4], values: [1, 2, 3, 4, 2, 2, 2, 2], dtype: .float64)).doubles
        // row [1, 2, 3, 4]: mean 2.5, variance 1.25
        #expect(close(y[0], -1.5 / (1.25 + 1e-5).squareRoot()) && close(y[3], 1.5 / (1.25 + 1e-5).squareRoot()))
        #expect(y[4...].allSatisfy { $0 == 0 }, "a constant row maps to 0")
        #expect(throws: TensorError.self) { try ln(try Tensor.zeros([2, 3], dtype: .float64)) }
    }

    @Test func dropoutScalesSurvivorsAndIsIdentityInEval() throws {
        let d = try Dropout(0.25, rng: RandomSource(seed: 3))
        let x = try Tensor.ones([10_000], dtype: .float64)
        let y = try d(x).doubles
        let kept = y.filter { $0 != 0 }
        #expect(kept.allSatisfy { close($0, 4.0 / 3) })
        #expect(abs(Double(kept.count) / 10_000 - 0.75) < 0.02)
        d.eval()
        #expect(try d(x) === x)
        #expect(throws: TensorError.self) { try Dropout(1.5, rng: RandomSource(seed: 0)) }
    }

    @Test func activationsFlattenAndParameterCollection() throws {
        let x = try Tensor(shape: [1, 3], values: [-1, 0, 2], dtype: .float64)
        #expect(try ReLU()(x).doubles == [0, 0, 2])
        #expect(try LeakyReLU(slope: 0.1)(x).doubles == [-0.1, 0, 2])
        #expect(close(try Tanh()(x).doubles[2], tanh(2.0)))
        #expect(close(try Sigmoid()(x).doubles[1], 0.5))
        #expect(close(try Softmax()(x).doubles.reduce(0, +), 1))
        #expect(try Flatten()(try Tensor.zeros([2, 3, 4])).shape == [2, 12])
        var rng = RandomGenerator(seed: 0)
        let layer = try Linear(2, 2, rng: &rng)
        let w = param(try Tensor.zeros([2]))
        let data = try Tensor.zeros([5])
        let ps = collectParameters([.list([.tensor(w), .tensor(data)]), .module(layer), .tensor(w)])
        #expect(ps.count == 3 && ps[0] === w && ps[1] === layer.weight)
    }
}
