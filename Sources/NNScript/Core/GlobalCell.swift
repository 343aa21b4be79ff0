/// One global variable: a heap object (see ``Heap``) owned by the runtime's
/// table of globals and by the function prototypes whose code uses it.
///
/// Compiled code reaches the cell through a ``CellRef``, a pointer to its
/// state, so reading a global costs no lookup by name and no reference
/// counting. The prototype (or script) that holds the code owns the cell
/// (``FunctionProto/cells``), so the state outlives every node that points
/// at it.
///
/// Calling the function a global holds is the commonest call, so the cell
/// also keeps that function unretained (``CellRef/function``) and counts the
/// calls running through it (``CellRef/pin()``/``CellRef/unpin()``): while
/// any run, a replaced value is parked rather than released, so a function
/// that reassigns its own name finishes safely. That spares an atomic retain
/// and release per call.
final class GlobalCell {
    /// The state, behind a pointer so the evaluator's reads and writes need
    /// no dynamic exclusivity checks (see ``CellRef``).
    let state: UnsafeMutablePointer<CellState>
    /// Its place in the heap.
    var link = HeapLink()

    /// A cell of `heap` (its runtime's, whichever heap is current).
    init(name: String, heap: Heap) {
        state = .allocate(capacity: 1)
        state.initialize(to: CellState(name: name))
        heap.track(self)
    }

    deinit {
        Heap.untrack(self)
        state.deinitialize(count: 1)
        state.deallocate()
    }

    var name: String { state.pointee.name }
    /// The reference compiled code holds (valid while the cell lives).
    var ref: CellRef { CellRef(state: state) }

    var value: Value {
        get { ref.value }
        set { ref.value = newValue }
    }

    var isDefined: Bool {
        get { ref.isDefined }
        set { ref.isDefined = newValue }
    }
}

/// The state of a ``GlobalCell``.
struct CellState {
    let name: String
    var value: Value = .nil
    var isDefined = false
    var function: Unmanaged<Closure>?
    var pins = 0
    var parked: [Value] = []

    init(name: String) { self.name = name }
}

/// A global cell as compiled code holds it: a pointer to its state, valid
/// while the cell lives (the code's prototype owns the cell).
struct CellRef {
    let state: UnsafeMutablePointer<CellState>

    var name: String { state.pointee.name }

    var value: Value {
        @inline(__always) get { state.pointee.value }
        nonmutating set {
            if state.pointee.pins > 0 { state.pointee.parked.append(state.pointee.value) }
            if case .function(let c) = newValue {
                state.pointee.function = .passUnretained(c)
            } else {
                state.pointee.function = nil
            }
            state.pointee.value = newValue
        }
    }

    var isDefined: Bool {
        @inline(__always) get { state.pointee.isDefined }
        @inline(__always) nonmutating set { state.pointee.isDefined = newValue }
    }

    /// The nn function the global holds, not retained: valid while pinned.
    var function: Unmanaged<Closure>? {
        @inline(__always) get { state.pointee.function }
    }

    /// Marks a call through ``function`` as running.
    @inline(__always)
    func pin() { state.pointee.pins += 1 }

    /// Ends a call through ``function``; the last one out releases any
    /// values replaced meanwhile.
    @inline(__always)
    func unpin() {
        state.pointee.pins -= 1
        if state.pointee.pins == 0, !state.pointee.parked.isEmpty { state.pointee.parked.removeAll() }
    }
}
