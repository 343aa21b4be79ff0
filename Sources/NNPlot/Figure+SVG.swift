/// The SVG renderer of a figure.
extension Figure {
    /// Draws the figure as a standalone SVG 1.1 document.
    ///
    /// Each line series becomes one `<polyline class="series" data-series="k">`
    /// per unbroken run of points (NaN/inf break the run), its `points` in
    /// data order; points outside fixed limits are clipped at the frame.
    /// Marker series become shapes in a `<g class="series">`.
    public func renderSVG(_ options: SVGOptions) -> String {
        var svg = SVGBuilder(width: options.clampedWidth, height: options.clampedHeight)
        let f = NumberFormat.svg
        let xs: AxisScale, ys: AxisScale
        switch scales() {
        case .failure(let empty):
            svg.element("text", ["x": f(options.clampedWidth / 2), "y": f(options.clampedHeight / 2), "text-anchor": "middle", "font-size": "14"], text: empty.message)
            return svg.document()
        case .success(let s):
            // Automatic limits get matplotlib's 5% margins so lines do not run along the frame.
            xs = xLimits == nil ? s.x.padded(0.05) : s.x
            ys = yLimits == nil ? s.y.padded(0.05) : s.y
        }
        let frame = SVGFrame(options: options, x: xs, y: ys, title: title)
        frame.draw(into: &svg, title: title, xLabel: xLabel, yLabel: yLabel)
        let box = (x: frame.left...frame.right, y: frame.top...frame.bottom)
        for (k, s) in series.enumerated() {
            let colour = SVGBuilder.palette[k % SVGBuilder.palette.count]
            let points: [(Double, Double)?] = s.x.indices.map { i in
                guard let px = frame.px(s.x[i]), let py = frame.py(s.y[i]) else { return nil }
                return (px, py)
            }
            switch s.style {
            case .line:
                svg.open("g", ["class": "series", "data-series": String(k), "data-label": s.label])
                for run in Self.clippedRuns(points, x: box.x, y: box.y) {
                    if run.count == 1 {
                        svg.element("circle", ["cx": f(run[0].0), "cy": f(run[0].1), "r": "1.5", "fill": colour])
                    } else {
                        svg.element("polyline", [
                            "class": "series", "data-series": String(k), "points": SVGBuilder.points(run),
                            "fill": "none", "stroke": colour, "stroke-width": "1.75", "stroke-linejoin": "round",
                        ])
                    }
                }
                svg.close("g")
            case .markers:
                svg.open("g", ["class": "series", "data-series": String(k), "data-label": s.label])
                for case let p? in points where box.x.contains(p.0) && box.y.contains(p.1) {
                    SVGMarkers.draw(shape: k, at: p, colour: colour, into: &svg, size: 3)
                }
                svg.close("g")
            }
        }
        if showLegend {
            let entries = series.enumerated().compactMap { k, s -> SVGFrame.LegendEntry? in
                guard !s.label.isEmpty else { return nil }
                let colour = SVGBuilder.palette[k % SVGBuilder.palette.count]
                return SVGFrame.LegendEntry(label: s.label, colour: colour, sample: s.style == .line ? .line : .marker(k))
            }
            frame.legend(entries, into: &svg)
        }
        return svg.document()
    }

    /// Splits a polyline at nil points and clips it to the box; each run is drawn as one polyline.
    static func clippedRuns(
        _ points: [(Double, Double)?], x: ClosedRange<Double>, y: ClosedRange<Double>
    ) -> [[(Double, Double)]] {
        var runs: [[(Double, Double)]] = []
        var current: [(Double, Double)] = []
        func flush() {
            if !current.isEmpty { runs.append(current) }
            current = []
        }
        for i in points.indices {
            guard let p = points[i] else { flush(); continue }
            let next = i + 1 < points.count ? points[i + 1] : nil
            guard let q = next else {
                if current.isEmpty, x.contains(p.0), y.contains(p.1) { current = [p] }
                flush()
                continue
            }
            guard let (a, b) = Raster.clip(p, q, xRange: x, yRange: y) else { flush(); continue }
            if let last = current.last, last.0 == a.0, last.1 == a.1 {
                current.append(b)
            } else {
                flush()
                current = [a, b]
            }
        }
        flush()
        return runs
    }
}
