import Foundation
import NNScript
import Testing

/// Where an interrupt is seen besides loop iterations: at every nn call, at
/// the end of a run, and between the steps of long builtins. `press()`
/// interrupts the interpreter as the SIGINT watcher does, at a chosen point
/// of the script (no timing involved).
@Suite("Interrupt polling")
struct InterruptPollTests {
    /// An interpreter with `press()`.
    func interpreter() -> Interpreter {
        let nn = Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }, filePolicy: .unrestricted))
        nn.register(Builtin("press", [], summary: "Ctrl-C.") { [unowned nn] _ in
            nn.interrupt()
            return .nil
        })
        return nn
    }

    /// Runs `source`, which must end with the `interrupted` error.
    func expectInterrupted(_ nn: Interpreter, _ source: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try nn.run(source: source, name: "poll.nn")
            Issue.record("expected the interrupted error", sourceLocation: sourceLocation)
        } catch let e as ScriptError {
            #expect(e.kind == .interrupted, "got \(e.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    /// A recursion with no loop stops at the first call after the press
    /// (the issue's `spin(34)` ran to its end and exited 0).
    @Test func aRecursionWithoutLoopsStopsAtTheNextCall() throws {
        let nn = interpreter()
        expectInterrupted(nn, """
            let calls = 0
            fn spin(n) {
              calls = calls + 1
              if calls == 10 { press() }
              if n == 0 { 0 } else { spin(n - 1) + spin(n - 1) }
            }
            spin(16)
            """)
        #expect(try nn.evaluate("calls").repr == "10")
    }

    /// `catch` does not take an interrupt: a recursion that retries in its
    /// handler stops (the issue's `try { f(n + 1) } catch e { f(n + 1) }`
    /// could only be killed).
    @Test func catchDoesNotSwallowAnInterrupt() throws {
        let nn = interpreter()
        expectInterrupted(nn, """
            let calls = 0
            fn f(n) {
              calls = calls + 1
              if calls == 5 { press() }
              if n < 12 { try { f(n + 1) } catch e { f(n + 1) } }
            }
            f(0)
            """)
        #expect(try nn.evaluate("calls").repr == "5")
    }

    /// A run that finishes while an interrupt is pending (it came after the
    /// last safe point) ends interrupted, and the press does not outlive it.
    @Test func anInterruptPendingAtTheEndOfARunEndsIt() throws {
        let nn = interpreter()
        expectInterrupted(nn, "press()\nlet x = 1")
        #expect(try nn.evaluate("x").repr == "1")
        #expect(!nn.isInterruptPending)
        try nn.run(source: "let total = 0\nfor i in 0..3 { total = total + i }", name: "next.nn")
        #expect(try nn.evaluate("total").repr == "3")
    }

    /// `hessian(f, x)` polls between its rows: a press during the one
    /// evaluation of `f` stops it before the matrix is built.
    @Test func hessianOfAFunctionPollsBetweenRows() throws {
        let nn = interpreter()
        expectInterrupted(nn, """
            fn f(w) { press(); (w * w).sum() }
            let h = hessian(f, zeros([40], dtype: "float64"))
            """)
        #expect(nn["h"] == nil)
    }

    @Test func jacobianPollsBetweenRows() throws {
        let nn = interpreter()
        expectInterrupted(nn, """
            fn f(w) { press(); w * 2 }
            let j = jacobian(f, zeros([40]))
            """)
        #expect(nn["j"] == nil)
    }

    /// The Hessian tools poll at each row and each Hessian-vector product
    /// (the objective's checkpoint), not only when the loss is evaluated.
    @Test func hessianToolsPollBetweenRows() throws {
        let nn = interpreter()
        try nn.run(source: """
            let X = randn([16, 3], seed: 1)
            let y = X @ tensor([[1], [-2], [3]])
            let model = Linear(3, 1, seed: 0)
            let pressed = false
            fn loss(out, target) {
              if not pressed { pressed = true; press() }
              mse(out, target)
            }
            fn f(w) { if not pressed { pressed = true; press() }; (w * w).sum() }
            """, name: "setup.nn")
        for call in ["hessian(model, loss: loss, data: (X, y))", "critical_point(model, loss: loss, data: (X, y))",
                     "critical_point(f, zeros([30], dtype: \"float64\"))",
                     "top_eigenvalues(model, loss: loss, data: (X, y), k: 1)"] {
            expectInterrupted(nn, "pressed = false\nlet r = \(call)")
            #expect(nn["r"] == nil, "\(call) ran to its end")
        }
    }

    /// `read_csv` polls between rows.
    @Test func readCSVPollsBetweenRows() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nn-poll-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("rows.csv").path
        try ("a,b\n" + (0..<200).map { "\($0),\($0 * 2)" }.joined(separator: "\n")).write(toFile: path, atomically: true, encoding: .utf8)
        let nn = interpreter()
        nn["csv_path"] = .string(path)
        try nn.run(source: "let ok = read_csv(csv_path, target: \"b\")", name: "read.nn")
        expectInterrupted(nn, """
            fn pressed_path() { press(); csv_path }
            let d = read_csv(pressed_path(), target: "b")
            """)
        #expect(nn["d"] == nil)
    }
}
