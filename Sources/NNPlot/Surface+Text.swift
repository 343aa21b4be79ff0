/// The terminal renderer of a surface.
extension Surface {
    /// Shading ramp from low to high values for plain-text mode.
    static let ramp: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]
    /// Path markers in plain-text mode (none of them in the ramp).
    static let pathMarkers: [Character] = ["o", "x", "s", "d", "v", "^", "a", "b", "c", "e"]
    /// ANSI colours of paths over a shaded map: bright red, white, bright magenta, black, …
    static let pathTerminalColours: [UInt8] = [91, 97, 95, 30, 93, 96]
    /// The marker of labelled points.
    static let markChar: Character = "X"

    /// Draws the surface as a shaded map, one sample per character cell.
    ///
    /// With colour (and not `asciiOnly`) each cell gets a viridis background
    /// and contour lines are braille dots at 2×4 resolution. Otherwise cells
    /// use the ramp ` .:-=+*#%@` (low to high); with contours the ramp is
    /// quantised to the bands between levels (a filled contour plot).
    /// Paths are drawn with `o`, `x`, `s`, `d`, … joined by Bresenham lines,
    /// marks as `X` followed by their label; all are named in the legend,
    /// under a key of the shading.
    public func renderText(_ options: TextOptions) -> String {
        let width = options.clampedWidth, rows = options.clampedHeight
        guard let shading = shading() else {
            return (title.isEmpty ? "" : title + "\n") + "nothing to plot: the surface has no finite values"
        }
        let blocks = options.colour && !options.asciiOnly
        let xs = AxisScale(lo: x.lowerBound, hi: x.upperBound, isLog: false)
        let ys = AxisScale(lo: y.lowerBound, hi: y.upperBound, isLog: false)
        let frame = TextFrame(
            width: width, rows: rows, ascii: options.asciiOnly,
            yTicks: ys.ticks(maxTicks: TextFrame.maxYTicks(rows: rows)), yScale: ys,
            rowOf: { u in min(rows - 1, max(0, Raster.index((1 - u) * Double(rows)))) })
        let cols = frame.cols
        let xTicks = frame.xTicks(xs) { u in min(cols - 1, max(0, Raster.index(u * Double(cols)))) }
        let levels = contourLevels(shading)

        // Data coordinates of a position measured in cells (or dots) from the top-left corner.
        func dataX(_ c: Double, _ n: Int) -> Double { x.lowerBound + c / Double(n) * (x.upperBound - x.lowerBound) }
        func dataY(_ r: Double, _ n: Int) -> Double { y.upperBound - r / Double(n) * (y.upperBound - y.lowerBound) }
        func band(_ z: Double) -> Int { levels.reduce(0) { $0 + (z >= $1 ? 1 : 0) } }

        var grid = TextGrid(cols: cols, rows: rows)
        var shade = Array(repeating: 0.0, count: cols * rows)
        for r in 0..<rows {
            for c in 0..<cols {
                let z = value(atX: dataX(Double(c) + 0.5, cols), y: dataY(Double(r) + 0.5, rows))
                guard let t = shading.unit(z) else {
                    grid[c, r] = Cell(char: blocks ? " " : "?")
                    continue
                }
                shade[r * cols + c] = t
                if blocks {
                    grid[c, r] = Cell(char: " ", bg: Colormap.xterm(t))
                } else {
                    let k = levels.isEmpty
                        ? min(Self.ramp.count - 1, Int(t * Double(Self.ramp.count)))
                        : Int((Double(band(z)) / Double(levels.count) * Double(Self.ramp.count - 1)).rounded())
                    grid[c, r] = Cell(char: Self.ramp[k])
                }
            }
        }
        if blocks, !levels.isEmpty {
            // Contour dots: a dot whose band differs from its right or lower neighbour's.
            let dc = cols * 2, dr = rows * 4
            var bands = Array(repeating: 0, count: dc * dr)
            for r in 0..<dr {
                for c in 0..<dc {
                    bands[r * dc + c] = band(value(atX: dataX(Double(c) + 0.5, dc), y: dataY(Double(r) + 0.5, dr)))
                }
            }
            var dots = BrailleCanvas(cols: cols, rows: rows)
            for r in 0..<dr {
                for c in 0..<dc {
                    let b = bands[r * dc + c]
                    if (c + 1 < dc && bands[r * dc + c + 1] != b) || (r + 1 < dr && bands[(r + 1) * dc + c] != b) {
                        dots.set(c, r)
                    }
                }
            }
            var overlay = TextGrid(cols: cols, rows: rows)
            dots.draw(into: &overlay)
            for r in 0..<rows {
                for c in 0..<cols where overlay[c, r].char != " " {
                    let dark = Colormap.wantsDarkText(shade[r * cols + c])
                    grid[c, r] = Cell(char: overlay[c, r].char, fg: dark ? 30 : 97, bg: grid[c, r].bg)
                }
            }
        }
        // Paths and marks, in continuous cell coordinates (cell centres at integers).
        func cellPoint(_ p: PlotPoint) -> (Double, Double)? {
            guard p.isFinite, let u = xs.unit(p.x), let v = ys.unit(p.y) else { return nil }
            return (u * Double(cols) - 0.5, (1 - v) * Double(rows) - 0.5)
        }
        func overlayFg(_ c: Int, _ r: Int, preferred: UInt8) -> UInt8 {
            if preferred != 0 { return preferred }
            return blocks ? (Colormap.wantsDarkText(shade[max(0, min(rows * cols - 1, r * cols + c))]) ? 30 : 97) : 0
        }
        for (k, path) in paths.enumerated() {
            let marker = Self.pathMarkers[k % Self.pathMarkers.count]
            let fg: UInt8 = options.colour ? Self.pathTerminalColours[k % Self.pathTerminalColours.count] : 0
            Raster.polyline(path.points.map(cellPoint), cols: cols, rows: rows, joined: true) { c, r in
                grid[c, r] = Cell(char: marker, fg: fg, bg: grid[c, r].bg, bold: options.colour)
            }
        }
        for mark in marks {
            guard let p = cellPoint(mark.point), p.0 > -0.5, p.0 < Double(cols) - 0.5, p.1 > -0.5, p.1 < Double(rows) - 0.5
            else { continue }
            let c = Int(p.0.rounded()), r = Int(p.1.rounded())
            // The label goes right of the cross, or left of it near the right edge.
            let right = Array(String(Self.markChar) + (mark.label.isEmpty ? "" : " " + mark.label))
            let left = Array((mark.label.isEmpty ? "" : mark.label + " ") + String(Self.markChar))
            let fitsRight = c + right.count <= cols
            let chars = fitsRight ? right : left
            let start = fitsRight ? c : c - left.count + 1
            for (i, ch) in chars.enumerated() where grid.inside(start + i, r) {
                grid[start + i, r] = Cell(char: ch, fg: overlayFg(start + i, r, preferred: 0), bg: grid[start + i, r].bg, bold: true)
            }
        }
        return frame.compose(
            canvas: grid, xTicks: xTicks, title: title, xLabel: xLabel, yLabel: yLabel,
            legend: textLegend(shading, levels: levels, blocks: blocks, options: options), colour: options.colour)
    }

    /// The shading key, then one entry per path and per mark.
    func textLegend(_ shading: Shading, levels: [Double], blocks: Bool, options: TextOptions) -> [[Cell]] {
        let lo = NumberFormat.compact(shading.lo), hi = NumberFormat.compact(shading.hi)
        var key = TextOutput.cells(lo + " ")
        if blocks {
            key += (0..<10).map { Cell(char: " ", bg: Colormap.xterm(Double($0) / 9)) }
        } else {
            key += TextOutput.cells("[" + String(Self.ramp) + "]")
        }
        key += TextOutput.cells(" " + hi + (logScale ? " (log)" : ""))
        var entries = [key]
        if !levels.isEmpty {
            entries.append(TextOutput.cells("contours at " + levels.map { NumberFormat.significant($0, 3) }.joined(separator: ", ")))
        }
        for (k, path) in paths.enumerated() {
            let marker = Self.pathMarkers[k % Self.pathMarkers.count]
            let fg: UInt8 = options.colour ? Self.pathTerminalColours[k % Self.pathTerminalColours.count] : 0
            entries.append([Cell(char: marker, fg: fg, bold: options.colour)] + TextOutput.cells(" " + path.name))
        }
        for mark in marks {
            let at = "(" + NumberFormat.compact(mark.point.x) + ", " + NumberFormat.compact(mark.point.y) + ")"
            entries.append(TextOutput.cells(String(Self.markChar) + " " + (mark.label.isEmpty ? "" : mark.label + " ") + at))
        }
        return entries
    }
}
