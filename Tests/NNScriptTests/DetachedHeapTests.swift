@testable import NNScript
import Testing

/// What a host keeps after freeing its interpreter (see
/// `Heap+Detached.swift`): it keeps working, and the cycles among it are
/// freed once the host lets go.
@Suite("Detached heap")
struct DetachedHeapTests {
    static func interpreter() -> Interpreter {
        Interpreter(options: .init(output: { _ in }, loadsStdlib: false))
    }

    /// The prototype of the function a value holds.
    static func proto(_ v: Value) throws -> FunctionProto {
        guard case .function(let c) = v else { throw CancellationError() }
        return c.proto
    }

    /// The leak issue 16 left: a recursive function (closure -> prototype ->
    /// its global's cell -> closure) kept past its interpreter.
    @Test func aRecursiveFunctionKeptPastItsInterpreterIsFreedWhenLetGo() throws {
        weak var proto: FunctionProto?
        weak var cell: GlobalCell?
        do {
            var a: Interpreter? = Self.interpreter()
            try a?.run(source: "fn fact(n) = if n < 2 { 1 } else { n * fact(n - 1) }")
            let fact = try #require(a?["fact"])
            a = nil
            proto = try Self.proto(fact)
            cell = try Self.proto(fact).cells.first
            #expect(cell != nil)
            let b = Self.interpreter()
            #expect(try b.call(fact, [.number(6)]).repr == "720")
            #expect(try b.call(fact, [.number(10)]).repr == "3628800")
        }
        #expect(proto == nil, "the function's prototype outlived every holder")
        #expect(cell == nil, "the global cell outlived every holder")
    }

    /// A closure stored in the environment it captures, kept by the host.
    @Test func aClosureInItsOwnScopeKeptPastItsInterpreterIsFreedWhenLetGo() throws {
        weak var proto: FunctionProto?
        do {
            var a: Interpreter? = Self.interpreter()
            try a?.run(source: """
                fn outer() {
                  fn helper(n) = if n == 0 { 0 } else { helper(n - 1) + 1 }
                  helper
                }
                let h = outer()
                """)
            let h = try #require(a?["h"])
            a = nil
            proto = try Self.proto(h)
            #expect(try Self.interpreter().call(h, [.number(7)]).repr == "7")
        }
        #expect(proto == nil)
    }

    /// The host's copy dies while another interpreter runs (its global goes):
    /// the collection waits for that run to end, then frees the cycle.
    @Test func anOriginalDroppedDuringAnotherRunIsCollectedWhenTheRunEnds() throws {
        weak var cell: GlobalCell?
        let b = Self.interpreter()
        do {
            var a: Interpreter? = Self.interpreter()
            try a?.run(source: "fn fib(n) = if n < 2 { n } else { fib(n - 1) + fib(n - 2) }")
            let fib = try #require(a?["fib"])
            cell = try Self.proto(fib).cells.first
            b["g"] = fib
            a = nil
        }
        #expect(try b.run(source: "g(15)").repr == "610")
        #expect(cell != nil, "b's global still holds the function")
        try b.run(source: "g = nil")
        #expect(cell == nil)
    }

    /// The function the heap keeps and the one the host keeps are the same
    /// function to nn: `==` holds, and both run the same code.
    @Test func theTwinIsTheSameFunction() throws {
        var a: Interpreter? = Self.interpreter()
        try a?.run(source: """
            fn fact(n) = if n < 2 { 1 } else { n * fact(n - 1) }
            fn is_fact(f) = f == fact
            """)
        let fact = try #require(a?["fact"]), isFact = try #require(a?["is_fact"])
        a = nil
        let b = Self.interpreter()
        #expect(try b.call(isFact, [fact]).repr == "true")
        b["f"] = fact
        #expect(try b.run(source: "f == f").repr == "true")
    }

    /// A collection of the detached heap (when one original dies) frees
    /// nothing another holder still reaches.
    @Test func valuesStillHeldSurviveACollection() throws {
        weak var droppedProto: FunctionProto?
        var a: Interpreter? = Self.interpreter()
        try a?.run(source: """
            let table = [1, 2, 3]
            fn total() = table[0] + table[1] + table[2]
            fn loop(n) = if n == 0 { total() } else { loop(n - 1) }
            fn fact(n) = if n < 2 { 1 } else { n * fact(n - 1) }
            """)
        let loop = try #require(a?["loop"]), total = try #require(a?["total"])
        var fact: Value? = try #require(a?["fact"])
        droppedProto = try Self.proto(fact ?? .nil)
        a = nil
        let b = Self.interpreter()
        #expect(try b.call(fact ?? .nil, [.number(5)]).repr == "120")
        fact = nil  // its original dies: the detached heap is collected
        #expect(droppedProto == nil)
        #expect(try b.call(loop, [.number(50)]).repr == "6")
        #expect(try b.call(total, []).repr == "6")
    }
}
