import NNSyntax

/// Where compiled code runs: the frame's first stack slot, the innermost
/// heap environment and the runtime's registers.
///
/// A frame owns nothing. Whoever makes one keeps what it points to alive
/// while the frame is in use: the runtime owns the value stack and the
/// registers; a call's closure holds its environment, and a fresh scope's
/// environment is held by a local of the node that made it. Owning them
/// would cost a retain and release on every call. (`Unmanaged` rather than
/// `unowned(unsafe)`: reading the latter retains, and Swift 6.3 at -Onone
/// builds `Optional<Frame>` wrongly with it.)
struct Frame {
    let fp: UnsafeMutablePointer<Value>
    let envRef: Unmanaged<Env>?
    /// The runtime the code runs on.
    let rt: RuntimeRef

    @inline(__always)
    init(fp: UnsafeMutablePointer<Value>, env: Env?, rt: RuntimeRef) {
        self.fp = fp
        envRef = env.map { .passUnretained($0) }
        self.rt = rt
    }

    @inline(__always)
    init(fp: UnsafeMutablePointer<Value>, envRef: Unmanaged<Env>?, rt: RuntimeRef) {
        self.fp = fp
        self.envRef = envRef
        self.rt = rt
    }

    /// The same frame with another environment.
    @inline(__always)
    func with(env: Env?) -> Frame { Frame(fp: fp, env: env, rt: rt) }

    /// The environment, retained (to capture it or make a child scope).
    var env: Env? { envRef?.takeUnretainedValue() }

    /// The slots of the environment `depth` scopes out, reached without
    /// retaining any environment on the way.
    @inline(__always)
    func envSlots(_ depth: Int) -> UnsafeMutablePointer<Value> {
        var e = envRef.unsafelyUnwrapped
        var d = depth
        while d > 0 {
            e = e._withUnsafeGuaranteedRef { Unmanaged.passUnretained($0.parent.unsafelyUnwrapped) }
            d -= 1
        }
        return e._withUnsafeGuaranteedRef { $0.slots }
    }
}

/// A child node as its parent holds it: the one way a node holds another.
///
/// Owned (``node``), and evaluated through an unretained reference: calling
/// a method on a stored class reference makes Swift retain it around the
/// call, and a parent keeps its children alive anyway (the retain and
/// release were a third of a tight loop's time).
struct Child {
    /// The node (owned).
    let node: Node
    private let ref: Unmanaged<Node>

    init(_ node: Node) {
        self.node = node
        ref = .passUnretained(node)
    }

    var range: SourceRange { node.range }

    /// The node, unretained (for a call target; see ``CallTarget``).
    var unretained: Unmanaged<Node> { ref }

    @inline(__always)
    func eval(_ f: Frame) throws(Unwind) -> Value { try Child.eval(ref, f) }

    @inline(__always)
    func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        var value = false
        var failure: Unwind?
        ref._withUnsafeGuaranteedRef { n in
            do throws(Unwind) { value = try n.test(f, context) } catch { failure = error }
        }
        if let failure { throw failure }
        return value
    }

    @inline(__always)
    func exec(_ f: Frame) throws(Unwind) { try Child.exec(ref, f) }

    @inline(__always)
    static func eval(_ ref: Unmanaged<Node>, _ f: Frame) throws(Unwind) -> Value {
        var value = Value.nil
        var failure: Unwind?
        ref._withUnsafeGuaranteedRef { n in
            do throws(Unwind) { value = try n.eval(f) } catch { failure = error }
        }
        if let failure { throw failure }
        return value
    }

    @inline(__always)
    static func exec(_ ref: Unmanaged<Node>, _ f: Frame) throws(Unwind) {
        var failure: Unwind?
        ref._withUnsafeGuaranteedRef { n in
            do throws(Unwind) { try n.exec(f) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

/// The children of a node, in order: the one way a node holds a list of
/// them. Owned (``nodes``); evaluated through unretained references kept in
/// a buffer of its own (reading an array property retains its storage per
/// read, a buffer pointer does not).
struct Children: ~Copyable {
    /// The nodes (owned).
    let nodes: [Node]
    private let refs: UnsafeMutableBufferPointer<Unmanaged<Node>>

    init(_ nodes: [Node]) {
        self.nodes = nodes
        refs = .allocate(capacity: nodes.count)
        _ = refs.initialize(from: nodes.lazy.map { Unmanaged.passUnretained($0) })
    }

    deinit { refs.deallocate() }

    var count: Int {
        @inline(__always) get { refs.count }
    }
    var isEmpty: Bool { refs.isEmpty }

    /// Evaluates child `i`.
    @inline(__always)
    func eval(_ i: Int, _ f: Frame) throws(Unwind) -> Value { try Child.eval(refs[i], f) }

    /// Runs child `i` for its effect.
    @inline(__always)
    func exec(_ i: Int, _ f: Frame) throws(Unwind) { try Child.exec(refs[i], f) }

    /// Every child's value, in order.
    @inline(__always)
    func evalAll(_ f: Frame, reserving extra: Int = 0) throws(Unwind) -> [Value] {
        var out: [Value] = []
        out.reserveCapacity(refs.count + extra)
        for r in refs { out.append(try Child.eval(r, f)) }
        return out
    }
}
