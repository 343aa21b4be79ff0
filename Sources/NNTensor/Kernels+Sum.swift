import Dispatch

/// Pairwise summation: the sums behind `sum`, `mean`, `var`, `std`, `norm`,
/// `logsumexp`, `softmax`/`logSoftmax` and the losses built on them.
///
/// A serial sum `((x₀ + x₁) + x₂) + …` of `n` terms in a type of precision
/// `ε` has a rounding error bounded by `(n - 1) ε Σ|xᵢ|`: for float32 and
/// `n = 10⁷` that is the whole sum (`full([10000000], 0.1).sum()` came out
/// `997297.56`). Splitting the terms in halves, summing each half the same
/// way and adding the two results bounds the error by `⌈log₂ n⌉ ε Σ|xᵢ|`.
/// Recursing down to single terms would be slow, so the recursion stops at
/// blocks summed directly (as NumPy does):
///
/// - along a contiguous row, blocks of `rowBlock` (512) elements, each summed
///   with four eight-lane SIMD accumulators (every lane adds 16 terms, as in
///   NumPy), the lanes combined as a tree: error
///   `≤ (16 + 5 + ⌈log₂(n / 512)⌉) ε Σ|xᵢ|`; rows of 2¹⁸ elements or more
///   are summed on several cores, bit-identically (`parallelRowSum`);
/// - down columns (`[r, inner]` reduced over `r`), blocks of `columnLeafRows`
///   (16) rows added elementwise, the block results combined pairwise.
///
/// The blocks do the same work as the serial loops did; the tree costs a call
/// and a horizontal sum per block (about 10% on a 10⁷-element row on one
/// core, more than won back by `parallelRowSum`).
extension Kernels {
    /// Elements of a contiguous row summed directly before pairwise combination.
    static var rowBlock: Int { 512 }

    /// Rows of a column sum added serially before pairwise combination.
    static var columnLeafRows: Int { 16 }

    /// Columns a column sum works on at a time (bounds its scratch memory).
    static var columnTile: Int { 256 }

    /// `Σ p[0..<n]`, pairwise over blocks of `rowBlock` elements (see above).
    ///
    /// The recursion runs in concrete `Float`/`Double` functions. Variants
    /// that carried eight-lane vectors through the tree, or streamed blocks
    /// into a binary counter of partial sums, measured slower than this one
    /// (by 10% to 3×), and so did blocks of 256.
    @inline(__always)
    static func rowSum<T: TensorScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        if n <= rowBlock { return blockSum(p, n) }
        let raw = UnsafeRawPointer(p)
        if T.self == Float.self {
            return unsafeBitCast(pairwiseSum(raw.assumingMemoryBound(to: Float.self), n), to: T.self)
        }
        return unsafeBitCast(pairwiseSum(raw.assumingMemoryBound(to: Double.self), n), to: T.self)
    }

    /// `rowSum` for floats.
    static func pairwiseSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        if n <= rowBlock { return blockSum(p, n) }
        let half = pairwiseSplit(n)
        return pairwiseSum(p, half) + pairwiseSum(p + half, n &- half)
    }

    /// `rowSum` for doubles.
    static func pairwiseSum(_ p: UnsafePointer<Double>, _ n: Int) -> Double {
        if n <= rowBlock { return blockSum(p, n) }
        let half = pairwiseSplit(n)
        return pairwiseSum(p, half) + pairwiseSum(p + half, n &- half)
    }

    /// Rows at least this long are summed on several cores (`parallelRowSum`).
    static var parallelSumLength: Int { 1 << 18 }

    /// `rowSum` of one long row, its top levels of the tree split across
    /// cores: each core sums whole subtrees, which are then added in the same
    /// tree, so the result is the same bits as `rowSum` on any number of cores.
    static func parallelRowSum<T: TensorScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        guard coreCount > 1, n >= parallelSumLength else { return rowSum(p, n) }
        // split into 2^levels subtrees, at least as many as cores, each long
        var levels = 0
        while (1 << levels) < coreCount, n >> (levels + 1) >= parallelSumLength / 2 { levels += 1 }
        var bounds = [0, n]
        for _ in 0..<levels {
            var next = [0]
            for k in 1..<bounds.count {
                let lo = bounds[k - 1], len = bounds[k] - lo
                if len > rowBlock { next.append(lo + pairwiseSplit(len)) }
                next.append(bounds[k])
            }
            bounds = next
        }
        let parts = bounds.count - 1
        var sums = [T](repeating: 0, count: parts)
        sums.withUnsafeMutableBufferPointer { ps in
            guard let base = ps.baseAddress else { return }
            let out = SendablePointer(base), src = SendablePointer(UnsafeMutablePointer(mutating: p))
            let b = bounds
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                out.base[k] = rowSum(UnsafePointer(src.base + b[k]), b[k + 1] - b[k])
            }
        }
        // add the subtrees back up the same tree: neighbours, level by level
        while sums.count > 1 {
            sums = stride(from: 0, to: sums.count, by: 2).map { k in k + 1 < sums.count ? sums[k] + sums[k + 1] : sums[k] }
        }
        return sums[0]
    }

    /// Where a row of `n > rowBlock` elements is split: about half way, at a
    /// multiple of `rowBlock` (so every block but the last is whole and the
    /// SIMD loops run without a tail), and strictly inside the row.
    @inline(__always)
    static func pairwiseSplit(_ n: Int) -> Int {
        ((n / 2) &+ (rowBlock &- 1)) & ~(rowBlock &- 1)
    }

    /// `Σ p[0..<n]` with four eight-lane accumulators, for `n ≤ rowBlock`.
    @inline(__always)
    static func blockSum<T: TensorScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        var a0 = SIMD8<T>(), a1 = SIMD8<T>(), a2 = SIMD8<T>(), a3 = SIMD8<T>()
        var i = 0
        while i &+ 32 <= n {
            a0 += load8(p + i); a1 += load8(p + i + 8); a2 += load8(p + i + 16); a3 += load8(p + i + 24)
            i &+= 32
        }
        while i &+ 8 <= n { a0 += load8(p + i); i &+= 8 }
        var s = ((a0 + a1) + (a2 + a3)).sum()
        while i < n { s += p[i]; i &+= 1 }
        return s
    }

    /// `Σ exp(x[i] - shift)` over `n` elements, also storing each term in `y`
    /// when given; pairwise over blocks of `rowBlock`, as `rowSum`.
    static func rowExpSum<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>?, _ n: Int, shift: T) -> T {
        if n <= rowBlock { return blockExpSum(x, y, n, shift: shift) }
        let half = pairwiseSplit(n)
        return rowExpSum(x, y, half, shift: shift) + rowExpSum(x + half, y.map { $0 + half }, n &- half, shift: shift)
    }

    /// `Σ exp(x[i] - shift)` for `n ≤ rowBlock`, storing the terms in `y` when given.
    @inline(__always)
    static func blockExpSum<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>?, _ n: Int, shift: T) -> T {
        var a0 = SIMD8<T>(), a1 = SIMD8<T>()
        let m = SIMD8<T>(repeating: shift)
        var i = 0
        while i &+ 16 <= n {
            let e0 = vexp(load8(x + i) - m), e1 = vexp(load8(x + i + 8) - m)
            if let y { store8(e0, y + i); store8(e1, y + i + 8) }
            a0 += e0; a1 += e1
            i &+= 16
        }
        if i &+ 8 <= n {
            let e0 = vexp(load8(x + i) - m)
            if let y { store8(e0, y + i) }
            a0 += e0
            i &+= 8
        }
        var s = (a0 + a1).sum()
        // Fewer than 8 elements remain: one partial vector, padded with -inf.
        if i < n {
            var v = SIMD8<T>(repeating: -.infinity)
            for j in 0..<(n &- i) { v[j] = x[i &+ j] }
            let e = vexp(v - m)
            for j in 0..<(n &- i) {
                y?[i &+ j] = e[j]
                s += e[j]
            }
        }
        return s
    }

    /// `y[j] = Σ_k s[k * stride + j]` for `j` in `cols`, over `r ≥ 1` rows:
    /// pairwise over blocks of `columnLeafRows` rows, `columnTile` columns at
    /// a time. `y` must not overlap the rows read.
    static func columnSum<T: TensorScalar>(_ s: UnsafePointer<T>, _ r: Int, _ stride: Int,
                                           _ cols: Range<Int>, _ y: UnsafeMutablePointer<T>) {
        guard r > columnLeafRows else {
            columnLeaf(s + cols.lowerBound, r, stride, cols.count, y + cols.lowerBound)
            return
        }
        // Levels of halving (rounding up) until a block fits a leaf; each
        // level keeps one tile of partial sums in the scratch.
        var depth = 0, m = r
        while m > columnLeafRows { m = (m &+ 1) / 2; depth &+= 1 }
        let tile = Swift.min(columnTile, cols.count)
        withUnsafeTemporaryAllocation(of: T.self, capacity: depth * tile) { scratch in
            guard let sp = scratch.baseAddress else { return }
            var c = cols.lowerBound
            while c < cols.upperBound {
                let w = Swift.min(tile, cols.upperBound &- c)
                columnPairwise(s + c, r, stride, w, y + c, sp)
                c &+= w
            }
        }
    }

    /// `y[0..<w] = Σ_k s[k * stride + 0..<w]` over `r` rows, pairwise; the
    /// scratch holds `w` elements per level of recursion below this one.
    static func columnPairwise<T: TensorScalar>(_ s: UnsafePointer<T>, _ r: Int, _ stride: Int, _ w: Int,
                                                _ y: UnsafeMutablePointer<T>, _ scratch: UnsafeMutablePointer<T>) {
        if r <= columnLeafRows {
            columnLeaf(s, r, stride, w, y)
            return
        }
        let h = r / 2
        columnPairwise(s, h, stride, w, y, scratch)
        columnPairwise(s + h * stride, r &- h, stride, w, scratch, scratch + w)
        for j in 0..<w { y[j] += scratch[j] }
    }

    /// `y[0..<w] = Σ_k s[k * stride + 0..<w]` over `1 ≤ r` rows, serially.
    @inline(__always)
    static func columnLeaf<T: TensorScalar>(_ s: UnsafePointer<T>, _ r: Int, _ stride: Int, _ w: Int,
                                            _ y: UnsafeMutablePointer<T>) {
        for j in 0..<w { y[j] = s[j] }
        var k = 1
        while k < r {
            let row = s + k * stride
            for j in 0..<w { y[j] += row[j] }
            k &+= 1
        }
    }
}
