import Testing
@testable import NNLib

@Suite("jsonQuoted: JSON string text for the safetensors header")
struct JSONQuotedTests {
    @Test("C's escapes, other control characters as \\u00XX, DEL and non-ASCII as they are")
    func escapes() {
        #expect(jsonQuoted("a\"b\\c\nd\te\rf") == "\"a\\\"b\\\\c\\nd\\te\\rf\"")
        #expect(jsonQuoted("\u{0}\u{1f}\u{7f}é{") == "\"\\u0000\\u001f\u{7f}é{\"")
    }
}
