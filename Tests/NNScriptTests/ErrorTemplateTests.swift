import Foundation
@testable import NNScript
import Testing

/// Every name an error message suggests exists: the test walks the message
/// templates in `Sources/` (string literals on lines that throw or build an
/// error, and their continuation lines), takes each name written as a call
/// (`where(`, `.eval(`) or recommended (`use stack`, `call jacobian or vjp`),
/// and checks it is a builtin, a stdlib function or a documented method.
@Suite("Error templates")
struct ErrorTemplateTests {
    /// Words that follow "use", "call" or "try" in messages but are English, not names.
    /// Add a word here only when it is not meant as a function name.
    static let englishWords: Set<String> = [
        "a", "an", "the", "it", "them", "this", "one", "fewer", "more", "interpolation", "method", "model", "reduction",
    ]
    /// Placeholders messages write as calls: the user's own function `f(x)`, `fn(...)` syntax.
    static let placeholders: Set<String> = ["f", "fn"]

    struct Mention: CustomStringConvertible {
        let name: String, file: String, line: Int, text: String
        var description: String { "\(file):\(line): '\(name)' in \"\(text)\"" }
    }

    static var sourcesDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
    }

    /// The text of each string literal on a line, with interpolations `\(...)` blanked out.
    static func literals(_ line: String) -> [String] {
        let c = Array(line)
        var out: [String] = []
        var i = 0
        while i < c.count {
            guard c[i] == "\"" else { i += 1; continue }
            var j = i + 1, text = ""
            while j < c.count, c[j] != "\"" {
                if c[j] == "\\", j + 1 < c.count {
                    if c[j + 1] == "(" {
                        var depth = 0, k = j + 1
                        while k < c.count {
                            if c[k] == "(" { depth += 1 } else if c[k] == ")" { depth -= 1; if depth == 0 { break } }
                            k += 1
                        }
                        text += " "
                        j = k + 1
                    } else {
                        text.append(c[j + 1])
                        j += 2
                    }
                    continue
                }
                text.append(c[j])
                j += 1
            }
            out.append(text)
            i = j + 1
        }
        return out
    }

    /// Names mentioned as calls or recommendations in one message text.
    static func names(in text: String) -> (calls: [String], recommended: [String]) {
        func matches(_ pattern: String) -> [[String]] {
            guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
            let ns = text as NSString
            return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
                (1..<m.numberOfRanges).compactMap { r in
                    m.range(at: r).location == NSNotFound ? nil : ns.substring(with: m.range(at: r))
                }
            }
        }
        let calls = matches(#"(?<![\w.])([A-Za-z_][A-Za-z0-9_]*)\("#).flatMap { $0 }
            + matches(#"(?<=\w)\.([a-z_][A-Za-z0-9_]*)\("#).flatMap { $0 }
        let recommended = matches(#"\b(?:use|call|try)\s+([a-z_][a-z0-9_]*)(?:\s+or\s+([a-z_][a-z0-9_]*))?"#).flatMap { $0 }
        return (calls, recommended)
    }

    /// Every mention in the error templates under `Sources/` (the benchmarks excepted).
    static func mentions() throws -> [Mention] {
        let root = sourcesDirectory
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.hasPrefix("NNBench") } ?? []
        let errorLine = try NSRegularExpression(pattern: #"throw|Error\(|\.error\(|\.bad\(|\.fail\(|invalidArgument"#)
        var out: [Mention] = []
        for file in files.sorted() {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            var continues = false
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).enumerated() {
                let s = line.trimmingCharacters(in: .whitespaces)
                if s.hasPrefix("//") { continues = false; continue }
                let isError = errorLine.firstMatch(in: line, range: NSRange(location: 0, length: (line as NSString).length)) != nil
                guard isError || continues && (s.hasPrefix("\"") || s.hasPrefix("+ \"")) else { continues = false; continue }
                continues = s.hasSuffix("+") || s.hasSuffix(",") || s.hasSuffix("(")
                for literal in literals(line) {
                    let (calls, recommended) = names(in: literal)
                    out += calls.map { Mention(name: $0, file: file, line: n + 1, text: literal) }
                    out += recommended.filter { !englishWords.contains($0) }.map { Mention(name: $0, file: file, line: n + 1, text: literal) }
                }
            }
        }
        return out
    }

    @Test func everyNameAnErrorSuggestsExists() throws {
        let nn = Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }))
        var known = Set(nn.registry.names).union(nn.stdlibFunctions).union(Self.placeholders)
        for t in LibraryTypes.all { known.formUnion(t.memberNames) }
        let all = try Self.mentions()
        #expect(all.count >= 10, "the scan found too few mentions to be working")
        for m in all where !known.contains(m.name) {
            Issue.record("an error message names '\(m.name)', which is no builtin, stdlib function or method: \(m)")
        }
    }

    @Test func theScanFindsRecommendations() {
        let (calls, recommended) = Self.names(in: "use jacobian or vjp for other outputs; call model.eval() or where(")
        #expect(recommended == ["jacobian", "vjp", "model"])   // "model" is then dropped as English
        #expect(calls.contains("where") && calls.contains("eval"))
        #expect(Self.literals(#"throw X("a \(f(x)) b", "use c")"#) == ["a   b", "use c"])
    }
}
