@testable import NNTensor

/// Gradient-check cases for the floored remainder. Values are fixed away
/// from the jumps (where `a / b` is an integer); the function is multiplied
/// by `a` so the second-order check sees a recorded backward pass.
extension GradCases {
    static let remainder: [GradCase] = [
        GradCase(op: .remainder, name: "same shape", shapes: [[4], [4]],
                 domain: .values([[5.3, -5.3, 2.2, -0.7], [2.0, 2.0, -1.5, 0.4]])) { x in
            try Tensor.remainder(x[0], x[1]) * x[0]
        },
        GradCase(op: .remainder, name: "broadcast divisor", shapes: [[2, 3], [3]],
                 domain: .values([[1.3, -2.7, 7.1, 0.2, 3.9, -8.6], [0.9, -1.7, 2.5]])) { x in
            try Tensor.remainder(x[0], x[1]) * x[1]
        },
        GradCase(op: .remainder, name: "scalar", shapes: [[], []],
                 domain: .values([[-7.4], [3.0]])) { x in
            try Tensor.remainder(x[0], x[1]) * x[0]
        },
    ]
}
