import NNScript
import Testing

/// The limits a host sets (``Interpreter/Limits``): each one stops a script
/// that goes past it with its own error kind, which `try`/`catch` in the
/// script does not take, and leaves the interpreter usable for the next run.
/// Nothing here depends on timing: a deadline test runs a script that never
/// ends by itself, and a run that must finish gets no deadline.
@Suite("Limits")
struct LimitTests {
    /// An interpreter with `limits`, its output collected in `out`.
    final class Host {
        final class Text { var value = "" }
        let out = Text()
        let nn: Interpreter
        init(_ limits: Interpreter.Limits) {
            var options = Interpreter.Options(output: { [out] in out.value += $0 }, errorOutput: { _ in })
            options.limits = limits
            nn = Interpreter(options: options)
        }
    }

    /// Runs `source`, which must end with the error of `limit`; returns it.
    @discardableResult
    func expectLimit(_ limit: ScriptError.Limit, _ nn: Interpreter, _ source: String,
                     sourceLocation: SourceLocation = #_sourceLocation) -> ScriptError? {
        do {
            try nn.run(source: source, name: "limit.nn")
            Issue.record("expected the \(limit) limit", sourceLocation: sourceLocation)
        } catch let e as ScriptError {
            #expect(e.kind == .limit(limit), "got \(e.kind): \(e.message)", sourceLocation: sourceLocation)
            return e
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    // MARK: Deadline

    @Test func aDeadlineStopsAnEndlessLoopAndTheNextRunWorks() throws {
        let host = Host(.init(deadline: .milliseconds(50)))
        let e = expectLimit(.deadline, host.nn, "let before = 1\nlet spins = 0\nwhile true { spins = spins + 1 }")
        #expect(e?.message.hasPrefix("time limit:") == true)
        #expect(host.nn["before"] != nil)
        // Each run gets the whole deadline again: a short run is not stopped
        // by the time the previous one used (nor by its timer).
        #expect(try host.nn.run(source: "before + 1").repr == "2")
    }

    @Test func aDeadlineStopsARecursionWithoutLoops() {
        let host = Host(.init(deadline: .milliseconds(50)))
        expectLimit(.deadline, host.nn, """
            fn spin(n) = if n == 0 { 0 } else { spin(n - 1) + spin(n - 1) }
            spin(80)
            """)
    }

    @Test func aDeadlineCannotBeCaught() {
        let host = Host(.init(deadline: .milliseconds(50)))
        expectLimit(.deadline, host.nn, """
            let caught = false
            fn retry() { try { while true { } } catch e { caught = true; retry() } }
            retry()
            """)
        #expect(host.nn["caught"]?.repr == "false")
    }

    /// A deadline that passes during `fit` ends the run with the limit's
    /// error, not with the soft stop Ctrl-C gets (the history is not bound).
    @Test func aDeadlineStopsFitHard() {
        let host = Host(.init(deadline: .milliseconds(50)))
        expectLimit(.deadline, host.nn, """
            let X = randn([64, 2], seed: 1)
            let y = X @ tensor([[1], [-2]])
            let model = Linear(2, 1, seed: 0)
            let h = fit(model, loss: mse, opt: SGD(model.parameters(), lr: 0.01), data: (X, y),
                        epochs: 1000000000, batch_size: 8, verbose: false)
            """)
        #expect(host.nn["h"] == nil)
    }

    // MARK: Steps

    /// A step is one loop iteration or one nn call: `steps: 100` lets 100
    /// iterations run, and stops the 101st.
    @Test func stepsCountLoopIterationsExactly() {
        let host = Host(.init(steps: 100))
        let e = expectLimit(.steps, host.nn, "let n = 0\nwhile true { n = n + 1 }")
        #expect(host.nn["n"]?.repr == "100")
        #expect(e?.message.hasPrefix("step limit: the script took more than 100 steps") == true)
        #expect(e?.range != nil)
    }

    @Test func stepsCountCallsToo() {
        let host = Host(.init(steps: 10))
        expectLimit(.steps, host.nn, "fn f(x) = x\nlet k = 0\nwhile true { f(k); k = k + 1 }")
        // Each iteration is two steps: the iteration and the call.
        #expect(host.nn["k"]?.repr == "5")
        expectLimit(.steps, host.nn, "fn spin(n) = if n == 0 { 0 } else { spin(n - 1) + spin(n - 1) }\nspin(40)")
    }

    @Test func aScriptWithinItsStepsRunsAndEachRunStartsAfresh() throws {
        let host = Host(.init(steps: 100))
        for _ in 0..<3 {
            try host.nn.run(source: "let s = 0\nfor i in 0..100 { s = s + i }\ns", name: "sum.nn")
        }
        #expect(host.nn["s"]?.repr == "4950")
        expectLimit(.steps, host.nn, "for i in 0..101 { }")
        // The interpreter goes on, with no limit left over.
        #expect(try host.nn.run(source: "for i in 0..100 { }\n7").repr == "7")
    }

    @Test func stepsCannotBeCaught() {
        let host = Host(.init(steps: 1000))
        expectLimit(.steps, host.nn, """
            let handled = 0
            fn again() { try { while true { } } catch e { handled = handled + 1; again() } }
            again()
            """)
        #expect(host.nn["handled"]?.repr == "0")
    }

    /// A host's `call` of a function value is a run of its own, bounded the
    /// same way; the stdlib loaded at start-up is not bounded.
    @Test func aHostCallIsBounded() throws {
        let host = Host(.init(steps: 50))
        try host.nn.run(source: "fn spin(n) = if n == 0 { 0 } else { spin(n - 1) + spin(n - 1) }")
        #expect(host.nn["enumerate"] != nil)
        #expect(try host.nn.call(host.nn["spin"]!, [.number(3)]).repr == "0")
        do {
            _ = try host.nn.call(host.nn["spin"]!, [.number(30)])
            Issue.record("expected the steps limit")
        } catch let e as ScriptError {
            #expect(e.kind == .limit(.steps))
        }
    }

    // MARK: Tensor memory

    @Test func tensorMemoryRefusesTheAllocationThatWouldExceed() throws {
        let host = Host(.init(tensorBytes: 10_000))
        try host.nn.run(source: "let a = zeros([1000])")  // 4,000 bytes
        #expect(host.nn.tensorBytesAlive == 4000)
        let e = expectLimit(.tensorBytes, host.nn, "let b = zeros([2000])")
        #expect(e?.message.hasPrefix("tensor memory limit: a [2000] float32 tensor needs 7.8 KiB, but 3.9 KiB of the 9.8 KiB allowed are in use") == true,
                "\(e?.message ?? "")")
        #expect(e?.range != nil)
        #expect(host.nn["b"] == nil)
        // Dropping the variable frees its tensor: the same allocation fits.
        try host.nn.run(source: "a = nil\nlet b = zeros([2000])")
        #expect(host.nn.tensorBytesAlive == 8000)
    }

    /// Tensors freed as a loop goes are refunded: a loop that makes many
    /// temporaries stays under a limit far below their total.
    @Test func tensorMemoryCountsWhatIsAliveNotWhatWasMade() throws {
        let host = Host(.init(tensorBytes: 100_000))
        try host.nn.run(source: """
            let s = 0
            for i in 0..1000 { let t = ones([1000]) * 2; s = s + sum(t).item() }
            """)
        #expect(host.nn["s"]?.repr == "2000000")
    }

    @Test func tensorMemoryCannotBeCaught() {
        let host = Host(.init(tensorBytes: 10_000))
        expectLimit(.tensorBytes, host.nn, """
            let caught = false
            try { let big = zeros([100, 100]) } catch e { caught = true }
            """)
        #expect(host.nn["caught"]?.repr == "false")
    }

    /// A tensor made without the check before allocating (a model's copy)
    /// still counts: the limit stops the script at its next safe point,
    /// and `catch` does not take that either.
    @Test func tensorMemoryCountsCopiesToo() {
        let host = Host(.init(tensorBytes: 60_000))
        expectLimit(.tensorBytes, host.nn, """
            let m = Linear(100, 100, seed: 0)
            let caught = false
            try { let c = copy(m); for i in 0..3 { } } catch e { caught = true }
            """)
        #expect(host.nn["caught"]?.repr == "false")
    }

    // MARK: Output

    @Test func outputStopsAtTheWriteThatWouldExceed() throws {
        let host = Host(.init(outputBytes: 100))
        expectLimit(.outputBytes, host.nn, "for i in 0..1000 { print(\"0123456789\") }")
        // Nine lines of 11 bytes fit; the tenth is not written.
        #expect(host.out.value.utf8.count == 99)
        host.out.value = ""
        try host.nn.run(source: "print(\"the next run prints again\")")
        #expect(host.out.value == "the next run prints again\n")
    }

    /// The error stream counts too: `fit`'s progress, written line after
    /// line, stops training once the bytes run out.
    @Test func theErrorStreamCountsToo() {
        let host = Host(.init(outputBytes: 2000))
        expectLimit(.outputBytes, host.nn, """
            let X = randn([64, 2], seed: 1)
            let y = X @ tensor([[1], [-2]])
            let model = Linear(2, 1, seed: 0)
            let h = fit(model, loss: mse, opt: SGD(model.parameters(), lr: 0.01), data: (X, y),
                        epochs: 1000000000, batch_size: 8, verbose: true)
            """)
        #expect(host.nn["h"] == nil)
    }

    @Test func outputCannotBeCaught() {
        let host = Host(.init(outputBytes: 5))
        expectLimit(.outputBytes, host.nn, """
            let caught = false
            try { print("far too long") } catch e { caught = true }
            """)
        #expect(host.nn["caught"]?.repr == "false")
        #expect(host.out.value == "")
    }
}
