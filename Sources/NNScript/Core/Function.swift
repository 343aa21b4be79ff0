import NNSyntax

/// The sizes a call reads from the function it calls (copied into each
/// ``CallTarget``).
struct FrameLayout {
    /// The number of parameters.
    let paramCount: Int
    /// Stack slots of the frame (parameters first).
    let frameSize: Int
    /// Size of the heap environment made at entry (0: none).
    let envSize: Int
}

/// A compiled function: parameters, frame layout and body.
final class FunctionProto {
    let name: String
    let paramNames: [String]
    /// Default-value expressions (nil: required), evaluated at call time in
    /// the scope where the function is written.
    let defaults: [Child?]
    /// Its frame, read on every call.
    let layout: FrameLayout
    /// Parameters that live in the environment: (parameter index, env slot).
    let envParams: [(Int, Int)]
    /// The body.
    let body: Child
    /// The whole function.
    let range: SourceRange
    /// The global cells its code uses, and the prototypes of the functions
    /// written inside it: the code points at them unretained (``CellRef``,
    /// ``FunctionNode``), the prototype owns them (see ``Heap``).
    let cells: [GlobalCell]
    let nested: [FunctionProto]
    /// How calls bind to its parameters.
    let callSignature: Signature
    /// Its place in the heap.
    var link = HeapLink()

    init(name: String, paramNames: [String], defaults: [Node?], frameSize: Int, envSize: Int,
         envParams: [(Int, Int)], body: Node, range: SourceRange, owned: CodeOwner) {
        self.cells = owned.cells
        self.nested = owned.nested
        self.name = name
        self.paramNames = paramNames
        self.defaults = defaults.map { $0.map(Child.init) }
        callSignature = Signature(name: name, names: paramNames, required: defaults.map { $0 == nil })
        layout = FrameLayout(paramCount: paramNames.count, frameSize: frameSize, envSize: envSize)
        self.envParams = envParams
        self.body = Child(body)
        self.range = range
        Heap.track(self)
    }

    deinit { Heap.untrack(self) }
}

/// What compiled code points at without retaining, collected while it is
/// compiled and handed to the prototype (or script) that owns the code.
final class CodeOwner {
    private(set) var cells: [GlobalCell] = []
    private(set) var nested: [FunctionProto] = []
    private var seen: Set<ObjectIdentifier> = []

    /// The reference for code that uses `cell`; the owner keeps the cell.
    func use(_ cell: GlobalCell) -> CellRef {
        if seen.insert(ObjectIdentifier(cell)).inserted { cells.append(cell) }
        return cell.ref
    }

    /// Keeps the prototype of a function written in the code.
    func own(_ proto: FunctionProto) -> Unmanaged<FunctionProto> {
        nested.append(proto)
        return .passUnretained(proto)
    }
}

/// A function written in nn: its compiled prototype and captured environment.
public final class Closure {
    let proto: FunctionProto
    let env: Env?
    /// Its place in the heap.
    var link = HeapLink()
    /// What happened to it when its interpreter was freed (see
    /// `Heap+Detached.swift`).
    var role = Role.plain

    /// A closure's part in detaching a freed interpreter's heap.
    enum Role: UInt8 {
        case plain
        /// Held by a host (or another outside holder) and by the heap when
        /// its interpreter was freed: the heap's references now go to a twin,
        /// and its death collects the detached heap.
        case heldAtDetach
        /// The twin that took those references: the same function (same
        /// prototype and environment), equal to the original.
        case twin
    }

    init(proto: FunctionProto, env: Env?) {
        self.proto = proto
        self.env = env
        Heap.track(self)
    }

    /// A twin of `original` (same prototype and environment) tracked by no
    /// heap yet: the detached heap adds it.
    init(twinOf original: Closure) {
        proto = original.proto
        env = original.env
        role = .twin
    }

    /// True when `self` and `other` are the same function: the same object,
    /// or an original and its twin.
    func isSameFunction(as other: Closure) -> Bool {
        if self === other { return true }
        return (role == .twin || other.role == .twin) && proto === other.proto && env === other.env
    }

    deinit { Heap.untrack(self) }

    /// The function's name (`<lambda>` for anonymous functions).
    public var name: String { proto.name }
    /// The parameter names, in order.
    public var parameterNames: [String] { proto.paramNames }
}

/// A heap environment: the variables of one scope that closures may capture.
final class Env {
    let parent: Env?
    let slots: UnsafeMutablePointer<Value>
    let size: Int
    /// Its place in the heap.
    var link = HeapLink()

    init(parent: Env?, size: Int) {
        self.parent = parent
        self.size = size
        slots = .allocate(capacity: max(size, 1))
        slots.initialize(repeating: .nil, count: size)
        Heap.track(self)
    }

    deinit {
        Heap.untrack(self)
        slots.deinitialize(count: size)
        slots.deallocate()
    }
}
