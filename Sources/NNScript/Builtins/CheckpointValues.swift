import NNLib
import NNTensor

/// The user record of a checkpoint (`save_checkpoint(..., extra: r)`) as
/// JSON text plus tensors, and back.
///
/// Plain JSON stands for itself; the other values are one-key objects, so
/// nothing is ambiguous:
/// ```
/// nil → null   true → true   1.5 → 1.5   "a" → "a"   [1, 2] → [1, 2]
/// {a: 1}   → {"record": {"a": 1}}        (fields in order)
/// (1, 2)   → {"tuple": [1, 2]}
/// 0..<3    → {"range": [0, 3]}
/// nan, inf → {"number": "nan"}, {"number": "inf"}, {"number": "-inf"}
/// a tensor → {"tensor": "0"}              (the tensor itself is extra.0 in the file)
/// ```
/// Numbers are written in their shortest exact form, so every value comes
/// back bit for bit; a tensor comes back with its dtype and shape, by value
/// (not requiring grad). Functions and library objects cannot be saved.
enum CheckpointValues {
    /// How deep records and lists may nest (a value that contains itself is refused by it).
    static let maxDepth = 32

    /// Encodes `value`, appending its tensors to `tensors`; `op` and `path` name it in errors.
    static func encode(_ value: Value, _ tensors: inout [(name: String, tensor: Tensor)], op: String,
                       path: String = "extra", depth: Int = 0) throws -> JSONValue {
        guard depth < maxDepth else {
            throw BuiltinError("\(op): \(path) nests more than \(maxDepth) levels deep (or contains itself); a checkpoint's extra must be a tree of plain values")
        }
        switch value {
        case .nil: return .null
        case .bool(let b): return .bool(b)
        case .number(let d): return d.isFinite ? .double(d) : .object([("number", .double(d))])
        case .string(let s): return .string(s)
        case .list(let l):
            return .array(try l.items.enumerated().map { try encode($1, &tensors, op: op, path: "\(path)[\($0)]", depth: depth + 1) })
        case .tuple(let t):
            return .object([("tuple", .array(try t.enumerated().map { try encode($1, &tensors, op: op, path: "\(path)[\($0)]", depth: depth + 1) }))])
        case .record(let r):
            return .object([("record", .object(try r.fields.map { k, v in (k, try encode(v, &tensors, op: op, path: "\(path).\(k)", depth: depth + 1)) }))])
        case .range(let lo, let hi):
            return .object([("range", .array([.int(lo), .int(hi)]))])
        case .tensor(let t):
            let name = "\(tensors.count)"
            tensors.append((name, t.detach()))
            return .object([("tensor", .string(name))])
        case .function, .builtin, .object:
            throw BuiltinError("\(op): \(path) is of type \(value.typeName); a checkpoint's extra holds numbers, strings, bools, nil, tensors, and lists, tuples and records of them")
        }
    }

    /// Decodes what ``encode`` wrote; `tensors` are the file's `extra.*` tensors by name.
    static func decode(_ json: JSONValue, tensors: [String: Tensor], file: String, op: String, path: String = "extra",
                       depth: Int = 0) throws -> Value {
        func fail(_ m: String) -> BuiltinError { BuiltinError("\(op): cannot read '\(file)': '__metadata__.extra': \(path) \(m)") }
        guard depth < maxDepth else { throw fail("nests more than \(maxDepth) levels deep") }
        switch json {
        case .null: return .nil
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .number:
            guard let d = json.double else { throw fail("is not a number") }
            return .number(d)
        case .array(let items):
            return .list(try items.enumerated().map { try decode($1, tensors: tensors, file: file, op: op, path: "\(path)[\($0)]", depth: depth + 1) })
        case .object(let fields):
            guard fields.count == 1, let (tag, inner) = fields.first.map({ ($0.key, $0.value) }) else {
                throw fail("is an object of \(fields.count) fields; a tagged value has one (record, tuple, range, number or tensor)")
            }
            switch tag {
            case "record":
                guard let fs = inner.fields else { throw fail("is a record that is not an object") }
                return .record(try fs.map { ($0.key, try decode($0.value, tensors: tensors, file: file, op: op, path: "\(path).\($0.key)", depth: depth + 1)) })
            case "tuple":
                guard let items = inner.array else { throw fail("is a tuple that is not an array") }
                return .tuple(try items.enumerated().map { try decode($1, tensors: tensors, file: file, op: op, path: "\(path)[\($0)]", depth: depth + 1) })
            case "range":
                guard let b = inner.array, b.count == 2, let lo = b[0].int, let hi = b[1].int, lo <= hi else {
                    throw fail("is a range that is not [lower, upper] with lower <= upper")
                }
                return .range(lo, hi)
            case "number":
                guard inner.string != nil, let d = inner.double, !d.isFinite else { throw fail("is a number tag that is not \"nan\", \"inf\" or \"-inf\"") }
                return .number(d)
            case "tensor":
                guard let name = inner.string, let t = tensors[name] else {
                    throw fail("refers to a tensor 'extra.\(inner.string ?? "?")' that the file does not hold")
                }
                return .tensor(t)
            default:
                throw fail("has an unknown tag '\(tag)' (record, tuple, range, number or tensor)")
            }
        }
    }
}
