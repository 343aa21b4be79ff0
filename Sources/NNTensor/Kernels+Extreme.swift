/// The max and min reductions' loops: along a row (`rowExtreme`) and down
/// columns (`columnExtreme`), of the values or of their magnitudes `|x|`
/// (`magnitude`: the sign bit cleared as each element is read, so the
/// infinity norm `max |x|` needs no copy of `|x|`).
///
/// NaN wins, as `torch.amax`: a lane that has seen a NaN keeps it (the
/// blend takes `v` where `v` is NaN, and nothing replaces a NaN, since
/// every comparison with it is false).
///
/// Concrete `Float`/`Double` loops: SIMD comparisons on a generic
/// `SIMD8<T>` compile to per-lane code, on concrete types to packed
/// compares and blends. Safety as every kernel (`Kernels.swift`): the
/// callers pass pointers to `n` elements (rows) or to `r` rows of `stride`
/// (columns), and a vector load at `i` is made only while `i + 8 <= n`
/// (`i + 4` for doubles).
extension Kernels {
    /// The largest (`max`) or smallest element of `p[0..<n]` (of `|p|`
    /// with `magnitude`), `n > 0`; NaN when any element is NaN.
    @inline(__always)
    static func rowExtreme<T: TensorScalar>(_ p: UnsafePointer<T>, _ n: Int, max: Bool, magnitude: Bool = false) -> T {
        if T.self == Float.self {
            let r = rowExtreme8(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n, max: max, magnitude: magnitude)
            return unsafeBitCast(r, to: T.self)
        }
        let r = rowExtreme4(UnsafeRawPointer(p).assumingMemoryBound(to: Double.self), n, max: max, magnitude: magnitude)
        return unsafeBitCast(r, to: T.self)
    }

    /// `y[j]` = the largest (`max`) or smallest of `s[k * stride + j]` (of
    /// their magnitudes with `magnitude`) over the `r ≥ 1` rows, for `j` in
    /// `cols`; NaN when any is NaN. `y` must not overlap the rows read.
    @inline(__always)
    static func columnExtreme<T: TensorScalar>(_ s: UnsafePointer<T>, _ r: Int, _ stride: Int, _ cols: Range<Int>,
                                               _ y: UnsafeMutablePointer<T>, max: Bool, magnitude: Bool = false) {
        if T.self == Float.self {
            columnExtreme8(UnsafeRawPointer(s).assumingMemoryBound(to: Float.self), r, stride, cols,
                           UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), max: max, magnitude: magnitude)
        } else {
            columnExtreme4(UnsafeRawPointer(s).assumingMemoryBound(to: Double.self), r, stride, cols,
                           UnsafeMutableRawPointer(y).assumingMemoryBound(to: Double.self), max: max, magnitude: magnitude)
        }
    }

    /// `v` with every lane's sign bit cleared when `magnitude` (NaN stays NaN).
    @inline(__always)
    static func mag8(_ v: SIMD8<Float>, _ magnitude: Bool) -> SIMD8<Float> {
        magnitude ? unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7fff_ffff, to: SIMD8<Float>.self) : v
    }

    @inline(__always)
    static func mag4(_ v: SIMD4<Double>, _ magnitude: Bool) -> SIMD4<Double> {
        magnitude ? unsafeBitCast(unsafeBitCast(v, to: SIMD4<UInt64>.self) & 0x7fff_ffff_ffff_ffff, to: SIMD4<Double>.self) : v
    }

    /// `columnExtreme` on eight float lanes, row after row (the rows are
    /// read as they lie; `y`'s columns stay in L1).
    static func columnExtreme8(_ s: UnsafePointer<Float>, _ r: Int, _ stride: Int, _ cols: Range<Int>,
                               _ y: UnsafeMutablePointer<Float>, max: Bool, magnitude: Bool) {
        let lo = cols.lowerBound, hi = cols.upperBound
        let vectorEnd = lo &+ (hi &- lo) / 8 &* 8
        for j in lo..<hi { y[j] = magnitude ? Swift.abs(s[j]) : s[j] }
        // Offsets: k * stride + j < (r - 1) * stride + hi, inside the rows.
        for k in 1..<Swift.max(r, 1) {
            let row = s + k &* stride
            var j = lo
            while j < vectorEnd {
                let v = mag8(load8(row + j), magnitude)
                var m = load8(UnsafePointer(y + j))
                m.replace(with: v, where: (max ? v .> m : v .< m) .| (v .!= v))
                store8(m, y + j)
                j &+= 8
            }
            while j < hi {
                let v = magnitude ? Swift.abs(row[j]) : row[j]
                if (max ? v > y[j] : v < y[j]) || v != v { y[j] = v }
                j &+= 1
            }
        }
    }

    /// `columnExtreme` on four double lanes (see `columnExtreme8`).
    static func columnExtreme4(_ s: UnsafePointer<Double>, _ r: Int, _ stride: Int, _ cols: Range<Int>,
                               _ y: UnsafeMutablePointer<Double>, max: Bool, magnitude: Bool) {
        typealias V = SIMD4<Double>
        let lo = cols.lowerBound, hi = cols.upperBound
        let vectorEnd = lo &+ (hi &- lo) / 4 &* 4
        for j in lo..<hi { y[j] = magnitude ? Swift.abs(s[j]) : s[j] }
        for k in 1..<Swift.max(r, 1) {
            let row = s + k &* stride
            var j = lo
            while j < vectorEnd {
                let v = mag4(UnsafeRawPointer(row + j).loadUnaligned(as: V.self), magnitude)
                var m = UnsafeRawPointer(y + j).loadUnaligned(as: V.self)
                m.replace(with: v, where: (max ? v .> m : v .< m) .| (v .!= v))
                UnsafeMutableRawPointer(y + j).storeBytes(of: m, as: V.self)
                j &+= 4
            }
            while j < hi {
                let v = magnitude ? Swift.abs(row[j]) : row[j]
                if (max ? v > y[j] : v < y[j]) || v != v { y[j] = v }
                j &+= 1
            }
        }
    }

    static func rowExtreme8(_ p: UnsafePointer<Float>, _ n: Int, max: Bool, magnitude: Bool) -> Float {
        var i = 0
        var best = magnitude ? Swift.abs(p[0]) : p[0]
        var sawNaN = false
        if n >= 16 {
            var m0 = mag8(load8(p), magnitude), m1 = mag8(load8(p + 8), magnitude)
            var nan0 = m0 .!= m0, nan1 = m1 .!= m1
            i = 16
            while i &+ 16 <= n {
                let v0 = mag8(load8(p + i), magnitude), v1 = mag8(load8(p + i + 8), magnitude)
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
            let v = magnitude ? Swift.abs(p[i]) : p[i]
            if v != v { sawNaN = true }
            if max ? v > best : v < best { best = v }
            i &+= 1
        }
        return sawNaN || best != best ? .nan : best
    }

    static func rowExtreme4(_ p: UnsafePointer<Double>, _ n: Int, max: Bool, magnitude: Bool) -> Double {
        typealias V = SIMD4<Double>
        @inline(__always) func ld(_ q: UnsafePointer<Double>) -> V {
            mag4(UnsafeRawPointer(q).loadUnaligned(as: V.self), magnitude)
        }
        var i = 0
        var best = magnitude ? Swift.abs(p[0]) : p[0]
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
            let v = magnitude ? Swift.abs(p[i]) : p[i]
            if v != v { sawNaN = true }
            if max ? v > best : v < best { best = v }
            i &+= 1
        }
        return sawNaN || best != best ? .nan : best
    }
}
