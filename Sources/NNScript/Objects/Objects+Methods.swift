/// The methods and properties of library objects, declared once per type.
///
/// Each library object type (``LibraryObject``) has one ``Members`` table:
/// its methods (`opt.step()`, `sched.lrs(12)`, `model.train()`), each a
/// ``Method`` with its parameters and summary, and its properties
/// (`opt.lr`, `model.training`), each a ``Property`` with its summary and
/// getter. Everything else is derived from that table: what `x.name`
/// reads (``ScriptObject/member(_:in:)``), what `x.name(...)` calls
/// (``ScriptObject/callMethod(_:_:in:)``), what `keys(x)` and completion
/// list (``ScriptObject/memberNames``), `help("Optimizer.step")`,
/// `help(opt)` and the library-object section of `docs/builtins.md`. A
/// method name that is not in the table falls back to the builtin of that
/// name with the object first (`model.summary()` is `summary(model)`), as
/// for every value.

/// A method of a library object type.
///
/// Its ``builtin`` (the name, parameters and summary that binding and its
/// error messages use) is made once, with the table; a call binds the
/// arguments to it and runs `body` with the receiver, so `opt.step()` in a
/// training loop allocates no function value.
/// (`@unchecked Sendable`: immutable after `init`, so static tables can hold it.)
struct Method<Object: AnyObject>: @unchecked Sendable {
    let name: String
    let parameters: [BuiltinParameter]
    let summary: String
    let body: (Object, inout BuiltinArguments) throws -> Value
    /// The declaration that calls bind their arguments to (its own body is never run).
    let builtin: Builtin

    init(_ name: String, _ parameters: [BuiltinParameter] = [], summary: String,
         _ body: @escaping (Object, inout BuiltinArguments) throws -> Value) {
        self.name = name
        self.parameters = parameters
        self.summary = summary
        self.body = body
        builtin = Builtin(name, parameters, area: "Methods", summary: summary) { a in
            throw a.error("a method: call it on an object, x.\(name)(...)")
        }
    }

    /// Calls the method on `object`: the arguments are checked against its
    /// parameters as any builtin's (same messages), then `body` runs.
    @inline(__always)
    func call(on object: Object, _ arguments: Arguments, in interpreter: Interpreter) throws -> Value {
        var bound = try builtin.bind(arguments, interpreter: interpreter)
        return try body(object, &bound)
    }

    /// The method bound to `object`: what `object.name` evaluates to when it
    /// is read without being called (a new function value each read).
    func bound(to object: Object) -> Value {
        let body = body
        return .builtin(Builtin(name, parameters, area: "Methods", summary: summary) { a in try body(object, &a) })
    }

    /// Its documentation entry `Type.name(parameters)`; calling it directly
    /// says to call it on an object.
    func documented(in type: String) -> Builtin {
        let name = name
        return Builtin("\(type).\(name)", parameters, area: "Methods", summary: summary) { a in
            throw a.error("a method: call it on an object, x.\(name)(...)")
        }
    }
}

/// A property of a library object type: its name, the summary `help` and the
/// docs show, and the getter (and, for the few that can be set, the setter).
/// (`@unchecked Sendable`: immutable after `init`, so static tables can hold it.)
struct Property<Object: AnyObject>: @unchecked Sendable {
    let name: String
    let summary: String
    /// Whether `object` has it (only a Sequential has `layers`); nil when every object of the type has it.
    let presence: ((Object) -> Bool)?
    let get: (Object) throws -> Value
    /// Sets it (`opt.lr = 0.01`); nil when it is read only.
    let set: ((Object, Value) throws -> Void)?

    init(_ name: String, _ summary: String, when presence: ((Object) -> Bool)? = nil,
         set: ((Object, Value) throws -> Void)? = nil, _ get: @escaping (Object) throws -> Value) {
        self.name = name
        self.summary = summary
        self.presence = presence
        self.get = get
        self.set = set
    }

    func isPresent(on object: Object) -> Bool { presence?(object) ?? true }
}

/// The members of one library object type, declared once: its methods,
/// its properties, and the documentation `help` and the docs show.
/// (`@unchecked Sendable`: immutable after `init`, so static tables can hold it.)
struct Members<Object: AnyObject>: @unchecked Sendable {
    let methods: [Method<Object>]
    let properties: [Property<Object>]
    /// Builtins that take such an object first, offered after `x.` with its
    /// members (`model.summary()` is `summary(model)`); they are not members.
    let builtins: [String]
    /// The type as `help` and the docs present it, made from the same declarations.
    let doc: ObjectTypeDoc

    /// Declares a type: `name` is the one used in `help("Type.member")`
    /// (`Optimizer`), `makers` the builtins that make such objects (their
    /// `type(x)` names also work in `help("Adam.step")`).
    init(_ name: String, makers: [String], summary: String, methods: [Method<Object>] = [],
         properties: [Property<Object>], builtins: [String] = []) {
        self.methods = methods
        self.properties = properties
        self.builtins = builtins
        doc = ObjectTypeDoc(name, makers: makers, summary: summary, methods: methods.map { $0.documented(in: name) },
                            properties: properties.map { PropertyDoc($0.name, $0.summary) })
    }

    /// The method named `name`. (A scan: the tables are short, and comparing
    /// a few short strings is cheaper than hashing the name.)
    @inline(__always)
    func method(_ name: String) -> Method<Object>? {
        for m in methods where m.name == name { return m }
        return nil
    }

    /// The property named `name` that `object` has.
    func property(_ name: String, of object: Object) -> Property<Object>? {
        for p in properties where p.name == name { return p.isPresent(on: object) ? p : nil }
        return nil
    }

    /// What `object.name` reads: a property's value or a bound method; nil when it has no such member.
    func value(_ name: String, of object: Object) throws -> Value? {
        if let m = method(name) { return m.bound(to: object) }
        return try property(name, of: object)?.get(object)
    }

    /// Sets property `name` of `object` when it has one with a setter; false otherwise.
    func set(_ name: String, of object: Object, to value: Value) throws -> Bool {
        guard let set = property(name, of: object)?.set else { return false }
        try set(object, value)
        return true
    }

    /// The names `keys(object)` and completion list: its methods, the
    /// properties it has, then the builtins offered as methods.
    func names(of object: Object) -> [String] {
        methods.map(\.name) + properties.filter { $0.isPresent(on: object) }.map(\.name) + builtins
    }
}

/// A library object whose members are declared in a ``Members`` table: the
/// table answers `member`, `callMethod`, `setMember` and `memberNames`.
protocol LibraryObject: ScriptObject {
    static var members: Members<Self> { get }
}

extension LibraryObject {
    /// The type's name in its table (`DataLoader`): what `type(x)` returns
    /// for a type whose objects all have one name. Types whose objects have
    /// their own names (`Adam`, `Linear`) say them.
    var typeName: String { Self.members.doc.name }

    func member(_ name: String, in interpreter: Interpreter) throws -> Value? {
        try Self.members.value(name, of: self)
    }

    func callMethod(_ name: String, _ arguments: Arguments, in interpreter: Interpreter) throws -> Value? {
        guard let m = Self.members.method(name) else { return nil }
        return try m.call(on: self, arguments, in: interpreter)
    }

    /// Sets a property that has a setter; false for any other name (the
    /// caller says it cannot be set).
    func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws -> Bool {
        try Self.members.set(name, of: self, to: value)
    }

    var memberNames: [String] { Self.members.names(of: self) }
}
