import NNTensor

/// Function transforms (JAX style) and recording control.
extension Builtins {
    /// Wraps an nn function as a Swift function of one tensor.
    static func scalarFunction(_ f: Value, _ interp: Interpreter, _ op: String) -> (Tensor) throws -> Tensor {
        { t in try asTensor(try interp.call(f, [.tensor(t)]), like: t, op) }
    }

    /// Wraps an nn function of a list of tensors.
    static func listFunction(_ f: Value, _ interp: Interpreter, _ op: String) -> ([Tensor]) throws -> Tensor {
        { ts in try asTensor(try interp.call(f, [.list(ts.map { .tensor($0) })]), like: ts.first, op) }
    }

    static func asTensor(_ v: Value, like t: Tensor?, _ op: String) throws -> Tensor {
        switch v {
        case .tensor(let r): return r
        case .number(let d): return t?.scalar(d) ?? Tensor(scalar: d)
        default: throw BuiltinError("\(op): the function must return a tensor or number, got \(v.typeName)")
        }
    }

    /// The point of differentiation: a tensor, a number (as a float64 0-d tensor) or a list of tensors.
    enum Point {
        case tensor(Tensor, fromNumber: Bool)
        case list([Tensor])
    }

    /// Argument `name` as the point of differentiation.
    static func point(_ a: BuiltinArguments, _ name: String) throws -> Point {
        switch try a[name] {
        case .tensor(let t): return .tensor(t, fromNumber: false)
        case .number(let d): return .tensor(Tensor(scalar: d, dtype: .float64), fromNumber: true)
        case .list, .tuple: return .list(try tensorList(a, name))
        default: throw try a.bad(name, "tensor")
        }
    }

    /// A transform's result: a number for a number point, unless the result
    /// is tracked (it depends on a tensor an outer transform or `backward`
    /// differentiates, as in `grad(x => grad(y => x * y, 1.0), 3.0)`); then
    /// it stays a 0-d tensor so the outer derivative is not cut.
    static func result(_ t: Tensor, _ fromNumber: Bool) throws -> Value {
        fromNumber && !t.isTracked ? .number(try t.item()) : .tensor(t)
    }

    /// A transform of the nn function `f` at `p`: `single` of `f` as a
    /// function of one tensor (its result a number for a number point, see
    /// ``result(_:_:)``), or `many` of `f` as a function of the list of
    /// tensors. `op` names the transform in errors.
    static func transform(_ f: Value, at p: Point, _ interp: Interpreter, _ op: String,
                          single: ((Tensor) throws -> Tensor, Tensor) throws -> Tensor,
                          many: (([Tensor]) throws -> Tensor, [Tensor]) throws -> Value) throws -> Value {
        switch p {
        case .tensor(let t, let n): return try result(try single(scalarFunction(f, interp, op), t), n)
        case .list(let ts): return try many(listFunction(f, interp, op), ts)
        }
    }

    /// Tensors as an nn list.
    static func tensorsValue(_ ts: [Tensor]) -> Value { .list(ts.map { .tensor($0) }) }

    static func gradValue(_ f: Value, _ p: Point, _ interp: Interpreter) throws -> Value {
        try transform(f, at: p, interp, "grad", single: { try Autodiff.grad($0, at: $1) },
                      many: { tensorsValue(try Autodiff.grad($0, at: $1)) })
    }

    static let autodiff: [Builtin] = [
        Builtin("grad", [.required("f"), .optional("x")], area: "Autodiff",
                summary: "The gradient of scalar function `f` at `x`; `grad(f)` is the function `x => grad(f, x)`.",
                discussion: "`x` is a tensor, a number (the result is then a number) or a list of tensors (`f` receives the list; the result is a list of gradients). Gradients are themselves differentiable, so `grad(grad(f))` works.") { a in
            let f = try a.callable("f")
            if try a["x"].isNil {
                // The function runs on the interpreter that calls it (it holds
                // none: holding this one would make a cycle through its globals).
                return .builtin(Builtin("grad(\(f.functionName))", [.required("x")], area: "Autodiff",
                                        summary: "The gradient of \(f.functionName).") { b in
                    try gradValue(f, try point(b, "x"), b.interpreter)
                })
            }
            return try gradValue(f, try point(a, "x"), a.interpreter)
        },
        Builtin("value_and_grad", [.required("f"), .required("x")], area: "Autodiff",
                summary: "The tuple `(f(x), grad(f, x))`, computed in one pass.") { a in
            let f = try a.callable("f")
            switch try point(a, "x") {
            case .tensor(let t, let n):
                let (v, g) = try Autodiff.valueAndGrad(scalarFunction(f, a.interpreter, "value_and_grad"), at: t)
                return .tuple([try result(v, n), try result(g, n)])
            case .list(let ts):
                let (v, gs) = try Autodiff.valueAndGrad(listFunction(f, a.interpreter, "value_and_grad"), at: ts)
                return .tuple([.tensor(v), tensorsValue(gs)])
            }
        },
        Builtin("jacobian", [.required("f"), .required("x")], area: "Autodiff",
                summary: "The Jacobian of `f` at `x`: shape `f(x).shape + x.shape`.",
                discussion: "```\nJ[i, j] = d f(x)[i] / d x[j]\n```\n`x` may be a list of tensors: `f` receives the list, and the result is the list of Jacobians, one per input (`f(x).shape + x[k].shape` each).") { a in
            let f = try a.callable("f")
            let interp = a.interpreter
            return try transform(f, at: try point(a, "x"), interp, "jacobian",
                                 single: { try Autodiff.jacobian($0, at: $1, checkpoint: interp.pollInterrupt) },
                                 many: { tensorsValue(try Autodiff.jacobian($0, at: $1, checkpoint: interp.pollInterrupt)) })
        },
        Builtin("no_grad", [.required("f")], area: "Autodiff",
                summary: "Calls `f()` without recording operations for autodiff; returns its result.") { a in
            let f = try a.callable("f")
            return try GradMode.noGrad { try a.interpreter.call(f, []) }
        },
    ]
}

extension Value {
    /// A function's name for messages.
    var functionName: String {
        switch self {
        case .function(let c): c.name
        case .builtin(let b): b.name
        case .object(let o): o.typeName
        default: typeName
        }
    }
}
