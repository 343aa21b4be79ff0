extension Tensor {
    /// Replaces the elements in place with `other`'s, taking its dtype too
    /// (`assign` keeps this tensor's dtype and converts). Keeps identity,
    /// `grad` and `requiresGrad`; only on a leaf, with the same shape.
    ///
    /// For a tool that must run a model's own layers, which read their
    /// parameter tensors directly, at another precision: the Hessian tools
    /// widen Float32 parameters and buffers to Float64 for each evaluation
    /// and put the originals back with this after.
    public func replaceElements(with other: Tensor) throws {
        guard gradFn == nil else {
            throw TensorError(op: "replace", "cannot replace the elements of a tensor that is the result of a recorded op; use a leaf (a parameter)")
        }
        guard other.shape == shape else {
            throw TensorError(op: "replace", "shape \(fmt(other.shape)) does not match \(fmt(shape))")
        }
        storage = other.storage
    }
}
