import NNSyntax

/// Parses `source` and returns its S-expression, or the error messages.
func sexp(_ source: String) -> String {
    let result = Parser.parse(source, name: "test.nn")
    if !result.diagnostics.isEmpty {
        return "ERROR: " + result.diagnostics.map(\.message).joined(separator: " | ")
    }
    return result.program.sExpression
}

/// The messages of the diagnostics of `source`.
func errors(_ source: String) -> [String] {
    Parser.parse(source, name: "test.nn").diagnostics.map(\.message)
}

/// Each diagnostic of `source` as `line:col: message`.
func located(_ source: String) -> [String] {
    let file = SourceFile(name: "test.nn", text: source)
    return Parser.parse(file).diagnostics.map { "\(file.lineColumn(of: $0.range)): \($0.message)" }
}

/// The rendered diagnostics of `source`, file name `file.nn`.
func rendered(_ source: String) -> String {
    let file = SourceFile(name: "file.nn", text: source)
    return Parser.parse(file).diagnostics.rendered(in: file)
}

/// Whether `source` fails only because it ends too early.
func incomplete(_ source: String) -> Bool {
    Parser.parse(source).isIncomplete
}

/// The token descriptions of `source` (without the final end of input).
func lex(_ source: String) -> [String] {
    Lexer(SourceFile(name: "t", text: source)).tokens().dropLast().map(\.description)
}
