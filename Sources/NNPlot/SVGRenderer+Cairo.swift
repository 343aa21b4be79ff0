#if RSVG
import CRsvg
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNFiles

/// The calls into librsvg and cairo: the only C rendering code in NNPlot.
/// The functions come from ``RenderLibrary`` (opened on first use).
///
/// Safety rules (see docs/architecture.md, "Unsafe code"): every C object is
/// released by a `defer` in the function that made it; the byte buffer a
/// cairo stream writes into is reached through `withUnsafeMutablePointer`,
/// and every call that can write to it (`write_to_png_stream`, drawing on a
/// PDF surface, `finish`, `destroy`) happens inside that call's closure.
enum CairoRendering {
    /// One rendering at a time: the font caches librsvg draws through
    /// (fontconfig, pango) are shared by the whole process.
    private static let lock = NativeLock()

    /// `svg` drawn on a white `width × height` pixel image, as PNG bytes.
    static func png(svg: String, width: Int, height: Int) throws(PlotError) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        let c = try RenderLibrary.load(for: .png)
        try FontCheck.require(for: .png, c)
        let handle = try load(svg, .png, c)
        defer { c.g_object_unref(UnsafeMutableRawPointer(handle)) }
        guard let surface = c.cairo_image_surface_create(Int32(NN_CAIRO_FORMAT_RGB24), Int32(width), Int32(height)) else {
            throw .renderFailed(format: .png, reason: "cairo could not make a \(width)×\(height) image")
        }
        defer { c.cairo_surface_destroy(surface) }
        if let problem = problem(c.cairo_surface_status(surface), c) ?? draw(handle, on: surface, width: Double(width), height: Double(height), c) {
            throw .renderFailed(format: .png, reason: problem)
        }
        var bytes: [UInt8] = []
        let status = withUnsafeMutablePointer(to: &bytes) { c.cairo_surface_write_to_png_stream(surface, sink(), $0) }
        if let problem = problem(status, c) { throw .renderFailed(format: .png, reason: problem) }
        return bytes
    }

    /// `svg` drawn on one `width × height` point PDF page, as PDF bytes.
    static func pdf(svg: String, width: Double, height: Double) throws(PlotError) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        let c = try RenderLibrary.load(for: .pdf)
        try FontCheck.require(for: .pdf, c)
        let handle = try load(svg, .pdf, c)
        defer { c.g_object_unref(UnsafeMutableRawPointer(handle)) }
        var bytes: [UInt8] = []
        let failure: String? = withUnsafeMutablePointer(to: &bytes) { out in
            guard let surface = c.cairo_pdf_surface_create_for_stream(sink(), out, width, height) else {
                return "cairo could not make a PDF page"
            }
            defer { c.cairo_surface_destroy(surface) }
            if let problem = problem(c.cairo_surface_status(surface), c) { return problem }
            c.cairo_pdf_surface_set_metadata(surface, Int32(NN_CAIRO_PDF_METADATA_CREATOR), "nn")
            if let problem = draw(handle, on: surface, width: width, height: height, c) { return problem }
            c.cairo_surface_finish(surface)
            return problem(c.cairo_surface_status(surface), c)
        }
        if let failure { throw .renderFailed(format: .pdf, reason: failure) }
        return bytes
    }

    /// A librsvg handle holding the parsed `svg`; the caller unrefs it.
    private static func load(_ svg: String, _ format: PictureFormat, _ c: RenderLibrary) throws(PlotError) -> OpaquePointer {
        var error: UnsafeMutablePointer<nn_GError>?
        let bytes = Array(svg.utf8)
        let handle = bytes.withUnsafeBufferPointer { c.rsvg_handle_new_from_data($0.baseAddress, $0.count, &error) }
        guard let handle else { throw .renderFailed(format: format, reason: message(error, "librsvg could not read the SVG", c)) }
        return handle
    }

    /// Draws the document on `surface`, scaled to fill `width × height`
    /// (surface units) over white; nil when it worked, else why not.
    private static func draw(_ handle: OpaquePointer, on surface: OpaquePointer, width: Double, height: Double, _ c: RenderLibrary) -> String? {
        guard let cr = c.cairo_create(surface) else { return "cairo could not make a drawing context" }
        defer { c.cairo_destroy(cr) }
        c.cairo_set_source_rgb(cr, 1, 1, 1)
        c.cairo_paint(cr)
        var viewport = nn_RsvgRectangle(x: 0, y: 0, width: width, height: height)
        var error: UnsafeMutablePointer<nn_GError>?
        guard c.rsvg_handle_render_document(handle, cr, &viewport, &error) != 0 else {
            return message(error, "librsvg could not draw the SVG", c)
        }
        return problem(c.cairo_status(cr), c)
    }

    /// The cairo write callback: appends `length` bytes to the `[UInt8]` that `closure` points at.
    private static func sink() -> nn_cairo_write_func_t {
        { closure, data, length in
            guard let closure, let data else { return Int32(NN_CAIRO_STATUS_WRITE_ERROR) }
            closure.assumingMemoryBound(to: [UInt8].self).pointee
                .append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return Int32(NN_CAIRO_STATUS_SUCCESS)
        }
    }

    /// nil for success, else cairo's words for `status`.
    private static func problem(_ status: Int32, _ c: RenderLibrary) -> String? {
        guard status != Int32(NN_CAIRO_STATUS_SUCCESS) else { return nil }
        guard let text = c.cairo_status_to_string(status) else { return "cairo: status \(status)" }
        return "cairo: " + String(cString: text)
    }

    /// `fallback`, with the GError's message when there is one (which is freed).
    private static func message(_ error: UnsafeMutablePointer<nn_GError>?, _ fallback: String, _ c: RenderLibrary) -> String {
        guard let error else { return fallback }
        defer { c.g_error_free(error) }
        guard let text = error.pointee.message else { return fallback }
        return fallback + ": " + String(cString: text)
    }
}
#endif
