import NNTensor

/// An optimizer's whole state, as PyTorch's `optimizer.state_dict()` holds
/// it: the kind, the learning rate, the hyperparameters, each parameter's
/// step count and its buffers (moments, momentum, accumulators).
///
/// Parameters are identified by their index in the optimizer's list, as in
/// PyTorch. Buffers carry PyTorch's names:
/// ```
/// SGD       momentum_buffer                          (with momentum)
/// Adam(W)   exp_avg, exp_avg_sq, max_exp_avg_sq      (the last with amsgrad)
/// Adagrad   sum
/// RMSProp   square_avg, momentum_buffer, grad_avg    (the last two with momentum / centered)
/// ```
/// A parameter that has taken no step has no buffers.
public struct OptimizerState {
    /// `SGD`, `Adam`, `AdamW`, `Adagrad` or `RMSProp`.
    public var kind: String
    /// The learning rate the next step uses.
    public var lr: Double
    /// The hyperparameters other than `lr`, by PyTorch name, as the optimizer prints them.
    public var settings: [(name: String, value: String)]
    /// Each parameter's step count.
    public var stepCounts: [Int]
    /// The buffers of the parameters that have taken a step, in parameter order.
    public var buffers: [(parameter: Int, name: String, tensor: Tensor)]

    public init(kind: String, lr: Double, settings: [(name: String, value: String)], stepCounts: [Int],
                buffers: [(parameter: Int, name: String, tensor: Tensor)]) {
        self.kind = kind
        self.lr = lr
        self.settings = settings
        self.stepCounts = stepCounts
        self.buffers = buffers
    }
}

extension Optimizer {
    /// The state a checkpoint keeps; ``prepareRestore(_:op:key:)`` puts it back.
    /// The buffers are copies: later steps do not change them.
    public func exportState() -> OptimizerState {
        var buffers: [(parameter: Int, name: String, tensor: Tensor)] = []
        let k = stateCount, names = stateNames
        for (i, p) in parameters.enumerated() {
            guard let stored = state[i], k > 0, stored.count == k * p.count else { continue }
            for j in 0..<k where usesState(j) {
                let range = (j * p.count)..<((j + 1) * p.count)
                let t: Tensor?
                switch stored {
                case .float32(let a): t = try? Tensor(shape: p.shape, array: Array(a[range]))
                case .float64(let a): t = try? Tensor(shape: p.shape, array: Array(a[range]))
                case .bool, .int64: t = nil
                }
                if let t { buffers.append((i, names[j], t)) }
            }
        }
        return OptimizerState(kind: name, lr: lr, settings: settings.map { (name: $0.0, value: $0.1) },
                              stepCounts: stepCounts, buffers: buffers)
    }

    /// Checks `saved` against this optimizer and returns the change that puts
    /// it in place (which cannot fail), so a caller restoring several parts
    /// checks them all before changing any.
    ///
    /// Checked: the kind (an Adam's state never goes into an SGD), the number
    /// of parameters, every hyperparameter (equal, as printed: a state
    /// computed with other hyperparameters would continue a different run),
    /// the learning rate, the step counts, and each buffer's name, shape and
    /// dtype against its parameter; a parameter that has stepped has all its
    /// buffers and one that has not has none. `op` starts each message and
    /// `key(i, name)` names a buffer as the file does.
    public func prepareRestore(_ saved: OptimizerState, op: String,
                               key: (Int, String) -> String = { "state.\($0).\($1)" }) throws -> () -> Void {
        func fail(_ m: String) -> TensorError { TensorError(op: op, m) }
        guard saved.kind == name else {
            throw fail("the checkpoint holds the state of \(saved.kind), but the optimizer given is \(name) (make \(saved.kind) with the checkpoint's hyperparameters)")
        }
        guard saved.stepCounts.count == parameters.count else {
            throw fail("the checkpoint's \(name) updates \(saved.stepCounts.count) parameters, but the optimizer given updates \(parameters.count) (make it over the same model's parameters)")
        }
        let own = settings
        for (n, v) in own {
            guard let s = saved.settings.first(where: { $0.name == n }) else {
                throw fail("the checkpoint's \(name) does not record its \(n)")
            }
            guard s.value == v else {
                throw fail("the checkpoint's \(name) has \(n) \(s.value), but the optimizer given has \(n) \(v) (make it with the checkpoint's hyperparameters)")
            }
        }
        if let extra = saved.settings.first(where: { n in !own.contains { $0.0 == n.name } }) {
            throw fail("the checkpoint's \(name) has a hyperparameter '\(extra.name)' that \(name) does not have")
        }
        guard saved.lr.isFinite, saved.lr >= 0 else { throw fail("the checkpoint's learning rate \(saved.lr) is not finite and >= 0") }
        if let bad = saved.stepCounts.firstIndex(where: { $0 < 0 }) {
            throw fail("the checkpoint's step count of parameter \(bad) is \(saved.stepCounts[bad]); it must be >= 0")
        }
        let k = stateCount, names = Array(stateNames.prefix(k))
        var found: [[Tensor?]] = Array(repeating: Array(repeating: nil, count: k), count: parameters.count)
        for b in saved.buffers {
            guard b.parameter >= 0, b.parameter < parameters.count else {
                throw fail("'\(key(b.parameter, b.name))' is for parameter \(b.parameter), but the optimizer has \(parameters.count) (0 to \(parameters.count - 1))")
            }
            let used = names.indices.filter { usesState($0) }
            guard let j = names.firstIndex(of: b.name), usesState(j) else {
                let kept = used.isEmpty ? "keeps no buffers" : "keeps " + used.map { names[$0] }.joined(separator: ", ")
                throw fail("the checkpoint has '\(key(b.parameter, b.name))', which this \(name) does not keep (it \(kept))")
            }
            let p = parameters[b.parameter]
            guard found[b.parameter][j] == nil else { throw fail("'\(key(b.parameter, b.name))' appears twice") }
            guard b.tensor.shape == p.shape else {
                throw fail("'\(key(b.parameter, b.name))' has shape \(FileShape.text(b.tensor.shape)) but parameter \(b.parameter) has shape \(FileShape.text(p.shape))")
            }
            guard b.tensor.dtype == p.dtype else {
                throw fail("'\(key(b.parameter, b.name))' is \(b.tensor.dtype) but parameter \(b.parameter) is \(p.dtype)")
            }
            found[b.parameter][j] = b.tensor
        }
        var restored: [TensorStorage?] = Array(repeating: nil, count: parameters.count)
        for (i, p) in parameters.enumerated() {
            let have = (0..<k).filter { found[i][$0] != nil }
            let needed = (0..<k).filter { usesState($0) }
            if saved.stepCounts[i] == 0 {
                if let j = have.first {
                    throw fail("parameter \(i) has taken no step, but the checkpoint has its '\(key(i, names[j]))'")
                }
                continue
            }
            if let j = needed.first(where: { found[i][$0] == nil }) {
                throw fail("parameter \(i) has taken \(saved.stepCounts[i]) step\(saved.stepCounts[i] == 1 ? "" : "s"), but the checkpoint has no '\(key(i, names[j]))'")
            }
            restored[i] = Self.concatenated(found[i], count: p.count, dtype: p.dtype)
        }
        let lr = saved.lr, steps = saved.stepCounts
        return { [self] in
            self.lr = lr
            self.stepCounts = steps
            self.state = restored
        }
    }

    /// The buffers one after another in `dtype`, zeros for the unused ones.
    private static func concatenated(_ buffers: [Tensor?], count: Int, dtype: DType) -> TensorStorage {
        switch dtype {
        case .float64:
            return .float64(buffers.flatMap { t -> [Double] in
                if let t, case .float64(let a) = t.storage { return a }
                return [Double](repeating: 0, count: count)
            })
        default:
            return .float32(buffers.flatMap { t -> [Float] in
                if let t, case .float32(let a) = t.storage { return a }
                return [Float](repeating: 0, count: count)
            })
        }
    }

}
