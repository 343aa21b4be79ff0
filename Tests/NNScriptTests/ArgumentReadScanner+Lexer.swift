import Foundation

extension ArgumentReadScanner {
    /// Just enough of Swift's lexical structure to tell code from comments
    /// and string contents.
    enum Lexer {
        private enum Mode {
            case code(depth: Int)
            /// A string literal; `hashes` > 0 for a raw string `#"..."#`.
            case string(multiline: Bool, hashes: Int)
        }

        /// `text`: comments blanked; `code`: comments and string contents
        /// blanked, the code of `\(...)` interpolations kept (with its
        /// parentheses, so brackets stay balanced). Newlines are kept.
        static func mask(_ src: [UInt8]) -> (text: [UInt8], code: [UInt8]) {
            var text = src, code = src
            let n = src.count
            func at(_ k: Int) -> UInt8 { k < n ? src[k] : 0 }
            func blank(_ r: Range<Int>, alsoText: Bool) {
                for k in r where k < n && src[k] != 10 {
                    code[k] = 32
                    if alsoText { text[k] = 32 }
                }
            }
            let quote = UInt8(ascii: "\""), slash = UInt8(ascii: "/"), star = UInt8(ascii: "*"), hash = UInt8(ascii: "#")
            /// The number of `#` starting at `k` when a `"` follows them (a raw string's opening).
            func hashesThenQuote(_ k: Int) -> Int? {
                var e = k
                while at(e) == hash { e += 1 }
                return e > k && at(e) == quote ? e - k : nil
            }
            var stack: [Mode] = [.code(depth: 0)]
            var i = 0
            while i < n, let mode = stack.last {
                let c = src[i]
                switch mode {
                case .code(let depth):
                    if c == slash && at(i + 1) == slash {
                        var e = i
                        while e < n && src[e] != 10 { e += 1 }
                        blank(i..<e, alsoText: true)
                        i = e
                    } else if c == slash && at(i + 1) == star {
                        var e = i + 2, nesting = 1
                        while e < n && nesting > 0 {
                            if src[e] == slash && at(e + 1) == star { nesting += 1; e += 2 }
                            else if src[e] == star && at(e + 1) == slash { nesting -= 1; e += 2 }
                            else { e += 1 }
                        }
                        blank(i..<e, alsoText: true)
                        i = e
                    } else if c == quote || (c == hash && hashesThenQuote(i) != nil) {
                        let h = c == hash ? hashesThenQuote(i) ?? 0 : 0
                        let q = i + h
                        let multiline = at(q + 1) == quote && at(q + 2) == quote
                        stack.append(.string(multiline: multiline, hashes: h))
                        i = q + (multiline ? 3 : 1)
                    } else if c == UInt8(ascii: "("), stack.count > 1 {
                        stack[stack.count - 1] = .code(depth: depth + 1)
                        i += 1
                    } else if c == UInt8(ascii: ")"), stack.count > 1 {
                        if depth == 0 { stack.removeLast() } else { stack[stack.count - 1] = .code(depth: depth - 1) }
                        i += 1
                    } else {
                        i += 1
                    }
                case .string(let multiline, let h):
                    // an escape is `\` followed by as many `#` as the string's delimiter has
                    if c == UInt8(ascii: "\\"), (0..<h).allSatisfy({ at(i + 1 + $0) == hash }) {
                        if at(i + 1 + h) == UInt8(ascii: "(") {
                            blank(i..<i + 1 + h, alsoText: false)
                            stack.append(.code(depth: 0))
                        } else {
                            blank(i..<i + 2 + h, alsoText: false)
                        }
                        i += 2 + h
                    } else if c == quote, !multiline || (at(i + 1) == quote && at(i + 2) == quote),
                              (0..<h).allSatisfy({ at(i + (multiline ? 3 : 1) + $0) == hash }) {
                        stack.removeLast()
                        i += (multiline ? 3 : 1) + h
                    } else {
                        blank(i..<i + 1, alsoText: false)
                        i += 1
                    }
                }
            }
            return (text, code)
        }

        /// The index of the bracket closing the one at `open` (in masked code).
        static func matching(_ code: [UInt8], _ open: Int) -> Int? {
            var depth = 0
            var i = open
            while i < code.count {
                switch code[i] {
                case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
                case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth -= 1
                    if depth == 0 { return i }
                default: break
                }
                i += 1
            }
            return nil
        }

        /// The ranges of the comma-separated items in `r`, at bracket depth 0.
        static func split(_ code: [UInt8], _ r: Range<Int>) -> [Range<Int>] {
            var out: [Range<Int>] = []
            var depth = 0, start = r.lowerBound
            for i in r {
                switch code[i] {
                case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
                case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
                case UInt8(ascii: ",") where depth == 0:
                    out.append(start..<i)
                    start = i + 1
                default: break
                }
            }
            if r.upperBound > start, code[start..<r.upperBound].contains(where: { $0 != 32 && $0 != 10 }) {
                out.append(start..<r.upperBound)
            }
            return out
        }
    }

    /// Regular expressions over ASCII text (so offsets are byte offsets).
    enum Regex {
        struct Match {
            let result: NSTextCheckingResult
            let string: NSString
            var start: Int { result.range.location }
            var end: Int { result.range.location + result.range.length }
            subscript(_ i: Int) -> String { optional(i) ?? "" }
            func optional(_ i: Int) -> String? {
                let r = result.range(at: i)
                return r.location == NSNotFound ? nil : string.substring(with: r)
            }
        }

        nonisolated(unsafe) private static var cache: [String: NSRegularExpression] = [:]
        private static let lock = NSLock()

        private static func compiled(_ pattern: String) -> NSRegularExpression {
            lock.lock()
            defer { lock.unlock() }
            if let r = cache[pattern] { return r }
            // The patterns are the scanner's own constants.
            let r = try! NSRegularExpression(pattern: pattern)
            cache[pattern] = r
            return r
        }

        static func all(_ pattern: String, _ s: String, in range: Range<Int>? = nil) -> [Match] {
            let ns = s as NSString
            let r = range.map { NSRange(location: $0.lowerBound, length: $0.count) } ?? NSRange(location: 0, length: ns.length)
            return compiled(pattern).matches(in: s, range: r).map { Match(result: $0, string: ns) }
        }

        static func first(_ pattern: String, _ s: String) -> Match? {
            let ns = s as NSString
            return compiled(pattern).firstMatch(in: s, range: NSRange(location: 0, length: ns.length)).map { Match(result: $0, string: ns) }
        }
    }
}
