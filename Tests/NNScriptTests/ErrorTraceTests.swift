import NNScript
import Testing

/// The call trace under a runtime error: one note per call site, recursion
/// counted, the middle of a deep trace folded, the outermost calls kept.
@Suite("Error traces")
struct ErrorTraceTests {
    /// The rendered `note:` lines of the error `source` raises, without their file position.
    func notes(_ source: String) -> [String] {
        let nn = Interpreter(options: .init(output: { _ in }))
        do {
            try nn.run(source: source, name: "t.nn")
        } catch {
            return nn.render(error).split(separator: "\n").compactMap { line in
                line.range(of: "note: ").map { String(line[$0.upperBound...]) }
            }
        }
        Issue.record("expected an error")
        return []
    }

    /// Issue 13's example: the recursion is one note with its count, and the
    /// calls from `start` and from the top level keep their own notes.
    @Test func eachCallSiteIsCountedApart() {
        let source = """
            fn down(n) = if n > 70 { error("boom") } else { down(n + 1) + 1 }
            fn start() = down(0)
            start()
            """
        #expect(notes(source) == [
            "in down(), called here (71 times)",
            "in down(), called here",
            "in start(), called here",
        ])
        // Positions: the recursive call, the call in start, the top-level call.
        let nn = Interpreter(options: .init(output: { _ in }))
        do {
            try nn.run(source: source, name: "t.nn")
        } catch {
            let text = nn.render(error)
            #expect(text.contains("t.nn:1:49: note: in down(), called here (71 times)"))
            #expect(text.contains("t.nn:2:14: note: in down(), called here\n"))
            #expect(text.contains("t.nn:3:1: note: in start(), called here\n"))
        }
    }

    /// A deep recursion through one site is still one note, whatever its depth.
    @Test func deepRecursionIsOneNote() {
        let source = """
            fn down(n) = if n == 0 { error("bottom") } else { 1 + down(n - 1) }
            fn run() = down(5000)
            run()
            """
        #expect(notes(source) == [
            "in down(), called here (5000 times)",
            "in down(), called here",
            "in run(), called here",
        ])
    }

    /// Mutual recursion alternates call sites: the innermost and outermost
    /// entries are kept and the middle is folded, counted per function.
    @Test func deepMutualRecursionFoldsTheMiddle() {
        let source = """
            fn even(n) = if n == 0 { error("deep") } else { odd(n - 1) }
            fn odd(n) = even(n - 1)
            fn go() = even(1000)
            go()
            """
        let got = notes(source)
        let inner = (0..<4).flatMap { _ in ["in even(), called here", "in odd(), called here"] }
        // 1002 calls: 8 innermost, 4 outermost, 990 folded (501 even, 500 odd, 1 go in all).
        #expect(got == inner + [
            "... 990 more calls (495 of even(), 495 of odd())",
            "in even(), called here",
            "in odd(), called here",
            "in even(), called here",
            "in go(), called here",
        ])
    }

    /// A trace short enough to keep whole is not folded.
    @Test func shortTracesAreWhole() {
        let source = """
            fn a() = error("x")
            fn b() = a()
            fn c() = b()
            c()
            """
        #expect(notes(source) == ["in a(), called here", "in b(), called here", "in c(), called here"])
    }
}

/// Issue 15: an nn function called back by a library object (a `Sequential`)
/// has its trace note at the object's call, never at the stdlib's first line.
@Suite("Error traces through library objects")
struct ObjectCallTraceTests {
    @Test func functionInSequentialPointsAtTheModelCall() {
        let nn = Interpreter(options: .init(output: { _ in }))
        let source = """
            fn bad(x) {
              return x + [1, 2, 3]
            }
            let m = Sequential(Linear(2, 3), bad)
            m(zeros([4, 2]))
            """
        do {
            try nn.run(source: source, name: "seq.nn")
            Issue.record("expected an error")
        } catch {
            let text = nn.render(error)
            #expect(text.contains("seq.nn:2:10: error: unsupported operand types for +: tensor and list"))
            #expect(text.contains("seq.nn:5:1: note: in bad(), called here"))
            #expect(!text.contains("stdlib/"), "\(text)")
        }
    }

    /// A function called by the host (no script running) has no call site:
    /// its frame is left out rather than shown at some file's 1:1.
    @Test func hostCallHasNoInventedFrame() throws {
        let nn = Interpreter(options: .init(output: { _ in }))
        try nn.run(source: "fn bad(x) = x + [1]", name: "host.nn")
        let bad = try #require(nn["bad"])
        do {
            _ = try nn.call(bad, [.number(1)])
            Issue.record("expected an error")
        } catch {
            let text = nn.render(error)
            #expect(text.contains("host.nn:1:13: error: unsupported operand types for +"), "\(text)")
            #expect(!text.contains("note:"), "\(text)")
            #expect(!text.contains("stdlib/"), "\(text)")
        }
    }
}
