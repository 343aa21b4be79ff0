import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NNScript
import Testing

/// The library builtins seen from Swift: SVG files parse as XML and hold the
/// series, and Ctrl-C stops Swift loops (fit, Lanczos, surfaces) at a safe point.
@Suite("Library builtins")
struct LibraryBuiltinsTests {
    /// Runs `source`, returning printed output and the error (if any).
    func run(_ source: String, setup: (Interpreter) -> Void = { _ in }) -> (output: String, error: ScriptError?) {
        var output = ""
        let nn = Interpreter(options: .init(output: { output += $0 }, errorOutput: { _ in }, filePolicy: .unrestricted))
        setup(nn)
        do {
            try nn.run(source: source, name: "test.nn")
            return (output, nil)
        } catch let e as ScriptError {
            return (output, e)
        } catch {
            Issue.record("unexpected error \(error)")
            return (output, nil)
        }
    }

    /// A builtin `trip()` that raises the interrupt flag, as Ctrl-C's handler does.
    func addTrip(_ nn: Interpreter) {
        nn.register(Builtin("trip", area: "Test", summary: "Raises the interrupt flag.") { a in
            a.interpreter.interrupt()
            return .nil
        })
    }

    /// Element names and text of an XML document (nil when it does not parse).
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String: Int] = [:]
        var text = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            elements[name, default: 0] += 1
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }

    func parseSVG(_ path: String) -> Collector? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let parser = XMLParser(data: data)
        let c = Collector()
        parser.delegate = c
        return parser.parse() ? c : nil
    }

    @Test func plotWritesAnSVGThatParsesAndNamesItsSeries() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nn-lib-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("loss.svg").path, b = dir.appendingPathComponent("again.svg").path
        let r = run("""
            plot([0, 1, 2, 3], [[4, 3, 2, 1], [4, 3.5, 3, 2.5]], labels: ["train", "validation"], title: "loss curves", file: "\(a)")
            savefig("\(b)", width: 300, height: 200)
            """)
        #expect(r.error == nil)
        #expect(r.output.isEmpty, "a picture written to a file is not drawn in the terminal")
        for path in [a, b] {
            let svg = try #require(parseSVG(path), "\(path) parses as XML")
            #expect(svg.elements["svg"] == 1)
            #expect(svg.text.contains("loss curves"))
            #expect(svg.text.contains("train") && svg.text.contains("validation"))
            #expect((svg.elements["polyline"] ?? 0) + (svg.elements["path"] ?? 0) >= 2, "one line per series")
        }
        let small = try String(contentsOfFile: b, encoding: .utf8)
        #expect(small.contains("width=\"300\""))
    }

    @Test func surfaceAndHistogramWriteSVG() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nn-surface-\(UUID().uuidString).svg").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = run("""
            let L = fn(w) = (1 - w[0] * w[1]) ** 2
            surface(L, resolution: 12, points: [critical_point(L, tensor([0.0, 0.0], dtype: "float64"))], file: "\(path)")
            """)
        #expect(r.error == nil)
        let svg = try #require(parseSVG(path))
        #expect(svg.text.contains("saddle point"))
    }

    /// The first Ctrl-C ends fit between steps and fit returns its history;
    /// the second interrupts the script, and no `catch` takes it.
    @Test func ctrlCStopsFitBetweenSteps() {
        let r = run("""
            let model = Linear(2, 1)
            let opt = SGD(model, lr: 0.1)
            let calls = 0
            fn net(x) {
              calls = calls + 1
              if calls == 3 or calls == 6 { trip() }
              model(x)
            }
            let data = DataLoader(zeros([64, 2]), zeros([64, 1]), batch_size: 8)
            let h = fit(net, loss: mse, opt: opt, data: data, epochs: 5)
            print("first: interrupted {h.interrupted} after {calls} steps")
            try {
              fit(net, loss: mse, opt: opt, data: data, epochs: 5)
            } catch e { print("caught") }
            """, setup: addTrip)
        #expect(r.output.contains("first: interrupted true after 3 steps"))
        #expect(r.error?.kind == .interrupted)
        #expect(r.error?.message == "interrupted")
        #expect(!r.output.contains("caught"), "an interrupt is not catchable")
    }

    @Test func anInterruptedFitLeavesWholeSteps() throws {
        var nn: Interpreter?
        _ = run("""
            let model = Linear(2, 1)
            let opt = SGD(model, lr: 0.1)
            let calls = 0
            fn net(x) {
              calls = calls + 1
              if calls == 3 { trip() }
              model(x)
            }
            fit(net, loss: mse, opt: opt, data: DataLoader(randn([64, 2], seed: 0), zeros([64, 1]), batch_size: 8), epochs: 5)
            """, setup: { addTrip($0); nn = $0 })
        let interp = try #require(nn)
        // The interrupt arrived during batch 3's forward pass: that batch's update
        // completes (or never starts), and no later batch runs.
        let steps = try interp.evaluate("opt.steps"), calls = try interp.evaluate("calls")
        guard case .number(let s) = steps, case .number(let c) = calls else {
            Issue.record("opt.steps and calls should be numbers")
            return
        }
        #expect(c == 3)
        #expect(s == c || s == c - 1)
    }

    @Test func ctrlCStopsLanczosAndSurfaceSampling() {
        let lanczos = run("""
            let X = randn([16, 2], seed: 0, dtype: "float64")
            let model = Sequential(Linear(2, 8, dtype: "float64"), Tanh(), Linear(8, 1, dtype: "float64"))
            let n = 0
            fn loss(p, y) {
              n = n + 1
              if n == 1 { trip() }
              mse(p, y)
            }
            top_eigenvalues(model, loss: loss, data: (X, zeros([16, 1], dtype: "float64")), k: 3, iterations: 30)
            """, setup: addTrip)
        #expect(lanczos.error?.kind == .interrupted)
        let surface = run("""
            let n = 0
            fn f(w) {
              n = n + 1
              if n == 5 { trip() }
              0
            }
            surface(f, resolution: 30)
            """, setup: addTrip)
        #expect(surface.error?.kind == .interrupted)
    }

    @Test func everyLibraryObjectPrintsSensibly() {
        let r = run("""
            let m = Sequential(Linear(2, 3), ReLU())
            let opt = Adam(m)
            print(type(m), type(opt), type(StepDecay(opt, every: 1)), type(DataLoader(zeros([4, 2]), zeros([4]))))
            print(standardize(tensor([[1.0, 2.0], [3.0, 6.0]])))
            print(DataLoader(zeros([10, 2]), zeros([10]), batch_size: 4, seed: 1))
            print(Linear(2, 3))
            """)
        #expect(r.error == nil)
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "Sequential Adam StepDecay DataLoader")
        #expect(lines.contains("Standardizer(2 columns: mean [2, 4], std [1, 2])"))
        #expect(lines.contains("DataLoader(10 samples, batch_size 4 → 3 batches, shuffled with seed 1)"))
        #expect(lines.last == "Linear(in_features=2, out_features=3, bias=True)")
    }

    @Test func fitDrawsItsLossCurveWhenAsked() {
        let r = run("""
            let (X, y) = moons(64, seed: 0)
            let model = Sequential(Linear(2, 8), Tanh(), Linear(8, 2))
            let h = fit(model, loss: cross_entropy, opt: Adam(model, lr: 0.05), data: (X, y), epochs: 3, val: (X, y), plot: true, seed: 0)
            print(h.epochs)
            """)
        #expect(r.error == nil)
        // Not a terminal: the curve is drawn once, at the end, titled with the last epoch's line.
        #expect(r.output.contains("epoch 3/3  loss "))
        #expect(r.output.contains("train") && r.output.contains("validation"))
        #expect(r.output.hasSuffix("3\n"))
    }

    @Test func spectralDensityPlotsAsCurveAndHistogram() {
        let r = run("""
            let X = randn([20, 2], seed: 0, dtype: "float64")
            let model = Sequential(Linear(2, 4, dtype: "float64"), Tanh(), Linear(4, 1, dtype: "float64"))
            let d = spectral_density(model, loss: mse, data: (X, zeros([20, 1], dtype: "float64")), iterations: 10, bins: 30)
            plot(d, width: 50, height: 6)
            hist(d, width: 50)
            """)
        #expect(r.error == nil)
        #expect(r.output.components(separatedBy: "eigenvalue density").count == 3, "both pictures are titled")
    }
}
