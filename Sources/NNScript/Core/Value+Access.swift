import NNTensor

/// Member access, indexing and slicing of values.
enum Access {
    /// A documented property of a type, listed by `help` and in `docs/builtins.md`.
    struct Property: Sendable {
        let name: String
        let summary: String
        let get: @Sendable (Tensor) throws -> Value
    }

    /// The properties of tensors.
    static let tensorProperties: [Property] = [
        Property(name: "shape", summary: "The size of each axis, as a list of numbers.") { t in
            .list(t.shape.map { .number(Double($0)) })
        },
        Property(name: "ndim", summary: "The number of axes.") { .number(Double($0.rank)) },
        Property(name: "dtype", summary: "The element type: \"float32\" or \"float64\".") { .string($0.dtype.rawValue) },
        Property(name: "size", summary: "The number of elements.") { .number(Double($0.count)) },
        Property(name: "T", summary: "The tensor with its axes reversed (the transpose of a matrix).") { .tensor($0.T) },
        Property(name: "grad", summary: "The gradient accumulated by `backward()`, or nil.") { t in
            t.grad.map { .tensor($0) } ?? .nil
        },
        Property(name: "requires_grad", summary: "True for a parameter whose gradient `backward()` accumulates.") {
            .bool($0.requiresGrad)
        },
        Property(name: "is_leaf", summary: "True unless the tensor is the result of a recorded op.") { .bool($0.isLeaf) },
    ]

    static let tensorPropertyIndex: [String: Property] = Dictionary(
        uniqueKeysWithValues: tensorProperties.map { ($0.name, $0) })

    static func member(_ v: Value, _ name: String, _ interp: Interpreter) throws -> Value {
        switch v {
        case .record(let r):
            if let x = r[name] { return x }
            throw BuiltinError("record has no field '\(name)'" + Suggest.didYouMean(name, among: r.keys))
        case .tensor(let t):
            if let p = tensorPropertyIndex[name] { return try p.get(t) }
            if interp.registry[name] != nil {
                throw BuiltinError("'\(name)' is a method of tensor; call it: .\(name)()")
            }
            throw BuiltinError("tensor has no property '\(name)'" + Suggest.didYouMean(name, among: tensorProperties.map(\.name)))
        case .object(let o):
            if let x = try o.member(name, in: interp) { return x }
            throw BuiltinError("\(o.typeName) has no member '\(name)'" + Suggest.didYouMean(name, among: o.memberNames))
        case .function(let c) where name == "name":
            return .string(c.name)
        default:
            if interp.registry[name] != nil {
                throw BuiltinError("'\(name)' is a function; call it: .\(name)()")
            }
            throw BuiltinError("\(v.typeName) has no property '\(name)'")
        }
    }

    static func setMember(_ target: Value, _ name: String, _ v: Value, _ interp: Interpreter) throws {
        switch target {
        case .record(let r):
            r[name] = v
        case .tensor(let t) where name == "requires_grad":
            guard case .bool(let b) = v else { throw BuiltinError("requires_grad must be a bool, got \(v.typeName)") }
            if b && !t.dtype.isFloatingPoint {
                throw BuiltinError("only floating point tensors can require gradients, and this one is \(t.dtype); convert it with .to(\"float32\")")
            }
            t.requiresGrad = b
        case .tensor(let t) where name == "grad":
            switch v {
            case .nil: t.grad = nil
            case .tensor(let g): t.grad = g
            default: throw BuiltinError("grad must be a tensor or nil, got \(v.typeName)")
            }
        case .object(let o):
            guard try o.setMember(name, to: v, in: interp) else {
                throw BuiltinError("cannot set '\(name)' on a \(o.typeName)")
            }
        default:
            throw BuiltinError("cannot set property '\(name)' on a \(target.typeName)")
        }
    }

    /// A checked integer index into a sequence of `count` elements (negative from the end).
    static func position(_ v: Value, count: Int, what: String) throws -> Int {
        guard case .number(let d) = v else {
            throw BuiltinError("\(what) index must be a number, got \(v.typeName)")
        }
        guard let i = Int(exactlyChecked: d) else {
            throw BuiltinError("\(what) index must be an integer, got \(Value.formatNumber(d))")
        }
        let j = i < 0 ? i + count : i
        guard j >= 0, j < count else {
            throw BuiltinError("index \(i) out of range for a \(what) of length \(count)")
        }
        return j
    }

    /// Python's slice semantics: the selected positions of a sequence of `count`.
    static func slicePositions(_ start: Int?, _ stop: Int?, _ step: Int?, count: Int) throws -> [Int] {
        let step = step ?? 1
        guard step != 0 else { throw BuiltinError("slice step cannot be zero") }
        func clamp(_ x: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
            guard var x else { return dflt }
            if x < 0 { x = x &+ count }
            return min(max(x, lo), hi)
        }
        var out: [Int] = []
        if step > 0 {
            var i = clamp(start, 0, lo: 0, hi: count)
            let e = clamp(stop, count, lo: 0, hi: count)
            while i < e { out.append(i); i += step }
        } else {
            var i = clamp(start, count - 1, lo: -1, hi: count - 1)
            let e = clamp(stop, -1, lo: -1, hi: count - 1)
            while i > e { out.append(i); i += step }
        }
        return out
    }

    static func index(_ b: Value, _ args: [IndexArg]) throws -> Value {
        switch b {
        case .list(let l):
            return try sequenceIndex(l.items, args, "list") { .list($0) }
        case .tuple(let t):
            return try sequenceIndex(t, args, "tuple") { .tuple($0) }
        case .string(let s):
            let chars = s.map { Value.string(String($0)) }
            return try sequenceIndex(chars, args, "string") { parts in
                .string(parts.map { if case .string(let c) = $0 { c } else { "" } }.joined())
            }
        case .record(let r):
            guard args.count == 1, case .value(let k) = args[0] else {
                throw BuiltinError("a record is indexed by one string key")
            }
            guard case .string(let key) = k else { throw BuiltinError("record key must be a string, got \(k.typeName)") }
            if let v = r[key] { return v }
            throw BuiltinError("record has no field '\(key)'" + Suggest.didYouMean(key, among: r.keys))
        case .range(let lo, let hi):
            let n = max(0, hi - lo)
            guard args.count == 1, case .value(let v) = args[0] else { throw BuiltinError("a range is indexed by one number") }
            return .number(Double(lo + (try position(v, count: n, what: "range"))))
        case .tensor(let t):
            return .tensor(try t.index(try tensorIndices(args)))
        case .object(let o):
            if args.count == 1, case .value(let v) = args[0], let e = try o.element(v) { return e }
            throw BuiltinError("cannot index a \(o.typeName)")
        default:
            throw BuiltinError("cannot index a \(b.typeName)")
        }
    }

    private static func sequenceIndex(_ items: [Value], _ args: [IndexArg], _ what: String,
                                      make: ([Value]) -> Value) throws -> Value {
        guard args.count == 1 else { throw BuiltinError("a \(what) takes one index, got \(args.count)") }
        switch args[0] {
        case .value(let v):
            return items[try position(v, count: items.count, what: what)]
        case .slice(let a, let b, let c):
            return make(try slicePositions(a, b, c, count: items.count).map { items[$0] })
        }
    }

    /// The items of a tensor index, checked: numbers must be integral, a
    /// float tensor or (nested) list of numbers is an integer array of its
    /// shape, a bool tensor or list of bools is a mask. A float never reads
    /// as a truncated integer, and a 0/1 float tensor is not a mask.
    static func tensorIndices(_ args: [IndexArg]) throws -> [TensorIndex] {
        try args.map { a in
            switch a {
            case .slice(let s, let e, let st): return .slice(start: s, stop: e, step: st)
            case .value(let v):
                switch v {
                case .number(let d):
                    guard let i = Int(exactlyChecked: d) else {
                        throw BuiltinError("tensor index \(Value.formatNumber(d)) is not an integer: indices must be integers")
                    }
                    return .index(i)
                case .list, .tuple:
                    let t = try TensorBridge.make(v, dtype: nil, "index")
                    if t.isBool { return .mask(shape: t.shape, values: t.bools) }
                    return .array(shape: t.shape, values: try integers(t))
                case .tensor(let t):
                    if t.isBool { return .mask(shape: t.shape, values: t.bools) }
                    return .array(shape: t.shape, values: try integers(t))
                case .bool:
                    throw BuiltinError("cannot index a tensor with a bool; use a bool tensor of the indexed shape as a mask")
                case .nil:
                    return .newAxis
                default:
                    throw BuiltinError("cannot index a tensor with a \(v.typeName)")
                }
            }
        }
    }

    /// The elements of an index tensor as integers (an int64 tensor's
    /// exactly); a fractional or huge value is an error, never truncated.
    private static func integers(_ t: Tensor) throws -> [Int] {
        if let a = t.int64s { return a.map { Int($0) } }
        return try t.doubles.map { d in
            guard let i = Int(exactlyChecked: d) else {
                throw BuiltinError("index tensor holds \(Value.formatNumber(d)): indices must be integers")
            }
            return i
        }
    }

    static func setIndex(_ b: Value, _ args: [IndexArg], _ v: Value) throws {
        switch b {
        case .list(let l):
            guard args.count == 1, case .value(let k) = args[0] else {
                throw BuiltinError("list assignment takes one index (slices cannot be assigned)")
            }
            l.items[try position(k, count: l.items.count, what: "list")] = v
        case .record(let r):
            guard args.count == 1, case .value(let k) = args[0], case .string(let key) = k else {
                throw BuiltinError("a record is indexed by one string key")
            }
            r[key] = v
        case .tensor(let t):
            // In place, and recorded when a tracked tensor is involved, so
            // `y[i] = f(x)` differentiates (Tensor.writeIndexed).
            let idx = try tensorIndices(args)
            switch v {
            case .number(let d): try t.writeIndexed(idx, value: d)
            case .bool(let x): try t.writeIndexed(idx, value: x ? 1 : 0)
            case .tensor(let u): try t.writeIndexed(idx, value: u)
            default: throw BuiltinError("cannot store a \(v.typeName) in a tensor")
            }
        default:
            throw BuiltinError("cannot assign into a \(b.typeName) by index")
        }
    }
}
