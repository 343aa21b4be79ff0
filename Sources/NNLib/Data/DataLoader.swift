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
    public internal(set) var epoch = 0

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

/// Where a data loader is, for checkpoints: its settings and the number of
/// epochs begun. With `shuffle`, epoch `e`'s order depends only on `seed`
/// and `e`, so restoring `epoch` continues the permutation sequence exactly.
public struct LoaderState: Equatable {
    public var samples: Int
    public var batchSize: Int
    public var shuffle: Bool
    public var dropLast: Bool
    public var seed: UInt64
    public var epoch: Int

    public init(samples: Int, batchSize: Int, shuffle: Bool, dropLast: Bool, seed: UInt64, epoch: Int) {
        self.samples = samples
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.seed = seed
        self.epoch = epoch
    }
}

extension DataLoader {
    /// The state a checkpoint keeps.
    public func exportState() -> LoaderState {
        LoaderState(samples: sampleCount, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, seed: seed, epoch: epoch)
    }

    /// Checks `saved` against this loader (the same number of samples, batch
    /// size, shuffling, `drop_last` and seed: anything else would continue a
    /// different sequence of batches) and returns the change that sets the
    /// epoch count. `op` starts each message.
    public func prepareRestore(_ saved: LoaderState, op: String) throws -> () -> Void {
        func differs(_ what: String, _ a: String, _ b: String, _ fix: String) -> TensorError {
            TensorError(op: op, "the checkpoint's data loader has \(what) \(a), but the data given has \(what) \(b) (\(fix))")
        }
        guard saved.samples == sampleCount else {
            throw differs("samples", "\(saved.samples)", "\(sampleCount)", "resume on the same data")
        }
        guard saved.batchSize == batchSize else {
            throw differs("batch_size", "\(saved.batchSize)", "\(batchSize)", "make it with batch_size: \(saved.batchSize)")
        }
        guard saved.shuffle == shuffle else {
            throw differs("shuffle", "\(saved.shuffle)", "\(shuffle)", "make it with shuffle: \(saved.shuffle)")
        }
        guard saved.dropLast == dropLast else {
            throw differs("drop_last", "\(saved.dropLast)", "\(dropLast)", "make it with drop_last: \(saved.dropLast)")
        }
        guard !shuffle || saved.seed == seed else {
            throw differs("seed", "\(saved.seed)", "\(seed)", "make it with seed: \(saved.seed)")
        }
        guard saved.epoch >= 0 else { throw TensorError(op: op, "the checkpoint's data loader epoch \(saved.epoch) is negative") }
        let e = saved.epoch
        return { [self] in epoch = e }
    }
}
