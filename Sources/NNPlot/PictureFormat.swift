/// The file formats a picture can be written in, chosen by the file's name.
///
/// `.svg` (any case) is SVG. Any other extension, or none, is an error
/// naming the supported ones: writing SVG text into `a.png` would make a
/// file that claims to be what it is not. (PNG and PDF come later, as
/// renderings of the SVG.)
public enum PictureFormat: String, CaseIterable, Sendable {
    case svg

    /// The format `path`'s extension names; throws `PlotError.cannotWrite`
    /// for an extension nn cannot write, or none.
    public init(path: String) throws(PlotError) {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let supported = PictureFormat.allCases.map { "." + $0.rawValue }.joined(separator: ", ")
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
            throw .cannotWrite(path: path, reason: "the file name has no extension, so its format is unknown; name it with \(supported) (the formats nn writes)")
        }
        let ext = String(name[name.index(after: dot)...])
        guard let format = PictureFormat(rawValue: ext.lowercased()) else {
            throw .cannotWrite(path: path, reason: "nn cannot write .\(ext) files yet; name the file with \(supported) (the formats nn writes)")
        }
        self = format
    }
}
