@testable import NNScript
import NNTensor
import Testing

/// The script heap and its cycle collector (issue 16): the loops that
/// leaked with reference counting alone keep a bounded heap, nothing
/// reachable is ever freed, and functions outlive and cross interpreters.
@Suite("Heap")
struct HeapTests {
    /// An interpreter without the stdlib, printing into `out`.
    static func interpreter(_ out: Box<String>? = nil, stdlib: Bool = false) -> Interpreter {
        Interpreter(options: .init(output: { out?.value += $0 }, loadsStdlib: stdlib))
    }

    final class Box<T> {
        var value: T
        init(_ value: T) { self.value = value }
    }

    /// The objects the heap tracks after `source` ran (a collection first).
    static func live(after source: String, in nn: Interpreter) throws -> Int {
        try nn.run(source: source)
        nn.rt.heap.collect()
        return nn.rt.heap.entries.count
    }

    // MARK: The three loops of the issue

    /// A closure per batch stored in the scope it captures: each iteration's
    /// environment holds the closure that holds the environment.
    @Test func aClosurePerBatchIsCollected() throws {
        let nn = Self.interpreter()
        let base = try Self.live(after: "let v = 1", in: nn)
        let live = try Self.live(after: """
            let total = 0
            for i in 0..5000 {
              let xb = [i, i + 1]
              let loss_of = w => w * xb[0]
              total = total + loss_of(2)
            }
            """, in: nn)
        #expect(live - base < 50, "\(live - base) objects left")
        #expect(nn["total"]?.repr == "\(2 * (0..<5000).reduce(0, +))")
        #expect(nn.rt.heap.collections > 1, "the loop itself asked for collections")
        #expect(nn.rt.heap.anomalies == 0)
    }

    /// `let g = fn(z) = z * f(i)` in a loop: a named lambda in a loop body.
    @Test func aLambdaPerIterationIsCollected() throws {
        let nn = Self.interpreter()
        let base = try Self.live(after: "fn f(x) = x + 1", in: nn)
        let live = try Self.live(after: """
            for i in 0..20000 {
              let g = fn(z) = z * f(i)
            }
            """, in: nn)
        #expect(live - base < 50, "\(live - base) objects left")
    }

    /// `let a = [i]; append(a, a)`: a list that contains itself.
    @Test func aListContainingItselfIsCollected() throws {
        let nn = Self.interpreter()
        let base = try Self.live(after: "let keep = [1, 2]", in: nn)
        let live = try Self.live(after: """
            for i in 0..20000 {
              let a = [i]
              append(a, a)
            }
            """, in: nn)
        #expect(live - base < 50, "\(live - base) objects left")
        #expect(nn.rt.heap.collected >= 19000)
    }

    /// Records and environments in longer cycles, through several kinds.
    @Test func longCyclesThroughRecordsAndClosuresAreCollected() throws {
        let nn = Self.interpreter()
        let base = try Self.live(after: "let keep = 0", in: nn)
        let live = try Self.live(after: """
            for i in 0..3000 {
              let r = {me: nil, xs: []}
              let f = () => r
              r.me = f
              append(r.xs, [r, [f]])
            }
            """, in: nn)
        #expect(live - base < 50, "\(live - base) objects left")
    }

    // MARK: Nothing reachable is freed

    /// Cycles still reachable from a global, a live list or a running call
    /// survive every collection, contents intact.
    @Test func reachableCyclesSurvive() throws {
        let out = Box("")
        let nn = Self.interpreter(out)
        try nn.run(source: """
            let keep = []
            fn make(n) {
              let xs = [n]
              append(xs, xs)
              let f = () => xs[0]
              append(keep, f)
              f
            }
            for i in 0..5000 { make(i) }
            """)
        nn.rt.heap.collect()
        try nn.run(source: """
            print(len(keep), keep[0](), keep[4999]())
            fn deep(n) = if n == 0 { keep[7]() } else { deep(n - 1) }
            let cyc = [0]
            append(cyc, cyc)
            for i in 0..3000 { let t = [i]; append(t, t) }
            print(deep(100), len(cyc[1][1][1]))
            """)
        #expect(out.value == "5000 0 4999\n7 2\n")
        #expect(nn.rt.heap.anomalies == 0)
    }

    /// A collection in the middle of a call whose closure lives only in a
    /// cycle still held by that call's frame leaves the call intact.
    @Test func aCollectionDuringACallKeepsTheRunningFunction() throws {
        let out = Box("")
        let nn = Self.interpreter(out)
        try nn.run(source: """
            fn outer() {
              let state = {f: nil}
              state.f = n => {
                for i in 0..3000 { let t = [i]; append(t, t) }
                n + len(state)
              }
              state.f(40)
            }
            print(outer())
            """)
        #expect(out.value == "41\n")
        #expect(nn.rt.heap.collections >= 1)
    }

    // MARK: Functions across interpreters (the faults of issue 16, item 1)

    /// A function copied from interpreter `a` into `b` runs on `b`: its
    /// `return` gives its value, its prints go to `b`'s output.
    @Test func aFunctionCopiedBetweenInterpretersWorks() throws {
        let outA = Box(""), outB = Box("")
        let a = Self.interpreter(outA), b = Self.interpreter(outB)
        try a.run(source: """
            let scale = 3
            fn f(x) {
              print("f of", x)
              return x * scale
            }
            fn fact(n) { if n < 2 { return 1 }; return n * fact(n - 1) }
            """)
        b["f"] = a["f"]
        b["fact"] = a["fact"]
        #expect(try b.run(source: "f(14)").repr == "42")
        #expect(try b.run(source: "fact(5)").repr == "120")
        #expect(outB.value == "f of 14\n")
        #expect(outA.value == "")
        #expect(try b.call(#require(a["f"]), [.number(2)]).repr == "6")
    }

    /// An error inside a function from another interpreter is never shown
    /// against the caller's own file that has the same number: file ids are
    /// unique in the process.
    @Test func anErrorInACopiedFunctionIsPlacedInItsOwnFile() throws {
        let a = Self.interpreter(), b = Self.interpreter()
        try a.run(source: "fn f(x) = x + nil", name: "a.nn")
        b["f"] = a["f"]
        do {
            try b.run(source: "let before = 1\nf(2)", name: "b.nn")
            Issue.record("expected an error")
        } catch let e as ScriptError {
            let range = try #require(e.range)
            #expect(a.sources[range.file]?.name == "a.nn")
            #expect(b.sources[range.file] == nil)
            #expect(a.render(e).contains("fn f(x) = x + nil"))
            #expect(!b.render(e).contains("let before"))
        }
    }

    /// A function kept after its interpreter is freed still works: compiled
    /// code holds no interpreter, and the globals it uses live with it.
    @Test func aFunctionOutlivesItsInterpreter() throws {
        var a: Interpreter? = Self.interpreter()
        try a?.run(source: """
            let scale = 3
            fn f(x) = [x * scale, str(x), len([1, 2])]
            fn fact(n) = if n < 2 { 1 } else { n * fact(n - 1) }
            """)
        let f = try #require(a?["f"]), fact = try #require(a?["fact"])
        weak let gone = a
        a = nil
        #expect(gone == nil)
        let out = Box("")
        let b = Self.interpreter(out)
        #expect(try b.call(f, [.number(7)]).repr == "[21, \"7\", 2]")
        #expect(try b.call(fact, [.number(6)]).repr == "720")
        b["g"] = fact
        #expect(try b.run(source: "g(4)").repr == "24")
    }

    /// A freed interpreter frees everything it made: the stdlib's functions,
    /// their cells and prototypes, and the cycles among them.
    @Test func aFreedInterpreterFreesItsHeap() throws {
        weak var heap: Heap?
        weak var cell: GlobalCell?
        do {
            let nn = Self.interpreter(stdlib: true)
            try nn.run(source: "fn loop(n) = if n == 0 { loop } else { loop(n - 1) }\nlet me = loop(3)")
            heap = nn.rt.heap
            cell = nn.rt.globals["loop"]
            #expect(cell != nil)
        }
        #expect(heap == nil)
        #expect(cell == nil)
    }

    /// A function a builtin returns (`grad(f)`) holds no interpreter: kept
    /// in a global, it would otherwise keep its interpreter alive forever.
    @Test func aGradientFunctionInAGlobalDoesNotKeepItsInterpreter() throws {
        weak var gone: Interpreter?
        var kept: Value?
        do {
            let nn = Self.interpreter()
            try nn.run(source: "fn f(x) = (x * x).sum()\nlet df = grad(f)\nlet g = df(tensor([3.0]))")
            gone = nn
            kept = nn["df"]
        }
        #expect(gone == nil)
        let b = Self.interpreter()
        #expect(try b.call(#require(kept), [.tensor(Tensor(scalar: 2, dtype: .float64))]).description.contains("4"))
    }

    // MARK: REPL sessions

    /// A long session that defines functions in every entry keeps a bounded heap.
    @Test func aLongSessionDefiningFunctionsStaysBounded() throws {
        let nn = Interpreter(options: .init(output: { _ in }, allowsRedeclaration: true, loadsStdlib: false))
        let session = Session(interpreter: nn)
        func entries(_ range: Range<Int>) throws {
            for i in range {
                _ = try session.run("fn f\(i % 7)(x) = if x == 0 { \(i) } else { f\(i % 7)(x - 1) }")
                _ = try session.run("let g = (n => () => n)(\(i)); let xs = [g]; append(xs, xs)")
                _ = try session.run("f\(i % 7)(3) + g()")
            }
        }
        try entries(0..<300)
        nn.rt.heap.collect()
        let early = nn.rt.heap.entries.count
        try entries(300..<3000)
        nn.rt.heap.collect()
        #expect(nn.rt.heap.entries.count <= early + 10, "\(early) objects after 300 entries, \(nn.rt.heap.entries.count) after 3000")
    }
}
