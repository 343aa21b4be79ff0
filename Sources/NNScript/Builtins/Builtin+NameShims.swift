import NNTensor

/// TEMPORARY (issue 16): by-name forms of argument helpers that live in files
/// another branch converts (`Builtins+Tensor`, `+Reduce`, `+Autodiff`), so the
/// library builtins can read by name before both branches merge. When the
/// merge brings those files' own `(a, "name")` helpers, this file is deleted
/// (the duplicate declarations fail to compile until it is: never silent).
extension Builtins {
    static func tensorArg(_ a: BuiltinArguments, _ name: String) throws -> Tensor {
        try tensorArg(a, try a.slot(name))
    }

    static func tensorLike(_ a: BuiltinArguments, _ name: String) throws -> Tensor {
        try tensorLike(a, try a.slot(name))
    }

    static func tensorList(_ a: BuiltinArguments, _ name: String) throws -> [Tensor] {
        try tensorList(a, try a.slot(name))
    }

    static func point(_ a: BuiltinArguments, _ name: String) throws -> Point {
        try point(a, try a.slot(name))
    }

    static func operand(_ v: Value, like t: Tensor, _ a: BuiltinArguments, _ name: String) throws -> Tensor {
        try operand(v, like: t, a, try a.slot(name))
    }
}
