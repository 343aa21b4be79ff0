/// Reverse mode with a batch of cotangents: `k` backward passes through one
/// recorded graph done as one pass whose every gradient carries a leading
/// batch dimension of size `k`.
///
/// ```
/// batchedGradients(of: y, wrt: xs, seeds: S)[i][b] = gradients(of: y, wrt: xs, seed: S[b])[i]
/// ```
///
/// A backward pass is linear in its seed, so the `k` passes share every
/// node visit, every value a rule derives from the recorded inputs (`1 - y²`
/// for `tanh`), and every matrix product becomes one product over `[k, …]`
/// operands (a GEMM with `k` times the rows) instead of `k` small ones. The
/// Hessian uses it with the one-hot rows of a block as seeds
/// (`Autodiff.hessian`, `Hessian.Probe.rows`): reverse-over-reverse with a
/// matrix-valued cotangent.
///
/// Each node's inputs get gradients of shape `[k] + input.shape`, by the
/// first of:
/// 1. the op's own batched rule (`GradFn.batchedRule`, attached where the op
///    is recorded with `Tensor.batchedRule(_:)`), for ops whose rule names
///    axes (softmax, mean, permute, …);
/// 2. the structural ops, from shapes alone (reshape, expand, sumTo, identity);
/// 3. the op's ordinary rule, for ops whose rule only combines the cotangent
///    elementwise (with broadcasting) or by `matmul` with values that do not
///    depend on it (`batchSafeOps`): a leading dimension then broadcasts
///    through unchanged;
/// 4. otherwise the ordinary rule slice by slice (`k` calls, stacked), which
///    is exact for every op and as fast as `k` separate passes.
///
/// The registry-driven test (`BatchedBackwardTests`) checks every op of
/// `Op.allCases` against `k` single passes, so a rule that stops being batch
/// safe fails there rather than giving wrong Hessians.
extension Tensor {
    /// Gives this result's record a rule for a batch of cotangents: called
    /// with `g` of shape `[k] + output.shape`, it returns per input a
    /// gradient of shape `[k] + s`, where `s` sums to the input's shape (or
    /// nil where not needed). Returns `self`, for chaining after `record`.
    @inline(__always)
    func batchedRule(_ rule: @escaping GradRule) -> Tensor {
        gradFn?.batchedRule = rule
        return self
    }

    /// The ops whose ordinary rule is exact for a cotangent with an extra
    /// leading dimension: each returns `g` combined elementwise (broadcasting)
    /// with tensors of at most the output's rank that do not depend on `g`.
    /// `matmul` also, since its products broadcast over leading dimensions
    /// (except the folded linear-layer case, see `batchedInputGradients`).
    static let batchSafeOps: Set<Op> = [
        .add, .sub, .mul, .div, .neg, .cast, .identity, .matmul,
        .pow, .powScalar, .exp, .log, .sqrt, .abs, .sin, .cos, .tanh, .erf,
        .sigmoid, .relu, .leakyRelu, .gelu, .softplus, .clamp, .maximum, .minimum, .where,
        .remainder, .tanhBackward, .sigmoidBackward, .reluBackward,
    ]

    /// The gradients of `output` with respect to each of `inputs`, for each
    /// of the `k` seeds stacked in `seeds` (shape `[k] + output.shape`): the
    /// `i`-th result has shape `[k] + inputs[i].shape`, and its slice `b` is
    /// `gradients(of: output, wrt: inputs, seed: seeds[b])[i]` to rounding.
    /// Nothing is recorded (the results are constants); an input `output`
    /// does not depend on gets zeros.
    public static func batchedGradients(of output: Tensor, wrt inputs: [Tensor], seeds: Tensor) throws -> [Tensor] {
        guard seeds.rank == output.rank + 1, Array(seeds.shape.dropFirst()) == output.shape else {
            throw TensorError(op: "backward", "a batch of seeds must have shape [k] + \(fmt(output.shape)), got \(fmt(seeds.shape))")
        }
        let k = seeds.shape[0]
        for x in inputs { try Shape.reserve([k] + x.shape, dtype: x.dtype, op: "backward") }
        let seed = seeds.dtype == output.dtype ? seeds : try seeds.to(output.dtype)
        let targetIDs = Set(inputs.map(ObjectIdentifier.init))
        let (order, reaches) = reachingOrder(from: output, targets: targetIDs)
        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(output): seed]
        var found: [ObjectIdentifier: Tensor] = [:]
        try GradMode.noGrad {
            for t in order.reversed() {
                let id = ObjectIdentifier(t)
                guard reaches[id] == true, let g = grads[id] else { continue }
                if targetIDs.contains(id) { found[id] = g; continue }
                grads[id] = nil
                guard let fn = t.gradFn else { continue }
                let ins = fn.resolvedInputs()
                let needs = ins.map { $0.isTracked && reaches[ObjectIdentifier($0)] == true }
                guard needs.contains(true) else { continue }
                if fn.consumed {
                    throw TensorError(op: "backward", "this graph was already used by a backward pass, which would add the same gradients again; pass retain_graph: true to the first backward to go through it twice")
                }
                try fn.checkVersions()
                let ctx = GradContext(inputs: ins, output: t, needs: needs)
                let inGrads = try batchedInputGradients(fn, g, ctx, k: k)
                for (i, x) in ins.enumerated() where needs[i] {
                    guard i < inGrads.count, let gi = inGrads[i] else { continue }
                    let r = try batchSumTo(gi, x.shape, k: k, op: fn.op)
                    let xid = ObjectIdentifier(x)
                    if let old = grads[xid] { grads[xid] = try old + r } else { grads[xid] = r }
                }
            }
        }
        return inputs.map { x in
            found[ObjectIdentifier(x)]
                ?? Tensor(shape: [k] + x.shape, storage: .filled(0, count: k * x.count, dtype: x.dtype))
        }
    }

    /// The nodes from which `output` is reached, inputs before consumers,
    /// stopping at `targets`, and which of them reach a target (the same
    /// walk as `propagate`'s with explicit targets).
    static func reachingOrder(from root: Tensor, targets: Set<ObjectIdentifier>) -> ([Tensor], [ObjectIdentifier: Bool]) {
        var order: [Tensor] = []
        var reaches: [ObjectIdentifier: Bool] = [:]
        var stack: [(Tensor, Bool)] = [(root, false)]
        while let (t, expanded) = stack.popLast() {
            let id = ObjectIdentifier(t)
            if expanded {
                var r = targets.contains(id)
                if !r, let fn = t.gradFn {
                    for x in fn.resolvedInputs() where reaches[ObjectIdentifier(x)] == true { r = true; break }
                }
                reaches[id] = r
                order.append(t)
                continue
            }
            if reaches[id] != nil { continue }
            reaches[id] = false
            stack.append((t, true))
            if targets.contains(id) { continue }
            if let fn = t.gradFn {
                for x in fn.resolvedInputs() where x.isTracked && reaches[ObjectIdentifier(x)] == nil {
                    stack.append((x, false))
                }
            }
        }
        return (order, reaches)
    }

    /// One node's input gradients for the batch `g` (`[k] + output.shape`).
    static func batchedInputGradients(_ fn: GradFn, _ g: Tensor, _ ctx: GradContext, k: Int) throws -> [Tensor?] {
        if fn.op == .concat && ctx.output.rank == 1 { return columnBlocks(g, ctx) }
        if let rule = fn.batchedRule { return try rule(g, ctx) }
        let x = ctx.inputs.first
        switch fn.op {
        case .identity, .expand:
            return [g]  // expand's gradient is the sum back to the input: batchSumTo does it
        case .reshape:
            guard let x else { break }
            return [try g.reshape([k] + x.shape)]
        case .sumTo:
            guard let x, x.rank >= ctx.output.rank else { break }
            let ones = [Int](repeating: 1, count: x.rank - ctx.output.rank)
            return [try g.reshape([k] + ones + ctx.output.shape).expand([k] + x.shape)]
        case .matmul where ctx.inputs.count == 2 && !(ctx.inputs[0].rank > 2 && ctx.inputs[1].rank == 2):
            // The folded linear-layer case (a batch of rows times one matrix)
            // reshapes the cotangent to rows, which a leading batch breaks.
            return try fn.rule(g, ctx)
        case let op where op != .matmul && batchSafeOps.contains(op):
            return try fn.rule(g, ctx)
        default:
            break
        }
        return try sliceBySlice(fn, g, ctx, k: k)
    }

    /// The gradients of a concatenation of vectors (a flat gradient, the
    /// common case): each input's block of columns of `g` (`[k, N]`), copied
    /// row by row.
    static func columnBlocks(_ g: Tensor, _ ctx: GradContext) -> [Tensor?] {
        let k = g.shape[0], width = g.count / Swift.max(k, 1)
        func blocks<T>(_ a: [T], _ wrap: ([T]) -> TensorStorage) -> [Tensor?] {
            var start = 0
            return ctx.inputs.enumerated().map { i, x in
                let len = x.count
                defer { start += len }
                guard ctx.needs[i] else { return nil }
                var out: [T] = []
                out.reserveCapacity(k * len)
                for b in 0..<k { out.append(contentsOf: a[(b * width + start)..<(b * width + start + len)]) }
                return Tensor(shape: [k, len], storage: wrap(out))
            }
        }
        switch g.storage {
        case .float32(let a): return blocks(a, TensorStorage.float32)
        case .float64(let a): return blocks(a, TensorStorage.float64)
        case .bool(let a): return blocks(a, TensorStorage.bool)
        case .int64(let a): return blocks(a, TensorStorage.int64)
        }
    }

    /// The ordinary rule once per slice `g[b]`, each result summed to its
    /// input's shape, stacked into `[k] + input.shape`.
    static func sliceBySlice(_ fn: GradFn, _ g: Tensor, _ ctx: GradContext, k: Int) throws -> [Tensor?] {
        var per = [[Tensor]](repeating: [], count: ctx.inputs.count)
        var any = [Bool](repeating: false, count: ctx.inputs.count)
        let inner = Array(g.shape.dropFirst())
        for b in 0..<k {
            let gb = g.batchSlice(b, shape: inner)
            let r = try fn.rule(gb, ctx)
            for (i, x) in ctx.inputs.enumerated() where ctx.needs[i] {
                if i < r.count, var gi = r[i] {
                    if gi.shape != x.shape { gi = try gi.sumTo(x.shape) }
                    per[i].append(gi)
                    any[i] = true
                } else {
                    per[i].append(Tensor(shape: x.shape, storage: .filled(0, count: x.count, dtype: x.dtype)))
                }
            }
        }
        return try ctx.inputs.indices.map { i in any[i] ? try Tensor.stack(per[i], axis: 0) : nil }
    }

    /// Slice `b` of this tensor along its first dimension, of shape `inner`.
    func batchSlice(_ b: Int, shape inner: [Int]) -> Tensor {
        let n = count / Swift.max(shape.first ?? 1, 1)
        let range = (b * n)..<(b * n + n)
        switch storage {
        case .float32(let a): return Tensor(shape: inner, storage: .float32(Array(a[range])))
        case .float64(let a): return Tensor(shape: inner, storage: .float64(Array(a[range])))
        case .bool(let a): return Tensor(shape: inner, storage: .bool(Array(a[range])))
        case .int64(let a): return Tensor(shape: inner, storage: .int64(Array(a[range])))
        }
    }

    /// `g` (`[k] + s`, where `s` broadcasts from `shape`) summed to `[k] + shape`.
    static func batchSumTo(_ g: Tensor, _ shape: [Int], k: Int, op: Op) throws -> Tensor {
        let target = [k] + shape
        if g.shape == target { return g }
        guard g.rank >= 1, g.shape[0] == k, g.rank - 1 >= shape.count else {
            throw TensorError(op: "backward", "internal: the batched gradient of \(op.rawValue) has shape \(fmt(g.shape)), which does not sum to \(fmt(target))")
        }
        let padded = [k] + [Int](repeating: 1, count: g.rank - 1 - shape.count) + shape
        return try g.sumTo(padded).reshape(target)
    }
}
