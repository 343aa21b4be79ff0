import NNPlot

/// One rich output for a front end that shows more than text: a notebook
/// (``Interpreter/Options/display``).
///
/// With a display hook set, `plot`, `hist`, `surface` (without `file:`) and
/// `fit(plot: true)` hand their picture over as SVG instead of drawing it as
/// terminal text, and `fit`'s progress is one output updated in place
/// instead of a line per epoch on the error stream:
///
/// ```swift
/// var shown: [DisplayOutput] = []
/// let nn = Interpreter(options: .init(display: { shown.append($0) }))
/// try nn.run(source: "plot([1, 4, 9])")
/// shown[0].svg    // "<svg ..."  (a standalone SVG document)
/// ```
public struct DisplayOutput: Sendable {
    /// What a terminal would show: the `text/plain` form (a picture in
    /// plain ASCII, 80 columns; progress lines).
    public var text: String
    /// The picture as a standalone SVG 1.1 document (`image/svg+xml`), or
    /// nil for text only.
    public var svg: String?
    /// The same picture as PNG bytes at 96 dpi (`image/png`), or nil for
    /// text only or a build without the `RSVG` trait.
    public var png: [UInt8]?
    /// Names an output that later displays replace in place (`fit`'s
    /// progress and live curve): unique within the interpreter; nil for a
    /// one-off output.
    public var id: String?
    /// True when this replaces the output shown earlier under ``id``
    /// (Jupyter's `update_display_data`), false when it is shown first.
    public var isUpdate: Bool

    public init(text: String, svg: String? = nil, png: [UInt8]? = nil, id: String? = nil, isUpdate: Bool = false) {
        self.text = text
        self.svg = svg
        self.png = png
        self.id = id
        self.isUpdate = isUpdate
    }
}

extension Interpreter {
    /// The size of a picture handed to a display: SVG pixels, and the
    /// plain-text fallback's columns and rows.
    static let displaySVG = displaySize(columns: nil, rows: nil)

    /// The SVG size of a picture `columns` × `rows` characters in a
    /// terminal (80 × 16 when not given): 8 pixels a column, 26 a row.
    static func displaySize(columns: Int?, rows: Int?) -> SVGOptions {
        SVGOptions(width: (columns ?? 80) * 8, height: (rows ?? 16) * 26)
    }
    static let displayText = TextOptions(width: 80, height: 16, colour: false, asciiOnly: true)

    /// Hands `figure` to the display hook (SVG at `svg`'s size, when given,
    /// and plain ASCII text); false when no hook is set.
    func display(_ figure: any Plottable, svg: SVGOptions? = nil, id: String? = nil, isUpdate: Bool = false) throws -> Bool {
        guard let hook = options.display else { return false }
        let size = svg ?? Interpreter.displaySVG
        // PNG beside the SVG, for front ends that show no SVG; a build without
        // the RSVG trait (or without the font) sends SVG alone.
        let png = try? figure.pngData(options: size, dpi: 96)
        try hook(DisplayOutput(text: figure.renderText(Interpreter.displayText),
                               svg: figure.renderSVG(size), png: png, id: id, isUpdate: isUpdate))
        return true
    }

    /// A display id not used before in this interpreter (`nn-display-3`).
    func newDisplayID() -> String {
        displayCount += 1
        return "nn-display-\(displayCount)"
    }
}
