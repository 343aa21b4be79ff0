/// The one table of builtins: lookup by name for the compiler and method
/// syntax, `help`, completion and the generated documentation.
public final class Registry {
    private var table: [String: Builtin] = [:]
    /// Every builtin, in declaration order.
    public private(set) var all: [Builtin] = []
    /// True while every standard builtin is known to be here (made with
    /// ``BuiltinSet/standard`` and nothing removed since), so the stdlib's
    /// loader need not look each one up at start-up; false means "ask".
    private(set) var holdsEveryStandard = false

    /// The standard library of builtins, by area.
    public static let standard: [Builtin] =
        Builtins.core + Builtins.lists + Builtins.math + Builtins.tensor + Builtins.masks + Builtins.autodiff
        + Builtins.library

    public init(_ builtins: [Builtin] = Registry.standard) {
        table.reserveCapacity(builtins.count)
        all.reserveCapacity(builtins.count)
        for b in builtins { register(b) }
    }

    /// The standard builtins `set` selects.
    public convenience init(_ set: BuiltinSet) {
        switch set {
        case .standard:
            self.init()
            holdsEveryStandard = true
        case .areas(let areas):
            let names = Set(areas.map(\.rawValue))
            self.init(Registry.standard.filter { names.contains($0.area) })
        }
    }

    /// Adds (or replaces) a builtin.
    public func register(_ b: Builtin) {
        if table.updateValue(b, forKey: b.name) != nil { all.removeAll { $0.name == b.name } }
        all.append(b)
    }

    /// Removes the builtin `name`; returns it, or nil when there was none.
    @discardableResult
    public func unregister(_ name: String) -> Builtin? {
        guard let b = table.removeValue(forKey: name) else { return nil }
        holdsEveryStandard = false
        all.removeAll { $0.name == name }
        return b
    }

    /// The builtin named `name`.
    public subscript(_ name: String) -> Builtin? { table[name] }

    /// Every builtin name.
    public var names: [String] { all.map(\.name) }
}

/// Which of the standard builtins an interpreter starts with
/// (``Interpreter/Options/builtins``).
///
/// ```swift
/// // Arithmetic and tensors only: no files, plots or training.
/// Interpreter(options: .init(builtins: .areas([.core, .lists, .math, .tensors])))
/// ```
public enum BuiltinSet: Sendable, Equatable {
    /// Every standard builtin.
    case standard
    /// Only the builtins of these areas (`.areas([])`: none; add your own
    /// with ``Interpreter/register(_:)-(Builtin)``).
    case areas(Set<BuiltinArea>)
}

/// The areas of the standard builtins: the headings of `docs/builtins.md`
/// and of `help()`.
///
/// `Core` holds `print`, `help`, `assert`, `type`, `clock` and the like;
/// `Files` reads and writes tensor files and CSV (`read_csv` is in `Data`,
/// `savefig` in `Plots`): all of them also ask the file policy.
public enum BuiltinArea: String, Sendable, CaseIterable, Hashable {
    case core = "Core", lists = "Lists", math = "Math", tensors = "Tensors", autodiff = "Autodiff"
    case layers = "Layers", losses = "Losses", optimizers = "Optimizers", schedules = "Schedules"
    case data = "Data", training = "Training", hessian = "Hessian", plots = "Plots", files = "Files"
}
