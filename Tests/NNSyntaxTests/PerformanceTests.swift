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

    @Test("lexing and parsing a 1,000-line script takes milliseconds")
    func thousandLines() {
        let file = SourceFile(name: "big.nn", text: Self.script)
        #expect(file.lineCount >= 1000)
        _ = Parser.parse(file)
        let start = DispatchTime.now().uptimeNanoseconds
        let runs = Int(ProcessInfo.processInfo.environment["RUNS"] ?? "5") ?? 5
        for _ in 0..<runs {
            let result = Parser.parse(file)
            #expect(result.succeeded)
        }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(runs)
        print("parse of \(file.lineCount) lines: \(ms) ms")
        #expect(ms < 250)  // generous for debug builds; release is a few ms
    }
}
