import NNSyntax

/// The stdlib written in nn, and the builtins it needs.
///
/// Each stdlib function is defined only when every builtin it names is in
/// the interpreter's registry: with ``Interpreter/Options/builtins`` set to
/// a few areas, or after ``Interpreter/unregister(_:)``, a function that
/// would call a missing builtin (`timed` needs `clock`; `gradient_descent`
/// needs `zero_grad`, `no_grad` and `assign`) is left undefined, so calling
/// it is the ordinary `undefined name` error, and `help()` does not list
/// it; ``Interpreter/unavailableStdlib`` says what each one lacks. A
/// function that calls a left-out stdlib function is left out too.
/// Registering the missing builtins again defines them again.
extension Stdlib {
    /// One top-level `fn` of a stdlib file.
    struct Function: Sendable {
        let name: String
        /// Index into ``Stdlib/sources``.
        let file: Int
        /// The bytes of the declaration in its file.
        let range: Range<Int>
        /// Every identifier written in it: builtins, other stdlib functions,
        /// its own locals and the names of methods it calls (a superset of
        /// what it needs, so a reduced registry may leave out a function
        /// that would have worked, never keep one that cannot).
        let names: Set<String>
    }

    /// The stdlib's functions, found once per process.
    static let functions: [Function] = sources.enumerated().flatMap { index, source in
        let file = SourceFile(name: source.0, text: source.1)
        let tokens = Lexer(file).tokens()
        var out: [Function] = []
        for statement in Parser.parse(file).program.statements {
            guard case .function(let d) = statement.kind, let name = d.name?.name else { continue }
            let range = statement.range.startOffset..<statement.range.endOffset
            let names = tokens.filter { $0.kind == .identifier && range.contains($0.range.startOffset) }.map(\.text)
            out.append(Function(name: name, file: index, range: range, names: Set(names)))
        }
        return out
    }

    /// The `## ` doc comment of each documented stdlib function, read once per
    /// process when first asked (by `help`, not at start-up).
    static let docs: [String: String] = Dictionary(
        sources.flatMap { DocComments.scan($0.1) }.map { ($0.name, $0.text) }, uniquingKeysWith: { _, last in last })

    /// The documented stdlib functions (top-level `fn`s with a `## ` comment), in source order.
    static let documentedNames: [String] = {
        let defined = Set(functions.map(\.name))
        return sources.flatMap { DocComments.scan($0.1).map(\.name) }.filter { defined.contains($0) }
    }()

    /// The stdlib functions that cannot be defined with `registry`, each with
    /// the names it lacks (standard builtins, or stdlib functions left out).
    static func unavailable(in registry: Registry) -> [String: [String]] {
        // A function is left out only for a missing standard builtin (then for
        // the functions that call it): with all of them there, none is.
        if registry.holdsEveryStandard || Registry.standard.allSatisfy({ registry[$0.name] != nil }) { return [:] }
        let standard = Set(Registry.standard.map(\.name))
        var out: [String: [String]] = [:]
        var changed = true
        while changed {
            changed = false
            for f in functions where out[f.name] == nil {
                let lacking = f.names.filter {
                    $0 != f.name && (standard.contains($0) && registry[$0] == nil || out[$0] != nil)
                }
                if !lacking.isEmpty {
                    out[f.name] = lacking.sorted()
                    changed = true
                }
            }
        }
        return out
    }

    /// The text of stdlib file `file` with only the functions `keep` accepts
    /// left: the others are blanked to spaces, so lines and columns (and the
    /// errors that name them) stay where they are.
    static func text(of file: Int, keeping keep: (Function) -> Bool) -> String {
        var bytes = Array(sources[file].1.utf8)
        for f in functions where f.file == file && !keep(f) {
            for i in f.range where bytes[i] != UInt8(ascii: "\n") { bytes[i] = UInt8(ascii: " ") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Interpreter {
    /// Runs the stdlib written in nn (compiled into the library by
    /// `scripts/gen-stdlib` as ``Stdlib/sources``), leaving out the functions
    /// whose builtins this interpreter lacks.
    func loadStdlib() {
        let unavailable = Stdlib.unavailable(in: registry)
        unavailableStdlib = unavailable
        // The names come from the parse that runs the file, not from
        // ``Stdlib/functions`` (a second lexing and parsing of the stdlib at
        // every start); with every builtin there, that table is never built.
        for (index, source) in Stdlib.sources.enumerated() {
            let text = unavailable.isEmpty ? source.1 : Stdlib.text(of: index) { unavailable[$0.name] == nil }
            for name in runStdlib(text, file: source.0) { stdlibValues[name] = self[name] }
        }
    }

    /// After the builtin `name` was registered or removed: defines the stdlib
    /// functions that can now be, undefines those that no longer can, and
    /// compiles again the ones that use `name` (to call its new builtin).
    /// A function a script has given a value of its own is left alone.
    func refreshStdlib(after name: String) {
        guard options.loadsStdlib, Stdlib.functions.contains(where: { $0.names.contains(name) }) else { return }
        let before = unavailableStdlib
        let now = Stdlib.unavailable(in: registry)
        unavailableStdlib = now
        for f in Stdlib.functions where f.names.contains(name) || (before[f.name] == nil) != (now[f.name] == nil) {
            // Ours: still the value the stdlib gave it, or left undefined by it.
            let current = self[f.name]
            let ours = stdlibValues[f.name].map { v in current.map { Session.same($0, v) } ?? false } ?? (current == nil)
            guard ours else { continue }
            if now[f.name] == nil {
                runStdlib(Stdlib.text(of: f.file) { $0.name == f.name }, file: Stdlib.sources[f.file].0)
                stdlibValues[f.name] = self[f.name]
            } else {
                self[f.name] = nil
                stdlibValues[f.name] = nil
            }
        }
    }

    /// Runs stdlib text; returns the names of the top-level functions it
    /// declares (those the blanking in ``Stdlib/text(of:keeping:)`` kept).
    @discardableResult
    private func runStdlib(_ text: String, file: String) -> [String] {
        let (source, parsed) = parseStdlib(text, name: "stdlib/\(file)")
        do {
            try run(parsed, of: source, scanDocs: false)
        } catch {
            options.errorOutput("nn: stdlib failed to load: \(render(error))\n")
        }
        return parsed.program.statements.compactMap { statement in
            guard case .function(let d) = statement.kind else { return nil }
            return d.name?.name
        }
    }
}
