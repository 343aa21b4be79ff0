import NNScript
import Testing

/// Ctrl-C as the interrupt API sees it: `press()`, a Swift function the
/// scripts call, interrupts the interpreter exactly as the SIGINT watcher
/// does, at a chosen step (no timing involved).
@Suite("Interrupts")
struct InterruptTests {
    /// An interpreter with `press()`, and a counter of soft stops the host heard of.
    final class Host {
        /// Soft stops the host heard of (scripts run one at a time, on one thread at a time).
        final class Count { var value = 0 }
        let taken = Count()
        var interpreter: Interpreter!

        init() {
            interpreter = Interpreter(options: .init(output: { _ in }, errorOutput: { _ in },
                                                     interruptTaken: { [taken] in taken.value += 1 }))
            interpreter.register(Builtin("press", [], summary: "Ctrl-C.") { [unowned self] _ in
                interpreter.interrupt()
                return .nil
            })
        }
    }

    /// A regression problem and a loss that presses Ctrl-C during step `at`
    /// (the loss is written in nn, so nn code runs inside every step).
    static let setup = """
        let X = randn([64, 2], seed: 1)
        let y = X @ tensor([[1], [-2]])
        let model = Linear(2, 1, seed: 0)
        let opt = SGD(model.parameters(), lr: 0.01)
        let steps = 0
        let press_at = 3
        fn loss(out, target) {
          steps = steps + 1
          if steps == press_at { press() }
          mse(out, target)
        }

        """

    @Test func firstCtrlCDuringFitReturnsTheHistory() throws {
        let host = Host()
        let nn = host.interpreter!
        try nn.run(source: Self.setup + """
            let h = fit(model, loss: loss, opt: opt, data: (X, y), epochs: 1000, batch_size: 8, verbose: false)
            let after = "the script goes on"
            """, name: "fit.nn")
        #expect(nn["h"] != nil)
        #expect(try nn.evaluate("h.interrupted").repr == "true")
        // Step 3 of 8 in epoch 1: training ended after it, the partial epoch is recorded.
        #expect(try nn.evaluate("steps").repr == "3")
        #expect(try nn.evaluate("h.epochs").repr == "1")
        #expect(nn["after"] != nil)
        #expect(host.taken.value == 1)
        #expect(!nn.isInterruptPending)
    }

    @Test func secondCtrlCInTheSameRunInterrupts() throws {
        let host = Host()
        let nn = host.interpreter!
        do {
            try nn.run(source: Self.setup + """
                let h = fit(model, loss: loss, opt: opt, data: (X, y), epochs: 1000, batch_size: 8, verbose: false)
                press_at = steps + 2
                let h2 = fit(model, loss: loss, opt: opt, data: (X, y), epochs: 1000, batch_size: 8, verbose: false)
                let unreached = 1
                """, name: "twice.nn")
            Issue.record("expected an interrupt")
        } catch let e as ScriptError {
            #expect(e.kind == .interrupted)
        }
        #expect(try nn.evaluate("h.interrupted").repr == "true")
        #expect(nn["h2"] == nil)
        #expect(nn["unreached"] == nil)
        // The second fit stopped at the step of the press, not 1000 epochs later.
        #expect(try nn.evaluate("steps").repr == "5")
        #expect(host.taken.value == 1)
    }

    @Test func aLaterCtrlCOutsideFitInterrupts() throws {
        let host = Host()
        let nn = host.interpreter!
        do {
            try nn.run(source: Self.setup + """
                let h = fit(model, loss: loss, opt: opt, data: (X, y), epochs: 1000, batch_size: 8, verbose: false)
                let spins = 0
                while true {
                  spins = spins + 1
                  if spins == 10 { press() }
                }
                """, name: "later.nn")
            Issue.record("expected an interrupt")
        } catch let e as ScriptError {
            #expect(e.kind == .interrupted)
        }
        #expect(try nn.evaluate("h.interrupted").repr == "true")
        #expect(try nn.evaluate("spins").repr == "10")
    }

    @Test func eachRunGetsItsOwnSoftStop() throws {
        let host = Host()
        let nn = host.interpreter!
        try nn.run(source: Self.setup, name: "setup.nn")
        for entry in 1...2 {
            try nn.run(source: """
                press_at = steps + 2
                let h\(entry) = fit(model, loss: loss, opt: opt, data: (X, y), epochs: 1000, batch_size: 8, verbose: false)
                """, name: "entry\(entry).nn")
            #expect(try nn.evaluate("h\(entry).interrupted").repr == "true")
        }
        #expect(host.taken.value == 2)
    }

    @Test func aPressAfterTheLastStepIsAnOrdinaryInterrupt() throws {
        let host = Host()
        let nn = host.interpreter!
        do {
            // The press comes in the last epoch's validation (the 9th loss call):
            // fit has no step left to stop after.
            try nn.run(source: Self.setup + """
                press_at = 9
                let h = fit(model, loss: loss, opt: opt, data: (X, y), val: (X, y), epochs: 1, batch_size: 8, verbose: false)
                let unreached = 1
                """, name: "late.nn")
            Issue.record("expected an interrupt")
        } catch let e as ScriptError {
            #expect(e.kind == .interrupted)
        }
        #expect(nn["unreached"] == nil)
        #expect(host.taken.value == 0)
    }
}
