import NNTensor

/// Where each parameter sits in the one flat vector the Hessian tools work on.
///
/// The flat vector concatenates every parameter flattened row-major, in the
/// order given, so parameter `i` occupies `entries[i].range`:
///
/// ```
/// θ = [ vec(p₀) | vec(p₁) | … ]        P = Σ pᵢ.count
/// H[r, c] = ∂²L / ∂θ[r] ∂θ[c]         block of pᵢ: H[rangeᵢ, rangeᵢ]
/// ```
///
/// Names are the caller's (a model's `0.weight`, `0.bias`, …); unnamed
/// parameters are called `p0`, `p1`, ….
public struct ParameterLayout: Sendable, Equatable {
    /// One parameter: its name, shape and index range in the flat vector.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let range: Range<Int>
    }

    /// The parameters in flat order.
    public let entries: [Entry]
    /// The length `P` of the flat vector.
    public let count: Int

    /// The layout of parameters of the given shapes and names (`p0`, `p1`, …
    /// when `names` is nil). Names must be unique.
    public init(shapes: [[Int]], names: [String]? = nil) throws {
        if let names, names.count != shapes.count {
            throw TensorError(op: "hessian", "\(names.count) names given for \(shapes.count) parameters")
        }
        var entries: [Entry] = []
        var seen = Set<String>()
        var start = 0
        for (i, shape) in shapes.enumerated() {
            let name = names?[i] ?? "p\(i)"
            guard seen.insert(name).inserted else {
                throw TensorError(op: "hessian", "the parameter name '\(name)' appears twice")
            }
            let n = try Shape.count(shape, op: "hessian")
            let (end, overflow) = start.addingReportingOverflow(n)
            guard !overflow else { throw TensorError(op: "hessian", "the parameters are too many to flatten") }
            entries.append(Entry(name: name, shape: shape, range: start..<end))
            start = end
        }
        self.entries = entries
        self.count = start
    }

    /// The layout of `parameters` (their shapes), named by `names`.
    public init(_ parameters: [Tensor], names: [String]? = nil) throws {
        try self.init(shapes: parameters.map(\.shape), names: names)
    }

    /// The names in flat order.
    public var names: [String] { entries.map(\.name) }

    /// The entry called `name`; the error lists the names there are.
    public func entry(named name: String) throws -> Entry {
        if let e = entries.first(where: { $0.name == name }) { return e }
        let known = entries.map { "'\($0.name)'" }.joined(separator: ", ")
        throw TensorError(op: "hessian", "no parameter named '\(name)'; the parameters are \(known)")
    }

    /// The index range of the parameter called `name`.
    public func range(of name: String) throws -> Range<Int> {
        try entry(named: name).range
    }

    /// The parameter and the row-major position inside it of flat index `i`:
    /// `locate(5)` for weights `[2, 3]` then a bias is `("p0", [1, 2])`.
    public func locate(_ i: Int) throws -> (name: String, index: [Int]) {
        guard let e = entries.first(where: { $0.range.contains(i) }) else {
            throw TensorError(op: "hessian", "flat index \(i) is out of range for \(count) parameters")
        }
        var rest = i - e.range.lowerBound
        var index = [Int](repeating: 0, count: e.shape.count)
        for a in stride(from: e.shape.count - 1, through: 0, by: -1) where e.shape[a] > 0 {
            index[a] = rest % e.shape[a]
            rest /= e.shape[a]
        }
        return (e.name, index)
    }

    /// The tensors' elements concatenated into one flat vector, as `Double`.
    public func flatten(_ tensors: [Tensor]) throws -> [Double] {
        try check(tensors.map(\.shape), op: "flatten")
        var out: [Double] = []
        out.reserveCapacity(count)
        for t in tensors { out.append(contentsOf: t.doubles) }
        return out
    }

    /// The flat vector cut back into one tensor per parameter, each of its
    /// shape, in `dtype`; never tracked.
    public func unflatten(_ flat: [Double], dtype: DType = .float64) throws -> [Tensor] {
        try checkLength(flat.count, op: "unflatten")
        return try entries.map { e in
            try Tensor(shape: e.shape, values: Array(flat[e.range]), dtype: dtype)
        }
    }

    /// Throws unless `shapes` are this layout's shapes, in order.
    func check(_ shapes: [[Int]], op: String) throws {
        guard shapes.count == entries.count else {
            throw TensorError(op: op, "\(shapes.count) tensors given for \(entries.count) parameters")
        }
        for (s, e) in zip(shapes, entries) where s != e.shape {
            throw TensorError(op: op, "parameter '\(e.name)' has shape \(e.shape) but a tensor of shape \(s) was given")
        }
    }

    /// Throws unless a flat vector of `n` elements fits this layout.
    func checkLength(_ n: Int, op: String, what: String = "the flat vector") throws {
        guard n == count else {
            throw TensorError(op: op, "\(what) has \(n) elements but the parameters have \(count)")
        }
    }
}
