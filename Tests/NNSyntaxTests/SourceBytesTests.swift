import NNSyntax
import Testing

/// Source read as bytes (issue 15): invalid UTF-8 is the lexer's error at its
/// position, a leading byte-order mark is skipped, and a diagnostic on a very
/// long line shows a window around the caret, not the whole line.
@Suite("Source bytes: UTF-8, byte-order mark, long lines")
struct SourceBytesTests {
    /// Each diagnostic of `bytes` as `line:col: message`.
    func located(bytes: [UInt8]) -> [String] {
        let file = SourceFile(name: "b.nn", bytes: bytes)
        return Parser.parse(file).diagnostics.map { "\(file.lineColumn(of: $0.range)): \($0.message)" }
    }

    @Test("a byte that is not UTF-8 is an error at its line and column, in code, strings and comments")
    func invalidUTF8() {
        // print("a\xC3")
        #expect(located(bytes: Array("print(\"a".utf8) + [0xC3] + Array("\")\n".utf8))
                == ["1:9: invalid UTF-8 byte 0xC3 in string"])
        #expect(located(bytes: Array("let x = 1\n# caf".utf8) + [0xE9] + Array("\nx\n".utf8))
                == ["2:6: invalid UTF-8 byte 0xE9 in comment"])
        #expect(located(bytes: Array("x = 1 ".utf8) + [0xFF] + Array(" 2".utf8)) == ["1:7: invalid UTF-8 byte 0xFF"])
        // A valid multi-byte character in a comment is fine.
        #expect(located(bytes: Array("# ηλ €\n1\n".utf8)).isEmpty)
    }

    @Test("a leading byte-order mark is skipped: no error, and columns do not count it")
    func byteOrderMark() {
        let bom = SourceFile.byteOrderMark
        #expect(located(bytes: bom + Array("print(1)\n".utf8)).isEmpty)
        #expect(located(bytes: bom + Array("x = 1 $ 2\n".utf8)) == ["1:7: unexpected character '$'"])
        let file = SourceFile(name: "b.nn", bytes: bom + Array("x = 1 $ 2\n".utf8))
        #expect(file.text == "x = 1 $ 2\n")
        #expect(file.line(1) == "x = 1 $ 2")
        #expect(Parser.parse(file).diagnostics.rendered(in: file) == """
            b.nn:1:7: error: unexpected character '$'
                x = 1 $ 2
                      ^
            """)
        // Only at the very start: elsewhere it is an unexpected (invisible) character, named by its code point.
        #expect(located(bytes: Array("x = 1 ".utf8) + bom) == ["1:7: unexpected character U+FEFF"])
    }

    @Test("an error on a very long line shows at most about 120 columns around the caret")
    func longLineWindow() {
        let long = "let x = " + String(repeating: "1 + ", count: 250_000) + "$"
        let out = Parser.parse(SourceFile(name: "f.nn", text: long)).diagnostics.rendered(in: SourceFile(name: "f.nn", text: long))
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(out.utf8.count < 2_000)
        #expect(lines.allSatisfy { $0.count <= 4 + 120 + 6 })
        // The caret is under the '$'.
        guard let i = lines.firstIndex(where: { $0.hasSuffix("$") }), i + 1 < lines.count else {
            Issue.record("no snippet line ending in '$': \(out)")
            return
        }
        #expect(lines[i].hasPrefix("    ..."))
        #expect(lines[i + 1].count == lines[i].count && lines[i + 1].hasSuffix("^"))
    }

    @Test("the window keeps the caret in view at the start, the middle and the end of a long line")
    func windowPlacement() {
        let middle = String(repeating: "a", count: 200) + " $ " + String(repeating: "b", count: 200)
        let text = Parser.parse(SourceFile(name: "f.nn", text: middle)).diagnostics.rendered(in: SourceFile(name: "f.nn", text: middle))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("    ...") && lines[1].hasSuffix("..."))
        let caret = lines[2].firstIndex(of: "^").map { lines[2].distance(from: lines[2].startIndex, to: $0) }
        let dollar = lines[1].firstIndex(of: "$").map { lines[1].distance(from: lines[1].startIndex, to: $0) }
        #expect(caret != nil && caret == dollar)
        // An error near the start keeps the line's start, cut only at its end.
        let start = "$ " + String(repeating: "c", count: 300)
        let first = Parser.parse(SourceFile(name: "f.nn", text: start)).diagnostics.rendered(in: SourceFile(name: "f.nn", text: start))
        let firstLines = first.split(separator: "\n").map(String.init)
        #expect(firstLines[1].hasPrefix("    $ ccc") && firstLines[1].hasSuffix("..."))
        #expect(firstLines[2] == "    ^")
        // A short line is shown whole, as before.
        #expect(rendered("x = 1 $ 2") == """
            file.nn:1:7: error: unexpected character '$'
                x = 1 $ 2
                      ^
            """)
    }
}
