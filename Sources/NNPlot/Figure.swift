/// A line or scatter figure: one or more series on shared axes.
///
/// Build it from plain values, then draw it with `renderText(_:)` (braille or
/// ASCII, for a terminal) or `renderSVG(_:)` (a standalone file):
///
/// ```swift
/// var fig = Figure(title: "loss", xLabel: "epoch", yLabel: "loss", logY: true)
/// fig.add(Series(y: trainLoss, label: "train"))
/// try fig.add(Series(x: epochs, y: valLoss, label: "val", style: .markers))
/// print(fig.renderText(TextOptions(width: 80, height: 20)))
/// try fig.writeSVG(to: "loss.svg")
/// ```
///
/// Non-finite points (and non-positive ones on a log axis) are skipped and
/// leave a gap in a line. A figure with nothing drawable renders a one-line
/// message instead of axes.
public struct Figure: Plottable {
    /// The series in drawing order (later ones are drawn over earlier ones).
    public var series: [Series]
    /// Drawn centred above the plot; empty for none.
    public var title: String
    /// Drawn centred below the x tick labels; empty for none.
    public var xLabel: String
    /// Drawn above the y axis (terminal) or rotated beside it (SVG); empty for none.
    public var yLabel: String
    /// A logarithmic y axis with ticks at powers of ten.
    public var logY: Bool
    /// Fixed x limits; nil picks the range of the data.
    public var xLimits: AxisLimits?
    /// Fixed y limits; nil picks the range of the data (padded when constant).
    public var yLimits: AxisLimits?
    /// Whether to draw a legend of the labelled series.
    public var showLegend: Bool

    public init(
        title: String = "", xLabel: String = "", yLabel: String = "", logY: Bool = false,
        xLimits: AxisLimits? = nil, yLimits: AxisLimits? = nil, showLegend: Bool = true,
        series: [Series] = []
    ) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
        self.xLimits = xLimits
        self.yLimits = yLimits
        self.showLegend = showLegend
    }

    /// Appends a series.
    public mutating func add(_ s: Series) {
        series.append(s)
    }
}

/// One data series of a figure: points `(x[i], y[i])` in data order.
public struct Series: Equatable, Sendable {
    /// How the points are drawn.
    public enum Style: Equatable, Sendable {
        /// Consecutive points joined by straight segments (Bresenham in text).
        case line
        /// Each point drawn on its own (a dot, a marker character, an SVG circle).
        case markers
    }

    public let x: [Double]
    public let y: [Double]
    /// Shown in the legend; empty leaves the series out of it.
    public var label: String
    public var style: Style

    /// A series with explicit x values; throws when the lengths differ.
    public init(x: [Double], y: [Double], label: String = "", style: Style = .line) throws(PlotError) {
        guard x.count == y.count else {
            throw .invalidArgument("plot: x has \(x.count) values but y has \(y.count)")
        }
        self.x = x
        self.y = y
        self.label = label
        self.style = style
    }

    /// A series over the indices `0, 1, …, y.count - 1`.
    public init(y: [Double], label: String = "", style: Style = .line) {
        self.x = (0..<y.count).map(Double.init)
        self.y = y
        self.label = label
        self.style = style
    }

    /// A series sampling `f` at `count` evenly spaced points of `x` (ends included).
    ///
    /// For learning-rate schedules and other functions of one variable:
    /// `Series(function: { lr(step: $0) }, x: 0...1000, count: 1001)`.
    public init(
        function f: (Double) throws -> Double, x range: ClosedRange<Double>, count: Int,
        label: String = "", style: Style = .line
    ) throws {
        guard (2...100_000).contains(count) else {
            throw PlotError.invalidArgument("plot: count must be in 2...100000, got \(count)")
        }
        guard range.lowerBound.isFinite, range.upperBound.isFinite else {
            throw PlotError.invalidArgument("plot: x range must be finite, got \(range)")
        }
        var xs: [Double] = []
        var ys: [Double] = []
        xs.reserveCapacity(count)
        ys.reserveCapacity(count)
        let step = (range.upperBound - range.lowerBound) / Double(count - 1)
        for i in 0..<count {
            let v = i == count - 1 ? range.upperBound : range.lowerBound + Double(i) * step
            xs.append(v)
            ys.append(try f(v))
        }
        self.x = xs
        self.y = ys
        self.label = label
        self.style = style
    }
}

extension Figure {
    /// The x and y scales used to draw this figure, or a message saying why nothing can be drawn.
    func scales() -> Result<(x: AxisScale, y: AxisScale), FigureEmpty> {
        guard !series.isEmpty else { return .failure(FigureEmpty("nothing to plot: the figure has no series")) }
        var xs: [Double] = []
        var ys: [Double] = []
        for s in series {
            for i in s.x.indices where s.x[i].isFinite && s.y[i].isFinite && (!logY || s.y[i] > 0) {
                xs.append(s.x[i])
                ys.append(s.y[i])
            }
        }
        guard !xs.isEmpty else {
            if series.allSatisfy({ $0.y.isEmpty }) {
                return .failure(FigureEmpty("nothing to plot: every series is empty"))
            }
            let why = logY ? "no finite positive y values for a log axis" : "no finite points (all NaN or infinite)"
            return .failure(FigureEmpty("nothing to plot: " + why))
        }
        let autoX = AxisScale.auto(xs, log: false) ?? (0, 1)
        let autoY = AxisScale.auto(ys, log: logY) ?? (1, 10)
        let xr = xLimits.map { ($0.lo, $0.hi) } ?? autoX
        var yr = yLimits.map { ($0.lo, $0.hi) } ?? autoY
        if logY, yr.0 <= 0 { yr = (autoY.lo, max(yr.1, autoY.lo * 10)) }
        return .success((AxisScale(lo: xr.0, hi: xr.1, isLog: false), AxisScale(lo: yr.0, hi: yr.1, isLog: logY)))
    }
}

/// Why a figure has nothing to draw; rendered as its message.
struct FigureEmpty: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
