/// The library builtins (layers, losses, optimizers, schedules, data,
/// training, Hessian tools, plots, files), in the order `help` and the docs list them.
extension Builtins {
    static var library: [Builtin] {
        layers + convLayers + losses + optimizers + schedules + data + training + inspection + lintBuiltins + hessianTools + plots + files + checkpoints + export
    }
}
