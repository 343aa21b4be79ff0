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
