@testable import NNTensor

/// Gradient-check cases for elementwise math, activations, comparisons-based
/// ops and reductions. Piecewise ops are multiplied by their input so the
/// second-order check sees a rule whose backward pass is itself recorded.
/// Cases at ties are first order only: there the gradient jumps, and a
/// two-way tie's central difference is the half/half split the rules give.
extension GradCases {
    /// A constant 0/1 condition for `where`, of `shape`, alternating 1, 0, 0, 1, ...
    static func cond(_ shape: [Int]) throws -> Tensor {
        let n = shape.reduce(1, *)
        return try Tensor(shape: shape, values: (0..<n).map { $0 % 3 == 0 ? 1 : 0 }, dtype: .float64)
    }

    static let math: [GradCase] = unaryMath + activations + binaryMath + reductions

    static let unaryMath: [GradCase] = [
        GradCase(op: .exp, name: "vector", shapes: [[5]]) { $0[0].exp() },
        GradCase(op: .exp, name: "matrix", shapes: [[2, 3]]) { $0[0].exp() },
        GradCase(op: .exp, name: "scalar", shapes: [[]]) { $0[0].exp() },
        GradCase(op: .log, name: "vector", shapes: [[5]], domain: .positive) { $0[0].log() },
        GradCase(op: .log, name: "matrix", shapes: [[3, 2]], domain: .positive) { $0[0].log() },
        GradCase(op: .log, name: "3-d", shapes: [[2, 2, 2]], domain: .positive) { $0[0].log() },
        GradCase(op: .sqrt, name: "vector", shapes: [[4]], domain: .positive) { $0[0].sqrt() },
        GradCase(op: .sqrt, name: "matrix", shapes: [[2, 3]], domain: .positive) { $0[0].sqrt() },
        GradCase(op: .sqrt, name: "scalar", shapes: [[]], domain: .positive) { $0[0].sqrt() },
        GradCase(op: .abs, name: "vector", shapes: [[6]], domain: .awayFromZero) { x in try x[0].abs() * x[0] },
        GradCase(op: .abs, name: "matrix", shapes: [[2, 3]], domain: .awayFromZero) { x in try x[0].abs() * x[0] },
        GradCase(op: .abs, name: "scalar", shapes: [[]], domain: .awayFromZero) { x in try x[0].abs() * x[0] },
        GradCase(op: .sin, name: "vector", shapes: [[5]]) { $0[0].sin() },
        GradCase(op: .sin, name: "matrix", shapes: [[2, 3]]) { $0[0].sin() },
        GradCase(op: .sin, name: "scalar", shapes: [[]]) { $0[0].sin() },
        GradCase(op: .cos, name: "vector", shapes: [[5]]) { $0[0].cos() },
        GradCase(op: .cos, name: "matrix", shapes: [[3, 2]]) { $0[0].cos() },
        GradCase(op: .cos, name: "scalar", shapes: [[]]) { $0[0].cos() },
        GradCase(op: .tanh, name: "vector", shapes: [[6]]) { $0[0].tanh() },
        GradCase(op: .tanh, name: "matrix", shapes: [[2, 3]]) { $0[0].tanh() },
        GradCase(op: .tanh, name: "3-d", shapes: [[2, 1, 3]]) { $0[0].tanh() },
        GradCase(op: .erf, name: "vector", shapes: [[5]]) { $0[0].erf() },
        GradCase(op: .erf, name: "matrix", shapes: [[2, 3]]) { $0[0].erf() },
        GradCase(op: .erf, name: "scalar", shapes: [[]]) { $0[0].erf() },
        GradCase(op: .powScalar, name: "square", shapes: [[4]]) { $0[0].pow(2) },
        GradCase(op: .powScalar, name: "cube", shapes: [[2, 3]]) { $0[0].pow(3) },
        GradCase(op: .powScalar, name: "square root", shapes: [[3]], domain: .positive) { $0[0].pow(0.5) },
        GradCase(op: .powScalar, name: "negative fractional", shapes: [[2, 2]], domain: .positive) { $0[0].pow(-1.5) },
        GradCase(op: .powScalar, name: "zero power", shapes: [[3]]) { x in try x[0].pow(0) * x[0] },
    ]

    static let activations: [GradCase] = [
        GradCase(op: .sigmoid, name: "vector", shapes: [[6]]) { $0[0].sigmoid() },
        GradCase(op: .sigmoid, name: "matrix", shapes: [[2, 3]]) { $0[0].sigmoid() },
        GradCase(op: .sigmoid, name: "scalar", shapes: [[]]) { $0[0].sigmoid() },
        // The rules as ops of their own: any g and y (the rule is a polynomial
        // in y), broadcasting both ways, and y fed from a tanh/sigmoid.
        GradCase(op: .tanhBackward, name: "same shape", shapes: [[2, 3], [2, 3]]) { try Tensor.tanhBackward($0[0], $0[1]) },
        GradCase(op: .tanhBackward, name: "batch of g", shapes: [[2, 2, 3], [2, 3]]) { try Tensor.tanhBackward($0[0], $0[1]) },
        GradCase(op: .tanhBackward, name: "broadcast y", shapes: [[3, 1], [1, 4]]) { try Tensor.tanhBackward($0[0], $0[1]) },
        GradCase(op: .tanhBackward, name: "of tanh", shapes: [[5], [5]]) { try Tensor.tanhBackward($0[0], $0[1].tanh()) },
        GradCase(op: .sigmoidBackward, name: "same shape", shapes: [[2, 3], [2, 3]]) { try Tensor.sigmoidBackward($0[0], $0[1]) },
        GradCase(op: .sigmoidBackward, name: "batch of g", shapes: [[2, 2, 3], [2, 3]]) { try Tensor.sigmoidBackward($0[0], $0[1]) },
        GradCase(op: .sigmoidBackward, name: "broadcast y", shapes: [[3, 1], [1, 4]]) { try Tensor.sigmoidBackward($0[0], $0[1]) },
        GradCase(op: .sigmoidBackward, name: "of sigmoid", shapes: [[5], [5]]) { try Tensor.sigmoidBackward($0[0], $0[1].sigmoid()) },
        // x is a constant of the rule (the mask): only g is differentiated
        GradCase(op: .reluBackward, name: "same shape", shapes: [[2, 3], [2, 3]], domain: .awayFromZero) { x in
            try Tensor.reluBackward(x[0], x[1].detach()) * x[0]
        },
        GradCase(op: .reluBackward, name: "batch of g", shapes: [[2, 2, 3], [2, 3]], domain: .awayFromZero) { x in
            try Tensor.reluBackward(x[0], x[1].detach()) * x[0]
        },
        GradCase(op: .reluBackward, name: "broadcast x", shapes: [[3, 1], [1, 4]], domain: .awayFromZero) { x in
            try Tensor.reluBackward(x[0], x[1].detach()) * x[0]
        },
        GradCase(op: .relu, name: "vector", shapes: [[6]], domain: .awayFromZero) { x in try x[0].relu() * x[0] },
        GradCase(op: .relu, name: "matrix", shapes: [[3, 2]], domain: .awayFromZero) { x in try x[0].relu() * x[0] },
        GradCase(op: .relu, name: "scalar", shapes: [[]], domain: .awayFromZero) { x in try x[0].relu() * x[0] },
        GradCase(op: .leakyRelu, name: "default slope", shapes: [[6]], domain: .awayFromZero) { x in try x[0].leakyRelu() * x[0] },
        GradCase(op: .leakyRelu, name: "slope 0.2", shapes: [[2, 3]], domain: .awayFromZero) { x in try x[0].leakyRelu(slope: 0.2) * x[0] },
        GradCase(op: .leakyRelu, name: "scalar", shapes: [[]], domain: .awayFromZero) { x in try x[0].leakyRelu(slope: 0.5) * x[0] },
        GradCase(op: .gelu, name: "vector", shapes: [[6]]) { $0[0].gelu() },
        GradCase(op: .gelu, name: "matrix", shapes: [[2, 3]]) { $0[0].gelu() },
        GradCase(op: .gelu, name: "scalar", shapes: [[]]) { $0[0].gelu() },
        GradCase(op: .softplus, name: "default", shapes: [[6]]) { try $0[0].softplus() },
        GradCase(op: .softplus, name: "beta 2 with linear part", shapes: [[2, 3]]) { try $0[0].softplus(beta: 2, threshold: 1.5) * $0[0] },
        GradCase(op: .softplus, name: "beta 0.5", shapes: [[]]) { try $0[0].softplus(beta: 0.5) },
        GradCase(op: .clamp, name: "both bounds", shapes: [[8]]) { x in try x[0].clamp(min: -0.5, max: 0.7) * x[0] },
        GradCase(op: .clamp, name: "min only", shapes: [[2, 3]]) { x in try x[0].clamp(min: 0.1) * x[0] },
        GradCase(op: .clamp, name: "max only", shapes: [[3, 2]]) { x in try x[0].clamp(max: -0.2) * x[0] },
    ]

    static let binaryMath: [GradCase] = [
        GradCase(op: .pow, name: "same shape", shapes: [[2, 3], [2, 3]], domain: .positive) { try Tensor.pow($0[0], $0[1]) },
        GradCase(op: .pow, name: "row broadcast", shapes: [[3, 4], [4]], domain: .positive) { try Tensor.pow($0[0], $0[1]) },
        GradCase(op: .pow, name: "column broadcast", shapes: [[3, 1], [1, 4]], domain: .positive) { try Tensor.pow($0[0], $0[1]) },
        GradCase(op: .pow, name: "scalar exponent", shapes: [[2, 3], []], domain: .positive) { try $0[0].pow($0[1]) },
        GradCase(op: .pow, name: "scalar base", shapes: [[], [2, 2]], domain: .positive) { try Tensor.pow($0[0], $0[1]) },
        GradCase(op: .maximum, name: "same shape", shapes: [[2, 3], [2, 3]]) { x in try Tensor.maximum(x[0], x[1]) * x[0] },
        GradCase(op: .maximum, name: "row broadcast", shapes: [[3, 4], [4]]) { x in try Tensor.maximum(x[0], x[1]) * x[1] },
        GradCase(op: .maximum, name: "column broadcast", shapes: [[3, 1], [1, 4]]) { x in try Tensor.maximum(x[0], x[1]) * x[0] },
        GradCase(op: .maximum, name: "scalar", shapes: [[], [2, 3]]) { x in try Tensor.maximum(x[0], x[1]) * x[1] },
        GradCase(op: .maximum, name: "ties split half/half", shapes: [[3], [3]],
                 domain: .values([[1, 2, -3], [1, 0.5, -3]]), firstOrderOnly: true) { x in try Tensor.maximum(x[0], x[1]) * x[0] },
        GradCase(op: .minimum, name: "same shape", shapes: [[2, 3], [2, 3]]) { x in try Tensor.minimum(x[0], x[1]) * x[1] },
        GradCase(op: .minimum, name: "row broadcast", shapes: [[3, 4], [4]]) { x in try Tensor.minimum(x[0], x[1]) * x[0] },
        GradCase(op: .minimum, name: "column broadcast", shapes: [[3, 1], [1, 4]]) { x in try Tensor.minimum(x[0], x[1]) * x[1] },
        GradCase(op: .minimum, name: "scalar", shapes: [[2, 3], []]) { x in try Tensor.minimum(x[0], x[1]) * x[0] },
        GradCase(op: .minimum, name: "ties split half/half", shapes: [[3], [3]],
                 domain: .values([[1, 2, -3], [1, 0.5, -3]]), firstOrderOnly: true) { x in try Tensor.minimum(x[0], x[1]) * x[1] },
        GradCase(op: .where, name: "same shape", shapes: [[3, 4], [3, 4]]) { x in
            try Tensor.where(cond([3, 4]), x[0], x[1]) * x[0]
        },
        GradCase(op: .where, name: "row broadcast", shapes: [[3, 4], [4]]) { x in
            try Tensor.where(cond([3, 4]), x[0], x[1]) * x[1]
        },
        GradCase(op: .where, name: "condition broadcast", shapes: [[3, 1], [1, 4]]) { x in
            try Tensor.where(cond([4]), x[0], x[1]) * x[0]
        },
        GradCase(op: .where, name: "scalar branch", shapes: [[], [2, 3]]) { x in
            try Tensor.where(cond([2, 1]), x[0], x[1]) * x[1]
        },
    ]

    static let reductions: [GradCase] = [
        GradCase(op: .mean, name: "all", shapes: [[3, 4]]) { x in try x[0].mean() * x[0] },
        GradCase(op: .mean, name: "last axis", shapes: [[3, 4]]) { x in try x[0].mean(axes: [-1], keepdims: true) * x[0] },
        GradCase(op: .mean, name: "two axes", shapes: [[2, 3, 2]]) { x in try x[0].mean(axes: [0, 2]) * x[0].mean(axes: [0, 2]) },
        GradCase(op: .mean, name: "variance, Bessel", shapes: [[3, 4]]) { try $0[0].variance(axes: [1]) },
        GradCase(op: .mean, name: "variance, population, all", shapes: [[5]]) { try $0[0].variance(correction: 0) },
        GradCase(op: .sqrt, name: "std", shapes: [[2, 5]]) { try $0[0].std(axes: [0], keepdims: true) },
        GradCase(op: .max, name: "all", shapes: [[3, 4]]) { x in try x[0].max() * x[0] },
        GradCase(op: .max, name: "axis 0", shapes: [[3, 4]]) { x in try x[0].max(axes: [0], keepdims: true) * x[0] },
        GradCase(op: .max, name: "two axes", shapes: [[2, 3, 4]]) { x in try x[0].max(axes: [0, 2]) * x[0].sum(axes: [0, 2]) },
        GradCase(op: .max, name: "ties split evenly", shapes: [[2, 3]],
                 domain: .values([[1, 3, 3, -1, 2, -1]]), firstOrderOnly: true) { x in try x[0].max(axes: [1], keepdims: true) * x[0] },
        GradCase(op: .max, name: "inf-norm", shapes: [[5]], domain: .awayFromZero) { try $0[0].norm(p: .infinity) },
        GradCase(op: .min, name: "all", shapes: [[3, 4]]) { x in try x[0].min() * x[0] },
        GradCase(op: .min, name: "last axis", shapes: [[3, 4]]) { x in try x[0].min(axes: [-1]) * x[0].sum(axes: [-1]) },
        GradCase(op: .min, name: "middle axis", shapes: [[2, 3, 2]]) { x in try x[0].min(axes: [1], keepdims: true) * x[0] },
        GradCase(op: .norm, name: "all", shapes: [[3, 4]]) { try $0[0].norm() },
        GradCase(op: .norm, name: "rows", shapes: [[3, 4]]) { try $0[0].norm(axes: [1]) },
        GradCase(op: .norm, name: "columns, keepdims", shapes: [[3, 4]]) { x in try x[0].norm(axes: [0], keepdims: true) * x[0] },
        GradCase(op: .abs, name: "1-norm", shapes: [[2, 3]], domain: .awayFromZero) { try $0[0].norm(p: 1, axes: [1]) },
        GradCase(op: .powScalar, name: "3-norm", shapes: [[4]], domain: .awayFromZero) { try $0[0].norm(p: 3) },
        GradCase(op: .logsumexp, name: "all", shapes: [[3, 4]]) { try $0[0].logsumexp() },
        GradCase(op: .logsumexp, name: "last axis", shapes: [[3, 4]]) { try $0[0].logsumexp(axes: [-1]) },
        GradCase(op: .logsumexp, name: "first axis, keepdims", shapes: [[3, 4]]) { x in try x[0].logsumexp(axes: [0], keepdims: true) * x[0] },
        GradCase(op: .logsumexp, name: "two axes", shapes: [[2, 3, 2]]) { try $0[0].logsumexp(axes: [0, 2]) },
        GradCase(op: .softmax, name: "last axis", shapes: [[3, 4]]) { try $0[0].softmax() },
        GradCase(op: .softmax, name: "first axis", shapes: [[3, 4]]) { try $0[0].softmax(axis: 0) },
        GradCase(op: .softmax, name: "middle axis", shapes: [[2, 3, 2]]) { try $0[0].softmax(axis: 1) },
        GradCase(op: .logSoftmax, name: "last axis", shapes: [[3, 4]]) { try $0[0].logSoftmax() },
        GradCase(op: .logSoftmax, name: "first axis", shapes: [[4, 3]]) { try $0[0].logSoftmax(axis: 0) },
        GradCase(op: .logSoftmax, name: "middle axis", shapes: [[2, 3, 2]]) { try $0[0].logSoftmax(axis: -2) },
        GradCase(op: .softmaxCrossEntropy, name: "labels", shapes: [[3, 4]]) { try $0[0].softmaxCrossEntropy(labels: [2, 0, 3]) },
        GradCase(op: .softmaxCrossEntropy, name: "labels, one class", shapes: [[2, 1]]) { try $0[0].softmaxCrossEntropy(labels: [0, 0]) },
        GradCase(op: .softmaxCrossEntropy, name: "labels, repeated", shapes: [[4, 2]]) { try $0[0].softmaxCrossEntropy(labels: [1, 1, 0, 1]) },
        GradCase(op: .softmaxCrossEntropy, name: "probabilities", shapes: [[3, 4], [3, 4]], domain: .positive) {
            try $0[0].softmaxCrossEntropy(probabilities: $0[1])
        },
        GradCase(op: .softmaxCrossEntropy, name: "probabilities, logits twice", shapes: [[2, 3]]) {
            try $0[0].softmaxCrossEntropy(probabilities: $0[0].softmax())
        },
    ]
}
