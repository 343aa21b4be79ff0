import Synchronization

/// Bytes of element storage made by tensors in this process, wrapping.
private let madeBytes = Atomic<Int>(0)

extension Tensor {
    /// A clock of tensor memory: the bytes of element storage every tensor
    /// made so far holds (counted once, when the tensor is made; wrapping,
    /// so compare differences with `&-`). The interpreter's heap reads it to
    /// collect cycles sooner when much tensor memory was made since its last
    /// collection: garbage that holds tensors holds memory counting alone
    /// does not see.
    public static var bytesMade: Int { madeBytes.load(ordering: .relaxed) }

    /// Counts a new tensor's storage (see ``bytesMade``).
    @inline(__always)
    static func noteMade(_ storage: TensorStorage) {
        madeBytes.wrappingAdd(storage.count &* storage.dtype.byteSize, ordering: .relaxed)
    }
}
