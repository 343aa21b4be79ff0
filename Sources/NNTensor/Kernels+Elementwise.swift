/// Elementwise kernels over contiguous buffers, generic over the element
/// type (`Float`, `Double`, `Int64`) and specialised by the compiler for each: `map`, broadcasting
/// `zip` and `select`, and `generate`. The safety rules are in `Kernels.swift`.
extension Kernels {
    /// `out[i] = f(a[i])`.
    @inline(__always)
    static func map<T, U: BitwiseCopyable>(_ a: [T], _ f: (T) -> U) -> [U] {
        let n = a.count
        return Kernels.uninitialized(n) { buffer, initialized in
            let out = buffer  // a copy: closures capturing the inout reload it per element
            a.withUnsafeBufferPointer { pa in
                for i in 0..<n { out[i] = f(pa[i]) }  // i < n == pa.count == out.count 
            }
            initialized = n
        }
    }

    /// `n` values from `next()`, in order.
    @inline(__always)
    static func generate<T>(_ n: Int, _ next: () -> T) -> [T] {
        [T](unsafeUninitializedCapacity: n) { out, initialized in
            for i in 0..<n { out.initializeElement(at: i, to: next()) }  // i < n == out.count
            initialized = n
        }
    }

    /// Stops unless `count` elements laid out as `shape` broadcast to
    /// `outShape`: the contract that keeps every offset
    /// `Shape.broadcastStrides` yields below `count`.
    @inline(__always)
    static func checkBroadcast(_ count: Int, _ shape: [Int], to outShape: [Int]) {
        precondition(shape.reduce(1, *) == count, "Kernels: \(count) elements do not fill shape \(shape)")
        checkBroadcast(shape, to: outShape)
    }

    /// Stops unless `shape` broadcasts to `outShape` (right-aligned, each
    /// dimension equal or 1).
    @inline(__always)
    static func checkBroadcast(_ shape: [Int], to outShape: [Int]) {
        precondition(shape.count <= outShape.count, "Kernels: shape \(shape) does not broadcast to \(outShape)")
        let lead = outShape.count - shape.count
        for (i, d) in shape.enumerated() {
            precondition(d == 1 || d == outShape[lead + i], "Kernels: shape \(shape) does not broadcast to \(outShape)")
        }
    }

    /// `out = f(a, b)` with NumPy broadcasting from `aShape`, `bShape` to `outShape`.
    ///
    /// Fast paths for equal shapes and for a one-element operand; then, when
    /// each operand is whole, one element, one row repeated down the rows
    /// (a bias `[len]`) or one column repeated across them (`[rows, 1]`),
    /// the rows are walked with those steps (`rowSteps`: no stride arrays to
    /// make); otherwise the outer dimensions are walked with an odometer.
    /// Either way the last dimension runs as an inner loop with stride 0 or
    /// 1 per operand.
    @inline(__always)
    static func zip<T: BitwiseCopyable>(_ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int],
                                     _ outShape: [Int], _ f: (T, T) -> T) -> [T] {
        let n = outShape.reduce(1, *)
        checkBroadcast(a.count, aShape, to: outShape)
        checkBroadcast(b.count, bShape, to: outShape)
        return Kernels.uninitialized(n) { buffer, initialized in
            let out = buffer  // a copy: closures capturing the inout reload it per element
            initialized = n
            guard n > 0 else { return }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    // One row: o + j < n, oa + j * ia < a.count, ob + j * ib < b.count
                    // for j < len (the callers' offsets, checkBroadcast above).
                    @inline(__always) func row(_ oa: Int, _ ia: Int, _ ob: Int, _ ib: Int, _ o: Int, _ len: Int) {
                        if ia == 1 && ib == 1 {
                            for j in 0..<len { out[o &+ j] = f(pa[oa &+ j], pb[ob &+ j]) }
                        } else if ia == 1 {
                            let y = pb[ob]
                            for j in 0..<len { out[o &+ j] = f(pa[oa &+ j], y) }
                        } else if ib == 1 {
                            let x = pa[oa]
                            for j in 0..<len { out[o &+ j] = f(x, pb[ob &+ j]) }
                        } else {
                            for j in 0..<len { out[o &+ j] = f(pa[oa &+ j &* ia], pb[ob &+ j &* ib]) }
                        }
                    }
                    if a.count == n && b.count == n {
                        for i in 0..<n { out[i] = f(pa[i], pb[i]) }  // i < n == every count
                    } else if b.count == 1 && a.count == n {
                        let y = pb[0]
                        for i in 0..<n { out[i] = f(pa[i], y) }
                    } else if a.count == 1 && b.count == n {
                        let x = pa[0]
                        for i in 0..<n { out[i] = f(x, pb[i]) }
                    } else if let len = outShape.last,
                              let (ra, ia) = rowSteps(aShape, a.count, n: n, len: len),
                              let (rb, ib) = rowSteps(bShape, b.count, n: n, len: len) {
                        // Row r starts at r * ra in a (at most its last row or
                        // column, rowSteps) and at r * len in the output.
                        for r in 0..<(n / len) { row(r &* ra, ia, r &* rb, ib, r &* len, len) }
                    } else {
                        let sa = Shape.broadcastStrides(aShape, to: outShape)
                        let sb = Shape.broadcastStrides(bShape, to: outShape)
                        forEachRow(outShape, sa, sb) { oa, ia, ob, ib, o, len in row(oa, ia, ob, ib, o, len) }
                    }
                }
            }
        }
    }

    /// The steps through an operand of `count` elements and `shape`
    /// (broadcasting to an output of `n > 0` elements whose last dimension
    /// is `len`) from one output row to the next and along a row, when they
    /// are the same for every row:
    ///
    /// | operand | count | (row step, column step) |
    /// |---|---|---|
    /// | whole | `n` | `(len, 1)` |
    /// | one element | 1 | `(0, 0)` |
    /// | one row (a bias), last dimension `len` | `len` | `(0, 1)` |
    /// | one column, last dimension 1 | `n / len` | `(1, 0)` |
    ///
    /// nil otherwise. Since the shape broadcasts to the output, a row's
    /// count means its other dimensions are 1, and a column's that they
    /// equal the output's, so the steps address exactly the broadcast
    /// element.
    @inline(__always)
    static func rowSteps(_ shape: [Int], _ count: Int, n: Int, len: Int) -> (Int, Int)? {
        guard len > 0, let last = shape.last else { return count == 1 ? (0, 0) : nil }
        if count == n { return (len, 1) }
        if count == 1 { return (0, 0) }
        if last == len && count == len { return (0, 1) }
        if last == 1 && count == n / len { return (1, 0) }
        return nil
    }

    /// Walks `shape` row by row (all dimensions but the last), giving for each
    /// row the start offsets and last-dimension strides of two strided
    /// operands, the output offset (contiguous) and the row length.
    /// Dimensions that both operands walk contiguously are merged first
    /// (size-1 dimensions dropped, and each dimension merged into the
    /// next when both operands step across the pair as across one:
    /// `s[d] == s[d + 1] * shape[d + 1]`, a broadcast stride 0 included; the
    /// row-major order of elements, and so every offset, is unchanged), so rows are as long as the
    /// layouts allow: `[B, 100, 20] * [100, 20]` walks `B` rows of 2,000, not
    /// `100 B` rows of 20. The merged shape lives in a stack buffer: no
    /// allocation per call.
    @inline(__always)
    static func forEachRow(_ shape: [Int], _ sa: [Int], _ sb: [Int],
                           _ body: (_ offA: Int, _ strideA: Int, _ offB: Int, _ strideB: Int, _ offOut: Int, _ len: Int) -> Void) {
        let rank = shape.count
        if rank == 0 { body(0, 0, 0, 0, 0, 1); return }
        precondition(sa.count == rank && sb.count == rank && shape.allSatisfy { $0 >= 0 },
                     "Kernels.forEachRow: strides do not match shape \(shape)")
        // scratch: merged sizes, strides of a and b, then the odometer's counters
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 4 * rank) { scratch in
            guard let dims = scratch.baseAddress else { return }
            let pa = dims + rank, pb = dims + 2 * rank, idx = dims + 3 * rank
            var m = 0  // merged dimensions so far
            for d in 0..<rank where shape[d] != 1 {
                if m > 0, pa[m - 1] == sa[d] &* shape[d], pb[m - 1] == sb[d] &* shape[d] {
                    dims[m - 1] = dims[m - 1] &* shape[d]  // a product of the output's own sizes: at most its count
                    pa[m - 1] = sa[d]
                    pb[m - 1] = sb[d]
                } else {
                    dims[m] = shape[d]
                    pa[m] = sa[d]
                    pb[m] = sb[d]
                    m += 1
                }
            }
            if m == 0 { body(0, 0, 0, 0, 0, 1); return }
            let len = dims[m - 1], ia = pa[m - 1], ib = pb[m - 1]
            let outer = m - 1
            var rows = 1
            for d in 0..<outer { rows &*= dims[d]; idx[d] = 0 }
            var oa = 0, ob = 0
            for r in 0..<rows {
                body(oa, ia, ob, ib, r &* len, len)  // r * len < rows * len == count
                var d = outer &- 1  // 0 <= d < outer below
                while d >= 0 {
                    idx[d] &+= 1
                    oa &+= pa[d]
                    ob &+= pb[d]
                    if idx[d] < dims[d] { break }
                    oa &-= pa[d] &* dims[d]
                    ob &-= pb[d] &* dims[d]
                    idx[d] = 0
                    d &-= 1
                }
            }
        }
    }

    /// Walks the rows of `shape` (every dimension but the last) in row-major
    /// order, calling `body(row, a, b, c)` with the row's index and its start
    /// offset in up to three operands of strides `sa`, `sb`, `sc` (one per
    /// dimension of `shape`; an empty array for an unused operand).
    ///
    /// An odometer over the outer dimensions, kept in one scratch buffer so
    /// the per-row step has no array checks. With strides of operands that
    /// broadcast to `shape` (or of a permutation of one), each offset is at
    /// most `Σ (shape[d] - 1) * s[d]`, the operand's last element, so the
    /// wrapping steps never wrap.
    @inline(__always)
    static func walkRows(_ shape: [Int], _ sa: [Int], _ sb: [Int], _ sc: [Int],
                         _ body: (_ row: Int, _ a: Int, _ b: Int, _ c: Int) -> Void) {
        let rank = shape.count
        precondition((sa.isEmpty || sa.count == rank) && (sb.isEmpty || sb.count == rank)
                     && (sc.isEmpty || sc.count == rank) && shape.allSatisfy { $0 >= 0 },
                     "Kernels.walkRows: strides do not match shape \(shape)")
        let outer = rank - 1  // the dimensions walked
        if outer <= 0 { body(0, 0, 0, 0); return }
        let rows = shape[..<outer].reduce(1, *)
        guard rows > 0 else { return }
        let hasB = !sb.isEmpty, hasC = !sc.isEmpty  // constants once inlined: unused operands cost nothing
        // scratch: counters, sizes, and the three operands' strides, `outer` each
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 5 * outer) { scratch in
            guard let idx = scratch.baseAddress else { return }
            let dims = idx + outer, pa = idx + 2 * outer, pb = idx + 3 * outer, pc = idx + 4 * outer
            for d in 0..<outer {
                idx[d] = 0
                dims[d] = shape[d]
                pa[d] = sa.isEmpty ? 0 : sa[d]
                pb[d] = sb.isEmpty ? 0 : sb[d]
                pc[d] = sc.isEmpty ? 0 : sc[d]
            }
            var oa = 0, ob = 0, oc = 0
            for r in 0..<rows {
                body(r, oa, ob, oc)
                var d = outer &- 1  // 0 <= d < outer below
                while d >= 0 {
                    idx[d] &+= 1
                    oa &+= pa[d]
                    if hasB { ob &+= pb[d] }
                    if hasC { oc &+= pc[d] }
                    if idx[d] < dims[d] { break }
                    oa &-= pa[d] &* dims[d]
                    if hasB { ob &-= pb[d] &* dims[d] }
                    if hasC { oc &-= pc[d] &* dims[d] }
                    idx[d] = 0
                    d &-= 1
                }
            }
        }
    }

    /// `out = c != 0 ? a : b` with the three operands broadcast to `outShape`.
    static func select<T: Numeric & BitwiseCopyable>(_ c: [T], _ cShape: [Int], _ a: [T], _ aShape: [Int],
                                        _ b: [T], _ bShape: [Int], _ outShape: [Int]) -> [T] {
        let n = outShape.reduce(1, *)
        checkBroadcast(c.count, cShape, to: outShape)
        checkBroadcast(a.count, aShape, to: outShape)
        checkBroadcast(b.count, bShape, to: outShape)
        return Kernels.uninitialized(n) { buffer, initialized in
            let out = buffer  // a copy: closures capturing the inout reload it per element
            initialized = n
            guard n > 0 else { return }
            c.withUnsafeBufferPointer { pc in
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        if c.count == n && a.count == n && b.count == n {
                            // both sides read, then chosen: a blend the loop vectorises (a branch per element does not)
                            for i in 0..<n { let x = pa[i], y = pb[i]; out[i] = pc[i] != 0 ? x : y }  // i < n == every count
                            return
                        }
                        let rank = outShape.count
                        let sc = Shape.broadcastStrides(cShape, to: outShape)
                        let sa = Shape.broadcastStrides(aShape, to: outShape)
                        let sb = Shape.broadcastStrides(bShape, to: outShape)
                        let len = outShape[rank - 1]
                        let (ic, ia, ib) = (sc[rank - 1], sa[rank - 1], sb[rank - 1])
                        // As in zip: o + j < n, and each operand's offset is at most
                        // its last element's (checkBroadcast above).
                        walkRows(outShape, sc, sa, sb) { r, oc, oa, ob in
                            let o = r &* len
                            for j in 0..<len {
                                let x = pa[oa &+ j &* ia], y = pb[ob &+ j &* ib]
                                out[o &+ j] = pc[oc &+ j &* ic] != 0 ? x : y
                            }
                        }
                    }
                }
            }
        }
    }
}
