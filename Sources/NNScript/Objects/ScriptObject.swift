/// A library object (model, optimizer, data loader, history, ...) that a
/// script can hold, call and inspect.
///
/// NNLib knows nothing of the interpreter: its types are wrapped by adapters
/// in NNScript that conform to this protocol. Only `typeName` and
/// `description` are required; the rest have defaults that refuse.
public protocol ScriptObject: AnyObject {
    /// The name `type(x)` returns and messages use, e.g. `Linear`.
    var typeName: String { get }
    /// How `print` shows the object.
    var description: String { get }
    /// A property or bound method named `name`, or nil when there is none
    /// (a method call then falls back to the builtin of that name with the
    /// object as first argument: `model.parameters()` is `parameters(model)`).
    func member(_ name: String, in interpreter: Interpreter) throws -> Value?
    /// Calls the method `name` with `arguments` (the object itself is not
    /// among them): what `x.name(arguments)` runs. Nil when the object has no
    /// method of that name; the call then goes on as before: a callable
    /// ``member(_:in:)`` is called, else the builtin `name` with the object
    /// first. Unlike reading `member(name)` and calling the result, it makes
    /// no function value, so a method called in a loop allocates none.
    func callMethod(_ name: String, _ arguments: Arguments, in interpreter: Interpreter) throws -> Value?
    /// Sets a property (`opt.lr = 0.1`); returns false when there is none.
    func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws -> Bool
    /// Calls the object itself (`model(x)`); nil when it is not callable.
    func call(_ arguments: Arguments, in interpreter: Interpreter) throws -> Value?
    /// An iterator for `for x in object`; nil when it is not iterable.
    func makeIterator(in interpreter: Interpreter) throws -> (() throws -> Value?)?
    /// The names of its members, for completion and `help`.
    var memberNames: [String] { get }
    /// `object[index]` for a container (a Sequential's layers); nil when
    /// the object cannot be indexed.
    func element(_ index: Value) throws -> Value?
    /// `len(object)` for a container; nil when it has no length.
    var length: Int? { get }
    /// `copy(object)`: an independent copy (a model's own parameters and
    /// buffers), or nil when this kind of object cannot be copied (`copy`
    /// then fails naming the type; it never returns an alias).
    func copied() throws -> (any ScriptObject)?
}

extension ScriptObject {
    public func member(_ name: String, in interpreter: Interpreter) throws -> Value? { nil }
    public func callMethod(_ name: String, _ arguments: Arguments, in interpreter: Interpreter) throws -> Value? { nil }
    public func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws -> Bool { false }
    public func call(_ arguments: Arguments, in interpreter: Interpreter) throws -> Value? { nil }
    public func makeIterator(in interpreter: Interpreter) throws -> (() throws -> Value?)? { nil }
    public var memberNames: [String] { [] }
    public func element(_ index: Value) throws -> Value? { nil }
    public var length: Int? { nil }
    public func copied() throws -> (any ScriptObject)? { nil }
}

/// The arguments of a call as written: positional values, then named ones.
public struct Arguments {
    /// Positional arguments, in order.
    public var positional: [Value]
    /// Named arguments `label: value`, in order.
    public var named: [(label: String, value: Value)]

    public init(_ positional: [Value] = [], named: [(label: String, value: Value)] = []) {
        self.positional = positional
        self.named = named
    }
}
