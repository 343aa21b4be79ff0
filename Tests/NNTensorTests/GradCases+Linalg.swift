@testable import NNTensor

/// The symmetric eigendecomposition: eigenvalues, and functions of the
/// eigenvectors that do not depend on each vector's arbitrary sign. Inputs
/// are symmetrised and spread apart (a diagonal of 0, 10, 20, ...) so the
/// eigenvalues stay distinct under the finite-difference steps.
extension GradCases {
    /// `(x + xᵀ)/2 + diag(0, 10, 20, ...)`.
    static func spread(_ x: Tensor) throws -> Tensor {
        let n = x.shape[0]
        var d = [Double](repeating: 0, count: n * n)
        for i in 0..<n { d[i * n + i] = 10 * Double(i) }
        return try (x + x.T) * 0.5 + Tensor(shape: [n, n], values: d, dtype: .float64)
    }

    static let linalg: [GradCase] = [
        GradCase(op: .eigh, name: "eigenvalues", shapes: [[3, 3]]) { x in try Linalg.eigvalsh(spread(x[0])) },
        GradCase(op: .eigh, name: "eigenvalues 4x4", shapes: [[4, 4]]) { x in try Linalg.eigh(spread(x[0])).values.pow(2) },
        GradCase(op: .eigh, name: "eigenvectors squared", shapes: [[3, 3]]) { x in try Linalg.eigh(spread(x[0])).vectors.pow(2) },
        GradCase(op: .eigh, name: "projector on the first eigenvector", shapes: [[3, 3]]) { x in
            let v = try Linalg.eigh(spread(x[0])).vectors.index([.all, .range(0..<1)])
            return try v.matmul(v.T)
        },
        GradCase(op: .eigh, name: "values and vectors", shapes: [[3, 3]]) { x in
            let e = try Linalg.eigh(spread(x[0]))
            return try e.vectors.pow(2) * e.values
        },
    ]
}
