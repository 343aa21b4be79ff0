import NNTensor

/// Bool tensors: testing elements, combining masks, and asking whether any
/// or all elements hold.
extension Builtins {
    static let maskDoc = """
        Comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`) between tensors, and \
        `is_nan`/`is_finite` of a tensor, give bool tensors (`dtype=bool`, \
        printed `True`/`False` as PyTorch does). A bool tensor indexes as a \
        mask (`x[x > 0]`), selects in `where`, and counts in `sum` and \
        `mean`; arithmetic promotes it to 0/1 in the other operand's dtype.
        """

    static let masks: [Builtin] = [
        Builtin("any", [.required("x"), .optional("f"), .optional("axis"), .optional("keepdims", .bool(false))], area: "Tensors",
                summary: "True when some element is true: of a bool tensor, of a list of bools, or `f(x)` of a list's elements; along `axis`, a bool tensor.",
                discussion: maskDoc + "\n\nA number tensor is read as `x != 0`. Of a whole tensor the answer is a bool, so `if any(is_nan(x)) { ... }` reads as it does in Python; with `axis` it is a bool tensor, as `torch.any`. Of a list: `any(xs)` checks the elements (bools, or one-element tensors), `any(xs, f: x => x > 3)` the predicate; false for an empty list.") { a in
            try anyAll(a, isAny: true)
        },
        Builtin("all", [.required("x"), .optional("f"), .optional("axis"), .optional("keepdims", .bool(false))], area: "Tensors",
                summary: "True when every element is true: of a bool tensor, of a list of bools, or `f(x)` of a list's elements; along `axis`, a bool tensor.",
                discussion: "A number tensor is read as `x != 0`. Of a whole tensor the answer is a bool (true for an empty tensor); with `axis` it is a bool tensor, as `torch.all`. Of a list: `all(xs)` checks the elements (bools, or one-element tensors), `all(xs, f: x => x > 0)` the predicate; true for an empty list.") { a in
            try anyAll(a, isAny: false)
        },
        Builtin("logical_and", [.required("a"), .required("b")], area: "Tensors",
                summary: "Elementwise `a and b` of two masks (bool tensors, broadcast), as `torch.logical_and`.",
                discussion: "Numbers are read as `x != 0`. The language's `and` is for bools only (it short-circuits).") { a in
            .tensor(try Tensor.logicalAnd(try maskArg(a, "a"), try maskArg(a, "b")))
        },
        Builtin("logical_or", [.required("a"), .required("b")], area: "Tensors",
                summary: "Elementwise `a or b` of two masks (bool tensors, broadcast), as `torch.logical_or`.") { a in
            .tensor(try Tensor.logicalOr(try maskArg(a, "a"), try maskArg(a, "b")))
        },
        Builtin("logical_xor", [.required("a"), .required("b")], area: "Tensors",
                summary: "Elementwise exclusive or of two masks (bool tensors, broadcast), as `torch.logical_xor`.") { a in
            .tensor(try Tensor.logicalXor(try maskArg(a, "a"), try maskArg(a, "b")))
        },
        Builtin("logical_not", [.required("a")], area: "Tensors",
                summary: "Elementwise `not` of a mask (a bool tensor), as `torch.logical_not`.") { a in
            .tensor(try maskArg(a, "a").logicalNot())
        },
    ]

    /// A mask argument: a tensor, or nested lists of bools or numbers.
    static func maskArg(_ a: BuiltinArguments, _ name: String) throws -> Tensor {
        try convertedTensor(a, name, lone: "bool", expected: "bool tensor")
    }

    /// `any`/`all` of a tensor (a bool without `axis`), or of a sequence's
    /// elements (or `f` of them), stopping at the first that decides.
    static func anyAll(_ a: BuiltinArguments, isAny: Bool) throws -> Value {
        let name = a.builtin.name
        let subject = try a["x"], fArg = try a["f"], axis = try a["axis"]
        if case .tensor(let t) = subject, fArg.isNil {
            let axes = try TensorBridge.axes(axis, name), keep = try a.bool("keepdims")
            let r = isAny ? try t.any(axes: axes, keepdims: keep) : try t.all(axes: axes, keepdims: keep)
            if axes == nil && !keep { return .bool(r.bools.first ?? !isAny) }
            return .tensor(r)
        }
        guard axis.isNil else { throw try a.bad("axis", message: "axis is for a tensor without f") }
        let f: Value? = fArg.isNil ? nil : try a.callable("f")
        for x in try Iterate.elements(subject, name) {
            let v = try f.map { try a.interpreter.call($0, [x]) } ?? x
            let truth: Bool
            switch v {
            case .bool(let b): truth = b
            case .tensor(let t) where t.count == 1: truth = try t.item() != 0
            default:
                throw BuiltinError("\(name): \(f == nil ? "elements" : "f(x)") must be bools, got \(v.typeName)")
            }
            if truth == isAny { return .bool(isAny) }
        }
        return .bool(!isAny)
    }
}
