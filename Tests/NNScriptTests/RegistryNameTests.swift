import Foundation
import NNScript
import Testing

/// Builtins and methods read their arguments by the names their declarations
/// give (`a.number("lr")`, `try a["betas"]`, `tensorArg(a, "t")`), never by
/// position: adding a parameter then cannot shift what a body reads. The
/// sources of the builtin and method tables are scanned (see
/// ``ArgumentReadScanner``): every name a body reads must be one of its
/// declared parameters, and no body may read by position (`a[0]`,
/// `a.number(1)`, `helper(a, 2)`). A read of an undeclared name also throws
/// an internal error when it runs; this finds it without running it.
@Suite("Registry names")
struct RegistryNameTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The folders whose `.swift` files declare builtins and methods.
    static let folders = ["Sources/NNScript/Builtins", "Sources/NNScript/Objects"]

    /// Files the scan skips: none (every builtin and method reads by name).
    static let unconverted: Set<String> = []

    static func scanner() throws -> ArgumentReadScanner {
        var sources: [ArgumentReadScanner.Source] = []
        for folder in folders {
            let dir = root.appendingPathComponent(folder)
            for f in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where f.hasSuffix(".swift") {
                let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
                sources.append(ArgumentReadScanner.Source(name: f, contents: text))
            }
        }
        return ArgumentReadScanner(sources: sources)
    }

    @Test func everyReadNamesADeclaredParameterAndNoneReadsByPosition() throws {
        let problems = try Self.scanner().problems(skipping: Self.unconverted)
        let list = problems.map(\.description).joined(separator: "\n")
        #expect(problems.isEmpty, "\(problems.count) argument reads to fix:\n\(list)")
    }

    /// The scan reads the declarations as the compiler does: each builtin's
    /// parameter list (shared lists resolved) is the one the registry holds.
    /// Without this, a scan that found nothing would pass.
    @Test func theScanReadsTheRegistrysParameterLists() throws {
        let scanner = try Self.scanner()
        let registry = Dictionary(Registry.standard.map { ($0.name, $0.parameters.map(\.name)) }, uniquingKeysWith: { a, _ in a })
        var compared = 0
        for d in scanner.declarations where d.kind == "Builtin" && d.isLiteralName && d.unresolved.isEmpty {
            guard let truth = registry[d.name] else { continue }
            #expect(d.parameters == truth, "\(d.file):\(d.line): the scan reads \(d.name)'s parameters as \(d.parameters), the registry has \(truth)")
            compared += 1
        }
        #expect(compared >= 150, "only \(compared) builtins compared with the registry")
        let unresolved = scanner.declarations.filter { d in d.kind == "Builtin" && d.isLiteralName && !d.unresolved.isEmpty && registry[d.name] != nil }
        #expect(unresolved.isEmpty, "unresolved parameter lists: \(unresolved.map { "\($0.name): \($0.unresolved)" })")
        #expect(scanner.accessors.isSuperset(of: ["number", "int", "string", "bool", "has", "bad", "label", "needed", "value"]))
        #expect(scanner.declarations.filter { $0.body != nil && $0.argumentName != nil }.count >= 150)
    }

    /// The checks themselves, on a made-up table: each kind of bad read is found.
    @Test func theScanFindsEachKindOfBadRead() {
        let source = #"""
        extension Builtins {
            static let tail: [BuiltinParameter] = [.optional("w"), .optional("v")]
            static func yParam(_ x: String) -> BuiltinParameter { .needed("y", when: "\(x) is a tensor") }
            static let good: [Builtin] = [
                Builtin("ok", [.required("x"), yParam("x")] + tail, area: "T", summary: "s (a[0] in a string is no read)") { a in
                    let m = "\(try a.number("x")) \(a.error("message"))"  // a[1] in a comment is no read
                    _ = try a["y"]; _ = try a.has("w"); _ = try pair(a, "x", "v")
                    let raw = #"a raw string: "a[1]" \(a[2]) is text"#
                    return .nil
                },
            ]
            static let bad: [Builtin] = [
                Builtin("wrong", [.required("x")] + tail, area: "T", summary: "s") { a in
                    _ = try a.number("lr")
                    _ = try a["missing"]
                    _ = try tensorArg(a, "nope")
                    _ = try reader(a)
                    _ = a[0]; _ = a.number(1); _ = try tensorArg(a, 2)
                    _ = a.values[3]; _ = a.builtin.parameters[0]
                    func bound(_ i: Int) throws -> Double { try a.number(i) }
                    Builtin("inner", [.required("q")], summary: "s") { b in try b["q"] }
                    return .nil
                },
                Builtin("unknown", listFromNowhere, area: "T", summary: "s") { a in try a["x"] },
                Builtin("labeled", [.required("x")], summary: "s", body: { a in try a["zz"] }),
            ]
            static func reader(_ args: BuiltinArguments) throws -> Value { try args["deep"] }
            static func pair(_ a: BuiltinArguments, _ i: String, _ j: String) throws -> Value { .nil }
            static func shim(_ a: BuiltinArguments, _ i: Int) throws -> Value { a[i + 1] }
        }
        extension BuiltinArguments { func number(_ name: String) throws -> Double { 0 } }
        """#
        let scanner = ArgumentReadScanner(sources: [.init(name: "Sample.swift", contents: source)])
        #expect(scanner.declarations.map(\.name) == ["ok", "wrong", "inner", "unknown", "labeled"])
        #expect(scanner.declarations.first?.parameters == ["x", "y", "w", "v"])
        let found = scanner.problems().map(\.message)
        let expected = [
            "'wrong' reads argument 'lr'", "'wrong' reads argument 'missing'", "'wrong' reads argument 'nope'",
            "'wrong' reads argument 'deep'", "`a[0`", "`a.number(1`", "`(a, 2`", "`a.values[`",
            "`a.builtin.parameters[`", "`a.number(i`", "`a[i + 1`", "the parameter list of 'unknown'",
            "'labeled' reads argument 'zz'",
        ]
        for e in expected {
            #expect(found.contains { $0.contains(e) }, "not found: \(e) in\n\(found.joined(separator: "\n"))")
        }
        #expect(found.count == expected.count, "\(found.joined(separator: "\n"))")
        #expect(!found.contains { $0.contains("'ok'") || $0.contains("'inner'") })
    }
}
