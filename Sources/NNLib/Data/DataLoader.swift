import NNTensor

/// Mini-batches of `(X, y)` rows, as `torch.utils.data.DataLoader` over a
/// tensor dataset.
///
/// Each pass (`for (xb, yb) in loader`) is one epoch. With `shuffle`, every
/// epoch has a new permutation, and the permutation of epoch `e` depends
/// only on `seed` and `e`:
/// ```
/// order(e) = RandomGenerator(seed: seed + e * 0x9E3779B97F4A7C15).permutation(N)
/// ```
/// so a run is reproducible and epoch `e` can be recomputed alone. The last
/// batch is smaller when `N` is not a multiple of `batchSize`, unless
/// `dropLast`.
public final class DataLoader: Sequence {
    public let X: Tensor
    public let y: Tensor
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt64
    public let dropLast: Bool
    /// The number of epochs started so far (passes made over the data).
    public private(set) var epoch = 0

    public init(_ X: Tensor, _ y: Tensor, batchSize: Int = 32, shuffle: Bool = true, seed: UInt64 = 0,
                dropLast: Bool = false) throws {
        try Dataset.checkRows(X, y, op: "DataLoader")
        guard batchSize > 0 else {
            throw TensorError(op: "DataLoader", "batch_size must be a positive integer, got \(batchSize)")
        }
        guard X.shape[0] > 0 else {
            throw TensorError(op: "DataLoader", "the dataset is empty (X has shape \(X.shape))")
        }
        if dropLast && X.shape[0] < batchSize {
            throw TensorError(op: "DataLoader", "drop_last with batch_size \(batchSize) would drop all \(X.shape[0]) samples")
        }
        self.X = X
        self.y = y
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
    }

    /// The number of samples.
    public var sampleCount: Int { X.shape[0] }

    /// The number of batches in one epoch.
    public var batchCount: Int {
        dropLast ? sampleCount / batchSize : (sampleCount + batchSize - 1) / batchSize
    }

    /// The sample order of epoch `epoch` (0-based): the identity without
    /// `shuffle`, else a permutation fixed by `seed` and `epoch`.
    public func order(epoch: Int) -> [Int] {
        guard shuffle else { return Array(0..<sampleCount) }
        var rng = RandomGenerator(seed: seed &+ UInt64(truncatingIfNeeded: epoch) &* 0x9E37_79B9_7F4A_7C15)
        return rng.permutation(sampleCount)
    }

    /// The batches of the next epoch, in order (advances the epoch count).
    public func makeIterator() -> Iterator {
        let order = order(epoch: epoch)
        epoch += 1
        return Iterator(loader: self, order: order)
    }

    /// Walks one epoch's batches.
    public struct Iterator: IteratorProtocol {
        let loader: DataLoader
        let order: [Int]
        var start = 0

        public mutating func next() -> (Tensor, Tensor)? {
            let n = order.count
            guard start < n else { return nil }
            let end = Swift.min(start + loader.batchSize, n)
            if loader.dropLast && end - start < loader.batchSize { return nil }
            let idx = Array(order[start..<end])
            start = end
            return (loader.X.gatherRows(idx), loader.y.gatherRows(idx))
        }
    }
}
