/// The one table of builtins: lookup by name for the compiler and method
/// syntax, `help`, completion and the generated documentation.
public final class Registry {
    private var table: [String: Builtin] = [:]
    /// Every builtin, in declaration order.
    public private(set) var all: [Builtin] = []

    /// The standard library of builtins, by area.
    public static let standard: [Builtin] =
        Builtins.core + Builtins.lists + Builtins.math + Builtins.tensor + Builtins.masks + Builtins.autodiff
        + Builtins.library

    public init(_ builtins: [Builtin] = Registry.standard) {
        for b in builtins { register(b) }
    }

    /// Adds (or replaces) a builtin.
    public func register(_ b: Builtin) {
        if table[b.name] == nil { all.append(b) } else {
            all.removeAll { $0.name == b.name }
            all.append(b)
        }
        table[b.name] = b
    }

    /// The builtin named `name`.
    public subscript(_ name: String) -> Builtin? { table[name] }

    /// Every builtin name.
    public var names: [String] { all.map(\.name) }
}
