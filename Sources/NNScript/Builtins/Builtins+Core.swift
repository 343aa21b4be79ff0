#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNTensor
import NNFiles

/// The per-area tables of builtins. Each entry is declared once, with its docs.
public enum Builtins {}

extension Builtins {
    /// Printing, checking, types and conversions, errors, time.
    static let core: [Builtin] = [
        Builtin("print", [.variadic("values"), .optional("sep", .string(" ")), .optional("end", .string("\n"))],
                area: "Core", summary: "Prints values separated by spaces, then a newline; returns nil.",
                discussion: "Strings print without quotes; numbers in the shortest form that reads back the same (`print(2 ** 10)` shows `1024`, `print(0.1 + 0.2)` shows `0.30000000000000004`).") { a in
            let sep = try a.string("sep"), end = try a.string("end")
            try a.interpreter.write(a.rest.map(\.description).joined(separator: sep) + end)
            return .nil
        },
        Builtin("assert", [.required("condition"), .optional("message")], area: "Core",
                summary: "Raises an error when `condition` is false.") { a in
            guard case .bool(let ok) = try a["condition"] else { throw try a.bad("condition", "bool") }
            if !ok {
                let message = try a["message"]
                let msg: String = if case .nil = message { "assertion failed" } else { "assertion failed: \(message.description)" }
                throw BuiltinError(msg)
            }
            return .nil
        },
        Builtin("assert_close", [.required("a"), .required("b"), .optional("tol", .number(1e-6))], area: "Core",
                summary: "Raises an error unless `a` and `b` agree within `tol` elementwise.",
                discussion: "Numbers, tensors and (nested) lists compare elementwise: `abs(a - b) <= tol * (1 + abs(b))`.") { a in
            let tol = try a.number("tol"), va = try a["a"], vb = try a["b"]
            let x = try NumberList.flatNumbers(va, "assert_close"), y = try NumberList.flatNumbers(vb, "assert_close")
            guard x.count == y.count else {
                throw BuiltinError("assert_close: sizes differ (\(x.count) and \(y.count) elements)")
            }
            for i in x.indices where !(abs(x[i] - y[i]) <= tol * (1 + abs(y[i]))) {
                throw BuiltinError("assert_close: \(va.repr) and \(vb.repr) differ at element \(i) (\(Value.formatNumber(x[i])) vs \(Value.formatNumber(y[i])), tol \(Value.formatNumber(tol)))")
            }
            return .nil
        },
        Builtin("error", [.required("message")], area: "Core",
                summary: "Raises an error; `catch e` receives `message` as given.") { a in
            let message = try a["message"]
            var e = ScriptError(message.description, at: a.interpreter.rt.callSite)
            e.payload = PayloadBox(message)
            throw e
        },
        Builtin("type", [.required("x")], area: "Core",
                summary: "The name of a value's type: \"number\", \"string\", \"bool\", \"nil\", \"list\", \"record\", \"tuple\", \"function\", \"tensor\", \"range\", or a library type.") { a in
            .string(try a["x"].typeName)
        },
        Builtin("str", [.required("x")], area: "Core", summary: "The text `print` would show for `x`.") { a in
            .string(try a["x"].description)
        },
        Builtin("repr", [.required("x")], area: "Core", summary: "The text of `x` as it is shown inside a list (strings quoted).") { a in
            .string(try a["x"].repr)
        },
        formatBuiltin,
        Builtin("number", [.required("x")], area: "Core",
                summary: "Converts a string (or a one-element tensor, or a bool) to a number.") { a in
            let x = try a["x"]
            switch x {
            case .number: return x
            case .bool(let b): return .number(b ? 1 : 0)
            case .string(let s):
                guard let d = Double(PlainText.trimmed(s, .horizontal)) else {
                    throw BuiltinError("number: cannot convert \(Value.quote(s)) to a number")
                }
                return .number(d)
            case .tensor(let t): return .number(try t.item())
            default: throw try a.bad("x", "string or number")
            }
        },
        Builtin("len", [.required("x")], area: "Core",
                summary: "The number of elements of a list, tuple, string (characters), record (fields), range, tensor (first axis) or Sequential (layers).",
                quick1: { x in
                    switch x {
                    case .list(let l): .number(Double(l.items.count))
                    case .tuple(let t): .number(Double(t.count))
                    default: nil
                    }
                }) { a in
            switch try a["x"] {
            case .list(let l): return .number(Double(l.items.count))
            case .tuple(let t): return .number(Double(t.count))
            case .string(let s): return .number(Double(s.count))
            case .record(let r): return .number(Double(r.count))
            case .range(let lo, let hi): return .number(Double(max(0, hi - lo)))
            case .tensor(let t):
                guard let n = t.shape.first else { throw BuiltinError("len: a 0-d tensor has no length") }
                return .number(Double(n))
            case .object(let o) where o.length != nil:
                return .number(Double(o.length ?? 0))
            default: throw try a.bad("x", "list, string, record or tensor")
            }
        },
        Builtin("range", [.required("a"), .optional("b"), .optional("step")], area: "Core",
                summary: "`range(n)` is `0..n`; `range(a, b)` is `a..b`; with `step`, a list `[a, a+step, ...]` stopping before `b`.") { a in
            func bound(_ name: String) throws -> Int {
                let d = try a.number(name)
                let v = try a.value(name)
                guard d.isFinite, d.rounded() == d else { throw try a.bad(name, message: "integer expected, got \(v.repr)") }
                guard let n = RangeNode.bound(v) else { throw try a.bad(name, message: RangeNode.boundMessage(v)) }
                return n
            }
            let x = try bound("a")
            guard case .nil = try a["b"] else {
                let y = try bound("b")
                if case .nil = try a["step"] { return .range(x, y) }
                let s = try bound("step")
                guard s != 0 else { throw try a.bad("step", message: "step cannot be zero") }
                let n = s > 0 ? max(0, (y - x + s - 1) / s) : max(0, (x - y - s - 1) / -s)
                guard n <= 1 << 26 else { throw BuiltinError("range: too many elements (\(n))") }
                return .list((0..<n).map { .number(Double(x + $0 * s)) })
            }
            return .range(0, x)
        },
        Builtin("time", [], area: "Core", summary: "Seconds since the Unix epoch, as a number with a fraction.") { _ in
            .number(Date().timeIntervalSince1970)
        },
        Builtin("clock", [], area: "Core", summary: "Seconds from a monotonic clock, for measuring durations.") { _ in
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return .number(Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9)
        },
        Builtin("script_dir", [], area: "Core",
                summary: "The folder of the script file this call is written in, for files next to the script: `read_csv(\"{script_dir()}/data/x.csv\")`.",
                discussion: "The folder is the script's path as it was given, up to its last `/` (`nn examples/train.nn` gives \"examples\", `nn /abs/train.nn` gives \"/abs\", `nn train.nn` gives \".\"), so it is relative to the current directory when the path was, and a script finds its files from any working directory. It belongs to the file the call is written in: a function from a file loaded with `:load` or `nn -i` keeps its file's folder when called from the REPL. Code without a file (a REPL entry, `nn -e`, standard input) gets \".\", the current directory.") { a in
            let interp = a.interpreter
            return .string(ScriptPath.directory(of: interp.sources[interp.rt.callSite.file]?.name ?? ""))
        },
        Builtin("seed", [.required("n")], area: "Core",
                summary: "Resets the interpreter's random generator to seed `n`, for reproducible runs.") { a in
            let n = try a.int("n")
            guard n >= 0 else { throw try a.bad("n", message: "a seed must be non-negative") }
            a.interpreter.rng = RandomGenerator(seed: UInt64(n))
            return .nil
        },
        Builtin("help", [.optional("name")], area: "Core",
                summary: "Shows the documentation of a builtin (by name or value), or lists all builtins.") { a in
            try a.interpreter.write(try Help.text(for: try a["name"], in: a.interpreter) + "\n")
            return .nil
        },
    ]
}

/// The folder of a script from the name its source was run under.
enum ScriptPath {
    /// `name` up to its last `/` ("/" for a file at the root); "." for a bare
    /// file name or a name that is no path (`<stdin:3>`, `-e`, `<input>`).
    static func directory(of name: String) -> String {
        if name.isEmpty || name.hasPrefix("<") || name == "-e" || name == "-" { return "." }
        guard let slash = name.lastIndex(of: "/") else { return "." }
        return slash == name.startIndex ? "/" : String(name[..<slash])
    }
}

/// Conversions between script values and Swift values.
enum NumberList {
    /// All numbers inside a number, tensor or nested list, in row-major order.
    static func flatNumbers(_ v: Value, _ op: String, depth: Int = 0) throws -> [Double] {
        guard depth < 64 else { throw BuiltinError("\(op): list nested too deeply") }
        switch v {
        case .number(let d): return [d]
        case .bool(let b): return [b ? 1 : 0]
        case .tensor(let t): return t.doubles
        case .list(let l): return try l.items.flatMap { try flatNumbers($0, op, depth: depth + 1) }
        case .tuple(let t): return try t.flatMap { try flatNumbers($0, op, depth: depth + 1) }
        default: throw BuiltinError("\(op): expected numbers, got \(v.typeName)")
        }
    }
}
