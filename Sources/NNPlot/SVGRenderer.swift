/// PNG and PDF renderings of nn's SVG pictures, by librsvg with cairo.
///
/// The SVG is the one drawing; this type hands it to librsvg, which draws
/// it on a cairo surface: an image surface written as PNG, or a PDF
/// surface. Both come back as bytes in memory, so a file writer (through
/// the one atomic writer) and a notebook front end use the same call.
///
/// Sizes: SVG lengths are CSS pixels, 96 to the inch. A PNG at `dpi` has
///
/// ```
/// pixels = round(size · dpi / 96)      (each side)
/// ```
///
/// so `dpi: 96` gives one PNG pixel per SVG pixel and `dpi: 192` doubles
/// both sides. A PDF page is `size · 72 / 96` points (1 pt = 1/72 in), the
/// same physical size as the SVG, drawn as vectors with its text embedded.
///
/// Only with the `RSVG` package trait (on by default; Debian
/// `librsvg2-dev`). Without it every call throws
/// `PlotError.renderFailed` naming the trait.
public enum SVGRenderer {
    /// True when this build can render PNG and PDF (the `RSVG` trait is on).
    public static var isAvailable: Bool {
        #if RSVG
        true
        #else
        false
        #endif
    }

    /// The most pixels a PNG may have (200 MB of image memory at 4 bytes each).
    public static let maxPixels = 50_000_000
    /// The longest side of a PNG (cairo's limit for an image surface).
    public static let maxSide = 32_767

    /// The pixel size of a `width × height` (CSS pixels) picture at `dpi`.
    ///
    /// Throws `invalidArgument` when `dpi` is not a positive finite number,
    /// or the PNG would be empty or too large (`maxSide`, `maxPixels`); the
    /// message says how large and what to lower.
    public static func pixelSize(width: Double, height: Double, dpi: Double) throws(PlotError) -> (width: Int, height: Int) {
        func show(_ v: Double) -> String { v.isFinite ? NumberFormat.compact(v) : "\(v)" }
        guard dpi.isFinite, dpi > 0 else {
            throw .invalidArgument("dpi must be a positive number, got \(show(dpi))")
        }
        let w = (width * dpi / 96).rounded(), h = (height * dpi / 96).rounded()
        guard w >= 1, h >= 1 else {
            throw .invalidArgument("a \(show(width))×\(show(height)) picture at \(show(dpi)) dpi has no pixels; raise dpi")
        }
        let maxSide = Double(Self.maxSide)
        guard w <= maxSide, h <= maxSide, w * h <= Double(maxPixels) else {
            let size = w <= 1e9 && h <= 1e9 ? "\(Int(w))×\(Int(h)) pixels" : "too many pixels"
            throw .invalidArgument("a \(show(width))×\(show(height)) picture at \(show(dpi)) dpi would be \(size); a PNG may have at most \(maxPixels / 1_000_000) million pixels and \(Self.maxSide) on a side: lower dpi, width or height")
        }
        return (Int(w), Int(h))
    }

    /// The SVG document `svg`, drawn `width × height` CSS pixels, as PNG bytes at `dpi`.
    ///
    /// An 8-bit RGB PNG on a white background, `pixelSize(width:height:dpi:)` large.
    public static func png(svg: String, width: Double, height: Double, dpi: Double = 96) throws(PlotError) -> [UInt8] {
        let size = try pixelSize(width: width, height: height, dpi: dpi)
        #if RSVG
        return try CairoRendering.png(svg: svg, width: size.width, height: size.height)
        #else
        _ = size
        throw .renderFailed(format: .png, reason: missingTrait)
        #endif
    }

    /// The SVG document `svg`, drawn `width × height` CSS pixels, as a one-page PDF
    /// of `width · 0.75 × height · 0.75` points.
    public static func pdf(svg: String, width: Double, height: Double) throws(PlotError) -> [UInt8] {
        guard width.isFinite, height.isFinite, width >= 1, height >= 1, width <= 1e6, height <= 1e6 else {
            throw .invalidArgument("a PDF page must be 1...1000000 pixels on a side, got \(NumberFormat.svg(width))×\(NumberFormat.svg(height))")
        }
        #if RSVG
        return try CairoRendering.pdf(svg: svg, width: width * 0.75, height: height * 0.75)
        #else
        throw .renderFailed(format: .pdf, reason: missingTrait)
        #endif
    }

    /// Why PNG and PDF cannot be written by a build without the trait, and the fix.
    public static let missingTrait = "this nn was built without the RSVG trait (librsvg and cairo), so it writes pictures only as .svg; build nn with its default traits (or `--traits RSVG`) to write .png and .pdf"
}

extension Plottable {
    /// The picture as PNG bytes at `dpi` (default 96: one pixel per SVG
    /// pixel), rendered from `renderSVG(options)` by librsvg.
    ///
    /// For notebooks and other hosts that display a figure without a file.
    /// Throws `PlotError.renderFailed` without the `RSVG` trait or when a
    /// font is missing, `invalidArgument` for a bad `dpi` or a PNG too large.
    public func pngData(options: SVGOptions = SVGOptions(), dpi: Double = 96) throws(PlotError) -> [UInt8] {
        try SVGRenderer.png(svg: renderSVG(options), width: options.clampedWidth, height: options.clampedHeight, dpi: dpi)
    }

    /// The picture as a one-page PDF (vectors, text embedded), rendered from
    /// `renderSVG(options)` by librsvg.
    public func pdfData(options: SVGOptions = SVGOptions()) throws(PlotError) -> [UInt8] {
        try SVGRenderer.pdf(svg: renderSVG(options), width: options.clampedWidth, height: options.clampedHeight)
    }
}
