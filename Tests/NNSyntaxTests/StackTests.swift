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

    @Test("parsing input nested to the limit fits in a 2 MB thread stack (debug build)")
    func deepInputOnSmallStack() async {
        let ok = await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let thread = Thread {
                var ok = true
                for (i, input) in StackTests.deepInputs.enumerated() {
                    let result = Parser.parse(input)
                    ok = ok && (i == StackTests.deepInputs.count - 1 ? !result.succeeded : result.succeeded)
                }
                c.resume(returning: ok)
            }
            thread.stackSize = 2 << 20
            thread.start()
        }
        #expect(ok)
    }
}
