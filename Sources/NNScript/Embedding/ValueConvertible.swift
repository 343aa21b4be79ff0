import NNTensor

/// A Swift type that converts to and from script values, so a host reads a
/// result without switching over ``Value``.
///
/// ```swift
/// try nn.run(source: "let loss = 0.25\nlet sizes = [2, 16, 1]")
/// let loss = try nn.get("loss", as: Double.self)      // 0.25
/// let sizes = try nn.get("sizes", as: [Int].self)     // [2, 16, 1]
/// try nn.set("lr", 0.01)
/// let y = try nn.call("relu", -2.0, as: Double.self)   // 0
/// ```
///
/// Conformances: `Double`, `Float`, `Int`, `Int32`, `Int64`, `String`,
/// `Bool`, `[T]` (a list or a tuple), `[String: T]` (a record), `T?` (`nil`),
/// ``TensorData`` (a tensor as `[Float]` or `[Double]` with its shape) and
/// ``Value`` itself (no conversion). Conversions never round
/// silently where the answer would be wrong: an `Int` from `2.5` or `1e20`,
/// a `Float` from `1e300` or a `[Float]` from a float64 tensor is an error.
///
/// A failed conversion throws ``ValueConversionError``, which names the
/// expected and the actual type and the place inside nested lists and
/// records: `history[3].loss: expected a number, got a string`.
public protocol ValueConvertible {
    /// Reads `value` as this type, or throws ``ValueConversionError``.
    init(scriptValue value: Value) throws
    /// This value as a script value. Throws ``ValueConversionError`` for a
    /// value scripts cannot hold exactly (an `Int` a `Double` would round, such
    /// as 2^53 + 1; a tensor whose
    /// shape does not match its element count).
    var scriptValue: Value { get throws }
}

/// A value that could not be converted: what was expected, what was found,
/// and where inside the value (``path``).
///
/// `description` is the message: `history[3].loss: expected a number, got a
/// string` (the path is left out when empty: `expected a bool, got nil`).
public struct ValueConversionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Where the value was: a variable's name, then `[index]` and `.field`
    /// steps into lists and records (empty for the value itself).
    public var path: String
    /// What the conversion needed: `a number`, `an integer`, `a float32 tensor`.
    public var expected: String
    /// What it found: `a string`, `2.5`, `a float64 tensor`.
    public var actual: String
    /// How to get what is wanted, when there is a way (`read it as TensorData<Double>`).
    public var hint: String?

    public init(path: String = "", expected: String, actual: String, hint: String? = nil) {
        self.path = path
        self.expected = expected
        self.actual = actual
        self.hint = hint
    }

    /// A mismatch of type: `expected` against the type of `value`.
    public init(expected: String, got value: Value, hint: String? = nil) {
        self.init(expected: expected, actual: Self.describe(value), hint: hint)
    }

    public var description: String {
        (path.isEmpty ? "" : path + ": ") + "expected \(expected), got \(actual)" + (hint.map { " (\($0))" } ?? "")
    }

    /// The same error one step further out: `step` (`[3]`, `.loss`, or a
    /// variable's name) goes in front of the path.
    public func inside(_ step: String) -> ValueConversionError {
        var e = self
        let joined = step.isEmpty || path.isEmpty || path.hasPrefix("[") || path.hasPrefix(".") ? step + path : step + "." + path
        e.path = joined
        return e
    }

    /// How a message names what a value is: `a number`, `a list`, `nil`, `a float64 tensor`, `a Linear`.
    public static func describe(_ value: Value) -> String {
        switch value {
        case .nil: return "nil"
        case .tensor(let t): return "\(t.isInt64 ? "an" : "a") \(t.dtype) tensor"
        case .object(let o): return article(o.typeName) + " " + o.typeName
        default: return article(value.typeName) + " " + value.typeName
        }
    }

    static func article(_ word: String) -> String {
        guard let first = word.lowercased().first else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }
}

/// Runs `body` on each element, putting the element's place in front of the
/// path of any conversion error (`[3]`, `.loss`).
@inline(__always)
func converting<T>(at step: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as ValueConversionError { throw e.inside(step()) }
}

// MARK: - Numbers, strings, bools

extension Double: ValueConvertible {
    /// A number, or the element of a tensor of shape `[]` (a loss).
    public init(scriptValue value: Value) throws {
        switch value {
        case .number(let d): self = d
        case .tensor(let t) where t.shape.isEmpty && t.dtype != .bool: self = try t.item()
        default: throw ValueConversionError(expected: "a number", got: value)
        }
    }
    public var scriptValue: Value { .number(self) }
}

extension Float: ValueConvertible {
    /// A number within `Float`'s range, rounded to the nearest `Float` (a
    /// finite number beyond `Float.greatestFiniteMagnitude` is an error, not
    /// an infinity).
    public init(scriptValue value: Value) throws {
        let d = try Double(scriptValue: value)
        let f = Float(d)
        guard f.isFinite || !d.isFinite else {
            throw ValueConversionError(expected: "a number within Float's range", actual: Value.number(d).repr)
        }
        self = f
    }
    public var scriptValue: Value { .number(Double(self)) }
}

/// The integer types a script number converts to exactly.
protocol ExactScriptInteger: FixedWidthInteger {}
extension Int: ExactScriptInteger {}
extension Int32: ExactScriptInteger {}
extension Int64: ExactScriptInteger {}

extension ExactScriptInteger {
    /// An integral number within the type's range: `2.5`, `1e20` (for `Int`)
    /// and `NaN` are errors, never truncated.
    init(exactScriptValue value: Value) throws {
        let d = try Double(scriptValue: value)
        guard let n = Self(exactly: d) else {
            let expected = d.rounded() == d && d.isFinite ? "an integer within \(Self.self)'s range" : "an integer"
            throw ValueConversionError(expected: expected, actual: Value.number(d).repr)
        }
        self = n
    }

    /// The number equal to this integer: an error for one a `Double` (every
    /// script number) cannot hold exactly, which it would round (beyond
    /// 2^53 in magnitude, only some integers are doubles).
    var exactScriptValue: Value {
        get throws {
            guard let d = Double(exactly: self) else {
                throw ValueConversionError(expected: "an integer a script number holds exactly (a Double would round it)", actual: "\(self)")
            }
            return .number(d)
        }
    }
}

extension Int: ValueConvertible {
    public init(scriptValue value: Value) throws { try self.init(exactScriptValue: value) }
    public var scriptValue: Value { get throws { try exactScriptValue } }
}

extension Int32: ValueConvertible {
    public init(scriptValue value: Value) throws { try self.init(exactScriptValue: value) }
    public var scriptValue: Value { .number(Double(self)) }
}

extension Int64: ValueConvertible {
    public init(scriptValue value: Value) throws { try self.init(exactScriptValue: value) }
    public var scriptValue: Value { get throws { try exactScriptValue } }
}

extension String: ValueConvertible {
    public init(scriptValue value: Value) throws {
        guard case .string(let s) = value else { throw ValueConversionError(expected: "a string", got: value) }
        self = s
    }
    public var scriptValue: Value { .string(self) }
}

extension Bool: ValueConvertible {
    public init(scriptValue value: Value) throws {
        guard case .bool(let b) = value else { throw ValueConversionError(expected: "a bool", got: value) }
        self = b
    }
    public var scriptValue: Value { .bool(self) }
}

extension Value: ValueConvertible {
    /// The value itself.
    public init(scriptValue value: Value) { self = value }
    public var scriptValue: Value { self }

    /// This value read as `type`: `try result.as(Double.self)`,
    /// `try v.as([String: Double].self)`. Throws ``ValueConversionError``.
    public func `as`<T: ValueConvertible>(_ type: T.Type) throws -> T {
        try T(scriptValue: self)
    }
}
