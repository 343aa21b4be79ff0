import NNLib
import NNTensor

/// A layer or model (`Linear`, `Sequential`, ...) as a script value.
///
/// Callable (`model(x)`), with PyTorch's methods and properties:
/// `parameters()`, `named_parameters()` (a record `{"0.weight": ..., ...}`
/// that also iterates as `(name, tensor)` pairs), `train()`, `eval()`,
/// `training`, `layers` (a Sequential's children), `summary(input_shape)`, and
/// each own parameter or buffer by name (`weight`, `bias`, `running_mean`).
final class ModuleObject: LibraryObject {
    let module: Module

    init(_ module: Module) { self.module = module }

    /// `model[i]`: a Sequential's `i`-th layer (negative from the end), the
    /// same layer object, so its parameters are the model's.
    func element(_ index: Value) throws -> Value? {
        guard let s = module as? Sequential else { return nil }
        return .object(ModuleObject(s.layers[try Access.position(index, count: s.layers.count, what: "Sequential")]))
    }

    /// `copy(model)`: a deep copy with its own parameters and buffers, in the same mode.
    func copied() throws -> (any ScriptObject)? {
        do { return ModuleObject(try module.deepCopy()) } catch let e as TensorError { throw BuiltinError(e.message) }
    }

    /// `len(model)`: a Sequential's number of layers.
    var length: Int? { (module as? Sequential)?.layers.count }

    /// The class name: `Linear`, `Sequential`, `BatchNorm`, ...
    var typeName: String {
        if module is Lambda { return "Lambda" }
        return String(describing: type(of: module))
    }

    /// PyTorch's printed form; containers add their parameter count.
    var description: String {
        var s = module.description
        if !module.children.isEmpty {
            s += "\n(\(Convert.grouped(module.parameterCount)) parameters)"
        }
        return s
    }

    /// The methods of every layer and model, declared once (see ``Method``).
    static let methods: [Method<ModuleObject>] = [
        Method("parameters", summary: "Every parameter of the model, in order.") { o, a in
            a.interpreter.libraryState.remember(parametersOf: o.module)
            return .list(o.module.parameters.map { .tensor($0) })
        },
        Method("named_parameters", summary: "The parameters by PyTorch name (`0.weight`), as a record.") { o, _ in
            .record(o.module.namedParameters.map { ($0.name, .tensor($0.tensor)) })
        },
        Method("buffers", summary: "The buffers (running statistics) by name, as a record.") { o, _ in
            .record(o.module.namedBuffers.map { ($0.name, .tensor($0.tensor)) })
        },
        Method("state_dict", summary: "Every parameter and buffer by PyTorch name (`0.weight` `[out, in]`, `1.running_mean`, `1.num_batches_tracked`), as a record of snapshots: later training does not change them.") { o, _ in
            Builtins.recordValue(o.module.stateDictionary())
        },
        Method("load_state_dict", [.required("state_dict"), .optional("strict", .bool(true))],
               summary: "Copies a record `name -> tensor` (from `state_dict()` or `load(path)`) into the model; returns `{missing_keys, unexpected_keys}`. Shapes and dtypes must match; with `strict: true` (the default) so must the names, and nothing is copied unless all do.") { o, a in
            let r = try a.record("state_dict")
            let named = try Builtins.namedTensors(r, a, what: "the state dict's", hint: ", not a tensor")
            let report: Module.LoadReport
            do {
                report = try o.module.loadStateDictionary(named, strict: try a.bool("strict"))
            } catch let e as TensorError {
                throw BuiltinError(e.description)
            }
            return .record([("missing_keys", .list(report.missing.map { .string($0) })),
                            ("unexpected_keys", .list(report.unexpected.map { .string($0) }))])
        },
        Method("train", [.optional("mode", .bool(true))],
               summary: "Sets training mode (Dropout drops, BatchNorm uses batch statistics); returns the model.") { o, a in
            o.module.train(try a.bool("mode"))
            return .object(o)
        },
        Method("eval", summary: "Sets evaluation mode (Dropout off, BatchNorm uses running statistics); returns the model.") { o, _ in
            o.module.eval()
            return .object(o)
        },
        Method("zero_grad", summary: "Clears the gradient of every parameter.") { o, _ in
            o.module.zeroGrad()
            return .nil
        },
    ]

    static let properties: [Property<ModuleObject>] = [
        Property("training", "True in training mode (set by `train()` and `eval()`).") { .bool($0.module.isTraining) },
        Property("parameter_count", "The number of parameter elements.") { .number(Double($0.module.parameterCount)) },
        Property("layers", "A Sequential's layers, as a list (the same layer objects).", when: { $0.module is Sequential }) { o in
            .list(((o.module as? Sequential)?.layers ?? []).map { .object(ModuleObject($0)) })
        },
        own("weight", "The layer's weight (Linear `[out, in]`; Conv2d `[out, in, kh, kw]`; BatchNorm, BatchNorm2d, LayerNorm per feature or channel)."),
        Property("bias", "The layer's bias (nil for `Linear(..., bias: false)` and `Conv2d(..., bias: false)`).",
                 when: { $0.module is Linear || $0.module is Conv2d || $0.own("bias") != nil }) { $0.own("bias").map { .tensor($0) } ?? .nil },
        own("running_mean", "BatchNorm's running mean (a buffer)."),
        own("running_var", "BatchNorm's running variance (a buffer)."),
        own("num_batches_tracked", "The number of training batches BatchNorm has seen (a buffer)."),
        Property("kernel_size", "A Conv2d's or pooling layer's window `[kh, kw]`.", when: { $0.window != nil }) { o in
            o.window.map { .list([.number(Double($0.kernel.0)), .number(Double($0.kernel.1))]) } ?? .nil
        },
        Property("stride", "A Conv2d's or pooling layer's stride `[sh, sw]`.", when: { $0.window != nil }) { o in
            o.window.map { .list([.number(Double($0.stride.0)), .number(Double($0.stride.1))]) } ?? .nil
        },
    ]

    static let members = Members<ModuleObject>(
        "Module", makers: ["Linear", "Sequential", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax", "LogSoftmax",
                           "Flatten", "Dropout", "BatchNorm", "LayerNorm", "Lambda",
                           "Conv2d", "MaxPool2d", "AvgPool2d", "BatchNorm2d"],
        summary: "A layer or model: call it on a batch (`model(x)`); `model[i]` and `len(model)` for a Sequential.",
        methods: methods, properties: properties, builtins: ["summary"])

    /// A property that is the layer's own parameter or buffer `name` (present on the layers that have one).
    private static func own(_ name: String, _ summary: String) -> Property<ModuleObject> {
        Property(name, summary, when: { $0.own(name) != nil }) { $0.own(name).map { .tensor($0) } ?? .nil }
    }

    /// The window of a Conv2d or pooling layer.
    var window: (kernel: (Int, Int), stride: (Int, Int))? {
        switch module {
        case let c as Conv2d: return (c.kernel, c.stride)
        case let p as MaxPool2d: return (p.kernel, p.stride)
        case let p as AvgPool2d: return (p.kernel, p.stride)
        default: return nil
        }
    }

    /// The layer's own parameter or buffer named `name` (not its children's).
    func own(_ name: String) -> Tensor? {
        (module.ownParameters.first { $0.name == name } ?? module.ownBuffers.first { $0.name == name })?.tensor
    }

    func call(_ arguments: Arguments, in interpreter: Interpreter) throws -> Value? {
        guard arguments.positional.count == 1, arguments.named.isEmpty else {
            throw BuiltinError("\(typeName): a model takes one input tensor, got \(arguments.positional.count + arguments.named.count) arguments")
        }
        let x = arguments.positional[0]
        guard case .tensor(let t) = x else {
            throw BuiltinError("\(typeName): expected an input tensor, got \(x.typeName)")
        }
        return .tensor(try module(t))
    }

    /// The input shape to summarise with: `[1, in]` for a model that starts
    /// with a Linear (or BatchNorm, LayerNorm) layer.
    /// The first layer of nested Sequentials (the model itself otherwise).
    var firstLayer: Module {
        var m: Module = module
        while let seq = m as? Sequential, let first = seq.layers.first { m = first }
        return m
    }

    var inferredInputShape: [Int]? {
        var m: Module = module
        while let seq = m as? Sequential, let first = seq.layers.first { m = first }
        if let l = m as? Linear { return [1, l.inFeatures] }
        if let b = m as? BatchNorm { return [2, b.features] }
        if let l = m as? LayerNorm { return [1] + l.normalizedShape }
        return nil
    }
}

/// Wraps nn functions as modules, so `Sequential(Linear(2, 4), fn(x) = x * 2)` works.
enum ModuleBridge {
    /// The module a value stands for: a layer object, or an nn function of one tensor.
    static func module(_ v: Value, _ interp: Interpreter, _ op: String, position: Int) throws -> Module {
        switch v {
        case .object(let o as ModuleObject): return o.module
        case .function, .builtin:
            let name = v.functionName
            return Lambda(name) { [weak interp] x in
                guard let interp else { throw BuiltinError("\(name): the interpreter is gone") }
                return try Builtins.asTensor(try interp.call(v, [.tensor(x)]), like: x, name)
            }
        default:
            throw BuiltinError("bad argument #\(position + 1) to '\(op)' (layer or function expected, got \(v.typeName))")
        }
    }

    /// A model argument as a Swift function of a batch, plus the module when it is one.
    static func model(_ v: Value, _ interp: Interpreter, _ op: String) throws -> (forward: (Tensor) throws -> Tensor, module: Module?) {
        switch v {
        case .object(let o as ModuleObject):
            let m = o.module
            return ({ try m($0) }, m)
        case .function, .builtin, .object:
            let name = v.functionName
            return ({ x in try Builtins.asTensor(try interp.call(v, [.tensor(x)]), like: x, name) }, nil)
        default:
            throw BuiltinError("\(op): the model must be a layer, a Sequential or a function, got \(v.typeName)")
        }
    }

    /// A loss argument (a builtin such as `cross_entropy` or an nn function of `(pred, target)`).
    static func loss(_ v: Value, _ interp: Interpreter, _ op: String) throws -> (Tensor, Tensor) throws -> Tensor {
        switch v {
        case .function, .builtin, .object:
            let name = v.functionName
            return { out, y in
                let r = try interp.call(v, [.tensor(out), .tensor(y)])
                guard case .tensor(let t) = r else {
                    throw BuiltinError("\(op): the loss \(name) must return a tensor, got \(r.typeName)")
                }
                return t
            }
        default:
            throw BuiltinError("\(op): loss must be a function such as cross_entropy or mse, got \(v.typeName)")
        }
    }
}
