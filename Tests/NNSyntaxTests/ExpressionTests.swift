import NNSyntax
import Testing

@Suite("Expressions")
struct ExpressionTests {
    @Test("literals: numbers, strings, booleans, nil")
    func literals() {
        #expect(sexp("3") == "3")
        #expect(sexp("3.5") == "3.5")
        #expect(sexp("1e-3") == "0.001")
        #expect(sexp("0x1F") == "31")
        #expect(sexp("1_000") == "1000")
        #expect(sexp(#""adam""#) == #""adam""#)
        #expect(sexp("true; false; nil") == "true\nfalse\nnil")
    }

    @Test("lambdas: x => e, (a, b) => e, () => e, fn(x) = e, fn(x) { }")
    func lambdas() {
        #expect(sexp("w => w * 2") == "(fn (w) (* w 2))")
        #expect(sexp("(a, b) => a + b") == "(fn (a b) (+ a b))")
        #expect(sexp("() => 1") == "(fn () 1)")
        #expect(sexp("(x) => x") == "(fn (x) x)")
        #expect(sexp("x => y => x + y") == "(fn (x) (fn (y) (+ x y)))")
        #expect(sexp("fn(w) = (1 - w[0] * w[1]) ** 2") == "(fn (w) (** (- 1 (* (index w 0) (index w 1))) 2))")
        #expect(sexp("fn(x) { let y = x\n y * 2 }") == "(fn (x) (block (let y x) (* y 2)))")
        #expect(sexp("no_grad(() => f(x))") == "(call no_grad (fn () (call f x)))")
        #expect(sexp("map(xs, x => x + 1, 2)") == "(call map xs (fn (x) (+ x 1)) 2)")
        #expect(errors("(1, b) => 2") == ["lambda parameters must be names"])
    }

    @Test("calls take positional arguments, then named ones")
    func namedArguments() {
        #expect(sexp("Adam(model.parameters(), lr: 1e-3, betas: [0.9, 0.999])")
            == "(call Adam (call (. model parameters)) lr:0.001 betas:(list 0.9 0.999))")
        #expect(sexp("scaled(3, by: 10)") == "(call scaled 3 by:10)")
        #expect(sexp("f()") == "(call f)")
        #expect(sexp("f(1, 2,)") == "(call f 1 2)")
        #expect(errors("f(a: 1, 2)") == ["positional argument after a named argument; put positional arguments first"])
        #expect(errors("f(lr: 1, lr: 2)") == ["duplicate argument 'lr'"])
    }

    @Test("indexing and slicing")
    func slices() {
        #expect(sexp("t[0]") == "(index t 0)")
        #expect(sexp("t[0, 1]") == "(index t 0 1)")
        #expect(sexp("t[:, 1]") == "(index t (: _ _ _) 1)")
        #expect(sexp("t[1:, :-1]") == "(index t (: 1 _ _) (: _ (- 1) _))")
        #expect(sexp("t[::2]") == "(index t (: _ _ 2))")
        #expect(sexp("t[1:5:2]") == "(index t (: 1 5 2))")
        #expect(sexp("t[[0, 2]]") == "(index t (list 0 2))")
        #expect(sexp("t[i + 1:]") == "(index t (: (+ i 1) _ _))")
        #expect(errors("t[]") == ["expected an index or slice between '[' and ']'"])
    }

    @Test("tuples, grouping and lists")
    func collections() {
        #expect(sexp("(a, b)") == "(tuple a b)")
        #expect(sexp("(a,)") == "(tuple a)")
        #expect(sexp("(a)") == "a")
        #expect(sexp("[1, 2, 3,]") == "(list 1 2 3)")
        #expect(sexp("[]") == "(list)")
        #expect(sexp("[[1, 2], [3, 4]]") == "(list (list 1 2) (list 3 4))")
    }

    @Test("a brace in expression position is a record")
    func records() {
        #expect(sexp("{lr: 0.01, epochs: 20}") == "(record lr:0.01 epochs:20)")
        #expect(sexp(#"{"key": 2}"#) == "(record key:2)")
        #expect(sexp("{}") == "(record)")
        #expect(sexp("let cfg = {\n  lr: 0.5,\n  epochs: 2,\n}") == "(let cfg (record lr:0.5 epochs:2))")
        #expect(sexp("f({a: 1}).a") == "(. (call f (record a:1)) a)")
        #expect(errors("{a: 1, a: 2}") == ["duplicate field 'a' in record"])
        #expect(errors("{a 1}") == ["expected ':' after the field name 'a' in record, found number"])
    }

    @Test("blocks follow if/else/for/while/fn/try/catch only")
    func blocksVersusRecords() {
        #expect(sexp("if a > b { \"a\" } else { \"b\" }") == #"(if (> a b) (block "a") (block "b"))"#)
        #expect(sexp("if x { }") == "(if x (block))")
        #expect(sexp("if x {} else if y {} else {}") == "(if x (block) (if y (block) (block)))")
        #expect(sexp("if x {\n 1\n}\nelse {\n 2\n}") == "(if x (block 1) (block 2))")
        #expect(sexp("let v = if c { {a: 1} } else { {} }") == "(let v (if c (block (record a:1)) (block (record))))")
        #expect(sexp("try { f() } catch e { print(e) }") == "(try (block (call f)) e (block (call print e)))")
        #expect(sexp("try { f() }\ncatch { 0 }") == "(try (block (call f)) (block 0))")
    }

    @Test("after => a brace is a block unless it reads as a record")
    func lambdaBlocks() {
        #expect(sexp("() => { for i in xs { f(i) } }") == "(fn () (block (for i xs (block (call f i)))))")
        #expect(sexp("x => {\n  let y = x * 2\n  y + 1\n}") == "(fn (x) (block (let y (* x 2)) (+ y 1)))")
        #expect(sexp("x => { x }") == "(fn (x) (block x))")
        #expect(sexp("x => {lr: x}") == "(fn (x) (record lr:x))")
        #expect(sexp("x => {\n  \"lr\": x }") == "(fn (x) (record lr:x))")
        #expect(sexp("() => {}") == "(fn () (record))")
    }

    @Test("string interpolation, with nested strings and braces")
    func interpolation() {
        #expect(sexp(#""epoch {e}: loss {loss}""#) == #"(str "epoch " e ": loss " loss)"#)
        #expect(sexp(#""{x}""#) == "(str x)")
        #expect(sexp(#""a {f("b {c}")} d""#) == #"(str "a " (call f (str "b " c)) " d")"#)
        #expect(sexp(#""{ {k: 1}.k + 1 }""#) == "(str (+ (. (record k:1) k) 1))")
        #expect(sexp(#""\{literal\}""#) == #""{literal}""#)
        #expect(sexp(#""{cfg["lr"]}""#) == #"(str (index cfg "lr"))"#)
        #expect(errors(#""a {} b""#) == [#"expected an expression inside '{}' in string (write '\{' for a literal brace)"#])
    }

    @Test("blocks inside brackets keep their newlines significant")
    func blocksInsideBrackets() {
        #expect(sexp("f(fn(x) {\n  let y = x\n  y\n}, 2)") == "(call f (fn (x) (block (let y x) y)) 2)")
        #expect(sexp("[if a {\n 1\n} else {\n 2\n}, 3]") == "(list (if a (block 1) (block 2)) 3)")
        #expect(sexp("x => {a: x}") == "(fn (x) (record a:x))")
    }

    @Test("keywords may be member names and record keys")
    func keywordNames() {
        #expect(sexp("r.in") == "(. r in)")
        #expect(sexp("{if: 1, not: 2}") == "(record if:1 not:2)")
    }
}
