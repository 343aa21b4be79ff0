#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNLib
import NNTensor
import NNFiles

/// `explain(opt)`: what each hyperparameter does right now, and the
/// distribution of the effective learning rate η/σ per parameter.
extension OptimizerObject {
    /// The explanation, one line per hyperparameter, then one per parameter:
    /// ```
    /// Adam over 4 parameters, step 20
    ///   lr 0.01: each step moves θ by η/σ · m̂ per coordinate (η = lr, σ = sqrt(v̂) + eps)
    ///   betas (0.9, 0.999): m averages ~10 steps of gradients, v ~1000 steps of squared gradients; ...
    ///   ...
    /// η/σ per parameter (min / median / max):
    ///   0.weight  [8, 2]  0.0031 / 0.0098 / 0.012
    /// ```
    func explanation(schedule: ScheduleObject?) throws -> String {
        let o = optimizer
        let t = o.stepCounts.max() ?? 0
        var lines = ["\(o.name) over \(Signature.count(o.parameters.count, "parameter")), " + (t == 0 ? "no step yet" : "step \(t)")]
        var hyper = hyperparameterLines(lr: "lr \(n(o.lr))", step: t)
        if let s = schedule {
            let next = (try? s.rate(s.steps + 1)).map { "; the next step sets lr \(n($0))" } ?? ""
            hyper.insert("schedule \(s.schedule?.description ?? s.kind): stepped per \(s.scheduler?.unit.rawValue ?? "call"), \(Signature.count(s.steps, "step")) taken\(next)", at: 1)
        }
        lines += hyper.map { "  " + $0 }
        guard t > 0 else {
            lines.append("η/σ: no step yet (σ comes from the gradients: call opt.step() after loss.backward() first)")
            return lines.joined(separator: "\n")
        }
        lines.append("η/σ per parameter (min / median / max):")
        let states = try o.inspect()
        let steps = Set(o.stepCounts)
        var rows: [[String]] = []
        for (i, p) in o.parameters.enumerated() {
            var row = [shortLabel(i), "[" + p.shape.map(String.init).joined(separator: ", ") + "]"]
            if let s = states[i] {
                let d = TrainingTracker.Summary(s.effectiveLR.doubles)
                row.append("\(n(d.min)) / \(n(d.median)) / \(n(d.max))")
                if steps.count > 1 { row.append("step \(s.step)") }
            } else {
                row.append("no step yet (never had a gradient)")
            }
            rows.append(row)
        }
        let widths = (0..<2).map { c in rows.map { $0[c].count }.max() ?? 0 }
        for row in rows {
            let padded = row.enumerated().map { c, cell in c < 2 ? PlainText.padded(cell, to: widths[c]) : cell }
            lines.append("  " + padded.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    /// A number as `print` shows it, or to 4 significant digits when that is long.
    private func n(_ x: Double) -> String {
        let exact = Value.formatNumber(x)
        guard exact.count > 8, x.isFinite else { return exact }
        return PrintfNumber.format(x, .general, precision: 4)
    }

    /// `~10`: the number of steps an average with weight `keep` on the old value spans, `1 / (1 - keep)`.
    private func span(_ keep: Double) -> String { keep >= 1 ? "every" : "~" + n((1 / (1 - keep)).rounded()) }

    private func off(_ name: String, _ value: String, _ what: String) -> String { "\(name) \(value): off (\(what))" }

    /// One line per hyperparameter, saying what it does at step `t`.
    private func hyperparameterLines(lr: String, step t: Int) -> [String] {
        switch optimizer {
        case let o as SGD:
            let mu = o.momentum
            return [
                "\(lr): each step moves θ by lr · " + (mu == 0 ? "g (the gradient)" : "b (the momentum buffer)"),
                mu == 0 ? off("momentum", "0", "each step uses the current gradient only")
                    : "momentum \(n(mu)): b = \(n(mu)) · b + g sums past gradients with weights \(n(mu))^k, \(span(mu)) steps; along a steady gradient the step grows to ~\(n((1 / (1 - mu)).rounded()))x lr · g",
                o.dampening == 0 ? off("dampening", "0", "new gradients enter the buffer whole")
                    : "dampening \(n(o.dampening)): new gradients enter the buffer times 1 - dampening = \(n(1 - o.dampening))",
                o.nesterov ? "nesterov true: the step uses g + momentum · b (a look-ahead)" : off("nesterov", "false", "the step uses b"),
                weightDecayLine(o.weightDecay, divided: false),
            ]
        case let o as Adagrad:
            let eta = o.lr / (1 + Double(max(t, 1) - 1) * o.lrDecay)
            return [
                "\(lr): each step moves θ by η/σ · g, σ = sqrt(sum) + eps; sum only grows, so η/σ only shrinks",
                o.lrDecay == 0 ? off("lr_decay", "0", "η = lr")
                    : "lr_decay \(n(o.lrDecay)): η = lr / (1 + (t - 1) · lr_decay) = \(n(eta)) at step \(max(t, 1))",
                "initial_accumulator_value \(n(o.initialAccumulatorValue)): sum started at \(n(o.initialAccumulatorValue))",
                epsLine(o.eps, "sqrt(sum)"),
                weightDecayLine(o.weightDecay, divided: true),
            ]
        case let o as RMSProp:
            return [
                "\(lr): each step moves θ by " + (o.momentum == 0 ? "η/σ · g" : "lr · b, where b accumulates g/σ") + ", σ = sqrt(v) + eps",
                "alpha \(n(o.alpha)): v averages \(span(o.alpha)) steps of squared gradients (weight \(n(o.alpha)) on the old average, no bias correction)",
                epsLine(o.eps, "sqrt(v)"),
                weightDecayLine(o.weightDecay, divided: true),
                o.momentum == 0 ? off("momentum", "0", "no buffer")
                    : "momentum \(n(o.momentum)): b = \(n(o.momentum)) · b + g/σ, \(span(o.momentum)) steps of scaled gradients",
                o.centered ? "centered true: σ = sqrt(v - ḡ²) + eps, the gradient's variance rather than its second moment"
                    : off("centered", "false", "σ uses the raw second moment v"),
            ]
        case let o as Adam:
            var betas = "betas (\(n(o.beta1)), \(n(o.beta2))): m averages \(span(o.beta1)) steps of gradients, v \(span(o.beta2)) steps of squared gradients"
            if t > 0 {
                betas += "; at step \(t) bias correction divides m by 1 - β1^t = \(n(1 - pow(o.beta1, Double(t)))) and v by 1 - β2^t = \(n(1 - pow(o.beta2, Double(t))))"
            }
            let decay: String
            if o.decoupled {
                decay = o.weightDecay == 0 ? off("weight_decay", "0", "no decay")
                    : "weight_decay \(n(o.weightDecay)): shrinks θ by the factor 1 - lr · weight_decay = \(Value.formatNumber(1 - o.lr * o.weightDecay)) every step, before the Adam step (decoupled: not divided by σ)"
            } else {
                decay = weightDecayLine(o.weightDecay, divided: true)
            }
            return [
                "\(lr): each step moves θ by η/σ · m̂ (η = lr, σ = sqrt(v̂) + eps): about lr per coordinate while the gradients agree",
                betas,
                epsLine(o.eps, "sqrt(v̂)"),
                decay,
                o.amsgrad ? "amsgrad true: σ uses the largest v so far, so η/σ never grows" : off("amsgrad", "false", "σ uses the current v"),
            ]
        default:
            return [lr]
        }
    }

    private func epsLine(_ eps: Double, _ root: String) -> String {
        "eps \(n(eps)): added to \(root); it decides σ only where \(root) is not much larger than \(n(eps))"
    }

    private func weightDecayLine(_ wd: Double, divided: Bool) -> String {
        guard wd != 0 else { return off("weight_decay", "0", "no penalty") }
        return "weight_decay \(n(wd)): adds \(n(wd)) · θ to the gradient (an L2 penalty \(n(wd / 2)) · ‖θ‖²)" +
            (divided ? ", which is divided by σ like the rest of it" : "")
    }
}
