import NNLib
import NNTensor

/// Losses and classification metrics, as `torch.nn.functional` defines them.
extension Builtins {
    static func reduction(_ a: BuiltinArguments, _ name: String) throws -> Reduction {
        let s = try a.string(name)
        guard let r = Reduction(rawValue: s) else {
            throw try a.bad(name, message: "reduction must be \"mean\", \"sum\" or \"none\", got \(Value.quote(s))" +
                        Suggest.didYouMean(s, among: ["mean", "sum", "none"]))
        }
        return r
    }

    static let reductionDoc = "`reduction` is \"mean\" (default), \"sum\" or \"none\" (one value per sample)."

    /// Argument `name` as a tensor in the dtype of `like` (a target given as a list of numbers).
    static func target(_ a: BuiltinArguments, _ name: String, like t: Tensor) throws -> Tensor {
        let v = try a[name]
        if case .tensor(let y) = v { return y }
        return try TensorBridge.make(v, dtype: t.dtype, a.builtin.name)
    }

    /// The predicted class of each sample: argmax of `[N, C]` scores, or the
    /// labels themselves when `scores` is `[N]` of whole numbers in `0..<classes`.
    static func predictions(_ scores: Tensor, classes: Int?, threshold: Double) throws -> [Int] {
        if scores.rank == 1, let c = classes, c > 2 {
            return try classLabels(scores, classes: c, op: "confusion_matrix", what: "predicted label")
        }
        return try predictedClasses(scores, threshold: threshold, op: "confusion_matrix")
    }

    static let losses: [Builtin] = [
        Builtin("mse", [.required("pred"), .required("target"), .optional("reduction", .string("mean"))], area: "Losses",
                summary: "The mean squared error, as `F.mse_loss`; shapes must match exactly.",
                discussion: "```\nmse = mean((pred - target)²)\n```\n" + reductionDoc) { a in
            let p = try tensorArg(a, "pred")
            return .tensor(try NNLib.mse(p, try target(a, "target", like: p), reduction: try reduction(a, "reduction")))
        },
        Builtin("l1", [.required("pred"), .required("target"), .optional("reduction", .string("mean"))], area: "Losses",
                summary: "The mean absolute error, as `F.l1_loss`; shapes must match exactly.",
                discussion: "```\nl1 = mean(|pred - target|)\n```\n" + reductionDoc) { a in
            let p = try tensorArg(a, "pred")
            return .tensor(try NNLib.l1(p, try target(a, "target", like: p), reduction: try reduction(a, "reduction")))
        },
        Builtin("cross_entropy", [.required("logits"), .required("target"), .optional("label_smoothing", .number(0)),
                                  .optional("reduction", .string("mean"))], area: "Losses",
                summary: "Cross-entropy of logits `[N, C]` against labels `[N]` or probabilities `[N, C]`, as `F.cross_entropy`.",
                discussion: "With label smoothing `ε` the target distribution is mixed with the uniform one:\n```\nq      = (1 - ε) * one_hot(target) + ε / C\nloss_i = -Σ_c q[i, c] * log_softmax(logits)[i, c]\n```\nLabels are an int64 tensor (what `argmax`, `randint` and an encoded `read_csv` target give) or a float tensor of whole numbers (an integral float reads as that integer; `0.5` is an error), in `0..<C`. " + reductionDoc) { a in
            let z = try tensorArg(a, "logits")
            return .tensor(try NNLib.crossEntropy(z, try target(a, "target", like: z), labelSmoothing: try a.number("label_smoothing"),
                                            reduction: try reduction(a, "reduction")))
        },
        Builtin("binary_cross_entropy", [.required("logits"), .required("target"), .optional("reduction", .string("mean"))],
                area: "Losses",
                summary: "Binary cross-entropy from logits, as `F.binary_cross_entropy_with_logits`, in the stable form.",
                discussion: "```\nloss = max(z, 0) - z * y + log(1 + exp(-|z|))\n```\nfor logits `z` and targets `y` in `[0, 1]` of the same shape. " + reductionDoc) { a in
            let z = try tensorArg(a, "logits")
            return .tensor(try NNLib.binaryCrossEntropy(logits: z, target: try target(a, "target", like: z), reduction: try reduction(a, "reduction")))
        },
        Builtin("nll", [.required("log_probs"), .required("target"), .optional("reduction", .string("mean"))], area: "Losses",
                summary: "The negative log-likelihood of labels `[N]` under log-probabilities `[N, C]`, as `F.nll_loss`.",
                discussion: "```\nloss_i = -log_probs[i, target[i]]\n```\nLabels are an int64 tensor (what `argmax`, `randint` and an encoded `read_csv` target give) or a float tensor of whole numbers (an integral float reads as that integer; `0.5` is an error), in `0..<C`. " + reductionDoc) { a in
            let z = try tensorArg(a, "log_probs")
            return .tensor(try NNLib.nll(z, try target(a, "target", like: z), reduction: try reduction(a, "reduction")))
        },
        Builtin("accuracy", [.required("scores"), .required("target"), .optional("threshold", .number(0))], area: "Losses",
                summary: "The fraction of samples whose predicted class equals the label, as a number in `[0, 1]`.",
                discussion: "`scores` are logits or probabilities `[N, C]` (the prediction is the argmax), or one binary logit per sample `[N]` (class 1 when above `threshold`; pass `threshold: 0.5` for probabilities).") { a in
            let s = try tensorArg(a, "scores")
            let threshold = try a.number("threshold")
            guard threshold.isFinite else { throw try a.bad("threshold", message: "threshold must be a finite number, got \(Value.formatNumber(threshold))") }
            return .number(try NNLib.accuracy(s, try target(a, "target", like: s), threshold: threshold))
        },
        Builtin("one_hot", [.required("labels"), .required("classes"), .optional("dtype")], area: "Losses",
                summary: "One-hot rows for class labels: shape `labels.shape + [classes]`, as `F.one_hot`.",
                discussion: "`labels` are an int64 tensor or whole numbers (a float `0.5` is an error), each in `0..<classes`. The rows are in `dtype`, by default the labels' own: int64 labels give int64 rows, as PyTorch; float32 labels (`tensor([0, 2])`) give float32 rows.") { a in
            let y = try tensorLike(a, "labels")
            let dt: DType? = try a["dtype"].isNil ? nil : try dtypeOption(a, "dtype")
            return .tensor(try NNLib.oneHot(y, classes: try a.int("classes"), dtype: dt))
        },
        Builtin("confusion_matrix", [.required("pred"), .required("target"), .optional("classes")], area: "Losses",
                summary: "The `[C, C]` confusion matrix: entry `[i, j]` counts samples of true class `i` predicted as `j`.",
                discussion: "`pred` is class scores `[N, C]` (argmax), binary logits `[N]`, or predicted labels `[N]` (when `classes` > 2). Rows are the truth, as in scikit-learn. The counts are an int64 tensor.") { a in
            let s = try tensorLike(a, "pred")
            let y = try target(a, "target", like: s)
            let c = try a.optionalInt("classes")
            if let c, c < 1 { throw try a.bad("classes", message: "classes must be >= 1, got \(c)") }
            let classes = c ?? (s.rank == 2 && s.shape[1] > 1 ? s.shape[1] : 2)
            let pred = try predictions(s, classes: c, threshold: 0)
            let truth = try classLabels(y, classes: classes, op: "confusion_matrix")
            guard pred.count == truth.count else {
                throw a.error("\(pred.count) predictions but \(truth.count) labels")
            }
            return .tensor(try confusionCounts(pred, truth, classes: classes))
        },
    ]
}
