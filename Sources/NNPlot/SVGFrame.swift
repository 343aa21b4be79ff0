/// Axes of an SVG picture: the plot rectangle, grid, ticks, tick labels,
/// axis labels and title; and the map from data to pixels.
///
/// ```
/// px(x) = left + unit_x(x) · plotWidth
/// py(y) = top + (1 − unit_y(y)) · plotHeight
/// ```
/// Tick marks carry `class="xtick"`/`"ytick"` and their labels
/// `class="xtick-label"`/`"ytick-label"`, so a reader can recover the scale.
struct SVGFrame {
    let x: AxisScale
    let y: AxisScale
    let left: Double
    let top: Double
    let plotWidth: Double
    let plotHeight: Double

    init(options: SVGOptions, x: AxisScale, y: AxisScale, title: String, rightExtra: Double = 0) {
        let w = options.clampedWidth, h = options.clampedHeight
        self.x = x
        self.y = y
        left = 72
        top = title.isEmpty ? 20 : 40
        plotWidth = max(10, w - left - 24 - rightExtra)
        plotHeight = max(10, h - top - 56)
    }

    var right: Double { left + plotWidth }
    var bottom: Double { top + plotHeight }

    /// Pixel column of data value `v`, nil when it cannot be shown.
    func px(_ v: Double) -> Double? { x.unit(v).map { left + $0 * plotWidth } }
    /// Pixel row of data value `v`, nil when it cannot be shown.
    func py(_ v: Double) -> Double? { y.unit(v).map { top + (1 - $0) * plotHeight } }

    /// Draws the background grid, the frame, ticks, labels and title.
    func draw(into svg: inout SVGBuilder, title: String, xLabel: String, yLabel: String, grid: Bool = true) {
        let f = NumberFormat.svg
        let xTicks = x.ticks(maxTicks: max(2, min(11, Int(plotWidth / 70))))
        let yTicks = y.ticks(maxTicks: max(2, min(11, Int(plotHeight / 40))))
        if grid {
            svg.open("g", ["class": "grid", "stroke": "#e0e0e0", "stroke-width": "1"])
            for t in xTicks { if let p = px(t.value) { svg.element("line", ["x1": f(p), "y1": f(top), "x2": f(p), "y2": f(bottom)]) } }
            for t in yTicks { if let p = py(t.value) { svg.element("line", ["x1": f(left), "y1": f(p), "x2": f(right), "y2": f(p)]) } }
            svg.close("g")
        }
        svg.element("rect", [
            "class": "frame", "x": f(left), "y": f(top), "width": f(plotWidth), "height": f(plotHeight),
            "fill": "none", "stroke": "#333333", "stroke-width": "1",
        ])
        svg.open("g", ["class": "ticks", "stroke": "#333333", "stroke-width": "1"])
        for t in xTicks {
            if let p = px(t.value) { svg.element("line", ["class": "xtick", "x1": f(p), "y1": f(bottom), "x2": f(p), "y2": f(bottom + 5)]) }
        }
        for t in yTicks {
            if let p = py(t.value) { svg.element("line", ["class": "ytick", "x1": f(left - 5), "y1": f(p), "x2": f(left), "y2": f(p)]) }
        }
        svg.close("g")
        svg.open("g", ["class": "tick-labels", "font-size": "12", "fill": "#333333"])
        for t in xTicks {
            if let p = px(t.value) {
                svg.element("text", ["class": "xtick-label", "x": f(p), "y": f(bottom + 19), "text-anchor": "middle"], text: t.label)
            }
        }
        for t in yTicks {
            if let p = py(t.value) {
                svg.element("text", ["class": "ytick-label", "x": f(left - 8), "y": f(p + 4), "text-anchor": "end"], text: t.label)
            }
        }
        svg.close("g")
        if !title.isEmpty {
            svg.element("text", [
                "class": "title", "x": f(left + plotWidth / 2), "y": f(top - 14), "text-anchor": "middle",
                "font-size": "16", "font-weight": "bold", "fill": "#111111",
            ], text: title)
        }
        if !xLabel.isEmpty {
            svg.element("text", [
                "class": "xlabel", "x": f(left + plotWidth / 2), "y": f(bottom + 42), "text-anchor": "middle",
                "font-size": "13", "fill": "#111111",
            ], text: xLabel)
        }
        if !yLabel.isEmpty {
            let cx = f(18), cy = f(top + plotHeight / 2)
            svg.element("text", [
                "class": "ylabel", "x": cx, "y": cy, "text-anchor": "middle", "font-size": "13", "fill": "#111111",
                "transform": "rotate(-90 \(cx) \(cy))",
            ], text: yLabel)
        }
    }

    /// One legend entry: its label, colour and how its sample is drawn.
    struct LegendEntry {
        enum Sample { case line, marker(Int), bar }
        let label: String
        let colour: String
        let sample: Sample
    }

    /// A legend box in the top-right corner of the plot.
    func legend(_ entries: [LegendEntry], into svg: inout SVGBuilder) {
        guard !entries.isEmpty else { return }
        let f = NumberFormat.svg
        let longest = Double(entries.map(\.label.count).max() ?? 0)
        let w = 40 + longest * 7.2, h = 8 + Double(entries.count) * 18
        let x0 = right - w - 8, y0 = top + 8
        svg.open("g", ["class": "legend", "font-size": "12"])
        svg.element("rect", [
            "x": f(x0), "y": f(y0), "width": f(w), "height": f(h), "fill": "white", "fill-opacity": "0.85",
            "stroke": "#cccccc",
        ])
        for (i, e) in entries.enumerated() {
            let cy = y0 + 13 + Double(i) * 18
            switch e.sample {
            case .line:
                svg.element("line", ["x1": f(x0 + 6), "y1": f(cy), "x2": f(x0 + 28), "y2": f(cy), "stroke": e.colour, "stroke-width": "2"])
            case .marker(let shape):
                SVGMarkers.draw(shape: shape, at: (x0 + 17, cy), colour: e.colour, into: &svg)
            case .bar:
                svg.element("rect", ["x": f(x0 + 8), "y": f(cy - 5), "width": f(18), "height": f(10), "fill": e.colour])
            }
            svg.element("text", ["x": f(x0 + 34), "y": f(cy + 4), "fill": "#111111"], text: e.label)
        }
        svg.close("g")
    }
}

/// Marker shapes for scatter series and optimizer paths: circle, square, triangle, diamond, cross.
enum SVGMarkers {
    static func draw(shape: Int, at p: (Double, Double), colour: String, into svg: inout SVGBuilder, size: Double = 3.5) {
        let f = NumberFormat.svg
        let (x, y) = p, s = size
        switch ((shape % 5) + 5) % 5 {
        case 0:
            svg.element("circle", ["cx": f(x), "cy": f(y), "r": f(s), "fill": colour])
        case 1:
            svg.element("rect", ["x": f(x - s), "y": f(y - s), "width": f(2 * s), "height": f(2 * s), "fill": colour])
        case 2:
            svg.element("polygon", ["points": SVGBuilder.points([(x, y - s * 1.2), (x + s * 1.1, y + s * 0.8), (x - s * 1.1, y + s * 0.8)]), "fill": colour])
        case 3:
            svg.element("polygon", ["points": SVGBuilder.points([(x, y - s * 1.3), (x + s * 1.3, y), (x, y + s * 1.3), (x - s * 1.3, y)]), "fill": colour])
        default:
            svg.element("path", [
                "d": "M\(f(x - s)),\(f(y - s)) L\(f(x + s)),\(f(y + s)) M\(f(x - s)),\(f(y + s)) L\(f(x + s)),\(f(y - s))",
                "stroke": colour, "stroke-width": "2", "fill": "none",
            ])
        }
    }
}
