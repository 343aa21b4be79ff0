import NNTensor

/// Ops NNLib composes privately from NNTensor primitives.
extension Tensor {
    /// `log softmax` along the last axis of a `[N, C]` tensor, composed from
    /// primitives:
    /// ```
    /// m = max(x, axis 1)          (detached: the result does not depend on the shift)
    /// z = x - m
    /// logSoftmax = z - log Σ exp(z)
    /// ```
    /// Used by the losses instead of `Tensor.logSoftmax` because that
    /// kernel's row tail (`Kernels.rowExpSum`) reads past its 8-lane vector
    /// when a row has 9 to 15 elements modulo 16 (10 classes crash); switch
    /// back once it is fixed.
    func rowLogSoftmax() throws -> Tensor {
        let m = try detach().max(axes: [1], keepdims: true)
        let z = try self - m
        return try z - z.exp().sum(axes: [1], keepdims: true).log()
    }
}
