/// Soft interrupts: Ctrl-C during `fit` ends training and keeps its result.
extension Interpreter {
    /// Runs a loop that can end early at Ctrl-C and return what it has (`fit`).
    ///
    /// The first interrupt of a top-level run (a script, or one REPL entry)
    /// that arrives while `body` runs is *soft*: `shouldStop` turns true, the
    /// loop ends after its current step, and its result is returned when
    /// `stoppedEarly` says it did end early; the host hears of it through
    /// ``Options/interruptTaken`` (so its next Ctrl-C counts as a first one).
    /// nn code the loop calls (a model or loss written in nn) does not see a
    /// soft interrupt, so it cannot stop in the middle of a step.
    ///
    /// Any other interrupt is hard, as everywhere else: `shouldStop` turns
    /// true as well, and the `interrupted` error is thrown when the loop
    /// returns. A soft press the loop never saw (it came after the last step)
    /// becomes a hard one.
    func softStoppable<R>(_ body: (_ shouldStop: () -> Bool) throws -> R, stoppedEarly: (R) -> Bool) throws -> R {
        let flag = rt.interrupt
        let armed = !softStopUsed && flag.arm()
        let result: R
        do {
            result = try body { flag.isSet || flag.softStopRequested }
        } catch {
            if armed, flag.disarm() { flag.set() }
            throw error
        }
        if armed, flag.disarm() {
            if stoppedEarly(result) {
                softStopUsed = true
                options.interruptTaken()
            } else {
                flag.set()
            }
        }
        try pollInterrupt()
        return result
    }
}
