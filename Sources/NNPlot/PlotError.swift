import NNFiles

/// An error raised by NNPlot: bad arguments or a file that could not be written.
///
/// Every message names the function and the offending value, so an
/// interpreter can show it to the user unchanged, e.g.
/// `histogram: bins must be in 1...10000, got 0`.
public enum PlotError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An argument is out of its allowed range; the message says which and why.
    case invalidArgument(String)
    /// A file could not be written; `reason` is the system's explanation.
    case cannotWrite(path: String, reason: String)
    /// No external converter (`rsvg-convert`) was found or it failed.
    case conversionFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): message
        case .cannotWrite(let path, let reason): "cannot write '\(FilePath.printable(path))': \(reason)"
        case .conversionFailed(let path, let reason): "cannot convert '\(FilePath.printable(path))' to PNG: \(reason)"
        }
    }
}
