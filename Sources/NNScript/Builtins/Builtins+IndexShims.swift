import NNTensor

/// TEMPORARY (issue 16, item 3): index-taking forms of the argument helpers
/// (`tensorArg(a, 0)`), kept only so that the builtin files still read by
/// position compile while another branch converts them to names
/// (`tensorArg(a, "pred")`). Delete this file once both branches are merged:
/// nothing else may call it (`RegistryNameTests` lists it as a file still to
/// convert, and flags every read of a parameter by its index).
extension Builtins {
    /// The name of parameter `i`, or an internal error for an index the builtin does not have.
    private static func parameterName(_ a: BuiltinArguments, _ i: Int) throws -> String {
        guard a.builtin.parameters.indices.contains(i) else {
            throw BuiltinError("internal error: '\(a.builtin.name)' reads argument \(i) of \(a.builtin.parameters.count)")
        }
        return a.builtin.parameters[i].name
    }

    static func tensorArg(_ a: BuiltinArguments, _ i: Int) throws -> Tensor {
        try tensorArg(a, try parameterName(a, i))
    }

    static func tensorLike(_ a: BuiltinArguments, _ i: Int) throws -> Tensor {
        try tensorLike(a, try parameterName(a, i))
    }

    static func tensorList(_ a: BuiltinArguments, _ i: Int) throws -> [Tensor] {
        try tensorList(a, try parameterName(a, i))
    }

    static func operand(_ v: Value, like t: Tensor, _ a: BuiltinArguments, _ i: Int) throws -> Tensor {
        try operand(v, like: t, a, try parameterName(a, i))
    }

    static func point(_ a: BuiltinArguments, _ i: Int) throws -> Point {
        try point(a, try parameterName(a, i))
    }
}
