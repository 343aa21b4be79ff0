import NNSyntax

/// libFuzzer entry: parses arbitrary bytes as a file and as one expression.
///
/// Every diagnostic must render, and a successful parse must print as an
/// S-expression (a walk of the whole tree, so a tree too deep to walk is
/// found here rather than in the interpreter).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = SourceFile(name: "fuzz.nn", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    let result = Parser.parse(file)
    precondition(result.diagnostics.count <= Parser.maxErrors + 1, "more diagnostics than Parser.maxErrors")
    for d in result.diagnostics { _ = d.rendered(in: file) }
    if result.succeeded { _ = result.program.sExpression }
    let (expr, diagnostics) = Parser.parseExpression(file)
    for d in diagnostics { _ = d.rendered(in: file) }
    if let expr { _ = expr.sExpression }
    return 0
}
