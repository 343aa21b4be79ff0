/// Broadcasting a tensor to a larger shape, and its adjoint: summing a
/// broadcast gradient back to the shape it came from. These two ops are the
/// one place where broadcasting meets autodiff.
extension Tensor {
    /// This tensor broadcast to `shape` (NumPy rules), as `broadcast_to`/`expand`.
    /// Gradient: `g.sumTo(input.shape)`.
    public func expand(_ shape: [Int]) throws -> Tensor {
        if shape == self.shape { return self }
        let b = try Shape.broadcast(self.shape, shape, op: "expand")
        guard b == shape else {
            throw TensorError(op: "expand", "cannot broadcast shape \(fmt(self.shape)) to \(fmt(shape))")
        }
        try Shape.reserve(shape, dtype: dtype, op: "expand")
        let out: Tensor
        switch storage {
        case .float32(let x):
            out = Tensor(shape: shape, storage: .float32(Kernels.zip(x, self.shape, [0], [], shape, { a, _ in a })))
        case .float64(let x):
            out = Tensor(shape: shape, storage: .float64(Kernels.zip(x, self.shape, [0], [], shape, { a, _ in a })))
        case .bool:
            return try keepingBool { try $0.expand(shape) }
        case .int64(let x):
            return Tensor(shape: shape, storage: .int64(Kernels.zip(x, self.shape, [0], [], shape, { a, _ in a })))
        }
        return Tensor.record(.expand, out, [self]) { g, ctx in [try g.sumTo(ctx.inputs[0].shape)] }
    }

    /// Sums this tensor down to `shape`, a shape that broadcasts to this one:
    /// leading dimensions are summed away and dimensions of size 1 in `shape`
    /// are summed with keepdims. Gradient: `g.expand(input.shape)`.
    public func sumTo(_ shape: [Int]) throws -> Tensor {
        if shape == self.shape { return self }
        let b = try? Shape.broadcast(shape, self.shape, op: "sumTo")
        guard b == self.shape else {
            throw TensorError(op: "sumTo", "shape \(fmt(self.shape)) cannot be summed to \(fmt(shape))")
        }
        // an empty [0, 2**31] summed over axis 0 asks for 2**31 elements
        try Shape.reserve(shape, dtype: isBool ? .float32 : dtype, op: "sum")
        let out: Tensor
        switch storage {
        case .float32(let x): out = Tensor(shape: shape, storage: .float32(Tensor.sumKernel(x, self.shape, shape)))
        case .float64(let x): out = Tensor(shape: shape, storage: .float64(Tensor.sumKernel(x, self.shape, shape)))
        case .bool: return try asFloat.sumTo(shape)
        case .int64(let x):
            // int64 sums wrap on overflow, as NumPy and PyTorch
            let lead = self.shape.count - shape.count
            var axes = Array(0..<lead)
            for (i, d) in shape.enumerated() where d == 1 { axes.append(lead + i) }
            return Tensor(shape: shape, storage: .int64(Kernels.reduceInt64(.sum, x, self.shape, axes)))
        }
        return Tensor.record(.sumTo, out, [self]) { g, ctx in [try g.expand(ctx.inputs[0].shape)] }
    }

    /// Sums `x` (of `inShape`) into `outShape`, which broadcasts to `inShape`:
    /// the pairwise reduction kernel (`Kernels.reduce`) over the leading
    /// dimensions `outShape` lacks and those where it has 1. Both layouts
    /// agree, since reduced dimensions are kept as 1.
    static func sumKernel<T: TensorScalar>(_ x: [T], _ inShape: [Int], _ outShape: [Int]) -> [T] {
        let lead = inShape.count - outShape.count
        var axes = Array(0..<lead)
        for (i, d) in outShape.enumerated() where d == 1 { axes.append(lead + i) }
        return Kernels.reduce(.sum, x, inShape, axes)
    }

    /// The sum over `axes` (all when nil), keeping reduced dimensions as 1
    /// when `keepdims`. Built from `sumTo` and `reshape`.
    public func sum(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        if isBool { return try asFloat.sum(axes: axes, keepdims: keepdims) }
        // a 0-d tensor accepts axis 0 / -1 (as PyTorch does) and reduces nothing
        let ax = try Shape.axes(axes, rank: rank, op: "sum").filter { $0 < rank }
        var kept = shape
        for a in ax { kept[a] = 1 }
        let s = try sumTo(kept)
        if keepdims { return s }
        let squeezed = shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element)
        return try s.reshape(squeezed)
    }
}
