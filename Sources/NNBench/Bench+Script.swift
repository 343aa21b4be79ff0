import Foundation
import NNScript

/// Benchmarks of nn code run through the interpreter, as a user runs it.
/// Each item runs its setup script once (parsing, compiling, loading data,
/// building the model: untimed), then times calls of an nn function with
/// `Interpreter.call`, so only the work itself is measured.
extension Bench {
    /// Recursive `fib(27)`: call overhead, arithmetic and `if` (ms).
    /// The peer is the same function in CPython.
    static func fib() -> BenchItem {
        BenchItem(key: "fib_27", label: "fib(27), recursive", unit: .ms) {
            let run = try ScriptRun("""
                fn fib(n) = if n < 2 { n } else { fib(n - 1) + fib(n - 2) }
                """)
            let f = try run.global("fib")
            let value = try run.call(f, .number(27))
            guard case .number(196_418) = value else { throw BenchError("fib(27) gave \(value), not 196418") }
            return try Timer.median(warmup: 1, minRuns: 5, maxRuns: 50) { blackHole(try run.call(f, .number(27))) } * 1e3
        }
    }

    /// A 10,000,000-iteration counting loop in a function (locals, as the
    /// CPython peer's `for i in range(n): k = k + 1` in a function) (ms).
    static func countingLoop() -> BenchItem {
        countTo10M(key: "loop_10m", label: "counting loop, 10M iterations (for)", source: """
            fn count(n) {
              let k = 0
              for i in 0..n { k = k + 1 }
              k
            }
            """)
    }

    /// The same count with `while` and an explicit counter (ms).
    static func whileLoop() -> BenchItem {
        countTo10M(key: "loop_10m_while", label: "counting loop, 10M iterations (while)", source: """
            fn count(n) {
              let i = 0
              while i < n { i = i + 1 }
              i
            }
            """)
    }

    /// 1M calls of a builtin on a number, `t = t + abs(i - 500000)` (ms).
    static func builtinCalls() -> BenchItem {
        loop1M(key: "calls_builtin_1m", label: "1M builtin calls, abs(x)", expect: 250_000_000_000, source: """
            fn work(n) {
              let t = 0
              for i in 0..n { t = t + abs(i - 500000) }
              t
            }
            """)
    }

    /// 1M calls of a closure that updates a captured counter (ms).
    static func closureCalls() -> BenchItem {
        loop1M(key: "calls_closure_1m", label: "1M closure calls, captured counter", expect: 1_000_000, source: """
            fn work(n) {
              let k = 0
              let bump = () => { k = k + 1 }
              for i in 0..n { bump() }
              k
            }
            """)
    }

    /// 1M appends to a list (ms).
    static func listAppend() -> BenchItem {
        loop1M(key: "list_append_1m", label: "1M list appends", expect: 1_000_000, source: """
            fn work(n) {
              let xs = []
              for i in 0..n { append(xs, i * 2) }
              len(xs)
            }
            """)
    }

    /// 1M iterations reading two record fields (CPython: dict lookups) (ms).
    static func recordFields() -> BenchItem {
        loop1M(key: "record_fields_1m", label: "1M iterations reading 2 record fields", expect: 3_000_000, source: """
            fn work(n) {
              let r = {a: 1, b: 2}
              let t = 0
              for i in 0..n { t = t + r.a + r.b }
              t
            }
            """)
    }

    /// Times `work(1_000_000)` defined by `source`, after checking its result (ms).
    private static func loop1M(key: String, label: String, expect: Double, source: String) -> BenchItem {
        BenchItem(key: key, label: label, unit: .ms) {
            let run = try ScriptRun(source)
            let f = try run.global("work")
            let value = try run.call(f, .number(1_000_000))
            guard case .number(expect) = value else { throw BenchError("\(key) gave \(value), not \(expect)") }
            return try Timer.median(warmup: 1, minRuns: 5, maxRuns: 30) {
                blackHole(try run.call(f, .number(1_000_000)))
            } * 1e3
        }
    }

    /// Times `count(10_000_000)` defined by `source`, after checking its result (ms).
    private static func countTo10M(key: String, label: String, source: String) -> BenchItem {
        BenchItem(key: key, label: label, unit: .ms) {
            let run = try ScriptRun(source)
            let f = try run.global("count")
            let value = try run.call(f, .number(10_000_000))
            guard case .number(10_000_000) = value else { throw BenchError("count gave \(value)") }
            return try Timer.median(warmup: 1, minRuns: 5, maxRuns: 20) {
                blackHole(try run.call(f, .number(10_000_000)))
            } * 1e3
        }
    }

    /// One epoch of a 64-128-10 ReLU MLP on all 1797 rows of
    /// `examples/data/digits.csv` (pixels / 16): Adam lr 1e-3, batches of
    /// 32 shuffled by a DataLoader, cross-entropy, through `fit` with
    /// `verbose: false` (s). Each timed call is one more epoch of the same
    /// model and optimizer, as `fit(..., epochs: n)` would run.
    static func digitsEpoch() -> BenchItem {
        BenchItem(key: "digits_epoch", label: "digits 64-128-10 MLP, 1 epoch (fit)", unit: .ms) {
            let path = try dataFile("examples/data/digits.csv")
            let run = try ScriptRun("""
                let d = read_csv(\(String(reflecting: path)), target: "digit")
                let X = d.X / 16
                let model = Sequential(Linear(64, 128), ReLU(), Linear(128, 10))
                let opt = Adam(model.parameters(), lr: 0.001)
                let loader = DataLoader(X, d.y, batch_size: 32, shuffle: true, seed: 0)
                fn epoch() = fit(model, loss: cross_entropy, opt: opt, data: loader, epochs: 1, verbose: false)
                """)
            let f = try run.global("epoch")
            return try Timer.median(warmup: 2, minRuns: 5, maxRuns: 100) { blackHole(try run.call(f)) } * 1e3
        }
    }

    /// One epoch of a 784-256-128-10 ReLU MLP (MNIST's shape) on 59,968
    /// random rows: 937 Adam steps (lr 1e-3) on batches of 64 shuffled by a
    /// DataLoader, cross-entropy, through `fit` with `verbose: false` (ms).
    /// Issue 20's epoch; the peers do the same work by hand (NumPy), as a
    /// jitted step loop and a scanned epoch (JAX), and eagerly (PyTorch).
    static func mnistEpoch() -> BenchItem {
        BenchItem(key: "mlp_epoch_784", label: "MLP 784-256-128-10, 1 epoch of 937 Adam steps, batch 64", unit: .ms) {
            let run = try ScriptRun("""
                seed(0)
                let X = randn([59968, 784])
                let y = randint(0, 10, [59968])
                let model = Sequential(Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))
                let opt = Adam(model.parameters(), lr: 0.001)
                let loader = DataLoader(X, y, batch_size: 64, shuffle: true, seed: 0)
                fn epoch() = fit(model, loss: cross_entropy, opt: opt, data: loader, epochs: 1, verbose: false)
                """)
            let f = try run.global("epoch")
            return try Timer.median(warmup: 1, minRuns: 3, maxRuns: 10) { blackHole(try run.call(f)) } * 1e3
        }
    }

    /// The setup both XOR items share: the four XOR rows (float32) and their
    /// classes, and `fresh()`, which reseeds and builds the 2-16-2 tanh model
    /// and its Adam (lr 0.01, PyTorch's other defaults), so every timed run
    /// trains from the same start.
    private static let xorSetup = """
        let X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
        let y = tensor([0, 1, 1, 0])
        fn fresh() {
          seed(0)
          let model = Sequential(Linear(2, 16), Tanh(), Linear(16, 2))
          {model: model, opt: Adam(model.parameters(), lr: 0.01)}
        }
        """

    /// Issue 20's per-op overhead item: 2000 full-batch Adam steps (lr 0.01)
    /// of a 2-16-2 tanh MLP on the four XOR rows, mean softmax cross-entropy,
    /// float32, written as a user writes the loop: forward, loss,
    /// `zero_grad`, `backward`, `step` (ms). Each timed run trains a new
    /// model from seed 0 (the model and optimizer are made in the timed call:
    /// two small tensors, nothing beside 2000 steps). The final loss must be
    /// below 0.01 (the net learned XOR), else the item fails.
    static func xorLoop() -> BenchItem {
        xor(key: "xor_adam_2000", label: "XOR 2-16-2, 2000 full-batch Adam steps", source: xorSetup + """

            fn run() {
              let s = fresh()
              let model = s.model
              let opt = s.opt
              let loss = nil
              for i in 0..2000 {
                loss = cross_entropy(model(X), y)
                opt.zero_grad()
                loss.backward()
                opt.step()
              }
              loss.item()
            }
            """)
    }

    /// The same 2000 steps through `fit` (full batch: `batch_size: 4`, one
    /// step per epoch, `verbose: false`, lint off): `fit`'s per-epoch work
    /// (reshuffling the 4 rows, the accuracy count, the history) on top of
    /// `xor_adam_2000`, which has the peers (ms).
    static func xorFit() -> BenchItem {
        xor(key: "xor_adam_2000_fit", label: "XOR 2-16-2, 2000 epochs of fit (full batch)", source: xorSetup + """

            fn run() {
              let s = fresh()
              let h = fit(s.model, loss: cross_entropy, opt: s.opt, data: (X, y), batch_size: 4, epochs: 2000,
                          verbose: false, lint: false, seed: 0)
              h.train_loss[-1]
            }
            """)
    }

    /// Times `run()` of an XOR `source` after checking that it learned (ms).
    private static func xor(key: String, label: String, source: String) -> BenchItem {
        BenchItem(key: key, label: label, unit: .ms) {
            let run = try ScriptRun(source)
            let f = try run.global("run")
            guard case .number(let loss) = try run.call(f), loss < 0.01 else {
                throw BenchError("\(key): the final loss is not below 0.01: the net did not learn XOR")
            }
            return try Timer.median(warmup: 1, minRuns: 5, maxRuns: 30) { blackHole(try run.call(f)) } * 1e3
        }
    }

    /// Finds a file of the repository: from the working directory (scripts/bench
    /// runs at the root), else next to this source file's checkout.
    static func dataFile(_ relative: String, file: String = #filePath) throws -> String {
        if FileManager.default.fileExists(atPath: relative) { return relative }
        let root = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let p = root.appendingPathComponent(relative).path
        guard FileManager.default.fileExists(atPath: p) else { throw BenchError("\(relative) not found; run from the repository root") }
        return p
    }
}

/// An interpreter that has run a setup script, and calls into it.
struct ScriptRun {
    let interp: Interpreter

    init(_ source: String) throws {
        interp = Interpreter(options: Interpreter.Options(output: { _ in }, errorOutput: { _ in }, filePolicy: .unrestricted))
        do { try interp.run(source: source, name: "<bench>") } catch { throw BenchError(interp.render(error)) }
    }

    func global(_ name: String) throws -> Value {
        guard let v = interp[name] else { throw BenchError("the script defines no '\(name)'") }
        return v
    }

    func call(_ f: Value, _ args: Value...) throws -> Value {
        do { return try interp.call(f, args) } catch { throw BenchError(interp.render(error)) }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
