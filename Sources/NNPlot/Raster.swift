/// Line rasterisation shared by the text renderers: clipping and Bresenham.
enum Raster {
    /// Clips the segment `a → b` to the box `lo...hi` in both coordinates
    /// (Liang–Barsky); nil when no part of it is inside.
    ///
    /// ```
    /// p(t) = a + t·(b − a),  t ∈ [0, 1];  keep the t where lo ≤ p(t) ≤ hi
    /// ```
    static func clip(
        _ a: (Double, Double), _ b: (Double, Double),
        xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
    ) -> ((Double, Double), (Double, Double))? {
        guard a.0.isFinite, a.1.isFinite, b.0.isFinite, b.1.isFinite else { return nil }
        var t0 = 0.0, t1 = 1.0
        let dx = b.0 - a.0, dy = b.1 - a.1
        let checks: [(Double, Double)] = [
            (-dx, a.0 - xRange.lowerBound), (dx, xRange.upperBound - a.0),
            (-dy, a.1 - yRange.lowerBound), (dy, yRange.upperBound - a.1),
        ]
        for (p, q) in checks {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 {
                    if r > t1 { return nil }
                    t0 = max(t0, r)
                } else {
                    if r < t0 { return nil }
                    t1 = min(t1, r)
                }
            }
        }
        guard t0 <= t1, t0.isFinite, t1.isFinite else { return nil }
        // Unclipped ends are returned exactly, so consecutive segments still share them.
        let start = t0 == 0 ? a : (a.0 + t0 * dx, a.1 + t0 * dy)
        let end = t1 == 1 ? b : (a.0 + t1 * dx, a.1 + t1 * dy)
        return (start, end)
    }

    /// `d` rounded down to an Int, clamped to ±1e9; NaN gives 0. For grid
    /// positions computed from data, so no conversion can trap.
    static func index(_ d: Double) -> Int {
        guard !d.isNaN else { return 0 }
        return Int(min(1e9, max(-1e9, d.rounded(.down))))
    }

    /// Calls `plot` for every integer point on the Bresenham line from `a` to `b`, ends included.
    ///
    /// Endpoints must already be clipped to a small box, so nothing overflows.
    static func bresenham(_ a: (Int, Int), _ b: (Int, Int), _ plot: (Int, Int) -> Void) {
        var (x, y) = a
        let dx = abs(b.0 - x), dy = -abs(b.1 - y)
        let sx = x < b.0 ? 1 : -1, sy = y < b.1 ? 1 : -1
        var err = dx + dy
        while true {
            plot(x, y)
            if x == b.0 && y == b.1 { return }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// Draws a polyline through `points` on an integer grid `0..<cols × 0..<rows`.
    ///
    /// Points are in continuous grid coordinates (`(0, 0)` is the centre of the
    /// top-left cell); nil entries break the line. A point with nil neighbours
    /// on both sides is drawn alone.
    static func polyline(
        _ points: [(Double, Double)?], cols: Int, rows: Int, joined: Bool, _ plot: (Int, Int) -> Void
    ) {
        let xr = (-0.5 + 1e-9)...(Double(cols) - 0.5 - 1e-9), yr = (-0.5 + 1e-9)...(Double(rows) - 0.5 - 1e-9)
        func cell(_ p: (Double, Double)) -> (Int, Int) {
            (Int(p.0.rounded()), Int(p.1.rounded()))
        }
        for i in points.indices {
            guard let p = points[i] else { continue }
            let prev = i > 0 ? points[i - 1] : nil
            let next = i + 1 < points.count ? points[i + 1] : nil
            if joined, let q = next {
                if let (a, b) = clip(p, q, xRange: xr, yRange: yr) { bresenham(cell(a), cell(b), plot) }
            } else if !joined || (prev == nil && next == nil) {
                if xr.contains(p.0), yr.contains(p.1) {
                    let c = cell(p)
                    plot(c.0, c.1)
                }
            }
        }
    }
}
