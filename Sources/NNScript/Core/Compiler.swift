import NNSyntax

/// The compiler: turns the AST into a tree of ``Node``s in which every
/// variable reference is a stack slot, an environment slot (depth, slot) or a
/// global cell.
///
/// Storage is decided per scope, statically: a scope whose text contains a
/// function literal keeps its variables in a heap environment (closures may
/// capture them, and a loop body gets a fresh one per iteration); every other
/// scope keeps them in stack slots of the running call's frame, which costs
/// no allocation. Static errors (redeclaration, `break` outside a loop, ...)
/// are collected as diagnostics.
final class Compiler {
    /// Where a variable lives.
    enum Location {
        case stack(Int)
        case env(Int)
        case global(GlobalCell)
    }

    /// The compile-time state of one function (or the top-level script).
    final class FunctionState {
        var nextSlot: Int
        var maxSlot: Int
        var loopDepth = 0
        let isScript: Bool
        init(firstSlot: Int, isScript: Bool) {
            nextSlot = firstSlot
            maxSlot = firstSlot
            self.isScript = isScript
        }
        func allocate() -> Int {
            let s = nextSlot
            nextSlot += 1
            maxSlot = max(maxSlot, nextSlot)
            return s
        }
    }

    /// One lexical scope.
    final class Scope {
        var names: [String: Location] = [:]
        /// Names declared ahead of their statement (`fn` declarations, hoisted).
        var hoisted: Set<String> = []
        let createsEnv: Bool
        var envSize = 0
        let function: FunctionState
        let isGlobal: Bool
        let savedSlot: Int
        init(createsEnv: Bool, function: FunctionState, isGlobal: Bool = false) {
            self.createsEnv = createsEnv
            self.function = function
            self.isGlobal = isGlobal
            self.savedSlot = function.nextSlot
        }
    }

    let rt: Runtime
    let registry: Registry
    /// Redeclaring a global is allowed (REPL entries).
    let allowGlobalRedeclaration: Bool
    var diagnostics: [Diagnostic] = []
    var scopes: [Scope] = []
    var function: FunctionState
    /// Owns the cells and prototypes the code being compiled points at.
    var owner = CodeOwner()

    init(rt: Runtime, registry: Registry, allowGlobalRedeclaration: Bool) {
        self.rt = rt
        self.registry = registry
        self.allowGlobalRedeclaration = allowGlobalRedeclaration
        self.function = FunctionState(firstSlot: 0, isScript: true)
    }

    /// Compiles a whole program; returns the script's body, its frame size
    /// and the owner of what the body points at (keep it while the body runs).
    func compile(_ program: Program) -> (body: Node, frameSize: Int, owner: CodeOwner) {
        let global = Scope(createsEnv: false, function: function, isGlobal: true)
        scopes = [global]
        declareGlobals(program.statements)
        let body = compileStatements(program.statements, endsWithSemicolon: program.endsWithSemicolon,
                                     range: program.statements.first.map { $0.range.union(program.statements.last?.range ?? $0.range) } ?? .none)
        scopes = []
        return (body, function.maxSlot, owner)
    }

    /// Creates the cells of the program's top-level `let` and `fn` names.
    private func declareGlobals(_ statements: [Stmt]) {
        var seen: [String: SourceRange] = [:]
        for s in statements {
            var names: [(String, SourceRange)] = []
            switch s.kind {
            case .letBinding(let p, _): Compiler.patternNames(p, into: &names)
            case .function(let d): if let n = d.name { names.append((n.name, n.range)) }
            default: break
            }
            for (n, r) in names {
                if seen[n] != nil, !allowGlobalRedeclaration {
                    error("'\(n)' is already declared", r)
                }
                seen[n] = r
                scopes[0].names[n] = .global(rt.cell(n))
            }
        }
    }

    static func patternNames(_ p: Pattern, into out: inout [(String, SourceRange)]) {
        switch p.kind {
        case .name(let n): out.append((n, p.range))
        case .wildcard: break
        case .tuple(let ps), .list(let ps): for q in ps { patternNames(q, into: &out) }
        }
    }

    func error(_ message: String, _ range: SourceRange) {
        diagnostics.append(.error(message, at: range))
    }

    // MARK: Scopes

    var current: Scope { scopes[scopes.count - 1] }

    /// Opens a scope; it keeps its variables in a heap environment when
    /// `envMode` (its text contains a function literal).
    func openScope(envMode: Bool) -> Scope {
        let s = Scope(createsEnv: envMode, function: function)
        scopes.append(s)
        return s
    }

    func closeScope() {
        let s = scopes.removeLast()
        s.function.nextSlot = s.savedSlot
    }

    /// Declares `name` in the current scope and returns where it lives.
    func declare(_ name: String, _ range: SourceRange) -> Location {
        let s = current
        if s.isGlobal {
            if let existing = s.names[name], case .global(let c) = existing { return .global(c) }
            let loc = Location.global(rt.cell(name))
            s.names[name] = loc
            return loc
        }
        if let existing = s.names[name] {
            if s.hoisted.remove(name) != nil { return existing }
            error("'\(name)' is already declared in this scope", range)
            return existing
        }
        let loc: Location
        if s.createsEnv {
            loc = .env(s.envSize)
            s.envSize += 1
        } else {
            loc = .stack(function.allocate())
        }
        s.names[name] = loc
        return loc
    }

    /// Hoists the `fn` declarations of a block so they can call each other.
    func hoistFunctions(_ statements: [Stmt]) {
        guard !current.isGlobal else { return }
        for s in statements {
            if case .function(let d) = s.kind, let n = d.name, current.names[n.name] == nil {
                _ = declare(n.name, n.range)
                current.hoisted.insert(n.name)
            }
        }
    }

    /// Resolves a reference to `name`.
    func lookup(_ name: String) -> (Location, depth: Int)? {
        var hops = 0
        for s in scopes.reversed() {
            if let loc = s.names[name] {
                if case .stack = loc, s.function !== function { return nil }
                return (loc, hops)
            }
            if s.createsEnv { hops += 1 }
        }
        return nil
    }

    /// Local names visible here (for suggestions).
    var visibleNames: [String] {
        scopes.filter { !$0.isGlobal }.flatMap { $0.names.keys }
    }

    func binder(for loc: Location) -> Binder {
        switch loc {
        case .stack(let s): .local(s)
        case .env(let s): .env(s)
        case .global(let c): .global(owner.use(c))
        }
    }

    /// Declares the names of a pattern and returns its binder.
    func declarePattern(_ p: Pattern) -> Binder {
        switch p.kind {
        case .name(let n): return binder(for: declare(n, p.range))
        case .wildcard: return .wildcard
        case .tuple(let ps): return .destructure(ps.map(declarePattern), tuple: true, range: p.range)
        case .list(let ps): return .destructure(ps.map(declarePattern), tuple: false, range: p.range)
        }
    }
}
