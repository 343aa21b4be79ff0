import Foundation
import NNScript
import Testing

/// One golden script: its source and the expectations stated in its comments.
///
/// ```
/// # expect: text                   one printed line, in order
/// # expect error: message          a syntax or static error (exit 65)
/// # expect runtime error: message  a runtime error (exit 70)
/// # expect stderr: text            a line of the error stream, in order among its lines
/// ```
/// A lint warning (`warning: fit: [kind] ...`) the error stream holds must be
/// expected, line for line and as often: a script that expects none gets none.
struct GoldenScript: CustomTestStringConvertible, Sendable {
    let path: String
    let name: String
    let source: String
    let expectedLines: [String]
    let expectedSyntaxErrors: [String]
    let expectedRuntimeError: String?
    let expectedStderr: [String]

    var testDescription: String { name }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("golden")

    /// Every `golden/<feature>/NAME.nn`, sorted.
    static func all() -> [GoldenScript] {
        let fm = FileManager.default
        guard let e = fm.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var out: [GoldenScript] = []
        for case let url as URL in e where url.pathExtension == "nn" {
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            let rel = url.path.replacingOccurrences(of: directory.path + "/", with: "")
            out.append(GoldenScript(path: url.path, name: rel, source: text))
        }
        return out.sorted { $0.name < $1.name }
    }

    init(path: String, name: String, source: String) {
        self.path = path
        self.name = name
        self.source = source
        var lines: [String] = [], syntax: [String] = [], stderr: [String] = []
        var runtime: String?
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let r = line.range(of: "# expect") else { continue }
            let rest = line[r.upperBound...]
            if rest.hasPrefix(" stderr: ") {
                stderr.append(String(rest.dropFirst(" stderr: ".count)))
            } else if let m = rest.range(of: "runtime error: "), rest.hasPrefix(" runtime error:") {
                runtime = String(rest[m.upperBound...])
            } else if let m = rest.range(of: "error: "), rest.hasPrefix(" error:") {
                syntax.append(String(rest[m.upperBound...]))
            } else if rest.hasPrefix(": ") {
                lines.append(String(rest.dropFirst(2)))
            } else if rest == ":" {
                lines.append("")
            }
        }
        expectedLines = lines
        expectedSyntaxErrors = syntax
        expectedRuntimeError = runtime
        expectedStderr = stderr
    }

    /// True for a lint warning line: `warning: fit: [double_softmax] ...`.
    static func isLintWarning(_ line: String) -> Bool {
        line.range(of: #"^warning: \w+: \[\w+\] "#, options: .regularExpression) != nil
    }

    /// Problems with the error stream `text` against the `# expect stderr:` lines (empty when none).
    func stderrProblems(_ text: String) -> [String] {
        let got = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var problems: [String] = []
        var rest = got[...]
        for want in expectedStderr {
            guard let i = rest.firstIndex(of: want) else {
                problems.append("the error stream lacks (in order) \(want.debugDescription)")
                break
            }
            rest = got[(i + 1)...]
        }
        let lint = got.filter(Self.isLintWarning), wanted = expectedStderr.filter(Self.isLintWarning)
        if lint != wanted { problems.append("lint warnings \(lint), expected \(wanted)") }
        return problems
    }
}

@Suite("Golden scripts")
struct GoldenTests {
    @Test("script", arguments: GoldenScript.all())
    func run(_ script: GoldenScript) {
        var output = "", errors = ""
        let nn = Interpreter(options: .init(output: { output += $0 }, errorOutput: { errors += $0 }, filePolicy: .unrestricted))
        var syntax: [String] = []
        var runtime: String?
        do {
            try nn.run(source: script.source, name: script.name)
        } catch let e as SyntaxError {
            syntax = e.diagnostics.map(\.message)
        } catch let e as ScriptError {
            runtime = e.message
        } catch {
            Issue.record("unexpected error \(error)")
        }
        var printed = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if printed.last == "" { printed.removeLast() }
        #expect(printed == script.expectedLines, "printed output")
        if script.expectedSyntaxErrors.isEmpty {
            #expect(syntax.isEmpty, "unexpected syntax errors: \(syntax)")
        } else {
            #expect(syntax == script.expectedSyntaxErrors, "syntax errors")
        }
        #expect(runtime == script.expectedRuntimeError, "runtime error")
        #expect(script.stderrProblems(errors).isEmpty, "error stream: \(script.stderrProblems(errors))")
    }

    @Test func thereAreEnoughScripts() {
        let all = GoldenScript.all()
        let errors = all.filter { $0.expectedRuntimeError != nil || !$0.expectedSyntaxErrors.isEmpty }
        #expect(all.count >= 150)
        #expect(errors.count >= 50)
    }
}
