/// Kernels for int64 tensors: reductions, the matrix product, the scatter-add
/// and the integer functions behind `%` and `**`. Integer arithmetic wraps on
/// overflow (`&+`, `&*`), as NumPy's and PyTorch's int64 does: it never traps.
/// The safety rules are in `Kernels.swift`; these loops index with checked
/// arithmetic (they are not on any float path, and clarity wins here).
extension Kernels {
    /// `x` (of `shape`) reduced over `axes` (normalised, sorted), laid out
    /// with the reduced dimensions kept as 1: a wrapping sum, or the largest
    /// or smallest element. Max and min of an empty axis are the caller's to
    /// refuse; an empty sum is 0.
    static func reduceInt64(_ kind: Reduction, _ x: [Int64], _ shape: [Int], _ axes: [Int]) -> [Int64] {
        reduceBlocks(x, shape, axes) { reduce3Int64(kind, $0, $1, $2, $3) }
    }

    /// Reduces `x` seen as `[outer, r, inner]` over the middle dimension.
    static func reduce3Int64(_ kind: Reduction, _ x: [Int64], _ outer: Int, _ r: Int, _ inner: Int) -> [Int64] {
        let n = outer * inner
        precondition(x.count == outer * r * inner, "Kernels.reduce3Int64: \(x.count) elements are not [\(outer), \(r), \(inner)]")
        guard r > 0 else { return [Int64](repeating: 0, count: n) }
        var out = [Int64](repeating: 0, count: n)
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                for o in 0..<outer {
                    let dst = o * inner
                    for j in 0..<inner { po[dst + j] = px[o * r * inner + j] }
                    for k in 1..<r {
                        let row = (o * r + k) * inner
                        switch kind {
                        case .sum: for j in 0..<inner { po[dst + j] = po[dst + j] &+ px[row + j] }
                        case .max: for j in 0..<inner where px[row + j] > po[dst + j] { po[dst + j] = px[row + j] }
                        case .min: for j in 0..<inner where px[row + j] < po[dst + j] { po[dst + j] = px[row + j] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The batched matrix product `op(A) @ op(B)` of int64 operands, with
    /// wrapping arithmetic: a plain triple loop per batch (no BLAS has an
    /// integer product). Shapes as in `batchedMatmul`.
    static func batchedMatmulInt64(_ a: [Int64], _ batchA: [Int], _ b: [Int64], _ batchB: [Int], _ batch: [Int],
                                   n: Int, k: Int, m: Int, tA: Bool, tB: Bool) -> [Int64] {
        checkBroadcast(batchA, to: batch)
        checkBroadcast(batchB, to: batch)
        precondition(a.count == batchA.reduce(1, *) * n * k && b.count == batchB.reduce(1, *) * k * m,
                     "Kernels.batchedMatmulInt64: operand sizes do not match their shapes")
        let batches = batch.reduce(1, *)
        let sa = Shape.broadcastStrides(batchA, to: batch), sb = Shape.broadcastStrides(batchB, to: batch)
        var out = [Int64](repeating: 0, count: batches * n * m)
        for t in 0..<batches {
            var rest = t, ma = 0, mb = 0
            for d in stride(from: batch.count - 1, through: 0, by: -1) {
                let i = rest % batch[d]
                rest /= batch[d]
                ma += i * sa[d]
                mb += i * sb[d]
            }
            let offA = ma * n * k, offB = mb * k * m, offC = t * n * m
            for i in 0..<n {
                for p in 0..<k {
                    let x = a[offA + (tA ? p * n + i : i * k + p)]
                    if x == 0 { continue }
                    for j in 0..<m {
                        let y = b[offB + (tB ? j * k + p : p * m + j)]
                        out[offC + i * m + j] = out[offC + i * m + j] &+ x &* y
                    }
                }
            }
        }
        return out
    }

    /// Zeros of `plan.inShape` with `g[i]` added (wrapping) at `offset(i)`
    /// for every output position `i` (repeated positions accumulate).
    static func scatterAdd(_ g: [Int64], _ plan: IndexPlan, count: Int) -> [Int64] {
        precondition(g.count == plan.outCount, "Kernels.scatterAdd: \(g.count) values for \(plan.outCount) positions")
        checkOffsets(plan, count: count)
        var out = [Int64](repeating: 0, count: count)
        forEachOffset(plan) { k, off in out[off] = out[off] &+ g[k] }
        return out
    }

    /// The floored remainder of integers, as Python's `int % int` and
    /// `torch.remainder`: the result has the sign of `y` (`-7 % 3` is 2,
    /// `7 % -3` is -2). `y` must not be 0 (the caller refuses it);
    /// `Int64.min % -1` is 0.
    @inline(__always)
    static func flooredRemainder(_ x: Int64, _ y: Int64) -> Int64 {
        let r = x.remainderReportingOverflow(dividingBy: y).partialValue
        return r != 0 && (r < 0) != (y < 0) ? r &+ y : r
    }

    /// `base ** e` for `e >= 0` by repeated squaring, wrapping on overflow
    /// (as NumPy's and PyTorch's int64 power).
    @inline(__always)
    static func power(_ base: Int64, _ e: Int64) -> Int64 {
        var result: Int64 = 1, b = base, e = e
        while e > 0 {
            if e & 1 == 1 { result = result &* b }
            e >>= 1
            if e > 0 { b = b &* b }
        }
        return result
    }
}
