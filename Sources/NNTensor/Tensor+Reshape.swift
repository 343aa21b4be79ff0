/// Reshaping: the same elements under a new shape.
extension Tensor {
    /// The same elements with `shape`; one dimension may be -1 and is then
    /// inferred. Shares storage (copy-on-write). Gradient: `g.reshape(input.shape)`.
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        var target = newShape
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        guard unknown.count <= 1 else {
            throw TensorError(op: "reshape", "only one dimension can be -1, got \(fmt(newShape))")
        }
        for d in newShape where d < -1 {
            throw TensorError(op: "reshape", "invalid dimension \(d) in \(fmt(newShape))")
        }
        if let u = unknown.first {
            var known = 1
            for (i, d) in newShape.enumerated() where i != u {
                let (m, o) = known.multipliedReportingOverflow(by: d)
                guard !o else { throw TensorError(op: "reshape", "shape \(fmt(newShape)) is too large") }
                known = m
            }
            guard known > 0, count % known == 0 else {
                throw TensorError(op: "reshape", "cannot reshape a tensor of shape \(fmt(shape)) (\(count) elements) into \(fmt(newShape))")
            }
            target[u] = count / known
        }
        let n = try Shape.count(target, op: "reshape")
        guard n == count else {
            throw TensorError(op: "reshape", "cannot reshape a tensor of shape \(fmt(shape)) (\(count) elements) into \(fmt(newShape)) (\(n) elements)")
        }
        if target == shape { return self }
        let out = Tensor(shape: target, storage: storage)
        return Tensor.record(.reshape, out, [self]) { g, ctx in [try g.reshape(ctx.inputs[0].shape)] }
    }
}
