/// What a gradient rule is given: the op's inputs, its output, and which
/// inputs need a gradient (a rule may skip work for the others).
public struct GradContext {
    public let inputs: [Tensor]
    public let output: Tensor
    public let needs: [Bool]
}

/// A gradient rule: from the gradient of the loss with respect to the op's
/// output, the gradients with respect to its inputs (nil where not needed).
///
/// Rules are written in differentiable tensor ops. When the backward pass runs
/// with `createGraph`, those ops are recorded, so the gradient can be
/// differentiated again (Hessians, Hessian-vector products). A returned
/// gradient may have the op's broadcast shape: the engine reduces it to the
/// input's shape in exactly one place (`sumTo`).
public typealias GradRule = (_ grad: Tensor, _ ctx: GradContext) throws -> [Tensor?]

/// The record an op leaves on its output tensor.
///
/// It holds its inputs strongly, so the graph lives as long as its last
/// result. The rule that keeps it acyclic (so freed with its last holder):
/// no record reachable from a tensor holds that tensor. Ops only read
/// tensors that already exist, so only an index write, which gives a tensor
/// a new record (`Tensor.writeIndexed`), could break it; the write then
/// points the ops reachable from the new record that had read the tensor at
/// the earlier state they read.
final class GradFn {
    let op: Op
    /// The tensors the op read; an entry is replaced by the state it read
    /// (`Tensor.earlier[h]`) when a later index write would otherwise make
    /// it a cycle (see `Tensor.writeIndexed`).
    var inputs: [Tensor]
    let rule: GradRule
    /// The same rule for a batch of cotangents (`[k] + output.shape`), where
    /// the op has one (see `Tensor+BatchedBackward.swift`).
    var batchedRule: GradRule?
    /// The inputs' versions when the op ran (empty for ops whose rule reads
    /// no input values, such as `add` or `reshape`).
    let versions: [Int]
    /// The inputs' history numbers when the op ran (see `Tensor.history`);
    /// empty when they were all 0 (no allocation in the common case).
    let histories: [Int]
    /// Set once a `backward()` without `retainGraph` has gone through this
    /// node: a second pass would add the same gradient again, so it is
    /// refused (as PyTorch frees the graph).
    var consumed = false
    /// On the newest record of a tensor that index writes gave new records:
    /// every record known to be reachable from that tensor, where the next
    /// write's cycle-cutting walk stops (nil on every other record; a class,
    /// so that an ordinary record frees it as cheaply as a nil pointer).
    var reached: ReachedRecords?

    init(op: Op, inputs: [Tensor], rule: @escaping GradRule) {
        self.op = op
        self.inputs = inputs
        self.rule = rule
        self.versions = op.readsInputValues ? GradFn.versions(of: inputs) : []
        self.histories = inputs.contains { $0.history != 0 } ? inputs.map(\.history) : []
    }

    /// The inputs' version numbers (`inputs.map(\.version)`, without its
    /// allocation's metadata lookup: see `Array.uninitialized`).
    private static func versions(of inputs: [Tensor]) -> [Int] {
        Array.uninitialized(inputs.count, placeholder: 0) { buffer, initialized in
            for (i, x) in inputs.enumerated() { buffer[i] = x.version }
            initialized = inputs.count
        }
    }

    /// The inputs as the op read them: an input that an index assignment of
    /// a tracked value gave a new history since is replaced by its earlier
    /// state, so the gradient goes where PyTorch's version of the graph
    /// sends it (`y[0] = y[1] * 2` differentiates through the old `y[1]`).
    func resolvedInputs() -> [Tensor] {
        var out = inputs
        for (i, x) in inputs.enumerated() where x.history != 0 {
            let h = histories.isEmpty ? 0 : histories[i]
            if h != x.history && h < x.earlier.count { out[i] = x.earlier[h] }
        }
        return out
    }

    /// Throws when an input whose values the rule reads was written in
    /// place after the op used it: the gradient would mix old and new values.
    func checkVersions() throws {
        for (x, v) in zip(inputs, versions) where x.version != v {
            let place = x.writeSite?() ?? ""
            let site = place.isEmpty ? "" : " (at \(place))"
            throw TensorError(op: "backward", "a \(x.dtype) tensor of shape \(fmt(x.shape)) used by \(op.rawValue) was modified in place after it was used\(site); write before using it, or use a copy (clone)")
        }
    }

    /// Frees long chains without recursion: a million-node graph released at
    /// once would otherwise overflow the stack through nested deinits. A
    /// tensor's earlier states (`Tensor.earlier`, one per index write) need
    /// nothing more: a tracked one is also an input of the next state's
    /// record, so it is taken apart here, and an untracked one holds no graph.
    deinit {
        guard !inputs.isEmpty else { return }
        var stack = inputs
        inputs = []
        while var t = stack.popLast() {
            if isKnownUniquelyReferenced(&t), let fn = t.gradFn {
                stack.append(contentsOf: fn.inputs)
                fn.inputs = []
                t.gradFn = nil
            }
        }
    }
}

extension Tensor {
    /// Attaches `rule` to `out` when recording is on and some input is
    /// tracked (never to a bool or int64 result: autodiff ignores them).
    @inline(__always)
    static func record(_ op: Op, _ out: Tensor, _ inputs: [Tensor], _ rule: @escaping GradRule) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.isTracked }), out.dtype.isFloatingPoint else { return out }
        out.gradFn = GradFn(op: op, inputs: inputs, rule: rule)
        return out
    }

    /// Backpropagates from this tensor, accumulating `d self / d leaf` into the
    /// `grad` of every leaf that requires grad, as `loss.backward()` does.
    ///
    /// - Parameters:
    ///   - seed: the gradient of some scalar with respect to this tensor; may be
    ///     omitted only when this tensor has one element (then it is 1).
    ///   - createGraph: record the backward pass so the gradients can be
    ///     differentiated again.
    ///   - retainGraph: allow another `backward()` through the same graph
    ///     (by default only with `createGraph`, as PyTorch); without it a
    ///     second pass is an error, since it would add the gradients again.
    public func backward(seed: Tensor? = nil, createGraph: Bool = false, retainGraph: Bool? = nil) throws {
        let leaves = try Tensor.propagate(from: self, seed: seed, targets: nil, createGraph: createGraph,
                                          consume: !(retainGraph ?? createGraph))
        for (leaf, g) in leaves {
            let g = createGraph ? g : g.detach()
            if let old = leaf.grad {
                leaf.grad = try GradMode.with(enabled: createGraph) { try old + g }
            } else {
                leaf.grad = g
            }
        }
    }

    /// The gradients of `output` with respect to each of `inputs`, without
    /// touching any `grad` field, as `torch.autograd.grad`. An input that
    /// `output` does not depend on gets zeros.
    public static func gradients(of output: Tensor, wrt inputs: [Tensor], seed: Tensor? = nil,
                                 createGraph: Bool = false) throws -> [Tensor] {
        let found = try propagate(from: output, seed: seed, targets: inputs, createGraph: createGraph)
        var byID: [ObjectIdentifier: Tensor] = [:]
        for (t, g) in found { byID[ObjectIdentifier(t)] = g }
        return inputs.map { x in
            byID[ObjectIdentifier(x)] ?? Tensor(shape: x.shape, storage: .filled(0, count: x.count, dtype: x.dtype))
        }
    }
}
