/// The one place that formats diagnostics for people.
///
/// ```
/// file.nn:3:9: error: expected ')' after arguments, found end of input
///     print(1, 2
///               ^
/// ```
/// The source line is indented by four spaces; the caret line copies tabs
/// from the source so it lines up; `~` extends the caret over the range
/// (to the end of the line for a range that spans lines).
extension Diagnostic {
    /// Renders the diagnostic against the file it points into.
    ///
    /// - Parameter color: wrap the header in ANSI colour codes (off by default).
    public func rendered(in file: SourceFile, color: Bool = false) -> String {
        rendered(with: { $0 == file.id ? file : nil }, color: color)
    }

    /// Renders the diagnostic, looking files up in a source map.
    public func rendered(in map: SourceMap, color: Bool = false) -> String {
        rendered(with: { map[$0] }, color: color)
    }

    /// Renders the diagnostic, looking files up through `lookup`.
    ///
    /// A range whose file is unknown renders as a header without a snippet.
    public func rendered(with lookup: (SourceFileID) -> SourceFile?, color: Bool = false) -> String {
        var out = DiagnosticRenderer.block(
            severity: severity, message: message, range: range, lookup: lookup, color: color)
        for note in notes {
            out += "\n"
            if let r = note.range {
                out += DiagnosticRenderer.block(
                    severity: .note, message: note.message, range: r, lookup: lookup, color: color)
            } else {
                out += DiagnosticRenderer.label(.note, color: color) + note.message
            }
        }
        for hint in hints {
            out += "\n" + (color ? "\u{1B}[1;36mhelp:\u{1B}[0m " : "help: ") + hint
        }
        return out
    }
}

extension Array where Element == Diagnostic {
    /// Renders each diagnostic against `file`, one after another, newline-separated.
    public func rendered(in file: SourceFile, color: Bool = false) -> String {
        map { $0.rendered(in: file, color: color) }.joined(separator: "\n")
    }
}

/// Helpers for ``Diagnostic`` rendering.
enum DiagnosticRenderer {
    static func label(_ severity: Diagnostic.Severity, color: Bool) -> String {
        guard color else { return "\(severity.rawValue): " }
        let code = switch severity {
        case .error: "1;31"
        case .warning: "1;35"
        case .note: "1;34"
        }
        return "\u{1B}[\(code)m\(severity.rawValue):\u{1B}[0m "
    }

    /// `name:line:col: severity: message`, then the snippet with the caret.
    static func block(
        severity: Diagnostic.Severity, message: String, range: SourceRange,
        lookup: (SourceFileID) -> SourceFile?, color: Bool
    ) -> String {
        guard let file = lookup(range.file) else {
            return label(severity, color: color) + message
        }
        let lc = file.lineColumn(of: range.startOffset)
        var header = "\(file.name):\(lc.line):\(lc.column): "
        if color { header = "\u{1B}[1m\(header)\u{1B}[0m" }
        let msg = color ? "\u{1B}[1m\(message)\u{1B}[0m" : message
        return header + label(severity, color: color) + msg + "\n" + snippet(file: file, range: range, color: color)
    }

    /// The most characters of a source line a snippet shows; a longer line is
    /// cut to a window around the caret, with `...` where text is left out.
    static let maxColumns = 120

    /// The source line, indented, and a caret line under `range`.
    ///
    /// A line longer than ``maxColumns`` characters shows a window of at most
    /// that many: up to a third of it before the caret (more when the line
    /// ends soon after), the underlined text (cut at the window's end), and
    /// what follows, with `...` on each side where the line goes on.
    static func snippet(file: SourceFile, range: SourceRange, color: Bool) -> String {
        let lineIndex = file.lineIndex(of: range.startOffset)
        let lineBytes = file.byteRange(ofLine: lineIndex)
        let start = min(max(range.startOffset, lineBytes.lowerBound), lineBytes.upperBound)
        let end = min(max(range.endOffset, start), lineBytes.upperBound)
        let before = String(decoding: file.bytes[lineBytes.lowerBound..<start], as: UTF8.self)
        let covered = String(decoding: file.bytes[start..<end], as: UTF8.self)
        let after = String(decoding: file.bytes[end..<lineBytes.upperBound], as: UTF8.self)
        let window = Window(before: before.count, covered: covered.count, after: after.count, width: maxColumns)
        let shownBefore = before.suffix(window.before)
        var line = String(shownBefore) + covered.prefix(window.covered) + after.prefix(window.after)
        var padding = ""
        if window.cutsStart {
            line = "..." + line
            padding = "   "
        }
        if window.cutsEnd { line += "..." }
        for ch in shownBefore { padding.append(ch == "\t" ? "\t" : " ") }
        var marker = "^" + String(repeating: "~", count: max(0, window.covered - 1))
        if color { marker = "\u{1B}[1;32m\(marker)\u{1B}[0m" }
        return "    " + line + "\n    " + padding + marker
    }

    /// How many characters of a line a snippet shows before the caret, under
    /// it and after it, so that the three add up to at most `width`.
    struct Window: Equatable {
        var before: Int, covered: Int, after: Int
        /// Text before the window is left out.
        var cutsStart: Bool
        /// Text after the window is left out.
        var cutsEnd: Bool

        init(before totalBefore: Int, covered totalCovered: Int, after totalAfter: Int, width: Int) {
            guard totalBefore + totalCovered + totalAfter > width else {
                (before, covered, after, cutsStart, cutsEnd) = (totalBefore, totalCovered, totalAfter, false, false)
                return
            }
            var before = min(totalBefore, width / 3)
            let covered = min(totalCovered, width - before)
            let after = min(totalAfter, width - before - covered)
            // A line that ends soon after the caret gives its room to the text before it.
            before = min(totalBefore, width - covered - after)
            (self.before, self.covered, self.after) = (before, covered, after)
            cutsStart = before < totalBefore
            cutsEnd = covered < totalCovered || after < totalAfter
        }
    }
}
