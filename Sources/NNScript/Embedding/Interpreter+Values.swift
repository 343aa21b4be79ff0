/// Reading and writing a script's variables, and calling its functions, with
/// Swift types (``ValueConvertible``): a host never switches over ``Value``.
///
/// ```swift
/// try nn.run(source: "let h = {loss: [0.9, 0.5, 0.25]}\nfn double(x) = 2 * x")
/// let losses = try nn.get("h", as: [String: [Double]].self)["loss"]   // [0.9, 0.5, 0.25]
/// try nn.set("lr", 0.01)
/// let y = try nn.call("double", 21, as: Int.self)                      // 42
/// ```
extension Interpreter {
    /// The global variable `name` converted to `type`.
    ///
    /// Throws ``ValueConversionError`` naming the variable and the place
    /// inside it (`h.loss[2]: expected a number, got a string`), and when
    /// no variable has that name (`x: expected a defined variable, got
    /// nothing`; read it as an optional to get nil for `nil`).
    public func get<T: ValueConvertible>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let value = self[name] else {
            throw ValueConversionError(path: name, expected: "a defined variable", actual: "nothing",
                                       hint: "no global variable of that name")
        }
        return try converting(at: name) { try T(scriptValue: value) }
    }

    /// Defines (or replaces) the global variable `name` with `value`
    /// converted to a script value (``ValueConvertible/scriptValue``).
    public func set<T: ValueConvertible>(_ name: String, _ value: T) throws {
        self[name] = try converting(at: name) { try value.scriptValue }
    }

    /// Calls the function `name` (a global holding a function, or a builtin)
    /// with converted arguments, positional then named, and returns its
    /// result as a ``Value``.
    ///
    /// An argument that does not convert is a ``ValueConversionError`` at
    /// `argument #1` (or `argument 'lr'`); the call's own errors are
    /// ``ScriptError``s, as for ``call(_:_:named:)-(Value,_,_)``.
    @discardableResult
    public func call(_ name: String, _ arguments: any ValueConvertible...,
                     named: KeyValuePairs<String, any ValueConvertible> = [:]) throws -> Value {
        try callByName(name, arguments, named: named)
    }

    /// Calls the function `name` with converted arguments, as the call without `as:` does, and converts its
    /// result to `type` (a failure names `name()`: `f(): expected a number, got nil`).
    public func call<R: ValueConvertible>(_ name: String, _ arguments: any ValueConvertible...,
                                          named: KeyValuePairs<String, any ValueConvertible> = [:],
                                          as type: R.Type) throws -> R {
        let result = try callByName(name, arguments, named: named)
        return try converting(at: "\(name)()") { try R(scriptValue: result) }
    }

    private func callByName(_ name: String, _ arguments: [any ValueConvertible],
                      named: KeyValuePairs<String, any ValueConvertible>) throws -> Value {
        let function: Value
        if let global = self[name] {
            function = global
        } else if let builtin = registry[name] {
            function = .builtin(builtin)
        } else {
            throw ScriptError("no function named '\(name)': neither a global variable nor a builtin")
        }
        var positional: [Value] = []
        positional.reserveCapacity(arguments.count)
        for (i, a) in arguments.enumerated() {
            positional.append(try converting(at: "\(name)() argument #\(i + 1)") { try a.scriptValue })
        }
        var labelled: [(label: String, value: Value)] = []
        for (label, a) in named {
            labelled.append((label, try converting(at: "\(name)() argument '\(label)'") { try a.scriptValue }))
        }
        return try call(function, positional, named: labelled)
    }
}

extension BuiltinArguments {
    /// The argument `name` converted to `type` (``ValueConvertible``): for
    /// builtins and methods a host writes. A value that does not convert is
    /// the uniform bad-argument error with the conversion's words:
    /// `bad argument #1 to 'zoom' (expected a number, got a string)`, or
    /// `bad argument 'sizes' to 'grid' ([2]: expected an integer, got 2.5)`.
    public func value<T: ValueConvertible>(_ name: String, as type: T.Type) throws -> T {
        let v = try value(name)
        do { return try T(scriptValue: v) } catch let e as ValueConversionError {
            throw try bad(name, message: e.description)
        }
    }
}
