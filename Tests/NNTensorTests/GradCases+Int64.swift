@testable import NNTensor

/// Gradient-check cases where an int64 constant meets the variable: the
/// constant is promoted to the variable's float dtype and never
/// differentiated, and first and second derivatives stay those of the float
/// op with the constant's values.
extension GradCases {
    /// An int64 constant `[2, -3, 5]` (or `values`, of `shape`).
    static func ints(_ values: [Int64] = [2, -3, 5], _ shape: [Int]? = nil) -> Tensor {
        (try? Tensor(shape: shape ?? [values.count], int64s: values)) ?? Tensor(scalar: 0, dtype: .int64)
    }

    static let int64: [GradCase] = [
        GradCase(op: .mul, name: "by int64", shapes: [[3]]) { x in try x[0] * ints() * x[0] },
        GradCase(op: .mul, name: "by int64, broadcast", shapes: [[2, 3]]) { x in try x[0] * ints() * x[0] },
        GradCase(op: .add, name: "int64", shapes: [[3]]) { x in let y = try x[0] + ints(); return try y * y },
        GradCase(op: .sub, name: "from int64", shapes: [[2, 3]]) { x in let y = try ints() - x[0]; return try y * y },
        GradCase(op: .div, name: "by int64", shapes: [[3]]) { x in try x[0] * x[0] / ints() },
        GradCase(op: .div, name: "int64 by", shapes: [[3]], domain: .positive) { x in try ints() / x[0] },
        GradCase(op: .where, name: "int64 branch", shapes: [[3]]) { x in try Tensor.where(cond([3]), x[0] * x[0], ints()) },
        GradCase(op: .maximum, name: "with int64", shapes: [[3]], domain: .values([[0.5, -3.5, 1.5]])) { x in
            try Tensor.maximum(x[0], ints([0, -2, 4])) * x[0]
        },
        GradCase(op: .pow, name: "int64 exponent", shapes: [[3]], domain: .positive) { x in try Tensor.pow(x[0], ints([2, 3, 1])) },
        GradCase(op: .matmul, name: "by an int64 matrix", shapes: [[2, 3]]) { x in
            let y = try x[0].matmul(ints([1, 2, -1, 0, 3, 1], [3, 2]))
            return try y * y
        },
        GradCase(op: .concat, name: "with int64", shapes: [[2]]) { x in
            let c = try Tensor.concat([x[0], ints()])
            return try c * c
        },
    ]
}
