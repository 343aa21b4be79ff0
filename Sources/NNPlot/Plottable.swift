/// Anything NNPlot can draw: a `Figure`, a `Histogram` or a `Surface`.
///
/// An interpreter keeps the last drawn value as `any Plottable` so `savefig`
/// can write it again (SVG, PNG or PDF). Drawing never fails: bad or
/// missing data renders as a readable message.
public protocol Plottable: Sendable {
    /// The picture as terminal text: lines joined by `\n`, no trailing newline.
    func renderText(_ options: TextOptions) -> String
    /// The picture as a standalone SVG 1.1 document.
    func renderSVG(_ options: SVGOptions) -> String
}

extension Plottable {
    /// Renders the SVG and writes it to `path` with the one atomic writer
    /// (`SVGFile.write`: `path` must end in `.svg`; see `PictureFormat`).
    public func writeSVG(to path: String, options: SVGOptions = SVGOptions()) throws(PlotError) {
        try SVGFile.write(renderSVG(options), to: path)
    }

    /// Writes the picture to `path` in the format its extension names
    /// (`PictureFormat`: `.svg`, `.png`, `.pdf`, any case), with the one
    /// atomic writer: a reader sees the old file or the whole new one.
    ///
    /// The path is checked (gate, extension) before anything is drawn. PNG
    /// and PDF are rendered in memory from the SVG (`pngData`, `pdfData`),
    /// then written. `dpi` is for PNG only (default 96, one pixel per SVG
    /// pixel); given with another format it is an error, since SVG and PDF are
    /// vectors whose size is `options`' width and height.
    public func write(to path: String, options: SVGOptions = SVGOptions(), dpi: Double? = nil) throws(PlotError) {
        try SVGFile.checkPath(path)
        let format = try PictureFormat(path: path)
        if dpi != nil, format != .png {
            throw .cannotWrite(path: path, reason: "dpi applies only to .png files; .\(format.rawValue) is drawn as vectors, sized by width and height")
        }
        let bytes: [UInt8]
        do {
            switch format {
            case .svg: bytes = Array(renderSVG(options).utf8)
            case .png: bytes = try pngData(options: options, dpi: dpi ?? 96)
            case .pdf: bytes = try pdfData(options: options)
            }
        } catch .renderFailed(_, let reason) {
            throw .cannotWrite(path: path, reason: reason)
        }
        try SVGFile.write(bytes, to: path)
    }
}

/// How a picture is drawn in a terminal.
///
/// `width` is the width of every output line in characters (pass the
/// terminal's width); `height` is the number of rows of the plotting area,
/// to which the title, tick labels and legend add a few lines. Sizes are
/// clamped to `16...2000` columns and `2...1000` rows.
public struct TextOptions: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// ANSI colours: series in distinct colours, surfaces shaded with background colours.
    public var colour: Bool
    /// Plain ASCII: series drawn with `*`, `+`, `o`, `x` in a character grid instead of braille.
    public var asciiOnly: Bool

    public init(width: Int = 80, height: Int = 20, colour: Bool = false, asciiOnly: Bool = false) {
        self.width = width
        self.height = height
        self.colour = colour
        self.asciiOnly = asciiOnly
    }

    var clampedWidth: Int { min(max(width, 16), 2000) }
    var clampedHeight: Int { min(max(height, 2), 1000) }
}

/// How a picture is drawn as SVG: its size in pixels (clamped to `sizes`).
public struct SVGOptions: Equatable, Sendable {
    /// The widths and heights an SVG is drawn at; a caller that takes sizes
    /// from users checks against this, so nothing is clamped silently.
    public static let sizes = 100...10_000

    public var width: Int
    public var height: Int

    public init(width: Int = 640, height: Int = 420) {
        self.width = width
        self.height = height
    }

    var clampedWidth: Double { Double(min(max(width, Self.sizes.lowerBound), Self.sizes.upperBound)) }
    var clampedHeight: Double { Double(min(max(height, Self.sizes.lowerBound), Self.sizes.upperBound)) }
}
