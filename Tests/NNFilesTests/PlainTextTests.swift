import Foundation
import Testing
@testable import NNFiles

/// The plain-Swift stand-ins for full Foundation's string API agree with
/// Foundation (this test target may link it; `nn` does not).
@Suite("Plain text without Foundation")
struct PlainTextTests {
    @Test func printfNumbersMatchStringFormat() {
        let values: [Double] = [0, -0.0, 1, -1, 0.5, 1.0 / 3, 2.0 / 3, 123456.789, 1e-7, -2.5e-5, 9.99995, 1e21, 6.02e23,
                                .pi, 1e300, -1e-300, .nan, .infinity, -.infinity, 0.000123456, 99999.5]
        for x in values {
            for p in [0, 1, 2, 3, 4, 6] {
                #expect(PrintfNumber.format(x, .fixed, precision: p) == String(format: "%.\(p)f", x))
                #expect(PrintfNumber.format(x, .scientific, precision: p) == String(format: "%.\(p)e", x))
                #expect(PrintfNumber.format(x, .general, precision: p) == String(format: "%.\(p)g", x))
            }
        }
        // Longer than the first buffer: asked again with the size the C library gives.
        #expect(PrintfNumber.format(1e308, .fixed, precision: 60) == String(format: "%.60f", 1e308))
        for n in [0, 5, 59, 123, -5, -123] {
            #expect(PrintfNumber.zeroPadded(n, width: 2) == String(format: "%02d", n))
        }
    }

    @Test func trimmingMatchesFoundationByScalar() {
        let texts = [" a b ", "\t\n x\u{00A0}\u{2003}\u{3000}", "\u{2028}y\u{2029}\u{0085}", "   ",
                     "", " \u{301}é ", "\r\n\u{0B}\u{0C}q\u{1680}", "α\u{202F}"]
        for s in texts {
            #expect(PlainText.trimmed(s, .all) == s.trimmingCharacters(in: .whitespacesAndNewlines), "\(Array(s.unicodeScalars))")
            #expect(PlainText.trimmed(s, .horizontal) == s.trimmingCharacters(in: .whitespaces), "\(Array(s.unicodeScalars))")
        }
        // U+200B ZERO WIDTH SPACE is not Unicode White_Space (category Cf) and stays, as in
        // Python's str.strip(); swift-corelibs-foundation's CharacterSet counted it.
        #expect(PlainText.trimmed("\u{200B}z\u{200B} ", .all) == "\u{200B}z\u{200B}")
        #expect(PlainText.trimmed("..a.b..", ".") == "a.b")
        #expect(PlainText.trimmed("...", ".") == "")
    }

    @Test func replacingAndPadding() {
        #expect(PlainText.replacing("\"", with: "\"\"", in: "a\"b\"") == "a\"\"b\"\"")
        #expect(PlainText.replacing("aa", with: "b", in: "aaaaa") == "bba")
        #expect(PlainText.replacing("", with: "b", in: "xy") == "xy")
        #expect(PlainText.padded("ab", to: 4) == "ab  ")
        #expect(PlainText.padded("abcdef", to: 4) == "abcdef")
        // Padding counts characters (as the tables' widths do), not UTF-16 units:
        // Foundation's padding(toLength:) cut "😀x" to "😀" at width 2.
        #expect(PlainText.padded("😀x", to: 3) == "😀x ")
        #expect(PlainText.padded("😀x", to: 2) == "😀x")
    }

    @Test func nativeLockExcludes() async {
        let lock = NativeLock()
        final class Counter: @unchecked Sendable { var n = 0 }
        let counter = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { for _ in 0..<10_000 { lock.withLock { counter.n += 1 } } }
            }
        }
        #expect(counter.n == 40_000)
    }
}
