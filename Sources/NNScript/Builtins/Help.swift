/// `help(...)` text and the generated `docs/builtins.md`, both from the registry.
enum Help {
    static func text(for v: Value, in interp: Interpreter) throws -> String {
        switch v {
        case .nil:
            var out = "Builtins (help(\"name\") for one):\n"
            var areas: [String: [String]] = [:]
            var order: [String] = []
            for b in interp.registry.all {
                if areas[b.area] == nil { order.append(b.area) }
                areas[b.area, default: []].append(b.name)
            }
            for area in order { out += "  \(area): " + (areas[area] ?? []).joined(separator: " ") + "\n" }
            out += "  Tensor properties: " + Access.tensorProperties.map(\.name).joined(separator: " ")
            out += "\n  Library objects (help(\"Optimizer\"), help(\"Optimizer.step\")): " + LibraryTypes.all.map(\.name).joined(separator: " ")
            if !interp.hostTypes.isEmpty {
                out += "\n  Objects of this program (help(\"Type\"), help(\"Type.method\")): " + interp.hostTypes.map(\.name).joined(separator: " ")
            }
            if !interp.stdlibFunctions.isEmpty {
                out += "\n  Written in nn (stdlib): " + interp.stdlibFunctions.joined(separator: " ")
            }
            return out
        case .string(let name):
            if let b = interp.registry[name] { return describe(b) }
            if let m = LibraryTypes.help(name, in: interp.objectTypes) { return m }
            if let t = interp.objectTypes.first(where: { $0.name == name }) { return LibraryTypes.overview(t) }
            if let p = Access.tensorPropertyIndex[name] { return "t.\(p.name)  (tensor property)\n  \(p.summary)" }
            if case .function(let c)? = interp[name] { return describe(c, in: interp) }
            let known = interp.registry.names + Set(interp.functionDocs.keys).union(interp.stdlibFunctions).sorted()
                + interp.objectTypes.flatMap { t in t.memberNames.map { "\(t.name).\($0)" } }
            throw BuiltinError("help: no builtin or function named '\(name)'" + Suggest.didYouMean(name, among: known))
        case .builtin(let b):
            return describe(b)
        case .function(let c):
            return describe(c, in: interp)
        case .object(let o):
            guard let t = (o as? DocumentedObject)?.typeDoc ?? LibraryTypes.type(named: o.typeName, in: interp.objectTypes) else {
                return "a \(o.typeName) value: \(v.repr)"
            }
            return "\(o.typeName) (help(\"\(t.name).name\") for one member)\n" + LibraryTypes.overview(t, only: Set(o.memberNames))
        default:
            return "a \(v.typeName) value: \(v.repr)"
        }
    }

    /// A function written in nn: its parameters and its `## ` doc comment.
    static func describe(_ c: Closure, in interp: Interpreter) -> String {
        var out = "\(c.name)(" + c.parameterNames.joined(separator: ", ") + ")  (function written in nn)"
        if let doc = interp.functionDoc(c.name) {
            out += "\n" + doc.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        }
        return out
    }

    /// `[y]: needed when X is a tensor`, one line per conditional parameter.
    static func conditions(_ b: Builtin) -> [String] {
        b.parameters.compactMap { p in p.condition.map { "[\(p.name)]: needed when \($0)" } }
    }

    static func describe(_ b: Builtin) -> String {
        var out = b.signature + "\n  " + b.summary
        for line in conditions(b) { out += "\n  " + line }
        if !b.discussion.isEmpty {
            out += "\n\n" + b.discussion.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "  " + $0 }.joined(separator: "\n")
        }
        return out
    }

    /// The Markdown of `docs/builtins.md`.
    static func markdown(_ builtins: [Builtin]) -> String {
        var out = "# Builtins\n\n"
        out += "Generated from the builtins registry (`Sources/NNScript/Builtins/`); do not edit.\n"
        out += "Regenerate with `nn --dump-builtins > docs/builtins.md` (a test fails when this file is stale).\n\n"
        out += "Every builtin can also be called with method syntax: `t.sum(axis: 1)` is `sum(t, axis: 1)`.\n"
        var areas: [String: [Builtin]] = [:]
        var order: [String] = []
        for b in builtins {
            if areas[b.area] == nil { order.append(b.area) }
            areas[b.area, default: []].append(b)
        }
        for area in order {
            out += "\n## \(area)\n"
            for b in areas[area] ?? [] {
                out += "\n### `\(b.signature)`\n\n\(b.summary)\n"
                let when = conditions(b)
                if !when.isEmpty { out += "\n" + when.map { "- `\($0.prefix { $0 != ":" })`\($0.drop { $0 != ":" })" }.joined(separator: "\n") + "\n" }
                if !b.discussion.isEmpty { out += "\n\(b.discussion)\n" }
            }
        }
        out += "\n## Tensor properties\n\n"
        for p in Access.tensorProperties { out += "- `t.\(p.name)`: \(p.summary)\n" }
        return out + LibraryTypes.markdown
    }
}

extension Registry {
    /// The Markdown reference of these builtins (the content of `docs/builtins.md`).
    public func markdown() -> String { Help.markdown(all) }
}
