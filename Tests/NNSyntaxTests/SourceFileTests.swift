import NNSyntax
import Testing

@Suite("Source files, ranges and entry points")
struct SourceFileTests {
    @Test("line and column lookup from a byte offset, 1-based")
    func lineColumn() {
        let file = SourceFile(name: "a.nn", text: "let x = 1\r\n  y\n\nzη = 2")
        #expect(file.lineCount == 4)
        #expect(file.lineColumn(of: 0) == LineColumn(line: 1, column: 1))
        #expect(file.lineColumn(of: 4) == LineColumn(line: 1, column: 5))
        #expect(file.lineColumn(of: 13) == LineColumn(line: 2, column: 3))
        #expect(file.lineColumn(of: 16) == LineColumn(line: 4, column: 1))
        #expect(file.lineColumn(of: 19) == LineColumn(line: 4, column: 3))  // after the two-byte η
        #expect(file.line(1) == "let x = 1")
        #expect(file.line(2) == "  y")
        #expect(file.line(3) == "")
        #expect(file.line(99) == "")
        #expect(file.lineColumn(of: 10_000) == LineColumn(line: 4, column: 7))
    }

    @Test("AST nodes carry the ranges of the text they came from")
    func nodeRanges() throws {
        let file = SourceFile(name: "r.nn", text: "let y = f(a, k: 2)[0] + 1\nfor (a, b) in xs { a }")
        let result = Parser.parse(file)
        #expect(result.succeeded)
        let statements = result.program.statements
        #expect(statements.count == 2)
        #expect(file.text(in: statements[0].range) == "let y = f(a, k: 2)[0] + 1")
        guard case .letBinding(let pattern, let value) = statements[0].kind,
              case .binary(.add, let lhs, _) = value.kind,
              case .index(let call, _) = lhs.kind,
              case .call(_, let args) = call.kind
        else {
            Issue.record("unexpected tree \(statements[0].sExpression)")
            return
        }
        #expect(file.text(in: pattern.range) == "y")
        #expect(file.text(in: lhs.range) == "f(a, k: 2)[0]")
        #expect(file.text(in: call.range) == "f(a, k: 2)")
        #expect(args.map { file.text(in: $0.range) } == ["a", "k: 2"])
        #expect(args[1].label.map { file.text(in: $0.range) } == "k")
        #expect(file.text(in: statements[1].range) == "for (a, b) in xs { a }")
    }

    @Test("a source map hands out ids, and diagnostics render against the right file")
    func sourceMap() {
        var map = SourceMap()
        let prelude = map.add(name: "prelude.nn", text: "let a = 1")
        let main = map.add(name: "main.nn", text: "x = )")
        #expect(prelude.id != main.id)
        #expect(map[main.id]?.name == "main.nn")
        let d = Parser.parse(main).diagnostics[0]
        #expect(d.range.file == main.id)
        #expect(d.rendered(in: map).hasPrefix("main.nn:1:5: error: expected expression, found ')'"))
    }

    @Test("diagnostics can carry notes and hints, rendered after the main message")
    func notesAndHints() {
        let file = SourceFile(name: "n.nn", text: "fn f(x) = x\nf(1, 2)")
        let d = Diagnostic.error(
            "f takes 1 argument, got 2", at: file.range(12, 19),
            notes: [.init("f is declared here", range: file.range(3, 4)), .init("called from the top level")],
            hints: ["drop the second argument"])
        #expect(d.rendered(in: file) == """
            n.nn:2:1: error: f takes 1 argument, got 2
                f(1, 2)
                ^~~~~~~
            n.nn:1:4: note: f is declared here
                fn f(x) = x
                   ^
            note: called from the top level
            help: drop the second argument
            """)
    }

    @Test("parseExpression parses one expression filling the input")
    func parseExpression() {
        let ok = Parser.parseExpression(SourceFile(name: "e", text: "\n 1 + 2 * x \n"))
        #expect(ok.expression?.sExpression == "(+ 1 (* 2 x))")
        #expect(ok.diagnostics.isEmpty)
        let bad = Parser.parseExpression(SourceFile(name: "e", text: "1 2"))
        #expect(bad.expression == nil)
        #expect(bad.diagnostics.map(\.message) == ["expected end of input after expression, found number"])
    }
}
