import NNSyntax
import Testing

@Suite("Diagnostics: positions, messages, rendering")
struct DiagnosticTests {
    @Test("an error names what was expected and what came, at an exact line and column")
    func expectedAndFound() {
        #expect(located("let x = 1\nprint(1, 2\n") == ["2:11: expected ')' after arguments, found end of input"])
        #expect(located("f(1 2)") == ["1:5: expected ')' after arguments, found number"])
        #expect(located("let = 3") == ["1:5: expected a name or a destructuring pattern after 'let', found '='"])
        #expect(located("x = )") == ["1:5: expected expression, found ')'"])
        #expect(located("if x\n{ }") == ["1:5: expected '{' after the 'if' condition, found newline"])
        #expect(located("for i 0..3 { }") == ["1:7: expected 'in' after the loop variable in 'for', found number"])
    }

    @Test("columns count characters, not bytes")
    func unicodeColumns() {
        #expect(located("let s = \"ηλ\" +* 1") == ["1:15: expected expression, found '*'"])
    }

    @Test("the renderer shows file:line:col, the source line and a caret under the range")
    func caretRendering() {
        #expect(rendered("let a = 1\n  let b = a +* 2\n") == """
            file.nn:2:14: error: expected expression, found '*'
                  let b = a +* 2
                             ^
            """)
        #expect(rendered("print(1, 2") == """
            file.nn:1:11: error: expected ')' after arguments, found end of input
                print(1, 2
                          ^
            file.nn:1:6: note: to match this '('
                print(1, 2
                     ^
            """)
        #expect(rendered("f() = 3") == """
            file.nn:1:1: error: cannot assign to this expression; the left side of '=' must be a name, an index or a member
                f() = 3
                ^~~
            """)
    }

    @Test("tabs in the source line keep the caret aligned")
    func tabs() {
        let out = rendered("\tx = )")
        #expect(out.hasSuffix("\n    \tx = )\n    \t    ^"))
    }

    @Test("colour is off by default and wraps the header when asked")
    func colour() {
        let file = SourceFile(name: "c.nn", text: "x = )")
        let d = Parser.parse(file).diagnostics[0]
        #expect(!d.rendered(in: file).contains("\u{1B}["))
        #expect(d.rendered(in: file, color: true).contains("\u{1B}[1;31merror:\u{1B}[0m"))
    }

    @Test("several errors are reported in one run, each on its own statement")
    func multipleErrors() {
        let source = """
        let = 3
        let y = 1 +* 2
        fn f(x) x
        let ok = 1
        z = )
        let r = {a 1}
        let fine = 2
        """
        #expect(located(source) == [
            "1:5: expected a name or a destructuring pattern after 'let', found '='",
            "2:12: expected expression, found '*'",
            "3:9: expected '=' or '{' after the parameters of 'fn', found 'x'",
            "5:5: expected expression, found ')'",
            "6:12: expected ':' after the field name 'a' in record, found number",
        ])
        let result = Parser.parse(source)
        #expect(result.program.statements.count == 2)  // ok and fine
    }

    @Test("errors inside a block recover inside that block")
    func blockRecovery() {
        let source = "fn f(x) {\n  let = 1\n  x +\n}\nlet after = )"
        #expect(located(source) == [
            "2:7: expected a name or a destructuring pattern after 'let', found '='",
            "4:1: expected expression, found '}'",
            "5:13: expected expression, found ')'",
        ])
    }

    @Test("at most 20 errors are reported")
    func errorCap() {
        let source = String(repeating: "x = )\n", count: 100)
        #expect(errors(source).count == Parser.maxErrors)
    }

    @Test("incomplete input: the REPL asks for more")
    func incompleteInput() {
        #expect(incomplete("fn f(x) {"))
        #expect(incomplete("fn f(x) {\n  let y = x\n"))
        #expect(incomplete("[1, 2"))
        #expect(incomplete("\"abc"))
        #expect(incomplete("1 +"))
        #expect(incomplete("1 +\n"))
        #expect(incomplete("f(1,"))
        #expect(incomplete("let x ="))
        #expect(incomplete("if x { 1 } else"))
        #expect(incomplete("\"a {x"))
        #expect(incomplete("{lr: 1,"))
        #expect(incomplete("try { 1 }"))
    }

    @Test("complete or broken input is not incomplete")
    func notIncomplete() {
        #expect(!incomplete(")"))
        #expect(!incomplete("let = 3"))
        #expect(!incomplete("1 + 2"))
        #expect(!incomplete("fn f(x) { x }"))
        #expect(!incomplete("x = ) + ("))
        #expect(!incomplete("let = 3\nf("))
    }

    @Test("lexical errors: stray characters, bad escapes, bad numbers")
    func lexicalErrors() {
        #expect(errors("x = 3 $ 4") == ["unexpected character '$'"])
        #expect(errors("x = !y") == ["unexpected character '!'; use 'not' for logical negation"])
        #expect(errors(#""a\qb""#) == [#"invalid escape sequence '\q' in string"#])
        #expect(errors("0x") == ["expected hexadecimal digits after '0x'"])
        #expect(errors("1e+") == ["expected digits in the exponent of a number"])
        #expect(errors("3x") == ["unexpected 'x' after a number"])
        #expect(errors(#""\u{110000}""#) == [#"invalid Unicode scalar in '\u{...}'"#])
        #expect(located("x = 1 €") == ["1:7: unexpected character '€'"])
    }
}
