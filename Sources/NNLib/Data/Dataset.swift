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
    /// Every index must be in `0..<shape[0]` (a precondition: the loaders
    /// and splits make them; a host's bad index to ``Dataset/rows(_:)`` stops
    /// rather than read out of bounds). Each row is one block copy.
    func gatherRows(_ indices: [Int]) -> Tensor {
        let rows = shape.first ?? 0
        precondition(indices.allSatisfy { $0 >= 0 && $0 < rows }, "gatherRows: an index is out of range")
        let rowShape = Array(shape.dropFirst())
        let width = rowShape.reduce(1, *)  // ≤ count: a tensor that exists
        let (total, overflow) = indices.count.multipliedReportingOverflow(by: width)
        precondition(!overflow, "gatherRows: too many rows")
        let outShape = [indices.count] + rowShape
        func gather<E: BitwiseCopyable>(_ a: [E]) -> [E] {
            [E](unsafeUninitializedCapacity: total) { out, initialized in
                let dst = out.baseAddress
                a.withUnsafeBufferPointer { pa in
                    guard let src = pa.baseAddress, let dst else { return }
                    for (r, i) in indices.enumerated() {
                        // r * width + width <= total and i * width + width <= a.count: proven above
                        (dst + r &* width).initialize(from: src + i &* width, count: width)
                    }
                }
                initialized = total
            }
        }
        do {  // the counts match by construction: nothing here can throw
            switch storage {
            case .float32(let a): return try Tensor(shape: outShape, array: gather(a))
            case .float64(let a): return try Tensor(shape: outShape, array: gather(a))
            case .bool(let a): return try Tensor(shape: outShape, bools: gather(a))
            case .int64(let a): return try Tensor(shape: outShape, int64s: gather(a))
            }
        } catch {
            preconditionFailure("gatherRows: \(error)")
        }
    }
}
