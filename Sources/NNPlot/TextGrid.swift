/// A character cell of terminal output: a character with optional colours.
struct Cell: Equatable {
    var char: Character
    /// ANSI SGR foreground code (30–37, 90–97), 0 for the default colour.
    var fg: UInt8 = 0
    /// xterm-256 background colour index, -1 for the default background.
    var bg: Int16 = -1
    /// Bold text (path markers over a shaded surface).
    var bold: Bool = false

    static let blank = Cell(char: " ")
}

/// A rectangle of cells; serialised as lines with ANSI escapes when colour is on.
struct TextGrid {
    let cols: Int
    let rows: Int
    private(set) var cells: [Cell]

    init(cols: Int, rows: Int) {
        self.cols = max(0, cols)
        self.rows = max(0, rows)
        cells = Array(repeating: .blank, count: self.cols * self.rows)
    }

    subscript(col: Int, row: Int) -> Cell {
        get { inside(col, row) ? cells[row * cols + col] : .blank }
        set { if inside(col, row) { cells[row * cols + col] = newValue } }
    }

    func inside(_ col: Int, _ row: Int) -> Bool {
        col >= 0 && col < cols && row >= 0 && row < rows
    }

    /// Writes `text` from `col` on `row`, clipped to the grid.
    mutating func put(_ text: String, col: Int, row: Int, fg: UInt8 = 0) {
        var c = col
        for ch in text {
            if inside(c, row) { self[c, row] = Cell(char: ch, fg: fg, bg: self[c, row].bg) }
            c += 1
        }
    }

    /// The cells of one row.
    func row(_ r: Int) -> ArraySlice<Cell> {
        cells[(r * cols)..<((r + 1) * cols)]
    }
}

/// Turns rows of cells into text: trailing blanks dropped, colours as ANSI SGR runs.
enum TextOutput {
    static let escape = "\u{1B}["

    /// One line of text from cells; escapes are emitted only when `colour` is on.
    static func line<C: Collection>(_ cells: C, colour: Bool) -> String where C.Element == Cell {
        var end = cells.count
        let array = Array(cells)
        while end > 0, array[end - 1].char == " ", array[end - 1].bg < 0 || !colour { end -= 1 }
        var out = ""
        var current = (fg: UInt8(0), bg: Int16(-1), bold: false)
        for cell in array[0..<end] {
            if colour, (cell.fg, cell.bg, cell.bold) != current {
                out += sgr(cell)
                current = (cell.fg, cell.bg, cell.bold)
            }
            out.append(cell.char)
        }
        if colour, current != (0, -1, false) { out += escape + "0m" }
        return out
    }

    /// The escape that sets a cell's attributes from scratch.
    static func sgr(_ cell: Cell) -> String {
        var parts = ["0"]
        if cell.bold { parts.append("1") }
        if cell.fg != 0 { parts.append(String(cell.fg)) }
        if cell.bg >= 0 { parts.append("48;5;" + String(cell.bg)) }
        return escape + parts.joined(separator: ";") + "m"
    }

    /// Cells for plain text in one colour.
    static func cells(_ text: String, fg: UInt8 = 0) -> [Cell] {
        text.map { Cell(char: $0, fg: fg) }
    }
}

/// A braille canvas: each cell holds 2×4 dots (U+2800 block), one colour per cell.
///
/// Dot `(x, y)` lies in cell `(x / 2, y / 4)`; its bit inside the cell is
/// ```
/// col 0: rows 0,1,2,3 → 0x01 0x02 0x04 0x40
/// col 1: rows 0,1,2,3 → 0x08 0x10 0x20 0x80
/// ```
struct BrailleCanvas {
    let cols: Int
    let rows: Int
    var dotCols: Int { cols * 2 }
    var dotRows: Int { rows * 4 }
    private(set) var bits: [UInt8]
    private(set) var colours: [UInt8]

    init(cols: Int, rows: Int) {
        self.cols = max(0, cols)
        self.rows = max(0, rows)
        bits = Array(repeating: 0, count: self.cols * self.rows)
        colours = Array(repeating: 0, count: self.cols * self.rows)
    }

    private static let bitTable: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Sets the dot at `(x, y)`; dots outside the canvas are ignored.
    mutating func set(_ x: Int, _ y: Int, fg: UInt8 = 0) {
        guard x >= 0, y >= 0, x < dotCols, y < dotRows else { return }
        let i = (y / 4) * cols + x / 2
        bits[i] |= Self.bitTable[x & 1][y & 3]
        if fg != 0 { colours[i] = fg }
    }

    /// The braille character of a cell pattern.
    static func character(_ pattern: UInt8) -> Character {
        Character(Unicode.Scalar(0x2800 + UInt32(pattern)) ?? " ")
    }

    /// Copies the non-empty cells into `grid`, keeping the grid's background colours.
    func draw(into grid: inout TextGrid) {
        for r in 0..<rows {
            for c in 0..<cols where bits[r * cols + c] != 0 {
                let old = grid[c, r]
                grid[c, r] = Cell(char: Self.character(bits[r * cols + c]), fg: colours[r * cols + c], bg: old.bg)
            }
        }
    }
}
