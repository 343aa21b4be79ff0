import NNSyntax
import Testing

@Suite("Statements")
struct StatementTests {
    @Test("let, with destructuring patterns")
    func lets() {
        #expect(sexp("let x = 3") == "(let x 3)")
        #expect(sexp("let (a, b) = e") == "(let (tuple a b) e)")
        #expect(sexp("let (a, [b, _]) = e") == "(let (tuple a (list b _)) e)")
        #expect(sexp("let (train, val) = split(d.X, d.y, [0.8, 0.2], seed: 0)")
            == "(let (tuple train val) (call split (. d X) (. d y) (list 0.8 0.2) seed:0))")
        #expect(sexp("let (a,) = t") == "(let (tuple a) t)")
    }

    @Test("assignment and compound assignment to names, indices and members")
    func assignment() {
        #expect(sexp("x = x + 1") == "(= x (+ x 1))")
        #expect(sexp("a[i] = e") == "(= (index a i) e)")
        #expect(sexp("r.f = e") == "(= (. r f) e)")
        #expect(sexp("x += 1") == "(+= x 1)")
        #expect(sexp("a[0, 1] -= 2") == "(-= (index a 0 1) 2)")
        #expect(sexp("r.lr *= 0.5") == "(*= (. r lr) 0.5)")
        #expect(sexp("x /= 2") == "(/= x 2)")
        #expect(errors("f() = 3") == ["cannot assign to this expression; the left side of '=' must be a name, an index or a member"])
    }

    @Test("function declarations: expression and block bodies, defaults")
    func functions() {
        #expect(sexp("fn square(x) = x * x") == "(fn square (x) (* x x))")
        #expect(sexp("fn loss(w) {\n  let e = 1 - w[0] * w[1]\n  e ** 2\n}")
            == "(fn loss (w) (block (let e (- 1 (* (index w 0) (index w 1)))) (** e 2)))")
        #expect(sexp("fn scaled(x, by: 2) = x * by") == "(fn scaled (x by:2) (* x by))")
        #expect(sexp("fn f() = nil") == "(fn f () nil)")
        #expect(errors("fn f(a: 1, b) = a") == ["parameter 'b' without a default follows a parameter with one"])
        #expect(errors("fn f(a, a) = a") == ["duplicate parameter 'a'"])
        #expect(errors("fn f(x) x") == ["expected '=' or '{' after the parameters of 'fn', found 'x'"])
    }

    @Test("loops and control flow")
    func loops() {
        #expect(sexp("for i in 0..10 { }") == "(for i (.. 0 10) (block))")
        #expect(sexp("for (xb, yb) in loader { step(xb, yb) }") == "(for (tuple xb yb) loader (block (call step xb yb)))")
        #expect(sexp("while cond { break; continue }") == "(while cond (block (break) (continue)))")
        #expect(sexp("fn f(x) { if x { return 1 }\n return }") == "(fn f (x) (block (if x (block (return 1))) (return)))")
    }

    @Test("statements are separated by newlines or semicolons")
    func separators() {
        #expect(sexp("let a = 1; let b = 2\nprint(a)") == "(let a 1)\n(let b 2)\n(call print a)")
        #expect(sexp("\n\n  x\n\n;; y ;\n") == "x\ny")
        #expect(errors("a b") == ["expected newline or ';' after statement, found 'b'"])
    }

    @Test("the program records whether its last statement ended with ';'")
    func trailingSemicolon() {
        #expect(Parser.parse("x = 1;").program.endsWithSemicolon)
        #expect(Parser.parse("x = 1;\n").program.endsWithSemicolon)
        #expect(Parser.parse("x;  # comment").program.endsWithSemicolon)
        #expect(!Parser.parse("x").program.endsWithSemicolon)
        #expect(!Parser.parse("x; y").program.endsWithSemicolon)
        #expect(!Parser.parse("x\n").program.endsWithSemicolon)
    }

    @Test("lines continue after binary operators, commas, '(' and '=', and before '.'")
    func continuation() {
        #expect(sexp("let x = 1 +\n  2") == "(let x (+ 1 2))")
        #expect(sexp("let x =\n  3") == "(let x 3)")
        #expect(sexp("f(1,\n  2\n)") == "(call f 1 2)")
        #expect(sexp("[1\n, 2\n]") == "(list 1 2)")
        #expect(sexp("a and\n b") == "(and a b)")
        #expect(sexp("model\n  .train()") == "(call (. model train))")
        #expect(sexp("x\n-1") == "x\n(- 1)")
    }

    @Test("the sketch of the language parses without errors")
    func languageSketch() {
        let sketch = """
        let x = 3                      # declare
        x = x + 1                      # assign
        let name = "adam"
        let ok = true and not false
        let xs = [1, 2, 3]
        let cfg = {lr: 0.01, epochs: 20}
        print("loss", 0.25)
        print("epoch {e}: loss {loss}")
        fn square(x) = x * x
        fn loss(w) {
          let e = 1 - w[0] * w[1]
          e ** 2
        }
        fn scaled(x, by: 2) = x * by
        let f = fn(w) = (1 - w[0] * w[1]) ** 2
        let g = w => w * 2
        if a > b { "a" } else { "b" }
        for i in 0..10 { }
        for (xb, yb) in loader { }
        while cond { break; continue }
        let t = tensor([[1, 2], [3, 4]])
        t[0]; t[0, 1]; t[:, 1]; t[1:, :-1]; t[[0, 2]]
        let model = Sequential(Linear(2, 16), ReLU(), BatchNorm(16), Linear(16, 2))
        let h = fit(model, loss: cross_entropy, opt: opt, data: loader, epochs: 20, val: val)
        let W1 = param(randn([2, 8]) * 0.5); let b1 = param(zeros([8]))
        fn net(x) = relu(x @ W1 + b1)
        hessian(L, tensor([0.0, 0.0]))
        let r = try { risky() } catch e { print(e); nil }
        return value
        """
        let result = Parser.parse(sketch)
        #expect(result.diagnostics.map(\.message) == [])
        #expect(result.program.statements.count == 31)
    }
}
