/// The documentation of library object types: `help("Optimizer.step")`,
/// `help("Optimizer")`, `help(opt)` and the library-object section of
/// `docs/builtins.md`, all made from the types' ``Members`` tables.

/// A documented property of a library object type.
struct PropertyDoc: Sendable {
    let name: String
    let summary: String
    init(_ name: String, _ summary: String) {
        self.name = name
        self.summary = summary
    }
}

/// One library object type as `help` and the docs present it.
struct ObjectTypeDoc: Sendable {
    /// The name used in `help("Type.method")`, e.g. `Optimizer`.
    let name: String
    /// What makes such objects; their `type(x)` names also work in `help("Adam.step")`.
    let makers: [String]
    let summary: String
    let methods: [Builtin]
    let properties: [PropertyDoc]

    /// Made by ``Members`` from its declarations (`methods` are the documentation entries `Type.name`).
    init(_ name: String, makers: [String], summary: String, methods: [Builtin], properties: [PropertyDoc]) {
        self.name = name
        self.makers = makers
        self.summary = summary
        self.methods = methods
        self.properties = properties
    }

    /// Method names, then property names: every member the type declares (`keys(x)` lists those `x` has).
    var memberNames: [String] { methods.map { String($0.name.dropFirst(name.count + 1)) } + properties.map(\.name) }
}

/// The library object types, in the order the docs list them.
enum LibraryTypes {
    static let all: [ObjectTypeDoc] = [
        ModuleObject.members.doc, OptimizerObject.members.doc, ScheduleObject.members.doc, DataLoaderObject.members.doc,
        DatasetObject.members.doc, CSVObject.members.doc, StandardizerObject.members.doc, HistoryObject.members.doc,
    ]

    /// The type documented under `name` (`Optimizer`) or made under it (`Adam`, `Linear`).
    /// (Among `types`: the library's and a host's, ``Interpreter/objectTypes``.)
    static func type(named name: String, in types: [ObjectTypeDoc] = all) -> ObjectTypeDoc? {
        types.first { $0.name == name } ?? types.first { $0.makers.contains(name) }
    }

    /// The documentation of `Type.member`, as help shows it; nil when `name` has no dot or names no type.
    static func help(_ name: String, in types: [ObjectTypeDoc] = all) -> String? {
        guard let dot = name.firstIndex(of: "."), let t = type(named: String(name[..<dot]), in: types) else { return nil }
        let member = String(name[name.index(after: dot)...])
        if let m = t.methods.first(where: { $0.name == "\(t.name).\(member)" }) { return Help.describe(m) }
        if let p = t.properties.first(where: { $0.name == member }) {
            return "\(t.name).\(p.name)  (property)\n  \(p.summary)"
        }
        return nil
    }

    /// Properties that share a summary, together: `(["momentum", "eps"], summary)`, in order.
    static func grouped(_ properties: [PropertyDoc]) -> [(names: [String], summary: String)] {
        var out: [(names: [String], summary: String)] = []
        for p in properties {
            if let i = out.firstIndex(where: { $0.summary == p.summary }) { out[i].names.append(p.name) } else {
                out.append(([p.name], p.summary))
            }
        }
        return out
    }

    /// `; lrs is a method of Schedule objects: call it on one, x.lrs(...)` for
    /// an undefined name that is a documented method, else nil.
    static func methodHint(_ name: String) -> String? {
        let owners = all.filter { t in t.methods.contains { $0.name == "\(t.name).\(name)" } }.map(\.name)
        guard !owners.isEmpty else { return nil }
        return "; \(name) is a method of \(owners.joined(separator: " and ")) objects: call it on one, x.\(name)(...) (help(\"\(owners[0]).\(name)\"))"
    }

    /// The members of `t`, one per line, for `help("Optimizer")` and `help(object)`
    /// (then only the members `only` the object has).
    static func overview(_ t: ObjectTypeDoc, only: Set<String>? = nil) -> String {
        var out = "\(t.name): \(t.summary)"
        if !t.methods.isEmpty {
            out += "\n  Methods:"
            for m in t.methods { out += "\n    \(m.signature.dropFirst(t.name.count + 1))  \(m.summary)" }
        }
        let properties = t.properties.filter { only?.contains($0.name) ?? true }
        if !properties.isEmpty {
            out += "\n  Properties:"
            for g in grouped(properties) { out += "\n    \(g.names.joined(separator: ", "))  \(g.summary)" }
        }
        return out
    }

    /// The Markdown section of `docs/builtins.md`.
    static var markdown: String {
        var out = "\n## Library objects\n\nMethods and properties of the objects the builtins return; `help(\"Optimizer.step\")` (or `help(\"Adam.step\")`, `help(opt)`) shows one. Any builtin is also a method (`model.summary()` is `summary(model)`).\n"
        for t in all {
            out += "\n### \(t.name)\n\n\(t.summary) Made by \(t.makers.map { "`\($0)`" }.joined(separator: ", ")).\n"
            for m in t.methods { out += "\n#### `\(m.signature)`\n\n\(m.summary)\n" }
            if !t.properties.isEmpty {
                out += "\nProperties:\n\n" + grouped(t.properties).map { g in
                    "- " + g.names.map { "`\($0)`" }.joined(separator: ", ") + ": \(g.summary)"
                }.joined(separator: "\n") + "\n"
            }
        }
        return out
    }
}
