/// The viridis colour map (perceptually uniform, readable in grey), as RGB,
/// xterm-256 indices for terminal backgrounds, and hex for SVG.
enum Colormap {
    /// Viridis at t = 0, 1/8, …, 1 (matplotlib's values, rounded to bytes).
    static let stops: [(Double, Double, Double)] = [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ]

    /// The colour at `t` in `[0, 1]`, linearly interpolated between stops.
    static func rgb(_ t: Double) -> (Int, Int, Int) {
        let x = min(1, max(0, t.isNaN ? 0 : t)) * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(x.rounded(.down)))
        let f = x - Double(i)
        let a = stops[i], b = stops[i + 1]
        func mix(_ p: Double, _ q: Double) -> Int { Int((p + (q - p) * f).rounded()) }
        return (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// `#rrggbb` for SVG fills.
    static func hex(_ t: Double) -> String {
        let (r, g, b) = rgb(t)
        return "#" + [r, g, b].map { v in
            let s = String(v, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }

    /// The nearest colour of the xterm-256 6×6×6 cube (indices 16…231).
    static func xterm(_ t: Double) -> Int16 {
        let (r, g, b) = rgb(t)
        let levels = [0, 95, 135, 175, 215, 255]
        func nearest(_ v: Int) -> Int {
            var best = 0
            for i in levels.indices where abs(levels[i] - v) < abs(levels[best] - v) { best = i }
            return best
        }
        return Int16(16 + 36 * nearest(r) + 6 * nearest(g) + nearest(b))
    }

    /// Whether text over the colour at `t` should be dark (the map's bright end).
    static func wantsDarkText(_ t: Double) -> Bool {
        let (r, g, b) = rgb(t)
        return 0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b) > 140
    }
}

/// Contour lines by marching squares on a sample grid.
enum MarchingSquares {
    /// Line segments where the bilinear surface through `values` crosses `level`,
    /// in grid coordinates (`(i, j)` is sample `values[j * columns + i]`).
    ///
    /// Each grid cell is classified by which corners lie above the level; edge
    /// crossings are interpolated linearly. The two saddle cases are resolved
    /// by the cell's mean. Cells with a non-finite corner are skipped.
    static func segments(
        _ values: [Double], columns: Int, rows: Int, level: Double
    ) -> [((Double, Double), (Double, Double))] {
        var out: [((Double, Double), (Double, Double))] = []
        guard columns >= 2, rows >= 2, values.count == columns * rows else { return out }
        for j in 0..<(rows - 1) {
            for i in 0..<(columns - 1) {
                // Corners counter-clockwise from (i, j): a=(i,j) b=(i+1,j) c=(i+1,j+1) d=(i,j+1).
                let a = values[j * columns + i], b = values[j * columns + i + 1]
                let c = values[(j + 1) * columns + i + 1], d = values[(j + 1) * columns + i]
                guard a.isFinite, b.isFinite, c.isFinite, d.isFinite else { continue }
                let x = Double(i), y = Double(j)
                func cross(_ p: Double, _ q: Double) -> Double { p == q ? 0.5 : (level - p) / (q - p) }
                let bottom = (x + cross(a, b), y), right = (x + 1, y + cross(b, c))
                let top = (x + cross(d, c), y + 1), left = (x, y + cross(a, d))
                let code = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0)
                switch code {
                case 0, 15: break
                case 1, 14: out.append((left, bottom))
                case 2, 13: out.append((bottom, right))
                case 3, 12: out.append((left, right))
                case 4, 11: out.append((right, top))
                case 6, 9: out.append((bottom, top))
                case 7, 8: out.append((left, top))
                case 5, 10:
                    let centreAbove = (a + b + c + d) / 4 > level
                    if (code == 5) == centreAbove {
                        out.append((left, top))
                        out.append((bottom, right))
                    } else {
                        out.append((left, bottom))
                        out.append((right, top))
                    }
                default: break
                }
            }
        }
        return out
    }
}
