#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNTensor
import NNFiles

/// Mistakes that train without an error but train badly (or fail late),
/// found before the first step: `fit` warns about them, `lint` lists them.
///
/// ```
/// double_softmax      the model ends in Softmax and the loss is cross_entropy (it takes logits)
/// sigmoid_bce         the model ends in Sigmoid and the loss is binary_cross_entropy (it takes logits)
/// mse_on_labels       mse against class labels: whole numbers 0..K-1 (K <= 10, all present) or one-hot rows
/// batchnorm_batch1    a BatchNorm in a model trained with batches of 1 (or a last batch of 1)
/// zero_lr             every step of the first epoch has learning rate 0 (lr 0, or a schedule that starts at 0
///                     and is stepped per epoch; a per-batch warm-up from 0 only loses its first step)
/// unscaled_features   the largest |value| of two input features differ by 1000x or more
/// ```
public enum TrainingLint {
    /// The kinds, in the order findings are reported.
    public static let kinds = ["double_softmax", "sigmoid_bce", "mse_on_labels", "batchnorm_batch1", "zero_lr", "unscaled_features"]

    /// The losses lint knows by name.
    public enum LossKind: String, Sendable {
        case crossEntropy = "cross_entropy", binaryCrossEntropy = "binary_cross_entropy", mse
    }

    /// One finding: its kind and what to do, in a sentence.
    public struct Finding: Equatable, Sendable {
        public let kind: String
        public let message: String
    }

    /// What lint looks at; every part is optional (nil: not checked).
    public struct Setup {
        public var model: Module?
        public var loss: LossKind?
        public var X: Tensor?
        public var y: Tensor?
        public var batchSize: Int?
        public var dropLast = false
        /// The learning rates of the first epoch's steps, in order (one
        /// number for a constant rate or a schedule stepped per epoch).
        public var firstEpochRates: [Double]?
        /// The schedule setting it (its description), if any.
        public var schedule: String?

        public init(model: Module? = nil, loss: LossKind? = nil, X: Tensor? = nil, y: Tensor? = nil,
                    batchSize: Int? = nil, dropLast: Bool = false, firstEpochRates: [Double]? = nil, schedule: String? = nil) {
            self.model = model
            self.loss = loss
            self.X = X
            self.y = y
            self.batchSize = batchSize
            self.dropLast = dropLast
            self.firstEpochRates = firstEpochRates
            self.schedule = schedule
        }
    }

    /// The findings for `setup`, at most one per kind, in the order of ``kinds``.
    public static func check(_ s: Setup) -> [Finding] {
        var out: [Finding] = []
        let last = s.model.map(lastLayer)
        if s.loss == .crossEntropy, last is Softmax {
            out.append(Finding(kind: "double_softmax", message: "the model ends in Softmax, but cross_entropy takes logits and applies log_softmax itself, so the probabilities are squashed a second time and the gradients shrink; remove the final Softmax (apply softmax(model(x), axis: 1) only to read probabilities)"))
        }
        if s.loss == .binaryCrossEntropy, last is Sigmoid {
            out.append(Finding(kind: "sigmoid_bce", message: "the model ends in Sigmoid, but binary_cross_entropy takes logits and applies the sigmoid itself (as PyTorch's binary_cross_entropy_with_logits), so the outputs are squashed twice; remove the final Sigmoid (apply sigmoid(model(x)) only to read probabilities)"))
        }
        if s.loss == .mse, let y = s.y, let what = classLabels(y) {
            out.append(Finding(kind: "mse_on_labels", message: "mse against \(what): mse treats classes as numbers on a line and learns slowly; for classification use cross_entropy on a model with one output per class (binary_cross_entropy on one logit for 2 classes); if the targets really are numbers, ignore this"))
        }
        if let m = s.model, m.namedModules.contains(where: { $0.module is BatchNorm }), let b = s.batchSize, let n = s.X?.shape.first {
            if b == 1 || n == 1 {
                out.append(Finding(kind: "batchnorm_batch1", message: "the model has BatchNorm and trains on batches of 1 sample: batch statistics of one sample are undefined (training fails at the first step); use batch_size of 2 or more"))
            } else if !s.dropLast, n % b == 1 {
                out.append(Finding(kind: "batchnorm_batch1", message: "the model has BatchNorm and the last batch of each epoch holds 1 sample (\(n) samples, batch_size \(b)): batch statistics of one sample are undefined, so training fails at the end of the first epoch; use a DataLoader with drop_last: true, or another batch_size"))
            }
        }
        if let rates = s.firstEpochRates, !rates.isEmpty, rates.allSatisfy({ $0 == 0 }) {
            let why = s.schedule.map { "the schedule \($0) keeps lr 0 for the whole first epoch, so that epoch does not move the parameters; start it above 0 (a warm-up's start_factor > 0), or step it per batch (unit: \"batch\")" }
                ?? "lr is 0, so no step moves the parameters; give a learning rate > 0"
            out.append(Finding(kind: "zero_lr", message: why))
        }
        if let x = s.X, let (i, j, big, small) = scaleSpread(x) {
            out.append(Finding(kind: "unscaled_features", message: "the input features' scales differ by \(fmt(big / small))x (largest |value| \(fmt(big)) in feature \(i), \(fmt(small)) in feature \(j)): the loss surface is stretched and one learning rate cannot suit both; standardize the inputs (let norm = standardize(X_train), then train on norm(X_train) and evaluate on norm(X_val))"))
        }
        return out
    }

    /// The last layer a model applies: a Sequential's last (nested Sequentials followed in).
    static func lastLayer(_ m: Module) -> Module {
        var m = m
        while let s = m as? Sequential, let last = s.layers.last { m = last }
        return m
    }

    /// "class labels 0..K-1" or "one-hot labels" when `y` looks like either, else nil.
    static func classLabels(_ y: Tensor) -> String? {
        let v = y.doubles
        guard !v.isEmpty else { return nil }
        if y.rank == 1 || (y.rank == 2 && y.shape[1] == 1) {
            guard v.allSatisfy({ $0 >= 0 && $0 <= 9 && $0 == $0.rounded() }) else { return nil }
            let classes = Set(v.map { Int($0) })
            let k = classes.count
            guard k >= 2, classes == Set(0..<k) else { return nil }
            return "class labels 0..\(k - 1) (\(k) classes)"
        }
        if y.rank == 2, y.shape[1] >= 2 {
            let c = y.shape[1]
            guard v.allSatisfy({ $0 == 0 || $0 == 1 }) else { return nil }
            for r in 0..<y.shape[0] where v[(r * c)..<((r + 1) * c)].reduce(0, +) != 1 { return nil }
            return "one-hot class labels (\(c) classes)"
        }
        return nil
    }

    /// The features with the largest and smallest scale (largest |value|;
    /// all-zero features, and features holding NaN or ±inf, left out) when
    /// they differ by 1000x or more.
    static func scaleSpread(_ x: Tensor) -> (Int, Int, Double, Double)? {
        guard x.rank == 2, x.shape[1] >= 2, x.shape[0] >= 1 else { return nil }
        // max |x| per column: one pass over the rows in the data's own dtype,
        // no copy (a copy widened to float64, as this was, cost `fit` 0.3-0.7 s
        // on a 60000 x 784 float32 X)
        guard let scale = try? x.detach().norm(p: .infinity, axes: [0]).doubles, scale.count == x.shape[1] else { return nil }
        let used = scale.indices.filter { scale[$0] > 0 && scale[$0].isFinite }
        guard let i = used.max(by: { scale[$0] < scale[$1] }), let j = used.min(by: { scale[$0] < scale[$1] }),
              scale[i] >= 1000 * scale[j] else { return nil }
        return (i, j, scale[i], scale[j])
    }

    /// `2222`, `1.25`, `3.5e-05`: 4 significant digits, without an exponent from 0.001 to a million.
    static func fmt(_ x: Double) -> String {
        let a = abs(x)
        if a >= 1000 && a < 1e9 { return String(Int(x.rounded())) }
        return PrintfNumber.format(x, .general, precision: a >= 1e-3 && a < 1e6 ? 4 : 3)
    }
}
