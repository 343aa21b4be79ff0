import Synchronization

/// A thread-safe flag set by `Interpreter.interrupt()` (e.g. from a SIGINT
/// watcher thread), which doubles as the native stack guard of nn calls.
///
/// An interrupt is normally *hard*: it sets the flag the evaluator polls at
/// its safe points (loop iterations, nn calls, the steps of long builtins),
/// which stop the script with the `interrupted` error. While a *soft stop* is
/// armed (``arm()``: `fit` runs and no press has been taken softly in this
/// run yet), the next interrupt only marks the soft stop requested
/// (``softStopRequested``), so `fit` can end training at its next step and
/// return what it has; any later interrupt is hard again.
///
/// The same word also carries the heap's requests for a collection
/// (``requestCollection()``): the evaluator's safe points test one word for
/// "anything to attend to", and sort out which on the slow path.
///
/// And it carries the host's limits (``Interpreter/Limits``): a limit
/// exceeded in the current run (``exceed(_:)``, from the deadline's timer,
/// the tensor memory account or the output; sticky until the run ends, so
/// every later safe point, `catch` and poll stops the script again), and a
/// step budget being counted (``isCounting``): while one is, the word stays
/// raised, so every safe point takes the slow path, which counts the step.
/// A run without a step budget pays nothing for the limits.
///
/// One word, ``callGuard``, serves both checks of a call, so a call pays one
/// load and one compare for them (as Go's stack guard doubles as its
/// preemption request):
///
/// ```
/// callGuard = UInt.max        while an interrupt, a collection, an exceeded limit or a step budget is pending
///           = stackLimit      otherwise: the lowest native stack address a call may start at
/// a call may start  ⇔  address of a local in the caller > callGuard
/// ```
final class InterruptFlag: Sendable {
    /// ``callGuard``'s storage.
    private let word = Atomic<UInt>(0)
    /// A hard interrupt is pending.
    private let pending = Atomic<Bool>(false)
    /// The heap asked for a collection.
    private let collect = Atomic<Bool>(false)
    /// The guard's value while no interrupt is pending (0: no native limit known).
    private let limit = Atomic<UInt>(0)
    /// 0: no soft stop armed; 1: armed; 2: armed and an interrupt took it.
    private let soft = Atomic<Int>(0)
    /// A step budget is being counted: the word stays raised.
    private let counting = Atomic<Bool>(false)
    /// The limit exceeded in the current run, and the run's number:
    /// `run << 8 | code`, where code 0 is none and `k + 1` is
    /// `ScriptError.Limit.allCases[k]`. One word, so a late timer of an
    /// earlier run (``exceed(_:run:)``) can never mark a later one.
    private let exceeded = Atomic<Int>(0)

    /// True while a hard interrupt is pending.
    var isSet: Bool { pending.load(ordering: .relaxed) }

    /// True while an interrupt or a collection is pending: the evaluator's
    /// one test at its safe points.
    var needsAttention: Bool {
        @inline(__always) get { word.load(ordering: .relaxed) == .max }
    }

    /// `UInt.max` while an interrupt or a collection is pending, else ``stackLimit``.
    var callGuard: UInt {
        @inline(__always) get { word.load(ordering: .relaxed) }
    }

    /// The lowest native stack address at which an nn call may start on the
    /// evaluating thread (0 when unknown: then only the call depth is limited).
    var stackLimit: UInt { limit.load(ordering: .relaxed) }

    /// An interrupt: taken by an armed soft stop, else the hard flag.
    func set() {
        if soft.compareExchange(expected: 1, desired: 2, ordering: .sequentiallyConsistent).exchanged { return }
        pending.store(true, ordering: .sequentiallyConsistent)
        word.store(.max, ordering: .sequentiallyConsistent)
    }

    /// Takes back a pending interrupt.
    func clear() {
        pending.store(false, ordering: .sequentiallyConsistent)
        settle()
    }

    /// Asks the evaluator for a collection at its next safe point.
    func requestCollection() {
        collect.store(true, ordering: .sequentiallyConsistent)
        word.store(.max, ordering: .sequentiallyConsistent)
    }

    /// Takes a pending collection request: true when there was one.
    func takeCollectionRequest() -> Bool {
        guard collect.load(ordering: .relaxed), collect.exchange(false, ordering: .sequentiallyConsistent) else {
            return false
        }
        settle()
        return true
    }

    /// The limit exceeded in the current run, if any (sticky until ``startRun()`` or ``endRun()``).
    var exceededLimit: ScriptError.Limit? {
        let code = exceeded.load(ordering: .relaxed) & 0xff
        return code == 0 ? nil : ScriptError.Limit.allCases[code - 1]
    }

    /// Marks `limit` exceeded in the current run (the first one marked
    /// stays) and raises the word, so the next safe point stops the script.
    func exceed(_ limit: ScriptError.Limit) {
        var current = exceeded.load(ordering: .relaxed)
        while current & 0xff == 0 {
            let r = exceeded.compareExchange(expected: current, desired: current | InterruptFlag.code(limit),
                                             ordering: .sequentiallyConsistent)
            if r.exchanged { break }
            current = r.original
        }
        word.store(.max, ordering: .sequentiallyConsistent)
    }

    /// Marks `limit` exceeded if run number `run` (from ``startRun()``) is
    /// still the current run and nothing was marked yet: for a timer that
    /// may fire after its run ended.
    func exceed(_ limit: ScriptError.Limit, run: Int) {
        let r = exceeded.compareExchange(expected: run << 8, desired: run << 8 | InterruptFlag.code(limit),
                                         ordering: .sequentiallyConsistent)
        if r.exchanged { word.store(.max, ordering: .sequentiallyConsistent) }
    }

    private static func code(_ limit: ScriptError.Limit) -> Int {
        (ScriptError.Limit.allCases.firstIndex(of: limit) ?? 0) + 1
    }

    /// Starts a run's limits: forgets any limit exceeded before, and
    /// returns the run's number (for ``exceed(_:run:)``).
    @discardableResult
    func startRun() -> Int {
        let run = (exceeded.load(ordering: .relaxed) >> 8) &+ 1
        exceeded.store(run << 8, ordering: .sequentiallyConsistent)
        settle()
        return run
    }

    /// Ends a run's limits: stops counting steps and forgets an exceeded
    /// limit (a timer of the ended run can no longer mark one).
    func endRun() {
        counting.store(false, ordering: .sequentiallyConsistent)
        startRun()
    }

    /// True while a step budget is counted: every safe point takes the slow path.
    var isCounting: Bool { counting.load(ordering: .relaxed) }

    /// True when the word is raised for a step budget alone (no interrupt,
    /// collection or exceeded limit pending): the safe point only counts.
    var onlyCounting: Bool {
        @inline(__always) get {
            counting.load(ordering: .relaxed) && !pending.load(ordering: .relaxed) && !collect.load(ordering: .relaxed)
                && exceeded.load(ordering: .relaxed) & 0xff == 0
        }
    }

    /// Starts counting steps: raises the word until ``endRun()``.
    func startCounting() {
        counting.store(true, ordering: .sequentiallyConsistent)
        word.store(.max, ordering: .sequentiallyConsistent)
    }

    /// Lowers the word to the stack limit, then raises it again if a request
    /// is (still, or newly) pending: a `set()` (or `exceed`) on another
    /// thread between the two stores raises it itself (it stores the flag
    /// before the word), so no request is ever left without the word raised.
    func settle() {
        word.store(limit.load(ordering: .relaxed), ordering: .sequentiallyConsistent)
        if pending.load(ordering: .sequentiallyConsistent) || collect.load(ordering: .sequentiallyConsistent)
            || counting.load(ordering: .sequentiallyConsistent) || exceeded.load(ordering: .sequentiallyConsistent) & 0xff != 0 {
            word.store(.max, ordering: .sequentiallyConsistent)
        }
    }

    /// Sets the native stack limit for the thread that evaluates from now on,
    /// keeping a pending interrupt pending.
    func setStackLimit(_ newLimit: UInt) {
        limit.store(newLimit, ordering: .relaxed)
        var current = word.load(ordering: .relaxed)
        while current != .max {
            let r = word.compareExchange(expected: current, desired: newLimit, ordering: .sequentiallyConsistent)
            if r.exchanged { break }
            current = r.original
        }
    }

    /// Arms a soft stop; false when one is armed already (the outer one keeps it).
    func arm() -> Bool { soft.compareExchange(expected: 0, desired: 1, ordering: .sequentiallyConsistent).exchanged }
    /// True when an interrupt was taken by the armed soft stop.
    var softStopRequested: Bool { soft.load(ordering: .relaxed) == 2 }
    /// Disarms the soft stop; returns true when an interrupt was taken by it.
    func disarm() -> Bool { soft.exchange(0, ordering: .sequentiallyConsistent) == 2 }
}
