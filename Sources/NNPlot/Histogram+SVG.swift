/// The SVG renderer of a histogram.
extension Histogram {
    /// Draws the bins as `<rect class="bar">` elements over a weight axis
    /// starting at zero; each bar carries `data-lo`, `data-hi` and
    /// `data-weight` with the bin's exact values.
    public func renderSVG(_ options: SVGOptions) -> String {
        var svg = SVGBuilder(width: options.clampedWidth, height: options.clampedHeight)
        let f = NumberFormat.svg
        let top = weights.max() ?? 0
        let xs = AxisScale(lo: edges[0], hi: edges[bins], isLog: false)
        let ys = AxisScale(lo: 0, hi: top > 0 ? top * 1.05 : 1, isLog: false)
        let frame = SVGFrame(options: options, x: xs, y: ys, title: title)
        frame.draw(into: &svg, title: title, xLabel: xLabel, yLabel: "")
        svg.open("g", ["class": "bars", "fill": SVGBuilder.palette[0], "stroke": "white", "stroke-width": "0.5"])
        for i in 0..<bins where weights[i] > 0 {
            guard let x0 = frame.px(edges[i]), let x1 = frame.px(edges[i + 1]), let y1 = frame.py(weights[i]) else { continue }
            svg.element("rect", [
                "class": "bar", "x": f(x0), "y": f(y1), "width": f(max(0, x1 - x0)), "height": f(max(0, frame.bottom - y1)),
                "data-lo": NumberFormat.compact(edges[i]), "data-hi": NumberFormat.compact(edges[i + 1]),
                "data-weight": NumberFormat.compact(weights[i]),
            ])
        }
        svg.close("g")
        if let note = skippedNote {
            svg.element("text", [
                "class": "note", "x": f(frame.right), "y": f(frame.top - 4), "text-anchor": "end", "font-size": "11", "fill": "#666666",
            ], text: note)
        }
        return svg.document()
    }
}
