import NNSyntax
import Testing

@Suite("Lexer")
struct LexerTests {
    @Test("numbers: integers, decimals, exponents, hex, underscores")
    func numbers() {
        #expect(lex("3 3.5 1e-3 2E4 0x1F 1_000 0.25") == [
            "number(3.0)", "number(3.5)", "number(0.001)", "number(20000.0)", "number(31.0)", "number(1000.0)",
            "number(0.25)",
        ])
        #expect(lex("0..10") == ["number(0.0)", "'..'", "number(10.0)"])
        #expect(lex("1.5.sqrt") == ["number(1.5)", "'.'", "identifier(sqrt)"])
    }

    @Test("number literals that overflow stay Doubles")
    func overflow() {
        let huge = String(repeating: "9", count: 400)
        let tokens = Lexer(SourceFile(name: "t", text: huge + " 0x" + String(repeating: "F", count: 300) + " 1e999")).tokens()
        #expect(tokens[0].number == .infinity)
        #expect(tokens[1].number == .infinity)
        #expect(tokens[2].number == .infinity)
        #expect(Parser.parse("99999999999999999999 + 1").succeeded)
    }

    @Test("hex literals convert the exact integer once, halves to even")
    func hexRounding() {
        func value(_ text: String) -> Double? { Lexer(SourceFile(name: "t", text: text)).tokens()[0].number }
        // Digit by digit in a double this was 5098748371832015000 (one ulp low).
        #expect(value("0x46c264a13e260abc") == 5098748371832015872)
        #expect(value("0x46c264a13e260abc") == Double(UInt64(0x46c264a13e260abc)))
        // 2^53 + 1 is a tie: to even (2^53); 2^53 + 3 rounds up to 2^53 + 4.
        #expect(value("0x20000000000001") == 0x1p53)
        #expect(value("0x20000000000003") == 0x1p53 + 4)
        // More than 64 bits: a tie in the first 64 broken by a later nonzero digit.
        #expect(value("0x2000000000000100000000000000001") == (0x1p53 + 2) * 0x1p68)
        #expect(value("0x2000000000000100000000000000000") == 0x1p53 * 0x1p68)
        #expect(value("0x0000_0000_0000_0000_0001") == 1)
        #expect(value("0xFFFFFFFFFFFFFFFF") == 0x1p64)
    }

    @Test("strings with escapes")
    func escapes() {
        let tokens = Lexer(SourceFile(name: "t", text: #""a\n\t\"\\\u{1F600}\{\}""#)).tokens()
        #expect(tokens[0].kind == .string)
        #expect(tokens[0].text == "a\n\t\"\\😀{}")
    }

    @Test("interpolated strings split into head, middle and tail around expression tokens")
    func interpolation() {
        #expect(lex(#""epoch {e}: {f("x")}!""#) == [
            #"stringHead("epoch ")"#, "identifier(e)", #"stringMiddle(": ")"#, "identifier(f)", "'('",
            #"string("x")"#, "')'", #"stringTail("!")"#,
        ])
    }

    @Test("keywords, operators and punctuation")
    func operators() {
        #expect(lex("let fn if else for in while break continue return try catch true false nil and or not")
            .allSatisfy { $0.hasPrefix("'") })
        let ops = "+ - * / % ** @ == != < <= > >= = += -= *= /= => .. ..= . , : ; ( ) [ ] { }"
        #expect(lex(ops).joined(separator: " ") == ops.split(separator: " ").map { "'\($0)'" }.joined(separator: " "))
    }

    @Test("comments run to the end of the line")
    func comments() {
        #expect(lex("x # a comment\ny") == ["identifier(x)", "newline", "identifier(y)"])
    }

    @Test("newlines are dropped inside ( ) and [ ], after continuing tokens, and repeated")
    func newlines() {
        #expect(lex("(a\n,\nb)") == ["'('", "identifier(a)", "','", "identifier(b)", "')'"])
        #expect(lex("a\n\n\nb") == ["identifier(a)", "newline", "identifier(b)"])
        #expect(lex("a =\nb") == ["identifier(a)", "'='", "identifier(b)"])
        #expect(lex("{\na\nb\n}") == ["'{'", "identifier(a)", "newline", "identifier(b)", "newline", "'}'"])
        #expect(lex("f(fn(x) {\na\nb})") == [
            "'('", "identifier(f)", "'('", "'fn'", "'('", "identifier(x)", "')'", "'{'", "identifier(a)", "newline",
            "identifier(b)", "'}'", "')'",
        ].dropFirst().map { $0 })
    }

    @Test("Unicode letters are allowed in names")
    func unicodeNames() {
        #expect(lex("η = 0.1") == ["identifier(η)", "'='", "number(0.1)"])
    }

    @Test("every token carries its source range")
    func ranges() {
        let file = SourceFile(name: "t", text: "let xs = [1, 2]\n  print(xs)")
        let tokens = Lexer(file).tokens()
        let print = tokens.first { $0.text == "print" }
        #expect(print.map { file.lineColumn(of: $0.range) } == LineColumn(line: 2, column: 3))
        #expect(print.map { file.text(in: $0.range) } == "print")
    }
}
