import NNTensor

/// Features and targets that belong together: `X` is `[N, ...]` (one row per
/// sample) and `y` is `[N]` or `[N, ...]`.
public struct Dataset {
    public let X: Tensor
    public let y: Tensor

    /// Pairs `X` and `y`, checking they have the same number of rows.
    public init(X: Tensor, y: Tensor, op: String = "dataset") throws {
        try Dataset.checkRows(X, y, op: op)
        self.X = X
        self.y = y
    }

    /// Internal: already checked.
    init(unchecked X: Tensor, _ y: Tensor) {
        self.X = X
        self.y = y
    }

    /// The number of samples.
    public var count: Int { X.shape.first ?? 0 }

    /// The samples at `indices` (rows of `X` and `y`), in that order.
    public func rows(_ indices: [Int]) -> Dataset {
        Dataset(unchecked: X.gatherRows(indices), y.gatherRows(indices))
    }

    /// Throws unless `X` has at least one dimension and `y` has as many rows.
    static func checkRows(_ X: Tensor, _ y: Tensor, op: String) throws {
        guard X.rank >= 1 else {
            throw TensorError(op: op, "X must have one row per sample, got a 0-d tensor")
        }
        guard y.rank >= 1, y.shape[0] == X.shape[0] else {
            throw TensorError(op: op, "X has \(X.shape[0]) rows but y has shape \(y.shape); they need one row per sample each")
        }
    }
}

extension Tensor {
    /// Rows `indices` of this tensor along its first axis, copied into a new
    /// untracked tensor (data, not parameters: no graph is recorded).
    /// Internal: every index must be in range.
    func gatherRows(_ indices: [Int]) -> Tensor {
        let rowShape = Array(shape.dropFirst())
        let width = rowShape.reduce(1, *)
        let outShape = [indices.count] + rowShape
        func gather<T: TensorScalar>(_ a: [T]) -> [T] {
            [T](unsafeUninitializedCapacity: indices.count * width) { out, initialized in
                a.withUnsafeBufferPointer { pa in
                    for (r, i) in indices.enumerated() {
                        for j in 0..<width { out[r * width + j] = pa[i * width + j] }
                    }
                }
                initialized = indices.count * width
            }
        }
        let result: Tensor?
        switch storage {
        case .float32(let a): result = try? Tensor(shape: outShape, array: gather(a))
        case .float64(let a): result = try? Tensor(shape: outShape, array: gather(a))
        case .bool: result = try? index([.list(indices)])
        }
        return result ?? self
    }
}
