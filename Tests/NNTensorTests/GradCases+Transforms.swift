@testable import NNTensor

/// The identity op a transform records for an input an outer transform tracks.
extension GradCases {
    static let transforms: [GradCase] = [
        GradCase(op: .identity, name: "vector", shapes: [[4]]) { x in try x[0].identity() * x[0] },
        GradCase(op: .identity, name: "matrix", shapes: [[2, 3]]) { x in try x[0].identity() * x[0].identity() },
        GradCase(op: .identity, name: "scalar", shapes: [[]]) { x in try x[0].identity() * x[0] * x[0] },
        GradCase(op: .identity, name: "broadcast", shapes: [[3, 1], [4]]) { x in try x[0].identity() * x[1].identity() },
    ]
}
