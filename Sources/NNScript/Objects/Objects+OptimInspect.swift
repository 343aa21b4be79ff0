import NNLib
import NNTensor

/// A model held weakly, so remembering where parameters came from keeps no model alive.
final class WeakModule {
    weak var module: Module?
    init(_ module: Module) { self.module = module }
}

extension LibraryState {
    /// Remembers that `model.parameters()` was asked for (the newest last,
    /// at most 16 models, the freed ones dropped).
    func remember(parametersOf module: Module) {
        parameterSources.removeAll { $0.module == nil || $0.module === module }
        parameterSources.append(WeakModule(module))
        if parameterSources.count > 16 { parameterSources.removeFirst(parameterSources.count - 16) }
    }
}

/// The state_dict names (`0.weight`) of an optimizer's parameters.
///
/// An optimizer made from a model (`Adam(model)`) takes the model's names;
/// one made from `model.parameters()` takes the names of the newest model
/// whose `parameters()` were asked for and that holds every parameter of
/// the optimizer. An optimizer over loose tensors (`SGD([W, b], ...)`) has
/// no names: `opt.state(W)` then takes the tensor itself.
enum ParameterNames {
    static func of(_ params: [Tensor], given: Value, _ interp: Interpreter) -> [String]? {
        if case .object(let o as ModuleObject) = given, let names = names(params, in: o.module) { return names }
        for source in interp.libraryState.parameterSources.reversed() {
            if let m = source.module, let names = names(params, in: m) { return names }
        }
        return nil
    }

    /// The name of each of `params` in `module`, or nil unless the module holds them all.
    private static func names(_ params: [Tensor], in module: Module) -> [String]? {
        var byTensor: [ObjectIdentifier: String] = [:]
        for (name, t) in module.namedParameters where byTensor[ObjectIdentifier(t)] == nil {
            byTensor[ObjectIdentifier(t)] = name
        }
        let names = params.compactMap { byTensor[ObjectIdentifier($0)] }
        return names.count == params.count ? names : nil
    }
}

extension OptimizerObject {
    /// `opt.state(p)`.
    static let stateMethod = Method<OptimizerObject>(
        "state", [.required("p")],
        summary: "The state of parameter `p` (the tensor, or its name such as \"0.weight\") after its last step, as a record: `step`, PyTorch's buffers and the textbook's names (`exp_avg`/`m`, `exp_avg_sq`/`v`, `sum`, `momentum_buffer`, ...), `sigma` (the σ the last step divided by), `effective_lr` (η/σ) and `lr` (η); an error before the parameter's first step (docs/optimizers.md)."
    ) { o, a in
        let i = try o.parameterIndex(try a["p"], op: "\(o.optimizer.name).state")
        guard o.optimizer.stepCounts[i] > 0 else {
            throw BuiltinError("\(o.optimizer.name).state: \(o.label(i)) has taken no step yet, so it has no state (PyTorch's is empty too); step it first: loss.backward(), then opt.step()")
        }
        let s: ParameterInspection
        do { s = try o.optimizer.inspect(i) } catch let e as TensorError { throw BuiltinError(e.description) }
        return o.record(s)
    }

    /// `"0.weight"` or `parameter 2` (when the optimizer has no names).
    func label(_ i: Int) -> String {
        if let names, i < names.count { return "'\(names[i])'" }
        return "parameter \(i)"
    }

    /// The short name of parameter `i` for tables: `0.weight` or `#2`.
    func shortLabel(_ i: Int) -> String {
        if let names, i < names.count { return names[i] }
        return "#\(i)"
    }

    /// The index of the parameter `v` names: one of the optimizer's tensors
    /// (by identity) or a state_dict name.
    func parameterIndex(_ v: Value, op: String) throws -> Int {
        let params = optimizer.parameters
        switch v {
        case .tensor(let t):
            if let i = params.firstIndex(where: { $0 === t }) { return i }
            throw BuiltinError("\(op): that tensor is not one of the \(params.count) parameters this optimizer updates; pass one of opt.parameters\(names.map { " or a name such as \(Value.quote($0.first ?? ""))" } ?? "")")
        case .string(let s):
            guard let names else {
                throw BuiltinError("\(op): this optimizer does not know its parameters' names (it was made from a list of tensors, not from a model or model.parameters()); pass the tensor itself, e.g. opt.state(opt.parameters[0])")
            }
            if let i = names.firstIndex(of: s) { return i }
            throw BuiltinError("\(op): no parameter named \(Value.quote(s)); this optimizer updates \(names.map { Value.quote($0) }.joined(separator: ", "))" +
                               Suggest.didYouMean(s, among: names))
        default:
            throw BuiltinError("\(op): p must be a parameter tensor or its name (such as \"0.weight\"), got \(v.typeName)")
        }
    }

    /// The state as a record: PyTorch's names, the textbook's aliases, σ and η/σ.
    func record(_ s: ParameterInspection) -> Value {
        var fields: [(String, Value)] = [("step", .number(Double(s.step))), ("lr", .number(s.lr))]
        for b in s.buffers { fields.append((b.name, .tensor(b.tensor))) }
        func buffer(_ n: String) -> Tensor? { s.buffers.first { $0.name == n }?.tensor }
        switch optimizer {
        case let adam as Adam:
            if let m = buffer("exp_avg"), let v = buffer("exp_avg_sq") {
                fields.append(("m", .tensor(m)))
                fields.append(("v", .tensor(v)))
                if let (bc1, bc2) = s.biasCorrections {
                    let second = adam.amsgrad ? buffer("max_exp_avg_sq") ?? v : v
                    if let mHat = try? m / bc1, let vHat = try? second / bc2 {
                        fields.append(("m_hat", .tensor(mHat)))
                        fields.append(("v_hat", .tensor(vHat)))
                    }
                }
            }
        case is RMSProp:
            if let v = buffer("square_avg") { fields.append(("v", .tensor(v))) }
        default:
            break
        }
        fields.append(("sigma", .tensor(s.sigma)))
        fields.append(("effective_lr", .tensor(s.effectiveLR)))
        return .record(fields)
    }
}
