/// The terminal renderer of a figure: braille dots, or marker characters in ASCII mode.
extension Figure {
    /// ANSI foreground codes for series 0, 1, 2, … (blue, yellow, green, red, magenta, cyan, …).
    static let seriesColours: [UInt8] = [34, 33, 32, 31, 35, 36, 94, 93, 92, 91, 95, 96]
    /// ASCII marker characters for series 0, 1, 2, …
    static let asciiMarkers: [Character] = ["*", "+", "o", "x", "#", "@", "%", "&", "=", "~"]

    /// Draws the figure for a terminal (see `TextOptions` for sizes and modes).
    ///
    /// Braille mode puts 2×4 dots in each character; lines join consecutive
    /// points with Bresenham segments. ASCII mode draws each series with its
    /// own marker (`*`, `+`, `o`, `x`, …) at one point per character. A figure
    /// with nothing drawable gives a one-line message such as
    /// `nothing to plot: every series is empty`.
    public func renderText(_ options: TextOptions) -> String {
        let width = options.clampedWidth, rows = options.clampedHeight
        let ascii = options.asciiOnly
        let (xs, ys): (AxisScale, AxisScale)
        switch scales() {
        case .failure(let empty):
            return (title.isEmpty ? "" : title + "\n") + empty.message
        case .success(let s): (xs, ys) = s
        }
        // Resolution of the drawing grid: dots in braille mode, characters in ASCII mode.
        let perCol = ascii ? 1 : 2, perRow = ascii ? 1 : 4
        let dotRows = rows * perRow
        let rowOf = { (u: Double) -> Int in Raster.index(((1 - u) * Double(dotRows - 1)).rounded()) / perRow }
        let frame = TextFrame(
            width: width, rows: rows, ascii: ascii,
            yTicks: ys.ticks(maxTicks: TextFrame.maxYTicks(rows: rows)), yScale: ys, rowOf: rowOf)
        let cols = frame.cols
        let dotCols = cols * perCol
        let colOf = { (u: Double) -> Int in Raster.index((u * Double(dotCols - 1)).rounded()) / perCol }
        let xTicks = frame.xTicks(xs, colOf: colOf)

        var grid = TextGrid(cols: cols, rows: rows)
        var braille = BrailleCanvas(cols: cols, rows: rows)
        for (k, s) in series.enumerated() {
            let fg = options.colour ? Self.seriesColours[k % Self.seriesColours.count] : 0
            let marker = Self.asciiMarkers[k % Self.asciiMarkers.count]
            let points: [(Double, Double)?] = s.x.indices.map { i in
                guard let u = xs.unit(s.x[i]), let v = ys.unit(s.y[i]) else { return nil }
                return (u * Double(dotCols - 1), (1 - v) * Double(dotRows - 1))
            }
            Raster.polyline(points, cols: dotCols, rows: dotRows, joined: s.style == .line) { x, y in
                if ascii {
                    grid[x, y] = Cell(char: marker, fg: fg)
                } else {
                    braille.set(x, y, fg: fg)
                }
            }
        }
        if !ascii { braille.draw(into: &grid) }
        return frame.compose(
            canvas: grid, xTicks: xTicks, title: title, xLabel: xLabel, yLabel: yLabel,
            legend: textLegend(options), colour: options.colour)
    }

    /// Legend entries: a sample of each labelled series' mark, then its label.
    func textLegend(_ options: TextOptions) -> [[Cell]] {
        guard showLegend else { return [] }
        return series.enumerated().compactMap { k, s in
            guard !s.label.isEmpty else { return nil }
            let fg = options.colour ? Self.seriesColours[k % Self.seriesColours.count] : 0
            let sample: String
            if options.asciiOnly {
                sample = String(Self.asciiMarkers[k % Self.asciiMarkers.count])
            } else {
                sample = s.style == .line ? "⠤⠤" : "⠂"
            }
            return TextOutput.cells(sample, fg: fg) + TextOutput.cells(" " + s.label)
        }
    }
}
