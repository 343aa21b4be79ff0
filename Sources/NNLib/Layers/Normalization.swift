import NNTensor

/// Batch normalisation over `[N, C]` input, exactly as `torch.nn.BatchNorm1d(C)`
/// (Ioffe and Szegedy, 2015).
///
/// Training mode normalises with the batch's own statistics and updates the
/// running estimates; evaluation mode uses the running estimates:
/// ```
/// train:  μ = mean(x, axis 0),  σ² = mean((x - μ)², axis 0)        # biased
///         y = (x - μ) / sqrt(σ² + eps) * weight + bias
///         runningMean = (1 - momentum) * runningMean + momentum * μ
///         runningVar  = (1 - momentum) * runningVar  + momentum * σ² * N / (N - 1)   # unbiased
/// eval:   y = (x - runningMean) / sqrt(runningVar + eps) * weight + bias
/// ```
/// with `eps = 1e-5`, `momentum = 0.1`, `weight` starting at 1 and `bias` at
/// 0, `runningMean` at 0 and `runningVar` at 1. A batch of one sample in
/// training mode is an error, as in PyTorch: its variance is undefined.
public final class BatchNorm: Module {
    public let features: Int
    public let eps: Double
    public let momentum: Double
    public let weight: Tensor
    public let bias: Tensor
    public let runningMean: Tensor
    public let runningVar: Tensor
    /// The number of training batches seen (PyTorch's `num_batches_tracked`),
    /// an int64 0-d tensor as PyTorch's.
    public let batchesTracked: Tensor

    public init(_ features: Int, eps: Double = 1e-5, momentum: Double = 0.1, dtype: DType = .float32) throws {
        guard features >= 1 else {
            throw TensorError(op: "BatchNorm", "the number of features must be >= 1, got \(features)")
        }
        guard eps.isFinite, eps > 0, momentum.isFinite, momentum >= 0, momentum <= 1 else {
            throw TensorError(op: "BatchNorm", "eps must be > 0 and momentum in [0, 1], got eps \(eps) and momentum \(momentum)")
        }
        self.features = features
        self.eps = eps
        self.momentum = momentum
        weight = try Tensor.ones([features], dtype: dtype).requiringGrad()
        bias = try Tensor.zeros([features], dtype: dtype).requiringGrad()
        runningMean = try Tensor.zeros([features], dtype: dtype)
        runningVar = try Tensor.ones([features], dtype: dtype)
        batchesTracked = Tensor(scalar: 0, dtype: .int64)
    }

    /// A copy of `other` with its parameters and running statistics copied through `copier`.
    private init(copying other: BatchNorm, _ copier: ModuleCopier) {
        features = other.features
        eps = other.eps
        momentum = other.momentum
        weight = copier.tensor(other.weight)
        bias = copier.tensor(other.bias)
        runningMean = copier.tensor(other.runningMean)
        runningVar = copier.tensor(other.runningVar)
        batchesTracked = copier.tensor(other.batchesTracked)
    }

    override public func copy(with copier: ModuleCopier) throws -> Module { BatchNorm(copying: self, copier) }

    override public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }
    override public var ownBuffers: [(name: String, tensor: Tensor)] {
        [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", batchesTracked)]
    }

    override public var typeName: String { "BatchNorm1d(\(features), eps=\(eps), momentum=\(momentum))" }

    override public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 2, x.shape[1] == features else {
            throw TensorError(op: "BatchNorm", "expected input of shape [N, \(features)], got \(x.shape)")
        }
        guard x.dtype == weight.dtype else {
            throw TensorError(op: "BatchNorm", "input is \(x.dtype) but the layer is \(weight.dtype); convert one with .to(\"\(weight.dtype)\")")
        }
        guard isTraining else {
            return try (x - runningMean) / (runningVar + eps).sqrt() * weight + bias
        }
        let n = x.shape[0]
        guard n > 1 else {
            throw TensorError(op: "BatchNorm", "expected more than 1 value per channel when training, got input of shape \(x.shape) (batch statistics of one sample are undefined; call model.eval() or use a larger batch)")
        }
        let mu = try x.mean(axes: [0])
        let centred = try x - mu
        let variance = try (centred * centred).mean(axes: [0])
        try GradMode.noGrad {
            let unbiased = try variance.detach() * (Double(n) / Double(n - 1))
            try runningMean.assign(runningMean * (1 - momentum) + mu.detach() * momentum)
            try runningVar.assign(runningVar * (1 - momentum) + unbiased * momentum)
            try batchesTracked.assign(batchesTracked + 1)
        }
        return try centred / (variance + eps).sqrt() * weight + bias
    }
}

/// Layer normalisation over the trailing `normalizedShape` dimensions, as
/// `torch.nn.LayerNorm` (Ba, Kiros and Hinton, 2016): each sample is
/// normalised by its own statistics, the same in training and evaluation.
/// ```
/// μ  = mean(x over the last k dims),  σ² = mean((x - μ)²)      # biased
/// y  = (x - μ) / sqrt(σ² + eps) * weight + bias                # weight 1, bias 0 at start
/// ```
public final class LayerNorm: Module {
    public let normalizedShape: [Int]
    public let eps: Double
    public let weight: Tensor?
    public let bias: Tensor?

    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true,
                dtype: DType = .float32) throws {
        guard !normalizedShape.isEmpty, normalizedShape.allSatisfy({ $0 >= 1 }) else {
            throw TensorError(op: "LayerNorm", "normalized_shape must be a non-empty list of positive sizes, got \(normalizedShape)")
        }
        guard eps.isFinite, eps > 0 else {
            throw TensorError(op: "LayerNorm", "eps must be > 0, got \(eps)")
        }
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? try Tensor.ones(normalizedShape, dtype: dtype).requiringGrad() : nil
        bias = elementwiseAffine ? try Tensor.zeros(normalizedShape, dtype: dtype).requiringGrad() : nil
    }

    /// `LayerNorm(features)` for a single trailing dimension.
    public convenience init(_ features: Int, eps: Double = 1e-5, dtype: DType = .float32) throws {
        try self.init([features], eps: eps, dtype: dtype)
    }

    /// A copy of `other` with its parameters copied through `copier`.
    private init(copying other: LayerNorm, _ copier: ModuleCopier) {
        normalizedShape = other.normalizedShape
        eps = other.eps
        weight = other.weight.map(copier.tensor)
        bias = other.bias.map(copier.tensor)
    }

    override public func copy(with copier: ModuleCopier) throws -> Module { LayerNorm(copying: self, copier) }

    override public var ownParameters: [(name: String, tensor: Tensor)] {
        guard let weight, let bias else { return [] }
        return [("weight", weight), ("bias", bias)]
    }

    override public var typeName: String {
        "LayerNorm((\(normalizedShape.map(String.init).joined(separator: ", "))\(normalizedShape.count == 1 ? "," : "")), eps=\(eps), elementwise_affine=\(weight == nil ? "False" : "True"))"
    }

    override public func forward(_ x: Tensor) throws -> Tensor {
        let k = normalizedShape.count
        guard x.rank >= k, Array(x.shape.suffix(k)) == normalizedShape else {
            throw TensorError(op: "LayerNorm", "expected input whose last dimensions are \(normalizedShape), got shape \(x.shape)")
        }
        let axes = Array((x.rank - k)..<x.rank)
        let centred = try x - x.mean(axes: axes, keepdims: true)
        let variance = try (centred * centred).mean(axes: axes, keepdims: true)
        let y = try centred / (variance + eps).sqrt()
        guard let weight, let bias else { return y }
        return try y * weight + bias
    }
}
