import NNTensor
import NNFiles

/// One row of a model summary.
public struct SummaryRow: Sendable {
    /// The dotted name of the layer (`0`, `2.1`), empty for the whole model.
    public let name: String
    /// The layer's printed kind.
    public let layer: String
    /// The shape this layer's output has for the given input shape.
    public let outputShape: [Int]
    /// The number of parameter elements the layer owns (with its descendants).
    public let parameters: Int
}

extension Module {
    /// The layer-by-layer summary for an input of `inputShape` (batch
    /// dimension included): each layer's output shape and parameter count.
    ///
    /// Runs the model once on zeros, without recording a graph and in
    /// evaluation mode (so Dropout draws nothing and BatchNorm leaves its
    /// statistics alone), then restores every module's mode. `Sequential`
    /// models are listed layer by layer (nested ones too); any other module
    /// is one row.
    public func summaryRows(inputShape: [Int], dtype: DType? = nil) throws -> [SummaryRow] {
        let dt = dtype ?? parameters.first?.dtype ?? .float32
        let x = try Tensor.zeros(inputShape, dtype: dt)
        let modes = namedModules.map { ($0.module, $0.module.isTraining) }
        eval()
        defer { for (m, mode) in modes { m.isTraining = mode } }
        return try GradMode.noGrad {
            var rows: [SummaryRow] = []
            _ = try summarise(self, name: "", input: x, into: &rows)
            return rows
        }
    }

    private func summarise(_ m: Module, name: String, input: Tensor, into rows: inout [SummaryRow]) throws -> Tensor {
        if let seq = m as? Sequential {
            var h = input
            for (childName, child) in seq.children {
                h = try summarise(child, name: name.isEmpty ? childName : "\(name).\(childName)", input: h, into: &rows)
            }
            return h
        }
        let out: Tensor
        do {
            out = try m(input)
        } catch let e as TensorError {
            let at = name.isEmpty ? "" : " at layer \(name) (\(m.typeName))"
            throw TensorError(op: "summary", "the model fails on an input of shape \(input.shape)\(at): \(e.message)")
        }
        rows.append(SummaryRow(name: name, layer: m.typeName, outputShape: out.shape, parameters: m.parameterCount))
        return out
    }

    /// The summary as a printable table: layer, output shape, parameter
    /// count, and the totals.
    public func summary(inputShape: [Int], dtype: DType? = nil) throws -> String {
        let rows = try summaryRows(inputShape: inputShape, dtype: dtype)
        let header = ("Layer", "Output shape", "Params")
        let cells = rows.map { r in
            ((r.name.isEmpty ? "" : r.name + "  ") + Self.shortName(r.layer), "\(r.outputShape)", Self.grouped(r.parameters))
        }
        let w0 = max(header.0.count, cells.map(\.0.count).max() ?? 0)
        let w1 = max(header.1.count, cells.map(\.1.count).max() ?? 0)
        let w2 = max(header.2.count, cells.map(\.2.count).max() ?? 0)
        func line(_ a: String, _ b: String, _ c: String) -> String {
            PlainText.padded(a, to: w0) + "  " + PlainText.padded(b, to: w1)
                + "  " + String(repeating: " ", count: w2 - c.count) + c
        }
        let rule = String(repeating: "─", count: w0 + w1 + w2 + 4)
        var out = [line(header.0, header.1, header.2), rule] + cells.map { line($0.0, $0.1, $0.2) } + [rule]
        let total = parameterCount
        let trainable = parameters.filter(\.requiresGrad).reduce(0) { $0 + $1.count }
        out.append("Input shape \(inputShape); total parameters \(Self.grouped(total)) (trainable \(Self.grouped(trainable)))")
        return out.joined(separator: "\n")
    }

    /// `Linear(in_features=2, out_features=16, bias=True)` → `Linear(2 → 16)`; others unchanged.
    static func shortName(_ typeName: String) -> String {
        if typeName.hasPrefix("Linear("), let l = typeName.split(separator: "=").dropFirst().first,
           let r = typeName.split(separator: "=").dropFirst(2).first {
            let a = l.split(separator: ",").first ?? "", b = r.split(separator: ",").first ?? ""
            return "Linear(\(a) → \(b))" + (typeName.hasSuffix("bias=False)") ? " no bias" : "")
        }
        return typeName
    }

    /// `12345` → `12,345`.
    static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }
}
