import NNSyntax

/// libFuzzer entry: lexes arbitrary bytes (not necessarily UTF-8).
///
/// Checks the lexer's invariants: every token's range lies inside the file
/// and starts no earlier than the previous token's end, and every
/// diagnostic renders (line:col lookup, caret window) without trapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLexer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = SourceFile(name: "fuzz.nn", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    let (tokens, diagnostics) = Lexer(file).tokenize()
    var previousEnd = 0
    for token in tokens {
        let r = token.range
        precondition(r.startOffset <= r.endOffset && r.endOffset <= size, "token range outside the file")
        precondition(r.startOffset >= previousEnd, "tokens overlap or go backwards")
        previousEnd = r.endOffset
        _ = file.lineColumn(of: r.startOffset)
    }
    for d in diagnostics { _ = d.rendered(in: file) }
    return 0
}
