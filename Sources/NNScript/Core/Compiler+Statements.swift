import NNSyntax

extension Compiler {
    /// Compiles statements in the current scope; the value is the last
    /// expression statement's unless followed by `;`.
    func compileStatements(_ statements: [Stmt], endsWithSemicolon: Bool, range: SourceRange) -> Node {
        hoistFunctions(statements)
        var nodes: [Node] = []
        nodes.reserveCapacity(statements.count)
        var last: Node?
        for (i, s) in statements.enumerated() {
            let n = compileStatement(s)
            if i == statements.count - 1, !endsWithSemicolon, case .expression = s.kind {
                last = n
            } else {
                nodes.append(n)
            }
        }
        if nodes.isEmpty, let last { return last }
        // A block of one assignment or `let` (a loop body like `{ i = i + 1 }`)
        // is that statement: both evaluate to nil.
        if nodes.count == 1, last == nil, let only = nodes.first,
           only is LocalSet || only is EnvSet || only is GlobalSet || only is LetNode {
            return only
        }
        return BlockNode(statements: nodes, last: last, range: range)
    }

    /// Compiles a block in a scope of its own.
    func compileBlock(_ b: Block) -> Node {
        let scope = openScope(envMode: Compiler.containsFunction(b))
        let body = compileStatements(b.statements, endsWithSemicolon: b.endsWithSemicolon, range: b.range)
        closeScope()
        if scope.createsEnv { return ScopeNode(envSize: scope.envSize, body: body, range: b.range) }
        return body
    }

    func compileStatement(_ s: Stmt) -> Node {
        switch s.kind {
        case .expression(let e):
            return compile(e)
        case .letBinding(let pattern, let value):
            let v = compile(value)
            let b = declarePattern(pattern)
            return LetNode(binder: b, value: v, range: s.range)
        case .function(let decl):
            guard let name = decl.name else { return compileFunction(decl) }
            let loc = current.names[name.name] ?? declare(name.name, name.range)
            current.hoisted.remove(name.name)
            let fnNode = compileFunction(decl)
            return LetNode(binder: binder(for: loc), value: fnNode, range: s.range)
        case .assignment(let target, let op, let value):
            return compileAssignment(target, op?.binaryOperator, value, s.range)
        case .whileLoop(let condition, let body):
            let c = compile(condition)
            function.loopDepth += 1
            let b = compileBlock(body)
            function.loopDepth -= 1
            return WhileNode(condition: c, body: b, range: s.range)
        case .forLoop(let pattern, let sequence, let body):
            let seq = compile(sequence)
            let scope = openScope(envMode: Compiler.containsFunction(body))
            let binder = declarePattern(pattern)
            function.loopDepth += 1
            let b = compileStatements(body.statements, endsWithSemicolon: true, range: body.range)
            function.loopDepth -= 1
            closeScope()
            return ForNode(binder: binder, sequence: seq, body: b,
                           envSize: scope.createsEnv ? max(1, scope.envSize) : 0, range: s.range)
        case .breakLoop:
            if function.loopDepth == 0 { error("'break' outside a loop", s.range) }
            return BreakNode(range: s.range)
        case .continueLoop:
            if function.loopDepth == 0 { error("'continue' outside a loop", s.range) }
            return ContinueNode(range: s.range)
        case .returnValue(let value):
            if function.isScript { error("'return' outside a function", s.range) }
            return ReturnNode(value: value.map(compile), range: s.range)
        }
    }

    func compileAssignment(_ target: AssignTarget, _ op: BinaryOperator?, _ value: Expr, _ range: SourceRange) -> Node {
        switch target {
        case .name(let id):
            var v = compile(value)
            if let op { v = BinaryNode.make(op, compileName(id.name, id.range), v, range: range) }
            if let (loc, depth) = lookup(id.name) {
                switch loc {
                case .stack(let s): return LocalSet(slot: s, value: v, range: range)
                case .env(let s): return EnvSet(depth: depth, slot: s, value: v, range: range)
                case .global(let c): return GlobalSet(cell: owner.use(c), visible: visibleNames, value: v, range: range)
                }
            }
            return GlobalSet(cell: owner.use(rt.cell(id.name)), visible: visibleNames, value: v, range: id.range)
        case .index(let base, let items):
            // `m[0][1] = v` is a chain of index levels on one root, `m`.
            var levels = [items]
            var root = base
            while case .index(let b, let inner) = root.kind {
                levels.insert(inner, at: 0)
                root = b
            }
            let kind: IndexSetNode.Root
            switch root.kind {
            case .identifier: kind = .place
            case .member(_, let name): kind = name.name == "T" ? .transposed : .place
            default: kind = .temporary
            }
            return IndexSetNode(base: compile(root), levels: levels.map { $0.map(compileIndexItem) }, root: kind,
                                value: compile(value), op: op, range: range)
        case .member(let base, let name):
            return MemberSetNode(base: compile(base), name: name.name, value: compile(value), op: op,
                                 range: range)
        }
    }

    /// Compiles a function literal or declaration into a closure-making node.
    func compileFunction(_ decl: FunctionDecl) -> Node {
        // The new prototype owns what its defaults and body point at.
        let outerOwner = owner
        owner = CodeOwner()
        // Defaults are evaluated at call time in the scope where the function is written.
        let defaults = decl.parameters.map { $0.defaultValue.map(compile) }
        var seen: Set<String> = []
        for p in decl.parameters where !seen.insert(p.name.name).inserted {
            error("duplicate parameter '\(p.name.name)'", p.name.range)
        }
        let outerFunction = function
        let inner = FunctionState(firstSlot: decl.parameters.count, isScript: false)
        function = inner
        let envMode = Compiler.containsFunction(decl.body)
        let scope = openScope(envMode: envMode)
        var envParams: [(Int, Int)] = []
        for (i, p) in decl.parameters.enumerated() {
            if envMode {
                scope.names[p.name.name] = .env(scope.envSize)
                envParams.append((i, scope.envSize))
                scope.envSize += 1
            } else {
                scope.names[p.name.name] = .stack(i)
            }
        }
        let body: Node
        if case .block(let b) = decl.body.kind {
            body = compileStatements(b.statements, endsWithSemicolon: b.endsWithSemicolon, range: b.range)
        } else {
            body = compile(decl.body)
        }
        closeScope()
        function = outerFunction
        let proto = FunctionProto(
            name: decl.name?.name ?? "<lambda>", paramNames: decl.parameters.map(\.name.name),
            defaults: defaults, frameSize: inner.maxSlot, envSize: envMode ? max(1, scope.envSize) : 0,
            envParams: envParams, body: body, range: decl.range, owned: owner)
        owner = outerOwner
        return FunctionNode(proto: owner.own(proto), range: decl.range)
    }
}
