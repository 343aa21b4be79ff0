extension Tensor {
    /// Writes `value` into the positions `items` select, in place: `t[i] = v`.
    ///
    /// The elements change in place (every holder of this tensor sees them).
    /// When recording is on and the write involves a tracked tensor (a
    /// tracked `value`, or this tensor being the result of a recorded op),
    /// the write is recorded as well, as PyTorch's in-place `index_put_`:
    ///
    ///     t_new = t_old * keep + scatter(v)      (keep: 0 where written)
    ///
    /// so the gradient reaches `v` through the written positions and the
    /// old state of `t` through the others. This tensor takes that new
    /// history; ops that read it before the write keep differentiating
    /// through its old state (kept in `earlier`, see
    /// `GradFn.resolvedInputs`), so `y[0] = y[1] * 2` and
    /// `h[i] = tanh(h[i - 1] * w)` differentiate as in PyTorch. An op whose
    /// gradient rule reads the old *values* still refuses to run backward
    /// (the version counter), as PyTorch does.
    ///
    /// The graph rule (what keeps it free of reference cycles): no record
    /// reachable from this tensor's new record holds this tensor itself.
    /// The ops of `value`'s graph that read it (`h[i - 1]` above) are
    /// pointed at the state they read (`earlier[h]`, exactly what
    /// `resolvedInputs` would pick), so `t → record → … → reader → t` never
    /// forms and the graph is freed with its last holder. Ops that read `t`
    /// but are not reachable from its new record keep holding `t` (no cycle)
    /// and are routed by `resolvedInputs`. See `cutReads(from:old:)` for the
    /// walk and its cost.
    ///
    /// Refused, since the gradient would be lost: writing a tracked value
    /// into a leaf that requires grad (a parameter: update it inside
    /// `no_grad`, or write into a copy), or anything into the stand-in of
    /// a nested transform's input.
    /// Without anything tracked it is a plain element update (`assign`).
    public func writeIndexed(_ items: [TensorIndex], value: Tensor) throws {
        try writeIndexedCounting(items, value: value)
    }

    /// `writeIndexed`, returning how many records the cycle-cutting walk
    /// visited (tests check it stays proportional to the new records).
    @discardableResult
    func writeIndexedCounting(_ items: [TensorIndex], value: Tensor) throws -> Int {
        // a bool or int64 tensor is never tracked: the write is a plain update
        guard GradMode.isEnabled, dtype.isFloatingPoint, value.isTracked || gradFn != nil else {
            try assign(indexPut(items, value: value))
            return 0
        }
        if gradFn == nil && requiresGrad {
            throw TensorError(op: "indexPut", "cannot write a tracked value into a leaf that requires grad (a parameter, or the input of a transform): the gradient would be lost; update a parameter inside no_grad(() => ...), or write into a copy (p * 1)")
        }
        if gradFn?.op == .identity {
            throw TensorError(op: "indexPut", "cannot write into the input of a transform (grad, jacobian, hessian, hvp): the derivative with respect to it would be ambiguous; write into a copy (x * 1)")
        }
        let old = Tensor(shape: shape, storage: storage)
        old.gradFn = gradFn
        // The version this tensor takes below: an op that read this tensor
        // before the write and is pointed at `old` still fails
        // `checkVersions` when its rule reads values, as it did on `self`.
        old.version = version &+ 1
        let updated = try old.indexPut(items, value: value)
        earlier.append(old)
        history &+= 1
        storage = updated.storage
        gradFn = updated.gradFn
        version &+= 1
        // An op pointed at `old` that fails `checkVersions` names this
        // tensor's write site, as it did when it held the tensor (none once
        // the tensor is gone).
        old.writeSite = { [weak self] in self?.writeSite?() ?? "" }
        return cutReads(from: gradFn, old: old)
    }

    /// `writeIndexed` with a number.
    public func writeIndexed(_ items: [TensorIndex], value: Double) throws {
        try writeIndexed(items, value: scalar(value))
    }

    /// Points every op reachable from `head` (this tensor's new record) that
    /// holds this tensor at the state it read, `earlier[h]` for its recorded
    /// history number `h`, which breaks the cycle through this tensor.
    ///
    /// Every input the walk passes that an index write has given a new
    /// history since the op read it (this tensor, or another) is pointed at
    /// the state the op read, exactly what `resolvedInputs` gives backward,
    /// and the walk goes on into that state. So what it visits holds only
    /// leaves, immutable earlier states, and tensors at the state it saw.
    ///
    /// The walk stops at leaves and at records known to be reachable from
    /// this tensor before the write: its former record (now `old`'s) and
    /// every record an earlier write's walk visited. Those cannot reach this
    /// tensor (the graph had no cycle through it), and stay reachable from
    /// it: a later write of a tensor they hold either leaves the op holding
    /// it (its earlier states stay in `earlier`) or points the op at the
    /// state it read, the one visited. Their set travels with the tensor's
    /// newest record (`GradFn.reached`), so over a recurrence of T steps
    /// each record is visited once per tensor written, not T times, and
    /// ordinary ops (no index write) never pay for it. Returns the records
    /// visited.
    private func cutReads(from head: GradFn?, old: Tensor) -> Int {
        guard let head else { return 0 }
        let box = old.gradFn?.reached ?? ReachedRecords()
        old.gradFn?.reached = nil
        var reached = box.ids
        box.ids = []
        if let former = old.gradFn { reached.insert(ObjectIdentifier(former)) }
        reached.insert(ObjectIdentifier(head))
        var stack = [head], visited = 0
        while let fn = stack.popLast() {
            visited += 1
            // Taken out and put back whole: an in-place `fn.inputs[i] = ...`
            // would cost every ordinary op an exclusivity check on `inputs`.
            var inputs = fn.inputs
            fn.inputs = []
            for i in inputs.indices {
                var x = inputs[i]
                let h = i < fn.histories.count ? fn.histories[i] : 0
                if x.history != h && h >= 0 && h < x.earlier.count {
                    x = x.earlier[h]
                    inputs[i] = x
                }
                if let g = x.gradFn, reached.insert(ObjectIdentifier(g)).inserted { stack.append(g) }
            }
            fn.inputs = inputs
        }
        box.ids = reached
        head.reached = box
        return visited
    }
}

/// The records known to be reachable from a tensor that index writes gave
/// new records (`GradFn.reached`, kept on its newest record). They stay
/// alive while the tensor does, so their identities are not reused.
final class ReachedRecords {
    var ids: Set<ObjectIdentifier> = []
}
