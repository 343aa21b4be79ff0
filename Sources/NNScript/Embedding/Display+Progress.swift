#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNLib
import NNPlot

/// `fit`'s progress in a notebook (``Interpreter/Options/display`` set): one
/// text output updated in place and, with `plot: true`, one live loss curve
/// (SVG) updated in place, instead of a line per epoch on the error stream.
///
/// The text output holds what ``TextProgress`` writes where there is no
/// terminal (a summary line per finished epoch, early stopping, restored
/// weights, an interruption) and, while an epoch runs, its live bar. Updates
/// are sent at most every ``minInterval`` seconds (a notebook need not see
/// every batch); the last one, when training ends, always goes out, so the
/// output ends up holding every epoch's line and the final curve.
final class DisplayProgress: ProgressReporter {
    let interp: Interpreter
    /// Show the text progress (`verbose: true`).
    let verbose: Bool
    /// Show the live loss curve (`plot: true`).
    let plot: Bool
    /// The least time between two updates of one output, in seconds.
    static let minInterval = 0.25

    /// The lines a non-terminal ``TextProgress`` writes (epochs, early
    /// stopping, restored weights, interruption), gathered into the output.
    private var written = ""
    private lazy var lines = TextProgress(isTerminal: false) { [unowned self] in written += $0 }
    private var bar: String?
    private var textID: String?, plotID: String?
    private var lastText = -Double.infinity, lastPlot = -Double.infinity
    private var train: [Double] = [], val: [Double] = []
    private var last: EpochSummary?
    /// The first failed display (the reporter cannot throw; `fit` throws it when training ends).
    private(set) var writeError: (any Error)?

    init(interp: Interpreter, verbose: Bool, plot: Bool) {
        self.interp = interp
        self.verbose = verbose
        self.plot = plot
    }

    func batchEnded(_ p: BatchProgress) {
        guard verbose, due(&lastText) else { return }
        bar = TextProgress.barLine(p, width: 20)
        showText()
    }

    func epochEnded(_ e: EpochSummary) {
        train.append(e.trainLoss)
        if let v = e.valLoss { val.append(v) }
        last = e
        if verbose {
            lines.epochEnded(e)
            bar = nil
            if due(&lastText) { showText() }
        }
        if plot, due(&lastPlot) { showCurve() }
    }

    func stoppedEarly(epoch: Int, patience: Int) {
        if verbose { lines.stoppedEarly(epoch: epoch, patience: patience) }
    }

    func weightsRestored(epoch: Int?, valLoss: Double) {
        if verbose { lines.weightsRestored(epoch: epoch, valLoss: valLoss) }
    }

    func trainingEnded(interrupted: Bool) {
        bar = nil
        if verbose {
            lines.trainingEnded(interrupted: interrupted)
            if textID != nil || !written.isEmpty { showText() }
        }
        if plot, last != nil { showCurve() }
    }

    /// True when `time` is at least ``minInterval`` ago (then it becomes now).
    private func due(_ time: inout Double) -> Bool {
        let now = ProcessInfo.processInfo.systemUptime
        guard now - time >= DisplayProgress.minInterval else { return false }
        time = now
        return true
    }

    private func showText() {
        var text = written.hasSuffix("\n") ? String(written.dropLast()) : written
        if let bar { text += (text.isEmpty ? "" : "\n") + bar }
        let isUpdate = textID != nil
        let id = textID ?? interp.newDisplayID()
        textID = id
        send { try self.interp.options.display?(DisplayOutput(text: text, id: id, isUpdate: isUpdate)) }
    }

    private func showCurve() {
        let title = last.map(TextProgress.epochLine) ?? "loss"
        let fig = Figure.curves([("train", train), ("validation", val)], title: title, yLabel: "loss")
        interp.libraryState.lastFigure = fig
        let isUpdate = plotID != nil
        let id = plotID ?? interp.newDisplayID()
        plotID = id
        send { _ = try self.interp.display(fig, id: id, isUpdate: isUpdate) }
    }

    private func send(_ body: () throws -> Void) {
        guard writeError == nil else { return }
        do { try body() } catch { writeError = error }
    }
}
