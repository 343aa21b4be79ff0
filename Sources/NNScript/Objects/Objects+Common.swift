#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNPlot
import NNTensor
import NNFiles

/// A library result with named fields and a printed form of its own: what
/// `critical_point`, `escape_saddle`, `hessian_trace`, `fit`'s history and
/// the other analysis builtins return.
///
/// Fields read like a record's (`c.kind`, `h.val_loss`), and misspelt ones
/// get a did-you-mean; `print` shows `description`, a summary in words
/// rather than every number.
final class ResultObject: ScriptObject {
    let typeName: String
    let fields: RecordRef
    let summary: () -> String

    init(_ typeName: String, _ fields: [(String, Value)], summary: @escaping () -> String) {
        self.typeName = typeName
        self.fields = RecordRef(fields)
        self.summary = summary
    }

    var description: String { summary() }

    func member(_ name: String, in interpreter: Interpreter) throws -> Value? {
        fields[name]
    }

    var memberNames: [String] { fields.keys }

    /// `copy(result)`: the same kind of result with its fields copied as a record's (shallowly).
    func copied() throws -> (any ScriptObject)? {
        ResultObject(typeName, fields.fields, summary: summary)
    }

    /// A field's value, or nil when absent.
    subscript(_ name: String) -> Value? { fields[name] }
}

extension Interpreter {
    /// Throws the `interrupted` error when Ctrl-C is pending (and clears
    /// it), or the error of a limit exceeded in this run (the deadline, the
    /// tensor memory): the safe point that Swift loops run on behalf of a
    /// script call between steps.
    func pollInterrupt() throws {
        if rt.interrupt.isSet {
            rt.interrupt.clear()
            throw ScriptError("interrupted", at: rt.callSite, kind: .interrupted)
        }
        if let limit = rt.interrupt.exceededLimit { throw limitError(limit, at: rt.callSite) }
    }

    /// True when Ctrl-C is pending (the flag is left set) or a limit was exceeded.
    var interruptRequested: Bool { rt.interrupt.isSet || rt.interrupt.exceededLimit != nil }
}

/// What the library builtins remember between calls, one per interpreter
/// (``Interpreter/libraryState``): the last figure drawn (for `savefig`).
final class LibraryState {
    /// The figure `plot`, `hist` or `surface` drew last.
    var lastFigure: (any Plottable)? { didSet { picturesDrawn &+= 1 } }
    /// How many times `lastFigure` was set: a host compares it before and after a run.
    private(set) var picturesDrawn = 0
    /// The models whose `parameters()` were asked for lately (weakly held),
    /// so an optimizer made from that list knows its parameters' names
    /// (see ``OptimizerObject/names``).
    var parameterSources: [WeakModule] = []
    /// The lint warnings `fit` has written, so a script that calls `fit`
    /// again (a fresh model in a loop) is told once.
    var lintWarned: Set<String> = []
}

/// Conversions from script values that the library adapters share.
enum Convert {
    /// A list, tuple or 1-d tensor of numbers (or a number) as `[Double]`.
    static func doubles(_ v: Value, _ what: String, _ op: String) throws -> [Double] {
        switch v {
        case .number(let d): return [d]
        case .tensor(let t): return t.doubles
        case .list, .tuple:
            return try Iterate.elements(v, op).map { x in
                switch x {
                case .number(let d): return d
                case .tensor(let t) where t.count == 1: return try t.item()
                default: throw BuiltinError("\(op): \(what) must hold numbers, got a \(x.typeName)")
                }
            }
        default:
            throw BuiltinError("\(op): \(what) must be a list of numbers or a tensor, got \(v.typeName)")
        }
    }

    /// Integers from a list of numbers.
    static func ints(_ v: Value, _ what: String, _ op: String) throws -> [Int] {
        try doubles(v, what, op).map { d in
            guard let n = Int(exactlyChecked: d) else {
                throw BuiltinError("\(op): \(what) must hold integers, got \(Value.formatNumber(d))")
            }
            return n
        }
    }

    /// A seed argument: nil draws one from the interpreter's generator.
    static func seed(_ a: BuiltinArguments, _ name: String) throws -> UInt64 {
        if try a[name].isNil { return a.interpreter.rng.next() }
        let s = try a.int(name)
        guard s >= 0 else { throw try a.bad(name, message: "a seed must be non-negative") }
        return UInt64(s)
    }

    /// Numbers as a float64 tensor of shape `[n]`.
    static func vector(_ xs: [Double]) -> Value {
        (try? Tensor(shape: [xs.count], values: xs, dtype: .float64)).map { .tensor($0) } ?? .nil
    }

    /// Numbers as a list value.
    static func list(_ xs: [Double]) -> Value { .list(xs.map { .number($0) }) }

    /// A tensor argument, or a number or nested list made into one.
    static func tensor(_ v: Value, _ op: String, dtype: DType? = nil) throws -> Tensor {
        switch v {
        case .tensor(let t): return t
        case .number, .list, .tuple: return try TensorBridge.make(v, dtype: dtype, op)
        default: throw BuiltinError("\(op): expected a tensor, got \(v.typeName)")
        }
    }

    /// A number printed compactly for summaries: 4 significant digits.
    static func short(_ x: Double) -> String {
        guard x.isFinite else { return Value.formatNumber(x) }
        if x == x.rounded(), abs(x) < 1e6 { return Value.formatNumber(x) }
        let a = abs(x)
        if a >= 1e-3 && a < 1e5 {
            var s = PrintfNumber.format(x, .general, precision: 4)
            if s.contains("e") { s = Value.formatNumber(x) }
            return s
        }
        return PrintfNumber.format(x, .scientific, precision: 3)
    }

    /// `[a, b, c]` with each number short.
    static func shortList(_ xs: [Double], limit: Int = 8) -> String {
        if xs.count <= limit { return "[" + xs.map(short).joined(separator: ", ") + "]" }
        let head = xs.prefix(limit / 2).map(short), tail = xs.suffix(limit / 2).map(short)
        return "[" + (head + ["..."] + tail).joined(separator: ", ") + "]"
    }

    /// `12345` → `12,345`.
    static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && ch != "-" && (s.count - i) % 3 == 0 && !(i == 1 && s.hasPrefix("-")) { out.append(",") }
            out.append(ch)
        }
        return out
    }
}
