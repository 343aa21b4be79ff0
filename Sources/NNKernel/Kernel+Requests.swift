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
import NNScript
import NNSyntax
import NNFiles

/// `complete_request`, `inspect_request` and `is_complete_request`: the
/// REPL's completion, help and continuation rules, answered from a session
/// (static, so tests ask them without sockets).
extension Kernel {
    /// Completion at `cursor_pos` (Unicode code points, protocol 5.2+): the
    /// identifier before the cursor is replaced by each match
    /// (``Session/completions(before:word:)``: members after `x.`, named
    /// arguments in a call, names elsewhere); inside a string, file names.
    static func complete(_ content: JSONObject, in session: Session) -> JSONObject {
        let code = content["code"] as? String ?? ""
        let scalars = Array(code.unicodeScalars)
        let cursor = min(max(Kernel.int(content["cursor_pos"]) ?? scalars.count, 0), scalars.count)
        var start = cursor
        while start > 0, Kernel.isIdentifier(scalars[start - 1]) { start -= 1 }
        let before = Kernel.string(scalars[..<start]), word = Kernel.string(scalars[start..<cursor])
        let result = session.completions(before: before, word: word)
        if result.wantsFilenames {
            let (matches, replaced) = Kernel.fileCompletions(typed: Kernel.stringPrefix(before + word))
            return ["status": "ok", "matches": matches, "cursor_start": cursor - replaced, "cursor_end": cursor,
                    "metadata": JSONObject()]
        }
        return ["status": "ok", "matches": result.candidates, "cursor_start": start, "cursor_end": cursor,
                "metadata": JSONObject()]
    }

    /// Help for the (dotted) name at or just before `cursor_pos`: the text of
    /// `?name` (``Session/helpText(for:)``); `found: false` when there is none.
    static func inspect(_ content: JSONObject, in session: Session) -> JSONObject {
        let code = content["code"] as? String ?? ""
        let scalars = Array(code.unicodeScalars)
        let cursor = min(max(Kernel.int(content["cursor_pos"]) ?? scalars.count, 0), scalars.count)
        var start = cursor, end = cursor
        while start > 0, Kernel.isIdentifier(scalars[start - 1]) || scalars[start - 1] == "." { start -= 1 }
        while end < scalars.count, Kernel.isIdentifier(scalars[end]) { end += 1 }
        // `f(` with the cursor after the bracket: help for f.
        if start == end, start > 0, scalars[start - 1] == "(" {
            end = start - 1
            start = end
            while start > 0, Kernel.isIdentifier(scalars[start - 1]) || scalars[start - 1] == "." { start -= 1 }
        }
        let name = PlainText.trimmed(Kernel.string(scalars[start..<end]), ".")
        guard !name.isEmpty, let text = try? session.helpText(for: name) else {
            return ["status": "ok", "found": false, "data": JSONObject(), "metadata": JSONObject()]
        }
        return ["status": "ok", "found": true, "data": ["text/plain": text], "metadata": JSONObject()]
    }

    /// `complete` (runs as it is), `incomplete` (ends too early: an open
    /// bracket, brace or string, a trailing operator; the REPL would show
    /// `...`) or `invalid` (a syntax error no more lines can mend).
    static func isComplete(_ content: JSONObject) -> JSONObject {
        let code = content["code"] as? String ?? ""
        let trimmed = PlainText.trimmed(code, .all)
        if trimmed.isEmpty || (!trimmed.contains("\n") && SessionCommand.parse(trimmed) != nil) {
            return ["status": "complete"]
        }
        let parsed = Parser.parse(code, name: "<cell>")
        if parsed.isIncomplete { return ["status": "incomplete", "indent": Kernel.indent(code)] }
        return ["status": parsed.succeeded ? "complete" : "invalid"]
    }

    /// The indent of the next line: the last line's, two spaces more after an open `{`, `(` or `[`.
    static func indent(_ code: String) -> String {
        let last = code.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let current = String(last.prefix { $0 == " " || $0 == "\t" })
        let end = PlainText.trimmed(last, .horizontal).last
        return end == "{" || end == "(" || end == "[" ? current + "  " : current
    }

    /// A JSON number as an Int (nil for anything else).
    static func int(_ value: Any?) -> Int? {
        switch value {
        case let i as Int: return i
        case let d as Double: return Int(exactly: d)
        default: return nil
        }
    }

    static func isIdentifier(_ s: Unicode.Scalar) -> Bool {
        s == "_" || s.properties.isAlphabetic || s.properties.numericType != nil
    }

    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars)
        return String(s)
    }

    /// The text of the string literal that `text` ends inside (after its opening quote).
    static func stringPrefix(_ text: String) -> String {
        guard let quote = text.lastIndex(of: "\"") else { return text }
        return String(text[text.index(after: quote)...])
    }

    /// File names completing `typed` (a path being typed in a string):
    /// the entries of its directory starting with its last component,
    /// directories with a trailing `/`; and how many code points the
    /// matches replace (the last component).
    static func fileCompletions(typed: String) -> ([String], Int) {
        let slash = typed.lastIndex(of: "/")
        let directory = slash.map { String(typed[...$0]) } ?? ""
        let partial = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
        let listed = directory.isEmpty ? "." : directory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: listed) else { return ([], 0) }
        let matches = names.filter { $0.hasPrefix(partial) && (partial.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name in
            var info = stat()
            let isDirectory = stat(listed + "/" + name, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
            return isDirectory ? name + "/" : name
        }
        return (matches, partial.unicodeScalars.count)
    }
}
