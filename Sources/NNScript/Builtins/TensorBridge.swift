import NNSyntax
import NNTensor

/// The operators of the language applied to tensors.
enum TensorBridge {
    static func binary(_ op: BinaryOperator, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        switch op {
        case .add: return try a + b
        case .subtract: return try a - b
        case .multiply: return try a * b
        case .divide: return try a / b
        case .power:
            // a 0-d exponent of the same dtype takes the scalar path; other
            // dtypes are refused by Tensor.pow as + - * / refuse them
            if b.shape.isEmpty, !b.isTracked, b.dtype == a.dtype || b.isBool {
                return try Builtins.sized(a, "pow").pow(try b.item())
            }
            return try Tensor.pow(a, b)
        case .matmul: return try a.matmul(b)
        case .equal: return try a.eq(b)
        case .notEqual: return try a.ne(b)
        case .less: return try a.lt(b)
        case .lessEqual: return try a.le(b)
        case .greater: return try a.gt(b)
        case .greaterEqual: return try a.ge(b)
        case .remainder: return try Tensor.remainder(a, b)
        case .and, .or:
            let f = op == .and ? "logical_and" : "logical_or"
            throw BuiltinError("'\(op.rawValue)' needs bools, got tensors (for masks elementwise, use \(f)(a, b))")
        }
    }

    /// A shape argument: a list of integers (or a single integer).
    static func shape(_ v: Value, _ op: String) throws -> [Int] {
        switch v {
        case .number(let d):
            guard let n = Int(exactlyChecked: d) else { throw BuiltinError("\(op): shape must hold integers, got \(Value.formatNumber(d))") }
            return [n]
        case .list, .tuple:
            let items = try Iterate.elements(v, op)
            return try items.map { x in
                guard case .number(let d) = x, let n = Int(exactlyChecked: d) else {
                    throw BuiltinError("\(op): shape must be a list of integers, got \(v.repr)")
                }
                guard n >= 0 else { throw BuiltinError("\(op): negative dimension in shape \(v.repr)") }
                return n
            }
        case .tensor(let t):
            return try t.doubles.map { d in
                guard let n = Int(exactlyChecked: d) else { throw BuiltinError("\(op): shape must hold integers") }
                return n
            }
        default:
            throw BuiltinError("\(op): shape must be a list of integers, got \(v.typeName)")
        }
    }

    /// An axis argument: nil (all axes), an integer or a list of integers.
    static func axes(_ v: Value, _ op: String) throws -> [Int]? {
        switch v {
        case .nil: return nil
        case .number(let d):
            guard let n = Int(exactlyChecked: d) else { throw BuiltinError("\(op): axis must be an integer, got \(Value.formatNumber(d))") }
            return [n]
        case .list, .tuple:
            return try Iterate.elements(v, op).map { x in
                guard case .number(let d) = x, let n = Int(exactlyChecked: d) else {
                    throw BuiltinError("\(op): axis must be an integer or a list of integers, got \(v.repr)")
                }
                return n
            }
        default:
            throw BuiltinError("\(op): axis must be an integer or a list of integers, got \(v.typeName)")
        }
    }

    static func dtype(_ v: Value, _ op: String, default d: DType = .float32) throws -> DType {
        switch v {
        case .nil: return d
        case .string(let s):
            guard let t = DType(name: s) else { throw BuiltinError("\(op): unknown dtype \(Value.quote(s)) (use \"float32\", \"float64\" or \"bool\")") }
            return t
        default:
            throw BuiltinError("\(op): dtype must be a string, got \(v.typeName)")
        }
    }

    /// Builds a tensor from a number, nested lists of numbers, or a tensor.
    /// Without a dtype, nested lists of bools (and nothing else) make a bool
    /// tensor, as in PyTorch; anything else is float32.
    static func make(_ v: Value, dtype: DType?, _ op: String) throws -> Tensor {
        if case .tensor(let t) = v {
            if let dtype, dtype != t.dtype { return t.to(dtype) }
            return t
        }
        var shape: [Int] = []
        var values: [Double] = []
        var probe = v
        var depth = 0
        while true {
            switch probe {
            case .list(let l):
                shape.append(l.items.count)
                guard let first = l.items.first else { break }
                probe = first
                depth += 1
                guard depth <= 32 else { throw BuiltinError("\(op): list nested too deeply (more than 32 levels)") }
                continue
            case .tuple(let t):
                shape.append(t.count)
                guard let first = t.first else { break }
                probe = first
                depth += 1
                guard depth <= 32 else { throw BuiltinError("\(op): list nested too deeply (more than 32 levels)") }
                continue
            case .tensor(let t):
                shape += t.shape
            default:
                break
            }
            break
        }
        let count = try Shape.count(shape, op: op)
        values.reserveCapacity(count)
        var allBools = count > 0 || { if case .bool = v { return true }; return false }()
        func walk(_ x: Value, _ d: Int) throws {
            if d == shape.count {
                switch x {
                case .number(let n): values.append(n); allBools = false
                case .bool(let b): values.append(b ? 1 : 0)
                case .tensor(let t) where t.shape.isEmpty: values.append(try t.item()); allBools = allBools && t.isBool
                default: throw BuiltinError("\(op): expected a number, got \(x.typeName)")
                }
                return
            }
            let items: [Value]
            switch x {
            case .list(let l): items = l.items
            case .tuple(let t): items = t
            case .tensor(let t):
                guard Array(shape[d...]) == t.shape else {
                    throw BuiltinError("\(op): ragged nested list (a tensor of shape \(fmtShape(t.shape)) where shape \(fmtShape(Array(shape[d...]))) was expected)")
                }
                values += t.doubles
                allBools = allBools && t.isBool
                return
            default:
                throw BuiltinError("\(op): ragged nested list (expected a list of length \(shape[d]), got \(x.typeName))")
            }
            guard items.count == shape[d] else {
                throw BuiltinError("\(op): ragged nested list (expected length \(shape[d]) at depth \(d), got \(items.count))")
            }
            for i in items { try walk(i, d + 1) }
        }
        try walk(v, 0)
        if dtype == .bool || (dtype == nil && allBools) {
            return try Tensor(shape: shape, bools: values.map { $0 != 0 })
        }
        if (dtype ?? .float32) == .float32 { try Tensor.checkFitsFloat32(values, op: op) }
        return try Tensor(shape: shape, values: values, dtype: dtype ?? .float32)
    }

    static func fmtShape(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }
}
