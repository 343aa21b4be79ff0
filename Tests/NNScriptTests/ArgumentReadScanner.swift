import Foundation

/// Reads the Swift sources of the builtin and method tables and checks how
/// their bodies read arguments (for `RegistryNameTests`).
///
/// A declaration is `Builtin("name", [parameters], ...) { a in body }` or
/// `Method("name", [parameters], ...) { o, a in body }`. Its parameter list
/// may use shared lists and single parameters (`lossParams + [...]`,
/// `[.required("opt")] + scheduleTail`, `xParam`, `yParam("X")`): a name is
/// resolved through the `static let` or the function returning
/// `BuiltinParameter`/`[BuiltinParameter]` that defines it in the scanned files.
///
/// Reads by name are `a.number("lr")` (any `BuiltinArguments` method whose
/// first parameter is `_ name: String`), `a["lr"]` and helper calls
/// `tensorArg(a, "t")` / `tensorPair(a, "a", "b")`; a helper function that
/// takes `BuiltinArguments` and reads literal names itself (`anyAll` reads
/// "axis") lends those reads to every declaration that passes it its
/// arguments. Positional reads are `a[0]`, `a.number(1)`, `helper(a, 2)`,
/// `a.values[0]`, `a.builtin.parameters[i]`, an index computed from a
/// number (`a[t + 3]`), and any read whose index is an `Int` parameter of
/// the function around it (`func bound(_ i: Int) { a.number(i) }`).
struct ArgumentReadScanner {
    /// One source file: `text` has comments blanked, `code` also string
    /// contents (interpolated code kept), both as long as the source, so
    /// offsets agree. Bytes outside ASCII become `?`.
    struct Source {
        let name: String
        let text: [UInt8]
        let code: [UInt8]
        let textString: String
        let codeString: String

        init(name: String, contents: String) {
            self.name = name
            let bytes = Array(contents.utf8).map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }
            (text, code) = Lexer.mask(bytes)
            textString = String(decoding: text, as: UTF8.self)
            codeString = String(decoding: code, as: UTF8.self)
        }

        func line(_ offset: Int) -> Int { text[..<min(offset, text.count)].filter { $0 == 10 }.count + 1 }
        func code(_ r: Range<Int>) -> String { String(decoding: code[r], as: UTF8.self) }
    }

    /// A `Builtin(...)`/`Method(...)` declaration.
    struct Declaration {
        /// `Builtin` or `Method`.
        let kind: String
        let file: String
        let line: Int
        let name: String
        let isLiteralName: Bool
        var parameters: [String]
        var unresolved: [String]
        /// The closure's arguments variable (`a`), nil for `_` or no body.
        let argumentName: String?
        /// The trailing closure.
        let body: Range<Int>?
    }

    /// A function with `BuiltinArguments` parameters.
    struct Helper {
        let file: String
        let name: String
        let argumentNames: [String]
        let body: Range<Int>
    }

    let sources: [Source]
    private(set) var declarations: [Declaration] = []
    private(set) var helpers: [Helper] = []
    /// Methods of `BuiltinArguments` that take a parameter name first.
    private(set) var accessors: Set<String> = []
    private var lets: [String: (Int, Range<Int>)] = [:]
    private var parameterFunctions: [String: (Int, Range<Int>)] = [:]

    init(sources: [Source]) {
        self.sources = sources
        for s in sources {
            for block in Regex.all(#"(?:extension|struct)\s+BuiltinArguments\b[^{]*\{"#, s.codeString) {
                guard let end = Lexer.matching(s.code, block.end - 1) else { continue }
                for m in Regex.all(#"func\s+(\w+)\s*\(\s*_\s+name\s*:\s*String"#, s.codeString, in: block.end..<end) {
                    accessors.insert(m[1])
                }
            }
        }
        for (f, s) in sources.enumerated() {
            for m in Regex.all(#"static\s+let\s+(\w+)\s*(?::[^=\n]+)?=\s*"#, s.codeString) {
                lets[m[1]] = (f, m.end..<expressionEnd(s, from: m.end))
            }
            for m in Regex.all(#"func\s+(\w+)\s*\([^)]*\)\s*->\s*\[?\s*BuiltinParameter\s*\]?\s*\{"#, s.codeString) {
                if let close = Lexer.matching(s.code, m.end - 1) { parameterFunctions[m[1]] = (f, m.end..<close) }
            }
        }
        for (f, s) in sources.enumerated() {
            helpers += findHelpers(s)
            declarations += findDeclarations(s, file: f)
        }
    }

    // MARK: Declarations and their parameter lists

    private func findDeclarations(_ s: Source, file f: Int) -> [Declaration] {
        var out: [Declaration] = []
        for m in Regex.all(#"(?<![\w.])(Builtin|Method)\s*\("#, s.codeString) {
            if Regex.first(#"(func|init)\s*$"#, s.code(max(0, m.start - 8)..<m.start)) != nil { continue }
            let open = m.end - 1
            guard let close = Lexer.matching(s.code, open) else { continue }
            let args = Lexer.split(s.code, open + 1..<close)
            guard let first = args.first else { continue }
            let nameText = String(decoding: s.text[first], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let literal = Regex.first(#"^"([^"\\]*)"$"#, nameText)
            var parameters: [String] = [], unresolved: [String] = []
            if args.count > 1, Regex.first(#"^\s*\w+\s*:(?!:)"#, s.code(args[1])) == nil {
                (parameters, unresolved) = parameterList(file: f, args[1], depth: 0)
            }
            var body: Range<Int>?
            var k = close + 1
            while k < s.code.count, s.code[k] == 32 || s.code[k] == 10 { k += 1 }
            if k < s.code.count, s.code[k] == UInt8(ascii: "{"), let end = Lexer.matching(s.code, k) {
                body = k..<end + 1
            } else if let labeled = args.first(where: { Regex.first(#"^\s*body\s*:\s*\{"#, s.code($0)) != nil }),
                      let brace = s.code[labeled].firstIndex(of: UInt8(ascii: "{")), let end = Lexer.matching(s.code, brace) {
                body = brace..<end + 1  // `Builtin(..., body: { a in ... })`
            }
            var argument: String?
            if let body, let h = Regex.first(#"^\{\s*(?:\w+\s*,\s*)*(\w+)\s+in\b"#, s.code(body)), h[1] != "_" {
                argument = h[1]
            }
            out.append(Declaration(kind: m[1], file: s.name, line: s.line(m.start), name: literal?[1] ?? nameText,
                                   isLiteralName: literal != nil, parameters: parameters, unresolved: unresolved,
                                   argumentName: argument, body: body))
        }
        return out
    }

    /// The parameter names of a parameter-list expression, in order, and the
    /// names it uses that no scanned definition resolves.
    private func parameterList(file f: Int, _ r: Range<Int>, depth: Int) -> ([String], [String]) {
        let s = sources[f]
        guard depth < 8 else { return ([], ["(nested too deeply)"]) }
        var names: [String] = [], unresolved: [String] = []
        var i = r.lowerBound
        while i < r.upperBound {
            let rest = s.code(i..<r.upperBound)
            if let m = Regex.first(#"^\.(required|optional|needed|variadic)\s*\("#, rest) {
                let open = i + m.end - 1
                if let lit = Regex.first(#"^\s*"([^"\\]*)""#, String(decoding: s.text[open + 1..<r.upperBound], as: UTF8.self)) {
                    names.append(lit[1])
                } else {
                    unresolved.append("(a parameter without a literal name)")
                }
                i = (Lexer.matching(s.code, open) ?? r.upperBound - 1) + 1
            } else if let m = Regex.first(#"^(\w+)\s*(\.|\()?"#, rest), let c = m[1].unicodeScalars.first, !CharacterSet.decimalDigits.contains(c) {
                let id = m[1]
                if m.optional(2) == "." {  // a qualifier: `BuiltinParameter.needed(...)`, `Builtins.lossParams`
                    i += m.end - 1
                    continue
                }
                let definition = lets[id] ?? (m.optional(2) == "(" ? parameterFunctions[id] : nil)
                if let (g, range) = definition {
                    let (n, u) = parameterList(file: g, range, depth: depth + 1)
                    names += n
                    unresolved += u
                } else {
                    unresolved.append(id)
                }
                i += m.end
                if m.optional(2) == "(" { i = (Lexer.matching(s.code, i - 1) ?? r.upperBound - 1) + 1 }
            } else {
                i += 1
            }
        }
        return (names, unresolved)
    }

    /// The end of a `static let` initializer: a newline outside brackets not followed by `+` or `.`.
    private func expressionEnd(_ s: Source, from start: Int) -> Int {
        var depth = 0, i = start
        while i < s.code.count {
            switch s.code[i] {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth < 0 { return i }
            case 10 where depth == 0:
                var j = i + 1
                while j < s.code.count, s.code[j] == 32 { j += 1 }
                if j < s.code.count, s.code[j] == UInt8(ascii: "+") || s.code[j] == UInt8(ascii: ".") { break }
                return i
            default: break
            }
            i += 1
        }
        return i
    }

    // MARK: Helpers

    private func findHelpers(_ s: Source) -> [Helper] {
        functions(s).compactMap { f in
            let names = f.parameters.compactMap { p in
                Regex.first(#"(\w+)\s*:\s*(?:inout\s+)?BuiltinArguments\b"#, p).map { $0[1] }
            }
            return names.isEmpty ? nil : Helper(file: s.name, name: f.name, argumentNames: names, body: f.body)
        }
    }

    /// Every `func` of a file: name, parameter texts (internal names first) and body.
    func functions(_ s: Source) -> [(name: String, parameters: [String], body: Range<Int>)] {
        Regex.all(#"(?<![\w.])func\s+(\w+)\s*(?:<[^>]*>)?\s*\("#, s.codeString).compactMap { m in
            guard let close = Lexer.matching(s.code, m.end - 1) else { return nil }
            let parameters = Lexer.split(s.code, m.end..<close).map { r -> String in
                // `_ i: Int`, `label name: T`, `name: T` -> `name: T`
                let p = s.code(r).trimmingCharacters(in: .whitespacesAndNewlines)
                if let two = Regex.first(#"^\w+\s+(\w+\s*:.*)$"#, p) { return two[1] }
                return p
            }
            guard let brace = s.code[close...].firstIndex(of: UInt8(ascii: "{")),
                  let end = Lexer.matching(s.code, brace) else { return nil }
            return (m[1], parameters, brace..<end + 1)
        }
    }
}
