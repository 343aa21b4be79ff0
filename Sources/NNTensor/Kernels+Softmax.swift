/// Row kernels built on the sums and the vector `exp`: softmax and
/// log-softmax along one axis, and `logsumexp` of contiguous rows. The
/// safety rules are in `Kernels.swift`.
extension Kernels {
    /// Softmax (or log-softmax) of `x` seen as `[outer, r, inner]` along the
    /// middle dimension.
    static func softmax<T: TensorScalar>(_ x: [T], _ outer: Int, _ r: Int, _ inner: Int, log: Bool) -> [T] {
        let n = x.count
        precondition(n == outer * r * inner, "Kernels.softmax: \(n) elements are not [\(outer), \(r), \(inner)]")
        return Kernels.uninitialized(n) { out, initialized in
            initialized = n
            guard n > 0, let po = out.baseAddress else { return }  // so r >= 1 below
            x.withUnsafeBufferPointer { px in
                guard let base = px.baseAddress else { return }
                let src = SendablePointer(UnsafeMutablePointer(mutating: base)), dst = SendablePointer(po)
                // o * r (* inner) + a slice's length <= outer * r * inner == n
                if inner == 1 {
                    parallelRows(outer, rowLength: r * 4) { rows in
                        for o in rows {
                            softmaxRow(UnsafePointer(src.base + o &* r), dst.base + o &* r, r, log: log)
                        }
                    }
                } else {
                    parallelFor(inner, grain: Swift.max(64, parallelGrain / Swift.max(r * outer * 4, 1))) { cols in
                        for o in 0..<outer {
                            softmaxColumns(UnsafePointer(src.base + o &* r &* inner), dst.base + o &* r &* inner,
                                           r, inner, cols, log: log)
                        }
                    }
                }
            }
        }
    }

    /// One contiguous row: max, then exp-and-sum (stored), then scale.
    @inline(__always)
    static func softmaxRow<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int, log: Bool) {
        let m = rowExtreme(x, n, max: true)
        if log {
            // (x - m) - log s, not x - (m + log s): the latter rounds log s to m's precision
            let shift: T = m.isFinite ? m : 0
            let logS = T(libmLog(Double(rowExpSum(x, nil, n, shift: shift))))
            for j in 0..<n { y[j] = (x[j] - shift) - logS }
        } else {
            let inv = 1 / rowExpSum(x, y, n, shift: m)
            for j in 0..<n { y[j] *= inv }
        }
    }

    /// The columns `cols` of an `[r, inner]` slice, softmaxed down each column;
    /// `r ≥ 1`, `cols` within `0..<inner`: every offset `k * inner + c0 + j`
    /// below is under `r * inner`, the slice's size.
    static func softmaxColumns<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                                _ r: Int, _ inner: Int, _ cols: Range<Int>, log: Bool) {
        let w = cols.count, c0 = cols.lowerBound
        precondition(r >= 1 && c0 >= 0 && cols.upperBound <= inner, "Kernels.softmaxColumns: columns \(cols) of \(inner)")
        // The column maxima and sums in one scratch buffer, through raw pointers
        // held in locals: the loops then vectorise (pointers captured from
        // buffers were reloaded on every element, for fear of aliasing `dst`).
        withUnsafeTemporaryAllocation(of: T.self, capacity: 2 * w) { scratch in
            guard let m = scratch.baseAddress else { return }  // w == 0: nothing to do
            let s = m + w
            for j in 0..<w { m[j] = x[c0 &+ j] }
            for k in 1..<Swift.max(r, 1) {
                let row = x + (k &* inner &+ c0)
                for j in 0..<w { let v = row[j]; m[j] = (v > m[j] || v != v) ? v : m[j] }
            }
            if log { for j in 0..<w where !m[j].isFinite { m[j] = 0 } }
            for k in 0..<r {
                let row = x + (k &* inner &+ c0), dst = y + (k &* inner &+ c0)
                for j in 0..<w { dst[j] = row[j] - m[j] }
                apply(.exp, UnsafePointer(dst), dst, w)
            }
            // the column sums of the terms, pairwise (Kernels+Sum.swift)
            columnSum(UnsafePointer(y + c0), r, inner, 0..<w, s)
            if log {
                for j in 0..<w { s[j] = T(libmLog(Double(s[j]))) }
                for k in 0..<r {
                    let row = x + (k &* inner &+ c0), dst = y + (k &* inner &+ c0)
                    for j in 0..<w { dst[j] = (row[j] - m[j]) - s[j] }
                }
            } else {
                for j in 0..<w { s[j] = 1 / s[j] }
                for k in 0..<r {
                    let dst = y + (k &* inner &+ c0)
                    for j in 0..<w { dst[j] *= s[j] }
                }
            }
        }
    }

    /// `logsumexp` of each contiguous row of `n > 0` elements of `x`.
    static func rowLogSumExp<T: TensorScalar>(_ x: [T], _ n: Int) -> [T] {
        precondition(n > 0 && x.count % n == 0, "Kernels.rowLogSumExp: \(x.count) elements are not rows of \(n)")
        let rows = x.count / n
        return Kernels.uninitialized(rows) { out, initialized in
            initialized = rows
            guard let po = out.baseAddress else { return }
            x.withUnsafeBufferPointer { px in
                guard let base = px.baseAddress else { return }
                let src = SendablePointer(UnsafeMutablePointer(mutating: base)), dst = SendablePointer(po)
                parallelRows(rows, rowLength: n) { rs in
                    for r in rs {
                        let row = UnsafePointer(src.base + r &* n)  // (r + 1) * n <= x.count
                        let m = rowExtreme(row, n, max: true)
                        let shift: T = m.isFinite ? m : 0
                        let s = rowExpSum(row, nil, n, shift: shift)
                        dst.base[r] = T(libmLog(Double(s))) + shift
                    }
                }
            }
        }
    }
}
