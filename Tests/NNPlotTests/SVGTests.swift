import Foundation
import Testing
@testable import NNPlot

@Suite("SVG output")
struct SVGTests {
    /// A fresh empty folder for files written by one test.
    func folder() throws -> String {
        let path = NSTemporaryDirectory() + "nnplot-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a figure's polylines hold its points in data order, recoverable through the tick labels")
    func figurePoints() throws {
        let xs = (0...20).map { Double($0) / 2 }
        var fig = Figure(title: "loss & <accuracy>", xLabel: "epoch", yLabel: "loss")
        fig.add(try Series(x: xs, y: xs.map { $0 * $0 }, label: "x²"))
        fig.add(try Series(x: xs, y: xs.map { 100 - $0 * $0 }, label: "100 − x²", style: .markers))
        let svg = fig.renderSVG(SVGOptions())
        let elements = try #require(parseSVG(svg))
        #expect(elements.first?.name == "svg")
        #expect(elements.first?.attributes["viewBox"] == "0 0 640 420")
        #expect(elements.contains { $0.attributes["class"] == "title" && $0.text == "loss & <accuracy>" })
        let toX = try #require(axisInverse(elements, axis: "x"))
        let toY = try #require(axisInverse(elements, axis: "y"))
        let lines = elements.filter { $0.name == "polyline" && $0.attributes["class"] == "series" }
        #expect(lines.count == 1)
        let points = polylinePoints(lines[0])
        #expect(points.count == xs.count)
        // Coordinates are rounded to 0.01 px; one pixel is about 0.02 in x and 0.3 in y here.
        for (p, x) in zip(points, xs) {
            #expect(abs(toX(p.0) - x) < 0.01)
            #expect(abs(toY(p.1) - x * x) < 0.1)
        }
        let markers = elements.filter { $0.name == "rect" && $0.attributes["width"] == "6" }
        #expect(markers.count == xs.count)
        #expect(elements.filter { $0.attributes["class"] == "legend" }.count == 1)
    }

    @Test("NaN splits a line into separate polylines; log axes map back through log10")
    func gapsAndLog() throws {
        var fig = Figure(logY: true)
        fig.add(Series(y: [1, 10, .nan, 1000, 10_000]))
        let elements = try #require(parseSVG(fig.renderSVG(SVGOptions())))
        let lines = elements.filter { $0.name == "polyline" }
        #expect(lines.map { polylinePoints($0).count } == [2, 2])
        let ticks = elements.filter { $0.attributes["class"] == "ytick-label" }.map(\.text)
        #expect(ticks == ["1", "10", "100", "1000", "1e4"])
        // Pixel rows of the points are linear in log10(y): 1 → 10 spans as many pixels as 1000 → 10⁴.
        let p = lines.flatMap(polylinePoints)
        #expect(abs((p[0].1 - p[1].1) - (p[2].1 - p[3].1)) < 0.02)
    }

    @Test("histogram bars are rects with heights proportional to the counts")
    func histogramBars() throws {
        let h = try Histogram(values: [0.1, 0.2, 0.3, 1.5, 2.5, 2.6], bins: 3, range: 0...3)
        let elements = try #require(parseSVG(h.renderSVG(SVGOptions())))
        let bars = elements.filter { $0.attributes["class"] == "bar" }
        #expect(bars.map { $0.attributes["data-weight"] } == ["3", "1", "2"])
        let heights = bars.compactMap { Double($0.attributes["height"] ?? "") }
        #expect(heights.count == 3)
        #expect(abs(heights[0] / heights[1] - 3) < 0.01 && abs(heights[2] / heights[1] - 2) < 0.01)
    }

    @Test("a surface has a raster, contour paths, the optimizer's polyline and a labelled mark")
    func surface() throws {
        var s = try Surface(x: -2...2, y: -1...3, resolution: 30) { x, y in (1 - x) * (1 - x) + 10 * (y - x * x) * (y - x * x) }
        s.contours = .count(5)
        s.logScale = true
        let path: [(Double, Double)] = [(-1.5, 2.5), (-1, 1), (0, 0.2), (0.5, 0.3), (1, 1)]
        s.paths = [SurfacePath(name: "adam", x: path.map(\.0), y: path.map(\.1))]
        s.marks = [SurfaceMark(label: "min", x: 1, y: 1)]
        let elements = try #require(parseSVG(s.renderSVG(SVGOptions())))
        #expect(elements.filter { $0.name == "rect" }.count > 900)
        #expect(elements.filter { $0.attributes["class"] == "contour" }.count == 5)
        let line = try #require(elements.first { $0.attributes["class"] == "path" && $0.name == "polyline" })
        let toX = try #require(axisInverse(elements, axis: "x"))
        let toY = try #require(axisInverse(elements, axis: "y"))
        for (p, q) in zip(polylinePoints(line), path) {
            #expect(abs(toX(p.0) - q.0) < 0.01 && abs(toY(p.1) - q.1) < 0.01)
        }
        #expect(elements.contains { $0.name == "text" && $0.text == "min" })
        #expect(elements.contains { $0.name == "text" && $0.text == "adam" })
    }

    @Test("rendering is deterministic: the same figure gives the same bytes")
    func deterministic() throws {
        let fig = Figure(title: "t", series: [Series(y: [3, 1, 2], label: "a")])
        #expect(fig.renderSVG(SVGOptions()) == fig.renderSVG(SVGOptions()))
        #expect(SVGBuilder.escape("a<b & \"c\" 'd'>\u{1}") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
    }

    @Test("writeSVG replaces the file atomically and leaves no temporary files")
    func writeFile() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/loss.svg"
        let fig = Figure(series: [Series(y: [1, 2, 3])])
        try fig.writeSVG(to: path)
        try Figure(series: [Series(y: [3, 2, 1])]).writeSVG(to: path)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == Figure(series: [Series(y: [3, 2, 1])]).renderSVG(SVGOptions()))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["loss.svg"])
    }

    @Test("an unwritable folder is a Swift error naming the path")
    func unwritable() {
        let path = "/nonexistent-nnplot-folder/loss.svg"
        #expect(throws: PlotError.cannotWrite(path: path, reason: "No such file or directory")) {
            try Figure(series: [Series(y: [1])]).writeSVG(to: path)
        }
        #expect(throws: PlotError.self) { try SVGFile.write("x", to: "") }
        #expect(throws: PlotError.self) { try SVGFile.write("x", to: "/tmp/") }
    }
}
