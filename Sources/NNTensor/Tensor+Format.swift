#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Printing a tensor as PyTorch does: the values, then the shape and dtype.
///
/// ```
/// tensor([[1., 2.],
///         [3., 4.]], shape=[2, 2], dtype=float32)
/// tensor(0.2500, dtype=float32)
/// tensor([1.0000e-08, 1.0000e+05], shape=[2], dtype=float32)
/// tensor([False,  True,  True], shape=[3], dtype=bool)
/// tensor([ 1, -2, 30], shape=[3], dtype=int64)
/// ```
///
/// The rules are `torch._tensor_str`'s with its default print options
/// (precision 4, threshold 1000, edge items 3, line width 80):
/// - one number format for the whole tensor, chosen from the nonzero
///   finite values shown: all integral → `1.`; otherwise fixed with 4
///   decimals; scientific (`1.0000e-08`) when `max/min > 1e3`, `max > 1e8`
///   or (not integral) `min < 1e-4`, on absolute values;
/// - int64 elements as plain integers (no decimal point, never
///   scientific), as PyTorch prints integer tensors;
/// - every value right-aligned to the widest of those values; `nan`,
///   `inf`, `-inf` as such;
/// - more than 1000 elements: only the first and last 3 items of each
///   axis, with `...` between;
/// - rows wrap at 80 columns; nested brackets are indented under their
///   parent; the shape, dtype and `grad_fn=<MulBackward>` (a recorded
///   result) or `requires_grad=true` (a leaf) follow, on a new line when
///   they would pass column 80.
extension Tensor: CustomStringConvertible {
    public var description: String { formatted() }

    /// Tensors of higher rank print as a summary: `tensor([...], shape=[1,
    /// 1, 1, ..., 1, 1, 1] (rank 50000), dtype=float32)`. Their values
    /// would nest one bracket per dimension (NumPy refuses more than 64
    /// dimensions outright); the summary keeps printing cheap and shallow.
    public static let maxPrintedRank = 32

    /// The printed form, with PyTorch's print options as parameters.
    public func formatted(precision: Int = 4, threshold: Int = 1000, edgeItems: Int = 3,
                          lineWidth: Int = 80) -> String {
        if rank > Tensor.maxPrintedRank { return summary }
        let p = TensorPrinter(tensor: self, precision: Swift.max(0, Swift.min(precision, 30)), threshold: threshold,
                              edgeItems: Swift.max(0, edgeItems), lineWidth: lineWidth)
        let prefix = "tensor("
        var suffixes: [String] = []
        if rank > 0 { suffixes.append("shape=\(fmt(shape))") }
        suffixes.append("dtype=\(dtype)")
        if let op = opName {
            suffixes.append("grad_fn=<\(op.prefix(1).uppercased() + op.dropFirst())Backward>")
        } else if requiresGrad {
            suffixes.append("requires_grad=true")
        }
        return p.addSuffixes(prefix + p.render(indent: prefix.count), suffixes, indent: prefix.count)
    }
}

extension Tensor {
    /// The values alone, each element as `element` writes it, right-aligned to
    /// the widest shown: `[[0.10, 2.50],\n [3.00, 4.00]]`; a scalar is its one
    /// element, bare (`0.25`). Nesting, wrapping at `lineWidth` and the `...`
    /// of a tensor over `threshold` elements are the printed form's.
    /// (`format(t, ".2f")` and `"{t:.2f}"` in nn.)
    public func formattedValues(threshold: Int = 1000, edgeItems: Int = 3, lineWidth: Int = 80,
                                element: @escaping @Sendable (Double) -> String) -> String {
        if rank > Tensor.maxPrintedRank { return summary }
        let p = TensorPrinter(tensor: self, precision: 0, threshold: threshold, edgeItems: Swift.max(0, edgeItems),
                              lineWidth: lineWidth, element: element)
        return p.render(indent: 0)
    }

    /// `tensor([...], shape=[1, 1, 1, ..., 1, 1, 1] (rank 50000), dtype=float32)`:
    /// the first and last three dimensions, the rank, the dtype and how the
    /// tensor was made, without its values.
    var summary: String {
        let dims = rank > 6 ? shape.prefix(3).map(String.init) + ["..."] + shape.suffix(3).map(String.init)
            : shape.map(String.init)
        var out = "tensor([...], shape=[" + dims.joined(separator: ", ") + "] (rank \(rank)), dtype=\(dtype)"
        if let op = opName {
            out += ", grad_fn=<\(op.prefix(1).uppercased() + op.dropFirst())Backward>"
        } else if requiresGrad {
            out += ", requires_grad=true"
        }
        return out + ")"
    }
}

/// The number format shared by all printed elements of one tensor.
struct ElementFormatter {
    var intMode = true
    var sciMode = false
    var maxWidth = 1
    let precision: Int
    /// Bool elements print as `True`/`False`, right-aligned (as PyTorch).
    var boolMode = false
    /// Int64 elements print as integers (`formatInteger`), right-aligned.
    var integerMode = false
    /// Elements as a caller writes them (a format spec), right-aligned to the widest shown.
    var custom: (@Sendable (Double) -> String)?

    /// The format of elements the caller writes.
    init(_ values: [Double], element: @escaping @Sendable (Double) -> String) {
        precision = 0
        custom = element
        for v in values { maxWidth = max(maxWidth, element(v).count) }
    }

    /// The format of a bool tensor's elements: as wide as the widest shown,
    /// as PyTorch's (`tensor([True])`, `tensor([ True, False])`).
    init(bools shown: [Bool], precision: Int) {
        self.precision = precision
        boolMode = true
        maxWidth = shown.contains(false) ? 5 : 4
    }

    /// The format of an int64 tensor's elements: plain integers, as wide as
    /// the widest shown.
    init(integers values: [Int64], precision: Int) {
        self.precision = precision
        integerMode = true
        for v in values { maxWidth = max(maxWidth, String(v).count) }
    }

    /// An int64 element, right-aligned to `maxWidth`.
    func formatInteger(_ v: Int64) -> String {
        let s = String(v)
        return s.count >= maxWidth ? s : String(repeating: " ", count: maxWidth - s.count) + s
    }

    /// Chooses the format from the values that will be shown.
    init(_ values: [Double], precision: Int) {
        self.precision = precision
        let finite = values.filter { $0.isFinite && $0 != 0 }
        guard !finite.isEmpty else { return }
        var lo = Double.infinity, hi = 0.0
        for v in finite {
            lo = min(lo, abs(v)); hi = max(hi, abs(v))
            if v != v.rounded(.up) { intMode = false }
        }
        if intMode {
            sciMode = hi / lo > 1000 || hi > 1e8
        } else {
            sciMode = hi / lo > 1000 || hi > 1e8 || lo < 1e-4
        }
        for v in finite {
            let w = sciMode ? Self.c("%.\(precision)e", v).count
                : intMode ? Self.c("%.0f", v).count + 1
                : Self.c("%.\(precision)f", v).count
            maxWidth = max(maxWidth, w)
        }
    }

    /// `v` in the chosen format, right-aligned to `maxWidth`.
    func format(_ v: Double) -> String {
        let s: String
        if let custom { s = custom(v) }
        else if boolMode { s = v != 0 ? "True" : "False" }
        else if v.isNaN { s = "nan" }
        else if v.isInfinite { s = v < 0 ? "-inf" : "inf" }
        else if sciMode { s = Self.c("%.\(precision)e", v) }
        else if intMode { s = Self.c("%.0f", v) + "." }
        else { s = Self.c("%.\(precision)f", v) }
        return s.count >= maxWidth ? s : String(repeating: " ", count: maxWidth - s.count) + s
    }

    /// C's `printf` conversion of one double (correctly rounded, as Python's `format`).
    static func c(_ format: String, _ v: Double) -> String {
        var cap = 64
        while true {
            var buf = [CChar](repeating: 0, count: cap)
            let n = withVaList([v]) { args in
                buf.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, cap, format, args) }
            }
            if n < 0 { return "\(v)" }
            if Int(n) < cap {
                return String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            cap = Int(n) + 1
        }
    }
}

/// Renders the bracketed values of one tensor.
struct TensorPrinter {
    let tensor: Tensor
    let precision: Int
    let summarize: Bool
    let edgeItems: Int
    let lineWidth: Int
    let strides: [Int]
    var formatter: ElementFormatter

    init(tensor: Tensor, precision: Int, threshold: Int, edgeItems: Int, lineWidth: Int,
         element: (@Sendable (Double) -> String)? = nil) {
        self.tensor = tensor
        self.precision = precision
        self.summarize = tensor.count > threshold
        self.edgeItems = edgeItems
        self.lineWidth = lineWidth
        self.strides = Shape.strides(tensor.shape)
        self.formatter = ElementFormatter([], precision: precision)
        var offsets: [Int] = []
        collect(dim: 0, offset: 0, into: &offsets)
        if case .bool(let a) = tensor.storage, element == nil {
            formatter = ElementFormatter(bools: offsets.map { a[$0] }, precision: precision)
            return
        }
        if case .int64(let a) = tensor.storage, element == nil {
            formatter = ElementFormatter(integers: offsets.map { a[$0] }, precision: precision)
            return
        }
        let shown = offsets.map { tensor.storage.double(at: $0) }
        formatter = if let element { ElementFormatter(shown, element: element) }
            else { ElementFormatter(shown, precision: precision) }
    }

    /// The indices shown along an axis of length `n`, and whether a `...` gap follows the first part.
    func shownIndices(_ n: Int) -> (head: Range<Int>, tail: Range<Int>?) {
        if summarize && n > 2 * edgeItems { return (0..<edgeItems, (n - edgeItems)..<n) }
        return (0..<n, nil)
    }

    /// Gathers the offsets of the values that will be printed (what the
    /// format is chosen from).
    func collect(dim: Int, offset: Int, into out: inout [Int]) {
        if tensor.rank == 0 { out.append(0); return }
        let (head, tail) = shownIndices(tensor.shape[dim])
        for i in Array(head) + Array(tail ?? 0..<0) {
            let o = offset + i * strides[dim]
            if dim == tensor.rank - 1 { out.append(o) }
            else { collect(dim: dim + 1, offset: o, into: &out) }
        }
    }

    /// Element `o` in the chosen format (an int64 exactly, as an integer).
    func text(at o: Int) -> String {
        if formatter.integerMode, case .int64(let a) = tensor.storage { return formatter.formatInteger(a[o]) }
        return formatter.format(tensor.storage.double(at: o))
    }

    /// The values in brackets; `indent` is the column of the opening bracket.
    func render(indent: Int) -> String {
        if tensor.rank == 0 { return text(at: 0) }
        if tensor.count == 0 { return "[]" }
        return render(dim: 0, offset: 0, indent: indent)
    }

    func render(dim: Int, offset: Int, indent: Int) -> String {
        let (head, tail) = shownIndices(tensor.shape[dim])
        if dim == tensor.rank - 1 {
            var items = head.map { text(at: offset + $0) }
            if let tail {
                items.append(" ...")
                items += tail.map { text(at: offset + $0) }
            }
            let perLine = max(1, (lineWidth - indent) / (formatter.maxWidth + 2))
            var lines: [String] = []
            var start = 0
            while start < items.count {
                lines.append(items[start..<min(start + perLine, items.count)].joined(separator: ", "))
                start += perLine
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        var slices = head.map { render(dim: dim + 1, offset: offset + $0 * strides[dim], indent: indent + 1) }
        if let tail {
            slices.append("...")
            slices += tail.map { render(dim: dim + 1, offset: offset + $0 * strides[dim], indent: indent + 1) }
        }
        let newlines = String(repeating: "\n", count: tensor.rank - dim - 1)
        return "[" + slices.joined(separator: "," + newlines + String(repeating: " ", count: indent + 1)) + "]"
    }

    /// Appends `, suffix` for each suffix, starting a new line (indented to
    /// `indent`) when the current line would pass the line width; then `)`.
    func addSuffixes(_ body: String, _ suffixes: [String], indent: Int) -> String {
        var out = body
        let lastLine = body.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
        var lastLen = lastLine.count + 2  // torch's `len(s) - s.rfind("\n") + 1`
        for s in suffixes {
            if lastLen + s.count + 2 > lineWidth {
                out += ",\n" + String(repeating: " ", count: indent) + s
                lastLen = indent + s.count
            } else {
                out += ", " + s
                lastLen += s.count + 2
            }
        }
        return out + ")"
    }
}
