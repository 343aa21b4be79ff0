import Foundation
import NNScript
import NNTensor
import Testing

/// NNScript as a library: run source, read values back, register a Swift
/// function callable from nn, capture printed output.
@Suite("Embedding")
struct EmbeddingTests {
    @Test func runsSourceAndReadsGlobalsBack() throws {
        var output = ""
        let nn = Interpreter(options: .init(output: { output += $0 }))
        let result = try nn.run(source: "let x = 2 ** 10\nprint(\"x is {x}\")\nx + 1", name: "embed.nn")
        #expect(output == "x is 1024\n")
        guard case .number(let v) = result, case .number(let x)? = nn["x"] else {
            Issue.record("expected numbers")
            return
        }
        #expect(v == 1025)
        #expect(x == 1024)
    }

    @Test func registersASwiftFunction() throws {
        var output = ""
        let nn = Interpreter(options: .init(output: { output += $0 }))
        nn.register(Builtin("triple", [.required("x")], summary: "Three times x.") { a in
            .number(try a.number("x") * 3)
        })
        try nn.run(source: "print(triple(14))")
        #expect(output == "42\n")
        #expect(throws: ScriptError.self) { try nn.run(source: "triple(\"a\")") }
        do {
            try nn.run(source: "triple(nil)")
        } catch let e as ScriptError {
            #expect(e.message == "bad argument #1 to 'triple' (number expected, got nil)")
        }
    }

    @Test func setsGlobalsAndCallsFunctionsFromSwift() throws {
        let nn = Interpreter(options: .init(output: { _ in }))
        nn["scale"] = .number(3)
        try nn.run(source: "fn f(x) = x * scale")
        guard let f = nn["f"] else {
            Issue.record("f undefined")
            return
        }
        let r = try nn.call(f, [.number(5)])
        guard case .number(let v) = r else { Issue.record("not a number"); return }
        #expect(v == 15)
    }

    @Test func syntaxErrorsAreReportedTogether() {
        let nn = Interpreter(options: .init(output: { _ in }))
        do {
            try nn.run(source: "let = 1\nlet y = )\n", name: "bad.nn")
            Issue.record("expected a syntax error")
        } catch let e as SyntaxError {
            #expect(e.diagnostics.count == 2)
            #expect(nn.render(e).hasPrefix("bad.nn:1:5: error:"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func runtimeErrorsRenderWithCaretAndTrace() {
        let nn = Interpreter(options: .init(output: { _ in }))
        do {
            try nn.run(source: "fn f(x) = x + nil\nf(1)\n", name: "t.nn")
        } catch {
            let text = nn.render(error)
            #expect(text == """
                t.nn:1:11: error: unsupported operand types for +: number and nil
                    fn f(x) = x + nil
                              ^~~~~~~
                t.nn:2:1: note: in f(), called here
                    f(1)
                    ^~~~
                """)
        }
    }

    @Test func interruptStopsALoop() throws {
        let nn = Interpreter(options: .init(output: { _ in }))
        nn.interrupt()
        do {
            try nn.run(source: "while true { }")
            Issue.record("expected an interrupt")
        } catch let e as ScriptError {
            #expect(e.kind == .interrupted)
        }
    }

    @Test func interpretersAreIndependent() throws {
        let a = Interpreter(options: .init(output: { _ in }))
        let b = Interpreter(options: .init(output: { _ in }))
        try a.run(source: "let shared = 1")
        #expect(a["shared"] != nil)
        #expect(b["shared"] == nil)
    }

    @Test func completionsComeFromTheRegistry() {
        let nn = Interpreter(options: .init(output: { _ in }))
        let c = nn.completions(prefix: "soft")
        #expect(c.contains("softmax"))
        #expect(c.contains("softplus"))
    }

    /// Each builtin is declared once: a second declaration would silently
    /// replace the first.
    @Test func everyBuiltinIsDeclaredOnce() {
        var seen: Set<String> = []
        let twice = Registry.standard.map(\.name).filter { !seen.insert($0).inserted }
        #expect(twice.isEmpty, "declared more than once: \(twice)")
    }

    /// `docs/builtins.md` is generated from the registry; regenerate with
    /// `nn --dump-builtins > docs/builtins.md`.
    @Test func builtinsDocumentationIsCurrent() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/builtins.md")
        let current = try String(contentsOf: path, encoding: .utf8)
        #expect(current == Registry().markdown(), "docs/builtins.md is stale: run nn --dump-builtins > docs/builtins.md")
    }

    /// `Stdlib+Generated.swift` is generated from `stdlib/*.nn` by `scripts/gen-stdlib`.
    @Test func stdlibIsCurrentAndLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let generated = try String(contentsOf: root.appendingPathComponent("Sources/NNScript/Embedding/Stdlib+Generated.swift"),
                                   encoding: .utf8)
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("stdlib").path)
            .filter { $0.hasSuffix(".nn") }
        for f in files {
            let text = try String(contentsOf: root.appendingPathComponent("stdlib/\(f)"), encoding: .utf8)
            #expect(generated.contains(text.trimmingCharacters(in: .newlines)), "stale: run scripts/gen-stdlib (\(f))")
        }
        var errors = ""
        let nn = Interpreter(options: .init(output: { _ in }, errorOutput: { errors += $0 }))
        #expect(errors == "")
        #expect(nn["enumerate"] != nil)
    }
}
