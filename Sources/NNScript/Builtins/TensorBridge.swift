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
            // a 0-d exponent of the same float dtype takes the scalar path;
            // other dtypes are refused by Tensor.pow as + - * / refuse them,
            // and int64 goes there too (it refuses negative integer powers)
            if b.shape.isEmpty, !b.isTracked, !a.isInt64, b.dtype == a.dtype || b.isBool {
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

    /// The 0-d tensor a number becomes when it meets `t` under `op`
    /// (`Tensor.scalar`: the tensor's float dtype, or by its value for
    /// int64); for a comparison `Tensor.comparisonScalar`, exact for int64.
    static func number(_ x: Double, meeting t: Tensor, _ op: BinaryOperator) -> Tensor {
        switch op {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: t.comparisonScalar(x)
        default: t.scalar(x)
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
            guard let t = DType(name: s) else { throw BuiltinError("\(op): unknown dtype \(Value.quote(s)) (use \"float32\", \"float64\", \"int64\" or \"bool\")") }
            return t
        default:
            throw BuiltinError("\(op): dtype must be a string, got \(v.typeName)")
        }
    }

    /// Builds a tensor from a number, nested lists of numbers, or a tensor.
    /// Without a dtype, nested lists of bools (and nothing else) make a bool
    /// tensor, as in PyTorch, and nested int64 tensors (and nothing else) an
    /// int64 tensor; anything else is float32. For int64 every value must be
    /// an integer in range (int64 tensors inside are taken exactly).
    static func make(_ v: Value, dtype: DType?, _ op: String) throws -> Tensor {
        if case .tensor(let t) = v {
            if let dtype, dtype != t.dtype { return try t.to(dtype) }
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
        // every value as an exact int64 while they all are integers (int64
        // tensors taken exactly, not through a double); allInt64: only int64 tensors
        var ints: [Int64] = [], intsExact = true
        var allInt64 = count > 0 || { if case .tensor(let t) = v { return t.isInt64 }; return false }()
        func note(_ t: Tensor) {
            allBools = allBools && t.isBool
            allInt64 = allInt64 && t.isInt64
            if let a = t.int64s { ints += a } else {
                for d in t.doubles { if let i = Int64(exactly: d) { ints.append(i) } else { intsExact = false } }
            }
        }
        func walk(_ x: Value, _ d: Int) throws {
            if d == shape.count {
                switch x {
                case .number(let n):
                    values.append(n); allBools = false; allInt64 = false
                    if let i = Int64(exactly: n) { ints.append(i) } else { intsExact = false }
                case .bool(let b): values.append(b ? 1 : 0); ints.append(b ? 1 : 0); allInt64 = false
                case .tensor(let t) where t.shape.isEmpty:
                    values.append(t.storage.double(at: 0)); note(t)
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
                note(t)
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
        if dtype == .int64 || (dtype == nil && allInt64) {
            // exact when every value is an integer; otherwise the checked
            // conversion below names the first that is not
            if intsExact && ints.count == values.count { return try Tensor(shape: shape, int64s: ints) }
            return try Tensor(shape: shape, values: values, dtype: .int64)
        }
        if (dtype ?? .float32) == .float32 { try Tensor.checkFitsFloat32(values, op: op) }
        return try Tensor(shape: shape, values: values, dtype: dtype ?? .float32)
    }

    static func fmtShape(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }
}
