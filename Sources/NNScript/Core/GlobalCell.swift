/// One global variable. Compiled code holds the cell directly, so reading a
/// global costs no lookup by name.
///
/// Calling the function a global holds is the commonest call, so the cell
/// also keeps that function unretained (``function``) and counts the calls
/// running through it (``pin()``/``unpin()``): while any run, a replaced
/// value is parked rather than released, so a function that reassigns its
/// own name finishes safely. That spares an atomic retain and release per call.
final class GlobalCell {
    let name: String
    /// The state lives behind a pointer so the evaluator's reads and writes
    /// need no dynamic exclusivity checks.
    private let state: UnsafeMutablePointer<State>

    private struct State {
        var value: Value = .nil
        var isDefined = false
        var function: Unmanaged<Closure>?
        var pins = 0
        var parked: [Value] = []
    }

    init(name: String) {
        self.name = name
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    var value: Value {
        @inline(__always) get { state.pointee.value }
        set {
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
        @inline(__always) set { state.pointee.isDefined = newValue }
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
