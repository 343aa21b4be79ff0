/// Elementwise kernels over contiguous buffers, generic over `Float` and
/// `Double` and specialised by the compiler for each. Loops run over raw
/// buffer pointers so they vectorise.
enum Kernels {
    /// `out[i] = f(a[i])`.
    @inline(__always)
    static func map<T: TensorScalar>(_ a: [T], _ f: (T) -> T) -> [T] {
        let n = a.count
        return [T](unsafeUninitializedCapacity: n) { out, initialized in
            a.withUnsafeBufferPointer { pa in
                for i in 0..<n { out[i] = f(pa[i]) }
            }
            initialized = n
        }
    }

    /// `out = f(a, b)` with NumPy broadcasting from `aShape`, `bShape` to `outShape`.
    ///
    /// Fast paths for equal shapes and for a one-element operand; otherwise
    /// the outer dimensions are walked with an odometer and the last
    /// dimension runs as an inner loop with stride 0 or 1 per operand.
    @inline(__always)
    static func zip<T: TensorScalar>(_ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int],
                                     _ outShape: [Int], _ f: (T, T) -> T) -> [T] {
        let n = outShape.reduce(1, *)
        return [T](unsafeUninitializedCapacity: n) { out, initialized in
            initialized = n
            guard n > 0 else { return }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    if a.count == n && b.count == n {
                        for i in 0..<n { out[i] = f(pa[i], pb[i]) }
                    } else if b.count == 1 && a.count == n {
                        let y = pb[0]
                        for i in 0..<n { out[i] = f(pa[i], y) }
                    } else if a.count == 1 && b.count == n {
                        let x = pa[0]
                        for i in 0..<n { out[i] = f(x, pb[i]) }
                    } else {
                        let sa = Shape.broadcastStrides(aShape, to: outShape)
                        let sb = Shape.broadcastStrides(bShape, to: outShape)
                        forEachRow(outShape, sa, sb) { oa, ia, ob, ib, o, len in
                            if ia == 1 && ib == 1 {
                                for j in 0..<len { out[o + j] = f(pa[oa + j], pb[ob + j]) }
                            } else if ia == 1 {
                                let y = pb[ob]
                                for j in 0..<len { out[o + j] = f(pa[oa + j], y) }
                            } else if ib == 1 {
                                let x = pa[oa]
                                for j in 0..<len { out[o + j] = f(x, pb[ob + j]) }
                            } else {
                                for j in 0..<len { out[o + j] = f(pa[oa + j * ia], pb[ob + j * ib]) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Walks `shape` row by row (all dimensions but the last), giving for each
    /// row the start offsets and last-dimension strides of two strided
    /// operands, the output offset (contiguous) and the row length.
    @inline(__always)
    static func forEachRow(_ shape: [Int], _ sa: [Int], _ sb: [Int],
                           _ body: (_ offA: Int, _ strideA: Int, _ offB: Int, _ strideB: Int, _ offOut: Int, _ len: Int) -> Void) {
        let rank = shape.count
        if rank == 0 { body(0, 0, 0, 0, 0, 1); return }
        let len = shape[rank - 1]
        let ia = sa[rank - 1], ib = sb[rank - 1]
        let rows = shape.dropLast().reduce(1, *)
        var idx = [Int](repeating: 0, count: max(rank - 1, 0))
        var oa = 0, ob = 0
        for r in 0..<rows {
            body(oa, ia, ob, ib, r * len, len)
            // advance the odometer over the outer dimensions
            var d = rank - 2
            while d >= 0 {
                idx[d] += 1
                oa += sa[d]
                ob += sb[d]
                if idx[d] < shape[d] { break }
                oa -= sa[d] * shape[d]
                ob -= sb[d] * shape[d]
                idx[d] = 0
                d -= 1
            }
        }
    }
}
