/// Shortcuts for the pictures the interpreter draws most: training curves,
/// functions such as learning-rate schedules, and live redrawing in a terminal.
extension Figure {
    /// Training curves: one line per named sequence, over epochs `firstEpoch, firstEpoch + 1, …`.
    ///
    /// For `fit`'s history: `Figure.curves([("train", h.trainLoss), ("validation", h.valLoss)],
    /// yLabel: "loss", logY: true)`. Empty sequences are left out.
    public static func curves(
        _ named: [(label: String, values: [Double])], firstEpoch: Int = 1,
        title: String = "", xLabel: String = "epoch", yLabel: String = "", logY: Bool = false
    ) -> Figure {
        var fig = Figure(title: title, xLabel: xLabel, yLabel: yLabel, logY: logY)
        let start = Double(max(-1_000_000_000, min(firstEpoch, 1_000_000_000)))
        for (label, values) in named where !values.isEmpty {
            let xs = values.indices.map { start + Double($0) }
            if let s = try? Series(x: xs, y: values, label: label) { fig.add(s) }
        }
        return fig
    }

    /// A function of one variable sampled at `count` points of `x` (a schedule over steps).
    ///
    /// `try Figure.function({ schedule.lr(at: $0) }, x: 0...999, count: 1000, label: "lr")`;
    /// errors thrown by `f` propagate unchanged.
    public static func function(
        _ f: (Double) throws -> Double, x: ClosedRange<Double>, count: Int = 200, label: String = "",
        title: String = "", xLabel: String = "", yLabel: String = "", logY: Bool = false
    ) throws -> Figure {
        let s = try Series(function: f, x: x, count: count, label: label)
        return Figure(title: title, xLabel: xLabel, yLabel: yLabel, logY: logY, series: [s])
    }
}

/// Redrawing a picture in place, for a live loss curve during `fit`.
public enum TerminalRedraw {
    /// The escape that moves the cursor to the start of the picture printed
    /// before (`lines` lines, ended by a newline) and clears it:
    /// `ESC [ lines F` (cursor to previous line, column 1) then `ESC [ J`.
    ///
    /// Print `TerminalRedraw.clear(lines: n) + newText + "\n"`; n = 0 prints nothing extra.
    public static func clear(lines: Int) -> String {
        guard lines > 0 else { return "" }
        return "\u{1B}[" + String(min(lines, 100_000)) + "F\u{1B}[J"
    }

    /// The number of lines of a rendered picture.
    public static func lineCount(_ text: String) -> Int {
        text.isEmpty ? 0 : text.reduce(1) { $0 + ($1 == "\n" ? 1 : 0) }
    }
}

extension Figure {
    /// The curvature a training run passed through (`plot(h, "curvature")`):
    /// over the optimizer steps, the gradient norm and the smallest and
    /// largest Hessian eigenvalues as lines, a zero line, and markers on the
    /// `λ_min` curve at the estimates `saddles` (small gradient, `λ_min < 0`)
    /// and `minima` (small gradient, `λ_min ≥ 0`), given as indices into `steps`.
    /// The title counts the marks. Out-of-range indices are ignored.
    public static func curvature(
        steps: [Double], gradNorm: [Double], lambdaMin: [Double], lambdaMax: [Double],
        saddles: [Int], minima: [Int], title: String = ""
    ) throws(PlotError) -> Figure {
        let counted = " (\(saddles.count) near a saddle, \(minima.count) near a minimum)"
        var fig = Figure(title: (title.isEmpty ? "curvature" : title) + counted, xLabel: "step", yLabel: "value")
        if let first = steps.first, let last = steps.last {  // the zero line, under the data
            fig.add(try Series(x: [first, last], y: [0, 0], label: ""))
        }
        fig.add(try Series(x: steps, y: gradNorm, label: "grad_norm"))
        fig.add(try Series(x: steps, y: lambdaMin, label: "lambda_min"))
        fig.add(try Series(x: steps, y: lambdaMax, label: "lambda_max"))
        func marks(_ idx: [Int], _ label: String) throws(PlotError) {
            let ok = idx.filter { $0 >= 0 && $0 < steps.count && $0 < lambdaMin.count }
            guard !ok.isEmpty else { return }
            fig.add(try Series(x: ok.map { steps[$0] }, y: ok.map { lambdaMin[$0] }, label: label, style: .markers))
        }
        try marks(saddles, "near saddle")
        try marks(minima, "near minimum")
        return fig
    }
}
