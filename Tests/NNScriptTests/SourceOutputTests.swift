import NNScript
import Testing

/// Issue 15, through the embedding API: a script read as bytes is checked by
/// the parser (invalid UTF-8 is a syntax error at its position, a leading
/// byte-order mark is skipped), output is text by length (NUL included), and
/// an output sink that fails stops the script at the `print` that wrote.
@Suite("Source bytes and output")
struct SourceOutputTests {
    struct Full: Error, CustomStringConvertible {
        var description: String { "cannot write to standard output: No space left on device" }
    }

    @Test func invalidUTF8IsASyntaxErrorAtItsPosition() {
        let nn = Interpreter(options: .init(output: { _ in }))
        let bytes = Array("print(\"a".utf8) + [0xC3] + Array("\")\n".utf8)
        do {
            try nn.run(bytes: bytes, name: "bad.nn")
            Issue.record("expected a syntax error")
        } catch let e as SyntaxError {
            #expect(e.diagnostics.map(\.message) == ["invalid UTF-8 byte 0xC3 in string"])
            #expect(nn.render(e).hasPrefix("bad.nn:1:9: error: invalid UTF-8 byte 0xC3 in string"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func sessionEntryBytesAreCheckedNotRepaired() throws {
        let session = Session(interpreter: Interpreter(options: .init(output: { _ in }, allowsRedeclaration: true)))
        do {
            try session.run(bytes: Array("let s = \"a".utf8) + [0xC3] + Array("\"".utf8))
            Issue.record("expected a syntax error")
        } catch let e as SyntaxError {
            #expect(session.interpreter.render(e).hasPrefix("<stdin:1>:1:11: error: invalid UTF-8 byte 0xC3 in string"))
        }
        #expect(session.interpreter["s"] == nil)
        #expect(try session.run(bytes: Array("1 + 1".utf8)).description == "2")
    }

    @Test func loadedFileKeepsNoByteOrderMarkForSave() throws {
        let session = Session(interpreter: Interpreter(options: .init(output: { _ in }, allowsRedeclaration: true)))
        try session.load(bytes: [0xEF, 0xBB, 0xBF] + Array("let a = 1\n".utf8), path: "bom.nn")
        #expect(session.script == "# :load bom.nn\nlet a = 1\n# end of bom.nn\n")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        var out = ""
        let nn = Interpreter(options: .init(output: { out += $0 }))
        try nn.run(bytes: [0xEF, 0xBB, 0xBF] + Array("## Doubles.\nfn twice(x) = 2 * x\nprint(twice(2))\n".utf8), name: "bom.nn")
        #expect(out == "4\n")
        // The doc comment on the first line is found (the mark is not part of it).
        out = ""
        try nn.run(source: "help(twice)", name: "h.nn")
        #expect(out.contains("Doubles."))
    }

    @Test func printWritesNulBytes() throws {
        var out = ""
        let nn = Interpreter(options: .init(output: { out += $0 }))
        try nn.run(source: #"print("a\u{0}b")"#, name: "nul.nn")
        #expect(Array(out.utf8) == [0x61, 0x00, 0x62, 0x0A])
    }

    @Test func failingOutputStopsTheScriptAtThePrint() {
        var after = false
        let nn = Interpreter(options: .init(output: { _ in throw Full() }))
        nn.register(Builtin("mark", [], summary: "test") { _ in after = true; return .nil })
        do {
            try nn.run(source: "let x = 1\nprint(x)\nmark()\n", name: "full.nn")
            Issue.record("expected an error")
        } catch {
            #expect(nn.render(error).hasPrefix("full.nn:2:1: error: cannot write to standard output: No space left on device"))
        }
        #expect(!after, "the script went on after its output was lost")
    }

    @Test func failingOutputIsAnErrorScriptsCanCatch() throws {
        let nn = Interpreter(options: .init(output: { _ in throw Full() }))
        try nn.run(source: "let got = \"\"\ntry { print(1) } catch e { got = e }", name: "c.nn")
        #expect(nn["got"]?.description.contains("No space left on device") == true)
    }
}
