/// Indexing kernels: gathering by an `IndexPlan` and its adjoint,
/// scatter-adding. The safety rules are in `Kernels.swift`.
extension Kernels {
    /// Stops unless every input offset `plan` can produce lies in
    /// `0..<count`: each is `base + Σ_d offsets[d][i_d]`, so with no negative
    /// offset the largest is `base + Σ_d max(offsets[d])`. The check costs the
    /// sum of the output's dimensions, not their product.
    static func checkOffsets(_ plan: IndexPlan, count: Int) {
        var top = plan.base
        var ok = top >= 0
        for dim in plan.offsets {
            guard let hi = dim.max(), let lo = dim.min() else { continue }  // an empty axis: no offsets at all
            ok = ok && lo >= 0
            top += hi
        }
        precondition(ok && (plan.outCount == 0 || top < count),
                     "Kernels: an index plan reaches offset \(top) of \(count) elements")
    }

    /// `out[i] = x[offset(i)]` for every output position `i` of `plan`.
    static func gather<T: BitwiseCopyable>(_ x: [T], _ plan: IndexPlan) -> [T] {
        let n = plan.outCount
        checkOffsets(plan, count: x.count)
        let last = plan.lastOffsets
        let contiguous = last.indices.allSatisfy { last[$0] == last[0] + $0 }
        return Kernels.uninitialized(n) { buffer, initialized in
            let out = buffer  // a copy: closures capturing the inout reload it per element
            initialized = n
            x.withUnsafeBufferPointer { px in
                last.withUnsafeBufferPointer { pl in
                    let len = pl.count
                    // o + j < n (rows of len elements); b + pl[j] is an offset of the
                    // plan, < x.count (checkOffsets); when contiguous, pl[0] + j == pl[j].
                    plan.forEachRow { o, b in
                        if contiguous {
                            let s = b &+ pl[0]
                            for j in 0..<len { out[o &+ j] = px[s &+ j] }
                        } else {
                            for j in 0..<len { out[o &+ j] = px[b &+ pl[j]] }
                        }
                    }
                }
            }
        }
    }

    /// Zeros of `plan.inShape` with `g[i]` added at `offset(i)` for every
    /// output position `i` (repeated positions accumulate).
    static func scatterAdd<T: TensorScalar>(_ g: [T], _ plan: IndexPlan, count: Int) -> [T] {
        precondition(g.count == plan.outCount, "Kernels.scatterAdd: \(g.count) values for \(plan.outCount) positions")
        checkOffsets(plan, count: count)
        var out = [T](repeating: 0, count: count)
        let last = plan.lastOffsets
        out.withUnsafeMutableBufferPointer { po in
            g.withUnsafeBufferPointer { pg in
                last.withUnsafeBufferPointer { pl in
                    let len = pl.count
                    // as in gather: o + j < g.count, b + pl[j] < count
                    plan.forEachRow { o, b in
                        for j in 0..<len { po[b &+ pl[j]] += pg[o &+ j] }
                    }
                }
            }
        }
        return out
    }

    /// For every output position `i` of `plan`, in row-major order, calls
    /// `body(i, offset(i))`. (Checked arithmetic: `body` does the work.)
    static func forEachOffset(_ plan: IndexPlan, _ body: (Int, Int) -> Void) {
        let last = plan.lastOffsets
        plan.forEachRow { o, b in
            for j in last.indices { body(o + j, b + last[j]) }
        }
    }
}
