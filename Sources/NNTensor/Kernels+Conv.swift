/// The loops of 2-d convolution and pooling over NCHW images: im2col (a
/// window's elements become a column, so a convolution is one matrix
/// product), its adjoint col2im, and max pooling's argmax.
extension Kernels {
    /// im2col: `x` of `g.inputShape` to columns of `g.columnsShape`, where
    /// `cols[n, (c·kh + i)·kw + j, oh·OW + ow] = x[n, c, oh·sh - ph + i, ow·sw - pw + j]`
    /// (0 in the padding), PyTorch's `unfold` order.
    static func im2col<T: TensorScalar>(_ x: [T], _ g: ConvGeometry) -> [T] {
        let total = g.batch * g.patchSize * g.positions
        precondition(x.count == g.batch * g.channels * g.height * g.width, "Kernels.im2col: \(x.count) elements for \(g.inputShape)")
        return Kernels.uninitialized(total) { buffer, initialized in
            let out = buffer  // a copy: closures capturing the inout reload it per element
            x.withUnsafeBufferPointer { px in
                // rows of the columns: n·C·kh·kw of them, each OH·OW long
                Kernels.parallelRows(g.batch * g.patchSize, rowLength: g.positions) { rows in
                    for r in rows { im2colRow(px, out, r, g) }
                }
            }
            initialized = total
        }
    }

    /// One row `r = (n·C + c)·kh·kw + i·kw + j` of the columns.
    @inline(__always)
    private static func im2colRow<T: TensorScalar>(_ px: UnsafeBufferPointer<T>, _ out: UnsafeMutableBufferPointer<T>, _ r: Int, _ g: ConvGeometry) {
        let kk = g.kernelHeight * g.kernelWidth
        let nc = r / kk, ij = r % kk
        let i = ij / g.kernelWidth, j = ij % g.kernelWidth
        let plane = nc * g.height * g.width
        var o = r * g.positions
        for oh in 0..<g.outHeight {
            let ih = oh * g.strideHeight - g.padHeight + i
            if ih < 0 || ih >= g.height {
                for _ in 0..<g.outWidth { out[o] = 0; o += 1 }
                continue
            }
            let rowBase = plane + ih * g.width
            for ow in 0..<g.outWidth {
                let iw = ow * g.strideWidth - g.padWidth + j
                out[o] = (iw >= 0 && iw < g.width) ? px[rowBase + iw] : 0
                o += 1
            }
        }
    }

    /// col2im, the adjoint of `im2col`: columns of `g.columnsShape` summed
    /// back into an image of `g.inputShape` (overlapping windows add up;
    /// padding positions are dropped).
    static func col2im<T: TensorScalar>(_ cols: [T], _ g: ConvGeometry) -> [T] {
        precondition(cols.count == g.batch * g.patchSize * g.positions, "Kernels.col2im: \(cols.count) elements for \(g.columnsShape)")
        var out = [T](repeating: 0, count: g.batch * g.channels * g.height * g.width)
        let kk = g.kernelHeight * g.kernelWidth
        out.withUnsafeMutableBufferPointer { po in
            cols.withUnsafeBufferPointer { pc in
                // each (n, c) plane is written by its own kk rows only
                Kernels.parallelRows(g.batch * g.channels, rowLength: kk * g.positions) { planes in
                    for nc in planes {
                        let plane = nc * g.height * g.width
                        for ij in 0..<kk {
                            let i = ij / g.kernelWidth, j = ij % g.kernelWidth
                            var o = (nc * kk + ij) * g.positions
                            for oh in 0..<g.outHeight {
                                let ih = oh * g.strideHeight - g.padHeight + i
                                if ih < 0 || ih >= g.height { o += g.outWidth; continue }
                                let rowBase = plane + ih * g.width
                                for ow in 0..<g.outWidth {
                                    let iw = ow * g.strideWidth - g.padWidth + j
                                    if iw >= 0 && iw < g.width { po[rowBase + iw] += pc[o] }
                                    o += 1
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
