/// The file formats a picture can be written in, chosen by the file's name.
///
/// `.svg`, `.png` and `.pdf` (any case). SVG is the one drawing; PNG and PDF
/// are renderings of that SVG by librsvg and cairo (`SVGRenderer`, behind the
/// default-on `RSVG` package trait). Any other extension, or none, is an
/// error naming the supported ones: writing SVG text into `a.jpg` would make
/// a file that claims to be what it is not.
public enum PictureFormat: String, CaseIterable, Sendable {
    case svg
    case png
    case pdf

    /// `.svg, .png, .pdf`: the extensions nn writes, for messages.
    public static var supported: String { allCases.map { "." + $0.rawValue }.joined(separator: ", ") }

    /// The format `path`'s extension names; throws `PlotError.cannotWrite`
    /// for an extension nn cannot write, or none.
    public init(path: String) throws(PlotError) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let supported = PictureFormat.supported
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
            throw .cannotWrite(path: path, reason: "the file name has no extension, so its format is unknown; name it with \(supported) (the formats nn writes)")
        }
        let ext = String(name[name.index(after: dot)...])
        guard let format = PictureFormat(rawValue: ext.lowercased()) else {
            throw .cannotWrite(path: path, reason: "nn cannot write .\(ext) files; name the file with \(supported) (the formats nn writes)")
        }
        self = format
    }

    /// Whether this format is a rendering of the SVG by `SVGRenderer`.
    public var isRendered: Bool { self != .svg }
}
