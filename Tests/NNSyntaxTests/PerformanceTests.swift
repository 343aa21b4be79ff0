import NNSyntax
import Testing
import Foundation

@Suite("Speed")
struct PerformanceTests {
    /// A 1,000-line script in the style of a training program.
    static let script: String = {
        let chunk = """
        # a chunk of a training script
        let model = Sequential(Linear(2, 16), ReLU(), Linear(16, 2))
        let opt = Adam(model.parameters(), lr: 1e-3, betas: [0.9, 0.999])
        fn loss(w, by: 2) {
          let e = 1 - w[0] * w[1]
          e ** 2 * by
        }
        for (xb, yb) in loader {
          let pred = model(xb[:, 1:])
          let l = cross_entropy(pred, yb)
          if l.item() > 10 { print("epoch {e}: loss {l.item()}") } else { opt.step() }
        }

        """
        return String(repeating: chunk, count: 84)  // 12 lines a chunk
    }()

    /// The fastest of `runs` parses of `text`, in nanoseconds.
    static func fastestParse(_ text: String, runs: Int) -> UInt64 {
        let file = SourceFile(name: "big.nn", text: text)
        var best = UInt64.max
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = Parser.parse(file)
            best = min(best, DispatchTime.now().uptimeNanoseconds - start)
            #expect(result.succeeded)
        }
        return best
    }

    /// Parsing takes time linear in the script's length. Judged by a ratio
    /// of two times on the same machine, never by a time: four times the
    /// text must take less than ten times as long (linear is 4, quadratic
    /// 16), so the test holds on a machine of any speed.
    @Test("lexing and parsing take time linear in the length")
    func linearTime() {
        let file = SourceFile(name: "big.nn", text: Self.script)
        #expect(file.lineCount >= 1000)
        let runs = Int(ProcessInfo.processInfo.environment["RUNS"] ?? "5") ?? 5
        _ = Parser.parse(file)
        let one = Self.fastestParse(Self.script, runs: runs)
        let four = Self.fastestParse(String(repeating: Self.script, count: 4), runs: runs)
        print("parse of \(file.lineCount) lines: \(Double(one) / 1e6) ms; four times as many: \(Double(four) / 1e6) ms")
        #expect(Double(four) < 10 * Double(one))
    }
}
