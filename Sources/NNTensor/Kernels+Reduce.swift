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
    static func reduce3<T: TensorScalar>(_ kind: Reduction, _ x: [T], _ outer: Int, _ r: Int, _ inner: Int) -> [T] {
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
                            case .max: dst.base[o] = rowExtreme(row, r, max: true)
                            case .min: dst.base[o] = rowExtreme(row, r, max: false)
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
                                          dst.base + o &* inner, max: kind == .max)
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

    /// The largest (`max`) or smallest element of `p[0..<n]`, `n > 0`;
    /// NaN when any element is NaN, as `torch.amax`.
    ///
    /// Dispatches to concrete `Float`/`Double` loops: SIMD comparisons on a
    /// generic `SIMD8<T>` compile to per-lane code, on concrete types to
    /// packed compares and blends.
    @inline(__always)
    static func rowExtreme<T: TensorScalar>(_ p: UnsafePointer<T>, _ n: Int, max: Bool) -> T {
        if T.self == Float.self {
            let r = rowExtreme8(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n, max: max)
            return unsafeBitCast(r, to: T.self)
        }
        let r = rowExtreme4(UnsafeRawPointer(p).assumingMemoryBound(to: Double.self), n, max: max)
        return unsafeBitCast(r, to: T.self)
    }

    /// `y[j]` = the largest (`max`) or smallest of `s[k * stride + j]` over
    /// the `r ≥ 1` rows, for `j` in `cols`; NaN when any is NaN. `y` must not
    /// overlap the rows read. Concrete `Float`/`Double` loops, as `rowExtreme`.
    @inline(__always)
    static func columnExtreme<T: TensorScalar>(_ s: UnsafePointer<T>, _ r: Int, _ stride: Int, _ cols: Range<Int>,
                                               _ y: UnsafeMutablePointer<T>, max: Bool) {
        if T.self == Float.self {
            columnExtreme8(UnsafeRawPointer(s).assumingMemoryBound(to: Float.self), r, stride, cols,
                           UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), max: max)
        } else {
            columnExtreme4(UnsafeRawPointer(s).assumingMemoryBound(to: Double.self), r, stride, cols,
                           UnsafeMutableRawPointer(y).assumingMemoryBound(to: Double.self), max: max)
        }
    }

    /// `columnExtreme` on eight float lanes, row after row (the rows are
    /// read as they lie; `y`'s columns stay in L1): a lane that has seen a
    /// NaN keeps it (the blend takes `v` where `v` is NaN, and nothing
    /// replaces a NaN, since every comparison with it is false).
    static func columnExtreme8(_ s: UnsafePointer<Float>, _ r: Int, _ stride: Int, _ cols: Range<Int>,
                               _ y: UnsafeMutablePointer<Float>, max: Bool) {
        let lo = cols.lowerBound, hi = cols.upperBound
        let vectorEnd = lo &+ (hi &- lo) / 8 &* 8
        for j in lo..<hi { y[j] = s[j] }
        // Offsets: k * stride + j < (r - 1) * stride + hi, inside the rows.
        for k in 1..<Swift.max(r, 1) {
            let row = s + k &* stride
            var j = lo
            while j < vectorEnd {
                let v = load8(row + j)
                var m = load8(UnsafePointer(y + j))
                m.replace(with: v, where: (max ? v .> m : v .< m) .| (v .!= v))
                store8(m, y + j)
                j &+= 8
            }
            while j < hi {
                let v = row[j]
                if (max ? v > y[j] : v < y[j]) || v != v { y[j] = v }
                j &+= 1
            }
        }
    }

    /// `columnExtreme` on four double lanes (see `columnExtreme8`).
    static func columnExtreme4(_ s: UnsafePointer<Double>, _ r: Int, _ stride: Int, _ cols: Range<Int>,
                               _ y: UnsafeMutablePointer<Double>, max: Bool) {
        typealias V = SIMD4<Double>
        let lo = cols.lowerBound, hi = cols.upperBound
        let vectorEnd = lo &+ (hi &- lo) / 4 &* 4
        for j in lo..<hi { y[j] = s[j] }
        for k in 1..<Swift.max(r, 1) {
            let row = s + k &* stride
            var j = lo
            while j < vectorEnd {
                let v = UnsafeRawPointer(row + j).loadUnaligned(as: V.self)
                var m = UnsafeRawPointer(y + j).loadUnaligned(as: V.self)
                m.replace(with: v, where: (max ? v .> m : v .< m) .| (v .!= v))
                UnsafeMutableRawPointer(y + j).storeBytes(of: m, as: V.self)
                j &+= 4
            }
            while j < hi {
                let v = row[j]
                if (max ? v > y[j] : v < y[j]) || v != v { y[j] = v }
                j &+= 1
            }
        }
    }

    static func rowExtreme8(_ p: UnsafePointer<Float>, _ n: Int, max: Bool) -> Float {
        var i = 0
        var best = p[0]
        var sawNaN = false
        if n >= 16 {
            var m0 = load8(p), m1 = load8(p + 8)
            var nan0 = m0 .!= m0, nan1 = m1 .!= m1
            i = 16
            while i &+ 16 <= n {
                let v0 = load8(p + i), v1 = load8(p + i + 8)
                if max {
                    m0.replace(with: v0, where: v0 .> m0); m1.replace(with: v1, where: v1 .> m1)
                } else {
                    m0.replace(with: v0, where: v0 .< m0); m1.replace(with: v1, where: v1 .< m1)
                }
                nan0 .|= v0 .!= v0; nan1 .|= v1 .!= v1
                i &+= 16
            }
            sawNaN = any(nan0 .| nan1)
            m0.replace(with: m1, where: max ? m1 .> m0 : m1 .< m0)
            best = m0[0]
            for j in 1..<8 where max ? m0[j] > best : m0[j] < best { best = m0[j] }
        }
        while i < n {
            let v = p[i]
            if v != v { sawNaN = true }
            if max ? v > best : v < best { best = v }
            i &+= 1
        }
        return sawNaN || best != best ? .nan : best
    }

    static func rowExtreme4(_ p: UnsafePointer<Double>, _ n: Int, max: Bool) -> Double {
        typealias V = SIMD4<Double>
        @inline(__always) func ld(_ q: UnsafePointer<Double>) -> V { UnsafeRawPointer(q).loadUnaligned(as: V.self) }
        var i = 0
        var best = p[0]
        var sawNaN = false
        if n >= 8 {
            var m0 = ld(p), m1 = ld(p + 4)
            var nan0 = m0 .!= m0, nan1 = m1 .!= m1
            i = 8
            while i &+ 8 <= n {
                let v0 = ld(p + i), v1 = ld(p + i + 4)
                if max {
                    m0.replace(with: v0, where: v0 .> m0); m1.replace(with: v1, where: v1 .> m1)
                } else {
                    m0.replace(with: v0, where: v0 .< m0); m1.replace(with: v1, where: v1 .< m1)
                }
                nan0 .|= v0 .!= v0; nan1 .|= v1 .!= v1
                i &+= 8
            }
            sawNaN = any(nan0 .| nan1)
            m0.replace(with: m1, where: max ? m1 .> m0 : m1 .< m0)
            best = m0[0]
            for j in 1..<4 where max ? m0[j] > best : m0[j] < best { best = m0[j] }
        }
        while i < n {
            let v = p[i]
            if v != v { sawNaN = true }
            if max ? v > best : v < best { best = v }
            i &+= 1
        }
        return sawNaN || best != best ? .nan : best
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
