import NNTensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An object's place in a ``Heap``: which heap tracks it, at which slot.
struct HeapLink {
    var heap: Unmanaged<Heap>?
    var slot = 0
}

/// The script heap of one runtime: every list, record, environment,
/// closure, function prototype and global cell made while the runtime
/// evaluates, tracked so that reference cycles among them can be found and
/// freed. Values are reference counted and freed at once when the last
/// reference goes, as before; the heap only finds what counting cannot: a
/// closure stored in the scope it captures, a list that contains itself.
///
/// The collector is CPython's (synchronous trial deletion):
/// 1. each tracked object starts with its strong reference count;
/// 2. every reference from one tracked object to another is subtracted, so
///    what is left counts the references from outside the heap: the value
///    stack, Swift locals of running code, the runtime's globals table, a
///    host's variables, and holders the heap does not trace (tuples,
///    library objects);
/// 3. objects with references from outside are reachable, and so is
///    everything they reach;
/// 4. the rest is garbage held only by itself: the collector empties it
///    (list items, record fields, environment slots, cell values), which
///    breaks the cycles, and reference counting frees it.
///
/// Step 2 is exact by construction: the edges it subtracts
/// (``forEachChild(_:_:)``) are exactly the strong references the objects
/// hold. Compiled code holds cells and prototypes unretained (through
/// ``CellRef`` and ``FunctionNode``) and the prototype that owns the code
/// holds them strongly (``FunctionProto/cells``, ``FunctionProto/nested``),
/// so those edges are counted once each. Anything untraced only adds
/// "outside" references, which keeps objects alive: a cycle through a tuple
/// or a library object is never collected, and nothing reachable ever is.
///
/// A collection runs only at the evaluator's safe points (loop iterations
/// and nn calls), never inside a builtin, when ``allocations`` since the
/// last one pass the threshold: the heap asks through the interrupt flag's
/// attention word, which those safe points already test, so asking costs
/// the evaluator nothing.
final class Heap {
    /// A tracked object.
    enum Entry {
        case list(Unmanaged<ListRef>)
        case record(Unmanaged<RecordRef>)
        case env(Unmanaged<Env>)
        case closure(Unmanaged<Closure>)
        case proto(Unmanaged<FunctionProto>)
        case cell(Unmanaged<GlobalCell>)
    }

    /// Every tracked object; each knows its slot (``HeapLink``).
    var entries: [Entry] = []
    /// Objects tracked since the last collection.
    var allocations = 0
    /// A collection is asked for when ``allocations`` reach this: the number
    /// of objects that survived the last collection, at least
    /// ``minimumThreshold``, so collecting costs O(1) per allocation.
    var threshold = Heap.minimumThreshold
    static let minimumThreshold = 2_000
    /// A collection is also asked for when this many bytes of tensors were
    /// made since the last one, while objects are being made: garbage that
    /// holds tensors (a closure per batch capturing the batch) holds memory
    /// the object count does not show. Checked every 64 objects.
    static let tensorBudget = 64 << 20
    /// ``Tensor/bytesMade`` at the last collection.
    var tensorClock = Tensor.bytesMade
    /// Where the heap asks for a collection; nil for a detached heap (see
    /// `Heap+Detached.swift`), which no evaluator runs on.
    let interrupt: InterruptFlag?
    /// Collections run so far, and objects they freed.
    var collections = 0, collected = 0
    /// Edges that did not match a reference count (a bug if ever nonzero;
    /// the collector then frees nothing that run).
    var anomalies = 0

    /// A detached heap keeps itself alive while it tracks anything (its
    /// objects point at it unretained); nil otherwise.
    var keepAlive: Unmanaged<Heap>?
    /// True while ``collect()`` runs (a collection it causes is skipped).
    var isCollecting = false
    /// Detached heaps to collect when the evaluation current on this
    /// thread ends (see ``Heap/withCurrent(_:_:)``).
    var pendingDetached: [Heap] = []

    init(interrupt: InterruptFlag?) {
        self.interrupt = interrupt
    }

    deinit { detachAll() }

    // MARK: Tracking

    /// Tracks an object in the current thread's heap (see ``current``); an
    /// object made while no heap is current (by a host, between runs) is
    /// not tracked: reference counting alone frees it.
    static func track(_ o: ListRef) { current?.add(.list(.passUnretained(o)), &o.link) }
    static func track(_ o: RecordRef) { current?.add(.record(.passUnretained(o)), &o.link) }
    static func track(_ o: Env) { current?.add(.env(.passUnretained(o)), &o.link) }
    static func track(_ o: Closure) { current?.add(.closure(.passUnretained(o)), &o.link) }
    static func track(_ o: FunctionProto) { current?.add(.proto(.passUnretained(o)), &o.link) }
    /// Cells always join their runtime's heap.
    func track(_ o: GlobalCell) { add(.cell(.passUnretained(o)), &o.link) }

    /// Forgets a dying object.
    @inline(__always)
    static func untrack(_ link: HeapLink) {
        guard let h = link.heap else { return }
        if h._withUnsafeGuaranteedRef({ $0.remove(link.slot) }) { leftDetached(h, collect: false) }
    }
    static func untrack(_ o: ListRef) { untrack(o.link) }
    static func untrack(_ o: RecordRef) { untrack(o.link) }
    static func untrack(_ o: Env) { untrack(o.link) }
    static func untrack(_ o: Closure) {
        guard let h = o.link.heap else { return }
        if h._withUnsafeGuaranteedRef({ $0.remove(o.link.slot) }) {
            leftDetached(h, collect: o.role == .heldAtDetach, dying: [o.proto.link] + (o.env.map { [$0.link] } ?? []))
        }
    }
    static func untrack(_ o: FunctionProto) { untrack(o.link) }
    static func untrack(_ o: GlobalCell) { untrack(o.link) }

    func add(_ e: Entry, _ link: inout HeapLink) {
        link = HeapLink(heap: .passUnretained(self), slot: entries.count)
        entries.append(e)
        allocations += 1
        if allocations == threshold || (allocations & 63 == 0 && Tensor.bytesMade &- tensorClock > Heap.tensorBudget) {
            interrupt?.requestCollection()
        }
    }

    /// Removes the entry at `slot`; true when this heap is detached (the
    /// caller then runs ``leftDetached(_:collect:)``).
    private func remove(_ slot: Int) -> Bool {
        let last = entries.removeLast()
        if slot < entries.count {
            entries[slot] = last
            Heap.withLink(last) { $0.slot = slot }
        }
        return interrupt == nil
    }

    /// Stops tracking every object (the heap is going away; what survives
    /// it is freed by reference counting alone).
    func detachAll() {
        for e in entries { Heap.withLink(e) { $0 = HeapLink() } }
        entries = []
    }

    static func withLink(_ e: Entry, _ body: (inout HeapLink) -> Void) {
        switch e {
        case .list(let u): u._withUnsafeGuaranteedRef { body(&$0.link) }
        case .record(let u): u._withUnsafeGuaranteedRef { body(&$0.link) }
        case .env(let u): u._withUnsafeGuaranteedRef { body(&$0.link) }
        case .closure(let u): u._withUnsafeGuaranteedRef { body(&$0.link) }
        case .proto(let u): u._withUnsafeGuaranteedRef { body(&$0.link) }
        case .cell(let u): u._withUnsafeGuaranteedRef { body(&$0.link) }
        }
    }

    // MARK: The current heap

    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    /// The heap new objects join on this thread: the runtime evaluating here.
    static var current: Heap? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<Heap>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Runs `body` with `heap` current on this thread, then restores the
    /// previous one.
    static func withCurrent<R, E: Error>(_ heap: Heap, _ body: () throws(E) -> R) throws(E) -> R {
        let saved = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(heap).toOpaque())
        defer {
            pthread_setspecific(key, saved)
            if saved == nil, !heap.pendingDetached.isEmpty { heap.collectPendingDetached() }
        }
        return try body()
    }
}
