import NNTensor

/// Makes deep copies of modules, as `copy.deepcopy` does for a
/// `torch.nn.Module`: every parameter and buffer (BatchNorm's running
/// statistics included) becomes a new tensor with the same values, dtype
/// and `requiresGrad`, and every child module a new module in the same
/// training mode, so an optimizer or a training step on the original never
/// moves the copy.
///
/// Sharing inside the copied tree is kept: a tensor or layer that appears
/// twice in the original (tied weights, a layer used twice in a
/// `Sequential`) appears twice in the copy as one new object. Gradients are
/// not copied (the copy starts with none), nor is a Dropout's generator (the
/// copy draws from the same stream as the original).
public final class ModuleCopier {
    /// Originals (kept alive, so their identities stay unique) and their copies.
    private var tensors: [ObjectIdentifier: (original: Tensor, copy: Tensor)] = [:]
    private var modules: [ObjectIdentifier: (original: Module, copy: Module)] = [:]

    public init() {}

    /// The copy of `t`: a new leaf with the same elements and `requiresGrad`
    /// (made once per original tensor).
    public func tensor(_ t: Tensor) -> Tensor {
        let key = ObjectIdentifier(t)
        if let done = tensors[key] { return done.copy }
        let c = t.clone().requiringGrad(t.requiresGrad)
        tensors[key] = (t, c)
        return c
    }

    /// The copy of `m` (made once per original module), in `m`'s training mode.
    public func module(_ m: Module) throws -> Module {
        let key = ObjectIdentifier(m)
        if let done = modules[key] { return done.copy }
        let c = try m.copy(with: self)
        c.isTraining = m.isTraining
        modules[key] = (m, c)
        return c
    }
}

extension Module {
    /// A deep copy with its own parameters and buffers, in the same mode
    /// (see ``ModuleCopier``); throws for a module that cannot be copied.
    public func deepCopy() throws -> Module {
        try ModuleCopier().module(self)
    }
}
