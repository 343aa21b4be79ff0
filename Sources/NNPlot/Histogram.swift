/// A histogram: bin edges and a weight (count or density) per bin.
///
/// Either count values into equal-width bins (numpy's `histogram`):
/// ```
/// width = (hi - lo) / bins
/// bin(v) = floor((v - lo) / width)   for lo ≤ v < hi;  v == hi goes in the last bin
/// ```
/// or take precomputed `edges` and `weights`, e.g. a spectral density from
/// Lanczos quadrature. Non-finite values and values outside the range are
/// not counted; their numbers are kept and reported under the picture.
public struct Histogram: Plottable {
    /// How bars are drawn in a terminal.
    public enum Orientation: Equatable, Sendable {
        /// One row per bin: edges, a bar growing to the right, the count.
        case horizontal
        /// One column group per bin, growing upwards, edges below.
        case vertical
    }

    /// `bins + 1` increasing edges.
    public let edges: [Double]
    /// One weight per bin (counts, or densities for precomputed input).
    public let weights: [Double]
    /// Values skipped because they were NaN or infinite.
    public let skippedNonFinite: Int
    /// Values skipped because they fell outside the range.
    public let skippedOutside: Int
    public var title: String
    public var xLabel: String
    public var orientation: Orientation

    /// Counts `values` into `bins` equal-width bins over `range` (default: the
    /// finite values' min...max, widened by ±0.5 when they are all equal).
    public init(
        values: [Double], bins: Int = 10, range: ClosedRange<Double>? = nil,
        title: String = "", xLabel: String = "", orientation: Orientation = .horizontal
    ) throws(PlotError) {
        guard (1...10_000).contains(bins) else {
            throw .invalidArgument("histogram: bins must be in 1...10000, got \(bins)")
        }
        var lo: Double, hi: Double
        if let range {
            guard range.lowerBound.isFinite, range.upperBound.isFinite, range.lowerBound < range.upperBound else {
                throw .invalidArgument("histogram: range must be finite with lo < hi, got \(range.lowerBound)...\(range.upperBound)")
            }
            (lo, hi) = (range.lowerBound, range.upperBound)
        } else {
            let finite = values.filter(\.isFinite)
            lo = finite.min() ?? 0
            hi = finite.max() ?? 1
            if lo == hi { (lo, hi) = (lo - 0.5, hi + 0.5) }
        }
        guard (hi - lo).isFinite else {
            throw .invalidArgument("histogram: range \(lo)...\(hi) is too wide to bin")
        }
        let width = (hi - lo) / Double(bins)
        var edges = (0...bins).map { lo + Double($0) * width }
        edges[bins] = hi
        var counts = Array(repeating: 0.0, count: bins)
        var nonFinite = 0, outside = 0
        for v in values {
            guard v.isFinite else { nonFinite += 1; continue }
            guard v >= lo, v <= hi else { outside += 1; continue }
            let q = ((v - lo) / width).rounded(.down)
            var i = q.isFinite ? Int(min(Double(bins - 1), max(0, q))) : 0
            // Correct rounding near edges so bin i holds edges[i] ≤ v < edges[i+1].
            while i > 0, v < edges[i] { i -= 1 }
            while i < bins - 1, v >= edges[i + 1] { i += 1 }
            counts[i] += 1
        }
        self.edges = edges
        self.weights = counts
        self.skippedNonFinite = nonFinite
        self.skippedOutside = outside
        self.title = title
        self.xLabel = xLabel
        self.orientation = orientation
    }

    /// A histogram of precomputed bins: `edges.count == weights.count + 1`,
    /// edges finite and strictly increasing, weights finite and non-negative.
    public init(
        edges: [Double], weights: [Double], title: String = "", xLabel: String = "",
        orientation: Orientation = .horizontal
    ) throws(PlotError) {
        guard !weights.isEmpty, edges.count == weights.count + 1 else {
            throw .invalidArgument("histogram: need one more edge than weights, got \(edges.count) edges and \(weights.count) weights")
        }
        guard weights.count <= 10_000 else {
            throw .invalidArgument("histogram: at most 10000 bins, got \(weights.count)")
        }
        for i in 0..<weights.count where !(edges[i] < edges[i + 1]) || !edges[i].isFinite || !edges[i + 1].isFinite {
            throw .invalidArgument("histogram: edges must be finite and increasing, got \(edges[i]) then \(edges[i + 1])")
        }
        if let bad = weights.first(where: { !$0.isFinite || $0 < 0 }) {
            throw .invalidArgument("histogram: weights must be finite and non-negative, got \(bad)")
        }
        self.edges = edges
        self.weights = weights
        self.skippedNonFinite = 0
        self.skippedOutside = 0
        self.title = title
        self.xLabel = xLabel
        self.orientation = orientation
    }

    /// Number of bins.
    public var bins: Int { weights.count }

    /// A note on skipped values, or nil when none were skipped.
    var skippedNote: String? {
        var parts: [String] = []
        if skippedNonFinite > 0 { parts.append("\(skippedNonFinite) non-finite") }
        if skippedOutside > 0 { parts.append("\(skippedOutside) outside the range") }
        return parts.isEmpty ? nil : "(skipped " + parts.joined(separator: ", ") + ")"
    }

    /// Labels of all edges, with as many decimals as the narrowest bin needs.
    var edgeLabels: [String] {
        let narrowest = zip(edges.dropFirst(), edges).map { $0 - $1 }.min() ?? 1
        return Ticks.label(edges, step: narrowest).map(\.label)
    }
}
