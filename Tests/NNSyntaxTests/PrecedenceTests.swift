import NNSyntax
import Testing

@Suite("Operator precedence and associativity")
struct PrecedenceTests {
    @Test("multiplication binds tighter than addition")
    func arithmetic() {
        #expect(sexp("1 + 2 * 3") == "(+ 1 (* 2 3))")
        #expect(sexp("(1 + 2) * 3") == "(* (+ 1 2) 3)")
        #expect(sexp("1 - 2 - 3") == "(- (- 1 2) 3)")
        #expect(sexp("8 / 4 % 3") == "(% (/ 8 4) 3)")
    }

    @Test("matmul sits with multiplication, above addition")
    func matmul() {
        #expect(sexp("a @ b + c") == "(+ (@ a b) c)")
        #expect(sexp("X @ W1 + b1") == "(+ (@ X W1) b1)")
        #expect(sexp("a * b @ c") == "(@ (* a b) c)")
    }

    @Test("** is right-associative and binds tighter than unary minus")
    func power() {
        #expect(sexp("-2 ** 2") == "(- (** 2 2))")
        #expect(sexp("2 ** 3 ** 2") == "(** 2 (** 3 2))")
        #expect(sexp("2 ** -1") == "(** 2 (- 1))")
        #expect(sexp("a ** b * c") == "(* (** a b) c)")
        #expect(sexp("(1 - w[0] * w[1]) ** 2") == "(** (- 1 (* (index w 0) (index w 1))) 2)")
        #expect(sexp("-x.y ** 2") == "(- (** (. x y) 2))")
    }

    @Test("unary operators")
    func unary() {
        #expect(sexp("- -x") == "(- (- x))")
        #expect(sexp("+x * -y") == "(* (+ x) (- y))")
        #expect(sexp("-a + b") == "(+ (- a) b)")
    }

    @Test("logic: not < and < or; comparisons below arithmetic")
    func logic() {
        #expect(sexp("true and not false") == "(and true (not false))")
        #expect(sexp("a or b and c") == "(or a (and b c))")
        #expect(sexp("not a == b") == "(not (== a b))")
        #expect(sexp("a < b + 1 and c >= d") == "(and (< a (+ b 1)) (>= c d))")
        #expect(sexp("not not a") == "(not (not a))")
    }

    @Test("ranges sit between comparison and addition")
    func ranges() {
        #expect(sexp("0..10") == "(.. 0 10)")
        #expect(sexp("0..=n - 1") == "(..= 0 (- n 1))")
        #expect(sexp("a..b == c") == "(== (.. a b) c)")
    }

    @Test("comparisons and ranges do not chain")
    func nonAssociative() {
        #expect(errors("a < b < c") == ["comparison operators cannot be chained; write 'a < b and b < c'; add parentheses or split the expression"])
        #expect(errors("a == b != c").count == 1)
        #expect(errors("0..1..2").count == 1)
        #expect(sexp("(a < b) == c") == "(== (< a b) c)")
    }

    @Test("not is not allowed as an arithmetic operand without parentheses")
    func notOperand() {
        #expect(errors("1 + not x") == ["expected expression, found 'not'"])
        #expect(sexp("1 + (not x)") == "(+ 1 (not x))")
    }

    @Test("postfix chains: calls, indexing, members, method calls")
    func postfix() {
        #expect(sexp("model.parameters()") == "(call (. model parameters))")
        #expect(sexp("t.sum(axis: 1).mean()") == "(call (. (call (. t sum) axis:1) mean))")
        #expect(sexp("f(x)(y)[0].z") == "(. (index (call (call f x) y) 0) z)")
        #expect(sexp("t.T") == "(. t T)")
    }
}
