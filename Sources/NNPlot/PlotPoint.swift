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
/// empty or inverted range: `try AxisLimits(0, 10)`. Build ranges from
/// script values with `try AxisLimits(lo, hi).range`, never `lo...hi`,
/// which traps when `lo > hi`.
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

    /// The limits as a closed range (safe: `lo < hi` is guaranteed).
    public var range: ClosedRange<Double> { lo...hi }
}
