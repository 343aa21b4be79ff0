import NNLib
import NNPlot
import NNTensor

/// What `fit` recorded, per epoch: `h.train_loss`, `h.val_loss`,
/// `h.train_acc`, `h.val_acc`, `h.lr`, `h.seconds` (lists of numbers),
/// `h.epochs` and `h.interrupted`. `plot(h)` draws the loss curves.
final class HistoryObject: LibraryObject {
    let history: History

    init(_ history: History) { self.history = history }

    var description: String {
        let h = history
        var parts = ["\(h.epochs) epoch" + (h.epochs == 1 ? "" : "s")]
        func span(_ name: String, _ xs: [Double]) {
            guard let first = xs.first, let last = xs.last else { return }
            parts.append(xs.count == 1 ? "\(name) \(Convert.short(last))" : "\(name) \(Convert.short(first)) → \(Convert.short(last))")
        }
        span("train_loss", h.trainLoss)
        span("val_loss", h.valLoss)
        if let a = h.trainAccuracy.last { parts.append("train_acc \(Convert.short(a))") }
        if let a = h.valAccuracy.last { parts.append("val_acc \(Convert.short(a))") }
        if h.interrupted { parts.append("interrupted") }
        if h.stoppedEarly { parts.append("stopped early") }
        if let b = h.bestEpoch { parts.append("best epoch \(b)") }
        return "History(" + parts.joined(separator: ", ") + ")"
    }

    static let members = Members<HistoryObject>(
        "History", makers: ["fit"], summary: "What `fit` recorded, per epoch; `plot(h)` draws the loss curves.",
        properties: [Property("train_loss", "The mean training loss of each epoch.") { Convert.list($0.history.trainLoss) },
                     Property("val_loss", "The validation loss of each epoch (empty without val:).") { Convert.list($0.history.valLoss) },
                     Property("train_acc", "The training accuracy of each epoch (empty for regression).") {
                         Convert.list($0.history.trainAccuracy)
                     },
                     Property("val_acc", "The validation accuracy of each epoch.") { Convert.list($0.history.valAccuracy) },
                     Property("lr", "The learning rate each epoch ended with.") { Convert.list($0.history.lr) },
                     Property("seconds", "The time each epoch took.") { Convert.list($0.history.seconds) },
                     Property("epochs", "The number of epochs completed.") { .number(Double($0.history.epochs)) },
                     Property("interrupted", "True when Ctrl-C stopped training early.") { .bool($0.history.interrupted) },
                     Property("best_epoch", "The epoch with the lowest val_loss, under `patience:` or `restore_best:` (nil otherwise).") {
                         $0.history.bestEpoch.map { .number(Double($0)) } ?? .nil
                     },
                     Property("stopped_early", "True when `patience:` ended training before `epochs`.") { .bool($0.history.stoppedEarly) }]
                    + trackedProperties + curvatureProperties)

    /// The loss curves as a figure (log scale when the losses span more than a decade).
    var figure: Figure {
        let all = (history.trainLoss + history.valLoss).filter { $0.isFinite && $0 > 0 }
        let logY = (all.max() ?? 1) / (all.min() ?? 1) > 10
        return Figure.curves([("train", history.trainLoss), ("validation", history.valLoss)],
                             title: "loss", yLabel: "loss", logY: logY)
    }
}

/// `fit(..., plot: true)`: the loss curve redrawn in place after every epoch
/// on a terminal (taking the place of the epoch lines), or drawn once at the
/// end otherwise. The live progress bar is kept.
final class LivePlotProgress: ProgressReporter {
    let inner: TextProgress?
    let interp: Interpreter
    let terminal: PlotTerminal
    private var train: [Double] = [], val: [Double] = []
    private var drawnLines = 0
    private var last: EpochSummary?
    /// The first failed write of a curve (the reporter cannot throw; `fit` throws it when training ends).
    private(set) var writeError: (any Error)?

    init(inner: TextProgress?, interp: Interpreter, terminal: PlotTerminal) {
        self.inner = inner
        self.interp = interp
        self.terminal = terminal
    }

    func batchEnded(_ p: BatchProgress) { inner?.batchEnded(p) }

    func epochEnded(_ e: EpochSummary) {
        train.append(e.trainLoss)
        if let v = e.valLoss { val.append(v) }
        last = e
        guard terminal.isTerminal else {
            inner?.epochEnded(e)
            return
        }
        if inner?.isTerminal == true { interp.options.errorOutput("\r\u{1B}[K") }
        draw(title: TextProgress.epochLine(e))
    }

    func stoppedEarly(epoch: Int, patience: Int) { inner?.stoppedEarly(epoch: epoch, patience: patience) }
    func weightsRestored(epoch: Int?, valLoss: Double) { inner?.weightsRestored(epoch: epoch, valLoss: valLoss) }

    func trainingEnded(interrupted: Bool) {
        inner?.trainingEnded(interrupted: interrupted)
        if !terminal.isTerminal, let e = last { draw(title: TextProgress.epochLine(e)) }
    }

    private func draw(title: String) {
        let fig = Figure.curves([("train", train), ("validation", val)], title: title, yLabel: "loss")
        interp.libraryState.lastFigure = fig
        let text = fig.renderText(terminal.options())
        guard writeError == nil else { return }
        do {
            try interp.write(TerminalRedraw.clear(lines: drawnLines) + text + "\n")
        } catch {
            writeError = error
        }
        drawnLines = TerminalRedraw.lineCount(text)
    }
}
