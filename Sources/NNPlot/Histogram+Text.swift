/// The terminal renderer of a histogram.
extension Histogram {
    /// Draws the histogram as text bars with counts and bin edges.
    ///
    /// Horizontal (the default) gives one row per bin,
    /// `[lo, hi) │██████▌ count`, the last bin closed `[lo, hi]`; bars are
    /// scaled to the largest weight in eighths of a character (`▏…█`), or
    /// whole `#` in ASCII mode; a non-zero bin always shows at least a sliver.
    /// Vertical draws columns over a count axis with edge labels below and
    /// falls back to horizontal when the bins do not fit the width.
    public func renderText(_ options: TextOptions) -> String {
        var lines: [String] = []
        if !title.isEmpty { lines.append(title) }
        if orientation == .vertical, let text = verticalText(options) {
            lines.append(text)
        } else {
            lines += horizontalLines(options)
            if !xLabel.isEmpty { lines.append(xLabel) }
        }
        if let note = skippedNote { lines.append(note) }
        return lines.joined(separator: "\n")
    }

    private func horizontalLines(_ options: TextOptions) -> [String] {
        let labels = edgeLabels
        let loWidth = labels.dropLast().map(\.count).max() ?? 1
        let hiWidth = labels.dropFirst().map(\.count).max() ?? 1
        let countLabels = weights.map(NumberFormat.compact)
        let countWidth = countLabels.map(\.count).max() ?? 1
        let prefixWidth = loWidth + hiWidth + 5  // "[" lo ", " hi ")" " "
        let barMax = max(1, options.clampedWidth - prefixWidth - 2 - countWidth)
        let top = weights.max() ?? 0
        let fg: UInt8 = options.colour ? 34 : 0
        var lines: [String] = []
        for i in 0..<bins {
            let lo = String(repeating: " ", count: loWidth - labels[i].count) + labels[i]
            let hi = String(repeating: " ", count: hiWidth - labels[i + 1].count) + labels[i + 1]
            let close = i == bins - 1 ? "]" : ")"
            var cells = TextOutput.cells("[" + lo + ", " + hi + close + " " + (options.asciiOnly ? "|" : "│"))
            let bar = Self.bar(weights[i], of: top, width: barMax, ascii: options.asciiOnly)
            cells += TextOutput.cells(bar, fg: fg)
            cells += TextOutput.cells(" " + countLabels[i])
            lines.append(TextOutput.line(cells, colour: options.colour))
        }
        return lines
    }

    /// A bar of `weight / top · width` characters, in eighths (`▏`…`█`) or whole `#`.
    static func bar(_ weight: Double, of top: Double, width: Int, ascii: Bool) -> String {
        guard top > 0, weight > 0 else { return "" }
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        if ascii {
            let n = max(1, Int((weight / top * Double(width)).rounded()))
            return String(repeating: "#", count: n)
        }
        let eighths = max(1, Int((weight / top * Double(width) * 8).rounded()))
        var s = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { s.append(partials[eighths % 8 - 1]) }
        return s
    }

    /// Columns over a count axis; nil when the bins do not fit the canvas.
    private func verticalText(_ options: TextOptions) -> String? {
        let rows = options.clampedHeight
        let top = weights.max() ?? 0
        let yScale = AxisScale(lo: 0, hi: top > 0 ? top : 1, isLog: false)
        let rowOf = { (u: Double) -> Int in min(rows - 1, Raster.index((1 - u) * Double(rows))) }
        let frame = TextFrame(
            width: options.clampedWidth, rows: rows, ascii: options.asciiOnly,
            yTicks: yScale.ticks(maxTicks: TextFrame.maxYTicks(rows: rows)), yScale: yScale, rowOf: rowOf)
        let perBin = frame.cols / bins
        guard perBin >= 1 else { return nil }
        let barWidth = perBin >= 3 ? perBin - 1 : perBin
        var grid = TextGrid(cols: perBin * bins, rows: rows)
        let fg: UInt8 = options.colour ? 34 : 0
        let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        for i in 0..<bins where weights[i] > 0 {
            let eighths = max(1, Int((weights[i] / yScale.hi * Double(rows) * 8).rounded()))
            let full = eighths / 8, rest = eighths % 8
            for c in (i * perBin)..<(i * perBin + barWidth) {
                for r in 0..<min(full, rows) { grid[c, rows - 1 - r] = Cell(char: options.asciiOnly ? "#" : "█", fg: fg) }
                if rest > 0, full < rows {
                    let ch: Character = options.asciiOnly ? (rest >= 4 ? "#" : ".") : levels[rest - 1]
                    grid[c, rows - 1 - full] = Cell(char: ch, fg: fg)
                }
            }
        }
        // Edge labels at bin boundaries, as many as fit two spaces apart.
        let labels = edgeLabels
        var xTicks: [(col: Int, label: String)] = []
        var every = 1
        while every <= bins {
            xTicks = stride(from: 0, through: bins, by: every).map { (min($0 * perBin, grid.cols - 1), labels[$0]) }
            if Self.fits(xTicks, frame: frame) { break }
            every += 1
        }
        var canvas = TextGrid(cols: frame.cols, rows: rows)
        for r in 0..<rows { for c in 0..<grid.cols { canvas[c, r] = grid[c, r] } }
        return frame.compose(canvas: canvas, xTicks: xTicks, title: "", xLabel: xLabel, yLabel: "", legend: [], colour: options.colour)
    }

    private static func fits(_ ticks: [(col: Int, label: String)], frame: TextFrame) -> Bool {
        var end = -2
        for t in ticks {
            let s = frame.labelStart(t.label, col: t.col)
            if s < end + 2 { return false }
            end = s + t.label.count
        }
        return true
    }
}
