/// What Tab offers for the word under the cursor.
public struct CompletionResult: Equatable, Sendable {
    /// Whole words that start with the typed word, sorted.
    public var candidates: [String]
    /// True when a unique candidate should be followed by a space (`lr: `).
    public var appendsSpace: Bool
    /// True when the cursor is inside a string: complete file names instead.
    public var wantsFilenames: Bool

    public init(candidates: [String], appendsSpace: Bool = false, wantsFilenames: Bool = false) {
        self.candidates = candidates
        self.appendsSpace = appendsSpace
        self.wantsFilenames = wantsFilenames
    }
}

extension Session {
    /// The completions of `word`, the identifier being typed, given the
    /// entry's text `before` it (earlier lines of a multi-line entry included).
    ///
    /// - after `x.`: the members of `x`'s value: a record's fields, a
    ///   tensor's properties and methods, a model's or optimizer's members;
    /// - at an argument of a call: its named parameters (`Adam(ps, l` gives
    ///   `lr:`), and the user's variables;
    /// - after `:` at the start of a line: the REPL commands;
    /// - inside a string: nothing (the caller completes file names);
    /// - elsewhere: keywords, builtins and variables.
    public func completions(before: String, word: String) -> CompletionResult {
        let scan = CompletionScan(before)
        if scan.inString { return CompletionResult(candidates: [], wantsFilenames: true) }
        let line = before.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? before
        let lineStart = line.trimmingWhitespace
        if lineStart.hasPrefix(":") {
            if lineStart == ":" {
                return CompletionResult(candidates: SessionCommand.names.filter { $0.hasPrefix(word) }.sorted())
            }
            if lineStart.hasPrefix(":load") || lineStart.hasPrefix(":save") || lineStart.hasPrefix(":l ")
                || lineStart.hasPrefix(":s ") {
                return CompletionResult(candidates: [], wantsFilenames: true)
            }
        }
        if before.last == "." {
            guard let receiver = scan.trailingChain(droppingLast: 1), let value = resolve(receiver) else {
                return CompletionResult(candidates: [])
            }
            return CompletionResult(candidates: memberNames(of: value).filter { $0.hasPrefix(word) })
        }
        if scan.atArgumentStart, let call = scan.openCall {
            let labels = namedParameters(of: call.callee).filter { !call.givenLabels.contains($0) }
                .map { $0 + ":" }.filter { $0.hasPrefix(word) }
            if !labels.isEmpty {
                let vars = userVariableNames.filter { $0.hasPrefix(word) }
                return CompletionResult(candidates: Array(Set(labels + vars)).sorted(), appendsSpace: true)
            }
        }
        return CompletionResult(candidates: interpreter.completions(prefix: word))
    }

    /// The value of a dotted name such as `model` or `cfg.opt` (records and
    /// objects only past the first name, so Tab never runs user code).
    func resolve(_ chain: [String]) -> Value? {
        guard let first = chain.first, var value = interpreter[first] else { return nil }
        for name in chain.dropFirst() {
            switch value {
            case .record(let r):
                guard let v = r[name] else { return nil }
                value = v
            case .object(let o):
                guard let v = try? o.member(name, in: interpreter) else { return nil }
                value = v
            default:
                return nil
            }
        }
        return value
    }

    /// The members Tab offers after `value.`: properties, fields and the
    /// builtins that take such a value first (method syntax), sorted.
    func memberNames(of value: Value) -> [String] {
        var names: [String]
        switch value {
        case .tensor:
            names = Interpreter.tensorPropertyNames
                + methods(areas: ["Tensors", "Math", "Autodiff"], firstParameters: ["t", "x", "a"])
        case .record(let r):
            names = r.keys + methods(areas: nil, firstParameters: ["record"])
        case .list, .tuple, .range:
            names = methods(areas: ["Lists"], firstParameters: ["list", "xs", "collection", "x"])
                + nnFunctions(firstParameters: ["xs", "a"]) + ["len"]
        case .string:
            names = methods(areas: nil, firstParameters: ["s"]) + ["len", "contains"]
        case .object(let o):
            names = o.memberNames
        case .function:
            names = ["name"]
        default:
            names = []
        }
        return Array(Set(names)).sorted()
    }

    /// Builtins of the given areas (any when nil) whose first parameter has one of the given names.
    private func methods(areas: Set<String>?, firstParameters: Set<String>) -> [String] {
        interpreter.registry.all.filter { b in
            guard let first = b.parameters.first, !first.isVariadic else { return false }
            return (areas?.contains(b.area) ?? true) && firstParameters.contains(first.name)
        }.map(\.name)
    }

    /// Global nn functions (the stdlib's) whose first parameter has one of the given names.
    private func nnFunctions(firstParameters: Set<String>) -> [String] {
        interpreter.rt.globals.values.compactMap { cell in
            guard cell.isDefined, case .function(let c) = cell.value,
                  let first = c.parameterNames.first, firstParameters.contains(first) else { return nil }
            return cell.name
        }
    }

    /// The parameters of the called function that may be passed by name.
    ///
    /// `Adam` (a builtin) gives its declared parameters; a function written in
    /// nn gives its parameter names; a method call `t.sum` leaves out the
    /// receiver (the first parameter).
    func namedParameters(of callee: [String]) -> [String] {
        guard let last = callee.last else { return [] }
        if callee.count > 1 {
            if let receiver = resolve(Array(callee.dropLast())), case .object(let o) = receiver,
               let member = try? o.member(last, in: interpreter) {
                return parameters(of: member, dropFirst: false)
            }
            guard let b = interpreter.registry[last] else { return [] }
            return parameters(of: .builtin(b), dropFirst: true)
        }
        if let v = interpreter[last] { return parameters(of: v, dropFirst: false) }
        if let b = interpreter.registry[last] { return parameters(of: .builtin(b), dropFirst: false) }
        return []
    }

    private func parameters(of value: Value, dropFirst: Bool) -> [String] {
        switch value {
        case .builtin(let b):
            return b.parameters.dropFirst(dropFirst ? 1 : 0).filter { !$0.isVariadic }.map(\.name)
        case .function(let c):
            return Array(c.parameterNames.dropFirst(dropFirst ? 1 : 0))
        default:
            return []
        }
    }
}

/// A lexical scan of the text before the cursor: open brackets (strings and
/// comments skipped, interpolation `{...}` inside strings followed), whether
/// the cursor is inside a string, and the innermost open call.
struct CompletionScan {
    /// An open call: the callee as a dotted name and the labels already given.
    struct Call {
        var callee: [String]
        var givenLabels: Set<String>
    }

    private enum Context {
        case bracket(Character, Int)
        case string
        case interpolation
    }

    private let chars: [Character]
    private var stack: [Context] = []

    init(_ text: String) {
        chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if case .string = stack.last {
                if c == "\\" { i += 2; continue }
                if c == "\"" { stack.removeLast() } else if c == "{" { stack.append(.interpolation) }
                i += 1
                continue
            }
            switch c {
            case "#":
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            case "\"": stack.append(.string)
            case ":" where { if case .interpolation = stack.last { true } else { false } }():
                // A format spec (`"{x:(<8}"`) is not code: skip to its `}`.
                while i < chars.count, chars[i] != "}" { i += 1 }
                continue
            case "(", "[", "{": stack.append(.bracket(c, i))
            case ")", "]", "}":
                if !stack.isEmpty { stack.removeLast() }
            default: break
            }
            i += 1
        }
    }

    /// True when the text ends inside a string literal (not inside its interpolation).
    var inString: Bool {
        if case .string = stack.last { return true }
        return false
    }

    /// The dotted name ending `count` characters before the end (`cfg.opt` in `cfg.opt.`).
    func trailingChain(droppingLast count: Int) -> [String]? {
        chain(endingAt: chars.count - count)
    }

    /// The dotted name whose last character is just before `end`.
    private func chain(endingAt end: Int) -> [String]? {
        var i = end
        var parts: [String] = []
        while true {
            var j = i
            while j > 0, CompletionScan.isIdentifierCharacter(chars[j - 1]) { j -= 1 }
            guard j < i, let first = chars[j...].first, !first.isNumber else { return nil }
            parts.insert(String(chars[j..<i]), at: 0)
            if j > 0, chars[j - 1] == "." {
                if j > 1, chars[j - 2] == "." { return nil }
                i = j - 1
                continue
            }
            return parts
        }
    }

    /// True when the cursor's word starts an argument: the last non-blank
    /// character before it is the call's `(` or a `,`.
    var atArgumentStart: Bool {
        var i = chars.count
        while i > 0, CompletionScan.isIdentifierCharacter(chars[i - 1]) { i -= 1 }
        while i > 0, chars[i - 1] == " " || chars[i - 1] == "\t" || chars[i - 1] == "\n" { i -= 1 }
        return i > 0 && (chars[i - 1] == "(" || chars[i - 1] == ",")
    }

    /// The innermost open `(` when it follows a name (a call), with the labels given so far.
    var openCall: Call? {
        guard case .bracket(let c, let at) = stack.last, c == "(",
              let callee = chain(endingAt: at) else { return nil }
        return Call(callee: callee, givenLabels: labels(after: at))
    }

    /// The `name:` labels at the top level of the call opened at `open`.
    private func labels(after open: Int) -> Set<String> {
        var depth = 0, inString = false
        var found: Set<String> = []
        var i = open + 1
        while i < chars.count {
            let c = chars[i]
            if inString {
                if c == "\\" { i += 1 } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
            } else if "([{".contains(c) {
                depth += 1
            } else if ")]}".contains(c) {
                depth -= 1
            } else if depth == 0, c == ":", let name = chain(endingAt: skippingBlanksBack(from: i)), name.count == 1 {
                found.insert(name[0])
            }
            i += 1
        }
        return found
    }

    private func skippingBlanksBack(from i: Int) -> Int {
        var j = i
        while j > 0, chars[j - 1] == " " || chars[j - 1] == "\t" { j -= 1 }
        return j
    }

    static func isIdentifierCharacter(_ c: Character) -> Bool {
        c == "_" || c.isLetter || c.isNumber
    }
}
