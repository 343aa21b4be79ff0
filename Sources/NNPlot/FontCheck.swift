#if RSVG
import CRsvg

/// Whether the fonts the SVG's text names are installed (fontconfig).
///
/// librsvg draws text with pango, which asks fontconfig for the SVG's
/// `font-family` list (`SVGBuilder.fontFamilies`, then `sans-serif`). When
/// none of the named families is installed, fontconfig substitutes whatever
/// it has, or nothing (text then vanishes or becomes boxes): a picture that
/// silently differs from the SVG. So rendering is refused instead, with the
/// package to install. nn's set-up (`scripts/setup`) installs
/// `fonts-dejavu-core`, which provides DejaVu Sans.
enum FontCheck {
    /// The first of `SVGBuilder.fontFamilies` that is installed, looked up once.
    static let installedFamily: String? = SVGBuilder.fontFamilies.first { file(for: $0) != nil }

    /// Throws `renderFailed` naming the fonts and the package when none is installed.
    static func require(for format: PictureFormat) throws(PlotError) {
        guard installedFamily == nil else { return }
        let names = SVGBuilder.fontFamilies.joined(separator: ", ")
        throw .renderFailed(format: format, reason: "none of the fonts the picture's text is set in (\(names)) is installed, so its text would be drawn in some other font or not at all; install DejaVu Sans (Debian and Ubuntu: apt-get install fonts-dejavu-core; nn's scripts/setup does this)")
    }

    /// The file fontconfig has for `family` itself (not a substitute), or nil.
    static func file(for family: String) -> String? {
        guard FcInit() != 0, let pattern = FcPatternCreate() else { return nil }
        defer { FcPatternDestroy(pattern) }
        let added = family.withCString { name in
            FcPatternAddString(pattern, FC_FAMILY, UnsafeRawPointer(name).assumingMemoryBound(to: FcChar8.self))
        }
        guard added != 0, FcConfigSubstitute(nil, pattern, FcMatchPattern) != 0 else { return nil }
        FcDefaultSubstitute(pattern)
        var result = FcResultNoMatch
        guard let match = FcFontMatch(nil, pattern, &result), result == FcResultMatch else { return nil }
        defer { FcPatternDestroy(match) }
        // A font may carry several family names (e.g. localised ones): any may be the one asked for.
        var found = false
        for index in 0..<16 {
            var name: UnsafeMutablePointer<FcChar8>?
            guard FcPatternGetString(match, FC_FAMILY, Int32(index), &name) == FcResultMatch, let name else { break }
            if String(cString: name).lowercased() == family.lowercased() { found = true; break }
        }
        var path: UnsafeMutablePointer<FcChar8>?
        guard found, FcPatternGetString(match, FC_FILE, 0, &path) == FcResultMatch, let path else { return nil }
        return String(cString: path)
    }
}
#endif
