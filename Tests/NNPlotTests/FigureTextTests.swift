import Testing
@testable import NNPlot

/// Golden pictures of figures in the terminal. Each expected string is the
/// picture itself: read it to see what the renderer draws.
@Suite("Figure in the terminal")
struct FigureTextTests {
    let halves = (0...20).map { Double($0) / 2 }

    @Test("y = x² on 0…10 as a 40×10 braille plot: a parabola rising to the top-right corner")
    func parabola() throws {
        var fig = Figure(title: "y = x²")
        fig.add(try Series(x: halves, y: halves.map { $0 * $0 }))
        // Hand check: x = 5 lies at dot column 0.5·65 → 33 (cell 16, right half),
        // y = 25 at dot row 0.75·39 → 29 (text row 7, dot row 1): cell 16 of the
        // `20` row is ⠒, whose right dot in row 1 is set.
        let expected = """
                          y = x²
        100 ┤                               ⢀⠎
            │                             ⢀⠔⠁
         80 ┤                           ⢀⠔⠁
            │                         ⢀⠔⠁
         60 ┤                       ⢀⠔⠁
         40 ┤                     ⡠⠒⠁
            │                  ⡠⠔⠉
         20 ┤              ⢀⠤⠒⠉
            │         ⢀⣀⠤⠔⠊⠁
          0 ┤⣀⣀⣀⣀⡠⠤⠒⠒⠊⠁
            └┬─────┬──────┬─────┬──────┬─────┬
             0     2      4     6      8     10
        """
        #expect(fig.renderText(TextOptions(width: 40, height: 10)) == expected)
    }

    @Test("two series cross in an X, with a legend below")
    func twoSeriesWithLegend() throws {
        var fig = Figure(title: "up and down", xLabel: "x")
        fig.add(try Series(x: halves, y: halves, label: "up"))
        fig.add(try Series(x: halves, y: halves.map { 10 - $0 }, label: "down"))
        let expected = """
                       up and down
        10 ┤⠑⠢⣀                           ⢀⡠⠔⠊
           │   ⠉⠒⢄⡀                    ⢀⡠⠒⠁
         8 ┤      ⠈⠒⠤⣀              ⣀⠔⠊⠁
           │          ⠑⠢⣀       ⢀⡠⠔⠊
         6 ┤             ⠉⠒⢄⡀⢀⡠⠒⠁
         4 ┤             ⣀⠤⠒⠉⠉⠒⠤⡀
           │          ⡠⠔⠉       ⠈⠑⠢⢄
         2 ┤      ⢀⠤⠒⠉              ⠉⠢⢄⡀
           │   ⣀⠤⠊⠁                    ⠈⠑⠤⡀
         0 ┤⡠⠔⠉                           ⠈⠑⠢⢄
           └┬─────┬──────┬──────┬──────┬─────┬
            0     2      4      6      8     10
                            x
            ⠤⠤ up   ⠤⠤ down
        """
        #expect(fig.renderText(TextOptions(width: 40, height: 10)) == expected)
    }

    @Test("ASCII mode draws each series with its own marker: * then +")
    func asciiMode() throws {
        var fig = Figure(title: "up and down", xLabel: "x")
        fig.add(try Series(x: halves, y: halves, label: "up"))
        fig.add(try Series(x: halves, y: halves.map { 10 - $0 }, label: "down"))
        let expected = """
                       up and down
        10 ++++                            ***
           |   +++                     ****
         8 +      +++               ***
           |         ++++        ***
         6 +             +++  ***
         4 +             ***+++++
           |         ****        +++
         2 +      ***               +++
           |   ***                     ++++
         0 +***                            +++
           ++------+-----+------+-----+------+
            0      2     4      6     8      10
                            x
            * up   + down
        """
        #expect(fig.renderText(TextOptions(width: 40, height: 10, asciiOnly: true)) == expected)
    }

    @Test("logy: a decade per step is a straight line, ticks at powers of ten")
    func logTicks() throws {
        var fig = Figure(title: "decay", logY: true)
        fig.add(try Series(x: [0, 1, 2, 3, 4], y: [1, 0.1, 0.01, 0.001, 0.0001]))
        let expected = """
                            decay
            1 ┤⠑⠢⣀
              │   ⠑⠢⣀
          0.1 ┤      ⠑⠢⣀
              │         ⠑⠢⢄
              │            ⠉⠢⢄⡀
         0.01 ┤               ⠈⠒⠤⡀
              │                  ⠈⠑⠢⣀
        0.001 ┤                      ⠉⠢⢄
              │                         ⠉⠢⢄
         1e-4 ┤                            ⠉⠢⢄
              └┬──────┬───────┬───────┬──────┬
               0      1       2       3      4
        """
        #expect(fig.renderText(TextOptions(width: 40, height: 10)) == expected)
    }

    @Test("a constant series still draws: one flat line in the middle of a padded range")
    func constantSeries() {
        var fig = Figure()
        fig.add(Series(y: [3, 3, 3, 3]))
        let lines = fig.renderText(TextOptions(width: 30, height: 5)).split(separator: "\n")
        // 3 ± 0.3 over 20 dot rows: the line sits on dot row round(0.5·19) = 10, text row 2.
        #expect(lines[2] == "3.0 ┤" + String(repeating: "⠤", count: 23))
        #expect(lines.filter { $0.contains("⠤") }.count == 1)
    }

    @Test("NaN leaves a gap in a line; the points on both sides still draw")
    func nanGap() throws {
        var fig = Figure()
        fig.add(Series(y: [1, 1, .nan, 1, 1]))
        let text = fig.renderText(TextOptions(width: 30, height: 3, asciiOnly: true))
        let row = text.split(separator: "\n").first { $0.contains("*") } ?? ""
        // 30 − "1.0 +" (5) − 2 leaves 23 columns for x in 0…4, 5.5 per unit: x = 0, 1 fill
        // columns 0…6 (5.5 rounds to 6), x = 3, 4 fill 17…22 (16.5 rounds to 17); 7…16 stay empty.
        #expect(row == "1.0 +" + String(repeating: "*", count: 7) + String(repeating: " ", count: 10) + String(repeating: "*", count: 6))
        var inf = Figure()
        inf.add(Series(y: [1, .infinity, 3, -.infinity, 5]))
        #expect(!inf.renderText(TextOptions()).contains("nothing to plot"))
    }

    @Test("empty or undrawable figures give a readable message")
    func emptyMessages() throws {
        #expect(Figure().renderText(TextOptions()) == "nothing to plot: the figure has no series")
        #expect(Figure(title: "t", series: [Series(y: [])]).renderText(TextOptions()) == "t\nnothing to plot: every series is empty")
        #expect(Figure(series: [Series(y: [.nan, .nan])]).renderText(TextOptions())
            == "nothing to plot: no finite points (all NaN or infinite)")
        #expect(Figure(logY: true, series: [Series(y: [0, -1])]).renderText(TextOptions())
            == "nothing to plot: no finite positive y values for a log axis")
    }

    @Test("x and y of different lengths are an error that names both lengths")
    func lengthMismatch() {
        #expect(throws: PlotError.invalidArgument("plot: x has 3 values but y has 2")) {
            try Series(x: [1, 2, 3], y: [1, 2])
        }
        #expect(throws: PlotError.self) { try AxisLimits(2, 1) }
        #expect(throws: PlotError.self) { try AxisLimits(0, .infinity) }
    }

    @Test("colour output has one ANSI colour per series and the same picture without escapes")
    func colour() throws {
        var fig = Figure(title: "up and down")
        fig.add(try Series(x: halves, y: halves, label: "up"))
        fig.add(try Series(x: halves, y: halves.map { 10 - $0 }, label: "down"))
        let plain = fig.renderText(TextOptions(width: 40, height: 10))
        let coloured = fig.renderText(TextOptions(width: 40, height: 10, colour: true))
        #expect(coloured.contains("\u{1B}[0;34m") && coloured.contains("\u{1B}[0;33m"))
        #expect(stripANSI(coloured) == plain)
    }

    @Test("fixed limits clip lines at the frame; huge and tiny sizes do not crash")
    func clippingAndSizes() throws {
        var fig = Figure(xLimits: try AxisLimits(0, 1), yLimits: try AxisLimits(0, 1))
        fig.add(try Series(x: [-1e300, 0.5, 1e300], y: [1e300, 0.5, -1e300]))
        let text = fig.renderText(TextOptions(width: 30, height: 5))
        #expect(text.contains("⠑") || text.contains("⠢"))
        for (w, h) in [(0, 0), (-5, 3), (1, 1), (100_000, 2)] {
            #expect(!fig.renderText(TextOptions(width: w, height: h)).isEmpty)
        }
    }

    @Test("schedules: a series sampled from a function of the step")
    func functionSeries() throws {
        let s = try Series(function: { 0.1 * $0 }, x: 0...10, count: 11, label: "lr")
        #expect(s.x == (0...10).map(Double.init))
        #expect(s.y[10] == 1.0)
        #expect(throws: PlotError.self) { try Series(function: { $0 }, x: 0...1, count: 1) }
    }
}

/// Removes ANSI SGR escapes (`ESC [ … m`).
func stripANSI(_ s: String) -> String {
    var out = ""
    var inEscape = false
    for ch in s {
        if inEscape {
            if ch == "m" { inEscape = false }
        } else if ch == "\u{1B}" {
            inEscape = true
        } else {
            out.append(ch)
        }
    }
    return out
}

@Suite("Hostile input")
struct HostileInputTests {
    let sizes = [TextOptions(width: 40, height: 8), TextOptions(width: 40, height: 8, colour: true, asciiOnly: true)]

    @Test("extreme, subnormal and far-away values never trap")
    func extremes() throws {
        let nasty: [[Double]] = [
            [-1e308, 1e308], [5e-324, 5e-324], [0, .greatestFiniteMagnitude], [-.infinity, 1, .nan],
            [1e-300, 1e300], [-5e-324, 5e-324],
        ]
        for ys in nasty {
            for logY in [false, true] {
                let fig = Figure(logY: logY, series: [Series(y: ys, label: "a"), Series(y: ys.reversed(), style: .markers)])
                for o in sizes { _ = fig.renderText(o) }
                #expect(parseSVG(fig.renderSVG(SVGOptions())) != nil)
            }
        }
        #expect(throws: PlotError.self) { try AxisLimits(-1e308, 1e308) }
        #expect(throws: PlotError.self) { try Histogram(values: [-1e308, 1e308]) }
        _ = try Histogram(values: [5e-324, 0, 1e-320], bins: 3).renderText(TextOptions())
    }

    @Test("surfaces with extreme values, paths and marks far outside still draw")
    func surfaces() throws {
        var s = try Surface(x: -1...1, y: -1...1, columns: 3, rows: 3, values: [1e308, -1e308, 0, .nan, .infinity, 1, 2, 3, 4])
        s.paths = [SurfacePath(name: "far", x: [-1e300, 0, 1e300, .nan], y: [1e300, 0, -1e300, 1])]
        s.marks = [SurfaceMark(label: "away", x: 1e300, y: 0), SurfaceMark(label: "nan", x: .nan, y: 0)]
        s.contours = .count(3)
        for log in [false, true] {
            s.logScale = log
            for o in sizes { _ = s.renderText(o) }
            _ = s.renderText(TextOptions(width: 40, height: 8, colour: true))
            #expect(parseSVG(s.renderSVG(SVGOptions())) != nil)
        }
        #expect(throws: PlotError.self) { try Surface(x: -1e308...1e308, y: 0...1, resolution: 2) { _, _ in 0 } }
    }
}
