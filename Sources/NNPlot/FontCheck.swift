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
    static let installedFamily: String? = {
        guard case .success(let c) = RenderLibrary.shared else { return nil }
        return SVGBuilder.fontFamilies.first { file(for: $0, c) != nil }
    }()

    /// Throws `renderFailed` naming the fonts and the package when none is installed.
    static func require(for format: PictureFormat, _ c: RenderLibrary) throws(PlotError) {
        guard installedFamily == nil else { return }
        let names = SVGBuilder.fontFamilies.joined(separator: ", ")
        throw .renderFailed(format: format, reason: "none of the fonts the picture's text is set in (\(names)) is installed, so its text would be drawn in some other font or not at all; install DejaVu Sans (Debian and Ubuntu: apt-get install fonts-dejavu-core; nn's scripts/setup does this)")
    }

    /// The file fontconfig has for `family` itself (not a substitute), or
    /// nil (also when fontconfig cannot be loaded).
    static func file(for family: String) -> String? {
        guard case .success(let c) = RenderLibrary.shared else { return nil }
        return file(for: family, c)
    }

    /// The same, through the already-loaded `c`.
    static func file(for family: String, _ c: RenderLibrary) -> String? {
        guard c.FcInit() != 0, let pattern = c.FcPatternCreate() else { return nil }
        defer { c.FcPatternDestroy(pattern) }
        let added = family.withCString { name in
            c.FcPatternAddString(pattern, "family", UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self))
        }
        guard added != 0, c.FcConfigSubstitute(nil, pattern, Int32(NN_FcMatchPattern)) != 0 else { return nil }
        c.FcDefaultSubstitute(pattern)
        var result = Int32(NN_FcResultNoMatch)
        guard let match = c.FcFontMatch(nil, pattern, &result), result == Int32(NN_FcResultMatch) else { return nil }
        defer { c.FcPatternDestroy(match) }
        // A font may carry several family names (e.g. localised ones): any may be the one asked for.
        var found = false
        for index in 0..<16 {
            var name: UnsafeMutablePointer<UInt8>?
            guard c.FcPatternGetString(match, "family", Int32(index), &name) == Int32(NN_FcResultMatch), let name else { break }
            if String(cString: name).lowercased() == family.lowercased() { found = true; break }
        }
        var path: UnsafeMutablePointer<UInt8>?
        guard found, c.FcPatternGetString(match, "file", 0, &path) == Int32(NN_FcResultMatch), let path else { return nil }
        return String(cString: path)
    }
}
#endif
