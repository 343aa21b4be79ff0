/// Kernels that move elements: permuting axes and concatenating blocks.
/// The safety rules are in `Kernels.swift`.
extension Kernels {
    /// The elements of `x` (of `shape`) rearranged so that output axis `i`
    /// is input axis `perm[i]`. Walks the output in order; the innermost
    /// output axis reads the input with its (possibly large) stride. A
    /// transpose of the last two axes is done in cache-sized tiles.
    static func permute<T: BitwiseCopyable>(_ x: [T], _ shape: [Int], _ perm: [Int]) -> [T] {
        let n = x.count
        let rank = shape.count
        precondition(shape.reduce(1, *) == n && perm.sorted() == Array(0..<rank),
                     "Kernels.permute: \(n) elements, shape \(shape), axes \(perm)")
        if rank < 2 { return x }  // the only permutation of 0 or 1 axes is the identity
        let inStrides = Shape.strides(shape)
        let outShape = perm.map { shape[$0] }
        let src = perm.map { inStrides[$0] }
        return Kernels.uninitialized(n) { buffer, initialized in
            let out = buffer  // a copy: closures capturing the inout reload it per element
            initialized = n
            guard n > 0 else { return }
            x.withUnsafeBufferPointer { px in
                // A batch of matrix transposes: [..., r, c] -> [..., c, r].
                if rank >= 2, perm[rank - 1] == rank - 2, perm[rank - 2] == rank - 1,
                   Array(perm[..<(rank - 2)]) == Array(0..<(rank - 2)) {
                    let r = shape[rank - 2], c = shape[rank - 1]
                    let batches = n / (r * c)
                    let tile = 32
                    for b in 0..<batches {
                        let base = b &* r &* c
                        for i0 in stride(from: 0, to: c, by: tile) {
                            for j0 in stride(from: 0, to: r, by: tile) {
                                // base + i * r + j and base + j * c + i < (b + 1) * r * c <= n
                                // for i < c, j < r
                                for i in i0..<Swift.min(i0 &+ tile, c) {
                                    for j in j0..<Swift.min(j0 &+ tile, r) {
                                        out[base &+ i &* r &+ j] = px[base &+ j &* c &+ i]
                                    }
                                }
                            }
                        }
                    }
                    return
                }
                let len = outShape[rank - 1]
                let inner = src[rank - 1]
                // o + j < rows * len == n; off + j * inner is the input offset of an
                // output element (Σ idx[d] * src[d] over in-range idx), so < n.
                walkRows(outShape, src, [], []) { row, off, _, _ in
                    let o = row &* len
                    if inner == 1 {
                        for j in 0..<len { out[o &+ j] = px[off &+ j] }
                    } else {
                        for j in 0..<len { out[o &+ j] = px[off &+ j &* inner] }
                    }
                }
            }
        }
    }

    /// Concatenation of row-major blocks: each input is `outer` blocks of
    /// `sizes[i] * inner` elements, interleaved into the output.
    static func concat<T: BitwiseCopyable>(_ xs: [[T]], _ sizes: [Int], outer: Int, inner: Int, count n: Int) -> [T] {
        let rowOut = sizes.reduce(0, +) * inner
        precondition(xs.count == sizes.count && n == outer * rowOut
                     && xs.indices.allSatisfy { xs[$0].count == outer * sizes[$0] * inner },
                     "Kernels.concat: block sizes do not match the inputs")
        return Kernels.uninitialized(n) { out, initialized in
            initialized = n
            guard n > 0, let base = out.baseAddress else { return }
            var col = 0
            for (i, x) in xs.enumerated() {
                let chunk = sizes[i] * inner
                if chunk > 0 {
                    x.withUnsafeBufferPointer { px in
                        guard let src = px.baseAddress else { return }
                        // o * rowOut + col + chunk <= outer * rowOut == n; o * chunk + chunk <= x.count
                        for o in 0..<outer {
                            (base + (o &* rowOut &+ col)).initialize(from: src + o &* chunk, count: chunk)
                        }
                    }
                }
                col += chunk
            }
        }
    }
}
