@testable import NNTensor

/// Per-area case lists. Each area adds its own file `GradCases+Area.swift`
/// with `static let area: [GradCase]` and lists it here.
extension GradCases {
    static var areaCases: [GradCase] { transforms + shape + math + linalg + remainder + conv + int64 }
}
