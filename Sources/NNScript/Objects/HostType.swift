/// Object types a host declares: a Swift class that scripts hold, read
/// properties of and call methods on, documented as the library's own
/// objects are (`help("Camera.zoom")`, `help(cam)`, completion after `cam.`).
///
/// ```swift
/// final class Camera { var zoom = 1.0; var shots = 0 }
///
/// let cameraType = HostType<Camera>("Camera", summary: "A camera the script can point and shoot.",
///     makers: ["camera"],
///     properties: [
///         HostProperty("zoom", summary: "The zoom factor (1 is none).",
///                      get: { $0.zoom }, set: { cam, z in cam.zoom = z }),
///         HostProperty("shots", summary: "Pictures taken so far.", get: { $0.shots }),
///     ],
///     methods: [
///         HostMethod("shoot", [.optional("times", .number(1))],
///                    summary: "Takes `times` pictures; returns how many were taken in all.") { cam, a in
///             cam.shots += try a.value("times", as: Int.self)
///             return cam.shots
///         },
///     ])
/// nn.register(cameraType)
/// nn.register(Builtin("camera", summary: "A new Camera.") { _ in cameraType.wrap(Camera()) })
/// try nn.run(source: "let c = camera()\nc.zoom = 2\nprint(c.shoot(times: 3))")
/// ```
///
/// A method's arguments are bound by the same binder as builtins' (so
/// `c.shoot(tims: 3)` is `shoot: unknown argument 'tims'; did you mean
/// 'times'?`) and read by name from ``BuiltinArguments``
/// (``BuiltinArguments/value(_:as:)`` converts them). A method's body
/// returns anything ``ValueConvertible`` (`Value.nil` for nothing). A
/// property's getter returns a ``ValueConvertible`` type, and its setter,
/// when it has one, receives the script's value converted to that type
/// (`c.zoom = "x"` is `Camera.zoom: expected a number, got a string`).
///
/// The script sees the Swift object itself (shared, not copied): what the
/// script does through it, the host sees. `type(c)` is `"Camera"`.
/// Registering the type (`nn.register(cameraType)`) makes `help("Camera")` and
/// `help("Camera.shoot")` find the type; `help(c)` and completion work for
/// any wrapped object, registered or not.
public final class HostType<Object: AnyObject>: @unchecked Sendable {
    /// The name `type(x)` returns, messages use and `help` documents.
    public let name: String
    let members: Members<Object>
    let describe: (Object) -> String

    /// Declares a type. `makers` name the builtins that make such objects
    /// (listed in its help); `description` is how `print` shows one (by
    /// default `<Camera>`).
    public init(_ name: String, summary: String, makers: [String] = [],
                properties: [HostProperty<Object>] = [], methods: [HostMethod<Object>] = [],
                description: ((Object) -> String)? = nil) {
        self.name = name
        self.members = Members(name, makers: makers, summary: summary, methods: methods.map(\.method),
                               properties: properties.map(\.property))
        self.describe = description ?? { _ in "<\(name)>" }
    }

    /// `object` as a script value, of this type.
    public func wrap(_ object: Object) -> Value {
        .object(HostObject(object, type: self))
    }

    /// The Swift object inside a script value made by ``wrap(_:)``; throws
    /// ``ValueConversionError`` (`expected a Camera, got a number`) for any
    /// other value.
    public func unwrap(_ value: Value) throws -> Object {
        if case .object(let o) = value, let h = o as? HostObject<Object>, h.type === self { return h.object }
        throw ValueConversionError(expected: ValueConversionError.article(name) + " " + name, got: value)
    }

    /// The documentation `help` shows.
    var doc: ObjectTypeDoc { members.doc }
}

/// A method of a host object type (``HostType``).
public struct HostMethod<Object: AnyObject> {
    let method: Method<Object>

    /// A method `name` with `parameters` (as a builtin declares them) and a
    /// one-line `summary`; `body` receives the object and the bound arguments.
    public init(_ name: String, _ parameters: [BuiltinParameter] = [], summary: String,
                _ body: @escaping (Object, inout BuiltinArguments) throws -> any ValueConvertible) {
        method = Method(name, parameters, summary: summary) { object, a in
            let result = try body(object, &a)
            // A result scripts cannot hold exactly (an Int a Double would round) is the method's error.
            do { return try result.scriptValue } catch let e as ValueConversionError { throw a.error("its result: \(e)") }
        }
    }
}

/// A property of a host object type (``HostType``): read with `x.name`,
/// set with `x.name = v` when it has a setter.
public struct HostProperty<Object: AnyObject> {
    let property: Property<Object>

    /// A property read by `get` and, when `set` is given, written by it with
    /// the script's value converted to `T`.
    public init<T: ValueConvertible>(_ name: String, summary: String, get: @escaping (Object) throws -> T,
                                     set: ((Object, T) throws -> Void)? = nil) {
        let setter: ((Object, Value) throws -> Void)? = set.map { set in
            { object, value in try set(object, try T(scriptValue: value)) }
        }
        property = Property(name, summary, set: setter) { object in try get(object).scriptValue }
    }
}

/// A wrapped host object: its type's member table answers the script.
final class HostObject<Object: AnyObject>: ScriptObject, DocumentedObject {
    let object: Object
    let type: HostType<Object>

    init(_ object: Object, type: HostType<Object>) {
        self.object = object
        self.type = type
    }

    var typeName: String { type.name }
    var description: String { type.describe(object) }
    var typeDoc: ObjectTypeDoc { type.doc }

    func member(_ name: String, in interpreter: Interpreter) throws -> Value? {
        do { return try type.members.value(name, of: object) } catch let e as ValueConversionError {
            throw BuiltinError(e.inside("\(type.name).\(name)").description)
        }
    }

    func callMethod(_ name: String, _ arguments: Arguments, in interpreter: Interpreter) throws -> Value? {
        guard let m = type.members.method(name) else { return nil }
        return try m.call(on: object, arguments, in: interpreter)
    }

    func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws -> Bool {
        do { return try type.members.set(name, of: object, to: value) } catch let e as ValueConversionError {
            throw BuiltinError(e.inside("\(type.name).\(name)").description)
        }
    }

    var memberNames: [String] { type.members.names(of: object) }
}

/// An object that carries its type's documentation (host objects), for `help(x)`.
protocol DocumentedObject {
    var typeDoc: ObjectTypeDoc { get }
}

extension Interpreter {
    /// Makes `help("Camera")`, `help("Camera.method")` and `help()` list a
    /// host's object type (replacing a registered type of the same name).
    /// Objects of the type work in scripts without it; only the help by
    /// name needs it.
    public func register<Object>(_ type: HostType<Object>) {
        hostTypes.removeAll { $0.name == type.name }
        hostTypes.append(type.doc)
    }

    /// The object types `help` knows: the library's, then the host's.
    var objectTypes: [ObjectTypeDoc] { LibraryTypes.all + hostTypes }
}
