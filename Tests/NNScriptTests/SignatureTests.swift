import Foundation
import NNScript
import Testing

/// `help`'s signature is the truth: a parameter shown as `name: nil` (or
/// with any default) can be omitted. Each builtin is called with only its
/// required parameters and the conditional ones (`[y]`) its form needs,
/// so every default is exercised; a builtin with a `nil` default and no
/// call here fails the coverage test.
@Suite("Signatures")
struct SignatureTests {
    /// A call: positional arguments, then named ones (each for a required or conditional parameter).
    struct Call: CustomTestStringConvertible, Sendable {
        let name: String
        let positional: [String]
        let named: [(String, String)]
        init(_ name: String, _ positional: String..., named: [(String, String)] = []) {
            self.name = name
            self.positional = positional
            self.named = named
        }
        var source: String {
            "\(name)(" + (positional + named.map { "\($0.0): \($0.1)" }).joined(separator: ", ") + ")"
        }
        var testDescription: String { source }
    }

    /// Names the calls use.
    static let setup = """
    let X = tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [2.0, 1.0], [1.0, 2.0], [0.5, 0.5], [2.0, 2.0],
                    [0.1, 0.9], [0.9, 0.1]])
    let y = tensor([0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    let model = Sequential(Linear(2, 3), Tanh(), Linear(3, 2))
    let opt = SGD(model, lr: 0.1)
    let f = fn(w) = sum(w ** 2) + w[0] * w[1]
    let w0 = tensor([1.0, 2.0], dtype: "float64")
    """

    static let calls: [Call] = [
        Call("assert", "true"), Call("round", "2.5"), Call("any", "tensor([true, false])"), Call("all", "tensor([true, false])"), Call("range", "3"), Call("help"), Call("pop", "[1, 2]"), Call("sorted", "[2, 1]"),
        Call("clamp", "tensor([1.0, -1.0])", named: [("min", "0")]), Call("clamp", "3", named: [("max", "2")]), Call("tensor", "[1, 2]"), Call("zeros", "[2]"), Call("ones", "[2]"),
        Call("full", "[2]", "3"), Call("eye", "2"), Call("arange", "3"), Call("linspace", "0", "1"), Call("randn", "[2]"),
        Call("rand", "[2]"), Call("randint", "0", "3", "[2]"), Call("squeeze", "zeros([1, 2])"), Call("sum", "tensor([1, 2])"),
        Call("mean", "tensor([1, 2])"), Call("max", "tensor([1, 2])"), Call("min", "tensor([1, 2])"),
        Call("argmax", "tensor([1, 2])"), Call("argmin", "tensor([1, 2])"), Call("var", "tensor([1, 2])"),
        Call("std", "tensor([1, 2])"), Call("norm", "tensor([1, 2])"), Call("logsumexp", "tensor([1, 2])"),
        Call("backward", "sum(param(tensor([1.0, 2.0])) ** 2)"), Call("grad", "f"), Call("Linear", "2", "1"), Call("Dropout"),
        Call("BatchNorm", "2"), Call("LayerNorm", "2"), Call("summary", "model"),
        Call("Conv2d", "1", "2", "3"), Call("MaxPool2d", "2"), Call("AvgPool2d", "2"), Call("BatchNorm2d", "2"),
        Call("conv2d", "ones([1, 1, 3, 3])", "ones([2, 1, 2, 2])"), Call("max_pool2d", "ones([1, 1, 2, 2])", "2"), Call("avg_pool2d", "ones([1, 1, 2, 2])", "2"), Call("one_hot", "tensor([0, 1])", "2"),
        Call("confusion_matrix", "tensor([[1.0, 0.0], [0.0, 1.0]])", "tensor([0, 1])"),
        Call("Constant", "opt"), Call("StepDecay", "opt", "2"), Call("MultiStep", "opt", "[2, 4]"), Call("Exponential", "opt", "0.9"),
        Call("CosineDecay", "opt", "10"), Call("LinearDecay", "opt", "10"), Call("Warmup", "opt", "5"),
        Call("Transformer", "opt", "16", "4"), Call("LambdaLR", "opt", "fn(t) = 1"),
        Call("read_csv", "csv_path"),
        Call("split", "X", "y", "[0.5, 0.5]"), Call("split", "(X, y)", named: [("ratios", "[0.5, 0.5]")]), Call("split", "\"a b\""),
        Call("kfold", "X", "y"), Call("kfold", "(X, y)"), Call("DataLoader", "X", "y"), Call("DataLoader", "(X, y)"),
        Call("moons", "8"), Call("spirals", "8"), Call("blobs", "8"), Call("linear_data", "8"), Call("polynomial_data", "8"),
        Call("fit", "model", "cross_entropy", named: [("data", "(X, y)")]),
        Call("explain", "Adam(model)"), Call("lint", "model", "cross_entropy"),
        Call("evaluate", "model", "X", "y", "cross_entropy"), Call("evaluate", "model", "(X, y)", named: [("loss", "cross_entropy")]),
        Call("cross_validate", "fn() = Sequential(Linear(2, 2))", "X", "y", "cross_entropy"),
        Call("hessian", "f", "w0"), Call("hessian", "model", named: [("loss", "cross_entropy"), ("data", "(X, y)")]),
        Call("hvp", "f", "w0", "w0"), Call("hvp", "model", named: [("v", "ones([17])"), ("loss", "cross_entropy"), ("data", "(X, y)")]),
        Call("critical_point", "f", "w0"), Call("critical_point", "model", named: [("loss", "cross_entropy"), ("data", "(X, y)")]),
        Call("escape_saddle", "fn(w) = w[0] * w[1]", "zeros([2], dtype: \"float64\")"), Call("taylor_check", "f", "w0"), Call("top_eigenvalues", "f", "w0"),
        Call("hessian_trace", "f", "w0"), Call("spectral_density", "f", "w0"), Call("minimum_ratio", "f", "w0"),
        Call("find_critical_point", "f", "w0"),
        Call("plot", "[1, 2, 3]"), Call("hist", "[1, 2, 3]"), Call("surface", "fn(x, y) = x * y"),
        Call("write_csv", "csv_path + \".out.csv\"", "ones([2, 2])"),
        Call("save_checkpoint", "csv_path + \".ckpt\""),
        Call("load_checkpoint", "(() => { save_checkpoint(csv_path + \".ckpt\"); csv_path + \".ckpt\" })()"),
        Call("save", "{w: ones([2])}", "csv_path + \".safetensors\""),
    ]

    /// Runs `source` after the setup; the error message, or nil.
    static func run(_ source: String) -> String? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nn-sig-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("t.csv").path
        try? "a,b\n1,2\n3,4\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let nn = Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }, filePolicy: .unrestricted))
        do {
            try nn.run(source: "let csv_path = \(String(reflecting: csv))\n" + setup + "\n" + source, name: "sig.nn")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("a minimal call works", arguments: calls)
    func minimalCallWorks(_ call: Call) throws {
        let b = try #require(Registry()[call.name], "no builtin \(call.name)")
        // Only required and conditional parameters are given, so every default is omitted.
        for (i, _) in call.positional.enumerated() {
            try #require(i < b.parameters.count)
            let p = b.parameters[i]
            #expect(p.defaultValue == nil && !p.isVariadic || p.isVariadic && i == 0,
                    "\(call.source) gives '\(p.name)', which has a default, by position")
        }
        for (label, _) in call.named {
            let p = try #require(b.parameters.first { $0.name == label })
            #expect(p.defaultValue == nil, "\(call.source) gives '\(label)', which has a default")
        }
        let error = Self.run(call.source)
        #expect(error == nil, "\(b.signature): \(call.source) failed: \(error ?? "")")
    }

    @Test func everyBuiltinWithANilDefaultHasAMinimalCall() {
        let called = Set(Self.calls.map(\.name))
        for b in Registry().all where b.parameters.contains(where: { $0.defaultValue.map { "\($0)" } == "nil" }) {
            #expect(called.contains(b.name), "\(b.signature) shows a nil default but no call here omits it")
        }
    }

    @Test func conditionalParametersSayWhenTheyAreNeeded() {
        for b in Registry().all {
            for p in b.parameters where p.condition != nil {
                #expect(p.defaultValue == nil && !(p.condition ?? "").isEmpty, "\(b.name): [\(p.name)]")
                #expect(b.signature.contains("[\(p.name)]"))
            }
        }
    }

    @Test("omitting a conditional parameter in the form that needs it names the condition", arguments: [
        ("DataLoader(X)", "DataLoader: missing argument 'y' (needed when X is a tensor; omit it when X is a Dataset or an (X, y) pair)"),
        ("split(X, ratios: [0.5, 0.5])", "split: missing argument 'y' (needed when x is a tensor; omit it when x is a Dataset or an (X, y) pair)"),
        ("evaluate(model, X, loss: cross_entropy)", "evaluate: missing argument 'y' (needed when X is a tensor; omit it when X is a Dataset or an (X, y) pair)"),
        ("split((X, y))", "split: missing argument 'ratios' (needed when splitting data, not a string: for example [0.8, 0.2])"),
        ("evaluate(model, X, y)", "evaluate: missing argument 'loss'"),
        ("hessian(model, loss: cross_entropy)", "hessian: missing argument 'data' (needed when f is a model: the samples (X, y) the loss is taken over)"),
        ("hvp(f, w0)", "hvp: missing argument 'v'"),
        ("clamp(3)", "clamp: missing argument 'min' (needed when max is omitted; give min:, max: or both)"),
    ])
    func conditionalOmitted(_ source: String, _ message: String) {
        let error = Self.run(source) ?? ""
        #expect(error.contains(message), "\(source): \(error)")
    }
}
