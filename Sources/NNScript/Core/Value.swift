import NNTensor

/// A value of the nn language.
///
/// Numbers are 64-bit floats; lists and records are mutable and shared by
/// reference (as in Python); tuples and strings are immutable values. The enum
/// is kept small (a 16-byte payload) so copying a number costs no reference
/// counting and the evaluator's hot paths stay allocation-free.
public enum Value {
    /// A 64-bit float: every number of the language.
    case number(Double)
    /// An immutable string.
    case string(String)
    /// `true` or `false`.
    case bool(Bool)
    /// `nil`: the absent value (what statements and `print` return).
    case `nil`
    /// A mutable list, shared by reference: `[1, 2, 3]`.
    case list(ListRef)
    /// A mutable record with ordered fields: `{lr: 0.5, epochs: 2}`.
    case record(RecordRef)
    /// An immutable tuple: `(1, 2)`.
    case tuple([Value])
    /// A function written in nn, with the environment it closes over.
    case function(Closure)
    /// A function written in Swift, declared in the builtins registry.
    case builtin(Builtin)
    /// A tensor of the tensor engine.
    case tensor(Tensor)
    /// A half-open integer range `lower..<upper` (`a..=b` is stored as `a..<b+1`).
    case range(Int, Int)
    /// A library object (model, optimizer, loader, ...) behind an adapter.
    case object(any ScriptObject)
}

/// The mutable storage of a list value.
///
/// The array lives behind a pointer: a stored `var` of a class would cost a
/// dynamic exclusivity check on every access (the interpreter never
/// overlaps accesses to one list).
public final class ListRef {
    private let storage: UnsafeMutablePointer<[Value]>

    /// The elements, in order.
    public var items: [Value] {
        @inline(__always) get { storage.pointee }
        @inline(__always) set { storage.pointee = newValue }
        @inline(__always) _modify { yield &storage.pointee }
    }

    /// Its place in the heap.
    var link = HeapLink()

    public init(_ items: [Value] = []) {
        storage = .allocate(capacity: 1)
        storage.initialize(to: items)
        Heap.track(self)
    }

    deinit {
        Heap.untrack(self)
        Teardown.release(list: &storage.pointee)
        storage.deinitialize(count: 1)
        storage.deallocate()
    }
}

/// The mutable storage of a record value: fields in insertion order.
/// (Behind a pointer, as ``ListRef``.)
public final class RecordRef {
    private struct Fields {
        var keys: [String] = []
        var values: [Value] = []
    }
    private let storage: UnsafeMutablePointer<Fields>

    /// Field names, in order.
    public private(set) var keys: [String] {
        @inline(__always) get { storage.pointee.keys }
        @inline(__always) set { storage.pointee.keys = newValue }
        @inline(__always) _modify { yield &storage.pointee.keys }
    }
    /// Field values, parallel to `keys`.
    public private(set) var values: [Value] {
        @inline(__always) get { storage.pointee.values }
        @inline(__always) set { storage.pointee.values = newValue }
        @inline(__always) _modify { yield &storage.pointee.values }
    }

    /// Its place in the heap.
    var link = HeapLink()

    public init() {
        storage = .allocate(capacity: 1)
        storage.initialize(to: Fields())
        Heap.track(self)
    }

    /// Removes every field.
    func removeAll() {
        keys = []
        values = []
    }

    public convenience init(_ fields: [(String, Value)]) {
        self.init()
        keys.reserveCapacity(fields.count)
        values.reserveCapacity(fields.count)
        for (k, v) in fields { self[k] = v }
    }

    /// The number of fields.
    public var count: Int { keys.count }

    /// The index of a field, if present.
    @inline(__always)
    public func index(of key: String) -> Int? {
        for i in keys.indices where keys[i] == key { return i }
        return nil
    }

    /// A field's value, or nil when absent; setting adds a field at the end.
    public subscript(key: String) -> Value? {
        get {
            guard let i = index(of: key) else { return nil }
            return values[i]
        }
        set {
            if let i = index(of: key) {
                if let newValue { values[i] = newValue } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// The fields as (name, value) pairs, in order.
    public var fields: [(String, Value)] { Array(zip(keys, values)) }

    deinit {
        Heap.untrack(self)
        Teardown.release(list: &storage.pointee.values)
        storage.deinitialize(count: 1)
        storage.deallocate()
    }
}

extension Value {
    /// The language's name for this value's type, as `type(x)` returns it.
    public var typeName: String {
        switch self {
        case .number: "number"
        case .string: "string"
        case .bool: "bool"
        case .nil: "nil"
        case .list: "list"
        case .record: "record"
        case .tuple: "tuple"
        case .function, .builtin: "function"
        case .tensor: "tensor"
        case .range: "range"
        case .object(let o): o.typeName
        }
    }

    /// True for `nil`.
    public var isNil: Bool {
        if case .nil = self { return true }
        return false
    }

    /// Makes a list value.
    public static func list(_ items: [Value]) -> Value { .list(ListRef(items)) }

    /// Makes a record value from ordered fields.
    public static func record(_ fields: [(String, Value)]) -> Value { .record(RecordRef(fields)) }
}
