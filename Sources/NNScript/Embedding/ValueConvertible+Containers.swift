/// Conversions of containers: lists and tuples as arrays, records as
/// dictionaries, `nil` as an optional's `nil` (see ``ValueConvertible``).
/// An element that does not convert names its place: `[3]`, `.loss`.

extension Array: ValueConvertible where Element: ValueConvertible {
    /// A list or a tuple whose every element converts to `Element`.
    public init(scriptValue value: Value) throws {
        let items: [Value]
        switch value {
        case .list(let l): items = l.items
        case .tuple(let t): items = t
        default:
            let hint: String? = if case .tensor = value { "read a tensor as TensorData<Float> or TensorData<Double>" } else { nil }
            throw ValueConversionError(expected: "a list", got: value, hint: hint)
        }
        var out: [Element] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            out.append(try converting(at: "[\(i)]") { try Element(scriptValue: item) })
        }
        self = out
    }

    /// A new list.
    public var scriptValue: Value {
        get throws {
            var items: [Value] = []
            items.reserveCapacity(count)
            for (i, e) in enumerated() { items.append(try converting(at: "[\(i)]") { try e.scriptValue }) }
            return .list(items)
        }
    }
}

extension Dictionary: ValueConvertible where Key == String, Value: ValueConvertible {
    /// A record whose every field converts to `Value`.
    public init(scriptValue value: NNScript.Value) throws {
        guard case .record(let r) = value else { throw ValueConversionError(expected: "a record", got: value) }
        var out: [String: Value] = [:]
        out.reserveCapacity(r.count)
        for (k, v) in zip(r.keys, r.values) {
            out[k] = try converting(at: ".\(k)") { try Value(scriptValue: v) }
        }
        self = out
    }

    /// A new record, its fields in sorted order of their names (a dictionary
    /// has no order of its own; sorting makes the record the same every time).
    public var scriptValue: NNScript.Value {
        get throws {
            var fields: [(String, NNScript.Value)] = []
            fields.reserveCapacity(count)
            for k in keys.sorted() {
                guard let v = self[k] else { continue }
                fields.append((k, try converting(at: ".\(k)") { try v.scriptValue }))
            }
            return .record(fields)
        }
    }
}

extension Optional: ValueConvertible where Wrapped: ValueConvertible {
    /// `nil` for the script's `nil`, else the value as `Wrapped`.
    public init(scriptValue value: Value) throws {
        if case .nil = value { self = nil } else { self = try Wrapped(scriptValue: value) }
    }

    /// `nil` for `nil`.
    public var scriptValue: Value {
        get throws {
            guard let self else { return .nil }
            return try self.scriptValue
        }
    }
}
