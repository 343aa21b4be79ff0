import NNFiles
import NNTensor

/// The JSON of a checkpoint's metadata fields, both ways. Decoding checks
/// every field's presence and type and names the field when one is wrong.
///
/// ```
/// optimizer:      {"kind": "Adam", "lr": 0.001, "settings": {"betas": "[0.9, 0.999]", ...}, "steps": [3, 3]}
/// schedule:       {"schedule": "StepDecay(base: 0.1, every: 2, gamma: 0.5)", "unit": "epoch", "steps": 3,
///                  "best": 0.41, "bad_epochs": 0, "cooldown_left": 0}          (the last three: plateau only)
/// rng:            {"interpreter": {"state": ["<u64>", "<u64>", "<u64>", "<u64>"], "spare": null}, ...}
/// data:           {"samples": 300, "batch_size": 32, "shuffle": true, "drop_last": false, "seed": "<u64>", "epoch": 3}
/// history:        {"train_loss": [...], "val_loss": [...], "train_acc": [...], "val_acc": [...], "lr": [...],
///                  "seconds": [...], "best_epoch": 2, "stopped_early": false}
/// early_stopping: {"patience": 5, "restore_best": true, "best": 0.41, "wait": 1, "best_epoch": 2, "stopped": false}
/// ```
/// Numbers are exact (shortest round-trip text; `"nan"`, `"inf"`, `"-inf"`
/// for the others); 64-bit integers are decimal strings.
struct CheckpointJSON {
    let path: String

    func fail(_ field: String, _ reason: String) -> FileError {
        FileError(.read, path, "'__metadata__.\(field)': \(reason)")
    }

    // MARK: - Encoding

    static func encode(_ o: OptimizerState) -> JSONValue {
        .object([("kind", .string(o.kind)), ("lr", .double(o.lr)),
                 ("settings", .object(o.settings.map { ($0.name, .string($0.value)) })),
                 ("steps", .array(o.stepCounts.map { .int($0) }))])
    }

    static func encode(_ s: SchedulerState) -> JSONValue {
        var f: [(key: String, value: JSONValue)] = [("schedule", .string(s.description)), ("unit", .string(s.unit)), ("steps", .int(s.steps))]
        if let b = s.best { f.append(("best", .double(b))) }
        if let b = s.badEpochs { f.append(("bad_epochs", .int(b))) }
        if let c = s.cooldownLeft { f.append(("cooldown_left", .int(c))) }
        return .object(f)
    }

    static func encode(_ g: RandomGenerator) -> JSONValue {
        let s = g.state
        return .object([("state", .array([s.0, s.1, s.2, s.3].map { .uint64($0) })),
                        ("spare", g.spareNormal.map { .double($0) } ?? .null)])
    }

    static func encode(_ l: LoaderState) -> JSONValue {
        .object([("samples", .int(l.samples)), ("batch_size", .int(l.batchSize)), ("shuffle", .bool(l.shuffle)),
                 ("drop_last", .bool(l.dropLast)), ("seed", .uint64(l.seed)), ("epoch", .int(l.epoch))])
    }

    static func encode(_ h: History) -> JSONValue {
        func list(_ xs: [Double]) -> JSONValue { .array(xs.map { .double($0) }) }
        var fields: [(key: String, value: JSONValue)] = [
            ("train_loss", list(h.trainLoss)), ("val_loss", list(h.valLoss)), ("train_acc", list(h.trainAccuracy)),
            ("val_acc", list(h.valAccuracy)), ("lr", list(h.lr)), ("seconds", list(h.seconds)),
            ("best_epoch", h.bestEpoch.map { .int($0) } ?? .null), ("stopped_early", .bool(h.stoppedEarly))]
        if !h.tracked.isEmpty {  // fit(..., track:); absent otherwise, so older readers still read the file
            fields.append(("tracked", .object(h.tracked.map { (key: $0.name, value: list($0.values)) })))
        }
        let c = h.curvature
        if c.count > 0 {  // fit(..., watch: "curvature"); absent otherwise
            fields.append(("curvature", .object([("steps", .array(c.steps.map { .int($0) })), ("grad_norm", list(c.gradNorm)),
                                                 ("lambda_min", list(c.lambdaMin)), ("lambda_max", list(c.lambdaMax))])))
        }
        return .object(fields)
    }

    static func encode(_ e: EarlyStopping.Counters) -> JSONValue {
        .object([("patience", e.patience.map { .int($0) } ?? .null), ("restore_best", .bool(e.restoreBest)),
                 ("best", .double(e.best)), ("wait", .int(e.wait)), ("best_epoch", e.bestEpoch.map { .int($0) } ?? .null),
                 ("stopped", .bool(e.stopped))])
    }

    // MARK: - Decoding

    /// The object's fields, checking that it has exactly `required` and some of `optional`.
    private func object(_ v: JSONValue, _ field: String, required: [String], optional: [String] = []) throws(FileError) -> JSONValue {
        guard let fields = v.fields else { throw fail(field, "must be a JSON object, got \(v.kind)") }
        for k in required where v[k] == nil { throw fail(field, "has no field '\(k)'") }
        if let odd = fields.first(where: { !required.contains($0.key) && !optional.contains($0.key) }) {
            throw fail(field, "has an unknown field '\(odd.key)'")
        }
        return v
    }

    private func number(_ v: JSONValue?, _ field: String) throws(FileError) -> Double {
        guard let d = v?.double else { throw fail(field, "must be a number") }
        return d
    }

    /// The largest count a checkpoint may hold (2^53): counters that the
    /// run then increments can never overflow.
    static let maxCount = 1 << 53

    private func count(_ v: JSONValue?, _ field: String) throws(FileError) -> Int {
        guard let n = v?.int, n >= 0 else { throw fail(field, "must be a whole number >= 0") }
        guard n <= Self.maxCount else { throw fail(field, "is \(n), more than the 2^53 a checkpoint may count") }
        return n
    }

    private func optionalCount(_ v: JSONValue?, _ field: String) throws(FileError) -> Int? {
        if v == nil || v?.isNull == true { return nil }
        return try count(v, field)
    }

    private func bool(_ v: JSONValue?, _ field: String) throws(FileError) -> Bool {
        guard let b = v?.bool else { throw fail(field, "must be true or false") }
        return b
    }

    private func string(_ v: JSONValue?, _ field: String) throws(FileError) -> String {
        guard let s = v?.string else { throw fail(field, "must be a string") }
        return s
    }

    private func numbers(_ v: JSONValue?, _ field: String) throws(FileError) -> [Double] {
        guard let items = v?.array else { throw fail(field, "must be an array of numbers") }
        var out: [Double] = []
        for item in items {
            guard let d = item.double else { throw fail(field, "holds \(item.kind), not a number") }
            out.append(d)
        }
        return out
    }

    func optimizer(_ v: JSONValue, buffers: [(parameter: Int, name: String, tensor: Tensor)]) throws(FileError) -> OptimizerState {
        let o = try object(v, "optimizer", required: ["kind", "lr", "settings", "steps"])
        guard let settings = o["settings"]?.fields else { throw fail("optimizer.settings", "must be an object of strings") }
        var pairs: [(name: String, value: String)] = []
        for (k, s) in settings {
            guard let text = s.string else { throw fail("optimizer.settings.\(k)", "must be a string") }
            pairs.append((k, text))
        }
        guard let steps = o["steps"]?.array else { throw fail("optimizer.steps", "must be an array of step counts") }
        var counts: [Int] = []
        for s in steps { counts.append(try count(s, "optimizer.steps")) }
        return OptimizerState(kind: try string(o["kind"], "optimizer.kind"), lr: try number(o["lr"], "optimizer.lr"),
                              settings: pairs, stepCounts: counts, buffers: buffers)
    }

    func scheduler(_ v: JSONValue) throws(FileError) -> SchedulerState {
        let s = try object(v, "schedule", required: ["schedule", "unit", "steps"], optional: ["best", "bad_epochs", "cooldown_left"])
        return SchedulerState(description: try string(s["schedule"], "schedule.schedule"), unit: try string(s["unit"], "schedule.unit"),
                              steps: try count(s["steps"], "schedule.steps"),
                              best: try s["best"].map { v throws(FileError) in try number(v, "schedule.best") },
                              badEpochs: try optionalCount(s["bad_epochs"], "schedule.bad_epochs"),
                              cooldownLeft: try optionalCount(s["cooldown_left"], "schedule.cooldown_left"))
    }

    func generator(_ v: JSONValue, _ field: String) throws(FileError) -> RandomGenerator {
        let g = try object(v, field, required: ["state", "spare"])
        guard let words = g["state"]?.array, words.count == 4 else { throw fail("\(field).state", "must be 4 decimal strings (the 256-bit xoshiro state)") }
        var w: [UInt64] = []
        for x in words {
            guard let u = x.uint64 else { throw fail("\(field).state", "must be 4 decimal strings of 64-bit integers") }
            w.append(u)
        }
        let spare: Double? = g["spare"]?.isNull == true ? nil : try number(g["spare"], "\(field).spare")
        guard let r = RandomGenerator(state: (w[0], w[1], w[2], w[3]), spareNormal: spare) else {
            throw fail("\(field).state", "is all zeros, which no generator reaches")
        }
        return r
    }

    func loader(_ v: JSONValue) throws(FileError) -> LoaderState {
        let l = try object(v, "data", required: ["samples", "batch_size", "shuffle", "drop_last", "seed", "epoch"])
        guard let seed = l["seed"]?.uint64 else { throw fail("data.seed", "must be a decimal string of a 64-bit integer") }
        return LoaderState(samples: try count(l["samples"], "data.samples"), batchSize: try count(l["batch_size"], "data.batch_size"),
                           shuffle: try bool(l["shuffle"], "data.shuffle"), dropLast: try bool(l["drop_last"], "data.drop_last"),
                           seed: seed, epoch: try count(l["epoch"], "data.epoch"))
    }

    func history(_ v: JSONValue) throws(FileError) -> History {
        let h = try object(v, "history", required: ["train_loss", "val_loss", "train_acc", "val_acc", "lr", "seconds",
                                                    "best_epoch", "stopped_early"], optional: ["tracked", "curvature"])
        var out = History()
        out.trainLoss = try numbers(h["train_loss"], "history.train_loss")
        out.valLoss = try numbers(h["val_loss"], "history.val_loss")
        out.trainAccuracy = try numbers(h["train_acc"], "history.train_acc")
        out.valAccuracy = try numbers(h["val_acc"], "history.val_acc")
        out.lr = try numbers(h["lr"], "history.lr")
        out.seconds = try numbers(h["seconds"], "history.seconds")
        out.bestEpoch = try optionalCount(h["best_epoch"], "history.best_epoch")
        out.stoppedEarly = try bool(h["stopped_early"], "history.stopped_early")
        let n = out.trainLoss.count
        for (name, xs) in [("val_loss", out.valLoss), ("train_acc", out.trainAccuracy), ("val_acc", out.valAccuracy),
                           ("lr", out.lr), ("seconds", out.seconds)] where xs.count > n {
            throw fail("history.\(name)", "has \(xs.count) entries but train_loss has \(n) (one per epoch)")
        }
        if let t = h["tracked"] {
            guard let series = t.fields else { throw fail("history.tracked", "must be a JSON object, got \(t.kind)") }
            for (name, v) in series {
                let xs = try numbers(v, "history.tracked.\(name)")
                guard xs.count == n else {
                    throw fail("history.tracked.\(name)", "has \(xs.count) entries but train_loss has \(n) (one per epoch)")
                }
                out.tracked.append((name, xs))
            }
        }
        if let v = h["curvature"] {
            let c = try object(v, "history.curvature", required: ["steps", "grad_norm", "lambda_min", "lambda_max"])
            let steps = try numbers(c["steps"], "history.curvature.steps")
            var log = CurvatureLog()
            log.steps = try steps.map { (d: Double) throws(FileError) -> Int in
                guard let i = Int(exactly: d), i >= 0 else { throw fail("history.curvature.steps", "must hold step counts (whole numbers >= 0), got \(d)") }
                return i
            }
            log.gradNorm = try numbers(c["grad_norm"], "history.curvature.grad_norm")
            log.lambdaMin = try numbers(c["lambda_min"], "history.curvature.lambda_min")
            log.lambdaMax = try numbers(c["lambda_max"], "history.curvature.lambda_max")
            for (name, xs) in [("grad_norm", log.gradNorm), ("lambda_min", log.lambdaMin), ("lambda_max", log.lambdaMax)] where xs.count != steps.count {
                throw fail("history.curvature.\(name)", "has \(xs.count) entries but steps has \(steps.count) (one per estimate)")
            }
            out.curvature = log
        }
        return out
    }

    func earlyStopping(_ v: JSONValue) throws(FileError) -> EarlyStopping.Counters {
        let e = try object(v, "early_stopping", required: ["patience", "restore_best", "best", "wait", "best_epoch", "stopped"])
        return EarlyStopping.Counters(patience: try optionalCount(e["patience"], "early_stopping.patience"),
                                      restoreBest: try bool(e["restore_best"], "early_stopping.restore_best"),
                                      best: try number(e["best"], "early_stopping.best"),
                                      wait: try count(e["wait"], "early_stopping.wait"),
                                      bestEpoch: try optionalCount(e["best_epoch"], "early_stopping.best_epoch"),
                                      stopped: try bool(e["stopped"], "early_stopping.stopped"))
    }
}

extension JSONValue {
    /// True for `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
