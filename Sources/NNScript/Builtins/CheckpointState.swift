import NNFiles
import NNLib
import NNTensor

/// The parts of a training run that a checkpoint saves and restores: the
/// model (a module, or a function model's parameters), the optimizer, the
/// schedule, the data loader, and always the interpreter's generator and
/// every Dropout's generator in the model.
///
/// Restoring is all or nothing: every part is checked against the
/// checkpoint first (names, shapes, dtypes, kinds, hyperparameters), and
/// only then is anything changed.
struct TrainingParts {
    /// What the model is.
    enum Model {
        case module(Module)
        case parameters([Tensor])

        var weights: ModelWeights {
            switch self {
            case .module(let m): .module(m)
            case .parameters(let ps): .parameters(ps)
            }
        }

        /// Every Dropout's generator, by the checkpoint's name (`dropout.<module name>`).
        var dropouts: [(name: String, source: RandomSource)] {
            guard case .module(let m) = self else { return [] }
            return m.namedModules.compactMap { name, module in
                guard let d = module as? Dropout else { return nil }
                return (name.isEmpty ? "dropout" : "dropout.\(name)", d.rng)
            }
        }
    }

    let interpreter: Interpreter
    var model: Model?
    var optimizer: Optimizer?
    var schedule: ScheduleObject?
    var loader: DataLoader?

    /// The checkpoint of these parts now, at `epoch`.
    func checkpoint(epoch: Int, op: String) throws -> Checkpoint {
        var c = Checkpoint(epoch: epoch)
        switch model {
        case .module(let m)?:
            c.modelKind = .module
            c.model = m.stateDictionary()
        case .parameters(let ps)?:
            c.modelKind = .parameters
            c.model = Model.parameters(ps).weights.snapshot()
        case nil: break
        }
        c.optimizer = optimizer?.exportState()
        if let schedule {
            try checkBound(schedule, op: op)
            c.scheduler = schedule.exportState()
        }
        c.loader = loader?.exportState()
        c.generators = [("interpreter", interpreter.rng)]
        var seen = Set<String>()
        for (name, source) in model?.dropouts ?? [] where seen.insert(name).inserted {
            c.generators.append((name, source.generator))
        }
        return c
    }

    /// A bound schedule belongs with its optimizer: both or neither.
    func checkBound(_ s: ScheduleObject, op: String) throws {
        guard let so = s.optimizer else { return }
        guard let optimizer else {
            throw BuiltinError("\(op): the schedule is bound to an optimizer (it sets its lr); give that optimizer as opt: too")
        }
        guard so === optimizer else { throw BuiltinError("\(op): the schedule is bound to a different optimizer than opt") }
    }

    /// Checks `c` against every part and returns the change that restores
    /// them all (it cannot fail once returned: the model's load checks
    /// everything before copying). With `strict`, each part the checkpoint
    /// holds (model, optimizer, schedule, data) must be given; a part given
    /// that the checkpoint lacks is always an error.
    func prepareRestore(_ c: Checkpoint, file: String, op: String, strict: Bool) throws -> () throws -> Void {
        func fail(_ m: String) -> BuiltinError { BuiltinError("\(op): \(m)") }
        func wrap<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch let e as TensorError { throw BuiltinError(e.message) }
        }
        let shown = "'\(FilePath.printable(file))'"
        func check(_ given: Bool, _ saved: Bool, _ part: String, _ argument: String) throws {
            if given && !saved { throw fail("\(shown) holds no \(part), so \(argument): cannot be restored from it") }
            if strict && saved && !given {
                throw fail("\(shown) holds \(part == "data loader position" ? "a" : "the") \(part); give \(argument): to restore it (or strict: false to leave it out)")
            }
        }
        try check(model != nil, c.modelKind != nil, "model", "model")
        try check(optimizer != nil, c.optimizer != nil, "optimizer state", "opt")
        try check(schedule != nil, c.scheduler != nil, "schedule", "schedule")
        try check(loader != nil, c.loader != nil, "data loader position", "data")
        var changes: [() -> Void] = []
        if let optimizer, let saved = c.optimizer {
            changes.append(try wrap { try optimizer.prepareRestore(saved, op: op, key: { "opt.state.\($0).\($1)" }) })
        }
        if let schedule, let saved = c.scheduler {
            try checkBound(schedule, op: op)
            changes.append(try wrap { try schedule.prepareRestore(saved, op: op) })
        }
        if let loader, let saved = c.loader {
            changes.append(try wrap { try loader.prepareRestore(saved, op: op) })
        }
        var generators = Dictionary(c.generators.map { ($0.name, $0.generator) }, uniquingKeysWith: { a, _ in a })
        if let rng = generators.removeValue(forKey: "interpreter") {
            changes.append { [interpreter] in interpreter.rng = rng }
        }
        var loadModel: () throws -> Void = {}
        if let model, let kind = c.modelKind {
            loadModel = try prepareModel(model, kind, c.model, shown: shown, op: op)
            let dropouts = model.dropouts
            for (name, source) in dropouts {
                guard let g = generators[name] else {
                    throw fail("the model has a Dropout at '\(name.dropFirst("dropout.".count))' but \(shown) holds no generator for it (it was saved from a different model)")
                }
                changes.append { source.generator = g }
            }
            let own = Set(dropouts.map(\.name))
            if let odd = generators.keys.sorted().first(where: { !own.contains($0) }) {
                throw fail("\(shown) holds the generator of a Dropout at '\(odd.dropFirst("dropout.".count))', which the model does not have (it was saved from a different model)")
            }
        }
        return {
            try loadModel()
            for change in changes { change() }
        }
    }

    /// Checks the model part and returns its load (the module's own load
    /// checks every name, shape and dtype before copying anything).
    private func prepareModel(_ model: Model, _ kind: Checkpoint.ModelKind, _ saved: [(name: String, tensor: Tensor)],
                              shown: String, op: String) throws -> () throws -> Void {
        switch (model, kind) {
        case (.module(let m), .module):
            return {
                do { try m.loadStateDictionary(saved, strict: true) } catch let e as TensorError {
                    let detail = e.message.replacing("load_state_dict: ", with: "")
                        .replacing("in the state dict", with: "in the checkpoint")
                        .replacing("from the state dict", with: "from the checkpoint")
                        .replacing(" (pass strict: false to load the names that match)", with: "")
                    throw BuiltinError("\(op): the model does not match \(shown): " + detail)
                }
            }
        case (.parameters(let ps), .parameters):
            guard saved.count == ps.count else {
                throw BuiltinError("\(op): \(shown) holds \(Signature.count(saved.count, "parameter")) but the model has \(ps.count)")
            }
            for (i, (s, p)) in zip(saved, ps).enumerated() {
                guard s.name == "\(i)" else { throw BuiltinError("\(op): \(shown) names parameter \(i) 'model.\(s.name)'; expected 'model.\(i)'") }
                guard s.tensor.shape == p.shape else {
                    throw BuiltinError("\(op): parameter \(i) has shape \(TensorBridge.fmtShape(s.tensor.shape)) in \(shown) but \(TensorBridge.fmtShape(p.shape)) in the model")
                }
                guard s.tensor.dtype == p.dtype else {
                    throw BuiltinError("\(op): parameter \(i) is \(s.tensor.dtype) in \(shown) but \(p.dtype) in the model")
                }
            }
            return { try model.weights.restore(saved) }
        case (.module, .parameters):
            throw BuiltinError("\(op): \(shown) holds a function model's parameters, but model: is a layer; give the list of parameters")
        case (.parameters, .module):
            throw BuiltinError("\(op): \(shown) holds a model's state_dict, but model: is a list of parameters; give the model")
        }
    }
}

extension ScheduleObject {
    /// The position a checkpoint keeps: the bound scheduler's, or the unbound step count.
    func exportState() -> SchedulerState? {
        if let s = scheduler { return s.exportSchedulerState() }
        return SchedulerState(description: schedule?.description ?? kind, unit: "none", steps: count)
    }

    /// Checks `saved` and returns the change that restores the position.
    func prepareRestore(_ saved: SchedulerState, op: String) throws -> () -> Void {
        if let s = scheduler { return try s.prepareSchedulerRestore(saved, op: op) }
        guard let own = exportState() else { throw TensorError(op: op, "this schedule cannot be restored") }
        try own.checkSameSchedule(as: saved, op: op)
        let steps = saved.steps
        return { [self] in count = steps }
    }
}
