import NNLib
import NNPlot
import NNTensor

/// Pictures: line plots, histograms and loss surfaces, in the terminal and as SVG, PNG or PDF files.
extension Builtins {
    /// The options every picture takes, after its own: title, labels, file and size.
    static let pictureTail: [BuiltinParameter] = [
        .optional("title", .string("")), .optional("xlabel", .string("")), .optional("ylabel", .string("")),
        .optional("file"), .optional("width"), .optional("height"), .optional("ascii"), .optional("dpi"),
    ]
    static let pictureDoc = "\n\nDrawn in the terminal with braille cells as wide as the terminal (in colour unless `NO_COLOR` is set), or in plain ASCII, 80 columns, when output is not a terminal or with `ascii: true`; `width:` and `height:` (characters) override the size. With `file:` the picture is written to a file instead, in the format its name ends with: `.svg`, `.png` or `.pdf` (see `savefig`; `width`/`height` are then pixels, and `dpi:` sets a PNG's resolution). `savefig(path)` writes the last picture again. In a notebook (the Jupyter kernel) the picture is shown inline as SVG, 8 pixels per column of `width` and 26 per row of `height` (640 × 416 by default); `ascii: true` prints the text form instead." + filePolicyDoc

    /// Draws `fig` in the terminal or writes it to `file:` (the options of ``pictureTail``).
    static func show(_ fig: any Plottable, _ a: BuiltinArguments) throws -> Value {
        let interp = a.interpreter
        interp.libraryState.lastFigure = fig
        // The file gate first: a refused path is an error before anything is written.
        let file: String? = try a["file"].isNil ? nil : try a.path("file", .write)
        let toFile = file != nil
        let ascii: Bool? = try a["ascii"].isNil ? nil : try a.bool("ascii")
        let width = try size(a, "width", toFile ? svgSizes : textWidths), height = try size(a, "height", toFile ? svgSizes : textHeights)
        let dpi = try resolution(a)
        if let file {
            try write(fig, to: file, SVGOptions(width: width ?? 640, height: height ?? 420), dpi: dpi, a)
            return .nil
        }
        if dpi != nil {
            throw try a.bad("dpi", message: "dpi applies only to a picture written to a .png file: add file: \"name.png\"")
        }
        // A notebook shows the picture as SVG, unless `ascii: true` asks for text; sizes keep their
        // terminal meaning (characters), so a script draws the same proportions in both.
        if ascii != true, try interp.display(fig, svg: Interpreter.displaySize(columns: width, rows: height)) { return .nil }
        let term = PlotTerminal.detect(width: width, height: height, ascii: ascii)
        try interp.write(fig.renderText(term.options()) + "\n")
        return .nil
    }

    /// Writes `fig` to `path` in the format its extension names (`.svg`, `.png`,
    /// `.pdf`: `PictureFormat`), through the one atomic writer (only a new or
    /// regular file; see "Writing files" in docs/language.md); errors name the
    /// builtin: `savefig: cannot write 'a.jpg': …`.
    static func write(_ fig: any Plottable, to path: String, _ options: SVGOptions, dpi: Double?, _ a: BuiltinArguments) throws {
        do {
            try fig.write(to: path, options: options, dpi: dpi)
        } catch {
            throw a.error(error.description)
        }
    }

    /// The resolutions a PNG may be written at, in dots per inch.
    static let dpiRange = 10.0...2400.0

    /// The `dpi:` argument when the call passed one (nil when left to its
    /// default), checked against `dpiRange` (never clamped silently).
    static func resolution(_ a: BuiltinArguments) throws -> Double? {
        guard try a.has("dpi"), let dpi = try a.optionalNumber("dpi") else { return nil }
        guard dpiRange.contains(dpi) else {
            throw try a.bad("dpi", message: "dpi must be in 10...2400 dots per inch, got \(Value.formatNumber(dpi)); 96 is one pixel per SVG pixel")
        }
        return dpi
    }

    /// The sizes a picture accepts: characters in the terminal, pixels in a
    /// file (`SVGOptions.sizes`: exactly what is drawn, never clamped).
    static let textWidths = 16...2000, textHeights = 2...1000, svgSizes = SVGOptions.sizes

    /// An optional `width:`/`height:` argument, checked against `range` (never clamped silently).
    static func size(_ a: BuiltinArguments, _ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let n = try a.optionalInt(name) else { return nil }
        guard range.contains(n) else {
            let unit = range == svgSizes ? "pixels" : "characters"
            throw try a.bad(name, message: "\(name) must be in \(range.lowerBound)...\(range.upperBound) \(unit), got \(n)")
        }
        return n
    }

    /// A series of numbers: a list, or a tensor of shape `[N]` or `[N, 1]`.
    static func series(_ v: Value, _ op: String) throws -> [Double] {
        if case .tensor(let t) = v, !(t.rank <= 1 || (t.rank == 2 && t.shape[1] == 1)) {
            throw BuiltinError("\(op): a series must be 1-d, got a tensor of shape \(TensorBridge.fmtShape(t.shape)) (pass a list of series to draw several)")
        }
        return try Convert.doubles(v, "a series", op)
    }

    /// Several series when `v` is a list of lists or tensors, else nil.
    static func multiSeries(_ v: Value, _ op: String) throws -> [[Double]]? {
        guard case .list(let l) = v, let first = l.items.first else { return nil }
        switch first {
        case .list, .tuple, .tensor: return try l.items.map { try series($0, op) }
        default: return nil
        }
    }

    static func limits(_ v: Value, _ op: String, _ what: String) throws -> AxisLimits? {
        if v.isNil { return nil }
        let b = try Convert.doubles(v, what, op)
        guard b.count == 2 else { throw BuiltinError("\(op): \(what) must be [lo, hi], got \(b.count) numbers") }
        return try AxisLimits(b[0], b[1])
    }

    /// A 2-d point from `[x, y]`, a tensor of 2 values, or `{x, y}`.
    static func point(_ v: Value, _ op: String) throws -> PlotPoint {
        if case .record(let r) = v, case .number(let x)? = r["x"], case .number(let y)? = r["y"] { return PlotPoint(x: x, y: y) }
        let p = try Convert.doubles(v, "a point", op)
        guard p.count == 2 else { throw BuiltinError("\(op): a point must have 2 coordinates, got \(p.count)") }
        return PlotPoint(x: p[0], y: p[1])
    }

    /// Points from a list of points or a tensor `[T, 2]`.
    static func points(_ v: Value, _ op: String) throws -> [PlotPoint] {
        if case .tensor(let t) = v {
            guard t.rank == 2, t.shape[1] == 2 else {
                throw BuiltinError("\(op): a path tensor must have shape [T, 2], got \(TensorBridge.fmtShape(t.shape))")
            }
            let d = t.doubles
            return stride(from: 0, to: d.count, by: 2).map { PlotPoint(x: d[$0], y: d[$0 + 1]) }
        }
        return try Iterate.elements(v, op).map { try point($0, op) }
    }

    /// The range to bin over: the given one, or the finite values' min and max,
    /// widened around their centre when the bins would be too narrow to
    /// label (all values equal, or differing only in the last digits).
    static func binRange(_ values: [Double], bins: Int, given: AxisLimits?) throws -> ClosedRange<Double>? {
        func tooNarrow(_ lo: Double, _ hi: Double) -> Bool {
            let w = (hi - lo) / Double(max(bins, 1))
            guard w.isFinite else { return false }   // too wide: Histogram says so
            return !(w.isNormal && w > max(abs(lo), abs(hi)) * 1e-12)
        }
        if let given {
            guard !tooNarrow(given.lo, given.hi) else {
                throw BuiltinError("hist: range [\(Value.formatNumber(given.lo)), \(Value.formatNumber(given.hi))] is too narrow for \(bins) bins")
            }
            return given.range
        }
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max(), tooNarrow(lo, hi) else { return nil }
        let c = lo / 2 + hi / 2
        let half = max(0.5, abs(c) * 0.05)
        return try AxisLimits(c - half, c + half).range
    }

    /// Refuses a histogram with nothing in its bins: an empty picture would
    /// say nothing of why (no values, all NaN or infinite, all outside `range`).
    static func requireCounted(_ h: Histogram, of values: [Double], _ a: BuiltinArguments) throws {
        guard h.weights.allSatisfy({ $0 == 0 }) else { return }
        guard !values.isEmpty else { throw a.error("no values to draw") }
        var why: [String] = []
        if h.skippedNonFinite > 0 { why.append("\(h.skippedNonFinite) NaN or infinite") }
        if h.skippedOutside > 0 { why.append("\(h.skippedOutside) outside range") }
        throw a.error("no values to draw: of \(values.count), " + why.joined(separator: " and ")
                      + (h.skippedOutside > 0 ? "; widen range: or omit it" : "; filter them out or check what produced them"))
    }

    /// Histogram edges around evenly spaced grid points (centres).
    static func edges(around grid: [Double]) -> [Double] {
        guard grid.count >= 2 else { return grid.first.map { [$0 - 0.5, $0 + 0.5] } ?? [0, 1] }
        let h = (grid[grid.count - 1] - grid[0]) / Double(grid.count - 1)
        return [grid[0] - h / 2] + grid.map { $0 + h / 2 }
    }

    /// An nn function of a point as a Swift function of two numbers: `f(x, y)` when it
    /// takes two parameters, else `f(tensor([x, y], dtype: "float64"))`.
    static func surfaceFunction(_ f: Value, _ interp: Interpreter) -> (Double, Double) throws -> Double {
        let two: Bool
        if case .function(let c) = f { two = c.parameterNames.count == 2 } else { two = false }
        let name = f.functionName
        return { x, y in
            try interp.pollInterrupt()
            let arg: [Value] = two ? [.number(x), .number(y)]
                : [.tensor(try Tensor(shape: [2], values: [x, y], dtype: .float64))]
            switch try interp.call(f, arg) {
            case .number(let d): return d
            case .tensor(let t) where t.count == 1: return try t.item()
            case let v: throw BuiltinError("surface: \(name) must return a number, got \(v.typeName)")
            }
        }
    }

    static let plots: [Builtin] = [
        Builtin("plot", [.required("x"), .optional("y"), .optional("labels"), .optional("logy", .bool(false)), .optional("xlim"),
                         .optional("ylim"), .optional("style", .string("line")), .optional("steps", .number(100))] + pictureTail,
                area: "Plots",
                summary: "Draws `plot(ys)`, `plot(xs, ys)`, several series `plot([s1, s2], labels: [...])`, a History's loss curves or a schedule's rates.",
                discussion: "A series is a list of numbers or a 1-d tensor. `plot(h)` draws `fit`'s training and validation loss per epoch, `plot(h, \"curvature\")` the gradient norm and the extreme Hessian eigenvalues over steps recorded by `fit(..., watch: \"curvature\")`, marking where training passed near a saddle or a minimum (docs/hessian.md); `plot(sched, steps: 100)` the learning rate at steps `0..steps`; `plot(spectral_density(...))` the density. `logy: true` for a log y axis, `xlim:`/`ylim:` `[lo, hi]` fix the ranges, `style: \"markers\"` draws points." + pictureDoc) { a in
            let op = "plot"
            let styleName = try a.string("style")
            let style: Series.Style
            switch styleName {
            case "line": style = .line
            case "markers": style = .markers
            default: throw try a.bad("style", message: "style must be \"line\" or \"markers\", got \(Value.quote(styleName))")
            }
            let labels: [String] = try a["labels"].isNil ? [] : try a.sequence("labels").map { v in
                guard case .string(let s) = v else { throw try a.bad("labels", message: "labels must be strings") }
                return s
            }
            func label(_ i: Int) -> String { i < labels.count ? labels[i] : "" }
            var fig = Figure(title: try a.string("title"), xLabel: try a.string("xlabel"), yLabel: try a.string("ylabel"),
                             logY: try a.bool("logy"), xLimits: try limits(try a["xlim"], op, "xlim"),
                             yLimits: try limits(try a["ylim"], op, "ylim"))
            let x = try a["x"], y = try a["y"]
            switch x {
            case .object(let h as HistoryObject):
                var base = h.figure
                if !y.isNil {
                    guard case .string(let what) = y, ["loss", "curvature"].contains(what) else {
                        let got: String
                        if case .string(let w) = y { got = Value.quote(w) + Suggest.didYouMean(w, among: ["loss", "curvature"]) } else { got = "a \(y.typeName)" }
                        throw try a.bad("y", message: "plot(h, what) draws \"loss\" (the default) or \"curvature\" (fit(..., watch: \"curvature\")), got \(got)")
                    }
                    if what == "curvature" { base = try h.curvatureFigure() }
                }
                fig.series = base.series
                if fig.title.isEmpty { fig.title = base.title }
                if fig.xLabel.isEmpty { fig.xLabel = base.xLabel }
                if fig.yLabel.isEmpty { fig.yLabel = base.yLabel }
                if try !a.has("logy") { fig.logY = base.logY }
            case .object(let s as ScheduleObject):
                let n = try a.int("steps")
                guard n >= 2, n <= 1_000_000 else { throw try a.bad("steps", message: "steps must be in 2...1000000, got \(n)") }
                let ys = try (0..<n).map { try s.rate($0) }
                fig.add(Series(y: ys, label: label(0), style: style))
                if fig.title.isEmpty { fig.title = s.kind }
                if fig.xLabel.isEmpty { fig.xLabel = "step" }
                if fig.yLabel.isEmpty { fig.yLabel = "lr" }
            case .object(let r as ResultObject) where r.typeName == "SpectralDensity":
                guard case .tensor(let g)? = r["grid"], case .tensor(let d)? = r["density"] else { throw try a.bad("x", "series") }
                fig.add(try Series(x: g.doubles, y: d.doubles, label: label(0), style: style))
                if fig.title.isEmpty { fig.title = "eigenvalue density" }
                if fig.xLabel.isEmpty { fig.xLabel = "eigenvalue" }
            default:
                if y.isNil {
                    let all = try multiSeries(x, op) ?? [try series(x, op)]
                    for (i, ys) in all.enumerated() { fig.add(Series(y: ys, label: label(i), style: style)) }
                } else {
                    let xs = try series(x, op)
                    let all = try multiSeries(y, op) ?? [try series(y, op)]
                    for (i, ys) in all.enumerated() { fig.add(try Series(x: xs, y: ys, label: label(i), style: style)) }
                }
            }
            return try show(fig, a)
        },
        Builtin("hist", [.required("values"), .optional("bins", .number(10)), .optional("range"), .optional("vertical", .bool(false))] + pictureTail,
                area: "Plots",
                summary: "A histogram of `values` in `bins` equal-width bins (eigenvalue spectra); `hist(spectral_density(...))` draws the density.",
                discussion: "Bins as NumPy's `histogram`:\n```\nwidth = (hi - lo) / bins;   bin(v) = floor((v - lo) / width),  v == hi in the last bin\n```\n`range: [lo, hi]` fixes the bins (default: the values' min and max). NaN, infinite and out-of-range values are skipped and their numbers noted under the picture; when no value is left to draw, `hist` is an error saying why." + pictureDoc) { a in
            let orientation: Histogram.Orientation = try a.bool("vertical") ? .vertical : .horizontal
            let title = try a.string("title"), xl = try a.string("xlabel")
            let h: Histogram
            let v = try a["values"]
            if case .object(let r as ResultObject) = v, r.typeName == "SpectralDensity",
               case .tensor(let g)? = r["grid"], case .tensor(let d)? = r["density"] {
                h = try Histogram(edges: edges(around: g.doubles), weights: d.doubles, title: title.isEmpty ? "eigenvalue density" : title,
                                  xLabel: xl.isEmpty ? "eigenvalue" : xl, orientation: orientation)
            } else {
                let values: [Double]
                if case .tensor(let t) = v { values = t.doubles } else { values = try Convert.doubles(v, "values", "hist") }
                let bins = try a.int("bins")
                let range = try binRange(values, bins: bins, given: try limits(try a["range"], "hist", "range"))
                h = try Histogram(values: values, bins: bins, range: range, title: title, xLabel: xl, orientation: orientation)
                try requireCounted(h, of: values, a)
            }
            return try show(h, a)
        },
        Builtin("surface", [.required("f"), .optional("x", .numbers([-2, 2])), .optional("y", .numbers([-2, 2])),
                            .optional("resolution", .number(40)), .optional("paths"), .optional("labels"), .optional("points"),
                            .optional("log", .bool(false)), .optional("contours", .number(0))] + pictureTail, area: "Plots",
                summary: "A shaded map of a two-parameter loss `f` over `x: [lo, hi]` × `y: [lo, hi]`, with optimizer `paths:` and marked `points:`.",
                discussion: "`f` takes a point `w` (a float64 tensor `[x, y]`, so `fn(w) = (1 - w[0] * w[1]) ** 2` works) or two numbers `fn(x, y)`. It is sampled on a `resolution × resolution` grid. `paths:` is a list of trajectories (each a list of points `[x, y]` or a tensor `[T, 2]`), named by `labels:`; `points:` a list of points `[x, y]`, records `{label, x, y}`, or `critical_point` results. `log: true` shades by `log10(z - min + δ)`; `contours: n` draws n contour lines." + pictureDoc) { a in
            let op = "surface"
            let f = try a.callable("f")
            guard let xr = try limits(try a["x"], op, "x"), let yr = try limits(try a["y"], op, "y") else { throw a.error("x and y must be [lo, hi]") }
            let res = try a.int("resolution")
            var s = try Surface(x: xr.range, y: yr.range, resolution: res, surfaceFunction(f, a.interpreter))
            let names: [Value] = try a["labels"].isNil ? [] : try a.sequence("labels")
            if try !a["paths"].isNil {
                s.paths = try a.sequence("paths").enumerated().map { i, p in
                    var name = "path \(i + 1)"
                    if i < names.count, case .string(let n) = names[i] { name = n }
                    if case .record(let r) = p, let pts = r["points"] {
                        if case .string(let n)? = r["name"] { name = n }
                        return SurfacePath(name: name, points: try points(pts, op))
                    }
                    return SurfacePath(name: name, points: try points(p, op))
                }
            }
            if try !a["points"].isNil {
                s.marks = try a.sequence("points").map { m in
                    switch m {
                    case .object(let r as ResultObject):
                        guard case .tensor(let t)? = r["point"], t.count == 2, case .string(let k)? = r["kind"] else {
                            throw try a.bad("points", message: "a critical point of a 2-parameter function expected")
                        }
                        let d = t.doubles
                        return SurfaceMark(label: k, x: d[0], y: d[1])
                    case .record(let r):
                        let label: String
                        if case .string(let l)? = r["label"] { label = l } else { label = "" }
                        let p = try r["at"].map { try point($0, op) } ?? point(m, op)
                        return SurfaceMark(label: label, x: p.x, y: p.y)
                    default:
                        let p = try point(m, op)
                        return SurfaceMark(label: "", x: p.x, y: p.y)
                    }
                }
            }
            s.logScale = try a.bool("log")
            let c = try a.int("contours")
            guard (0...100).contains(c) else { throw try a.bad("contours", message: "contours must be in 0...100, got \(c)") }
            if c > 0 { s.contours = .count(c) }
            s.title = try a.string("title")
            s.xLabel = try a.string("xlabel")
            s.yLabel = try a.string("ylabel")
            return try show(s, a)
        },
        Builtin("savefig", [.required("path"), .optional("width", .number(640)), .optional("height", .number(420)), .optional("dpi", .number(96))],
                area: "Plots",
                summary: "Writes the last picture drawn (`plot`, `hist`, `surface`, `fit(plot: true)`) to a file: `.svg`, `.png` or `.pdf`, by its name.",
                discussion: "The name's extension decides the format (any case); another extension, or none, is an error listing these. `.svg` is the drawing itself; `.png` and `.pdf` are renderings of it by librsvg and cairo (`savefig(\"loss.png\", dpi: 150)`, `savefig(\"loss.pdf\")`). `width` and `height` are in SVG pixels (1/96 inch). A PNG has\n```\npixels = round(size * dpi / 96)   on each side; dpi in 10...2400, default 96\n```\nso `dpi: 192` doubles both sides; at most 50 million pixels. A PDF is one page of `size * 72 / 96` points, vectors with the text embedded; `dpi:` is for PNG only. The text is set in DejaVu Sans (Helvetica or Arial where it is absent); when none of them is installed, PNG and PDF are an error naming the package (`fonts-dejavu-core`). An nn built without its `RSVG` trait writes only SVG, and says so.\n\nThe file is written atomically (a temporary file, flushed, then renamed), so a reader never sees half a picture. nn writes only to a new file or over a regular one: a symbolic link, a FIFO, a device or a file with several hard links at the path is an error; an existing file keeps its mode." + filePolicyDoc) { a in
            guard let fig = a.interpreter.libraryState.lastFigure else {
                throw a.error("nothing has been drawn yet; call plot, hist or surface first")
            }
            let width = try size(a, "width", svgSizes) ?? 640, height = try size(a, "height", svgSizes) ?? 420
            try write(fig, to: try a.path("path", .write), SVGOptions(width: width, height: height), dpi: try resolution(a), a)
            return .nil
        },
    ]
}
