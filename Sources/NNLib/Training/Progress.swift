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
import NNFiles

/// Where a training loop is, reported after every batch.
public struct BatchProgress: Sendable {
    /// 1-based epoch and the number of epochs.
    public let epoch: Int, epochs: Int
    /// 1-based batch within the epoch and the number of batches per epoch.
    public let batch: Int, batches: Int
    /// The mean training loss over the epoch's batches so far.
    public let loss: Double
    /// Samples processed per second in this epoch.
    public let samplesPerSecond: Double
    /// Seconds since training started, and the estimated seconds left.
    public let elapsed: Double, remaining: Double
}

/// What one finished epoch produced (also one entry of `History`).
public struct EpochSummary: Sendable {
    public let epoch: Int, epochs: Int
    public let trainLoss: Double
    public let valLoss: Double?
    public let trainAccuracy: Double?
    public let valAccuracy: Double?
    public let lr: Double
    public let seconds: Double
}

/// Receives a training loop's progress. NNLib never writes to a terminal
/// itself: the embedding program chooses a reporter and where it writes.
public protocol ProgressReporter: AnyObject {
    func batchEnded(_ p: BatchProgress)
    func epochEnded(_ e: EpochSummary)
    /// Training stopped: finished, or `interrupted` by the cancellation check.
    func trainingEnded(interrupted: Bool)
    /// Early stopping ended training after `epoch` (`patience` epochs without improvement).
    func stoppedEarly(epoch: Int, patience: Int)
    /// `restore_best` put back the weights of `epoch` (nil: the first epoch's,
    /// when no epoch improved), whose validation loss was `valLoss`.
    func weightsRestored(epoch: Int?, valLoss: Double)
}

extension ProgressReporter {
    public func stoppedEarly(epoch: Int, patience: Int) {}
    public func weightsRestored(epoch: Int?, valLoss: Double) {}
}

/// Progress as text through a sink closure: on a terminal, one line that
/// redraws itself (a bar with epoch, batch, loss, rate and time left) and
/// is replaced by a summary line at the end of each epoch; elsewhere (a
/// pipe, a log file) only the plain summary line per epoch.
///
/// ```
/// epoch 3/20 [██████████░░░░░░░░░░]  12/24  loss 0.4123  1.9k samples/s  eta 8s
/// epoch 3/20  loss 0.4123  acc 0.912  val_loss 0.5012  val_acc 0.880  lr 0.001  0.41s
/// ```
public final class TextProgress: ProgressReporter {
    public let isTerminal: Bool
    public let barWidth: Int
    private let write: (String) -> Void
    private var lastDraw = -Double.infinity
    private let minInterval: Double
    private var drawn = false
    private var restored = false

    /// - Parameters:
    ///   - isTerminal: draw a live bar (true) or plain lines only.
    ///   - minInterval: the least time between redraws of the bar, in seconds.
    ///   - write: receives text exactly as it should be written (it contains
    ///     its own `\r` and `\n`).
    public init(isTerminal: Bool, barWidth: Int = 20, minInterval: Double = 0.1, write: @escaping (String) -> Void) {
        self.isTerminal = isTerminal
        self.barWidth = Swift.max(barWidth, 1)
        self.minInterval = minInterval
        self.write = write
    }

    public func batchEnded(_ p: BatchProgress) {
        guard isTerminal else { return }
        let now = ProcessInfo.processInfo.systemUptime
        guard now - lastDraw >= minInterval || p.batch == p.batches else { return }
        lastDraw = now
        drawn = true
        write("\r\u{1B}[K" + TextProgress.barLine(p, width: barWidth))
    }

    public func epochEnded(_ e: EpochSummary) {
        write((isTerminal && drawn ? "\r\u{1B}[K" : "") + TextProgress.epochLine(e) + "\n")
        drawn = false
    }

    public func trainingEnded(interrupted: Bool) {
        if isTerminal && drawn { write("\r\u{1B}[K"); drawn = false }
        if interrupted {
            write(restored ? "training interrupted\n" : "training interrupted; the model keeps the weights of the last completed step\n")
        }
    }

    public func stoppedEarly(epoch: Int, patience: Int) {
        write("early stopping: no improvement of val_loss for \(patience) epoch\(patience == 1 ? "" : "s"); stopped after epoch \(epoch)\n")
    }

    public func weightsRestored(epoch: Int?, valLoss: Double) {
        restored = true
        if let epoch {
            write("restored the weights of epoch \(epoch), the best val_loss \(TextProgress.number(valLoss))\n")
        } else {
            write("restored the weights of epoch 1 (no epoch had a finite val_loss)\n")
        }
    }

    /// The live bar line for one batch.
    public static func barLine(_ p: BatchProgress, width: Int) -> String {
        let frac = p.batches > 0 ? Double(p.batch) / Double(p.batches) : 1
        let filled = Swift.min(width, Swift.max(0, Int((frac * Double(width)).rounded(.down))))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        return "epoch \(p.epoch)/\(p.epochs) [\(bar)] \(p.batch)/\(p.batches)  loss \(number(p.loss))  "
            + "\(rate(p.samplesPerSecond)) samples/s  eta \(duration(p.remaining))"
    }

    /// The plain summary line for one epoch.
    public static func epochLine(_ e: EpochSummary) -> String {
        var s = "epoch \(e.epoch)/\(e.epochs)  loss \(number(e.trainLoss))"
        if let a = e.trainAccuracy { s += "  acc \(PrintfNumber.format(a, .fixed, precision: 3))" }
        if let v = e.valLoss { s += "  val_loss \(number(v))" }
        if let a = e.valAccuracy { s += "  val_acc \(PrintfNumber.format(a, .fixed, precision: 3))" }
        return s + "  lr \(number(e.lr))  \(PrintfNumber.format(e.seconds, .fixed, precision: 2))s"
    }

    static func number(_ x: Double) -> String {
        if x == 0 || (abs(x) >= 1e-3 && abs(x) < 1e5) { return PrintfNumber.format(x, .general, precision: 4) }
        return PrintfNumber.format(x, .scientific, precision: 3)
    }

    static func rate(_ r: Double) -> String {
        guard r.isFinite else { return "-" }
        return r >= 1000 ? PrintfNumber.format(r / 1000, .fixed, precision: 1) + "k" : PrintfNumber.format(r, .fixed, precision: 0)
    }

    static func duration(_ s: Double) -> String {
        guard s.isFinite, s >= 0, s < 1e9 else { return "-" }
        if s < 60 { return PrintfNumber.format(s.rounded(.up), .fixed, precision: 0) + "s" }
        let m = Int(s) / 60
        return m < 60 ? "\(m)m\(PrintfNumber.zeroPadded(Int(s) % 60, width: 2))s" : "\(m / 60)h\(PrintfNumber.zeroPadded(m % 60, width: 2))m"
    }
}
