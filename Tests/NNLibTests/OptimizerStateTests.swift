import Foundation
import Testing
import NNTensor
@testable import NNLib

/// Optimizers, schedulers, loaders and generators export their state and
/// take it back exactly; a state that does not fit is refused before
/// anything changes.
@Suite struct OptimizerStateTests {
    /// Two parameters (float32 `[2, 3]` and `[3]`) from `seed`.
    static func parameters(_ seed: UInt64, dtype: DType = .float32) throws -> [Tensor] {
        var rng = RandomGenerator(seed: seed)
        return [try Tensor.randn([2, 3], dtype: dtype, using: &rng).requiringGrad(),
                try Tensor.randn([3], dtype: dtype, using: &rng).requiringGrad()]
    }

    /// One step on `L = Σ θ² · k` (k the step number), so every step's gradient differs.
    static func step(_ opt: Optimizer, _ k: Int) throws {
        opt.zeroGrad()
        var total: Tensor?
        for p in opt.parameters {
            let term = try (p * p).sum() * Double(k)
            total = try total.map { try $0 + term } ?? term
        }
        try total?.backward()
        try opt.step()
    }

    static func bits(_ ps: [Tensor]) -> [[UInt64]] {
        ps.map { p in
            switch p.storage {
            case .float32(let a): a.map { UInt64($0.bitPattern) }
            case .float64(let a): a.map(\.bitPattern)
            case .bool(let a): a.map { $0 ? 1 : 0 }
            case .int64(let a): a.map { UInt64(bitPattern: $0) }
            }
        }
    }

    static let makers: [(String, @Sendable ([Tensor]) throws -> Optimizer)] = [
        ("SGD momentum", { try SGD($0, lr: 0.1, momentum: 0.9, nesterov: true) }),
        ("SGD plain", { try SGD($0, lr: 0.1) }),
        ("Adam", { try Adam($0, lr: 0.01) }),
        ("Adam amsgrad", { try Adam($0, lr: 0.01, weightDecay: 0.1, amsgrad: true) }),
        ("AdamW", { try AdamW($0, lr: 0.01, amsgrad: true) }),
        ("Adagrad", { try Adagrad($0, lr: 0.1, lrDecay: 0.1, initialAccumulatorValue: 0.5) }),
        ("RMSProp", { try RMSProp($0, lr: 0.01) }),
        ("RMSProp centred", { try RMSProp($0, lr: 0.01, momentum: 0.9, centered: true) }),
    ]

    @Test func everyOptimizerContinuesExactlyFromItsExportedState() throws {
        for (name, make) in Self.makers {
            for dtype in [DType.float32, .float64] {
                let straight = try make(try Self.parameters(1, dtype: dtype))
                for k in 1...5 { try Self.step(straight, k) }

                let first = try make(try Self.parameters(1, dtype: dtype))
                for k in 1...3 { try Self.step(first, k) }
                let saved = first.exportState()
                // A fresh optimizer over parameters with the saved values (as a loaded model has).
                let params = try Self.parameters(9, dtype: dtype)
                for (p, q) in zip(params, first.parameters) { try p.assign(q) }
                let second = try make(params)
                second.lr = 123
                try second.prepareRestore(saved, op: "test")()
                #expect(second.lr == first.lr && second.stepCounts == [3, 3])
                for k in 4...5 { try Self.step(second, k) }
                #expect(Self.bits(second.parameters) == Self.bits(straight.parameters), "\(name) \(dtype)")
            }
        }
    }

    @Test func buffersHavePyTorchNamesAndOnlyTheUsedOnesAreSaved() throws {
        func names(_ make: ([Tensor]) throws -> Optimizer) throws -> [String] {
            let o = try make(try Self.parameters(1))
            #expect(o.exportState().buffers.isEmpty, "no buffers before the first step")
            try Self.step(o, 1)
            return o.exportState().buffers.filter { $0.parameter == 0 }.map(\.name)
        }
        #expect(try names { try SGD($0, lr: 0.1) } == [])
        #expect(try names { try SGD($0, lr: 0.1, momentum: 0.9) } == ["momentum_buffer"])
        #expect(try names { try Adam($0) } == ["exp_avg", "exp_avg_sq"])
        #expect(try names { try AdamW($0, amsgrad: true) } == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
        #expect(try names { try Adagrad($0) } == ["sum"])
        #expect(try names { try RMSProp($0) } == ["square_avg"])
        #expect(try names { try RMSProp($0, momentum: 0.5) } == ["square_avg", "momentum_buffer"])
        #expect(try names { try RMSProp($0, centered: true) } == ["square_avg", "grad_avg"])
        let adam = try Adam(try Self.parameters(1), betas: (0.8, 0.99))
        #expect(adam.exportState().settings.map { "\($0.name)=\($0.value)" } == ["betas=[0.8, 0.99]", "eps=1e-08", "weight_decay=0.0", "amsgrad=false"])
    }

    /// The message `prepareRestore` throws for `saved` into `opt`; the optimizer is unchanged.
    func refusal(_ opt: Optimizer, _ saved: OptimizerState) -> String {
        let before = opt.exportState()
        do {
            _ = try opt.prepareRestore(saved, op: "load")
            return "no error"
        } catch {
            let after = opt.exportState()
            #expect(after.stepCounts == before.stepCounts && after.lr == before.lr && after.buffers.count == before.buffers.count)
            return "\(error)"
        }
    }

    @Test func aStateThatDoesNotFitIsRefusedNamingWhy() throws {
        let adam = try Adam(try Self.parameters(1), lr: 0.01)
        try Self.step(adam, 1)
        let saved = adam.exportState()
        #expect(refusal(try SGD(try Self.parameters(2), lr: 0.1), saved)
            == "load: the checkpoint holds the state of Adam, but the optimizer given is SGD (make Adam with the checkpoint's hyperparameters)")
        #expect(refusal(try AdamW(try Self.parameters(2)), saved).contains("holds the state of Adam, but the optimizer given is AdamW"))
        #expect(refusal(try Adam(try Self.parameters(2), betas: (0.5, 0.999)), saved)
            == "load: the checkpoint's Adam has betas [0.9, 0.999], but the optimizer given has betas [0.5, 0.999] (make it with the checkpoint's hyperparameters)")
        #expect(refusal(try Adam(try Self.parameters(2), amsgrad: true), saved).contains("has amsgrad false, but the optimizer given has amsgrad true"))
        #expect(refusal(try Adam([try Self.parameters(2)[0]]), saved)
            == "load: the checkpoint's Adam updates 2 parameters, but the optimizer given updates 1 (make it over the same model's parameters)")
        let swapped = try Self.parameters(2)
        #expect(refusal(try Adam([swapped[1], swapped[0]]), saved) == "load: 'state.0.exp_avg' has shape [2, 3] but parameter 0 has shape [3]")
        #expect(refusal(try Adam(try Self.parameters(2, dtype: .float64)), saved) == "load: 'state.0.exp_avg' is float32 but parameter 0 is float64")
        var missing = saved
        missing.buffers.removeAll { $0.parameter == 1 && $0.name == "exp_avg_sq" }
        #expect(refusal(try Adam(try Self.parameters(2)), missing) == "load: parameter 1 has taken 1 step, but the checkpoint has no 'state.1.exp_avg_sq'")
        var odd = saved
        odd.buffers.append((0, "momentum_buffer", saved.buffers[0].tensor))
        #expect(refusal(try Adam(try Self.parameters(2)), odd)
            == "load: the checkpoint has 'state.0.momentum_buffer', which this Adam does not keep (it keeps exp_avg, exp_avg_sq)")
        var unstepped = saved
        unstepped.stepCounts = [1, 0]
        #expect(refusal(try Adam(try Self.parameters(2)), unstepped) == "load: parameter 1 has taken no step, but the checkpoint has its 'state.1.exp_avg'")
        var badLr = saved
        badLr.lr = .nan
        #expect(refusal(try Adam(try Self.parameters(2)), badLr).contains("learning rate nan is not finite"))
        var twice = saved
        twice.buffers.append(saved.buffers[0])
        #expect(refusal(try Adam(try Self.parameters(2)), twice) == "load: 'state.0.exp_avg' appears twice")
        var far = saved
        far.buffers[0].parameter = 7
        #expect(refusal(try Adam(try Self.parameters(2)), far).contains("is for parameter 7, but the optimizer has 2"))
    }

    @Test func schedulersContinueFromTheirPosition() throws {
        let opt = try SGD(try Self.parameters(1), lr: 0.1)
        let s = try LRScheduler(opt, try .stepDecay(base: 0.1, every: 2, gamma: 0.5))
        for _ in 0..<3 { try s.step() }
        let saved = s.exportState()
        #expect(saved == SchedulerState(description: "StepDecay(base: 0.1, every: 2, gamma: 0.5)", unit: "epoch", steps: 3))
        let opt2 = try SGD(try Self.parameters(1), lr: 0.1)
        let s2 = try LRScheduler(opt2, try .stepDecay(base: 0.1, every: 2, gamma: 0.5))
        try s2.prepareRestore(saved, op: "load")()
        opt2.lr = opt.lr
        try s.step()
        try s2.step()
        #expect(s2.stepCount == 4 && opt2.lr == opt.lr)
        let other = try LRScheduler(opt2, try .stepDecay(base: 0.1, every: 3, gamma: 0.5))
        #expect(throws: TensorError.self) { try other.prepareRestore(saved, op: "load") }
        let batch = try LRScheduler(opt2, try .stepDecay(base: 0.1, every: 2, gamma: 0.5), unit: .batch)
        do {
            _ = try batch.prepareRestore(saved, op: "load")
            Issue.record("a batch schedule took an epoch schedule's state")
        } catch {
            #expect("\(error)" == "load: the checkpoint's schedule steps per epoch, but the schedule given steps per batch")
        }

        let p = try ReduceLROnPlateau(opt, patience: 1, cooldown: 2)
        for m in [1.0, 0.5, 0.6, 0.7, 0.8] { try p.step(m) }
        let ps = p.exportState()
        #expect(ps.best == 0.5 && ps.steps == 5)
        let p2 = try ReduceLROnPlateau(opt2, patience: 1, cooldown: 2)
        try p2.prepareRestore(ps, op: "load")()
        #expect(p2.best == p.best && p2.badEpochs == p.badEpochs && p2.cooldownLeft == p.cooldownLeft && p2.epochsSeen == 5)
        let p3 = try ReduceLROnPlateau(opt2, patience: 2)
        #expect(throws: TensorError.self) { try p3.prepareRestore(ps, op: "load") }
        #expect(throws: TensorError.self) { try s2.prepareRestore(ps, op: "load") }
    }

    @Test func aLoaderContinuesItsPermutationSequence() throws {
        let X = try Tensor(shape: [10, 1], values: (0..<10).map(Double.init))
        let straight = try DataLoader(X, X, batchSize: 4, seed: 3)
        let orders = (0..<5).map { _ in Array(straight).map { $0.0.doubles } }
        let first = try DataLoader(X, X, batchSize: 4, seed: 3)
        for _ in 0..<2 { _ = Array(first) }
        let second = try DataLoader(X, X, batchSize: 4, seed: 3)
        try second.prepareRestore(first.exportState(), op: "load")()
        #expect((0..<3).map { _ in Array(second).map { $0.0.doubles } } == Array(orders[2...]))
        let reseeded = try DataLoader(X, X, batchSize: 4, seed: 4)
        do {
            _ = try reseeded.prepareRestore(first.exportState(), op: "load")
            Issue.record("a loader with another seed took the state")
        } catch {
            #expect("\(error)" == "load: the checkpoint's data loader has seed 3, but the data given has seed 4 (make it with seed: 3)")
        }
        #expect(throws: TensorError.self) { try DataLoader(X, X, batchSize: 5, seed: 3).prepareRestore(first.exportState(), op: "load") }
        #expect(throws: TensorError.self) { try DataLoader(X, X, batchSize: 4, shuffle: false, seed: 3).prepareRestore(first.exportState(), op: "load") }
    }

    @Test func aGeneratorResumesWithItsPendingNormal() throws {
        var g = RandomGenerator(seed: 5)
        _ = g.normal()   // leaves the second Box–Muller value pending
        #expect(g.spareNormal != nil)
        guard var copy = RandomGenerator(state: g.state, spareNormal: g.spareNormal) else {
            Issue.record("no generator")
            return
        }
        #expect((0..<5).map { _ in g.normal().bitPattern } == (0..<5).map { _ in copy.normal().bitPattern })
        #expect(RandomGenerator(state: (0, 0, 0, 0), spareNormal: nil) == nil)
    }
}
