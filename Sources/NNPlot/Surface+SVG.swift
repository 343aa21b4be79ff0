/// The SVG renderer of a surface.
extension Surface {
    /// Draws the surface as a raster of `<rect>` cells (at most 200 × 200,
    /// resampled bilinearly), one `<path class="contour">` per level traced by
    /// marching squares, each optimizer path as a `<polyline class="path">`
    /// with markers at its points, marks as crosses with labels, a legend and
    /// a colour bar.
    public func renderSVG(_ options: SVGOptions) -> String {
        var svg = SVGBuilder(width: options.clampedWidth, height: options.clampedHeight)
        let f = NumberFormat.svg
        guard let shading = shading() else {
            svg.element("text", ["x": f(options.clampedWidth / 2), "y": f(options.clampedHeight / 2), "text-anchor": "middle", "font-size": "14"],
                        text: "nothing to plot: the surface has no finite values")
            return svg.document()
        }
        let xs = AxisScale(lo: x.lowerBound, hi: x.upperBound, isLog: false)
        let ys = AxisScale(lo: y.lowerBound, hi: y.upperBound, isLog: false)
        let frame = SVGFrame(options: options, x: xs, y: ys, title: title, rightExtra: 70)

        // Raster first, so the frame's grid lines and ticks sit on top of it.
        let rc = min(columns, 200), rr = min(rows, 200)
        let cw = frame.plotWidth / Double(rc), ch = frame.plotHeight / Double(rr)
        svg.open("g", ["class": "raster", "shape-rendering": "crispEdges"])
        for r in 0..<rr {
            for c in 0..<rc {
                let px = x.lowerBound + (Double(c) + 0.5) / Double(rc) * (x.upperBound - x.lowerBound)
                let py = y.upperBound - (Double(r) + 0.5) / Double(rr) * (y.upperBound - y.lowerBound)
                guard let t = shading.unit(value(atX: px, y: py)) else { continue }
                svg.element("rect", [
                    "x": f(frame.left + Double(c) * cw), "y": f(frame.top + Double(r) * ch),
                    "width": f(cw + 0.3), "height": f(ch + 0.3), "fill": Colormap.hex(t),
                ])
            }
        }
        svg.close("g")
        frame.draw(into: &svg, title: title, xLabel: xLabel, yLabel: yLabel, grid: false)

        // Grid coordinates (i, j) of the samples to pixels.
        func gridPixel(_ p: (Double, Double)) -> (Double, Double) {
            (frame.left + p.0 / Double(columns - 1) * frame.plotWidth, frame.bottom - p.1 / Double(rows - 1) * frame.plotHeight)
        }
        let levels = contourLevels(shading)
        if !levels.isEmpty {
            svg.open("g", ["class": "contours", "fill": "none", "stroke": "white", "stroke-width": "1", "stroke-opacity": "0.8"])
            for level in levels {
                let segments = MarchingSquares.segments(values, columns: columns, rows: rows, level: level)
                guard !segments.isEmpty else { continue }
                let d = segments.map { s in
                    let a = gridPixel(s.0), b = gridPixel(s.1)
                    return "M" + f(a.0) + "," + f(a.1) + "L" + f(b.0) + "," + f(b.1)
                }.joined()
                svg.element("path", ["class": "contour", "data-level": NumberFormat.compact(level), "d": d])
            }
            svg.close("g")
        }
        let box = (x: frame.left...frame.right, y: frame.top...frame.bottom)
        var legend: [SVGFrame.LegendEntry] = []
        for (k, path) in paths.enumerated() {
            let colour = Self.pathColours[k % Self.pathColours.count]
            let points: [(Double, Double)?] = path.points.map { p in
                guard let px = frame.px(p.x), let py = frame.py(p.y) else { return nil }
                return (px, py)
            }
            svg.open("g", ["class": "path", "data-name": path.name])
            for run in Figure.clippedRuns(points, x: box.x, y: box.y) where run.count > 1 {
                svg.element("polyline", [
                    "class": "path", "points": SVGBuilder.points(run), "fill": "none", "stroke": colour, "stroke-width": "1.75",
                ])
            }
            for case let p? in points where box.x.contains(p.0) && box.y.contains(p.1) {
                SVGMarkers.draw(shape: k, at: p, colour: colour, into: &svg, size: 2.5)
            }
            svg.close("g")
            legend.append(.init(label: path.name, colour: colour, sample: .marker(k)))
        }
        for mark in marks {
            guard let px = frame.px(mark.point.x), let py = frame.py(mark.point.y),
                  box.x.contains(px), box.y.contains(py) else { continue }
            svg.open("g", ["class": "mark", "data-label": mark.label])
            // White on a dark halo, readable on both ends of viridis.
            SVGMarkers.draw(shape: 4, at: (px, py), colour: "#000000", into: &svg, size: 6)
            SVGMarkers.draw(shape: 4, at: (px, py), colour: "#ffffff", into: &svg, size: 5)
            if !mark.label.isEmpty {
                for (colour, stroke) in [("#000000", "3"), ("#ffffff", "0")] {
                    svg.element("text", [
                        "x": f(px + 8), "y": f(py - 6), "font-size": "12", "font-weight": "bold", "fill": colour,
                        "stroke": colour, "stroke-width": stroke,
                    ], text: mark.label)
                }
            }
            svg.close("g")
        }
        frame.legend(legend, into: &svg)
        colourBar(shading, frame: frame, into: &svg)
        return svg.document()
    }

    /// Path colours chosen to stand out on viridis.
    static let pathColours = ["#ff7f0e", "#e377c2", "#d62728", "#17becf", "#ffffff", "#8c564b", "#bcbd22", "#1f77b4"]

    /// A vertical colour bar right of the plot, labelled with the value range.
    private func colourBar(_ shading: Shading, frame: SVGFrame, into svg: inout SVGBuilder) {
        let f = NumberFormat.svg
        let x0 = frame.right + 16, steps = 50
        let h = frame.plotHeight / Double(steps)
        svg.open("g", ["class": "colourbar", "shape-rendering": "crispEdges"])
        for i in 0..<steps {
            let t = 1 - (Double(i) + 0.5) / Double(steps)
            svg.element("rect", ["x": f(x0), "y": f(frame.top + Double(i) * h), "width": "14", "height": f(h + 0.3), "fill": Colormap.hex(t)])
        }
        svg.close("g")
        svg.open("g", ["class": "colourbar-labels", "font-size": "11", "fill": "#333333"])
        svg.element("text", ["x": f(x0 + 18), "y": f(frame.top + 8)], text: NumberFormat.compact(shading.hi))
        svg.element("text", ["x": f(x0 + 18), "y": f(frame.bottom)], text: NumberFormat.compact(shading.lo))
        if logScale {
            svg.element("text", ["x": f(x0 + 18), "y": f(frame.top + frame.plotHeight / 2)], text: "log")
        }
        svg.close("g")
    }
}
