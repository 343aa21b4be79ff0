import NNTensor

/// A layer or a model built of layers, as `torch.nn.Module`.
///
/// A module maps a tensor to a tensor (`forward`, or call it: `model(x)`),
/// owns parameters (leaf tensors that require grad, updated in place by an
/// optimizer) and buffers (state such as BatchNorm's running statistics),
/// and may contain child modules. Names follow PyTorch, so saved weights
/// interoperate: a child's parameter is `<child name>.<parameter name>`
/// (`0.weight`, `2.bias`, `encoder.1.running_mean`).
///
/// Subclasses override `forward`, `ownParameters`, `ownBuffers`,
/// `children` and `description` as needed.
open class Module: CustomStringConvertible {
    /// True in training mode (the default): Dropout drops and BatchNorm
    /// uses batch statistics. Set with `train()` and `eval()`.
    public internal(set) var isTraining = true

    public init() {}

    /// This module's own parameters, without its children's, with their names.
    open var ownParameters: [(name: String, tensor: Tensor)] { [] }

    /// This module's own buffers (state that is saved but not trained).
    open var ownBuffers: [(name: String, tensor: Tensor)] { [] }

    /// The direct child modules with their names, in order.
    open var children: [(name: String, module: Module)] { [] }

    /// The computation; subclasses must override it.
    open func forward(_ x: Tensor) throws -> Tensor {
        throw TensorError(op: typeName, "this module does not implement forward")
    }

    /// The module's kind and settings, as PyTorch prints it: `Linear(in_features=2, out_features=16, bias=True)`.
    open var typeName: String { String(describing: type(of: self)) }

    /// Applies the module: `model(x)` is `model.forward(x)`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try forward(x)
    }

    /// Every parameter of this module and its descendants, named with
    /// dotted paths, each tensor once (a layer used twice is listed once,
    /// under its first name), as `named_parameters()`.
    public var namedParameters: [(name: String, tensor: Tensor)] {
        var seen = Set<ObjectIdentifier>()
        return collect(\.ownParameters).filter { seen.insert(ObjectIdentifier($0.tensor)).inserted }
    }

    /// Every parameter, in `namedParameters` order, as `parameters()`.
    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// Every buffer of this module and its descendants, named with dotted paths.
    public var namedBuffers: [(name: String, tensor: Tensor)] {
        var seen = Set<ObjectIdentifier>()
        return collect(\.ownBuffers).filter { seen.insert(ObjectIdentifier($0.tensor)).inserted }
    }

    /// Parameters and buffers together, as `state_dict()` names them.
    public var stateDict: [(name: String, tensor: Tensor)] { namedParameters + namedBuffers }

    /// The total number of parameter elements.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    private func collect(_ own: KeyPath<Module, [(name: String, tensor: Tensor)]>) -> [(name: String, tensor: Tensor)] {
        var out = self[keyPath: own]
        for (name, child) in children {
            out += child.collect(own).map { ("\(name).\($0.name)", $0.tensor) }
        }
        return out
    }

    /// Every module in the tree, this one first, depth first, with dotted names ("" for this one).
    public var namedModules: [(name: String, module: Module)] {
        var out: [(name: String, module: Module)] = [("", self)]
        for (name, child) in children {
            out += child.namedModules.map { ($0.name.isEmpty ? name : "\(name).\($0.name)", $0.module) }
        }
        return out
    }

    /// Sets training mode on this module and all its descendants.
    public func train(_ mode: Bool = true) {
        for (_, m) in namedModules { m.isTraining = mode }
    }

    /// Sets evaluation mode (Dropout off, BatchNorm uses running statistics), recursively.
    public func eval() { train(false) }

    /// A new module of the same kind made through `copier`, which copies
    /// each tensor and child module once (see ``ModuleCopier``); the copier
    /// sets the training mode. Subclasses override it; the default throws,
    /// so a module that does not know how to copy itself is an error naming
    /// its type, never an alias.
    open func copy(with copier: ModuleCopier) throws -> Module {
        throw TensorError(op: "copy", "a \(String(describing: type(of: self))) module cannot be copied")
    }

    /// Sets every parameter's gradient to nil.
    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }

    /// PyTorch's printed form: the type name, then children indented.
    public var description: String {
        let kids = children
        guard !kids.isEmpty else { return typeName }
        var s = typeName.hasSuffix("()") ? String(typeName.dropLast()) : typeName + "("
        s += "\n"
        for (name, child) in kids {
            let inner = child.description.split(separator: "\n", omittingEmptySubsequences: false)
                .enumerated().map { $0.offset == 0 ? String($0.element) : "  " + $0.element }.joined(separator: "\n")
            s += "  (\(name)): \(inner)\n"
        }
        return s + ")"
    }
}

/// Layers applied in order, as `torch.nn.Sequential`; children are named
/// `0`, `1`, ... so parameters are `0.weight`, `0.bias`, `2.weight`, ...
public final class Sequential: Module {
    public private(set) var layers: [Module]

    public init(_ layers: [Module]) {
        self.layers = layers
    }

    public convenience init(_ layers: Module...) {
        self.init(layers)
    }

    /// Adds a layer at the end.
    public func append(_ layer: Module) { layers.append(layer) }

    /// Drops every layer (tests that build a Sequential containing itself
    /// break the cycle with it, so the test frees what it made).
    func removeAllLayers() { layers.removeAll() }

    override public var children: [(name: String, module: Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    override public var typeName: String { "Sequential()" }

    override public func copy(with copier: ModuleCopier) throws -> Module {
        Sequential(try layers.map { try copier.module($0) })
    }

    override public func forward(_ x: Tensor) throws -> Tensor {
        var h = x
        for layer in layers { h = try layer(h) }
        return h
    }
}

/// A module from a function, for parameter-free steps that have no layer
/// of their own (and for an embedding language's user functions).
public final class Lambda: Module {
    public let name: String
    private let body: (Tensor) throws -> Tensor

    public init(_ name: String = "Lambda", _ body: @escaping (Tensor) throws -> Tensor) {
        self.name = name
        self.body = body
    }

    override public var typeName: String { "\(name)()" }
    override public func forward(_ x: Tensor) throws -> Tensor { try body(x) }
    /// The same function: it holds no parameters of the module.
    override public func copy(with copier: ModuleCopier) throws -> Module { Lambda(name, body) }
}

/// Where a parameter list can come from: tensors, modules, and (nested)
/// lists of them; what an embedding language's `parameters(x)` walks.
public indirect enum ParameterSource {
    case tensor(Tensor)
    case module(Module)
    case list([ParameterSource])
}

/// Every parameter inside `sources` (tensors that require grad, and every
/// module's parameters), in order, each once. Tensors that do not require
/// grad (data, constants) are not parameters and are left out.
public func collectParameters(_ sources: [ParameterSource]) -> [Tensor] {
    var out: [Tensor] = []
    var seen = Set<ObjectIdentifier>()
    func walk(_ s: ParameterSource) {
        switch s {
        case .tensor(let t):
            if t.requiresGrad && t.isLeaf && seen.insert(ObjectIdentifier(t)).inserted { out.append(t) }
        case .module(let m):
            for p in m.parameters where seen.insert(ObjectIdentifier(p)).inserted { out.append(p) }
        case .list(let items):
            items.forEach(walk)
        }
    }
    sources.forEach(walk)
    return out
}

/// A new trainable parameter holding `t`'s values: a leaf, cut off from any
/// graph, that requires grad (what `param(t)` means in nn).
public func param(_ t: Tensor) -> Tensor {
    t.clone().requiringGrad()
}
