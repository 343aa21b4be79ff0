#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNFiles
/// Lists, records and strings.
extension Builtins {
    /// `append` and its alias `push`.
    private static func appending(_ name: String, summary: String) -> Builtin {
        Builtin(name, [.required("list"), .required("value")], area: "Lists", summary: summary,
                quick2: { list, value in
                    guard case .list(let l) = list else { return nil }
                    l.items.append(value)
                    return list
                }) { a in
            let l = try a.list("list")
            l.items.append(try a["value"])
            return try a["list"]
        }
    }

    static let lists: [Builtin] = [
        appending("append", summary: "Adds `value` at the end of `list` (in place); returns the list."),
        appending("push", summary: "Same as `append`."),
        Builtin("pop", [.required("list"), .optional("index")], area: "Lists",
                summary: "Removes and returns the last element (or the one at `index`).") { a in
            let l = try a.list("list"), index = try a["index"]
            guard !l.items.isEmpty else { throw BuiltinError("pop: the list is empty") }
            if case .nil = index { return l.items.removeLast() }
            let i = try Access.position(index, count: l.items.count, what: "list")
            return l.items.remove(at: i)
        },
        Builtin("insert", [.required("list"), .required("index"), .required("value")], area: "Lists",
                summary: "Inserts `value` before position `index` (in place).") { a in
            let l = try a.list("list")
            var i = try a.int("index")
            if i < 0 { i += l.items.count }
            l.items.insert(try a["value"], at: min(max(i, 0), l.items.count))
            return .nil
        },
        Builtin("extend", [.required("list"), .required("values")], area: "Lists",
                summary: "Appends every element of `values` to `list` (in place).") { a in
            let l = try a.list("list")
            l.items += try a.sequence("values")
            return try a["list"]
        },
        Builtin("copy", [.required("x")], area: "Lists",
                summary: "An independent copy: a list or record (shallow), a tensor (as `clone`), a model (deep).",
                discussion: """
                A list or record is copied one level deep (its elements are shared). A tensor becomes a new \
                tensor with the same values, not tracked (as `clone`). A model or layer is copied deeply: \
                its own parameters and buffers (BatchNorm's running statistics), in the same train/eval mode, \
                so training the original leaves the copy as it was (how to keep the best model so far). A \
                result (`critical_point`, ...) is copied as a record. Numbers, strings, tuples, ranges and \
                functions are values and are returned as they are. Any other library object (an optimizer, \
                a data loader, ...) cannot be copied: that is an error naming its type, never an alias.
                """) { a in
            let x = try a["x"]
            switch x {
            case .list(let l): return .list(l.items)
            case .record(let r): return .record(r.fields)
            case .tensor(let t): return .tensor(t.clone())
            case .object(let o):
                guard let c = try o.copied() else {
                    throw a.error("an object of type \(o.typeName) cannot be copied; make a new one instead")
                }
                return .object(c)
            case .number, .string, .bool, .nil, .tuple, .range, .function, .builtin: return x
            }
        },
        Builtin("contains", [.required("collection"), .required("value")], area: "Lists",
                summary: "True when a list/tuple holds `value`, a string contains a substring, or a record has a field named `value`.") { a in
            let value = try a["value"]
            switch try a["collection"] {
            case .list(let l): return .bool(l.items.contains { Operators.equal($0, value) })
            case .tuple(let t): return .bool(t.contains { Operators.equal($0, value) })
            case .string(let s):
                // The empty string is in every string (Foundation's contains says no).
                let sub = try a.string("value")
                return .bool(sub.isEmpty || s.contains(sub))
            case .record(let r): return .bool(r[try a.string("value")] != nil)
            case .range(let lo, let hi):
                guard case .number(let d) = value else { return .bool(false) }
                return .bool(d.rounded() == d && d >= Double(lo) && d < Double(hi))
            default: throw try a.bad("collection", "list, string or record")
            }
        },
        Builtin("index_of", [.required("list"), .required("value")], area: "Lists",
                summary: "The first position of `value` in a list, or nil.") { a in
            let items = try a.sequence("list"), value = try a["value"]
            return items.firstIndex { Operators.equal($0, value) }.map { .number(Double($0)) } ?? .nil
        },
        Builtin("list", [.required("x")], area: "Lists",
                summary: "A new list of the elements of a list, tuple, range, string (characters), record (values) or tensor (first axis).") { a in
            .list(try Iterate.elements(try a["x"], "list", in: a.interpreter))
        },
        Builtin("tuple", [.required("x")], area: "Lists", summary: "A tuple of the elements of a list or other sequence.") { a in
            .tuple(try Iterate.elements(try a["x"], "tuple", in: a.interpreter))
        },
        Builtin("keys", [.required("record")], area: "Lists",
                summary: "The field names of a record, in order; for a library object (a model, a result), its member names.") { a in
            if case .object(let o) = try a["record"] { return .list(o.memberNames.map { .string($0) }) }
            return .list(try a.record("record").keys.map { .string($0) })
        },
        Builtin("values", [.required("record")], area: "Lists", summary: "The field values of a record, in order.") { a in
            .list(try a.record("record").values)
        },
        Builtin("items", [.required("record")], area: "Lists", summary: "The fields of a record as `(name, value)` tuples.") { a in
            .list(try a.record("record").fields.map { .tuple([.string($0.0), $0.1]) })
        },
        Builtin("map", [.required("xs"), .required("f")], area: "Lists",
                summary: "A new list of `f(x)` for each element `x`.") { a in
            let f = try a.callable("f")
            return .list(try Iterate.elements(try a["xs"], "map", in: a.interpreter).map { try a.interpreter.call(f, [$0]) })
        },
        Builtin("filter", [.required("xs"), .required("f")], area: "Lists",
                summary: "A new list of the elements for which `f(x)` is true.") { a in
            let f = try a.callable("f")
            return .list(try Iterate.elements(try a["xs"], "filter", in: a.interpreter).filter { x in
                guard case .bool(let keep) = try a.interpreter.call(f, [x]) else {
                    throw BuiltinError("filter: the function must return a bool")
                }
                return keep
            })
        },
        Builtin("sorted", [.required("xs"), .optional("key")], area: "Lists",
                summary: "A new list sorted ascending (numbers, strings, or lists/tuples lexicographically), by `key(x)` when given.") { a in
            let items = try Iterate.elements(try a["xs"], "sorted", in: a.interpreter)
            let keys: [Value]
            if case .nil = try a["key"] { keys = items } else {
                let f = try a.callable("key")
                keys = try items.map { try a.interpreter.call(f, [$0]) }
            }
            var order = Array(items.indices)
            var failure: (any Error)?
            order.sort { i, j in
                do { return try Operators.ordered(keys[i], keys[j], .less) } catch {
                    failure = failure ?? error
                    return false
                }
            }
            if let failure { throw BuiltinError("sorted: \(failure)") }
            return .list(order.map { items[$0] })
        },
        Builtin("reversed", [.required("xs")], area: "Lists", summary: "A new list with the elements in reverse order.") { a in
            .list(try Iterate.elements(try a["xs"], "reversed", in: a.interpreter).reversed())
        },
        Builtin("join", [.required("xs"), .optional("sep", .string(""))], area: "Lists",
                summary: "The elements' texts joined with `sep`: `join([1, 2], \", \")` is `\"1, 2\"`.") { a in
            .string(try Iterate.elements(try a["xs"], "join", in: a.interpreter).map(\.description).joined(separator: try a.string("sep")))
        },
        Builtin("upper", [.required("s")], area: "Lists", summary: "The string in upper case.") { a in
            .string(try a.string("s").uppercased())
        },
        Builtin("lower", [.required("s")], area: "Lists", summary: "The string in lower case.",
                discussion: "As Python's `str.lower`: each character's full lower-case mapping, and a capital sigma that ends a word becomes the final form `ς`: `lower(\"ΑΣ\")` is `\"ας\"`, as in Python.") { a in
            .string(lowercase(try a.string("s")))
        },
        Builtin("trim", [.required("s")], area: "Lists", summary: "The string without leading and trailing whitespace.") { a in
            .string(PlainText.trimmed(try a.string("s"), .all))
        },
        Builtin("replace", [.required("s"), .required("old"), .required("new")], area: "Lists",
                summary: "The string with every occurrence of `old` replaced by `new`.") { a in
            let old = try a.string("old")
            guard !old.isEmpty else { throw try a.bad("old", message: "cannot replace an empty string") }
            return .string(PlainText.replacing(old, with: try a.string("new"), in: try a.string("s")))
        },
    ]
}

/// Turning iterable values into element lists.
enum Iterate {
    /// The most items a list made from a sequence may hold (2**26, as for
    /// a repeated list): a range, a string, a tensor's rows or a tensor's
    /// values beyond it are an error, not an allocation that kills the
    /// process.
    static let maxItems = 1 << 26

    /// Throws unless `n` items fit in one list.
    static func checkCount(_ n: Int, _ what: String, _ op: String) throws {
        guard n <= maxItems else {
            throw BuiltinError("\(op): a \(what) of \(n) items is too long to make a list (at most 2**26; take a slice first)")
        }
    }

    /// The elements `for x in v` would visit; a library object (a data
    /// loader: one epoch of batches) only when `interpreter` is given.
    static func elements(_ v: Value, _ op: String, in interpreter: Interpreter? = nil) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .range(let lo, let hi):
            guard hi - lo <= maxItems else { throw BuiltinError("\(op): range too long to make a list (\(hi - lo) elements)") }
            return lo < hi ? (lo..<hi).map { .number(Double($0)) } : []
        case .string(let s):
            // characters <= bytes: counting bytes first keeps the check O(1)
            if s.utf8.count > maxItems { try checkCount(s.count, "string", op) }
            return s.map { .string(String($0)) }
        case .record(let r): return r.values
        case .tensor(let t):
            guard let n = t.shape.first else { throw BuiltinError("\(op): cannot iterate over a 0-d tensor") }
            try checkCount(n, "tensor", op)
            return try (0..<n).map { .tensor(try t.index([.index($0)])) }
        case .object(let o):
            guard let interpreter, let next = try o.makeIterator(in: interpreter) else {
                throw BuiltinError("\(op): cannot iterate over a \(o.typeName)")
            }
            var out: [Value] = []
            while let x = try next() {
                try interpreter.pollInterrupt()
                try checkCount(out.count + 1, o.typeName, op)
                out.append(x)
            }
            return out
        default: throw BuiltinError("\(op): cannot iterate over a \(v.typeName)")
        }
    }
}
