import NNFiles
import NNLib
import NNTensor

/// The hand-off to PyTorch: `export_torch(model, "net.py")`.
extension Builtins {
    static let export: [Builtin] = [
        Builtin("export_torch", [.required("model"), .required("path"), .optional("class_name", .string("Net"))], area: "Files",
                summary: "Writes `path` (`net.py`), a PyTorch `nn.Module` with the model's layers and forward, and its weights beside it (`net.safetensors`, PyTorch's `state_dict` names); returns `{source, weights}`, the two paths.",
                discussion: "The Python file defines `class Net` (or `class_name`), built from the same layers in the same order, and `load(path=WEIGHTS, device=\"cpu\", train=False)`, which makes `Net()`, loads the weights with `safetensors.torch.load_file` and `load_state_dict(..., strict=True)` and sets eval mode; its docstring says how to use it. A top-level `Sequential` becomes a subclass of `nn.Sequential`, so the weights keep their names (`0.weight`, `1.running_mean`, ...); a single layer becomes a subclass of its PyTorch class. The layers that export:\n```\nLinear(in, out, bias:)           nn.Linear(in, out, bias=..., dtype=...)\nBatchNorm(C, eps:, momentum:)    nn.BatchNorm1d(C, eps=..., momentum=..., dtype=...)\nLayerNorm(shape, eps:, affine:)  nn.LayerNorm(shape, eps=..., elementwise_affine=..., dtype=...)\nDropout(p)                       nn.Dropout(p=...)\nReLU, Sigmoid, Tanh, GELU        nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.GELU() (exact)\nLeakyReLU(slope)                 nn.LeakyReLU(negative_slope=...)\nSoftmax(axis), LogSoftmax(axis)  nn.Softmax(dim=...), nn.LogSoftmax(dim=...)\nFlatten()                        nn.Flatten()\nConv2d(in, out, kernel, ...)     nn.Conv2d(in, out, (kh, kw), stride=..., padding=..., bias=..., dtype=...)\nMaxPool2d(kernel, stride:)       nn.MaxPool2d((kh, kw), stride=(sh, sw))\nAvgPool2d(kernel, stride:)       nn.AvgPool2d((kh, kw), stride=(sh, sw))\nBatchNorm2d(C, eps:, momentum:)  nn.BatchNorm2d(C, eps=..., momentum=..., dtype=...)\nSequential(...)                  nn.Sequential(...), nested as in nn\n```\nEach layer's dtype is written (`dtype=torch.float32` or `torch.float64`), so loading never converts the weights. A layer with weights used twice stays one module in PyTorch (its weights are shared there too). An nn function used as a layer (`Sequential(Linear(2, 3), f)`) is an error naming it: write it with layers. `num_batches_tracked` is an int64 buffer, stored as int64, PyTorch's dtype (nn's `load` reads it back as int64). The model and every layer are checked before anything is written; then the weights and the source are each written atomically. In eval mode the PyTorch model gives nn's outputs to float rounding; in training mode Dropout draws other masks. See docs/persistence.md, \"Export to PyTorch\"." + fileDoc) { a in
            guard case .object(let o as ModuleObject) = try a["model"] else {
                throw try a.bad("model", "model (a layer or a Sequential)")
            }
            let path = try a.path("path", .write)
            do {
                // The weights go beside the source, as NAME.safetensors: the gate judges that file too.
                try a.interpreter.checkFile(try TorchExport.weightsPath(for: path), .write, for: a.builtin.name)
                let written = try TorchExport.export(o.module, to: path, className: try a.string("class_name"))
                return .record([("source", .string(written.source)), ("weights", .string(written.weights))])
            } catch let e as FileError {
                throw a.error(e.description)
            } catch let e as TensorError {
                throw BuiltinError(e.message)
            }
        },
    ]
}
