/// Soft interrupts: Ctrl-C during `fit` ends training and keeps its result.
extension Interpreter {
    /// Runs a loop that can end early at Ctrl-C and return what it has (`fit`).
    ///
    /// The first interrupt of a top-level run (a script, or one REPL entry)
    /// that arrives while `body` runs is *soft*: `shouldStop` turns true, the
    /// loop ends after its current step, and its result is returned. The host
    /// hears of it through ``Options/interruptTaken`` as soon as the loop
    /// sees it (before the loop reports that it stopped), so its next Ctrl-C
    /// counts as a first one. nn code the loop calls (a model or loss written
    /// in nn) does not see a soft interrupt, so it cannot stop mid-step.
    ///
    /// Any other interrupt is hard, as everywhere else: `shouldStop` turns
    /// true as well, and the `interrupted` error is thrown when the loop
    /// returns, or, after a soft stop, at the script's next safe point (so
    /// `let h = fit(...)` binds `h` first). A soft press the loop never saw
    /// (it came after the last step) becomes a hard one.
    func softStoppable<R>(_ body: (_ shouldStop: () -> Bool) throws -> R, stoppedEarly: (R) -> Bool) throws -> R {
        let flag = rt.interrupt
        let armed = !softStopUsed && flag.arm()
        var noticed = false
        let result: R
        do {
            result = try body {
                if flag.isSet || flag.exceededLimit != nil { return true }
                guard flag.softStopRequested else { return false }
                if !noticed {
                    noticed = true
                    softStopUsed = true
                    options.interruptTaken()
                }
                return true
            }
        } catch {
            if armed, flag.disarm() { flag.set() }
            throw error
        }
        if armed, flag.disarm(), !(noticed && stoppedEarly(result)) { flag.set() }
        if noticed { return result }
        try pollInterrupt()
        return result
    }
}

extension Interpreter {
    /// The end of a top-level run: an interrupt still pending is taken here,
    /// so a script that finished while Ctrl-C was pending (it came during
    /// its last builtin, after the last safe point) ends `interrupted`
    /// rather than succeeding, and no interrupt outlives its run to stop the
    /// next one.
    func takingLateInterrupt<E>(_ outcome: Result<Result<Value, Unwind>, E>) -> Result<Result<Value, Unwind>, E> {
        guard rt.interrupt.isSet else { return outcome }
        rt.interrupt.clear()
        guard case .success(.success) = outcome else { return outcome }
        return .success(.failure(.error(ScriptError("interrupted", kind: .interrupted))))
    }
}
