#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNSyntax
import NNTensor

/// The operators' slow paths: everything but number-with-number, which the
/// operator nodes handle inline.
enum Operators {
    /// `a op b` for arithmetic and comparison operators (not `and`/`or`).
    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            return try numbers(op, x, y)
        case (.tensor(let t), .tensor(let u)):
            return .tensor(try TensorBridge.binary(op, t, u))
        case (.tensor(let t), .number(let y)):
            return .tensor(try TensorBridge.binary(op, t, TensorBridge.number(y, meeting: t, op)))
        case (.number(let x), .tensor(let u)):
            return .tensor(try TensorBridge.binary(op, TensorBridge.number(x, meeting: u, op), u))
        default:
            break
        }
        switch op {
        case .equal: return .bool(equal(a, b))
        case .notEqual: return .bool(!equal(a, b))
        case .less, .lessEqual, .greater, .greaterEqual:
            return .bool(try ordered(a, b, op))
        case .add:
            switch (a, b) {
            // the same size limits as repetition: a string of at most 2**28
            // bytes, a list or tuple of at most 2**26 items (a doubling loop
            // ends in this error, not in the allocator's crash)
            case (.string(let s), .string(let t)):
                guard s.utf8.count + t.utf8.count <= 1 << 28 else {
                    throw BuiltinError("cannot join strings of \(s.utf8.count) and \(t.utf8.count) bytes (a string may hold at most 2**28 bytes)")
                }
                return .string(s + t)
            case (.list(let l), .list(let m)):
                guard l.items.count + m.items.count <= 1 << 26 else {
                    throw BuiltinError("cannot join lists of \(l.items.count) and \(m.items.count) items (a list may hold at most 2**26 items)")
                }
                return .list(l.items + m.items)
            case (.tuple(let l), .tuple(let m)):
                guard l.count + m.count <= 1 << 26 else {
                    throw BuiltinError("cannot join tuples of \(l.count) and \(m.count) items (a tuple may hold at most 2**26 items)")
                }
                return .tuple(l + m)
            case (.string, _), (_, .string):
                throw BuiltinError("cannot add \(a.typeName) and \(b.typeName) (convert with str() or use interpolation \"{x}\")")
            default: break
            }
        case .multiply:
            switch (a, b) {
            case (.string(let s), .number(let n)), (.number(let n), .string(let s)):
                guard let k = repeatCount(n, size: s.utf8.count, limit: 1 << 28) else {
                    throw BuiltinError("cannot repeat a string \(Value.formatNumber(n)) times" + repeatLimitNote(n, limit: "2**28 bytes"))
                }
                return .string(String(repeating: s, count: k))
            case (.list(let l), .number(let n)), (.number(let n), .list(let l)):
                guard let k = repeatCount(n, size: l.items.count, limit: 1 << 26) else {
                    throw BuiltinError("cannot repeat a list \(Value.formatNumber(n)) times" + repeatLimitNote(n, limit: "2**26 items"))
                }
                var out: [Value] = []
                out.reserveCapacity(l.items.count * k)
                for _ in 0..<k { out += l.items }
                return .list(out)
            default: break
            }
        default: break
        }
        throw BuiltinError("unsupported operand types for \(op.rawValue): \(a.typeName) and \(b.typeName)")
    }

    /// The count of `s * n` / `xs * n`: an integral `n`, and as Python a
    /// count of zero or below gives the empty string or list. Nil when `n` is
    /// not integral or the result would pass `limit` elements.
    /// Why an integral repeat count was refused: the result's size limit.
    static func repeatLimitNote(_ n: Double, limit: String) -> String {
        n.isFinite && n.rounded() == n ? " (the result may hold at most \(limit))" : ""
    }

    static func repeatCount(_ n: Double, size: Int, limit: Int) -> Int? {
        guard n.isFinite, n.rounded() == n else { return nil }
        if n <= 0 { return 0 }
        guard let k = Int(exactlyChecked: n) else { return nil }
        let total = k.multipliedReportingOverflow(by: max(1, size))
        return !total.overflow && total.partialValue <= limit ? k : nil
    }

    static func numbers(_ op: BinaryOperator, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case .add: return .number(x + y)
        case .subtract: return .number(x - y)
        case .multiply: return .number(x * y)
        case .divide: return .number(x / y)
        case .remainder: return .number(remainder(x, y))
        case .power: return .number(power(x, y))
        case .equal: return .bool(x == y)
        case .notEqual: return .bool(x != y)
        case .less: return .bool(x < y)
        case .lessEqual: return .bool(x <= y)
        case .greater: return .bool(x > y)
        case .greaterEqual: return .bool(x >= y)
        case .matmul: throw BuiltinError("unsupported operand types for @: number and number (@ multiplies tensors)")
        case .and, .or: throw BuiltinError("'\(op.rawValue)' needs bools, got number and number")
        }
    }

    /// Floored remainder: the result has the sign of the divisor, zero
    /// included, as in Python (`Tensor.flooredRemainder`, shared with tensors).
    @inline(__always)
    static func remainder(_ x: Double, _ y: Double) -> Double {
        Tensor.flooredRemainder(x, y)
    }

    /// `x ** y`, exact for small integral powers.
    @inline(__always)
    static func power(_ x: Double, _ y: Double) -> Double {
        if y == 2 { return x * x }
        return pow(x, y)
    }

    /// Structural equality: numbers, strings, bools, nil; lists, tuples and
    /// records element by element; tensors, functions and objects by identity.
    static func equal(_ a: Value, _ b: Value, depth: Int = 0) -> Bool {
        if depth > 1000 { return false }
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.nil, .nil): return true
        case (.list(let x), .list(let y)):
            if x === y { return true }
            return sequencesEqual(x.items, y.items, depth)
        case (.tuple(let x), .tuple(let y)): return sequencesEqual(x, y, depth)
        case (.record(let x), .record(let y)):
            if x === y { return true }
            guard x.count == y.count else { return false }
            for (k, v) in x.fields {
                guard let w = y[k], equal(v, w, depth: depth + 1) else { return false }
            }
            return true
        case (.range(let a0, let a1), .range(let b0, let b1)): return a0 == b0 && a1 == b1
        case (.function(let x), .function(let y)): return x.isSameFunction(as: y)
        case (.builtin(let x), .builtin(let y)): return x === y
        case (.tensor(let x), .tensor(let y)): return x === y
        case (.object(let x), .object(let y)): return x === y
        default: return false
        }
    }

    static func sequencesEqual(_ x: [Value], _ y: [Value], _ depth: Int) -> Bool {
        guard x.count == y.count else { return false }
        for i in x.indices where !equal(x[i], y[i], depth: depth + 1) { return false }
        return true
    }

    /// `a op b` for an ordering operator (`< <= > >=`) on two numbers, two
    /// strings, or two lists/tuples, as Python orders them. Sequences are
    /// decided at their first element pair that is not `==`, by that pair's
    /// own `op`; when one sequence is a prefix of the other, by length. So
    /// `[nil] <= [nil]` is true (equal lists, nothing to order), `[nan] < [1]`
    /// is false (decided at nan, and `nan < 1` is false) and `[1, nil] < [2, 0]`
    /// is true. Anything else is an error.
    static func ordered(_ a: Value, _ b: Value, _ op: BinaryOperator, depth: Int = 0) throws -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return test(op, x, y)
        case (.string(let x), .string(let y)): return test(op, x, y)
        case (.list(let l), .list(let m)): return try orderedSequences(l.items, m.items, op, depth)
        case (.tuple(let l), .tuple(let m)): return try orderedSequences(l, m, op, depth)
        default:
            throw BuiltinError("cannot compare \(a.typeName) and \(b.typeName) with \(op.rawValue)")
        }
    }

    static func orderedSequences(_ x: [Value], _ y: [Value], _ op: BinaryOperator, _ depth: Int) throws -> Bool {
        guard depth < 1000 else { throw BuiltinError("cannot compare: values nested too deeply") }
        for i in 0..<min(x.count, y.count) where !equal(x[i], y[i], depth: depth + 1) {
            return try ordered(x[i], y[i], op, depth: depth + 1)
        }
        return test(op, x.count, y.count)
    }

    @inline(__always)
    static func test<T: Comparable>(_ op: BinaryOperator, _ x: T, _ y: T) -> Bool {
        switch op {
        case .less: x < y
        case .lessEqual: x <= y
        case .greater: x > y
        default: x >= y
        }
    }

    /// `-v`
    static func negate(_ v: Value) throws -> Value {
        switch v {
        case .number(let x): return .number(-x)
        case .tensor(let t):
            return .tensor(-(try Builtins.sized(t, "neg")))
        default: throw BuiltinError("cannot negate a \(v.typeName)")
        }
    }
}
