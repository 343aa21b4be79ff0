import NNSyntax
import Testing

/// Format specs: where the lexer starts one, how a spec is read, and the
/// formatting rules that are easy to get wrong (CPython's grouping into zero
/// padding, integers beyond 64 bits). The Python table is a golden script
/// (golden/format/python_table.nn); scripts/python-differential draws random ones.
@Suite("Format specs")
struct FormatSpecTests {
    @Test("a top-level ':' in an interpolation starts a spec that runs to the '}'")
    func lexing() {
        #expect(lex(#""a {x:.2f} b""#) == [
            #"stringHead("a ")"#, "identifier(x)", #"formatSpec(".2f")"#, #"stringTail(" b")"#,
        ])
        #expect(lex(#""{x:}""#) == [#"stringHead("")"#, "identifier(x)", #"formatSpec("")"#, #"stringTail("")"#])
        // A fill character may be anything but '{', '}', '"' and a line break.
        #expect(lex(#""{x:é^+#012_.3%}""#)[2] == #"formatSpec("é^+#012_.3%")"#)
    }

    @Test("a ':' inside brackets, braces, parentheses or a nested string is not a spec")
    func colonsInside() {
        for source in [#""{xs[1:2]}""#, #""{ {a: 1} }""#, #""{f(a: 1)}""#, #""{"a:b"}""#,
                       #""{if c { {a: 1} } else { 2 }}""#] {
            #expect(!lex(source).contains { $0.hasPrefix("formatSpec") }, "\(source)")
            #expect(!sexp(source).hasPrefix("ERROR"), "\(source): \(sexp(source))")
        }
        #expect(sexp(#""{ {a: 1}.a:>3}""#) == #"(str (format (. (record a:1) a) ">3"))"#)
        #expect(sexp(#""n={"in {y:d}":^9}.""#) == #"(str "n=" (format (str "in " (format y "d")) "^9") ".")"#)
    }

    @Test("a bad spec in a literal is one syntax error at the spec")
    func syntaxErrors() {
        #expect(located(#"print("{x:.2q}")"#) == [
            "1:10: format spec '.2q': unknown type 'q' (types: f F e E g G % for numbers, d x X b o for integers, s for strings)",
        ])
        #expect(errors(#""{x:{w}}""#).count == 1)
        #expect(errors(#"print("{x:.2f")"#) == ["expected '}' to close the format spec in string"])
        #expect(errors(#""{:d}""#) == ["expected an expression inside '{}' in string (write '\\{' for a literal brace)"])
    }

    @Test("the parts of a spec, in CPython's order")
    func parsing() throws {
        let s = try FormatSpec("*^+z#012,.3f")
        #expect(s.fill == "*" && s.align == .center && s.sign == .plus && s.coerceNegativeZero && s.alternate)
        #expect(!s.zeroPad && s.width == 12 && s.grouping == "," && s.precision == 3 && s.type == "f")
        // '0' after a fill is part of the width, not the zero flag.
        let t = try FormatSpec("x<05")
        #expect(t.fill == "x" && !t.zeroPad && t.width == 5)
        let u = try FormatSpec("05")
        #expect(u.zeroPad && u.width == 5 && u.fill == nil)
        // '<' alone is an align, '<<' a fill and an align.
        #expect(try FormatSpec("<").align == .left && FormatSpec("<").fill == nil)
        #expect(try FormatSpec("<<").fill == "<")
    }

    @Test("specs the spec alone rules out", arguments: [
        ("5.", "expected digits after '.' (a precision, as in '.4f')"),
        (",_", "use one grouping option, ',' or '_', not both"),
        (",x", "cannot group digits with ',' for type 'x' (use '_')"),
        ("_s", "cannot group digits with '_' for type 's'"),
        (".2d", "type 'd' takes no precision (an integer has no decimals; use '.2f')"),
        ("zd", "'z' applies to the types f, e, g and %, not the integer type 'd'"),
        ("+s", "a sign ('+') applies to numbers, not type 's'"),
        ("=s", "'=' alignment applies to numbers, not type 's'; use '<', '>' or '^'"),
        ("n", "unknown type 'n' (types: f F e E g G % for numbers, d x X b o for integers, s for strings); use 'd' or 'g' (no locale-dependent output)"),
        ("10ff", "cannot read 'ff'; the order is [[fill]align][sign][z][#][0][width][,|_][.precision][type], as in '>8.3f'"),
        (".10001f", "the precision is at most 10000"),
    ])
    func badSpecs(spec: String, problem: String) {
        #expect(throws: FormatSpecError(spec, problem)) { try FormatSpec(spec) }
    }

    /// `format(1234, "08,")` is `0,001,234`, one wider than asked: a group never starts with the separator.
    @Test("zero padding grows into the grouped digits as CPython's does")
    func groupingIntoPadding() throws {
        func f(_ v: Double, _ spec: String) throws -> String { try FormatSpec(spec).format(number: v, plain: "") }
        #expect(try f(1234, "08,d") == "0,001,234")
        #expect(try f(1234, "09,d") == "0,001,234")
        #expect(try f(1234, "010,d") == "00,001,234")
        #expect(try f(-1234, "010,d") == "-0,001,234")
        #expect(try f(12, "#012_b") == "0b0_0000_1100")
        #expect(try f(.infinity, "010,f") == "0000000inf")  // no digits: no grouping, plain zero padding
        #expect(try f(1234, "*>8,d") == "***1,234")        // another fill: padding outside the groups
    }

    @Test("integer types take integral values of any size, exactly")
    func bigIntegers() throws {
        func f(_ v: Double, _ spec: String) throws -> String { try FormatSpec(spec).format(number: v, plain: "") }
        #expect(try f(0x1p70, "x") == "400000000000000000")
        #expect(try f(0x1p70 + 0x1p30, "b") == "1" + String(repeating: "0", count: 39) + "1" + String(repeating: "0", count: 30))
        #expect(try f(0x1p70, "o") == "2" + String(repeating: "0", count: 23))
        #expect(try f(1e22, "d") == "10000000000000000000000")
        #expect(try f(-0.0, "d") == "0")
        #expect(throws: FormatSpecError("d", "type 'd' takes an integer, got nan; round it first, or use '.0f'")) {
            try FormatSpec("d").format(number: .nan, plain: "nan")
        }
    }

    @Test("strings pad and truncate by Unicode scalars, as Python counts code points")
    func text() throws {
        #expect(try FormatSpec("_^5").format(text: "é") == "__é__")
        #expect(try FormatSpec(".2").format(text: "héllo") == "hé")
        #expect(try FormatSpec("05").format(text: "ab") == "ab000")
        #expect(throws: FormatSpecError("f", "type 'f' formats numbers, got a string; convert it with number(s) first")) {
            try FormatSpec("f").format(text: "1.5")
        }
    }
}

/// What a Python programmer writes by habit: one error each, naming nn's spelling.
@Suite("Python habits")
struct PythonHabitTests {
    @Test("def, elif and print x replace 'expected newline after statement'")
    func statements() {
        #expect(located("def f(x):\n    return x\n") == ["1:1: nn declares functions with 'fn', not 'def': fn f(...) { ... }"])
        #expect(located("if a { b } elif c { d }") == ["1:12: nn writes 'else if', not 'elif'"])
        #expect(located("if a { b }\nelif c { d }") == ["2:1: nn writes 'else if', not 'elif'"])
        #expect(located("print x") == ["1:1: print is a function in nn: write print(...) with parentheses"])
        #expect(located("print \"hi\"") == ["1:1: print is a function in nn: write print(...) with parentheses"])
        // Not habits: the generic message stays.
        #expect(errors("foo x") == ["expected newline or ';' after statement, found 'x'"])
        #expect(errors("def = 3").isEmpty)
    }

    @Test("&&, || and ! are one error each and parse as and, or, not")
    func operators() {
        #expect(errors("x = a && b") == ["unexpected '&&'; use 'and' for logical and"])
        #expect(errors("x = a || b") == ["unexpected '||'; use 'or' for logical or"])
        // Read as meant: the block after the condition parses, nothing more is reported.
        #expect(errors("if a && !b {\n  c\n}\nd ||") == [
            "unexpected '&&'; use 'and' for logical and", "unexpected character '!'; use 'not' for logical negation",
            "unexpected '||'; use 'or' for logical or",
        ])
        #expect(errors("m = a & b") == ["unexpected character '&'; use 'and' (for masks elementwise, logical_and(a, b))"])
        #expect(errors("m = a | b") == ["unexpected character '|'; use 'or' (for masks elementwise, logical_or(a, b))"])
    }

    @Test("None, True and False name nn's spelling; other names do not")
    func names() {
        #expect(PythonHabits.nameHint("None") == "; nn writes it 'nil'")
        #expect(PythonHabits.nameHint("True") == "; nn writes it 'true'")
        #expect(PythonHabits.nameHint("False") == "; nn writes it 'false'")
        #expect(PythonHabits.nameHint("none") == nil)
    }
}
