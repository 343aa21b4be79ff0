#if RSVG
import CRsvg
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// librsvg, cairo, gobject and fontconfig, opened with `dlopen` on the first
/// PNG or PDF rendering rather than linked.
///
/// Linked, they and their dependencies (pango, harfbuzz, X11, gio: about
/// seventy shared libraries) were relocated by the dynamic loader at every
/// start of `nn`, most of its start-up time, though few runs draw a PNG.
/// The `RSVG` trait still means "PNG and PDF support compiled in"; when the
/// libraries cannot be opened at run time, rendering throws
/// `renderFailed` naming the package to install (``RenderLibrary/missing``).
struct RenderLibrary: @unchecked Sendable {
    let g_object_unref: nn_g_object_unref_fn
    let g_error_free: nn_g_error_free_fn
    let rsvg_handle_new_from_data: nn_rsvg_handle_new_from_data_fn
    let rsvg_handle_render_document: nn_rsvg_handle_render_document_fn
    let cairo_image_surface_create: nn_cairo_image_surface_create_fn
    let cairo_pdf_surface_create_for_stream: nn_cairo_pdf_surface_create_for_stream_fn
    let cairo_pdf_surface_set_metadata: nn_cairo_pdf_surface_set_metadata_fn
    let cairo_surface_destroy: nn_cairo_surface_fn
    let cairo_surface_finish: nn_cairo_surface_fn
    let cairo_surface_status: nn_cairo_surface_status_fn
    let cairo_surface_write_to_png_stream: nn_cairo_surface_write_to_png_stream_fn
    let cairo_create: nn_cairo_create_fn
    let cairo_destroy: nn_cairo_fn
    let cairo_paint: nn_cairo_fn
    let cairo_status: nn_cairo_status_fn
    let cairo_set_source_rgb: nn_cairo_set_source_rgb_fn
    let cairo_status_to_string: nn_cairo_status_to_string_fn
    let FcInit: nn_FcInit_fn
    let FcPatternCreate: nn_FcPatternCreate_fn
    let FcPatternDestroy: nn_FcPatternDestroy_fn
    let FcPatternAddString: nn_FcPatternAddString_fn
    let FcConfigSubstitute: nn_FcConfigSubstitute_fn
    let FcDefaultSubstitute: nn_FcDefaultSubstitute_fn
    let FcFontMatch: nn_FcFontMatch_fn
    let FcPatternGetString: nn_FcPatternGetString_fn

    /// The shared libraries by their sonames (Linux; macOS has its own names).
    #if os(macOS)
    static let sonames = ["librsvg-2.2.dylib", "libcairo.2.dylib", "libgobject-2.0.0.dylib", "libglib-2.0.0.dylib", "libfontconfig.1.dylib"]
    #else
    static let sonames = ["librsvg-2.so.2", "libcairo.so.2", "libgobject-2.0.so.0", "libglib-2.0.so.0", "libfontconfig.so.1"]
    #endif

    /// The libraries, opened once (thread-safe: a `static let`); the failure says what could not be opened.
    static let shared: Result<RenderLibrary, LoadFailure> = {
        do throws(LoadFailure) { return .success(try RenderLibrary()) } catch { return .failure(error) }
    }()

    /// The libraries, or `renderFailed` for `format` naming what is missing and the package.
    static func load(for format: PictureFormat) throws(PlotError) -> RenderLibrary {
        switch shared {
        case .success(let library): return library
        case .failure(let failure): throw .renderFailed(format: format, reason: missing(failure.detail))
        }
    }

    /// Why PNG and PDF cannot be written when the libraries are absent, and the fix.
    static func missing(_ detail: String) -> String {
        "librsvg and cairo, which draw .png and .pdf, could not be loaded (\(detail)); install them (Debian and Ubuntu: apt-get install librsvg2-dev, which brings librsvg2-2, libcairo2 and libfontconfig1; nn's scripts/setup does this) or write the picture as .svg"
    }

    struct LoadFailure: Error { let detail: String }

    private init() throws(LoadFailure) {
        var handles: [UnsafeMutableRawPointer] = []
        for name in Self.sonames {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                let why = dlerror().map { String(cString: $0) } ?? "\(name): cannot be opened"
                throw LoadFailure(detail: why)
            }
            handles.append(handle)
        }
        // Each symbol from the first library that has it (its own or a dependency's).
        func symbol<T>(_ name: String, as type: T.Type) throws(LoadFailure) -> T {
            for handle in handles {
                if let address = dlsym(handle, name) { return unsafeBitCast(address, to: T.self) }
            }
            throw LoadFailure(detail: "\(name) is missing from \(Self.sonames.joined(separator: ", "))")
        }
        g_object_unref = try symbol("g_object_unref", as: nn_g_object_unref_fn.self)
        g_error_free = try symbol("g_error_free", as: nn_g_error_free_fn.self)
        rsvg_handle_new_from_data = try symbol("rsvg_handle_new_from_data", as: nn_rsvg_handle_new_from_data_fn.self)
        rsvg_handle_render_document = try symbol("rsvg_handle_render_document", as: nn_rsvg_handle_render_document_fn.self)
        cairo_image_surface_create = try symbol("cairo_image_surface_create", as: nn_cairo_image_surface_create_fn.self)
        cairo_pdf_surface_create_for_stream = try symbol("cairo_pdf_surface_create_for_stream", as: nn_cairo_pdf_surface_create_for_stream_fn.self)
        cairo_pdf_surface_set_metadata = try symbol("cairo_pdf_surface_set_metadata", as: nn_cairo_pdf_surface_set_metadata_fn.self)
        cairo_surface_destroy = try symbol("cairo_surface_destroy", as: nn_cairo_surface_fn.self)
        cairo_surface_finish = try symbol("cairo_surface_finish", as: nn_cairo_surface_fn.self)
        cairo_surface_status = try symbol("cairo_surface_status", as: nn_cairo_surface_status_fn.self)
        cairo_surface_write_to_png_stream = try symbol("cairo_surface_write_to_png_stream", as: nn_cairo_surface_write_to_png_stream_fn.self)
        cairo_create = try symbol("cairo_create", as: nn_cairo_create_fn.self)
        cairo_destroy = try symbol("cairo_destroy", as: nn_cairo_fn.self)
        cairo_paint = try symbol("cairo_paint", as: nn_cairo_fn.self)
        cairo_status = try symbol("cairo_status", as: nn_cairo_status_fn.self)
        cairo_set_source_rgb = try symbol("cairo_set_source_rgb", as: nn_cairo_set_source_rgb_fn.self)
        cairo_status_to_string = try symbol("cairo_status_to_string", as: nn_cairo_status_to_string_fn.self)
        FcInit = try symbol("FcInit", as: nn_FcInit_fn.self)
        FcPatternCreate = try symbol("FcPatternCreate", as: nn_FcPatternCreate_fn.self)
        FcPatternDestroy = try symbol("FcPatternDestroy", as: nn_FcPatternDestroy_fn.self)
        FcPatternAddString = try symbol("FcPatternAddString", as: nn_FcPatternAddString_fn.self)
        FcConfigSubstitute = try symbol("FcConfigSubstitute", as: nn_FcConfigSubstitute_fn.self)
        FcDefaultSubstitute = try symbol("FcDefaultSubstitute", as: nn_FcDefaultSubstitute_fn.self)
        FcFontMatch = try symbol("FcFontMatch", as: nn_FcFontMatch_fn.self)
        FcPatternGetString = try symbol("FcPatternGetString", as: nn_FcPatternGetString_fn.self)
    }
}
#endif
