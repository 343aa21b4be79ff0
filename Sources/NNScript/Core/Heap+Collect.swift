import NNTensor

/// The collector: trial deletion over the tracked objects (see ``Heap``).
extension Heap {
    /// Finds the objects held only by each other and frees them; returns how
    /// many were freed. `discounting` are references from an object being
    /// freed (not tracked any more, its properties not yet released): they
    /// count as edges, not as outside references.
    @discardableResult
    func collect(discounting: [HeapLink] = []) -> Int {
        guard !isCollecting else { return 0 }
        isCollecting = true
        defer { isCollecting = false }
        let n = entries.count
        collections += 1
        // 1-2: the references from outside the heap.
        guard var outside = outsideCounts() else {
            // An edge without a reference: never guess, free nothing.
            anomalies += 1
            finish()
            return 0
        }
        for link in discounting {
            if let s = slot(link), outside[s] > 0 { outside[s] -= 1 }
        }
        // 3: what the outside reaches.
        var reachable = [Bool](repeating: false, count: n)
        var work: [Int] = []
        for i in 0..<n where outside[i] > 0 {
            reachable[i] = true
            work.append(i)
        }
        while let i = work.popLast() {
            forEachChild(entries[i]) { s in
                if !reachable[s] {
                    reachable[s] = true
                    work.append(s)
                }
            }
        }
        // 4: the rest, kept alive by the collector while it empties them.
        var garbage: [Entry] = []
        for i in 0..<n where !reachable[i] {
            garbage.append(entries[i])
            Heap.retain(entries[i])
        }
        for e in garbage { Heap.clear(e) }
        for e in garbage { Heap.release(e) }
        collected += garbage.count
        finish()
        return garbage.count
    }

    /// For each tracked object, the references to it from outside the heap:
    /// its strong count less the edges from tracked objects, plus the calls
    /// running through it if it is a cell (a call through a global holds the
    /// cell's function unretained while the cell is pinned, see
    /// ``GlobalCell``: those frames are outside references too). Nil when an
    /// edge has no reference to match (a bug: then nothing is freed).
    func outsideCounts() -> [Int]? {
        let n = entries.count
        var outside = [Int](repeating: 0, count: n)
        for i in 0..<n { outside[i] = Heap.strongCount(entries[i]) }
        for i in 0..<n { forEachChild(entries[i]) { outside[$0] -= 1 } }
        if outside.contains(where: { $0 < 0 }) { return nil }
        for i in 0..<n {
            if case .cell(let u) = entries[i] { outside[i] += u._withUnsafeGuaranteedRef { $0.state.pointee.pins } }
        }
        return outside
    }

    private func finish() {
        allocations = 0
        tensorClock = Tensor.bytesMade
        threshold = max(Heap.minimumThreshold, entries.count)
    }

    /// The slot of a tracked object this value refers to, in this heap.
    @inline(__always)
    private func slot(_ link: HeapLink) -> Int? {
        guard let h = link.heap, h.toOpaque() == Unmanaged.passUnretained(self).toOpaque() else { return nil }
        return link.slot
    }

    @inline(__always)
    private func slot(of v: Value) -> Int? {
        switch v {
        case .list(let l): slot(l.link)
        case .record(let r): slot(r.link)
        case .function(let c): slot(c.link)
        default: nil
        }
    }

    /// Calls `body` with the slot of every object of this heap that `e`
    /// holds a strong reference to: once per reference.
    func forEachChild(_ e: Entry, _ body: (Int) -> Void) {
        func visit(_ v: Value) { if let s = slot(of: v) { body(s) } }
        switch e {
        case .list(let u):
            u._withUnsafeGuaranteedRef { l in for v in l.items { visit(v) } }
        case .record(let u):
            u._withUnsafeGuaranteedRef { r in for v in r.values { visit(v) } }
        case .env(let u):
            u._withUnsafeGuaranteedRef { env in
                if let p = env.parent, let s = slot(p.link) { body(s) }
                for i in 0..<env.size { visit(env.slots[i]) }
            }
        case .closure(let u):
            u._withUnsafeGuaranteedRef { c in
                if let s = slot(c.proto.link) { body(s) }
                if let env = c.env, let s = slot(env.link) { body(s) }
            }
        case .proto(let u):
            u._withUnsafeGuaranteedRef { p in
                for c in p.cells { if let s = slot(c.link) { body(s) } }
                for q in p.nested { if let s = slot(q.link) { body(s) } }
            }
        case .cell(let u):
            u._withUnsafeGuaranteedRef { c in
                visit(c.state.pointee.value)
                for v in c.state.pointee.parked { visit(v) }
            }
        }
    }

    /// Empties a garbage object, dropping the references that make its cycles.
    private static func clear(_ e: Entry) {
        switch e {
        case .list(let u): u._withUnsafeGuaranteedRef { $0.items = [] }
        case .record(let u): u._withUnsafeGuaranteedRef { $0.removeAll() }
        case .env(let u):
            u._withUnsafeGuaranteedRef { env in
                for i in 0..<env.size { env.slots[i] = .nil }
            }
        case .cell(let u):
            u._withUnsafeGuaranteedRef { c in
                c.state.pointee.function = nil
                c.state.pointee.value = .nil
                c.state.pointee.parked = []
                c.state.pointee.isDefined = false
            }
        case .closure, .proto:
            break  // immutable: their cycles pass through the objects above
        }
    }

    private static func retain(_ e: Entry) { _ = opaque(e).retain() }
    private static func release(_ e: Entry) { opaque(e).release() }

    private static func opaque(_ e: Entry) -> Unmanaged<AnyObject> {
        let raw: UnsafeMutableRawPointer
        switch e {
        case .list(let u): raw = u.toOpaque()
        case .record(let u): raw = u.toOpaque()
        case .env(let u): raw = u.toOpaque()
        case .closure(let u): raw = u.toOpaque()
        case .proto(let u): raw = u.toOpaque()
        case .cell(let u): raw = u.toOpaque()
        }
        return Unmanaged<AnyObject>.fromOpaque(raw)
    }

    /// The strong reference count of a tracked object, as its holders see it.
    private static func strongCount(_ e: Entry) -> Int { rawCount(opaque(e)) - countOffset }

    /// The runtime's strong count of an object, read without retaining it.
    /// (`_getRetainCount` may see the argument's own +1 in an unoptimised
    /// build: ``countOffset`` measures what this very function adds.)
    @inline(never)
    private static func rawCount(_ u: Unmanaged<AnyObject>) -> Int {
        u._withUnsafeGuaranteedRef { Int(_getRetainCount($0)) }
    }

    private final class Probe {}

    /// What ``rawCount(_:)`` reads for an object with exactly one holder, less one.
    private static let countOffset: Int = {
        let probe = Probe()
        let n = rawCount(Unmanaged<AnyObject>.passUnretained(probe))
        withExtendedLifetime(probe) {}
        return n - 1
    }()
}
