import NNTensor

/// Each nn layer as the PyTorch constructor that computes the same function
/// with the same parameter names and layouts.
///
/// | nn | PyTorch |
/// |---|---|
/// | `Linear(in, out, bias:)` | `nn.Linear(in, out, bias=..., dtype=...)` |
/// | `BatchNorm(C, eps:, momentum:)` | `nn.BatchNorm1d(C, eps=..., momentum=..., dtype=...)` |
/// | `Conv2d(in, out, kernel, stride:, padding:, bias:)` | `nn.Conv2d(in, out, (kh, kw), stride=(sh, sw), padding=(ph, pw), bias=..., dtype=...)` |
/// | `MaxPool2d(kernel, stride:)`, `AvgPool2d(kernel, stride:)` | `nn.MaxPool2d((kh, kw), stride=(sh, sw))`, `nn.AvgPool2d(...)` |
/// | `BatchNorm2d(C, eps:, momentum:)` | `nn.BatchNorm2d(C, eps=..., momentum=..., dtype=...)` |
/// | `LayerNorm(shape, eps:, affine:)` | `nn.LayerNorm(shape, eps=..., elementwise_affine=..., dtype=...)` |
/// | `Dropout(p)` | `nn.Dropout(p=...)` |
/// | `ReLU()`, `Sigmoid()`, `Tanh()`, `GELU()`, `Flatten()` | the same names (`GELU` exact, `Flatten` from axis 1) |
/// | `LeakyReLU(slope)` | `nn.LeakyReLU(negative_slope=...)` |
/// | `Softmax(axis)`, `LogSoftmax(axis)` | `nn.Softmax(dim=...)`, `nn.LogSoftmax(dim=...)` |
/// | `Sequential(...)` | `nn.Sequential(...)` (children `0`, `1`, ...) |
///
/// Anything else (an nn function wrapped as a layer, a host's own module)
/// has no PyTorch equivalent that nn can vouch for, and is an error.
extension TorchExport {
    /// The nn layers that export, as the error and the docs list them.
    public static let exportableLayers = [
        "Sequential", "Linear", "BatchNorm", "LayerNorm", "Dropout", "ReLU", "LeakyReLU",
        "Sigmoid", "Tanh", "GELU", "Softmax", "LogSoftmax", "Flatten", "Conv2d", "MaxPool2d", "AvgPool2d", "BatchNorm2d",
    ]

    /// The deepest nesting of Sequentials exported (deeper is surely a mistake,
    /// and a Sequential inside itself would never end).
    static let maxDepth = 64

    /// A layer's constructor: the PyTorch class (`nn.Linear`) and its arguments, in source form.
    struct Constructor {
        let className: String
        let arguments: [String]
        /// The children of a Sequential, as their own constructors.
        let children: [Module]
    }

    /// The PyTorch constructor of `module`, named `path` in errors (`"2"`, `"1.0"`, or the model).
    static func constructor(_ module: Module, path: String) throws -> Constructor {
        func make(_ name: String, _ args: [String] = []) -> Constructor {
            Constructor(className: "nn." + name, arguments: args, children: [])
        }
        switch module {
        case let m as Sequential:
            return Constructor(className: "nn.Sequential", arguments: [], children: m.layers)
        case let m as Linear:
            var args = ["\(m.inFeatures)", "\(m.outFeatures)"]
            if m.bias == nil { args.append("bias=False") }
            return make("Linear", args + [dtype(m.weight.dtype)])
        case let m as BatchNorm:
            return make("BatchNorm1d", ["\(m.features)", "eps=\(number(m.eps))", "momentum=\(number(m.momentum))",
                                        dtype(m.weight.dtype)])
        case let m as Conv2d:
            var args = ["\(m.inChannels)", "\(m.outChannels)", tuple(m.kernel), "stride=\(tuple(m.stride))",
                        "padding=\(tuple(m.padding))"]
            if m.bias == nil { args.append("bias=False") }
            return make("Conv2d", args + [dtype(m.weight.dtype)])
        case let m as MaxPool2d: return make("MaxPool2d", [tuple(m.kernel), "stride=\(tuple(m.stride))"])
        case let m as AvgPool2d: return make("AvgPool2d", [tuple(m.kernel), "stride=\(tuple(m.stride))"])
        case let m as BatchNorm2d:
            return make("BatchNorm2d", ["\(m.channels)", "eps=\(number(m.eps))", "momentum=\(number(m.momentum))",
                                        dtype(m.weight.dtype)])
        case let m as LayerNorm:
            let shape = "(" + m.normalizedShape.map(String.init).joined(separator: ", ") + (m.normalizedShape.count == 1 ? ",)" : ")")
            var args = [shape, "eps=\(number(m.eps))"]
            if let w = m.weight { args.append(dtype(w.dtype)) } else { args.append("elementwise_affine=False") }
            return make("LayerNorm", args)
        case let m as Dropout: return make("Dropout", ["p=\(number(m.p))"])
        case is ReLU: return make("ReLU")
        case let m as LeakyReLU: return make("LeakyReLU", ["negative_slope=\(number(m.slope))"])
        case is Sigmoid: return make("Sigmoid")
        case is Tanh: return make("Tanh")
        case is GELU: return make("GELU")
        case let m as Softmax: return make("Softmax", ["dim=\(m.axis)"])
        case let m as LogSoftmax: return make("LogSoftmax", ["dim=\(m.axis)"])
        case is Flatten: return make("Flatten")
        default:
            let what: String
            if let l = module as? Lambda {
                what = "the function '\(l.name)' used as a layer"
            } else {
                what = "a \(String(describing: type(of: module))) layer"
            }
            let hint = module is Lambda
                ? " (write it with layers, e.g. ReLU() instead of the function relu)" : ""
            throw TensorError(op: "export_torch", "\(path) is \(what), which has no PyTorch equivalent\(hint); the layers that export are \(exportableLayers.joined(separator: ", "))")
        }
    }

    /// `dtype=torch.float32`: always written, so a changed default dtype in
    /// the Python session cannot convert the weights silently on loading.
    static func dtype(_ d: DType) -> String {
        switch d {
        case .float32: "dtype=torch.float32"
        case .float64: "dtype=torch.float64"
        case .bool: "dtype=torch.bool"
        case .int64: "dtype=torch.int64"
        }
    }

    /// A pair as a Python tuple: `(3, 3)`.
    static func tuple(_ p: (Int, Int)) -> String { "(\(p.0), \(p.1))" }

    /// A finite Double as a Python literal that reads back to the same value
    /// (Swift's shortest round-trip form: `0.1`, `1e-05`, `1.0`).
    static func number(_ d: Double) -> String { "\(d)" }
}
