import Foundation
import NNSyntax
import Testing

@Suite("Stack use")
struct StackTests {
    /// Inputs nested right up to the limit, one per construct.
    static let deepInputs: [String] = {
        let n = Parser.maxDepth - 2
        return [
            String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n),
            String(repeating: "[", count: n) + String(repeating: "]", count: n),
            String(repeating: "if x { ", count: n / 2) + String(repeating: "}", count: n / 2),
            String(repeating: "fn(x) { ", count: n / 2) + String(repeating: "}", count: n / 2),
            String(repeating: "{a: ", count: n) + "1" + String(repeating: "}", count: n),
            String(repeating: "x => ", count: n) + "x",
            String(repeating: "-", count: n) + "1",
            String(repeating: "(", count: 100_000),
        ]
    }()

    /// A `**` chain just under ``Parser/maxHeight``: right-associative, so
    /// the parser recurses once per link (thousands of levels, within the
    /// counted limits).
    static let powerChain = Array(repeating: "2", count: Parser.maxHeight - 8).joined(separator: " ** ")

    /// True when this test binary runs under AddressSanitizer (its runtime
    /// exports `__asan_init`), whose stack frames are several times larger.
    static let underAddressSanitizer: Bool = {
        guard let process = dlopen(nil, RTLD_NOW) else { return false }
        return dlsym(process, "__asan_init") != nil
    }()

    /// Runs `body` on a new thread with a `stackSize`-byte stack and returns its result.
    static func onThread<T: Sendable>(stackSize: Int, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (c: CheckedContinuation<T, Never>) in
            let thread = Thread { c.resume(returning: body()) }
            thread.stackSize = stackSize
            thread.start()
        }
    }

    /// True when `result` failed only because the parsing thread's stack ran low.
    static func stoppedByStack(_ result: ParseResult) -> Bool {
        !result.diagnostics.isEmpty
            && result.diagnostics.allSatisfy { $0.message.hasPrefix("expression nested too deeply for this thread's stack") }
    }

    /// The debug build's parser frames fit a 2 MB thread at the nesting
    /// limit. AddressSanitizer's frames do not: there each input either
    /// parses or stops with the stack diagnostic (never a stack overflow).
    @Test("parsing input nested to the limit fits in a 2 MB thread stack (debug build)")
    func deepInputOnSmallStack() async {
        let asan = StackTests.underAddressSanitizer
        let ok = await StackTests.onThread(stackSize: 2 << 20) {
            var ok = true
            for (i, input) in StackTests.deepInputs.enumerated() {
                let result = Parser.parse(input)
                if i == StackTests.deepInputs.count - 1 {
                    ok = ok && !result.succeeded
                } else {
                    ok = ok && (result.succeeded || (asan && StackTests.stoppedByStack(result)))
                }
            }
            return ok
        }
        #expect(ok)
    }

    /// On a thread too small for the nesting the counted limits allow, the
    /// parser says the nesting is too deep for its stack instead of
    /// overflowing it (it segfaulted before it checked its stack).
    @Test("nesting too deep for the thread's stack is a diagnostic, not a crash")
    func nestingOnTinyStack() async {
        // glibc may hand the thread a cached stack of up to four times the
        // size asked for (one left by a thread that ended earlier in the
        // run), so the size the message must name is the one the thread has.
        let (stackSize, results) = await StackTests.onThread(stackSize: 256 << 10) {
            (NativeStack.current()?.size ?? 0,
             (StackTests.deepInputs.dropLast() + [StackTests.powerChain]).map { input in
                let result = Parser.parse(input)
                return (result.succeeded, result.diagnostics.map(\.message))
             })
        }
        #expect(stackSize >= 256 << 10 && stackSize <= 1 << 20, "stack of \(stackSize) bytes")
        // The power chain recurses thousands of levels deep: no build fits that in 1 MiB.
        let (powerParsed, powerMessages) = results[results.count - 1]
        #expect(!powerParsed)
        #expect(powerMessages.count == 1)
        let expected = "expression nested too deeply for this thread's stack (\(NativeStack.mebibytes(stackSize)), used up after "
        #expect(powerMessages.first?.hasPrefix(expected) == true, "\(powerMessages)")
        #expect(powerMessages.first?.hasSuffix("levels); split it with 'let' or nest it less") == true)
        // The others parse, or stop the same way (a debug build's frames are larger).
        for (parsed, messages) in results.dropLast() {
            #expect(parsed || (messages.count == 1 && messages[0].hasPrefix("expression nested too deeply for this thread's stack")),
                    "\(messages)")
        }
    }

    /// The stack check stops at a level, not at a statement: the parser
    /// recovers and reports the statements after the deep one as usual.
    @Test("after a statement too deep for the stack, parsing goes on")
    func recoversAfterStackLimit() async {
        let messages = await StackTests.onThread(stackSize: 256 << 10) {
            Parser.parse(StackTests.powerChain + "\nlet = 1\nlet ok = 2\n").diagnostics.map(\.message)
        }
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.first?.hasPrefix("expression nested too deeply for this thread's stack") == true)
        #expect(messages.last?.hasPrefix("expected") == true, "\(messages)")
    }

    /// A big stack parses everything the counted limits allow.
    @Test("a power chain at the height limit parses on a 64 MB thread")
    func powerChainOnBigStack() async {
        let ok = await StackTests.onThread(stackSize: 64 << 20) { Parser.parse(StackTests.powerChain).succeeded }
        #expect(ok)
    }
}
