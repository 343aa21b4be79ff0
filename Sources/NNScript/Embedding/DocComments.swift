/// `## ` doc comments: the run of `## text` lines directly above a
/// `fn name(...)` declaration documents `name` for `help`, in the stdlib and
/// in user scripts alike:
/// ```
/// ## The mean of a list of numbers.
/// fn mean_of(xs) = sum(xs) / len(xs)
/// ```
enum DocComments {
    /// Each documented function's name and its text (the `## ` prefixes
    /// removed, lines joined with newlines), in source order.
    static func scan(_ source: String) -> [(name: String, text: String)] {
        var found: [(name: String, text: String)] = []
        var pending: [Substring] = []
        for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("##") {
                pending.append(line.dropFirst(2).drop { $0 == " " })
                continue
            }
            if !pending.isEmpty, line.hasPrefix("fn "), let name = functionName(line.dropFirst(3)) {
                found.append((name, pending.joined(separator: "\n")))
            }
            pending = []
        }
        return found
    }

    /// The identifier at the start of `text` (after spaces), if any.
    private static func functionName(_ text: Substring) -> String? {
        let rest = text.drop { $0 == " " }
        let name = rest.prefix { $0 == "_" || $0.isLetter || $0.isNumber }
        guard let first = name.first, first == "_" || first.isLetter else { return nil }
        return String(name)
    }
}
