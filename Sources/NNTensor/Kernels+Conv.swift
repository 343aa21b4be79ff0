/// The loops of 2-d convolution and pooling over NCHW images: im2col (a
/// window's elements become a row of patches, so a convolution is one
/// matrix product), its adjoint col2im, and max pooling's argmax.
extension Kernels {
    /// im2col: `x` of `g.inputShape` to patches of `g.patchesShape`
    /// `[N, OH·OW, C·kh·kw]`, one row per output position:
    /// `p[n, oh·OW + ow, (c·kh + i)·kw + j] = x[n, c, oh·sh - ph + i, ow·sw - pw + j]`
    /// (0 in the padding). Rows of patches times a weight matrix are one
    /// GEMM for the whole batch.
    static func im2col<T: TensorScalar>(_ x: [T], _ g: ConvGeometry) -> [T] {
        let total = g.batch * g.positions * g.patchSize
        precondition(x.count == g.batch * g.channels * g.height * g.width, "Kernels.im2col: \(x.count) elements for \(g.inputShape)")
        return [T](unsafeUninitializedCapacity: total) { buffer, initialized in
            let out = buffer  // a copy: closures capturing the inout reload it per element
            x.withUnsafeBufferPointer { px in
                // N·OH·OW rows of C·kh·kw elements; each row is written by one worker
                Kernels.parallelRows(g.batch * g.positions, rowLength: g.patchSize) { rows in
                    for r in rows { im2colRow(px, out, r, g) }
                }
            }
            initialized = total
        }
    }

    /// One row `r = n·OH·OW + oh·OW + ow` of the patches.
    @inline(__always)
    private static func im2colRow<T: TensorScalar>(_ px: UnsafeBufferPointer<T>, _ out: UnsafeMutableBufferPointer<T>, _ r: Int, _ g: ConvGeometry) {
        let n = r / g.positions, l = r % g.positions
        let h0 = (l / g.outWidth) * g.strideHeight - g.padHeight
        let w0 = (l % g.outWidth) * g.strideWidth - g.padWidth
        var o = r * g.patchSize
        for c in 0..<g.channels {
            let plane = (n * g.channels + c) * g.height * g.width
            for i in 0..<g.kernelHeight {
                let ih = h0 + i
                if ih < 0 || ih >= g.height {
                    for _ in 0..<g.kernelWidth { out[o] = 0; o += 1 }
                    continue
                }
                let rowBase = plane + ih * g.width
                for j in 0..<g.kernelWidth {
                    let iw = w0 + j
                    out[o] = (iw >= 0 && iw < g.width) ? px[rowBase + iw] : 0
                    o += 1
                }
            }
        }
    }

    /// col2im, the adjoint of `im2col`: patches of `g.patchesShape` summed
    /// back into an image of `g.inputShape` (overlapping windows add up;
    /// padding positions are dropped).
    static func col2im<T: TensorScalar>(_ patches: [T], _ g: ConvGeometry) -> [T] {
        precondition(patches.count == g.batch * g.positions * g.patchSize, "Kernels.col2im: \(patches.count) elements for \(g.patchesShape)")
        var out = [T](repeating: 0, count: g.batch * g.channels * g.height * g.width)
        out.withUnsafeMutableBufferPointer { po in
            patches.withUnsafeBufferPointer { pp in
                // image n is written only by its own OH·OW rows
                Kernels.parallelRows(g.batch, rowLength: g.positions * g.patchSize) { images in
                    for n in images {
                        for l in 0..<g.positions {
                            let h0 = (l / g.outWidth) * g.strideHeight - g.padHeight
                            let w0 = (l % g.outWidth) * g.strideWidth - g.padWidth
                            var o = (n * g.positions + l) * g.patchSize
                            for c in 0..<g.channels {
                                let plane = (n * g.channels + c) * g.height * g.width
                                for i in 0..<g.kernelHeight {
                                    let ih = h0 + i
                                    if ih < 0 || ih >= g.height { o += g.kernelWidth; continue }
                                    let rowBase = plane + ih * g.width
                                    for j in 0..<g.kernelWidth {
                                        let iw = w0 + j
                                        if iw >= 0 && iw < g.width { po[rowBase + iw] += pp[o] }
                                        o += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// For max pooling (no padding): the flat offset into `x` of each
    /// window's largest element, in output order `[N, C, OH, OW]`. Ties go
    /// to the first element in row-major window order, and a NaN wins (the
    /// last NaN of the window), both as PyTorch's CPU `max_pool2d`
    /// (`val > maxval || isnan(val)`).
    static func maxPoolArgmax<T: TensorScalar>(_ x: [T], _ g: ConvGeometry) -> [Int] {
        var out = [Int](repeating: 0, count: g.batch * g.channels * g.positions)
        x.withUnsafeBufferPointer { px in
            var o = 0
            for nc in 0..<(g.batch * g.channels) {
                let plane = nc * g.height * g.width
                for oh in 0..<g.outHeight {
                    for ow in 0..<g.outWidth {
                        let h0 = oh * g.strideHeight, w0 = ow * g.strideWidth
                        var best = plane + h0 * g.width + w0
                        var bestValue = px[best]
                        for i in 0..<g.kernelHeight {
                            let rowBase = plane + (h0 + i) * g.width + w0
                            for j in 0..<g.kernelWidth {
                                let v = px[rowBase + j]
                                if v > bestValue || v.isNaN { bestValue = v; best = rowBase + j }
                            }
                        }
                        out[o] = best
                        o += 1
                    }
                }
            }
        }
        return out
    }
}
