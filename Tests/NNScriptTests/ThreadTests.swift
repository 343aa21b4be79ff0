import Dispatch
import Foundation
import NNScript
import Synchronization
import Testing

/// The threading contract: one interpreter is used by one thread at a time,
/// any number of interpreters run at once on different threads, and
/// `interrupt()` may be called from any thread at any moment. Run under
/// ThreadSanitizer by `scripts/sanitize thread`.
///
/// Nothing here depends on timing: an interrupt is sent once the script
/// said (through `ready()`) that it entered code that only an interrupt
/// ends; a deadline of minutes is only a net that turns a broken interrupt
/// into a failure instead of a hang.
@Suite("Threads")
struct ThreadTests {
    /// Runs `body` on a new thread; the returned function waits for it.
    static func spawn(_ body: @escaping @Sendable () -> Void) -> () -> Void {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.start()
        return { done.wait() }
    }

    /// What a run on another thread ended with: its value's `repr` or its error.
    final class Outcome: @unchecked Sendable {
        var value: String?
        var error: (any Error)?
    }

    /// An interpreter that another thread interrupts once the script calls `ready()`.
    final class Target: @unchecked Sendable {
        let nn: Interpreter
        let started = DispatchSemaphore(value: 0)
        init() {
            var options = Interpreter.Options(output: { _ in }, errorOutput: { _ in })
            options.limits.deadline = .seconds(300)  // a net, never reached when interrupts work
            nn = Interpreter(options: options)
            let started = started
            nn.register(Builtin("ready", [], summary: "Tells the test the script is running.") { _ in
                started.signal()
                return .nil
            })
        }

        /// Runs `source` on a new thread, interrupts it from this one once
        /// it called `ready()`, and returns how it ended.
        func runAndInterrupt(_ source: String) -> Outcome {
            let outcome = Outcome()
            let wait = ThreadTests.spawn { [self] in
                do { outcome.value = try nn.run(source: source, name: "thread.nn").repr } catch { outcome.error = error }
            }
            started.wait()
            nn.interrupt()
            wait()
            return outcome
        }
    }

    func expectInterrupted(_ outcome: Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let e = outcome.error as? ScriptError else {
            Issue.record("expected the interrupted error, got \(outcome.value ?? "\(String(describing: outcome.error))")",
                         sourceLocation: sourceLocation)
            return
        }
        #expect(e.kind == .interrupted, "got \(e.kind): \(e.message)", sourceLocation: sourceLocation)
    }

    @Test func anInterruptFromAnotherThreadStopsAMatmulLoop() throws {
        let t = Target()
        expectInterrupted(t.runAndInterrupt("""
            let a = randn([96, 96], seed: 0) / 10
            let rounds = 0
            ready()
            while true { a = tanh(a @ a + 0.1); rounds = rounds + 1 }
            """))
        // The interpreter is usable afterwards, its variables as they were.
        #expect(try t.nn.run(source: "rounds >= 0").repr == "true")
    }

    @Test func anInterruptFromAnotherThreadStopsARecursion() {
        let t = Target()
        expectInterrupted(t.runAndInterrupt("""
            fn spin(n) = if n == 0 { 0 } else { spin(n - 1) + spin(n - 1) }
            ready()
            spin(80)
            """))
    }

    /// The first interrupt during `fit` is soft wherever it comes from:
    /// training ends and the script goes on with the history.
    @Test func anInterruptFromAnotherThreadEndsFitSoftly() throws {
        let t = Target()
        let outcome = t.runAndInterrupt("""
            let X = randn([64, 2], seed: 1)
            let y = X @ tensor([[1], [-2]])
            let model = Linear(2, 1, seed: 0)
            let told = false
            fn loss(out, target) {
              if not told { told = true; ready() }
              mse(out, target)
            }
            let h = fit(model, loss: loss, opt: SGD(model.parameters(), lr: 0.01), data: (X, y),
                        epochs: 1000000000, batch_size: 8, verbose: false)
            h.interrupted
            """)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.value == "true")
    }

    /// A long builtin that calls no nn code (Hutchinson's estimator, a
    /// million Hessian-vector products of a layer and a builtin loss) stops
    /// at its next poll.
    @Test func anInterruptFromAnotherThreadStopsALongBuiltin() {
        let t = Target()
        expectInterrupted(t.runAndInterrupt("""
            let X = randn([256, 8], seed: 1)
            let y = randn([256, 4], seed: 2)
            let model = Linear(8, 4, seed: 0)
            ready()
            let tr = hessian_trace(model, loss: mse, data: (X, y), samples: 1000000)
            """))
        #expect(t.nn["tr"] == nil)
    }

    /// The script each concurrent interpreter runs: training, recursion,
    /// closures in cycles (for the heap's collector), a tensor limit.
    static func concurrentScript(_ k: Int) -> String {
        """
        let k = \(k)
        let X = randn([32, 3])
        let y = X @ tensor([[1.0], [-2.0], [0.5]])
        let model = Linear(3, 1, seed: k)
        let opt = SGD(model.parameters(), lr: 0.1)
        let loss = nil
        for i in 0..200 { opt.zero_grad(); loss = mse(model(X), y); backward(loss); opt.step() }
        fn fib(n) = if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
        let s = 0
        for i in 0..1000 { s = s + i * k }
        fn cycle() { let me = [nil]; me[0] = () => me; me }
        for i in 0..3000 { cycle() }
        [fib(15 + k % 3), s, loss.item(), model.weight[0, 0].item(), model.weight[0, 1].item(),
         model.weight[0, 2].item(), model.bias[0].item(), X[0, 0].item()]
        """
    }

    static func makeInterpreter(seed: Int) -> Interpreter {
        var options = Interpreter.Options(output: { _ in }, errorOutput: { _ in }, seed: UInt64(seed), stackSize: 64 << 20)
        options.limits.tensorBytes = 1 << 20
        return Interpreter(options: options)
    }

    /// Eight interpreters with different seeds run at once, each on its own
    /// thread; each gets exactly the result it gets alone, and its own
    /// tensor account.
    @Test func eightInterpretersRunAtOnce() throws {
        let n = 8
        var expected: [String] = []
        var expectedAlive: [Int?] = []
        for k in 0..<n {
            let nn = Self.makeInterpreter(seed: k)
            expected.append(try nn.run(source: Self.concurrentScript(k), name: "alone\(k).nn").repr)
            expectedAlive.append(nn.tensorBytesAlive)
        }
        let results = Mutex<[Int: String]>([:])
        let alive = Mutex<[Int: Int]>([:])
        let waits = (0..<n).map { k in
            Self.spawn {
                let nn = Self.makeInterpreter(seed: k)
                let text: String
                do { text = try nn.run(source: Self.concurrentScript(k), name: "together\(k).nn").repr } catch {
                    text = "error: \(error)"
                }
                results.withLock { $0[k] = text }
                alive.withLock { $0[k] = nn.tensorBytesAlive }
            }
        }
        for wait in waits { wait() }
        for k in 0..<n {
            let got = results.withLock { $0[k] }
            #expect(got == expected[k], "interpreter \(k)")
            #expect(alive.withLock { $0[k] } == expectedAlive[k], "interpreter \(k)'s tensor account")
            // Checked against what the script computes, not only against itself.
            #expect(got?.hasPrefix("[\([610, 987, 1597][k % 3]), \(499_500 * k), ") == true, "\(got ?? "")")
        }
        // Different seeds give different data.
        #expect(Set(expected).count == n)
    }
}
