import NNFiles
import NNTensor

/// A hand-off to PyTorch: a model as a Python source file defining an
/// `nn.Module` with the same layers and forward, and its weights as a
/// `.safetensors` file beside it, under PyTorch's `state_dict` names.
///
/// `export(model, to: "out/net.py")` writes
/// - `out/net.safetensors`: `model.stateDictionary()` (the same keys,
///   shapes and dtypes as `Net().state_dict()` in PyTorch, with
///   `num_batches_tracked` as `I64`, PyTorch's dtype), metadata
///   `{"format": "pt"}`;
/// - `out/net.py`: `class Net(nn.Sequential)` (or the top layer's class)
///   whose constructor builds the layers (see ``constructor(_:path:)``),
///   and `load(path=..., device="cpu", train=False)`, which builds `Net()`,
///   loads the weights strictly and sets eval mode.
///
/// Everything is checked before anything is written (an unsupported layer
/// is an error naming it); each file is written atomically, the weights
/// first.
public enum TorchExport {
    /// What `export` wrote.
    public struct Written: Sendable {
        public let source: String
        public let weights: String
    }

    /// Writes `model` as `path` (which must end in `.py`) and its weights beside it.
    @discardableResult
    public static func export(_ model: Module, to path: String, className: String = "Net") throws -> Written {
        let weightsPath = try self.weightsPath(for: path)
        let text = try source(model, className: className, weightsFile: try FilePath.split(weightsPath).name,
                              moduleName: pythonModuleName(try FilePath.split(path).name))
        // The gate for both paths first, so a refused source path (a link, a
        // FIFO, a folder) does not leave new weights behind.
        for p in [weightsPath, path] {
            try FilePath.validate(p, .write)
            _ = try FilePath.existing(p)
        }
        try TensorFiles.writeSafetensors(weights(model), to: weightsPath)
        try AtomicFile.write(text, to: path)
        return Written(source: path, weights: weightsPath)
    }

    /// `dir/net.py` → `dir/net.safetensors`; a path not ending in `.py` (any
    /// case) after a name is an error.
    public static func weightsPath(for path: String) throws -> String {
        let bytes = Array(path.utf8)
        let name = try FilePath.split(path).name
        let suffix = bytes.suffix(3).map { $0 | 0x20 }   // ASCII lower case
        guard suffix == Array(".py".utf8), name.utf8.count > 3 else {
            throw TensorError(op: "export_torch", "the file '\(FilePath.printable(path))' must be a Python file ending in .py (the weights go beside it, as NAME.safetensors)")
        }
        return String(decoding: bytes.dropLast(3), as: UTF8.self) + ".safetensors"
    }

    /// The weights as they are exported: the state dict (`num_batches_tracked`
    /// is an int64 buffer, stored as `I64` as PyTorch's).
    static func weights(_ model: Module) -> TensorArchive {
        TensorArchive(tensors: model.stateDictionary(), metadata: [("format", "pt")])
    }

    /// The Python source of `model` as class `className`, loading `weightsFile`
    /// from its own folder; `moduleName` (when the file's name is a Python
    /// identifier) is what the docstring imports.
    public static func source(_ model: Module, className: String = "Net", weightsFile: String,
                              moduleName: String? = nil) throws -> String {
        try checkIdentifier(className)
        let top = try constructor(model, path: "the model")
        var body: [String]
        var shared: [String] = []
        var names: [ObjectIdentifier: String] = [:]
        let counts = useCounts(model)
        var expressions: [String] = []
        for (i, child) in top.children.enumerated() {
            expressions.append(try expression(child, path: "\(i)", depth: 1, indent: "            ",
                                              counts: counts, names: &names, shared: &shared))
        }
        if top.className == "nn.Sequential" {
            body = ["        super().__init__("] + expressions.enumerated().map { "            \($0.element),  # \($0.offset)" } + ["        )"]
        } else {
            body = ["        super().__init__(" + top.arguments.joined(separator: ", ") + ")"]
        }
        body = shared + body
        let example = moduleName.map { "from \($0) import load" }
            ?? "# this file's name is no module name: import it with importlib.util.spec_from_file_location"
        let inputHint = inputShapeHint(model)
        var lines = [
            "\"\"\"A PyTorch model exported by nn (export_torch): the nn model's layers, in order,",
            "with the same forward; its weights are in \(docText(weightsFile)) beside this file,",
            "under PyTorch's state_dict names (safetensors.torch.load_file reads them).",
            "",
            "    \(example)",
            "    model = load()                 # \(className)() with the weights, in eval mode",
            "    y = model(x)                   # x: \(inputHint)",
            "",
            "or by hand:",
            "",
            "    from safetensors.torch import load_file",
            "    model = \(className)()",
            "    model.load_state_dict(load_file(\(docText(weightsFile, quoted: true))))",
            "    model.eval()",
            "",
            "Needs torch and safetensors (pip install torch safetensors).",
            "\"\"\"",
            "import os",
            "",
            "import torch",
            "from torch import nn",
            "",
            "WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), \(pythonString(weightsFile)))",
            "",
            "",
            "class \(className)(\(top.className)):",
            "    \"\"\"Exported from nn: \(summary(model)).\"\"\"",
            "",
            "    def __init__(self):",
        ]
        lines += body
        lines += [
            "",
            "",
            "def load(path=WEIGHTS, device=\"cpu\", train=False):",
            "    \"\"\"\(className)() with the weights of `path` (by default the file beside this one),",
            "    loaded strictly (every name and shape must match), on `device`, in eval mode",
            "    unless train=True.\"\"\"",
            "    from safetensors.torch import load_file",
            "    model = \(className)()",
            "    model.load_state_dict(load_file(path), strict=True)",
            "    return model.to(device).train(train)",
            "",
            "",
            "if __name__ == \"__main__\":",
            "    print(load())",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    /// The constructor expression of a layer inside a Sequential, nested
    /// Sequentials indented; a layer with state used more than once becomes
    /// one local (`shared_0`) passed at each place, as its weights are one.
    private static func expression(_ m: Module, path: String, depth: Int, indent: String,
                                   counts: [ObjectIdentifier: Int], names: inout [ObjectIdentifier: String],
                                   shared: inout [String]) throws -> String {
        guard depth <= maxDepth else {
            throw TensorError(op: "export_torch", "layer '\(path)' is nested more than \(maxDepth) Sequentials deep (is a Sequential inside itself?)")
        }
        let id = ObjectIdentifier(m)
        if let name = names[id] { return name }
        let c = try constructor(m, path: "layer '\(path)'")
        let isShared = counts[id, default: 0] > 1 && (!(m.ownParameters + m.ownBuffers).isEmpty || !m.children.isEmpty)
        let indent = isShared ? "        " : indent   // a shared layer is a local of __init__
        let text: String
        if c.className == "nn.Sequential" {
            let inner = indent + "    "
            var parts: [String] = []
            for (i, child) in c.children.enumerated() {
                parts.append(try expression(child, path: "\(path).\(i)", depth: depth + 1, indent: inner,
                                            counts: counts, names: &names, shared: &shared))
            }
            text = parts.isEmpty ? "nn.Sequential()"
                : "nn.Sequential(\n" + parts.map { inner + $0 + "," }.joined(separator: "\n") + "\n" + indent + ")"
        } else {
            text = c.className + "(" + c.arguments.joined(separator: ", ") + ")"
        }
        guard isShared else { return text }
        let name = "shared_\(shared.count)"
        names[id] = name
        shared.append("        \(name) = \(text)  # layer \(path), used more than once")
        return name
    }

    /// How many times each module appears as a child (the model once); the
    /// children of a module seen before are not counted again (they are
    /// written once, inside it), so a shared branch costs one visit.
    private static func useCounts(_ model: Module) -> [ObjectIdentifier: Int] {
        var counts: [ObjectIdentifier: Int] = [:]
        var stack: [Module] = [model]
        while let m = stack.popLast() {
            counts[ObjectIdentifier(m), default: 0] += 1
            if counts[ObjectIdentifier(m)] == 1 { stack += m.children.map(\.module) }
        }
        return counts
    }
}
