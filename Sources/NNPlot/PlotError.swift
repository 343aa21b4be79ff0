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
        case .cannotWrite(let path, let reason): "cannot write '\(path)': \(reason)"
        case .conversionFailed(let path, let reason): "cannot convert '\(path)' to PNG: \(reason)"
        }
    }
}

/// A point in data coordinates: an optimizer position, a marked critical point.
public struct PlotPoint: Equatable, Sendable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Whether both coordinates are finite.
    var isFinite: Bool { x.isFinite && y.isFinite }
}

/// Data limits of one axis, `lo < hi`, both finite.
///
/// Construct through the throwing initialiser so a figure never holds an
/// empty or inverted range: `try AxisLimits(0, 10)`.
public struct AxisLimits: Equatable, Sendable {
    public let lo: Double
    public let hi: Double

    /// Validates `lo < hi` and that both are finite.
    public init(_ lo: Double, _ hi: Double) throws(PlotError) {
        guard lo.isFinite, hi.isFinite else {
            throw .invalidArgument("limits: bounds must be finite, got [\(lo), \(hi)]")
        }
        guard lo < hi else {
            throw .invalidArgument("limits: lower bound must be below upper bound, got [\(lo), \(hi)]")
        }
        guard (hi - lo).isFinite else {
            throw .invalidArgument("limits: range [\(lo), \(hi)] is too wide to draw")
        }
        self.lo = lo
        self.hi = hi
    }
}
