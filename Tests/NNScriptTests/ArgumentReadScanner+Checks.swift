import Foundation

extension ArgumentReadScanner {
    /// A read that names no declared parameter, reads by position, or cannot be checked.
    struct Problem: CustomStringConvertible, Equatable {
        let file: String
        let line: Int
        let message: String
        var description: String { "\(file):\(line): \(message)" }
    }

    /// Every problem in the files not in `skipped` (file names, e.g. `Builtins+Losses.swift`).
    func problems(skipping skipped: Set<String> = []) -> [Problem] {
        var out: [Problem] = []
        let lent = helperReads()
        for d in declarations where !skipped.contains(d.file) {
            guard let body = d.body, let x = d.argumentName, let s = source(d.file) else { continue }
            let holes = declarationBodies(in: s.name, inside: body)
            var reads = namedReads(s, body, x, holes).map(\.name)
            for h in calledHelpers(s, body, x, holes) { reads += lent[h] ?? [] }
            let what = d.isLiteralName ? "'\(d.name)'" : "\(d.name) (a factory's)"
            if !d.unresolved.isEmpty {
                if !reads.isEmpty {
                    out.append(Problem(file: d.file, line: d.line, message: "cannot resolve the parameter list of \(what): \(d.unresolved); define it as a static let (or a function returning BuiltinParameter) in the scanned files"))
                }
                reads = []
            }
            var reported: Set<String> = []
            for name in reads where !d.parameters.contains(name) && reported.insert(name).inserted {
                out.append(Problem(file: d.file, line: d.line, message: "\(what) reads argument '\(name)', which it does not declare (parameters: \(d.parameters.joined(separator: ", ")))"))
            }
            out += positionalReads(s, body, x, holes, in: what)
        }
        for h in helpers where !skipped.contains(h.file) {
            guard let s = source(h.file) else { continue }
            let holes = declarationBodies(in: s.name, inside: h.body)
            for x in h.argumentNames { out += positionalReads(s, h.body, x, holes, in: "helper \(h.name)") }
        }
        var seen: Set<String> = []
        return out.filter { seen.insert($0.description).inserted }
            .sorted { ($0.file, $0.line, $0.message) < ($1.file, $1.line, $1.message) }
    }

    private func source(_ name: String) -> Source? { sources.first { $0.name == name } }

    /// Bodies of declarations strictly inside `r` (their reads are their own).
    private func declarationBodies(in file: String, inside r: Range<Int>) -> [Range<Int>] {
        declarations.compactMap { d in
            guard d.file == file, let b = d.body, b != r, b.lowerBound >= r.lowerBound, b.upperBound <= r.upperBound else { return nil }
            return b
        }
    }

    /// `r` of `bytes` as a string with `holes` blanked (newlines kept).
    private func region(_ bytes: [UInt8], _ r: Range<Int>, _ holes: [Range<Int>]) -> String {
        var b = Array(bytes[r])
        for h in holes {
            for k in h where b[k - r.lowerBound] != 10 { b[k - r.lowerBound] = 32 }
        }
        return String(decoding: b, as: UTF8.self)
    }

    /// The literal names read through `x` in `r`: `x.number("lr")`, `x["lr"]`, `helper(x, "a", "b")`.
    func namedReads(_ s: Source, _ r: Range<Int>, _ x: String, _ holes: [Range<Int>]) -> [(name: String, offset: Int)] {
        let text = region(s.text, r, holes), code = Array(region(s.code, r, holes).utf8)
        var out: [(String, Int)] = []
        // a match counts when it starts in code, not inside a string
        func inCode(_ m: Regex.Match) -> Bool { code[m.start] != 32 }
        for m in Regex.all(#"(?<![\w.])\#(x)\s*\.\s*(\w+)\s*\(\s*"([^"\\]*)""#, text) where inCode(m) && accessors.contains(m[1]) {
            out.append((m[2], r.lowerBound + m.start))
        }
        for m in Regex.all(#"(?<![\w.])\#(x)\s*\[\s*"([^"\\]*)"\s*\]"#, text) where inCode(m) {
            out.append((m[1], r.lowerBound + m.start))
        }
        for m in Regex.all(#"[(,]\s*\#(x)\s*((?:,\s*"[^"\\]*"\s*)+)(?=[,)])"#, text) where inCode(m) {
            for lit in Regex.all(#""([^"\\]*)""#, m[1]) { out.append((lit[1], r.lowerBound + m.start)) }
        }
        return out
    }

    /// Names of the helpers called in `r` with `x` itself as an argument.
    private func calledHelpers(_ s: Source, _ r: Range<Int>, _ x: String, _ holes: [Range<Int>]) -> Set<String> {
        let names = Set(helpers.map(\.name))
        let code = Array(region(s.code, r, holes).utf8), string = String(decoding: code, as: UTF8.self)
        var out: Set<String> = []
        for m in Regex.all(#"(?<!\w)(\w+)\s*\("#, string) where names.contains(m[1]) {
            guard let close = Lexer.matching(code, m.end - 1) else { continue }
            for a in Lexer.split(code, m.end..<close) {
                let arg = String(decoding: code[a], as: UTF8.self)
                if Regex.first(#"^\s*(?:\w+\s*:\s*)?&?\#(x)\s*$"#, arg) != nil { out.insert(m[1]) }
            }
        }
        return out
    }

    /// The names each helper reads, its own and those of the helpers it passes its arguments to.
    private func helperReads() -> [String: [String]] {
        var own: [String: [String]] = [:], calls: [String: Set<String>] = [:]
        for h in helpers {
            guard let s = source(h.file) else { continue }
            let holes = declarationBodies(in: s.name, inside: h.body)
            for x in h.argumentNames {
                own[h.name, default: []] += namedReads(s, h.body, x, holes).map(\.name)
                calls[h.name, default: []].formUnion(calledHelpers(s, h.body, x, holes))
            }
        }
        var all = own
        var changed = true
        while changed {
            changed = false
            for (h, callees) in calls {
                for c in callees {
                    let add = (all[c] ?? []).filter { !(all[h] ?? []).contains($0) }
                    if !add.isEmpty {
                        all[h, default: []] += add
                        changed = true
                    }
                }
            }
        }
        return all
    }

    /// Reads by position through `x` in `r`, and reads indexed by an `Int`
    /// parameter of a function in `r` (or of the helper that `r` is).
    func positionalReads(_ s: Source, _ r: Range<Int>, _ x: String, _ holes: [Range<Int>], in what: String) -> [Problem] {
        let code = region(s.code, r, holes)
        var out: [Problem] = []
        var starts: Set<Int> = []
        func report(_ pattern: String, _ range: Range<Int>? = nil, _ why: String) {
            for m in Regex.all(pattern, code, in: range) where starts.insert(m.start).inserted {
                let snippet = (code as NSString).substring(with: m.result.range).replacingOccurrences(of: "\n", with: " ")
                out.append(Problem(file: s.name, line: s.line(r.lowerBound + m.start),
                                   message: "\(what) reads an argument \(why): `\(snippet)`; read it by name (a.number(\"lr\"), try a[\"x\"], helper(a, \"x\"))"))
            }
        }
        report(#"(?<![\w.])\#(x)\s*\[\s*-?\d"#, nil, "by position")
        report(#"(?<![\w.])\#(x)\s*\.\s*\w+\s*\(\s*-?\d"#, nil, "by position")
        report(#"[(,]\s*\#(x)\s*,\s*-?\d"#, nil, "by position")
        report(#"(?<![\w.])\#(x)\s*\.\s*(?:values|given)\s*\["#, nil, "by its slot")
        report(#"(?<![\w.])\#(x)\s*\.\s*builtin\s*\.\s*parameters\s*\["#, nil, "by its index")
        report(#"(?<![\w.])\#(x)\s*\[\s*\w+\s*[-+]\s*\d"#, nil, "by a computed position")
        for f in functions(s) where f.body.lowerBound >= r.lowerBound && f.body.upperBound <= r.upperBound
            || (f.body.lowerBound <= r.lowerBound && f.body.upperBound >= r.upperBound) {
            let inner = max(f.body.lowerBound, r.lowerBound) - r.lowerBound..<min(f.body.upperBound, r.upperBound) - r.lowerBound
            for p in f.parameters {
                guard let n = Regex.first(#"^(\w+)\s*:\s*Int\b"#, p)?[1] else { continue }
                report(#"(?<![\w.])\#(x)\s*\[\s*\#(n)\b"#, inner, "by an index (\(n): Int)")
                report(#"(?<![\w.])\#(x)\s*\.\s*\w+\s*\(\s*\#(n)\b"#, inner, "by an index (\(n): Int)")
                report(#"[(,]\s*\#(x)\s*,\s*\#(n)\b"#, inner, "by an index (\(n): Int)")
            }
        }
        return out
    }
}
