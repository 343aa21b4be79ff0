/// A function of two parameters sampled on a grid, drawn as a shaded map
/// with optional contour lines, optimizer paths and marked points.
///
/// ```swift
/// var s = try Surface(x: -2...2, y: -1...3, resolution: 60) { x, y in
///     (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
/// }
/// s.logScale = true
/// s.contours = .count(8)
/// s.paths = [SurfacePath(name: "adam", points: trajectory)]
/// s.marks = [SurfaceMark(label: "min", x: 1, y: 1)]
/// print(s.renderText(TextOptions(width: 80, height: 24, colour: true)))
/// ```
///
/// `values[j * columns + i]` is `f(x_i, y_j)` with
/// `x_i = xlo + i · (xhi − xlo) / (columns − 1)` and the same for `y_j`
/// (`j = 0` is the bottom row). NaN values are drawn as holes; ±inf as the
/// extreme shades.
public struct Surface: Plottable {
    /// Sample grid: x range, y range, and the values row by row from the bottom.
    public let x: ClosedRange<Double>
    public let y: ClosedRange<Double>
    public let columns: Int
    public let rows: Int
    public let values: [Double]

    public var title: String = ""
    public var xLabel: String = ""
    public var yLabel: String = ""
    /// Shade by `log10(z − min + δ)`, `δ = 1e-3 · (max − min)`, for losses spanning decades.
    public var logScale: Bool = false
    /// Contour lines to draw over the shading.
    public var contours: Contours = .none
    /// Optimizer trajectories, each drawn with its own marker and named in the legend.
    public var paths: [SurfacePath] = []
    /// Labelled points (minima, saddles) drawn with a cross.
    public var marks: [SurfaceMark] = []

    /// Which contour levels to draw.
    public enum Contours: Equatable, Sendable {
        case none
        /// `n` levels evenly spaced in shading units (log units under `logScale`), strictly between min and max.
        case count(Int)
        /// Explicit levels in the function's units.
        case levels([Double])
    }

    /// Samples `f` on a `resolution × resolution` grid over `x × y`.
    ///
    /// `f` may throw (an interpreter's closure); its error propagates unchanged.
    public init(
        x: ClosedRange<Double>, y: ClosedRange<Double>, resolution: Int = 50,
        _ f: (Double, Double) throws -> Double
    ) throws {
        try self.init(x: x, y: y, columns: resolution, rows: resolution, f)
    }

    /// Samples `f` on a `columns × rows` grid over `x × y` (each 2...1000).
    public init(
        x: ClosedRange<Double>, y: ClosedRange<Double>, columns: Int, rows: Int,
        _ f: (Double, Double) throws -> Double
    ) throws {
        try Self.check(x: x, y: y, columns: columns, rows: rows)
        var values: [Double] = []
        values.reserveCapacity(columns * rows)
        for j in 0..<rows {
            let yj = Self.sample(y, j, rows)
            for i in 0..<columns { values.append(try f(Self.sample(x, i, columns), yj)) }
        }
        self.x = x
        self.y = y
        self.columns = columns
        self.rows = rows
        self.values = values
    }

    /// A surface from precomputed values (row by row from the bottom), e.g. evaluated in one batch.
    public init(x: ClosedRange<Double>, y: ClosedRange<Double>, columns: Int, rows: Int, values: [Double]) throws(PlotError) {
        try Self.check(x: x, y: y, columns: columns, rows: rows)
        guard values.count == columns * rows else {
            throw .invalidArgument("surface: expected \(columns) × \(rows) = \(columns * rows) values, got \(values.count)")
        }
        self.x = x
        self.y = y
        self.columns = columns
        self.rows = rows
        self.values = values
    }

    private static func check(x: ClosedRange<Double>, y: ClosedRange<Double>, columns: Int, rows: Int) throws(PlotError) {
        guard (2...1000).contains(columns), (2...1000).contains(rows) else {
            throw .invalidArgument("surface: resolution must be in 2...1000, got \(columns) × \(rows)")
        }
        for (name, r) in [("x", x), ("y", y)] {
            guard r.lowerBound.isFinite, r.upperBound.isFinite, r.lowerBound < r.upperBound,
                  (r.upperBound - r.lowerBound).isFinite else {
                throw .invalidArgument("surface: \(name) range must be finite with lo < hi, got \(r.lowerBound)...\(r.upperBound)")
            }
        }
    }

    /// The `i`-th of `n` evenly spaced samples of `r`, ends exact.
    static func sample(_ r: ClosedRange<Double>, _ i: Int, _ n: Int) -> Double {
        i == n - 1 ? r.upperBound : r.lowerBound + Double(i) * (r.upperBound - r.lowerBound) / Double(n - 1)
    }

    /// The value at data point `(px, py)` by bilinear interpolation (nearest sample when a corner is NaN).
    func value(atX px: Double, y py: Double) -> Double {
        let fx = (px - x.lowerBound) / (x.upperBound - x.lowerBound) * Double(columns - 1)
        let fy = (py - y.lowerBound) / (y.upperBound - y.lowerBound) * Double(rows - 1)
        let i0 = min(columns - 2, max(0, Raster.index(fx))), j0 = min(rows - 2, max(0, Raster.index(fy)))
        let tx = min(1, max(0, fx - Double(i0))), ty = min(1, max(0, fy - Double(j0)))
        let a = values[j0 * columns + i0], b = values[j0 * columns + i0 + 1]
        let c = values[(j0 + 1) * columns + i0], d = values[(j0 + 1) * columns + i0 + 1]
        if a.isFinite, b.isFinite, c.isFinite, d.isFinite {
            return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty
        }
        let i = tx < 0.5 ? i0 : i0 + 1, j = ty < 0.5 ? j0 : j0 + 1
        return values[j * columns + i]
    }

    /// The shading map: finite range of the values and the transform to `[0, 1]`.
    func shading() -> Shading? {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        guard lo <= hi else { return nil }
        return Shading(lo: lo, hi: hi, log: logScale)
    }

    /// Contour levels in the function's units.
    func contourLevels(_ shading: Shading) -> [Double] {
        switch contours {
        case .none: return []
        case .levels(let ls): return ls.filter(\.isFinite).sorted()
        case .count(let n):
            let k = min(max(n, 0), 100)
            return (0..<k).map { shading.value(atUnit: Double($0 + 1) / Double(k + 1)) }
        }
    }
}

/// A named sequence of points: an optimizer's trajectory over a surface.
public struct SurfacePath: Equatable, Sendable {
    public var name: String
    public var points: [PlotPoint]

    public init(name: String, points: [PlotPoint]) {
        self.name = name
        self.points = points
    }

    /// A path from parallel coordinate arrays (the shorter length wins).
    public init(name: String, x: [Double], y: [Double]) {
        self.init(name: name, points: zip(x, y).map { PlotPoint(x: $0, y: $1) })
    }
}

/// A labelled point on a surface (a minimum, a saddle).
public struct SurfaceMark: Equatable, Sendable {
    public var label: String
    public var point: PlotPoint

    public init(label: String, x: Double, y: Double) {
        self.label = label
        self.point = PlotPoint(x: x, y: y)
    }
}

/// Maps function values to shading positions in `[0, 1]`, linearly or logarithmically.
///
/// ```
/// linear: t = (z − lo) / (hi − lo)
/// log:    t = (log10(z − lo + δ) − log10 δ) / (log10(hi − lo + δ) − log10 δ),  δ = 1e-3 · (hi − lo)
/// ```
struct Shading {
    let lo: Double
    let hi: Double
    let log: Bool

    private var delta: Double { hi > lo ? 1e-3 * (hi - lo) : 1 }

    private func s(_ z: Double) -> Double {
        log ? Double.log10(max(z - lo, 0) + delta) : z
    }

    /// Position of `z` in `[0, 1]` (clamped); nil for NaN.
    func unit(_ z: Double) -> Double? {
        guard !z.isNaN else { return nil }
        guard hi > lo else { return 0.5 }
        if z == .infinity { return 1 }
        if z == -.infinity { return 0 }
        let t = (s(z) - s(lo)) / (s(hi) - s(lo))
        return min(1, max(0, t))
    }

    /// The function value at shading position `t` (inverse of `unit`).
    func value(atUnit t: Double) -> Double {
        guard hi > lo else { return lo }
        if !log { return lo + t * (hi - lo) }
        let sv = s(lo) + t * (s(hi) - s(lo))
        return lo + Double.pow10(sv) - delta
    }
}

extension Double {
    static func log10(_ x: Double) -> Double { NumberFormat.log10(x) }
    static func pow10(_ x: Double) -> Double { NumberFormat.pow10Real(x) }
}
