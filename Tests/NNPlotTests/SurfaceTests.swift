import Testing
@testable import NNPlot

@Suite("Surface")
struct SurfaceTests {
    /// The quadratic bowl x² + 4y² with a zig-zagging gradient-descent-like path into its minimum.
    func bowl() throws -> Surface {
        var s = try Surface(x: -2...2, y: -2...2, resolution: 41) { x, y in x * x + 4 * y * y }
        s.title = "x² + 4y²"
        s.paths = [SurfacePath(name: "gd", x: [-1.8, -1.2, -0.6, -0.2, 0], y: [1.5, -0.9, 0.5, -0.2, 0])]
        s.marks = [SurfaceMark(label: "min", x: 0, y: 0)]
        return s
    }

    @Test("a shaded bowl: ellipses of the ramp, wider in x, the path (o) zig-zags into the marked minimum")
    func shadedWithPath() throws {
        // The corners are x² + 4y² ≈ 20 (the top of the ramp, %/@); the centre 0 (blank).
        let expected = """
                         x² + 4y²
         2 +%%%########************########%%%
           |*o+++++++================+++++++**
           |==o--------::::::::::::--------===
         1 +--o:::::..................::::::--
           |::.o.....  o             .......::
           |....o     o oo               .....
         0 +.....o  oo    oooX min       .....
           |::...o.o.                .......::
           |--::::o:..................::::::--
        -1 +===--------::::::::::::--------===
           |**+++++++================+++++++**
        -2 +%%%########************########%%%
           ++-------+--------+-------+-------+
            -2      -1       0       1       2
            0 [ .:-=+*#%@] 20   o gd
            X min (0, 0)
        """
        #expect(try bowl().renderText(TextOptions(width: 40, height: 12, asciiOnly: true)) == expected)
    }

    @Test("with 4 contour levels the shading falls into 5 bands: blank, :, +, #, @")
    func filledContours() throws {
        var s = try bowl()
        s.contours = .count(4)
        let expected = """
                         x² + 4y²
         2 +@@@############################@@@
           |#o++++++++++++++++++++++++++++++##
           |++o::::::::::::::::::::::::::::+++
         1 +::o:::::                  ::::::::
           |:: o       o                    ::
           |    o     o oo
         0 +     o  oo    oooX min
           |::   o o                        ::
           |::::::o:                  ::::::::
        -1 ++++::::::::::::::::::::::::::::+++
           |##++++++++++++++++++++++++++++++##
        -2 +@@@############################@@@
           ++-------+--------+-------+-------+
            -2      -1       0       1       2
            0 [ .:-=+*#%@] 20
            contours at 4, 8, 12, 16   o gd
            X min (0, 0)
        """
        #expect(s.renderText(TextOptions(width: 40, height: 12, asciiOnly: true)) == expected)
    }

    @Test("grid sampling: values row by row from the bottom, ends exact")
    func sampling() throws {
        let s = try Surface(x: 0...1, y: 10...20, columns: 3, rows: 2) { x, y in x + y }
        #expect(s.values == [10, 10.5, 11, 20, 20.5, 21])
        #expect(s.value(atX: 0.25, y: 15) == 15.25)
        #expect(throws: PlotError.self) { try Surface(x: 0...1, y: 0...1, resolution: 1) { _, _ in 0 } }
        #expect(throws: PlotError.self) { try Surface(x: 0...1, y: 0...0, columns: 2, rows: 2, values: [0, 0, 0, 0]) }
        #expect(throws: PlotError.self) { try Surface(x: 0...1, y: 0...1, columns: 2, rows: 2, values: [0]) }
    }

    @Test("errors thrown by the function propagate unchanged")
    func throwingFunction() {
        struct ScriptError: Error, Equatable {}
        #expect(throws: ScriptError()) { try Surface(x: 0...1, y: 0...1, resolution: 3) { _, _ in throw ScriptError() } }
    }

    @Test("log shading spreads a loss spanning decades; contour levels are spaced in log units")
    func logShading() throws {
        var s = try Surface(x: 0...1, y: 0...1, columns: 2, rows: 2, values: [0, 1, 10, 1000])
        s.logScale = true
        s.contours = .count(2)
        let shading = try #require(s.shading())
        // δ = 1e-3 · 1000 = 1: t(z) = log10(z + 1) / log10(1001).
        #expect(abs((shading.unit(9) ?? 0) - 1 / Foundation_log10(1001)) < 1e-12)
        let levels = s.contourLevels(shading)
        #expect(levels.count == 2)
        #expect(abs(levels[0] - (pow10(Foundation_log10(1001) / 3) - 1)) < 1e-9)
    }

    @Test("NaN holes and an all-NaN surface do not crash")
    func nonFinite() throws {
        let holes = try Surface(x: 0...1, y: 0...1, columns: 2, rows: 2, values: [0, .nan, 1, 2])
        #expect(holes.renderText(TextOptions(width: 20, height: 4, asciiOnly: true)).contains("?"))
        let none = try Surface(x: 0...1, y: 0...1, columns: 2, rows: 2, values: [.nan, .nan, .nan, .nan])
        #expect(none.renderText(TextOptions()) == "nothing to plot: the surface has no finite values")
        #expect(none.renderSVG(SVGOptions()).contains("nothing to plot"))
    }

    @Test("colour mode shades with background colours and draws contours as braille")
    func colour() throws {
        var s = try bowl()
        s.contours = .count(3)
        let text = s.renderText(TextOptions(width: 40, height: 12, colour: true))
        #expect(text.contains("48;5;"))
        #expect(text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
        #expect(stripANSI(text).contains("X min"))
    }

    @Test("marching squares: a circle of radius 1 crosses every cell edge at distance 1 from the centre")
    func marchingSquares() {
        let n = 21
        let values = (0..<n).flatMap { j in (0..<n).map { i -> Double in
            let x = Double(i) / 10 - 1, y = Double(j) / 10 - 1
            return x * x + y * y
        } }
        let segments = MarchingSquares.segments(values, columns: n, rows: n, level: 0.5)
        #expect(!segments.isEmpty)
        for (a, b) in segments {
            for p in [a, b] {
                let r = ((p.0 / 10 - 1) * (p.0 / 10 - 1) + (p.1 / 10 - 1) * (p.1 / 10 - 1)).squareRoot()
                #expect(abs(r - 0.5.squareRoot()) < 0.01)
            }
        }
    }
}

import Foundation
func Foundation_log10(_ x: Double) -> Double { log10(x) }
func pow10(_ x: Double) -> Double { pow(10, x) }
