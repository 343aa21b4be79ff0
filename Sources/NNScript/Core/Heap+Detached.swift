/// What a freed interpreter leaves behind: the detached heap.
///
/// When an ``Interpreter`` is freed its globals go and its heap is collected,
/// so everything only the interpreter reached is freed. What survives is held
/// from outside: a function or list a host copied out (`nn["fact"]`), a value
/// a builtin wrapped (`grad(f)`), a value handed to another interpreter. A
/// cycle among the survivors (a recursive function: closure -> prototype ->
/// its own global's cell -> closure) would outlive its last holder, because
/// only a collection finds cycles and no evaluator runs for a dead heap.
///
/// So the survivors move, tracked as before, to a *detached heap* (one per
/// freed interpreter, no evaluator, no shared state with any other heap),
/// and two rules make its cycles collectable:
///
/// 1. **Split at detach.** A closure held both from outside and by the heap
///    (the host's `fact`, which its own global cell also holds) gives the
///    heap's references to a *twin*: a closure with the same prototype and
///    environment (the same function: `==` says so, and a call runs the
///    same code on the same captured variables). The outside holder keeps
///    the original, which is then in no cycle, so reference counting sees
///    its last holder go and runs its `deinit`.
/// 2. **Collect when an original dies.** That `deinit` collects the
///    detached heap (trial deletion, as a live heap's collector): the cycle
///    the twin is in is now held by nothing outside, and is freed.
///
/// Why this is safe without locks. Values are not `Sendable`: a detached
/// heap's objects are used only where its interpreter was, one thread at a
/// time, and the original's `deinit` runs there too. A collection never
/// runs while nn code may run on the same thread: with no evaluation
/// current on the thread it runs at once, otherwise when that evaluation
/// ends (``Heap/withCurrent(_:_:)`` runs the pending ones). An evaluation
/// suspended meanwhile (a host callback that runs another interpreter)
/// holds what it runs either retained, which counts as outside, or through
/// a pinned global cell (a call by name), which the collector counts as an
/// outside reference to the cell (``Heap/outsideCounts()``). The detached
/// heap keeps itself alive (``Heap/keepAlive``) while it tracks anything,
/// since its objects point at it unretained.
///
/// What is left: a cycle held from outside only through a list or record
/// (a host keeping a list that contains itself) is not split (a list's
/// identity is what its holders share) and stays until the process ends.
extension Heap {
    /// Moves every tracked object to a new detached heap, splitting closures
    /// held both from outside and by the heap. Called when the interpreter
    /// is freed, after its last collection.
    func detachSurvivors() {
        guard !entries.isEmpty else { return }
        guard let outside = outsideCounts() else {
            // Counts that do not add up: keep the old behaviour (untrack all).
            anomalies += 1
            detachAll()
            return
        }
        var incoming = [Int](repeating: 0, count: entries.count)
        for e in entries { forEachChild(e) { incoming[$0] += 1 } }
        let detached = Heap(interrupt: nil)
        let moved = entries
        entries = []
        for e in moved {
            var link = HeapLink()
            detached.add(e, &link)
            Heap.withLink(e) { $0 = link }
        }
        for (i, e) in moved.enumerated() {
            guard case .closure(let u) = e, outside[i] > 0, incoming[i] > 0 else { continue }
            let original = u.takeUnretainedValue()
            guard original.role == .plain else { continue }
            let twin = Closure(twinOf: original)
            detached.add(.closure(.passUnretained(twin)), &twin.link)
            detached.redirect(original, to: twin)
            original.role = .heldAtDetach
        }
        detached.allocations = 0
        detached.keepAlive = .passRetained(detached)
    }

    /// Replaces every reference the tracked objects hold to `original` by
    /// one to `twin`.
    private func redirect(_ original: Closure, to twin: Closure) {
        func swap(_ v: inout Value) {
            if case .function(let c) = v, c === original { v = .function(twin) }
        }
        for e in entries {
            switch e {
            case .list(let u):
                u._withUnsafeGuaranteedRef { l in
                    for i in l.items.indices { swap(&l.items[i]) }
                }
            case .record(let u):
                u._withUnsafeGuaranteedRef { r in
                    for k in r.keys {
                        if case .function(let c)? = r[k], c === original { r[k] = .function(twin) }
                    }
                }
            case .env(let u):
                u._withUnsafeGuaranteedRef { env in
                    for i in 0..<env.size { swap(&env.slots[i]) }
                }
            case .cell(let u):
                u._withUnsafeGuaranteedRef { cell in
                    // Through the setter: a pinned cell parks the old value.
                    if case .function(let c) = cell.value, c === original { cell.value = .function(twin) }
                }
            case .closure, .proto:
                break  // they hold no closures
            }
        }
    }

    /// After an object of the detached heap `h` was untracked: collects `h`
    /// when the object was a split original (now, or when this thread's
    /// evaluation ends, by which time the original's references are gone),
    /// and lets `h` go when it tracks nothing.
    @inline(never)
    /// `dying` are the links of what the dying original still holds (its
    /// prototype and environment: a `deinit` runs before the object's
    /// properties are released), references about to go.
    static func leftDetached(_ h: Unmanaged<Heap>, collect: Bool, dying: [HeapLink] = []) {
        let heap = h.takeUnretainedValue()  // retained for this call
        if collect, !heap.isCollecting {
            if let running = Heap.current {
                if !running.pendingDetached.contains(where: { $0 === heap }) { running.pendingDetached.append(heap) }
            } else {
                heap.collect(discounting: dying)
            }
        }
        if heap.entries.isEmpty, let me = heap.keepAlive {
            heap.keepAlive = nil
            me.release()
        }
    }

    /// Collects the detached heaps whose originals died during the
    /// evaluation that just ended on this thread.
    @inline(never)
    func collectPendingDetached() {
        while let heap = pendingDetached.popLast() {
            heap.collect()
            if heap.entries.isEmpty, let me = heap.keepAlive {
                heap.keepAlive = nil
                me.release()
            }
        }
    }
}
