/// Every differentiable primitive that can appear in a recorded graph.
///
/// This is the op table the gradient check is driven from: a test walks
/// `Op.allCases` and fails when an op has no first- and second-order
/// finite-difference case. Add a case here when you add an op that records
/// itself, and its gradient rule beside the op (written in tensor ops, so the
/// backward pass is itself differentiable).
public enum Op: String, CaseIterable, Sendable {
    // Arithmetic (Tensor+Arithmetic.swift)
    case add, sub, mul, div, neg
    // Broadcasting and reduction to a shape (Tensor+Broadcast.swift)
    case expand, sumTo
    // dtype conversion (Tensor+Arithmetic.swift)
    case cast
    // Shape (Tensor+Reshape.swift)
    case reshape
    // Shape and indexing (Tensor+Shape.swift, Tensor+Index.swift)
    case permute, concat, index, indexScatter
    // Linear algebra (Tensor+Matmul.swift, Linalg+EighGrad.swift)
    case matmul, eigh
    // Math (Tensor+Math.swift, Tensor+Activation.swift, Tensor+Compare.swift)
    case pow, powScalar, exp, log, sqrt, abs, sin, cos, tanh, erf
    case sigmoid, relu, leakyRelu, gelu, softplus, clamp, maximum, minimum, `where`
    // The rules of tanh, sigmoid and relu as one op each (Tensor+ActivationBackward.swift)
    case tanhBackward, sigmoidBackward, reluBackward
    // Convolution windows: im2col and its adjoint (Tensor+Conv.swift)
    case unfold, fold
    // Floored remainder (Tensor+Remainder.swift)
    case remainder
    // Reductions (Tensor+Reduce.swift, Tensor+Softmax.swift, Tensor+CrossEntropy.swift)
    case mean, max, min, norm, logsumexp, softmax, logSoftmax, softmaxCrossEntropy
    // A fresh node standing for a transform's input (Transforms.swift)
    case identity

    /// True when the gradient rule reads the values of the op's inputs
    /// (not only their shapes): backward must then refuse inputs written in
    /// place since the op ran (`GradFn.checkVersions`).
    public var readsInputValues: Bool {
        switch self {
        case .add, .sub, .neg, .expand, .sumTo, .cast, .reshape, .permute, .concat, .index, .indexScatter,
             .mean, .identity, .where, .unfold, .fold:
            return false
        default:
            return true
        }
    }
}
