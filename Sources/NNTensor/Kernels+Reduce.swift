/// Reduction kernels: sum, max and min over any set of axes, argmax/argmin
/// over one axis, and the row helpers softmax and logsumexp are built from.
///
/// A reduction over a block of consecutive axes sees the tensor as
/// `[outer, R, inner]`. With `inner == 1` each output is one contiguous row,
/// reduced with eight-lane SIMD accumulators; otherwise rows of `inner`
/// elements are combined elementwise (also contiguous, also vectorised).
/// Axes that are not consecutive are reduced one block at a time.
///
/// Sums are pairwise (`Kernels+Sum.swift`): the rounding error of a sum of
/// `n` terms grows as `O(ε log n)`, not `O(ε n)`, along either layout.
extension Kernels {
    enum Reduction { case sum, max, min }

    /// `x` (of `shape`) reduced over `axes` (normalised, sorted), laid out
    /// with the reduced dimensions kept as 1. Max and min of an empty axis
    /// are the caller's to refuse; an empty sum is 0.
    static func reduce<T: TensorScalar>(_ kind: Reduction, _ x: [T], _ shape: [Int], _ axes: [Int]) -> [T] {
        reduceBlocks(x, shape, axes) { reduce3(kind, $0, $1, $2, $3) }
    }

    /// The largest (`max: true`) or smallest `|x|` over `axes` (normalised,
    /// sorted, not empty): `abs` applied as each element is read, so no
    /// copy of `|x|` is made. NaN where any is NaN. The same values as
    /// `reduce(kind, |x|, …)`.
    static func reduceMagnitude<T: TensorScalar>(_ x: [T], _ shape: [Int], _ axes: [Int], max: Bool) -> [T] {
        var first = true  // later blocks read magnitudes already
        return reduceBlocks(x, shape, axes) {
            defer { first = false }
            return reduce3(max ? .max : .min, $0, $1, $2, $3, magnitude: first)
        }
    }

    /// Reduces `x` (of `shape`) over `axes` (normalised, sorted) one block
    /// of consecutive axes at a time, last block first, each seen as
    /// `[outer, r, inner]` and handed to `reduce3(x, outer, r, inner)`; the
    /// reduced dimensions stay as 1. Shared by every element type.
    @inline(__always)
    static func reduceBlocks<T>(_ x: [T], _ shape: [Int], _ axes: [Int],
                                _ reduce3: ([T], Int, Int, Int) -> [T]) -> [T] {
        var cur = x
        var curShape = shape
        for block in consecutiveBlocks(axes).reversed() {
            let outer = curShape[..<block.lowerBound].reduce(1, *)
            let r = curShape[block].reduce(1, *)
            let inner = curShape[block.upperBound...].reduce(1, *)
            cur = reduce3(cur, outer, r, inner)
            for a in block { curShape[a] = 1 }
        }
        return cur
    }

    /// Sorted axes grouped into runs of consecutive values, as half-open ranges.
    static func consecutiveBlocks(_ axes: [Int]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for a in axes {
            if let last = out.last, last.upperBound == a {
                out[out.count - 1] = last.lowerBound..<(a + 1)
            } else {
                out.append(a..<(a + 1))
            }
        }
        return out
    }

    /// Reduces `x` seen as `[outer, r, inner]` over the middle dimension.
    /// With `magnitude` (max and min only), of `|x|`.
    static func reduce3<T: TensorScalar>(_ kind: Reduction, _ x: [T], _ outer: Int, _ r: Int, _ inner: Int,
                                         magnitude: Bool = false) -> [T] {
        let n = outer * inner
        precondition(x.count == outer * r * inner, "Kernels.reduce3: \(x.count) elements are not [\(outer), \(r), \(inner)]")
        return Kernels.uninitialized(n) { out, initialized in
            initialized = n
            guard n > 0, let po = out.baseAddress else { return }
            guard r > 0 else {
                po.initialize(repeating: 0, count: n)
                return
            }
            x.withUnsafeBufferPointer { px in
                guard let base = px.baseAddress else { return }
                let src = SendablePointer(UnsafeMutablePointer(mutating: base)), dst = SendablePointer(po)
                // Offsets below: o * r * inner + k * inner + j < x.count and
                // o * inner + j < n, for o < outer, k < r, j < inner.
                if inner == 1 && outer == 1 && kind == .sum {
                    // one long row: its pairwise tree split across cores
                    dst.base[0] = parallelRowSum(UnsafePointer(src.base), r)
                } else if inner == 1 {
                    parallelRows(outer, rowLength: r) { rows in
                        for o in rows {
                            let row = UnsafePointer(src.base + o &* r)
                            switch kind {
                            case .sum: dst.base[o] = rowSum(row, r)
                            case .max: dst.base[o] = rowExtreme(row, r, max: true, magnitude: magnitude)
                            case .min: dst.base[o] = rowExtreme(row, r, max: false, magnitude: magnitude)
                            }
                        }
                    }
                } else {
                    // split the inner dimension across cores; each chunk walks every outer slice
                    parallelFor(inner, grain: Swift.max(64, parallelGrain / Swift.max(r * outer, 1))) { cols in
                        if kind == .sum {
                            for o in 0..<outer {
                                columnSum(UnsafePointer(src.base + o &* r &* inner), r, inner, cols, dst.base + o &* inner)
                            }
                            return
                        }
                        for o in 0..<outer {
                            columnExtreme(UnsafePointer(src.base + o &* r &* inner), r, inner, cols,
                                          dst.base + o &* inner, max: kind == .max, magnitude: magnitude)
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    static func load8<T: TensorScalar>(_ p: UnsafePointer<T>) -> SIMD8<T> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
    }

    @inline(__always)
    static func store8<T: TensorScalar>(_ v: SIMD8<T>, _ p: UnsafeMutablePointer<T>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<T>.self)
    }

    /// `exp(x)` lane by lane for either scalar type (eight lanes).
    @inline(__always)
    static func vexp<T: TensorScalar>(_ v: SIMD8<T>) -> SIMD8<T> {
        if T.self == Float.self {
            let f = unsafeBitCast(v, to: SIMD8<Float>.self)
#if NN_AVX512
            return unsafeBitCast(expF(FV(lowHalf: f, highHalf: f)).lowHalf, to: SIMD8<T>.self)
#else
            return unsafeBitCast(expF(f), to: SIMD8<T>.self)
#endif
        }
        let d = unsafeBitCast(v, to: SIMD8<Double>.self)
        return unsafeBitCast(SIMD8<Double>(lowHalf: exp4(d.lowHalf), highHalf: exp4(d.highHalf)), to: SIMD8<T>.self)
    }

    /// The index of the first largest (`max`) or smallest element along the
    /// middle dimension of `[outer, r, inner]`, `r > 0`; the first NaN wins,
    /// as `torch.argmax` (an integer is never NaN). Indices are int64.
    static func argExtreme<T: Comparable & BitwiseCopyable>(_ x: [T], _ outer: Int, _ r: Int, _ inner: Int, max: Bool) -> [Int64] {
        precondition(x.count == outer * r * inner, "Kernels.argExtreme: \(x.count) elements are not [\(outer), \(r), \(inner)]")
        let n = outer * inner
        var out = [Int64](repeating: 0, count: n)
        guard n > 0 else { return out }
        var best = [T](repeating: x[0], count: inner)
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                best.withUnsafeMutableBufferPointer { best in
                    // s + k * inner + j < (o + 1) * r * inner <= x.count and
                    // o * inner + j < n, for o < outer, k < r, j < inner
                    for o in 0..<outer {
                        let s = o &* r &* inner
                        for j in 0..<inner { best[j] = px[s &+ j] }
                        for k in 1..<Swift.max(r, 1) {
                            let row = s &+ k &* inner
                            for j in 0..<inner {
                                let v = px[row &+ j], b = best[j]
                                guard b == b else { continue }
                                if (max ? v > b : v < b) || v != v {
                                    best[j] = v
                                    po[o &* inner &+ j] = Int64(k)
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
