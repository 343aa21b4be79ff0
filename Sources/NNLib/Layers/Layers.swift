import NNTensor

/// A reference to a random generator that layers share with their owner
/// (an interpreter, a test), so Dropout draws from the caller's stream.
public final class RandomSource: @unchecked Sendable {
    public var generator: RandomGenerator

    public init(seed: UInt64) { generator = RandomGenerator(seed: seed) }
    public init(_ generator: RandomGenerator) { self.generator = generator }
}

/// A fully connected layer `y = x @ Wᵀ + b`, as `torch.nn.Linear`.
///
/// The weight is stored `[out, in]` as in PyTorch. Initialisation is
/// PyTorch's default, `kaiming_uniform_(a=√5)`, which works out to
/// ```
/// W ~ U(-1/√in, 1/√in),   b ~ U(-1/√in, 1/√in)
/// ```
/// (gain `√(2/(1+a²)) = √(1/3)` times `√(3/in)`), drawn weight first, then bias.
public final class Linear: Module {
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Tensor
    public let bias: Tensor?

    /// A layer with PyTorch's initialisation drawn from `rng`.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32,
                rng: inout RandomGenerator) throws {
        guard inFeatures >= 1, outFeatures >= 1 else {
            throw TensorError(op: "Linear", "in_features and out_features must be >= 1, got \(inFeatures) and \(outFeatures)")
        }
        let bound = 1 / Double(inFeatures).squareRoot()
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = try Tensor.uniform(-bound, bound, [outFeatures, inFeatures], dtype: dtype, using: &rng).requiringGrad()
        self.bias = bias ? try Tensor.uniform(-bound, bound, [outFeatures], dtype: dtype, using: &rng).requiringGrad() : nil
    }

    /// A layer with the given weight `[out, in]` and optional bias `[out]`
    /// (used as they are: they become this layer's parameters).
    public init(weight: Tensor, bias: Tensor?) throws {
        guard weight.rank == 2 else {
            throw TensorError(op: "Linear", "weight must have shape [out, in], got \(weight.shape)")
        }
        if let bias, bias.shape != [weight.shape[0]] || bias.dtype != weight.dtype {
            throw TensorError(op: "Linear", "bias must have shape [\(weight.shape[0])] and dtype \(weight.dtype), got \(bias.shape) \(bias.dtype)")
        }
        inFeatures = weight.shape[1]
        outFeatures = weight.shape[0]
        self.weight = weight
        self.bias = bias
    }

    override public var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    override public var typeName: String {
        "Linear(in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias == nil ? "False" : "True"))"
    }

    override public func copy(with copier: ModuleCopier) throws -> Module {
        try Linear(weight: copier.tensor(weight), bias: bias.map(copier.tensor))
    }

    override public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 1, x.shape[x.rank - 1] == inFeatures else {
            throw TensorError(op: "Linear(\(inFeatures) → \(outFeatures))", "expected input with \(inFeatures) features in its last dimension, got shape \(x.shape)")
        }
        guard x.dtype == weight.dtype else {
            throw TensorError(op: "Linear(\(inFeatures) → \(outFeatures))", "input is \(x.dtype) but the layer's weights are \(weight.dtype); convert one with .to(\"\(weight.dtype)\")")
        }
        let y = try x.matmul(weight, transposeOther: true)
        guard let bias else { return y }
        return try y + bias
    }
}

/// Flattens all dimensions after the first into one, as `torch.nn.Flatten()`:
/// `[N, d1, d2, ...]` becomes `[N, d1 * d2 * ...]`.
public final class Flatten: Module {
    override public init() { super.init() }
    override public var typeName: String { "Flatten()" }
    override public func copy(with copier: ModuleCopier) throws -> Module { Flatten() }
    override public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 1 else {
            throw TensorError(op: "Flatten", "expected a batch of shape [N, ...], got a 0-d tensor")
        }
        return try x.reshape([x.shape[0], x.shape.dropFirst().reduce(1, *)])
    }
}

/// Inverted dropout, as `torch.nn.Dropout(p)`: in training mode each element
/// is zeroed with probability `p` and the survivors scaled by `1 / (1 - p)`,
/// so the expected value is unchanged; in evaluation mode it is the identity.
/// Draws from the caller's generator.
public final class Dropout: Module {
    public let p: Double
    public let rng: RandomSource

    public init(_ p: Double = 0.5, rng: RandomSource) throws {
        guard p.isFinite, p >= 0, p <= 1 else {
            throw TensorError(op: "Dropout", "p must be a probability in [0, 1], got \(p)")
        }
        self.p = p
        self.rng = rng
    }

    override public var typeName: String { "Dropout(p=\(p))" }
    /// Draws from the same generator (the owner's stream).
    override public func copy(with copier: ModuleCopier) throws -> Module { try Dropout(p, rng: rng) }

    override public func forward(_ x: Tensor) throws -> Tensor {
        guard isTraining, p > 0 else { return x }
        let scale = p < 1 ? 1 / (1 - p) : 0
        let mask = (0..<x.count).map { _ in rng.generator.uniform() >= p ? scale : 0 }
        return try x * Tensor(shape: x.shape, values: mask, dtype: x.dtype)
    }
}

/// Elementwise activations as modules: `ReLU()`, `LeakyReLU(slope)`,
/// `Sigmoid()`, `Tanh()`, `GELU()`, `Softmax(axis)`, `LogSoftmax(axis)`.
public final class ReLU: Module {
    override public init() { super.init() }
    override public var typeName: String { "ReLU()" }
    override public func copy(with copier: ModuleCopier) throws -> Module { ReLU() }
    override public func forward(_ x: Tensor) throws -> Tensor { x.relu() }
}

/// `x` for `x > 0`, else `slope * x` (PyTorch's default slope 0.01).
public final class LeakyReLU: Module {
    public let slope: Double
    public init(slope: Double = 0.01) { self.slope = slope }
    override public var typeName: String { "LeakyReLU(negative_slope=\(slope))" }
    override public func copy(with copier: ModuleCopier) throws -> Module { LeakyReLU(slope: slope) }
    override public func forward(_ x: Tensor) throws -> Tensor { x.leakyRelu(slope: slope) }
}

/// `1 / (1 + exp(-x))`.
public final class Sigmoid: Module {
    override public init() { super.init() }
    override public var typeName: String { "Sigmoid()" }
    override public func copy(with copier: ModuleCopier) throws -> Module { Sigmoid() }
    override public func forward(_ x: Tensor) throws -> Tensor { x.sigmoid() }
}

/// `tanh(x)`.
public final class Tanh: Module {
    override public init() { super.init() }
    override public var typeName: String { "Tanh()" }
    override public func copy(with copier: ModuleCopier) throws -> Module { Tanh() }
    override public func forward(_ x: Tensor) throws -> Tensor { x.tanh() }
}

/// `x * Φ(x)`, the exact GELU (PyTorch's default).
public final class GELU: Module {
    override public init() { super.init() }
    override public var typeName: String { "GELU()" }
    override public func copy(with copier: ModuleCopier) throws -> Module { GELU() }
    override public func forward(_ x: Tensor) throws -> Tensor { x.gelu() }
}

/// `softmax` along `axis` (default the last).
public final class Softmax: Module {
    public let axis: Int
    public init(axis: Int = -1) { self.axis = axis }
    override public var typeName: String { "Softmax(dim=\(axis))" }
    override public func copy(with copier: ModuleCopier) throws -> Module { Softmax(axis: axis) }
    override public func forward(_ x: Tensor) throws -> Tensor { try x.softmax(axis: axis) }
}

/// `logSoftmax` along `axis` (default the last).
public final class LogSoftmax: Module {
    public let axis: Int
    public init(axis: Int = -1) { self.axis = axis }
    override public var typeName: String { "LogSoftmax(dim=\(axis))" }
    override public func copy(with copier: ModuleCopier) throws -> Module { LogSoftmax(axis: axis) }
    override public func forward(_ x: Tensor) throws -> Tensor { try x.logSoftmax(axis: axis) }
}
