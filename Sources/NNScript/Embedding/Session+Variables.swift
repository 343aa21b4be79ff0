import NNTensor

/// One line of `:vars`: a user variable, its type and a short description
/// (a tensor's shape and dtype, a list's length, a function's parameters).
public struct VariableSummary: Equatable, Sendable {
    /// The variable's name.
    public var name: String
    /// The type, as `type(x)` returns it.
    public var type: String
    /// Shape and dtype, length, fields, signature or a short value.
    public var detail: String

    public init(name: String, type: String, detail: String) {
        self.name = name
        self.type = type
        self.detail = detail
    }
}

extension Session {
    /// The user's variables with types and shapes, sorted by name (`:vars`).
    public func variables() -> [VariableSummary] {
        userVariableNames.compactMap { name in
            guard let v = interpreter[name] else { return nil }
            return VariableSummary(name: name, type: v.typeName, detail: detail(of: v))
        }
    }

    /// The `:vars` table: one aligned line per variable, or a note when there are none.
    public func variablesTable() -> String {
        let vars = variables()
        if vars.isEmpty { return "no variables defined yet\n" }
        let nameWidth = vars.map(\.name.count).max() ?? 0
        let typeWidth = vars.map(\.type.count).max() ?? 0
        return vars.map { v in
            v.name.padded(to: nameWidth) + "  " + v.type.padded(to: typeWidth) + "  " + v.detail
        }.joined(separator: "\n") + "\n"
    }

    /// A short description of a value for `:vars` (a model's parameter count).
    func detail(of value: Value) -> String {
        switch value {
        case .tensor(let t):
            var out = "[" + t.shape.map(String.init).joined(separator: ", ") + "] " + t.dtype.rawValue
            if t.requiresGrad { out += " requires_grad" }
            return out
        case .list(let l): return "length \(l.items.count)"
        case .tuple(let items): return "length \(items.count)"
        case .record(let r): return "{" + r.keys.joined(separator: ", ") + "}"
        case .function(let c): return c.name + "(" + c.parameterNames.joined(separator: ", ") + ")"
        case .builtin(let b): return b.signature
        case .object(let o):
            if o.memberNames.contains("parameter_count"),
               case .number(let n)? = try? o.member("parameter_count", in: interpreter) {
                return Value.formatNumber(n) + " parameters"
            }
            return Session.shortened(Session.firstLine(o.description))
        default: return Session.shortened(value.repr)
        }
    }

    private static func firstLine(_ s: String) -> String {
        s.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? s
    }

    private static func shortened(_ s: String, to limit: Int = 60) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 3)) + "..."
    }
}

extension String {
    /// The string followed by spaces up to `width` characters.
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
