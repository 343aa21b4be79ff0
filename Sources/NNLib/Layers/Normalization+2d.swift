import NNTensor

/// Batch normalisation of `[N, C, H, W]` images per channel, exactly as
/// `torch.nn.BatchNorm2d(C)`: the statistics of channel `c` are taken over
/// the batch and every position (`N·H·W` values), otherwise as ``BatchNorm``:
/// ```
/// train:  μ_c = mean(x[:, c]),  σ²_c = mean((x[:, c] - μ_c)²)          # biased, over N, H, W
///         y = (x - μ) / sqrt(σ² + eps) * weight + bias                 # per channel
///         runningMean = (1 - momentum) * runningMean + momentum * μ
///         runningVar  = (1 - momentum) * runningVar  + momentum * σ² * m / (m - 1),   m = N·H·W
/// eval:   y = (x - runningMean) / sqrt(runningVar + eps) * weight + bias
/// ```
/// with `eps = 1e-5`, `momentum = 0.1`. Training with one value per channel
/// (`N·H·W = 1`) is an error, as in PyTorch.
public final class BatchNorm2d: Module {
    public let channels: Int
    public let eps: Double
    public let momentum: Double
    public let weight: Tensor
    public let bias: Tensor
    public let runningMean: Tensor
    public let runningVar: Tensor
    /// The number of training batches seen (PyTorch's `num_batches_tracked`),
    /// an int64 0-d tensor as PyTorch's.
    public let batchesTracked: Tensor

    public init(_ channels: Int, eps: Double = 1e-5, momentum: Double = 0.1, dtype: DType = .float32) throws {
        guard channels >= 1 else {
            throw TensorError(op: "BatchNorm2d", "the number of channels must be >= 1, got \(channels)")
        }
        guard eps.isFinite, eps > 0, momentum.isFinite, momentum >= 0, momentum <= 1 else {
            throw TensorError(op: "BatchNorm2d", "eps must be > 0 and momentum in [0, 1], got eps \(eps) and momentum \(momentum)")
        }
        self.channels = channels
        self.eps = eps
        self.momentum = momentum
        weight = try Tensor.ones([channels], dtype: dtype).requiringGrad()
        bias = try Tensor.zeros([channels], dtype: dtype).requiringGrad()
        runningMean = try Tensor.zeros([channels], dtype: dtype)
        runningVar = try Tensor.ones([channels], dtype: dtype)
        batchesTracked = Tensor(scalar: 0, dtype: .int64)
    }

    /// A copy of `other` with its parameters and running statistics copied through `copier`.
    private init(copying other: BatchNorm2d, _ copier: ModuleCopier) {
        channels = other.channels
        eps = other.eps
        momentum = other.momentum
        weight = copier.tensor(other.weight)
        bias = copier.tensor(other.bias)
        runningMean = copier.tensor(other.runningMean)
        runningVar = copier.tensor(other.runningVar)
        batchesTracked = copier.tensor(other.batchesTracked)
    }

    override public func copy(with copier: ModuleCopier) throws -> Module { BatchNorm2d(copying: self, copier) }

    override public var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }
    override public var ownBuffers: [(name: String, tensor: Tensor)] {
        [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", batchesTracked)]
    }

    override public var typeName: String { "BatchNorm2d(\(channels), eps=\(eps), momentum=\(momentum))" }

    override public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4, x.shape[1] == channels else {
            throw TensorError(op: "BatchNorm2d", "expects input of layout [N, C, H, W] with C = \(channels), got shape \(x.shape)\(x.rank == 2 ? " (for [N, features] use BatchNorm)" : "")")
        }
        guard x.dtype == weight.dtype else {
            throw TensorError(op: "BatchNorm2d", "input is \(x.dtype) but the layer is \(weight.dtype); convert one with .to(\"\(weight.dtype)\")")
        }
        let perChannel = [1, channels, 1, 1]
        let w = try weight.reshape(perChannel), b = try bias.reshape(perChannel)
        guard isTraining else {
            return try (x - runningMean.reshape(perChannel)) / (runningVar.reshape(perChannel) + eps).sqrt() * w + b
        }
        let m = x.shape[0] * x.shape[2] * x.shape[3]   // ≤ x.count, which fits
        guard m > 1 else {
            throw TensorError(op: "BatchNorm2d", "expected more than 1 value per channel when training, got input of shape \(x.shape) (batch statistics of one value are undefined; call model.eval() or use a larger batch)")
        }
        let axes = [0, 2, 3]
        let mu = try x.mean(axes: axes, keepdims: true)
        let centred = try x - mu
        let variance = try (centred * centred).mean(axes: axes, keepdims: true)
        try GradMode.noGrad {
            let unbiased = try variance.detach().reshape([channels]) * (Double(m) / Double(m - 1))
            try runningMean.assign(runningMean * (1 - momentum) + mu.detach().reshape([channels]) * momentum)
            try runningVar.assign(runningVar * (1 - momentum) + unbiased * momentum)
            try batchesTracked.assign(batchesTracked + 1)
        }
        return try centred / (variance + eps).sqrt() * w + b
    }
}
