/// One item of an index expression, in the NumPy/PyTorch model:
/// `t[0]`, `t[1:, ::-1]`, `t[[0, 2]]`, `t[[[0, 1], [1, 0]]]`, `t[t > 0]`,
/// `t[..., None]`.
///
/// Items apply to the leading axes in order; axes without an item are taken
/// whole. An integer drops its axis, a slice keeps it, a list or array of
/// integers gathers along it (repeats allowed), a bool mask selects along as
/// many axes as it has, `newAxis` inserts an axis of size 1 and `ellipsis`
/// stands for as many whole axes as needed.
///
/// Lists, arrays and masks (and integers, when one of those is present) are
/// *advanced* indices as in NumPy: their shapes broadcast together (a mask
/// counts as the one-dimensional list of its `true` positions), giving the
/// output axes of the broadcast shape, which sit where the first of them
/// stood when they are adjacent and first otherwise. So
/// `t.index([.list([0, 1, 2]), .list([2, 0, 1])])` picks `t[0, 2]`,
/// `t[1, 0]`, `t[2, 1]`.
public enum TensorIndex: Sendable, Equatable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    /// One position; negative counts from the end. Drops the axis.
    case index(Int)
    /// Python's `start:stop:step`; nil parts take their defaults and out of
    /// range bounds are clamped (as Python does); a negative step walks
    /// backwards. A zero step is an error.
    case slice(start: Int?, stop: Int?, step: Int?)
    /// Gather these positions (negative count from the end, repeats allowed).
    case list([Int])
    /// Gather with an integer array of any shape (row-major `values`): the
    /// output has the array's shape where the axis was, as NumPy's
    /// integer-array indexing (`t[[[0, 1], [1, 0]]]` is 2x2 along axis 0).
    case array(shape: [Int], values: [Int])
    /// A boolean mask over as many axes as its shape has, which must equal
    /// theirs: the positions where it is `true`, in row-major order,
    /// flattened into one output axis (NumPy's boolean indexing).
    case mask(shape: [Int], values: [Bool])
    /// Insert an axis of size 1 (`None` / `np.newaxis`).
    case newAxis
    /// As many whole axes as needed (`...`).
    case ellipsis

    /// The whole axis, `:`.
    public static let all = TensorIndex.slice(start: nil, stop: nil, step: nil)

    /// `start..<stop` with step 1.
    public static func range(_ r: Range<Int>) -> TensorIndex { .slice(start: r.lowerBound, stop: r.upperBound, step: 1) }

    public init(integerLiteral value: Int) { self = .index(value) }
    public init(arrayLiteral elements: Int...) { self = .list(elements) }

    /// How many input axes this item consumes.
    var consumedAxes: Int {
        switch self {
        case .newAxis, .ellipsis: return 0
        case .mask(let shape, _): return shape.count
        default: return 1
        }
    }

    /// True for a list, array or mask.
    var isAdvanced: Bool {
        switch self {
        case .list, .array, .mask: return true
        default: return false
        }
    }
}

/// A resolved index expression: the output shape and, for each axis of the
/// walk over the output, the element offset into the input contributed by
/// each position along it. The input offset of an output element is
/// `base + Σ_d offsets[d][i_d]`.
///
/// The walk's shape (`iterShape`) is the output shape with the axes of the
/// advanced indices folded into one (their broadcast shape, row-major), so
/// one offset table serves any number of them; the elements come in the
/// same order either way.
///
/// Gathering (`index`) and its adjoint, scatter-adding (`indexScatter`),
/// both walk the output in row-major order with this plan.
struct IndexPlan: Sendable {
    let inShape: [Int]
    let outShape: [Int]
    let iterShape: [Int]
    let base: Int
    let offsets: [[Int]]
    /// True when the plan selects the whole input unchanged.
    let isIdentity: Bool

    init(_ items: [TensorIndex], shape: [Int], op: String) throws {
        let rank = shape.count
        let consuming = items.reduce(0) { $0 + $1.consumedAxes }
        let ellipses = items.filter { $0 == .ellipsis }.count
        guard ellipses <= 1 else { throw TensorError(op: op, "an index can only have a single ellipsis (...)") }
        guard consuming <= rank else {
            throw TensorError(op: op, "too many indices for a tensor of shape \(fmt(shape)): \(consuming) were given for \(rank) dimension\(rank == 1 ? "" : "s")")
        }
        var full: [TensorIndex] = []
        for item in items {
            if item == .ellipsis {
                full += [TensorIndex](repeating: .all, count: rank - consuming)
            } else {
                full.append(item)
            }
        }
        if ellipses == 0 { full += [TensorIndex](repeating: .all, count: rank - consuming) }

        let strides = Shape.strides(shape)
        let hasAdvanced = full.contains { $0.isAdvanced }
        var base = 0
        var basicDims: [(size: Int, offsets: [Int])] = []
        var arrays: [(shape: [Int], offsets: [Int])] = []   // advanced indices, as input offsets
        var advancedPositions: [Int] = []   // item positions of advanced indices
        var groupAt: Int? = nil              // basic dims produced before the first advanced one
        var identity = true
        var axis = 0
        func position(_ i: Int, _ axis: Int) throws -> Int {
            let n = shape[axis]
            let j = i < 0 ? i &+ n : i
            guard j >= 0, j < n else {
                throw TensorError(op: op, "index \(i) is out of bounds for axis \(axis) with size \(n)")
            }
            return j
        }
        func markAdvanced(_ pos: Int) {
            advancedPositions.append(pos)
            if groupAt == nil { groupAt = basicDims.count }
        }
        for (pos, item) in full.enumerated() {
            switch item {
            case .newAxis:
                basicDims.append((1, [0]))
                identity = false
            case .ellipsis:
                break
            case .index(let i):
                base += try position(i, axis) * strides[axis]
                if hasAdvanced { markAdvanced(pos) }
                identity = false
                axis += 1
            case .list(let l):
                arrays.append(([l.count], try l.map { try position($0, axis) * strides[axis] }))
                markAdvanced(pos)
                identity = false
                axis += 1
            case .array(let s, let values):
                guard (try? Shape.count(s)) == values.count else {
                    throw TensorError(op: op, "an index array of shape \(fmt(s)) needs \(s.reduce(1, *)) values, got \(values.count)")
                }
                arrays.append((s, try values.map { try position($0, axis) * strides[axis] }))
                markAdvanced(pos)
                identity = false
                axis += 1
            case .mask(let s, let values):
                guard !s.isEmpty else {
                    throw TensorError(op: op, "a 0-d bool index is not supported; index with a mask of the tensor's shape")
                }
                guard (try? Shape.count(s)) == values.count else {
                    throw TensorError(op: op, "a mask of shape \(fmt(s)) needs \(s.reduce(1, *)) values, got \(values.count)")
                }
                for (d, n) in s.enumerated() where shape[axis + d] != n {
                    throw TensorError(op: op, "the mask of shape \(fmt(s)) does not match the indexed tensor of shape \(fmt(shape)) along axis \(axis + d) (size \(shape[axis + d]), mask size \(n))")
                }
                let maskStrides = Shape.strides(s)
                var offs: [Int] = []
                for (i, on) in values.enumerated() where on {
                    var rest = i, off = 0
                    for d in 0..<s.count {
                        off += (rest / maskStrides[d]) * strides[axis + d]
                        rest %= maskStrides[d]
                    }
                    offs.append(off)
                }
                arrays.append(([offs.count], offs))
                markAdvanced(pos)
                identity = false
                axis += s.count
            case .slice(let start, let stop, let step):
                let n = shape[axis]
                let r = try IndexPlan.slice(start: start, stop: stop, step: step, size: n, op: op)
                if !(r.start == 0 && r.step == 1 && r.count == n) { identity = false }
                basicDims.append((r.count, (0..<r.count).map { (r.start + $0 * r.step) * strides[axis] }))
                axis += 1
            }
        }

        var dims = basicDims
        var outShape = basicDims.map(\.size)
        if !arrays.isEmpty {
            var group: [Int] = []
            for a in arrays {
                do { group = try Shape.broadcast(group, a.shape, op: op, checkCount: false) } catch {
                    throw TensorError(op: op, "index arrays of shapes \(arrays.map { fmt($0.shape) }.joined(separator: ", ")) cannot be broadcast together")
                }
            }
            let k = try Shape.count(group, op: op)
            var combined = [Int](repeating: 0, count: k)
            for a in arrays {
                let st = Shape.broadcastStrides(a.shape, to: group)
                var idx = [Int](repeating: 0, count: group.count)
                var src = 0
                for i in 0..<k {
                    combined[i] += a.offsets[src]
                    var d = group.count - 1
                    while d >= 0 {
                        idx[d] += 1
                        src += st[d]
                        if idx[d] < group[d] { break }
                        src -= st[d] * group[d]
                        idx[d] = 0
                        d -= 1
                    }
                }
            }
            let adjacent = zip(advancedPositions, advancedPositions.dropFirst()).allSatisfy { $1 == $0 + 1 }
            let at = adjacent ? (groupAt ?? 0) : 0
            dims.insert((k, combined), at: at)
            outShape.insert(contentsOf: group, at: at)
        }
        // basic dimensions times the index arrays' shape: x[:, i] of a
        // [2**16, 2] tensor with 2**16 indices would be 2**32 elements
        _ = try Shape.count(outShape, op: op)
        self.inShape = shape
        self.iterShape = dims.map(\.size)
        self.outShape = outShape
        self.offsets = dims.map(\.offsets)
        self.base = base
        self.isIdentity = identity && outShape == shape
    }

    /// Python's slice rules (`PySlice_AdjustIndices`): the first position,
    /// the step and the number of positions of `start:stop:step` on an axis
    /// of `size`.
    static func slice(start: Int?, stop: Int?, step: Int?, size n: Int, op: String) throws -> (start: Int, step: Int, count: Int) {
        var step = step ?? 1
        guard step != 0 else { throw TensorError(op: op, "slice step cannot be zero") }
        if step == Int.min { step = -Int.max }
        func clamp(_ v: Int?, default d: Int) -> Int {
            guard var v else { return d }
            if v < 0 {
                v = v &+ n
                if v < 0 { v = step < 0 ? -1 : 0 }
            } else if v >= n {
                v = step < 0 ? n - 1 : n
            }
            return v
        }
        let s = clamp(start, default: step < 0 ? n - 1 : 0)
        let e = clamp(stop, default: step < 0 ? -1 : n)
        let count: Int
        if step < 0 {
            count = e < s ? (s - e - 1) / (-step) + 1 : 0
        } else {
            count = s < e ? (e - s - 1) / step + 1 : 0
        }
        return (s, step, count)
    }

    /// Calls `body(outOffset, inRowBase)` for every output row (all output
    /// axes but the last); the last axis's offsets are `lastOffsets`.
    @inline(__always)
    func forEachRow(_ body: (_ out: Int, _ inBase: Int) -> Void) {
        let rank = iterShape.count
        if rank == 0 { body(0, base); return }
        let len = iterShape[rank - 1]
        let rows = iterShape.dropLast().reduce(1, *)
        guard len > 0, rows > 0 else { return }
        var idx = [Int](repeating: 0, count: rank - 1)
        var rowBase = base
        for d in 0..<(rank - 1) { rowBase += offsets[d][0] }
        for r in 0..<rows {
            body(r * len, rowBase)
            var d = rank - 2
            while d >= 0 {
                let o = offsets[d]
                rowBase -= o[idx[d]]
                idx[d] += 1
                if idx[d] < iterShape[d] { rowBase += o[idx[d]]; break }
                idx[d] = 0
                rowBase += o[0]
                d -= 1
            }
        }
    }

    /// The offsets along the last output axis (`[0]` for a 0-d output).
    var lastOffsets: [Int] { offsets.last ?? [0] }

    /// The number of output elements.
    var outCount: Int { iterShape.reduce(1, *) }
}
