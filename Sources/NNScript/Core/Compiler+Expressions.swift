import NNSyntax

extension Compiler {
    func compile(_ e: Expr) -> Node {
        let r = e.range
        switch e.kind {
        case .number(let d): return ConstNode(.number(d), range: r)
        case .string(let s): return ConstNode(.string(s), range: r)
        case .boolean(let b): return ConstNode(.bool(b), range: r)
        case .nilLiteral, .invalid: return ConstNode(.nil, range: r)
        case .interpolation(let parts):
            let nodes = parts.map { p -> Node in
                switch p {
                case .literal(let s): ConstNode(.string(s), range: r)
                case .expression(let x): compile(x)
                case .formatted(let x, let spec): FormatNode(compile(x), spec: spec, range: x.range)
                }
            }
            return InterpolationNode(items: nodes, range: r)
        case .identifier(let name):
            return compileName(name, r)
        case .tuple(let items):
            return TupleNode(items: items.map(compile), range: r)
        case .list(let items):
            return ListNode(items: items.map(compile), range: r)
        case .record(let fields):
            var seen: Set<String> = []
            for f in fields where !seen.insert(f.key).inserted {
                error("duplicate field '\(f.key)' in record", f.keyRange)
            }
            return RecordNode(keys: fields.map(\.key), values: fields.map { compile($0.value) }, range: r)
        case .unary(let op, let x):
            let n = compile(x)
            switch op {
            case .negate:
                if let c = n as? ConstNode, case .number(let d) = c.value { return ConstNode(.number(-d), range: r) }
                return NegateNode(n, range: r)
            case .plus: return PlusNode(n, range: r)
            case .not: return NotNode(n, range: r)
            }
        case .binary(let op, let a, let b):
            return BinaryNode.make(op, compile(a), compile(b), range: r)
        case .range(let lo, let hi, let inclusive):
            return RangeNode(lower: compile(lo), upper: compile(hi), inclusive: inclusive, range: r)
        case .call(let callee, let arguments):
            var args = CallArguments()
            for a in arguments {
                if let l = a.label {
                    args.labels.append(l.name)
                    args.named.append(compile(a.value))
                } else {
                    args.positional.append(compile(a.value))
                }
            }
            if case .member(let base, let name) = callee.kind {
                let b = compile(base)
                let call = CallNode(callee: b, args, range: r)
                return MethodCallNode(base: b, name: name.name, call: call, builtin: registry[name.name], range: r)
            }
            let calleeNode = compile(callee)
            if let g = calleeNode as? GlobalGet { return GlobalCallNode(callee: g, args, range: r) }
            if let c = calleeNode as? ConstNode, case .builtin(let b) = c.value {
                return BuiltinCallNode(builtin: b, callee: c, args, range: r)
            }
            return CallNode(callee: calleeNode, args, range: r)
        case .index(let base, let items):
            return IndexNode(base: compile(base), items: items.map(compileIndexItem), range: r)
        case .member(let base, let name):
            return MemberNode(base: compile(base), name: name.name, range: r)
        case .function(let decl):
            return compileFunction(decl)
        case .conditional(let c, let then, let elseBranch):
            return IfNode(condition: compile(c), then: compileBlock(then), otherwise: elseBranch.map(compile),
                          range: r)
        case .block(let b):
            return compileBlock(b)
        case .tryCatch(let body, let errorName, let handler):
            let b = compileBlock(body)
            let scope = openScope(envMode: Compiler.containsFunction(handler))
            let catchBinder: Binder? = errorName.map { self.binder(for: self.declare($0.name, $0.range)) }
            let h = compileStatements(handler.statements, endsWithSemicolon: handler.endsWithSemicolon, range: handler.range)
            closeScope()
            return TryNode(body: b, binder: catchBinder, handler: h,
                           handlerEnvSize: scope.createsEnv ? max(1, scope.envSize) : 0, range: r)
        }
    }

    /// A reference to a variable: local, captured, global or builtin.
    func compileName(_ name: String, _ r: SourceRange) -> Node {
        if let (loc, depth) = lookup(name) {
            switch loc {
            case .stack(let s): return LocalGet(slot: s, range: r)
            case .env(let s): return EnvGet(depth: depth, slot: s, range: r)
            case .global(let c): return GlobalGet(cell: owner.use(c), visible: visibleNames, declared: true, range: r)
            }
        }
        if let c = rt.globals[name] { return GlobalGet(cell: owner.use(c), visible: visibleNames, range: r) }
        if let b = registry[name] { return ConstNode(.builtin(b), range: r) }
        // Late-bound: a global that may be defined later (a REPL entry, or a
        // function calling one declared further down).
        return GlobalGet(cell: owner.use(rt.cell(name)), visible: visibleNames, range: r)
    }

    func compileIndexItem(_ item: IndexItem) -> IndexItemNode {
        switch item {
        case .expression(let e): .single(Child(compile(e)))
        case .slice(let a, let b, let c, let r):
            .slice(a.map { Child(compile($0)) }, b.map { Child(compile($0)) }, c.map { Child(compile($0)) }, r)
        }
    }

    // MARK: Function literals

    /// True when a function literal appears anywhere in the block.
    static func containsFunction(_ b: Block) -> Bool {
        b.statements.contains(where: containsFunction)
    }

    static func containsFunction(_ s: Stmt) -> Bool {
        switch s.kind {
        case .function: return true
        case .expression(let e): return containsFunction(e)
        case .letBinding(_, let v): return containsFunction(v)
        case .assignment(let t, _, let v):
            if containsFunction(v) { return true }
            switch t {
            case .name: return false
            case .index(let b, let items): return containsFunction(b) || items.contains(where: containsFunction)
            case .member(let b, _): return containsFunction(b)
            }
        case .forLoop(_, let seq, let body): return containsFunction(seq) || containsFunction(body)
        case .whileLoop(let c, let body): return containsFunction(c) || containsFunction(body)
        case .breakLoop, .continueLoop: return false
        case .returnValue(let v): return v.map(containsFunction) ?? false
        }
    }

    static func containsFunction(_ item: IndexItem) -> Bool {
        switch item {
        case .expression(let e): containsFunction(e)
        case .slice(let a, let b, let c, _):
            (a.map(containsFunction) ?? false) || (b.map(containsFunction) ?? false) || (c.map(containsFunction) ?? false)
        }
    }

    static func containsFunction(_ e: Expr) -> Bool {
        switch e.kind {
        case .function: return true
        case .number, .string, .boolean, .nilLiteral, .identifier, .invalid: return false
        case .interpolation(let parts):
            return parts.contains {
                switch $0 {
                case .literal: false
                case .expression(let x), .formatted(let x, _): containsFunction(x)
                }
            }
        case .tuple(let xs), .list(let xs): return xs.contains(where: containsFunction)
        case .record(let fs): return fs.contains { containsFunction($0.value) }
        case .unary(_, let x): return containsFunction(x)
        case .binary(_, let a, let b): return containsFunction(a) || containsFunction(b)
        case .range(let a, let b, _): return containsFunction(a) || containsFunction(b)
        case .call(let c, let args): return containsFunction(c) || args.contains { containsFunction($0.value) }
        case .index(let b, let items): return containsFunction(b) || items.contains(where: containsFunction)
        case .member(let b, _): return containsFunction(b)
        case .conditional(let c, let t, let el):
            return containsFunction(c) || containsFunction(t) || (el.map(containsFunction) ?? false)
        case .block(let b): return containsFunction(b)
        case .tryCatch(let b, _, let h): return containsFunction(b) || containsFunction(h)
        }
    }
}
