import Foundation
import Testing
@testable import NNPlot

/// PNG and PDF renderings of the SVG (issue 19): the PNG is read back with
/// `PNGImage` and its pixels compared with where the SVG says the frame, the
/// series and the tick labels are.
@Suite("Pictures rendered as PNG and PDF", .enabled(if: SVGRenderer.isAvailable, "built without the RSVG trait"))
struct PictureRenderTests {
    let figure = Figure(xLabel: "epoch", series: [Series(y: [3, 1, 2, 5], label: "loss")])

    /// The frame rectangle the SVG draws, in SVG pixels.
    func frame(_ svg: String) throws -> (x: Double, y: Double, w: Double, h: Double) {
        let elements = try #require(parseSVG(svg))
        let rect = try #require(elements.first { $0.attributes["class"] == "frame" })
        func n(_ k: String) throws -> Double { try #require(Double(rect.attributes[k] ?? "")) }
        return (try n("x"), try n("y"), try n("width"), try n("height"))
    }

    /// The darkest of the pixels `at - 1`, `at` along a line (antialiasing spreads a
    /// 1-pixel line at an integer position over two pixels at 96 dpi).
    func darkest(_ image: PNGImage, column x: Int, row y: Int) -> Double {
        min(image.brightness(x, y), image.brightness(max(0, x - 1), y))
    }

    @Test("the PNG is as large as width·dpi/96 × height·dpi/96", arguments: [96.0, 150, 192, 50])
    func size(dpi: Double) throws {
        let png = try figure.pngData(options: SVGOptions(width: 640, height: 420), dpi: dpi)
        #expect(Array(png.prefix(8)) == PNGImage.magic)
        let image = try PNGImage(png)
        #expect(image.width == Int((640 * dpi / 96).rounded()))
        #expect(image.height == Int((420 * dpi / 96).rounded()))
    }

    @Test("the frame is dark where the SVG draws it, the margin right of it white, at 96 and 192 dpi", arguments: [96.0, 192])
    func axes(dpi: Double) throws {
        let options = SVGOptions(width: 640, height: 420)
        let f = try frame(figure.renderSVG(options))
        let image = try PNGImage(try figure.pngData(options: options, dpi: dpi))
        let s = dpi / 96
        let left = Int((f.x * s).rounded()), right = Int(((f.x + f.w) * s).rounded())
        let top = Int((f.y * s).rounded()), bottom = Int(((f.y + f.h) * s).rounded())
        // The four sides of the frame (#333333, brightness 51; half of it at 96 dpi).
        let rows = (top + 3)...(bottom - 3), columns = (left + 3)...(right - 3)
        for x in [left, right] {
            let dark = rows.filter { darkest(image, column: x, row: $0) < 170 }.count
            #expect(dark == rows.count, "column \(x): \(dark) of \(rows.count) pixels dark")
        }
        for y in [top, bottom] {
            let dark = columns.filter { min(image.brightness($0, y), image.brightness($0, y - 1)) < 170 }.count
            #expect(dark == columns.count, "row \(y): \(dark) of \(columns.count) pixels dark")
        }
        // Just inside the frame (between grid lines) and right of it: white background.
        #expect(image.brightness(left + Int(4 * s), top + Int(4 * s)) > 250)
        let margin = (right + Int(3 * s))..<image.width
        for y in stride(from: 0, to: image.height, by: 7) {
            for x in margin where image.brightness(x, y) < 250 {
                Issue.record("pixel (\(x), \(y)) right of the frame is not white")
                return
            }
        }
        // Tick labels left of the frame and the x label under it: text was drawn.
        var text = 0, label = 0
        for y in rows { for x in 0..<(left - Int(8 * s)) where image.brightness(x, y) < 128 { text += 1 } }
        for y in (bottom + Int(30 * s))..<image.height { for x in columns where image.brightness(x, y) < 128 { label += 1 } }
        #expect(text > Int(40 * s * s), "y tick labels: \(text) dark pixels")
        #expect(label > Int(20 * s * s), "x label: \(label) dark pixels")
    }

    @Test("the series is blue where the SVG's polyline has its points")
    func series() throws {
        let options = SVGOptions(width: 640, height: 420)
        let figure = Figure(series: [Series(y: [3, 1, 2, 5])])   // no label, so no legend over the line
        let elements = try #require(parseSVG(figure.renderSVG(options)))
        let line = try #require(elements.first { $0.name == "polyline" && $0.attributes["class"] == "series" })
        let points = polylinePoints(line)
        #expect(points.count == 4)
        let image = try PNGImage(try figure.pngData(options: options, dpi: 96))
        // Each vertex and each segment's midpoint: the bluest pixel around it is
        // the series' #1f77b4 (blue well above red); the line is 1.75 pixels wide.
        let middles = zip(points, points.dropFirst()).map { a, b in ((a.0 + b.0) / 2, (a.1 + b.1) / 2) }
        for (px, py) in points + middles {
            let (x, y) = (Int(px), Int(py))
            let bluest = (-1...1).flatMap { dy in (-1...1).map { dx in image.rgb(x + dx, y + dy) } }.map { $0.b - $0.r }.max() ?? 0
            #expect(bluest > 80, "around (\(px), \(py)) nothing is the series' blue")
        }
        var blue = 0, coloured = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let p = image.rgb(x, y)
                if p.b - p.r > 80 { blue += 1 }
                if image.brightness(x, y) < 250 { coloured += 1 }
            }
        }
        #expect(blue > 500, "\(blue) blue pixels")
        let share = Double(coloured) / Double(image.width * image.height)
        #expect(share > 0.01 && share < 0.5, "\(share) of the picture drawn: neither blank nor filled")
    }

    @Test("histograms and surfaces render too, and an empty figure renders its message")
    func others() throws {
        var s = try Surface(x: -1...1, y: -1...1, resolution: 20) { x, y in x * x + 3 * y * y }
        s.contours = .count(4)
        s.paths = [SurfacePath(name: "sgd", x: [0.9, -0.5, 0.2, 0], y: [0.9, -0.4, 0.1, 0])]
        let pictures: [any Plottable] = [try Histogram(values: [1, 2, 2, 3, 3, 3], bins: 3), s, Figure()]
        for picture in pictures {
            let image = try PNGImage(try picture.pngData(options: SVGOptions(width: 300, height: 200), dpi: 96))
            #expect(image.width == 300 && image.height == 200)
            var dark = 0
            for y in 0..<image.height { for x in 0..<image.width where image.brightness(x, y) < 128 { dark += 1 } }
            #expect(dark > 50, "\(type(of: picture)): \(dark) dark pixels")
        }
    }

    @Test("the PDF is one page of width·0.75 × height·0.75 points with DejaVu Sans embedded")
    func pdf() throws {
        let bytes = try figure.pdfData(options: SVGOptions(width: 640, height: 420))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-"))
        #expect(text.hasSuffix("%%EOF\n"))
        #expect(text.contains("/MediaBox [ 0 0 480 315 ]"))
        #expect(text.contains("/Count 1"))
        #expect(text.components(separatedBy: "/Type /Page").count - text.components(separatedBy: "/Type /Pages").count == 1)
        #expect(text.contains("DejaVuSans"), "the text's font is embedded")
    }

    @Test("sizes and resolutions that cannot be drawn are errors naming the fix")
    func limits() {
        #expect(throws: PlotError.invalidArgument("dpi must be a positive number, got 0")) { try figure.pngData(dpi: 0) }
        #expect(throws: PlotError.invalidArgument("dpi must be a positive number, got nan")) { try figure.pngData(dpi: .nan) }
        #expect(throws: PlotError.invalidArgument("a 640×420 picture at 2400 dpi would be 16000×10500 pixels; a PNG may have at most 50 million pixels and 32767 on a side: lower dpi, width or height")) {
            try figure.pngData(dpi: 2400)
        }
        #expect(throws: PlotError.invalidArgument("a 640×420 picture at 1e300 dpi would be too many pixels; a PNG may have at most 50 million pixels and 32767 on a side: lower dpi, width or height")) {
            try figure.pngData(dpi: 1e300)
        }
        #expect(throws: PlotError.self) { try figure.pngData(dpi: 0.01) }
        #expect(throws: PlotError.self) { try SVGRenderer.pdf(svg: "<svg/>", width: .infinity, height: 10) }
    }

    @Test("SVG that librsvg cannot read is an error, not an empty picture")
    func unreadable() {
        #expect(throws: PlotError.self) { try SVGRenderer.png(svg: "not svg", width: 100, height: 100) }
        #expect(throws: PlotError.self) { try SVGRenderer.pdf(svg: "<svg", width: 100, height: 100) }
    }

    #if RSVG
    @Test("the font the SVG names is installed (scripts/setup), and a missing one is told apart")
    func fonts() {
        #expect(SVGBuilder.fontFamilies.first == "DejaVu Sans")
        #expect(FontCheck.file(for: "DejaVu Sans") != nil, "install fonts-dejavu-core")
        #expect(FontCheck.file(for: "No Such Family For nn") == nil)
        #expect(FontCheck.installedFamily != nil)
        #expect(figure.renderSVG(SVGOptions()).contains(#"font-family="DejaVu Sans, Helvetica, Arial, sans-serif""#))
    }
    #endif
}
