import Testing
@testable import NNFiles

@Suite("TextEscape: one escaping loop for the formats nn writes")
struct TextEscapeTests {
    @Test("named escapes win over the rule for the other scalars; nil keeps a scalar, \"\" drops it")
    func rules() {
        let s = "a\"b\\c\nd\te\rf\u{1}g\u{7f}h é✓"
        #expect(TextEscape.escape(s) == s)
        #expect(TextEscape.escape(s, named: TextEscape.backslashed)
                == "a\\\"b\\\\c\\nd\\te\\rf\u{1}g\u{7f}h é✓")
        #expect(TextEscape.escape(s, named: TextEscape.backslashed, other: TextEscape.sourceControl)
                == "a\\\"b\\\\c\\nd\\te\\rf\\u{1}g\\u{7f}h é✓")
        #expect(TextEscape.escape("x\u{0}y\u{1f}z", other: { $0.value < 0x20 ? "" : nil }) == "xyz")
    }

    @Test("control characters in nn source form: lowercase hex, no padding; nothing else")
    func sourceControl() {
        #expect(TextEscape.sourceControl("\u{0}") == "\\u{0}")
        #expect(TextEscape.sourceControl("\u{1b}") == "\\u{1b}")
        #expect(TextEscape.sourceControl("\u{7f}") == "\\u{7f}")
        #expect(TextEscape.sourceControl(" ") == nil)
        #expect(TextEscape.sourceControl("\u{80}") == nil)
        #expect(FilePath.printable("a\u{0}b\nc\u{7f}é") == "a\\u{0}b\\u{a}c\\u{7f}é")
    }
}
