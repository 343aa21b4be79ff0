/// An n-dimensional array of `Float`, `Double`, `Bool` or `Int64`, row-major
/// and contiguous; a float tensor can take part in reverse-mode automatic
/// differentiation.
///
/// `Tensor` is a reference type, as `torch.Tensor` is: a parameter keeps its
/// identity while an optimizer updates it, and `.grad` accumulates on that
/// identity. Its *elements* have value semantics: every op returns a new
/// tensor, storage is a copy-on-write Swift array, and the only writes are
/// explicit in-place updates (`assign`), which never disturb a tensor that
/// shared the old storage.
///
/// A tensor that results from an op while recording is on, with at least one
/// input that requires grad, remembers its op in `gradFn`; `backward()` walks
/// those records in reverse topological order (see `Tensor+Autograd.swift`).
public final class Tensor: @unchecked Sendable {
    /// The size of each dimension; `[]` for a 0-d scalar.
    public let shape: [Int]
    /// The elements, row-major.
    public internal(set) var storage: TensorStorage
    /// True for a leaf whose gradient `backward()` should accumulate in `grad`.
    public var requiresGrad: Bool
    /// The accumulated gradient of a leaf that requires grad.
    public var grad: Tensor?
    /// The op that produced this tensor, when it was recorded.
    var gradFn: GradFn?
    /// How many times the elements were replaced in place (`assign`): a
    /// recorded op remembers its inputs' versions, and backward refuses to
    /// use an input written since (as PyTorch's version counters do).
    public internal(set) var version = 0
    /// How many times an index assignment of a tracked value (`t[i] = v`)
    /// gave this tensor a new history (`writeIndexed`). A recorded op
    /// remembers its inputs' history numbers, so backward can route its
    /// gradient to the state the op read, kept in `earlier`.
    public internal(set) var history = 0
    /// The states this tensor had before each such write: `earlier[h]` is the
    /// tensor as it was at history number `h` (its elements and its record).
    var earlier: [Tensor] = []
    /// Where the last in-place write happened, for the error backward gives
    /// when it meets that write (set by the interpreter; formatted lazily).
    public var writeSite: (@Sendable () -> String)?
    /// What this tensor's elements were charged to the thread's memory
    /// account when it was made (see ``TensorMemoryAccount``).
    private let memoryCharge: TensorMemoryCharge?

    /// Makes a tensor from storage whose count matches `shape`. Internal:
    /// callers outside the module use the checked initialisers.
    init(shape: [Int], storage: TensorStorage, requiresGrad: Bool = false) {
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
        self.memoryCharge = TensorMemoryCharge.make(storage)
        Tensor.noteMade(storage)
    }

    deinit { memoryCharge?.refund() }

    /// A tensor of `shape` holding `values` (row-major), in `dtype`. For
    /// int64 every value must be an integer in range (an error names the
    /// first that is not).
    public convenience init(shape: [Int], values: [Double], dtype: DType = .float32) throws {
        let n = try Shape.count(shape)
        guard n == values.count else {
            throw TensorError(op: "tensor", "\(values.count) values cannot fill shape \(fmt(shape)) (\(n) elements)")
        }
        let storage: TensorStorage
        switch dtype {
        case .float32: storage = .float32(values.map { Float($0) })
        case .float64: storage = .float64(values)
        case .bool: storage = .bool(values.map { $0 != 0 })
        case .int64: storage = .int64(try values.map { try TensorStorage.int64(exactly: $0, op: "tensor") })
        }
        self.init(shape: shape, storage: storage)
    }

    /// A tensor of `shape` holding `values` (row-major).
    public convenience init<T: TensorScalar>(shape: [Int], array: [T]) throws {
        let n = try Shape.count(shape)
        guard n == array.count else {
            throw TensorError(op: "tensor", "\(array.count) values cannot fill shape \(fmt(shape)) (\(n) elements)")
        }
        self.init(shape: shape, storage: T.storage(array))
    }

    /// A 0-d tensor holding `value` (for int64, truncated toward zero and
    /// saturated, as `TensorStorage.converted(to:)`; check it first).
    public convenience init(scalar value: Double, dtype: DType = .float32) {
        self.init(shape: [], storage: .filled(value, count: 1, dtype: dtype))
    }

    /// The element type.
    public var dtype: DType { storage.dtype }
    /// The number of dimensions.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { storage.count }
    /// True when this tensor is tracked by autodiff: a leaf that requires grad
    /// or the result of a recorded op.
    public var isTracked: Bool { requiresGrad || gradFn != nil }
    /// True for a tensor not produced by a recorded op.
    public var isLeaf: Bool { gradFn == nil }
    /// The name of the op that produced this tensor, if recorded.
    public var opName: String? { gradFn?.op.rawValue }

    /// All elements widened to `Double`, row-major.
    public var doubles: [Double] { storage.doubles }
    /// All elements as `Float`, row-major.
    public var floats: [Float] {
        switch storage {
        case .float32(let a): return a
        case .float64(let a): return a.map { Float($0) }
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        case .int64(let a): return a.map { Float($0) }
        }
    }

    /// The single element of a one-element tensor, as `item()` in PyTorch.
    /// An int64 beyond ±2^53 is an error: a `Double` cannot hold it exactly.
    public func item() throws -> Double {
        guard count == 1 else {
            throw TensorError(op: "item", "only a one-element tensor can be converted to a number, got shape \(fmt(shape))")
        }
        if case .int64(let a) = storage { return try Tensor.exactDouble(a[0], op: "item") }
        return storage.double(at: 0)
    }

    /// A tensor sharing these elements, cut off from the graph (never tracked).
    public func detach() -> Tensor {
        Tensor(shape: shape, storage: storage)
    }

    /// A copy that owns its elements and is not tracked.
    public func clone() -> Tensor {
        Tensor(shape: shape, storage: storage)
    }

    /// Marks this leaf as requiring grad (as `requires_grad_()` does) and returns it.
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        requiresGrad = flag
        return self
    }

    /// Replaces the elements in place, keeping identity, `grad` and
    /// `requiresGrad`: how optimizers update parameters. Only allowed on a
    /// leaf. The values convert to this tensor's dtype; into an int64 tensor
    /// only integers in range (anything else is an error naming it).
    public func assign(_ other: Tensor) throws {
        guard gradFn == nil else {
            throw TensorError(op: "assign", "cannot update a tensor that is the result of a recorded op; update a leaf (a parameter) instead")
        }
        guard other.shape == shape else {
            throw TensorError(op: "assign", "shape \(fmt(other.shape)) does not match \(fmt(shape))")
        }
        // an int64 tensor takes integers only (never a silent truncation)
        storage = isInt64 ? try other.exactlyConverted(to: .int64, op: "assign").storage : other.storage.converted(to: dtype)
        version &+= 1
    }

    /// Updates the elements of this leaf in place, keeping identity, `grad`
    /// and `requiresGrad` (as ``assign(_:)``), without `assign`'s copy: the
    /// array is moved out of the tensor while `body` runs, so it is uniquely
    /// referenced and changes where it lies (unless another tensor shares it:
    /// then it is copied on write, as always). Returns false, without calling
    /// `body`, when the elements are not of type `T`. `body` must keep the
    /// count (a precondition: the callers are NNLib's optimizers, never a
    /// script's input).
    public func updateElements<T: TensorScalar>(as _: T.Type, _ body: (inout [T]) throws -> Void) throws -> Bool {
        guard gradFn == nil else {
            throw TensorError(op: "assign", "cannot update a tensor that is the result of a recorded op; update a leaf (a parameter) instead")
        }
        guard T.array(in: storage) != nil else { return false }
        let old = storage
        storage = .bool([])
        var a = T.array(in: old) ?? []
        _ = consume old
        let n = a.count
        defer {
            precondition(a.count == n, "updateElements changed the element count")
            storage = T.storage(a)
            version &+= 1
        }
        try body(&a)
        return true
    }

    /// Replaces the elements in place from a raw array of the same dtype.
    func assign(storage newStorage: TensorStorage) {
        storage = newStorage
        version &+= 1
    }

    /// Resets the accumulated gradient, as `zero_grad(set_to_none=True)`.
    public func zeroGrad() { grad = nil }
}

extension Tensor {
    /// The array of elements when they are of type `T`, else a dtype error.
    @inline(__always) func array<T: TensorScalar>(_ type: T.Type, op: String) throws -> [T] {
        guard let a = T.array(in: storage) else {
            throw TensorError(op: op, "expected \(T.dtype) but the tensor is \(dtype)")
        }
        return a
    }

    /// Throws unless every tensor has the same dtype as the first.
    static func checkSameDType(_ ts: [Tensor], op: String) throws {
        guard let first = ts.first else { return }
        for t in ts.dropFirst() where t.dtype != first.dtype {
            throw TensorError(op: op, "dtypes \(first.dtype) and \(t.dtype) do not match; convert one with .to(\"\(first.dtype)\")")
        }
    }
}
