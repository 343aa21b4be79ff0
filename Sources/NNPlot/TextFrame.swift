/// The frame around a terminal plot: title, y ticks on the left, x ticks
/// below, axis labels and legend, around a canvas the caller draws.
///
/// Layout (every line at most `width` columns):
/// ```
///            title
/// ylabel
///  100 ┤  canvas
///      │  ...
///    0 ┤
///      └┬─────┬─────┬
///       0     5     10
///             xlabel
/// ⠤⠤ train   ⠤⠤ val
/// ```
struct TextFrame {
    let width: Int
    let rows: Int
    let ascii: Bool
    /// Tick labels of the y axis with the canvas row each sits on.
    let yTicks: [(row: Int, label: String)]
    /// Columns left of the canvas: labels, a space, the axis line.
    let left: Int
    /// Canvas width in cells.
    let cols: Int

    /// Lays out the y axis for `rows` canvas rows; `rowOf` maps a unit position to a row.
    init(width: Int, rows: Int, ascii: Bool, yTicks ticks: [Tick], yScale: AxisScale, rowOf: (Double) -> Int) {
        self.width = width
        self.rows = rows
        self.ascii = ascii
        var placed: [(row: Int, label: String)] = []
        for t in ticks {
            guard let u = yScale.unit(t.value) else { continue }
            let r = rowOf(u)
            guard r >= 0, r < rows, !placed.contains(where: { $0.row == r }) else { continue }
            placed.append((r, t.label))
        }
        yTicks = placed
        let labelWidth = placed.map(\.label.count).max() ?? 0
        left = labelWidth + 2
        cols = max(4, width - left - 2)
    }

    /// The most y ticks for `rows` rows: about one label every second row.
    static func maxYTicks(rows: Int) -> Int { max(2, rows / 2 + 1) }

    /// Picks x ticks whose labels fit under the canvas with two spaces between them.
    ///
    /// `colOf` maps a unit position to a canvas column.
    func xTicks(_ scale: AxisScale, colOf: (Double) -> Int) -> [(col: Int, label: String)] {
        var n = min(11, max(2, cols / 4))
        while n >= 2 {
            let ticks = scale.ticks(maxTicks: n).compactMap { t -> (col: Int, label: String)? in
                guard let u = scale.unit(t.value) else { return nil }
                let c = colOf(u)
                return (c >= 0 && c < cols) ? (c, t.label) : nil
            }
            if fits(ticks) || n == 2 { return ticks }
            n -= 1
        }
        return []
    }

    /// Start column (in the whole line) of a label centred on canvas column `col`.
    func labelStart(_ label: String, col: Int) -> Int {
        let start = left + col - (label.count - 1) / 2
        return max(0, min(start, width - label.count))
    }

    private func fits(_ ticks: [(col: Int, label: String)]) -> Bool {
        var end = -2
        for t in ticks {
            let s = labelStart(t.label, col: t.col)
            if s < end + 2 { return false }
            end = s + t.label.count
        }
        return true
    }

    /// The finished picture: frame lines around `canvas` (which must be `cols × rows`).
    func compose(
        canvas: TextGrid, xTicks: [(col: Int, label: String)],
        title: String, xLabel: String, yLabel: String, legend: [[Cell]], colour: Bool
    ) -> String {
        var lines: [[Cell]] = []
        if !title.isEmpty { lines.append(centred(title)) }
        if !yLabel.isEmpty { lines.append(TextOutput.cells(String(yLabel.prefix(width)))) }
        let labelWidth = left - 2
        for r in 0..<rows {
            var line: [Cell] = []
            let tick = yTicks.first { $0.row == r }
            let label = tick?.label ?? ""
            line += TextOutput.cells(String(repeating: " ", count: labelWidth - label.count) + label + " ")
            line.append(Cell(char: tick != nil ? (ascii ? "+" : "┤") : (ascii ? "|" : "│")))
            line += canvas.row(r)
            lines.append(line)
        }
        var axis = TextOutput.cells(String(repeating: " ", count: labelWidth + 1) + (ascii ? "+" : "└"))
        for c in 0..<cols {
            let isTick = xTicks.contains { $0.col == c }
            axis.append(Cell(char: isTick ? (ascii ? "+" : "┬") : (ascii ? "-" : "─")))
        }
        lines.append(axis)
        var labels = Array(repeating: Cell.blank, count: width)
        for t in xTicks {
            let s = labelStart(t.label, col: t.col)
            for (i, ch) in t.label.enumerated() where s + i < width { labels[s + i] = Cell(char: ch) }
        }
        if !xTicks.isEmpty { lines.append(labels) }
        if !xLabel.isEmpty { lines.append(centred(xLabel)) }
        lines += legendLines(legend)
        return lines.map { TextOutput.line($0, colour: colour) }.joined(separator: "\n")
    }

    /// `text` centred over the canvas, clipped to the line width.
    func centred(_ text: String) -> [Cell] {
        let t = String(text.prefix(width))
        let start = max(0, min(left + (cols - t.count) / 2, width - t.count))
        return TextOutput.cells(String(repeating: " ", count: start) + t)
    }

    /// Legend entries packed into lines from the canvas's left edge, three spaces apart.
    func legendLines(_ entries: [[Cell]]) -> [[Cell]] {
        Self.pack(entries, indent: left, width: width)
    }

    /// Packs runs of cells into lines no wider than `width`, starting at `indent`.
    static func pack(_ entries: [[Cell]], indent: Int, width: Int) -> [[Cell]] {
        var lines: [[Cell]] = []
        var line: [Cell] = []
        let pad = TextOutput.cells(String(repeating: " ", count: indent))
        let room = max(1, width - indent)
        for entry in entries {
            // An entry longer than a line is broken at spaces (or hard at the edge).
            var rest = ArraySlice(entry)
            while rest.count > room {
                let cut = rest.prefix(room + 1).lastIndex { $0.char == " " && $0.bg < 0 } ?? (rest.startIndex + room)
                let head = rest[rest.startIndex..<max(rest.startIndex + 1, cut)]
                if !line.isEmpty { lines.append(line) }
                lines.append(pad + head)
                line = []
                rest = rest[(head.endIndex)...].drop { $0.char == " " && $0.bg < 0 }
            }
            let e = Array(rest)
            if e.isEmpty { continue }
            if !line.isEmpty, line.count + 3 + e.count > width {
                lines.append(line)
                line = []
            }
            line = line.isEmpty ? pad + e : line + TextOutput.cells("   ") + e
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
