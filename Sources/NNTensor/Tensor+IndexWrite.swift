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
    /// Refused, since the gradient would be lost: writing a tracked value
    /// into a leaf that requires grad (a parameter: update it inside
    /// `no_grad`, or write into a copy), or anything into the stand-in of
    /// a nested transform's input.
    /// Without anything tracked it is a plain element update (`assign`).
    public func writeIndexed(_ items: [TensorIndex], value: Tensor) throws {
        guard GradMode.isEnabled, value.isTracked || gradFn != nil else {
            try assign(indexPut(items, value: value))
            return
        }
        if gradFn == nil && requiresGrad {
            throw TensorError(op: "indexPut", "cannot write a tracked value into a leaf that requires grad (a parameter, or the input of a transform): the gradient would be lost; update a parameter inside no_grad(() => ...), or write into a copy (p * 1)")
        }
        if gradFn?.op == .identity {
            throw TensorError(op: "indexPut", "cannot write into the input of a transform (grad, jacobian, hessian, hvp): the derivative with respect to it would be ambiguous; write into a copy (x * 1)")
        }
        let old = Tensor(shape: shape, storage: storage)
        old.gradFn = gradFn
        let updated = try old.indexPut(items, value: value)
        earlier.append(old)
        history &+= 1
        storage = updated.storage
        gradFn = updated.gradFn
        version &+= 1
    }

    /// `writeIndexed` with a number.
    public func writeIndexed(_ items: [TensorIndex], value: Double) throws {
        try writeIndexed(items, value: scalar(value))
    }
}
