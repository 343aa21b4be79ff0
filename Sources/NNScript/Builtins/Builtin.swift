/// A function written in Swift and callable from nn, declared once with its
/// documentation.
///
/// The same declaration drives argument checking (uniform messages such as
/// `Adam: unknown argument 'lrr'; did you mean 'lr'?`), `help(name)`, the
/// completion list and the generated `docs/builtins.md`.
public final class Builtin: @unchecked Sendable {
    /// The name scripts call it by.
    public let name: String
    /// The parameters, in order.
    public let parameters: [BuiltinParameter]
    /// A one-line summary.
    public let summary: String
    /// The longer discussion (with the formula, where there is one).
    public let discussion: String
    /// The area it belongs to, e.g. `Core`, `Tensors`, `Autodiff` (a docs heading).
    public let area: String
    /// The body: receives the bound arguments.
    public let body: (inout BuiltinArguments) throws -> Value

    /// Declares a builtin.
    /// Optional quick entries for a call with exactly one or two positional
    /// arguments (like CPython's METH_O): they answer the common cases
    /// (a number, a list) without binding and return nil to hand the call
    /// to `body`, which handles every case and reports the errors.
    let quick1: ((Value) -> Value?)?
    let quick2: ((Value, Value) -> Value?)?

    public convenience init(
        _ name: String, _ parameters: [BuiltinParameter] = [], area: String = "Host",
        summary: String, discussion: String = "",
        body: @escaping (inout BuiltinArguments) throws -> Value
    ) {
        self.init(name, parameters, area: area, summary: summary, discussion: discussion,
                  quick1: nil, quick2: nil, body: body)
    }

    init(
        _ name: String, _ parameters: [BuiltinParameter] = [], area: String = "Host",
        summary: String, discussion: String = "",
        quick1: ((Value) -> Value?)? = nil, quick2: ((Value, Value) -> Value?)? = nil,
        body: @escaping (inout BuiltinArguments) throws -> Value
    ) {
        self.quick1 = quick1
        self.quick2 = quick2
        self.name = name
        self.parameters = parameters
        self.summary = summary
        self.discussion = discussion
        self.area = area
        self.body = body
        var required = 0, maxPositional = 0
        var variadic: Int?
        for (i, p) in parameters.enumerated() {
            if p.isVariadic { variadic = i; continue }
            if variadic == nil {
                maxPositional += 1
                if p.defaultValue == nil && !p.isOptional { required = i + 1 }
            }
        }
        self.requiredCount = required
        self.positionalCount = maxPositional
        self.variadicIndex = variadic
        self.givenPrefixes = Builtin.givenRows(parameters.count)
        self.parameterNames = parameters.map(\.name)
        self.callSignature = Signature(name: name, names: parameterNames,
                                   required: parameters.map { $0.defaultValue == nil && !$0.isOptional },
                                   variadicIndex: variadic)
    }

    /// How calls bind to its parameters (the binder nn functions use too).
    let callSignature: Signature

    /// The parameter names, in order: a body's read by name is resolved
    /// against them (see ``slot(_:)``).
    let parameterNames: [String]

    /// The slot of parameter `name`, or nil when the builtin declares none so
    /// named. A scan of a handful of short strings (stored inline, compared
    /// in a word or two): cheaper than hashing the name.
    @inline(__always)
    func slot(_ name: String) -> Int? {
        for i in parameterNames.indices where parameterNames[i] == name { return i }
        return nil
    }

    /// Parameters before this index that have no default must be given.
    let requiredCount: Int
    /// How many parameters can be given positionally (before a variadic one).
    let positionalCount: Int
    /// The index of the variadic parameter, if any.
    let variadicIndex: Int?
    /// `given` for a call with the first k parameters passed by position, by k.
    let givenPrefixes: [[Bool]]

    /// The signature as shown by `help`: `sum(t, axis: nil, keepdims: false)`.
    public var signature: String {
        "\(name)(" + parameters.map(\.usage).joined(separator: ", ") + ")"
    }
}

/// One parameter of a builtin.
public struct BuiltinParameter: Sendable {
    /// A default value (Sendable, so tables can be static).
    public enum Default: Sendable, CustomStringConvertible {
        case number(Double), string(String), bool(Bool), `nil`, numbers([Double])

        var value: Value {
            switch self {
            case .number(let d): .number(d)
            case .string(let s): .string(s)
            case .bool(let b): .bool(b)
            case .nil: .nil
            case .numbers(let a): .list(a.map { .number($0) })
            }
        }

        public var description: String { value.repr }
    }

    /// The name (also the label for passing it by name).
    public var name: String
    /// The default, or nil when the argument is required.
    public var defaultValue: Default?
    /// Collects the remaining positional arguments (`print(xs...)`).
    public var isVariadic: Bool
    /// May be omitted without a default (the body sees `nil`).
    public var isOptional: Bool
    /// For a parameter needed in one form of the call only (`y` when `X` is
    /// a tensor, not when it is a Dataset): when it is needed, e.g.
    /// `"X is a tensor"`. The signature shows it as `[y]`, help and the
    /// docs say when, and omitting it then is `missing argument 'y' (needed
    /// when X is a tensor)`. A parameter shown as `name: nil` can always be
    /// omitted: a call giving only the required parameters (and the
    /// conditional ones its form needs) works, and a test makes one per builtin.
    public var condition: String?

    /// A required parameter.
    public static func required(_ name: String) -> BuiltinParameter {
        BuiltinParameter(name: name, defaultValue: nil, isVariadic: false, isOptional: false)
    }

    /// A parameter needed only `when` the call takes a certain form (shown `[name]`).
    public static func needed(_ name: String, when condition: String) -> BuiltinParameter {
        BuiltinParameter(name: name, defaultValue: nil, isVariadic: false, isOptional: true, condition: condition)
    }

    /// A parameter with a default value.
    public static func optional(_ name: String, _ value: Default = .nil) -> BuiltinParameter {
        BuiltinParameter(name: name, defaultValue: value, isVariadic: false, isOptional: true)
    }

    /// A parameter collecting all remaining positional arguments.
    public static func variadic(_ name: String) -> BuiltinParameter {
        BuiltinParameter(name: name, defaultValue: nil, isVariadic: true, isOptional: true)
    }

    var usage: String {
        if isVariadic { return "\(name)..." }
        if condition != nil { return "[\(name)]" }
        if let d = defaultValue { return "\(name): \(d)" }
        return name
    }
}

/// The arguments of one builtin call, bound to its parameters.
///
/// Accessors check types and produce Lua-style messages:
/// `bad argument #1 to 'floor' (number expected, got nil)`.
public struct BuiltinArguments {
    /// The builtin being called.
    public let builtin: Builtin
    /// One value per parameter (defaults filled in; `nil` when omitted).
    public var values: [Value]
    /// Which parameters were given explicitly.
    public var given: [Bool]
    /// The extra positional arguments of a variadic parameter.
    public var rest: [Value]
    /// The interpreter running the call (for callbacks, output, randomness).
    public let interpreter: Interpreter

    /// The value of parameter `i`.
    fileprivate subscript(_ i: Int) -> Value { values[i] }

    /// The value of the parameter named `name`.
    public subscript(_ name: String) -> Value {
        get throws { values[try slot(name)] }
    }

    /// True when parameter `i` was passed (not defaulted).
    fileprivate func has(_ i: Int) -> Bool { given[i] }

    /// How many arguments were passed by position (not counting a variadic rest).
    public var positionalGiven: Int = 0

    /// `#1` or `'axis'`: how a message names parameter `i`, as the call wrote it.
    func label(_ i: Int) -> String {
        i < positionalGiven ? "#\(i + 1)" : "'\(builtin.parameters[i].name)'"
    }

    /// The uniform bad-argument error.
    fileprivate func bad(_ i: Int, _ expected: String, got: Value? = nil) -> BuiltinError {
        let got = got ?? values[i]
        return BuiltinError("bad argument \(label(i)) to '\(builtin.name)' (\(expected) expected, got \(got.typeName))")
    }

    /// A bad-argument error with free text.
    fileprivate func bad(_ i: Int, message: String) -> BuiltinError {
        BuiltinError("bad argument \(label(i)) to '\(builtin.name)' (\(message))")
    }

    /// An error prefixed with the builtin's name.
    public func error(_ message: String) -> BuiltinError {
        BuiltinError("\(builtin.name): \(message)")
    }

    fileprivate func number(_ i: Int) throws -> Double {
        if case .number(let d) = values[i] { return d }
        if case .tensor(let t) = values[i], t.count == 1, t.shape.isEmpty { return try t.item() }
        throw bad(i, "number")
    }

    /// The value of a conditional parameter (``BuiltinParameter/needed(_:when:)``)
    /// in the form of the call that needs it: `missing argument 'y' (needed
    /// when X is a tensor)` when it was omitted.
    fileprivate func needed(_ i: Int, _ hint: String = "") throws -> Value {
        guard values[i].isNil else { return values[i] }
        let p = builtin.parameters[i]
        let when = p.condition.map { "needed when \($0)" } ?? "needed here"
        throw error("missing argument '\(p.name)' (\(when)\(hint.isEmpty ? "" : "; " + hint))")
    }

    fileprivate func optionalNumber(_ i: Int) throws -> Double? {
        if case .nil = values[i] { return nil }
        return try number(i)
    }

    /// An integral number that fits an `Int` (counts, sizes, indices).
    fileprivate func int(_ i: Int) throws -> Int {
        let d = try number(i)
        guard let n = Int(exactlyChecked: d) else {
            throw bad(i, message: "integer expected, got \(Value.number(d).repr)")
        }
        return n
    }

    fileprivate func optionalInt(_ i: Int) throws -> Int? {
        if case .nil = values[i] { return nil }
        return try int(i)
    }

    fileprivate func string(_ i: Int) throws -> String {
        if case .string(let s) = values[i] { return s }
        throw bad(i, "string")
    }

    fileprivate func bool(_ i: Int) throws -> Bool {
        if case .bool(let b) = values[i] { return b }
        throw bad(i, "bool")
    }

    fileprivate func list(_ i: Int) throws -> ListRef {
        if case .list(let l) = values[i] { return l }
        throw bad(i, "list")
    }

    /// A list or tuple's elements.
    fileprivate func sequence(_ i: Int) throws -> [Value] {
        switch values[i] {
        case .list(let l): return l.items
        case .tuple(let t): return t
        default: throw bad(i, "list")
        }
    }

    fileprivate func record(_ i: Int) throws -> RecordRef {
        if case .record(let r) = values[i] { return r }
        throw bad(i, "record")
    }

    /// A function value (nn function, builtin or callable object).
    fileprivate func callable(_ i: Int) throws -> Value {
        switch values[i] {
        case .function, .builtin, .object: return values[i]
        default: throw bad(i, "function")
        }
    }
}

extension Int {
    /// The integer equal to `d`, or nil when `d` is not finite, not integral
    /// or outside the range of `Int`.
    init?(exactlyChecked d: Double) {
        guard d.isFinite, d.rounded() == d, d >= -9.2e18, d <= 9.2e18 else { return nil }
        self.init(d)
    }
}

/// Reading arguments by the names the declaration gives them.
///
/// Every read names its parameter (`a.number("lr")`), so adding, removing or
/// reordering parameters cannot shift what a body reads. A name the builtin
/// does not declare is a bug in nn itself: the read throws an internal
/// error rather than guessing (and `RegistryNameTests` checks every read in the
/// builtin tables against the declarations).
extension BuiltinArguments {
    /// The slot of parameter `name`, or the internal error for an undeclared name.
    @inline(__always)
    public func slot(_ name: String) throws -> Int {
        if let i = builtin.slot(name) { return i }
        throw BuiltinError("internal error: '\(builtin.name)' reads an undeclared argument '\(name)'")
    }

    /// The value of parameter `name` (its default, or `nil`, when omitted).
    public func value(_ name: String) throws -> Value { values[try slot(name)] }

    /// True when parameter `name` was passed (not defaulted).
    public func has(_ name: String) throws -> Bool { given[try slot(name)] }

    /// `#1` or `'axis'`: how a message names parameter `name`.
    public func label(_ name: String) throws -> String { label(try slot(name)) }

    /// The uniform bad-argument error for parameter `name`.
    public func bad(_ name: String, _ expected: String, got: Value? = nil) throws -> BuiltinError {
        bad(try slot(name), expected, got: got)
    }

    /// A bad-argument error for parameter `name` with free text.
    public func bad(_ name: String, message: String) throws -> BuiltinError {
        bad(try slot(name), message: message)
    }

    public func number(_ name: String) throws -> Double { try number(try slot(name)) }
    public func optionalNumber(_ name: String) throws -> Double? { try optionalNumber(try slot(name)) }
    public func int(_ name: String) throws -> Int { try int(try slot(name)) }
    public func optionalInt(_ name: String) throws -> Int? { try optionalInt(try slot(name)) }
    public func string(_ name: String) throws -> String { try string(try slot(name)) }
    public func bool(_ name: String) throws -> Bool { try bool(try slot(name)) }
    public func list(_ name: String) throws -> ListRef { try list(try slot(name)) }
    public func sequence(_ name: String) throws -> [Value] { try sequence(try slot(name)) }
    public func record(_ name: String) throws -> RecordRef { try record(try slot(name)) }
    public func callable(_ name: String) throws -> Value { try callable(try slot(name)) }
    public func needed(_ name: String, _ hint: String = "") throws -> Value { try needed(try slot(name), hint) }
}
