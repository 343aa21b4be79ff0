/// 2-d convolution and pooling over NCHW images, as PyTorch's
/// `F.conv2d`, `F.max_pool2d`, `F.avg_pool2d` and `F.unfold`/`F.fold`.
///
/// Two primitives carry every gradient: `unfold` (im2col: each window's
/// elements become a column) and `fold` (col2im, its adjoint: columns
/// summed back into the image). Both are linear and each one's gradient is
/// the other, so derivatives of any order flow through. A convolution is
/// `unfold`, a matrix product with the weight (BLAS) and a reshape; average
/// pooling is `unfold` and a mean; max pooling gathers each window's argmax
/// (the `index` primitive, whose gradient scatters back to it).
extension Tensor {
    /// The windows of an `[N, C, H, W]` batch as columns `[N, C·kh·kw, OH·OW]`,
    /// as `torch.nn.functional.unfold` (zero padding on each side):
    /// ```
    /// out[n, (c·kh + i)·kw + j, oh·OW + ow] = x[n, c, oh·sh - ph + i, ow·sw - pw + j]
    /// ```
    /// Gradient: `fold` of `g` (col2im), which adds each column element back
    /// where it was read from.
    public func unfold(kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws -> Tensor {
        let g = try ConvGeometry(input: shape, kernel: kernel, stride: stride, padding: padding, op: "unfold")
        return try unfolded(g, op: "unfold")
    }

    /// Columns `[N, C·kh·kw, OH·OW]` summed back into an image of
    /// `g.inputShape`, as `torch.nn.functional.fold`: the adjoint of
    /// `unfold` with the same geometry (overlapping windows add up).
    /// Gradient: `unfold` of `g`.
    public func fold(_ g: ConvGeometry) throws -> Tensor {
        guard shape == g.columnsShape else {
            throw TensorError(op: "fold", "expects columns of shape \(fmt(g.columnsShape)) ([N, C·kh·kw, OH·OW]) for this geometry, got \(fmt(shape))")
        }
        return try folded(g, op: "fold")
    }

    /// im2col (recorded as `unfold`).
    func unfolded(_ g: ConvGeometry, op: String) throws -> Tensor {
        try Shape.reserve(g.columnsShape, dtype: dtype, op: op)
        let out: Tensor
        switch storage {
        case .float32(let x): out = Tensor(shape: g.columnsShape, storage: .float32(Kernels.im2col(x, g)))
        case .float64(let x): out = Tensor(shape: g.columnsShape, storage: .float64(Kernels.im2col(x, g)))
        case .bool, .int64: throw TensorError(op: op, "expects a float32 or float64 tensor, got \(dtype); convert it with .to(\"float32\")")
        }
        return Tensor.record(.unfold, out, [self]) { grad, _ in [try grad.folded(g, op: op)] }
    }

    /// col2im (recorded as `fold`).
    func folded(_ g: ConvGeometry, op: String) throws -> Tensor {
        try Shape.reserve(g.inputShape, dtype: dtype, op: op)
        let out: Tensor
        switch storage {
        case .float32(let x): out = Tensor(shape: g.inputShape, storage: .float32(Kernels.col2im(x, g)))
        case .float64(let x): out = Tensor(shape: g.inputShape, storage: .float64(Kernels.col2im(x, g)))
        case .bool, .int64: throw TensorError(op: op, "expects a float32 or float64 tensor, got \(dtype); convert it with .to(\"float32\")")
        }
        return Tensor.record(.fold, out, [self]) { grad, _ in [try grad.unfolded(g, op: op)] }
    }

    /// The 2-d convolution (cross-correlation, as every framework) of an
    /// `[N, C, H, W]` batch with `weight` `[O, C, kh, kw]` and an optional
    /// `bias` `[O]`, as `torch.nn.functional.conv2d`:
    /// ```
    /// y[n, o, oh, ow] = b[o] + Σ_{c,i,j} w[o, c, i, j] · x[n, c, oh·sh - ph + i, ow·sw - pw + j]
    /// ```
    /// computed as `W.reshape([O, C·kh·kw]) @ unfold(x)` (im2col + GEMM), so
    /// its gradients (and theirs) are those of `unfold`, `matmul` and `reshape`.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                       padding: (Int, Int) = (0, 0)) throws -> Tensor {
        guard weight.rank == 4 else {
            throw TensorError(op: "conv2d", "weight must have layout [out_channels, in_channels, kh, kw], got shape \(fmt(weight.shape))")
        }
        let o = weight.shape[0]
        let g = try ConvGeometry(input: shape, kernel: (weight.shape[2], weight.shape[3]), stride: stride,
                                 padding: padding, op: "conv2d")
        guard weight.shape[1] == g.channels, o >= 1 else {
            throw TensorError(op: "conv2d", "the input has \(g.channels) channels (shape \(fmt(shape)), layout [N, C, H, W]) but the weight \(fmt(weight.shape)) expects \(weight.shape[1])")
        }
        for t in [self, weight] + (bias.map { [$0] } ?? []) where !t.dtype.isFloatingPoint {
            throw TensorError(op: "conv2d", "expects float32 or float64 tensors, got \(t.dtype); convert it with .to(\"float32\")")
        }
        try Tensor.checkSameDType([self, weight] + (bias.map { [$0] } ?? []), op: "conv2d")
        if let bias, bias.shape != [o] {
            throw TensorError(op: "conv2d", "bias must have shape [\(o)] (one per output channel), got \(fmt(bias.shape))")
        }
        let outShape = [g.batch, o, g.outHeight, g.outWidth]
        try Shape.reserve(outShape, dtype: dtype, op: "conv2d")
        let cols = try unfolded(g, op: "conv2d")
        var y = try weight.reshape([o, g.patchSize]).matmul(cols).reshape(outShape)
        if let bias { y = try y + bias.reshape([1, o, 1, 1]) }
        return y
    }

    /// Max pooling of an `[N, C, H, W]` batch over `kernel` windows moved by
    /// `stride` (default: the kernel, so windows do not overlap), without
    /// padding, as `torch.nn.functional.max_pool2d`:
    /// `y[n, c, oh, ow] = max_{i,j} x[n, c, oh·sh + i, ow·sw + j]`.
    /// Gradient: `g` routed to each window's argmax (the first of equal
    /// maxima in row-major window order, as PyTorch), added up where windows
    /// overlap; it is the gradient of a gather (`index`).
    public func maxPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil) throws -> Tensor {
        let g = try ConvGeometry(input: shape, kernel: kernel, stride: stride ?? kernel, padding: (0, 0), op: "max_pool2d", pads: false)
        let offsets: [Int]
        switch storage {
        case .float32(let x): offsets = Kernels.maxPoolArgmax(x, g)
        case .float64(let x): offsets = Kernels.maxPoolArgmax(x, g)
        case .bool, .int64: throw TensorError(op: "max_pool2d", "expects a float32 or float64 tensor, got \(dtype); convert it with .to(\"float32\")")
        }
        let outShape = [g.batch, g.channels, g.outHeight, g.outWidth]
        let plan = try IndexPlan([.list(offsets)], shape: [count], op: "max_pool2d")
        return try reshape([count]).gathered(plan).reshape(outShape)
    }

    /// Average pooling of an `[N, C, H, W]` batch over `kernel` windows moved
    /// by `stride` (default: the kernel), without padding, as
    /// `torch.nn.functional.avg_pool2d`:
    /// `y[n, c, oh, ow] = (1 / (kh·kw)) Σ_{i,j} x[n, c, oh·sh + i, ow·sw + j]`,
    /// computed as the mean of each channel's `unfold` columns.
    public func avgPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil) throws -> Tensor {
        let g = try ConvGeometry(input: shape, kernel: kernel, stride: stride ?? kernel, padding: (0, 0), op: "avg_pool2d", pads: false)
        // each channel as its own one-channel image: columns [N·C, kh·kw, OH·OW]
        let planes = try reshape([g.batch * g.channels, 1, g.height, g.width])
        let pg = try ConvGeometry(input: planes.shape, kernel: kernel, stride: stride ?? kernel, padding: (0, 0), op: "avg_pool2d", pads: false)
        return try planes.unfolded(pg, op: "avg_pool2d").mean(axes: [1])
            .reshape([g.batch, g.channels, g.outHeight, g.outWidth])
    }
}
