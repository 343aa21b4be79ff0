import NNFiles
import NNTensor

/// Everything a training run needs to continue bit for bit, in one
/// safetensors file: the model's weights, the optimizer's state, the
/// schedule's position, the random generators, the data loader's position,
/// the epoch, the history, the early-stopping rule's state and a user record.
///
/// The file is an ordinary `.safetensors` file (any safetensors reader opens
/// it); the tensors go under prefixed names and everything else, as JSON
/// text, in the header's `__metadata__` (whose values must be strings):
/// ```
/// tensors:  model.<state_dict name>        (a module)  or  model.<i> (a function model's parameters)
///           opt.state.<i>.<buffer>          (exp_avg, exp_avg_sq, momentum_buffer, sum, ...)
///           best.<name>                     (restore_best's kept weights)
///           extra.<n>                       (tensors of the user record)
/// metadata: format "nn.checkpoint", version "1", epoch "<n>",
///           model, optimizer, schedule, rng, data, history, early_stopping, extra  (JSON)
/// ```
/// See docs/persistence.md for every field. Reading checks every name,
/// field and value and never executes anything.
public struct Checkpoint {
    /// What `model.*` holds.
    public enum ModelKind: String, Sendable {
        /// A module's `state_dict` entries.
        case module
        /// A function model's parameters, named `0`, `1`, ...
        case parameters
    }

    /// The epochs completed.
    public var epoch: Int
    /// What the model tensors are (nil: no model saved).
    public var modelKind: ModelKind?
    /// The model's tensors, without the `model.` prefix.
    public var model: [(name: String, tensor: Tensor)]
    public var optimizer: OptimizerState?
    public var scheduler: SchedulerState?
    /// Random generators by role: `interpreter`, `dropout <module name>`, ...
    public var generators: [(name: String, generator: RandomGenerator)]
    public var loader: LoaderState?
    public var history: History?
    public var earlyStopping: EarlyStopping.Counters?
    /// restore_best's kept weights, without the `best.` prefix.
    public var bestWeights: [(name: String, tensor: Tensor)]?
    /// The user record as JSON text (its encoding belongs to the caller).
    public var extra: String?
    /// The user record's tensors, without the `extra.` prefix.
    public var extraTensors: [(name: String, tensor: Tensor)]

    public init(epoch: Int = 0, modelKind: ModelKind? = nil, model: [(name: String, tensor: Tensor)] = [],
                optimizer: OptimizerState? = nil, scheduler: SchedulerState? = nil,
                generators: [(name: String, generator: RandomGenerator)] = [], loader: LoaderState? = nil,
                history: History? = nil, earlyStopping: EarlyStopping.Counters? = nil,
                bestWeights: [(name: String, tensor: Tensor)]? = nil, extra: String? = nil,
                extraTensors: [(name: String, tensor: Tensor)] = []) {
        self.epoch = epoch
        self.modelKind = modelKind
        self.model = model
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.generators = generators
        self.loader = loader
        self.history = history
        self.earlyStopping = earlyStopping
        self.bestWeights = bestWeights
        self.extra = extra
        self.extraTensors = extraTensors
    }

    /// The value of `__metadata__.format`.
    public static let format = "nn.checkpoint"
    /// The layout version this nn writes and reads.
    public static let version = 1
}

extension TensorFiles {
    /// Writes `checkpoint` as one `.safetensors` file, atomically (the old
    /// file stays whole until the new one is complete).
    public static func writeCheckpoint(_ checkpoint: Checkpoint, to path: String) throws(FileError) {
        try writeSafetensors(checkpoint.archive(), to: path)
    }

    /// Reads a checkpoint written by ``writeCheckpoint(_:to:)``, checking
    /// the container (as any safetensors file) and then every name and
    /// metadata field.
    public static func readCheckpoint(_ path: String) throws(FileError) -> Checkpoint {
        try Checkpoint(archive: try readSafetensors(path), path: path)
    }
}

extension Checkpoint {
    /// The safetensors archive: prefixed tensors and the JSON metadata.
    func archive() -> TensorArchive {
        var tensors: [(name: String, tensor: Tensor)] = model.map { ("model." + $0.name, $0.tensor) }
        var metadata: [(key: String, value: String)] = [("format", Checkpoint.format), ("version", "\(Checkpoint.version)"),
                                                        ("epoch", "\(epoch)")]
        if let modelKind { metadata.append(("model", JSONValue.object([("kind", .string(modelKind.rawValue))]).text)) }
        if let optimizer {
            metadata.append(("optimizer", CheckpointJSON.encode(optimizer).text))
            tensors += optimizer.buffers.map { ("opt.state.\($0.parameter).\($0.name)", $0.tensor) }
        }
        if let scheduler { metadata.append(("schedule", CheckpointJSON.encode(scheduler).text)) }
        if !generators.isEmpty {
            metadata.append(("rng", JSONValue.object(generators.map { ($0.name, CheckpointJSON.encode($0.generator)) }).text))
        }
        if let loader { metadata.append(("data", CheckpointJSON.encode(loader).text)) }
        if let history { metadata.append(("history", CheckpointJSON.encode(history).text)) }
        if let earlyStopping { metadata.append(("early_stopping", CheckpointJSON.encode(earlyStopping).text)) }
        if let bestWeights { tensors += bestWeights.map { ("best." + $0.name, $0.tensor) } }
        if let extra { metadata.append(("extra", extra)) }
        tensors += extraTensors.map { ("extra." + $0.name, $0.tensor) }
        return TensorArchive(tensors: tensors, metadata: metadata)
    }

    /// Decodes and checks an archive read from `path`.
    init(archive: TensorArchive, path: String) throws(FileError) {
        func fail(_ reason: String) -> FileError { FileError(.read, path, reason) }
        let meta = Dictionary(archive.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        guard meta["format"] == Checkpoint.format else {
            throw fail("it is not an nn checkpoint (its '__metadata__.format' is not \"\(Checkpoint.format)\"); a file of weights loads with load(path)")
        }
        guard meta["version"] == "\(Checkpoint.version)" else {
            throw fail("'__metadata__.version' is \(meta["version"].map { "\"\($0)\"" } ?? "missing"); this nn reads checkpoints of version \(Checkpoint.version) (a newer nn wrote it?)")
        }
        let known = ["format", "version", "epoch", "model", "optimizer", "schedule", "rng", "data", "history", "early_stopping", "extra"]
        if let unknown = archive.metadata.first(where: { !known.contains($0.key) }) {
            throw fail("'__metadata__.\(unknown.key)' is not a field of an nn checkpoint (a newer nn wrote it?)")
        }
        guard let epochText = meta["epoch"], let epoch = Int(epochText), epoch >= 0, epoch <= CheckpointJSON.maxCount else {
            throw fail("'__metadata__.epoch' must be a whole number from 0 to 2^53, got \(meta["epoch"].map { "\"\($0)\"" } ?? "nothing")")
        }
        let json = CheckpointJSON(path: path)
        func parsed(_ key: String) throws(FileError) -> JSONValue? {
            guard let text = meta[key] else { return nil }
            do { return try JSONValue.parse(text) } catch { throw fail("'__metadata__.\(key)': \(error)") }
        }
        var modelKind: ModelKind?
        if let m = try parsed("model") {
            guard let k = m["kind"]?.string, let kind = ModelKind(rawValue: k), m.fields?.count == 1 else {
                throw fail("'__metadata__.model' must be {\"kind\": \"module\"} or {\"kind\": \"parameters\"}")
            }
            modelKind = kind
        }
        var model: [(name: String, tensor: Tensor)] = [], best: [(name: String, tensor: Tensor)] = []
        var extraTensors: [(name: String, tensor: Tensor)] = [], buffers: [(parameter: Int, name: String, tensor: Tensor)] = []
        var hasBest = false
        for (name, t) in archive.tensors {
            if let rest = name.dropPrefix("model.") {
                model.append((rest, t))
            } else if let rest = name.dropPrefix("opt.state.") {
                let parts = rest.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2, let i = Int(parts[0]), i >= 0, i <= CheckpointJSON.maxCount, !parts[1].isEmpty else {
                    throw fail("tensor '\(name)': an optimizer buffer is named opt.state.<parameter index>.<buffer>")
                }
                buffers.append((i, parts[1], t))
            } else if let rest = name.dropPrefix("best.") {
                best.append((rest, t))
                hasBest = true
            } else if let rest = name.dropPrefix("extra.") {
                extraTensors.append((rest, t))
            } else {
                throw fail("tensor '\(name)' is not part of an nn checkpoint (its names start with model., opt.state., best. or extra.)")
            }
        }
        if !model.isEmpty && modelKind == nil { throw fail("it has model tensors but no '__metadata__.model'") }
        var optimizer: OptimizerState?
        if let o = try parsed("optimizer") {
            optimizer = try json.optimizer(o, buffers: buffers)
        } else if let b = buffers.first {
            throw fail("tensor 'opt.state.\(b.parameter).\(b.name)' is an optimizer buffer, but there is no '__metadata__.optimizer'")
        }
        var generators: [(name: String, generator: RandomGenerator)] = []
        if let r = try parsed("rng") {
            guard let fields = r.fields else { throw fail("'__metadata__.rng' must be an object of generators") }
            for (name, g) in fields { generators.append((name, try json.generator(g, "rng.\(name)"))) }
        }
        self.init(epoch: epoch, modelKind: modelKind, model: model, optimizer: optimizer,
                  scheduler: try parsed("schedule").map { v throws(FileError) in try json.scheduler(v) },
                  generators: generators,
                  loader: try parsed("data").map { v throws(FileError) in try json.loader(v) },
                  history: try parsed("history").map { v throws(FileError) in try json.history(v) },
                  earlyStopping: try parsed("early_stopping").map { v throws(FileError) in try json.earlyStopping(v) },
                  bestWeights: hasBest ? best : nil, extra: meta["extra"], extraTensors: extraTensors)
    }
}

extension String {
    /// The rest after `prefix`, or nil when the string does not start with it.
    func dropPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
