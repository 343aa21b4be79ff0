import NNFiles

/// An error raised by NNPlot: bad arguments, a picture that could not be
/// rendered, or a file that could not be written.
///
/// Every message names the function and the offending value, so an
/// interpreter can show it to the user unchanged, e.g.
/// `histogram: bins must be in 1...10000, got 0`.
public enum PlotError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An argument is out of its allowed range; the message says which and why.
    case invalidArgument(String)
    /// A file could not be written; `reason` is the system's explanation.
    case cannotWrite(path: String, reason: String)
    /// The SVG could not be rendered as `format` (PNG or PDF): the `RSVG`
    /// trait is off, a font is missing, or librsvg/cairo failed.
    case renderFailed(format: PictureFormat, reason: String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): message
        case .cannotWrite(let path, let reason): "cannot write '\(FilePath.printable(path))': \(reason)"
        case .renderFailed(let format, let reason): "cannot render the picture as \(format.rawValue.uppercased()): \(reason)"
        }
    }
}
