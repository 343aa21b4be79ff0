import Foundation
import NNScript
import Testing

/// `Interpreter.Options.display`: with a notebook front end attached,
/// pictures go to it as SVG (not as terminal text on the output), and
/// `fit`'s progress is one output updated in place.
@Suite("Display")
struct DisplayTests {
    /// Everything an interpreter with a display hook wrote and displayed.
    final class Capture {
        var output = ""
        var errors = ""
        var shown: [DisplayOutput] = []
        // The hooks hold the capture weakly: it holds the interpreter, and a
        // strong capture would be a cycle (LeakSanitizer found seven).
        lazy var nn = Interpreter(options: .init(output: { [weak self] in self?.output += $0 },
                                                 errorOutput: { [weak self] in self?.errors += $0 },
                                                 filePolicy: .unrestricted, display: { [weak self] in self?.shown.append($0) }))
    }

    @Test func aPlotIsShownAsSVGNotPrinted() throws {
        let c = Capture()
        try c.nn.run(source: "plot([1, 4, 9], title: \"squares\")\nhist([1, 2, 2, 3], bins: 3)")
        #expect(c.output.isEmpty)
        #expect(c.shown.count == 2)
        for d in c.shown {
            #expect(d.svg?.hasPrefix("<?xml") == true && d.svg?.contains("</svg>") == true)
            #expect(d.id == nil && !d.isUpdate)
            #expect(!d.text.isEmpty)  // the plain-text form, for clients that show no SVG
        }
        #expect(c.shown[0].svg?.contains("squares") == true)
        // 80 columns × 16 rows by default: 8 px a column, 26 a row.
        #expect(c.shown[0].svg?.contains("width=\"640\" height=\"416\"") == true)
    }

    @Test func widthAndHeightKeepTheirTerminalMeaning() throws {
        let c = Capture()
        try c.nn.run(source: "plot([1, 4, 9], width: 60, height: 14)")
        #expect(c.shown.first?.svg?.contains("width=\"480\" height=\"364\"") == true)
        #expect(throws: ScriptError.self) { try c.nn.run(source: "plot([1, 2], width: 5000)") }
    }

    @Test func asciiAndFilePicturesAreNotDisplayed() throws {
        let c = Capture()
        try c.nn.run(source: "plot([1, 4, 9], ascii: true, width: 40, height: 5)")
        #expect(c.shown.isEmpty)
        #expect(c.output.contains("*"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nn-display-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try c.nn.run(source: "plot([1, 4, 9], file: \"\(dir.path)/a.svg\")")
        #expect(c.shown.isEmpty)
        #expect(FileManager.default.fileExists(atPath: dir.path + "/a.svg"))
    }

    @Test func savefigWritesTheLastDisplayedPicture() throws {
        let c = Capture()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nn-display-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try c.nn.run(source: "surface(fn(w) = (1 - w[0] * w[1]) ** 2, resolution: 8)\nsavefig(\"\(dir.path)/s.svg\")")
        #expect(c.shown.count == 1)
        #expect(FileManager.default.fileExists(atPath: dir.path + "/s.svg"))
    }

    @Test func fitProgressIsOneOutputUpdatedInPlace() throws {
        let c = Capture()
        let h = try c.nn.run(source: """
            let (X, y) = moons(64, seed: 0)
            let model = Sequential(Linear(2, 8), Tanh(), Linear(8, 2))
            let h = fit(model, loss: cross_entropy, opt: Adam(model, lr: 0.05), data: (X, y), epochs: 4, plot: true, seed: 0)
            h.epochs
            """)
        guard case .number(4) = h else { Issue.record("fit returned \(h)"); return }
        #expect(c.errors.isEmpty && c.output.isEmpty)  // no epoch lines on the streams
        let ids = Set(c.shown.compactMap(\.id))
        #expect(ids.count == 2 && c.shown.allSatisfy { $0.id != nil })  // the progress text and the curve
        for id in ids {
            let mine = c.shown.filter { $0.id == id }
            #expect(!mine[0].isUpdate && mine.dropFirst().allSatisfy(\.isUpdate))  // shown once, then updated
        }
        let text = c.shown.last { $0.svg == nil }
        let lines = text?.text.split(separator: "\n") ?? []
        #expect(lines.count == 4 && lines.first?.hasPrefix("epoch 1/4  loss ") == true && lines.last?.hasPrefix("epoch 4/4  loss ") == true)
        let curve = c.shown.last { $0.svg != nil }
        #expect(curve?.svg?.contains("epoch 4/4") == true)
    }

    /// What a terminal-less `fit` prints besides epoch lines (restored weights, early stopping) is in the output too.
    @Test func fitProgressSaysWhatRestoreBestDid() throws {
        let c = Capture()
        try c.nn.run(source: """
            let (X, y) = moons(64, seed: 0)
            let model = Sequential(Linear(2, 8), Tanh(), Linear(8, 2))
            fit(model, loss: cross_entropy, opt: Adam(model, lr: 0.05), data: (X, y), epochs: 3, val: (X, y), restore_best: true, seed: 0);
            """)
        let text = c.shown.last?.text ?? ""
        #expect(text.contains("epoch 3/3") && text.contains("restored the weights of epoch"), "\(text)")
        #expect(c.errors.isEmpty)
    }

    @Test func fitWithoutProgressShowsNothing() throws {
        let c = Capture()
        try c.nn.run(source: """
            let (X, y) = moons(32, seed: 0)
            let model = Sequential(Linear(2, 4), Tanh(), Linear(4, 2))
            fit(model, loss: cross_entropy, data: (X, y), epochs: 2, verbose: false, seed: 0);
            """)
        #expect(c.shown.isEmpty && c.errors.isEmpty)
    }

    @Test func aFailingDisplayStopsTheScript() {
        struct Closed: Error {}
        let nn = Interpreter(options: .init(output: { _ in }, display: { _ in throw Closed() }))
        #expect(throws: (any Error).self) { try nn.run(source: "plot([1, 2, 3])\nprint(\"after\")") }
    }

    @Test func withoutAHookPicturesAreText() throws {
        var out = ""
        let nn = Interpreter(options: .init(output: { out += $0 }))
        try nn.run(source: "plot([1, 4, 9], width: 40, height: 5)")
        #expect(out.contains("+"))
    }
}
