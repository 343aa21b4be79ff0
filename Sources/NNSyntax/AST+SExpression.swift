/// A canonical S-expression form of the tree, for tests and debugging.
///
/// `1 + 2 * 3` prints as `(+ 1 (* 2 3))`; `f(x, k: 2)` as `(call f x k:2)`;
/// `t[1:, ::2]` as `(index t (: 1 _ _) (: _ _ 2))`. Blocks print as
/// `(block s1 s2)`, functions as `(fn name (x by:2) body)`.
extension Expr {
    /// The S-expression form of this expression.
    public var sExpression: String {
        var out = ""
        SExpressionPrinter.expr(self, into: &out)
        return out
    }
}

extension Stmt {
    /// The S-expression form of this statement.
    public var sExpression: String {
        var out = ""
        SExpressionPrinter.stmt(self, into: &out)
        return out
    }
}

extension Program {
    /// The S-expression forms of the statements, one per line.
    public var sExpression: String {
        statements.map(\.sExpression).joined(separator: "\n")
    }
}

extension Pattern {
    /// The S-expression form of this pattern.
    public var sExpression: String {
        var out = ""
        SExpressionPrinter.pattern(self, into: &out)
        return out
    }
}

/// Writes S-expressions.
enum SExpressionPrinter {
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    static func list(_ head: String, _ items: [(inout String) -> Void], into out: inout String) {
        out += "(" + head
        for item in items {
            out += " "
            item(&out)
        }
        out += ")"
    }

    static func expr(_ e: Expr, into out: inout String) {
        switch e.kind {
        case .number(let d): out += number(d)
        case .string(let s): out += s.debugDescription
        case .interpolation(let parts):
            out += "(str"
            for part in parts {
                out += " "
                switch part {
                case .literal(let s): out += s.debugDescription
                case .expression(let x): expr(x, into: &out)
                case .formatted(let x, let spec):
                    out += "(format "
                    expr(x, into: &out)
                    out += " \(spec.text.debugDescription))"
                }
            }
            out += ")"
        case .boolean(let b): out += b ? "true" : "false"
        case .nilLiteral: out += "nil"
        case .identifier(let name): out += name
        case .tuple(let items): list("tuple", items.map { x in { expr(x, into: &$0) } }, into: &out)
        case .list(let items): list("list", items.map { x in { expr(x, into: &$0) } }, into: &out)
        case .record(let fields):
            list("record", fields.map { f in { $0 += f.key + ":"; expr(f.value, into: &$0) } }, into: &out)
        case .unary(let op, let x): list(op.rawValue, [{ expr(x, into: &$0) }], into: &out)
        case .binary(let op, let a, let b):
            list(op.rawValue, [{ expr(a, into: &$0) }, { expr(b, into: &$0) }], into: &out)
        case .range(let a, let b, let inclusive):
            list(inclusive ? "..=" : "..", [{ expr(a, into: &$0) }, { expr(b, into: &$0) }], into: &out)
        case .call(let callee, let args):
            var items: [(inout String) -> Void] = [{ expr(callee, into: &$0) }]
            for a in args {
                items.append { out in
                    if let label = a.label { out += label.name + ":" }
                    expr(a.value, into: &out)
                }
            }
            list("call", items, into: &out)
        case .index(let base, let items):
            list("index", [{ expr(base, into: &$0) }] + items.map { i in { index(i, into: &$0) } }, into: &out)
        case .member(let base, let name):
            list(".", [{ expr(base, into: &$0) }, { $0 += name.name }], into: &out)
        case .function(let decl): function(decl, into: &out)
        case .conditional(let c, let then, let elseBranch):
            var items: [(inout String) -> Void] = [{ expr(c, into: &$0) }, { block(then, into: &$0) }]
            if let e = elseBranch { items.append { expr(e, into: &$0) } }
            list("if", items, into: &out)
        case .block(let b): block(b, into: &out)
        case .tryCatch(let body, let name, let handler):
            var items: [(inout String) -> Void] = [{ block(body, into: &$0) }]
            if let name { items.append { $0 += name.name } }
            items.append { block(handler, into: &$0) }
            list("try", items, into: &out)
        case .invalid: out += "<invalid>"
        }
    }

    static func index(_ item: IndexItem, into out: inout String) {
        switch item {
        case .expression(let e): expr(e, into: &out)
        case .slice(let start, let stop, let step, _):
            let parts = [start, stop, step].map { e -> (inout String) -> Void in
                { out in if let e { expr(e, into: &out) } else { out += "_" } }
            }
            list(":", parts, into: &out)
        }
    }

    static func function(_ decl: FunctionDecl, into out: inout String) {
        out += "(fn "
        if let name = decl.name { out += name.name + " " }
        out += "("
        for (i, p) in decl.parameters.enumerated() {
            if i > 0 { out += " " }
            out += p.name.name
            if let d = p.defaultValue {
                out += ":"
                expr(d, into: &out)
            }
        }
        out += ") "
        expr(decl.body, into: &out)
        out += ")"
    }

    static func block(_ b: Block, into out: inout String) {
        list("block", b.statements.map { s in { stmt(s, into: &$0) } }, into: &out)
    }

    static func stmt(_ s: Stmt, into out: inout String) {
        switch s.kind {
        case .letBinding(let p, let value):
            list("let", [{ pattern(p, into: &$0) }, { expr(value, into: &$0) }], into: &out)
        case .assignment(let target, let op, let value):
            let t: (inout String) -> Void = { out in
                switch target {
                case .name(let id): out += id.name
                case .index(let base, let items):
                    list("index", [{ expr(base, into: &$0) }] + items.map { i in { index(i, into: &$0) } }, into: &out)
                case .member(let base, let name):
                    list(".", [{ expr(base, into: &$0) }, { $0 += name.name }], into: &out)
                }
            }
            list(op?.rawValue ?? "=", [t, { expr(value, into: &$0) }], into: &out)
        case .function(let decl): function(decl, into: &out)
        case .expression(let e): expr(e, into: &out)
        case .forLoop(let p, let seq, let body):
            list("for", [{ pattern(p, into: &$0) }, { expr(seq, into: &$0) }, { block(body, into: &$0) }], into: &out)
        case .whileLoop(let c, let body):
            list("while", [{ expr(c, into: &$0) }, { block(body, into: &$0) }], into: &out)
        case .breakLoop: out += "(break)"
        case .continueLoop: out += "(continue)"
        case .returnValue(let e):
            list("return", e.map { x in [{ expr(x, into: &$0) }] } ?? [], into: &out)
        }
    }

    static func pattern(_ p: Pattern, into out: inout String) {
        switch p.kind {
        case .name(let n): out += n
        case .wildcard: out += "_"
        case .tuple(let items): list("tuple", items.map { x in { pattern(x, into: &$0) } }, into: &out)
        case .list(let items): list("list", items.map { x in { pattern(x, into: &$0) } }, into: &out)
        }
    }
}
