import NNTensor

/// A 2-d convolution over `[N, C, H, W]` images, as `torch.nn.Conv2d`.
///
/// The weight is stored `[out, in, kh, kw]` and the bias `[out]`, as in
/// PyTorch (so `0.weight` loads into `nn.Conv2d`):
/// ```
/// y[n, o, oh, ow] = b[o] + Σ_{c,i,j} W[o, c, i, j] · x[n, c, oh·sh - ph + i, ow·sw - pw + j]
/// ```
/// with zero padding `ph × pw` on each side. Initialisation is PyTorch's
/// default, `kaiming_uniform_(a=√5)` on the weight and the same bound on the
/// bias, which with `fan_in = in · kh · kw` works out to
/// ```
/// W ~ U(-1/√fan_in, 1/√fan_in),   b ~ U(-1/√fan_in, 1/√fan_in)
/// ```
/// drawn weight first, then bias.
public final class Conv2d: Module {
    public let inChannels: Int
    public let outChannels: Int
    public let kernel: (Int, Int)
    public let stride: (Int, Int)
    public let padding: (Int, Int)
    public let weight: Tensor
    public let bias: Tensor?

    /// A layer with PyTorch's initialisation drawn from `rng`.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), bias: Bool = true, dtype: DType = .float32,
                rng: inout RandomGenerator) throws {
        try Conv2d.check(inChannels, outChannels, kernel, stride, padding)
        let fanIn = try Shape.count([inChannels, kernel.0, kernel.1], op: "Conv2d")
        _ = try Shape.count([outChannels, inChannels, kernel.0, kernel.1], op: "Conv2d")
        let bound = 1 / Double(fanIn).squareRoot()
        weight = try Tensor.uniform(-bound, bound, [outChannels, inChannels, kernel.0, kernel.1], dtype: dtype,
                                    using: &rng).requiringGrad()
        self.bias = bias ? try Tensor.uniform(-bound, bound, [outChannels], dtype: dtype, using: &rng).requiringGrad() : nil
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// A layer with the given weight `[out, in, kh, kw]` and optional bias
    /// `[out]` (used as they are: they become this layer's parameters).
    public init(weight: Tensor, bias: Tensor?, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0)) throws {
        guard weight.rank == 4 else {
            throw TensorError(op: "Conv2d", "weight must have layout [out, in, kh, kw], got \(weight.shape)")
        }
        let s = weight.shape
        try Conv2d.check(s[1], s[0], (s[2], s[3]), stride, padding)
        if let bias, bias.shape != [s[0]] || bias.dtype != weight.dtype {
            throw TensorError(op: "Conv2d", "bias must have shape [\(s[0])] and dtype \(weight.dtype), got \(bias.shape) \(bias.dtype)")
        }
        inChannels = s[1]; outChannels = s[0]; kernel = (s[2], s[3])
        self.stride = stride
        self.padding = padding
        self.weight = weight
        self.bias = bias
    }

    private static func check(_ i: Int, _ o: Int, _ k: (Int, Int), _ s: (Int, Int), _ p: (Int, Int)) throws {
        guard i >= 1, o >= 1 else {
            throw TensorError(op: "Conv2d", "in_channels and out_channels must be >= 1, got \(i) and \(o)")
        }
        guard k.0 >= 1, k.1 >= 1 else { throw TensorError(op: "Conv2d", "kernel_size must be >= 1, got \(k.0)x\(k.1)") }
        guard s.0 >= 1, s.1 >= 1 else { throw TensorError(op: "Conv2d", "stride must be >= 1, got \(s.0)x\(s.1)") }
        guard p.0 >= 0, p.1 >= 0 else { throw TensorError(op: "Conv2d", "padding must be >= 0, got \(p.0)x\(p.1)") }
    }

    override public var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    override public var typeName: String {
        var s = "Conv2d(\(inChannels), \(outChannels), kernel_size=\(pair(kernel)), stride=\(pair(stride))"
        if padding != (0, 0) { s += ", padding=\(pair(padding))" }
        return s + (bias == nil ? ", bias=False)" : ")")
    }

    override public func copy(with copier: ModuleCopier) throws -> Module {
        try Conv2d(weight: copier.tensor(weight), bias: bias.map(copier.tensor), stride: stride, padding: padding)
    }

    override public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4, x.shape[1] == inChannels else {
            throw TensorError(op: "Conv2d(\(inChannels), \(outChannels))", "expects input of layout [N, C, H, W] with C = \(inChannels), got shape \(x.shape)\(x.rank == 2 ? "; reshape flat images first, e.g. x.reshape([-1, \(inChannels), H, W])" : "")")
        }
        guard x.dtype == weight.dtype else {
            throw TensorError(op: "Conv2d(\(inChannels), \(outChannels))", "input is \(x.dtype) but the layer's weights are \(weight.dtype); convert one with .to(\"\(weight.dtype)\")")
        }
        do { return try x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding) } catch let e as TensorError {
            throw TensorError(e.message.replacingPrefix("conv2d:", with: "Conv2d(\(inChannels), \(outChannels)):"))
        }
    }
}

/// Max pooling over `kernel` windows moved by `stride` (default: the
/// kernel), as `torch.nn.MaxPool2d(kernel_size, stride)`:
/// `y[n, c, oh, ow] = max_{i,j} x[n, c, oh·sh + i, ow·sw + j]`. The gradient
/// goes to each window's largest element (the first of equal ones, as PyTorch).
public final class MaxPool2d: Module {
    public let kernel: (Int, Int)
    public let stride: (Int, Int)

    public init(kernel: (Int, Int), stride: (Int, Int)? = nil) throws {
        try checkWindow(kernel, stride ?? kernel, op: "MaxPool2d")
        self.kernel = kernel
        self.stride = stride ?? kernel
    }

    override public var typeName: String { "MaxPool2d(kernel_size=\(pair(kernel)), stride=\(pair(stride)))" }
    override public func copy(with copier: ModuleCopier) throws -> Module { try MaxPool2d(kernel: kernel, stride: stride) }
    override public func forward(_ x: Tensor) throws -> Tensor {
        do { return try x.maxPool2d(kernel: kernel, stride: stride) } catch let e as TensorError {
            throw TensorError(e.message.replacingPrefix("max_pool2d:", with: "MaxPool2d:"))
        }
    }
}

/// Average pooling over `kernel` windows moved by `stride` (default: the
/// kernel), as `torch.nn.AvgPool2d(kernel_size, stride)`:
/// `y[n, c, oh, ow] = (1 / (kh·kw)) Σ_{i,j} x[n, c, oh·sh + i, ow·sw + j]`.
public final class AvgPool2d: Module {
    public let kernel: (Int, Int)
    public let stride: (Int, Int)

    public init(kernel: (Int, Int), stride: (Int, Int)? = nil) throws {
        try checkWindow(kernel, stride ?? kernel, op: "AvgPool2d")
        self.kernel = kernel
        self.stride = stride ?? kernel
    }

    override public var typeName: String { "AvgPool2d(kernel_size=\(pair(kernel)), stride=\(pair(stride)))" }
    override public func copy(with copier: ModuleCopier) throws -> Module { try AvgPool2d(kernel: kernel, stride: stride) }
    override public func forward(_ x: Tensor) throws -> Tensor {
        do { return try x.avgPool2d(kernel: kernel, stride: stride) } catch let e as TensorError {
            throw TensorError(e.message.replacingPrefix("avg_pool2d:", with: "AvgPool2d:"))
        }
    }
}

/// Throws unless a pooling window and stride are at least 1.
private func checkWindow(_ k: (Int, Int), _ s: (Int, Int), op: String) throws {
    guard k.0 >= 1, k.1 >= 1 else { throw TensorError(op: op, "kernel_size must be >= 1, got \(k.0)x\(k.1)") }
    guard s.0 >= 1, s.1 >= 1 else { throw TensorError(op: op, "stride must be >= 1, got \(s.0)x\(s.1)") }
}

/// A pair as PyTorch prints it: `(3, 3)`.
func pair(_ p: (Int, Int)) -> String { "(\(p.0), \(p.1))" }

extension String {
    /// This string with `prefix` replaced by `replacement` (unchanged without it).
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
