import NNSyntax
import Testing

@Suite("Robustness: no input crashes the parser")
struct RobustnessTests {
    @Test("100,000 nested '(' give a clean error")
    func deepParentheses() {
        let result = Parser.parse(String(repeating: "(", count: 100_000))
        #expect(result.diagnostics.map(\.message) == ["expression nested too deeply (limit 256)"])
        #expect(!result.isIncomplete)
    }

    @Test("100,000 nested '[' give a clean error")
    func deepBrackets() {
        let result = Parser.parse(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
        #expect(result.diagnostics.map(\.message) == ["expression nested too deeply (limit 256)"])
    }

    @Test("deep blocks, records, prefix operators and patterns give a clean error")
    func deepOthers() {
        let n = 50_000
        let cases = [
            String(repeating: "if x { ", count: n),
            String(repeating: "{a: ", count: n),
            String(repeating: "-", count: n) + "1",
            String(repeating: "not ", count: n) + "x",
            "let " + String(repeating: "(", count: n) + "a",
            String(repeating: "x => ", count: n) + "x",
            String(repeating: "\"{", count: n),
        ]
        for source in cases {
            let messages = errors(source)
            #expect(messages.contains("expression nested too deeply (limit 256)"), "\(source.prefix(12))")
        }
    }

    @Test("nesting up to the limit is fine")
    func nestingBelowLimit() {
        let n = 200
        #expect(errors(String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n)) == [])
        #expect(errors(String(repeating: "[", count: n) + String(repeating: "]", count: n)) == [])
    }

    @Test("long operator and postfix chains are limited, not recursed into")
    func longChains() {
        let sum = (0..<100_000).map { "a\($0)" }.joined(separator: " + ")
        #expect(errors(sum) == ["expression too complex (more than 4096 chained operations)"])
        #expect(errors("x" + String(repeating: ".y", count: 100_000)).count == 1)
        #expect(errors("f" + String(repeating: "()", count: 100_000)).count == 1)
        let ok = (0..<1000).map { "a\($0)" }.joined(separator: " + ")
        #expect(errors(ok) == [])
    }

    @Test("a flat list of 100,000 elements parses")
    func wideList() {
        let list = "[" + (0..<100_000).map(String.init).joined(separator: ", ") + "]"
        #expect(errors(list) == [])
    }

    @Test("invalid UTF-8 gives an error, not a crash")
    func invalidUTF8() {
        let bytes: [UInt8] = Array("let x = ".utf8) + [0xFF, 0xC3] + Array(" \"a".utf8) + [0x80] + Array("\"".utf8)
        let file = SourceFile(name: "bad.nn", bytes: bytes)
        let result = Parser.parse(file)
        #expect(result.diagnostics.map(\.message).contains("invalid UTF-8 byte 0xFF"))
        #expect(result.diagnostics.map(\.message).contains("invalid UTF-8 byte 0x80 in string"))
        _ = result.diagnostics.rendered(in: file)
    }

    @Test("random byte soup never crashes", arguments: 0..<8)
    func randomInput(seed: UInt64) {
        var rng = SplitMix(seed: seed)
        let alphabet = Array("let fn if else for in while return try catch and or not x y 1 2.5 \"{}}{\\ ()[]{},:;.+-*/%@=<>!#\n\t_".utf8)
        for _ in 0..<200 {
            let length = Int(rng.next() % 200)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                let r = rng.next()
                bytes.append(r % 17 == 0 ? UInt8(truncatingIfNeeded: r >> 8) : alphabet[Int(r % UInt64(alphabet.count))])
            }
            let file = SourceFile(name: "fuzz.nn", bytes: bytes)
            let result = Parser.parse(file)
            _ = result.diagnostics.rendered(in: file)
            _ = result.program.sExpression
            #expect(result.diagnostics.count <= Parser.maxErrors)
        }
    }

    @Test("every prefix of a real script parses without crashing")
    func prefixes() {
        let script = """
        fn loss(w, by: 2) {
          let (a, [b, _]) = (w[0], [w[1:], 3])
          if a > b { "x {a + f("y")}" } else if b { {k: 1} } else { try { g() } catch e { e } }
        }
        for (x, y) in zip(xs, ys) { total += x @ y ** -2; r.f[0, ::2] = () => nil }
        """
        let bytes = Array(script.utf8)
        for n in 0...bytes.count {
            let result = Parser.parse(SourceFile(name: "p", bytes: Array(bytes[0..<n])))
            _ = result.isIncomplete
        }
        #expect(Parser.parse(script).succeeded)
    }
}

/// A small deterministic random generator for the fuzz test.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
