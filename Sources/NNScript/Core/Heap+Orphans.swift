#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Objects that outlive their interpreter.
///
/// A host may keep a value after freeing the interpreter that made it (a
/// function it copied out, a list of results). Reference counting frees
/// such a value when the host lets go, unless it is part of a cycle: a
/// recursive function holds its own global's cell, which holds the function.
/// So a freed interpreter hands its survivors to one process-wide heap, the
/// **orphans**, which the collector runs over when no interpreter is alive
/// (the last one is freed, or the first of a new generation is made): by
/// then the host may have let go of them.
///
/// Only then, because an orphan may still be in use by a live interpreter
/// on another thread: a value handed from `a` to `b` while `a` lived (no
/// orphan then) becomes one when `a` is freed, while `b` still runs it; a
/// function wrapped in a builtin (`grad(f)`) runs wherever the builtin is
/// called. Scanning or emptying such objects while `b` runs would race with
/// it. With no interpreter alive no script runs, and the rest (freeing a
/// kept orphan, a host handing one in) takes ``orphanLock``. A host that
/// keeps one interpreter alive for the whole process therefore keeps the
/// cycles among values it held past their interpreters until it frees it.
///
/// Every change to the orphans takes ``orphanLock`` (recursive: collecting
/// frees objects, whose `deinit` untracks them under the same lock). The
/// two ways a host hands a value to an interpreter
/// (``Interpreter/subscript(name:)``, ``Interpreter/call(_:_:named:)``)
/// first move the orphans it reaches into that interpreter's heap
/// (``adopt(_:)``), which then collects them with its own objects.
extension Heap {
    /// The heap of objects whose interpreter is gone.
    nonisolated(unsafe) static let orphans = Heap(interrupt: InterruptFlag(), orphanage: true)
    /// Guards ``orphans``.
    static let orphanLock = RecursiveLock()

    /// Interpreters alive in the process (changed under ``orphanLock``).
    nonisolated(unsafe) private static var interpretersAlive = 0

    /// An interpreter is being made: collects the orphans when it is the
    /// first alive (no script runs anywhere), then counts it.
    static func interpreterMade() {
        orphanLock.withLock {
            if interpretersAlive == 0 { collectOrphansUnlocked() }
            interpretersAlive += 1
        }
    }

    /// An interpreter is being freed, its own heap collected: hands what
    /// survives (values a host keeps) to the orphans, and collects them
    /// when it was the last one alive.
    func interpreterFreed() {
        Heap.orphanLock.withLock {
            let orphans = Heap.orphans
            for e in entries {
                Heap.withLink(e) { $0 = HeapLink(heap: .passUnretained(orphans), slot: orphans.entries.count) }
                orphans.entries.append(e)
            }
            entries = []
            Heap.interpretersAlive -= 1
            if Heap.interpretersAlive == 0 { Heap.collectOrphansUnlocked() }
        }
    }

    /// Frees the cycles among orphans that nothing outside holds any more
    /// (under ``orphanLock``, with no interpreter alive).
    private static func collectOrphansUnlocked() {
        if !orphans.entries.isEmpty { orphans.collect() }
    }

    /// How many objects the orphans hold (for tests).
    static var orphanCount: Int { orphanLock.withLock { orphans.entries.count } }

    /// Moves the orphans `value` reaches into this heap, so that running them
    /// here is this heap's business (and its collector's). Objects a host
    /// made (untracked) are looked through; other interpreters' objects are
    /// left as they are.
    func adopt(_ value: Value) {
        Heap.orphanLock.withLock {
            let orphans = Heap.orphans
            guard !orphans.entries.isEmpty else { return }
            var seen = Set<UnsafeMutableRawPointer>()
            var work: [Entry] = []
            func reach(_ v: Value) {
                switch v {
                case .list(let l): work.append(.list(.passUnretained(l)))
                case .record(let r): work.append(.record(.passUnretained(r)))
                case .function(let c): work.append(.closure(.passUnretained(c)))
                case .tuple(let items): for item in items { reach(item) }
                default: break
                }
            }
            reach(value)
            while let e = work.popLast() {
                guard seen.insert(Heap.address(e)).inserted else { continue }
                var link = HeapLink()
                Heap.withLink(e) { link = $0 }
                if let h = link.heap {
                    guard h.toOpaque() == Unmanaged.passUnretained(orphans).toOpaque() else { continue }
                    orphans.remove(link.slot)
                    Heap.withLink(e) { add(e, &$0) }
                }
                Heap.forEachReference(e, value: reach) { work.append($0) }
            }
        }
    }

    /// The object's address (its identity).
    static func address(_ e: Entry) -> UnsafeMutableRawPointer {
        switch e {
        case .list(let u): u.toOpaque()
        case .record(let u): u.toOpaque()
        case .env(let u): u.toOpaque()
        case .closure(let u): u.toOpaque()
        case .proto(let u): u.toOpaque()
        case .cell(let u): u.toOpaque()
        }
    }

    /// Calls `value` with every value `e` holds and `object` with every heap
    /// object it holds directly (the edges ``forEachChild`` counts).
    static func forEachReference(_ e: Entry, value: (Value) -> Void, object: (Entry) -> Void) {
        switch e {
        case .list(let u): u._withUnsafeGuaranteedRef { for v in $0.items { value(v) } }
        case .record(let u): u._withUnsafeGuaranteedRef { for v in $0.values { value(v) } }
        case .env(let u):
            u._withUnsafeGuaranteedRef { env in
                if let p = env.parent { object(.env(.passUnretained(p))) }
                for i in 0..<env.size { value(env.slots[i]) }
            }
        case .closure(let u):
            u._withUnsafeGuaranteedRef { c in
                object(.proto(.passUnretained(c.proto)))
                if let env = c.env { object(.env(.passUnretained(env))) }
            }
        case .proto(let u):
            u._withUnsafeGuaranteedRef { p in
                for c in p.cells { object(.cell(.passUnretained(c))) }
                for q in p.nested { object(.proto(.passUnretained(q))) }
            }
        case .cell(let u):
            u._withUnsafeGuaranteedRef { c in
                value(c.state.pointee.value)
                for v in c.state.pointee.parked { value(v) }
            }
        }
    }
}

/// A recursive mutex (pthread's): the one lock of the core, for ``Heap/orphans``.
final class RecursiveLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        var attr = pthread_mutexattr_t()
        pthread_mutexattr_init(&attr)
        pthread_mutexattr_settype(&attr, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(mutex, &attr)
        pthread_mutexattr_destroy(&attr)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
