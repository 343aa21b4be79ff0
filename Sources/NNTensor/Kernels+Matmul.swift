import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scalars the portable GEMM handles, each with the SIMD vector its
/// micro-kernel works in (32 bytes: `SIMD8<Float>`, `SIMD4<Double>`).
protocol GEMMScalar: TensorScalar, Codable {
    associatedtype Vector: SIMD where Vector.Scalar == Self
}
extension Float: GEMMScalar { typealias Vector = SIMD8<Float> }
extension Double: GEMMScalar { typealias Vector = SIMD4<Double> }

/// A raw pointer that may be handed to the GEMM worker threads (each writes
/// its own rows or columns of C).
private struct GEMMPointer<T>: @unchecked Sendable {
    let p: UnsafeMutablePointer<T>
}

/// The portable matrix multiply: cache-blocked, packed, SIMD, multi-core.
extension Kernels {
    /// Rows of the micro-kernel's tile (`MR`); its columns are one vector.
    static let gemmMR = 6
    /// Depth of a packed block (`KC`): an `MR x KC` sliver of A and a
    /// `KC x NR` sliver of B stay in L1 while a tile is computed.
    static let gemmKC = 256
    /// Rows of A packed at once (`MC`, a multiple of `MR`): ~120 KiB in L2.
    static let gemmMC = 120
    /// Columns of B packed at once (`NC`).
    static let gemmNC = 2048
    /// Below this many multiply-adds a product runs on one thread.
    static let gemmParallelWork = 1 << 20

    /// `C = alpha * op(A) * op(B) + beta * C` for row-major matrices, where
    /// `op(X)` is `X` or `Xᵀ`: C is `m x n`, op(A) is `m x k`, op(B) is
    /// `k x n`; `lda`, `ldb`, `ldc` are the row strides as stored. With
    /// `beta == 0`, C is not read (it may be uninitialised).
    ///
    /// The Goto/BLIS scheme: B is packed in `KC x NC` blocks of `NR`-wide
    /// column panels, A in `MC x KC` blocks of `MR`-tall row panels, and a
    /// micro-kernel accumulates an `MR x NR` tile in registers
    /// (`c[r] += a[r] * b` over `KC`). Large products are split by rows (or
    /// columns, when there are few rows) across cores.
    ///
    /// The pointers come with no counts: the caller lends matrices of the
    /// stated sizes and strides (`lda >= k` or `m` as stored, and so on),
    /// and every element offset computed below is of a stored element, such
    /// as `i * lda + p` for `i < m`, `p < k`, so the wrapping arithmetic on
    /// them cannot wrap. The packing buffers are sized here.
    static func gemm<T: GEMMScalar>(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                    alpha: T, a: UnsafePointer<T>, lda: Int,
                                    b: UnsafePointer<T>, ldb: Int,
                                    beta: T, c: UnsafeMutablePointer<T>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        precondition(k >= 0 && lda >= Swift.max(1, transA ? m : k) && ldb >= Swift.max(1, transB ? k : n) && ldc >= n,
                     "Kernels.gemm: bad sizes m \(m) n \(n) k \(k), strides \(lda) \(ldb) \(ldc)")
        if k == 0 || alpha == 0 {
            for i in 0..<m {
                let row = c + i &* ldc
                for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
            }
            return
        }
        let work = Double(m) * Double(n) * Double(k)
        let nr = T.Vector.scalarCount
        let chunks = work < Double(gemmParallelWork) ? 1 : coreCount
        if chunks > 1 && m >= chunks * gemmMR {
            // Split rows: each worker owns a band of C and packs its own A.
            let step = ((m + chunks - 1) / chunks + gemmMR - 1) / gemmMR * gemmMR
            let pc = GEMMPointer(p: c), pa = GEMMPointer(p: UnsafeMutablePointer(mutating: a))
            let pb = GEMMPointer(p: UnsafeMutablePointer(mutating: b))
            DispatchQueue.concurrentPerform(iterations: chunks) { t in
                let i0 = t * step
                guard i0 < m else { return }
                let rows = Swift.min(step, m - i0)
                gemmSerial(transA: transA, transB: transB, m: rows, n: n, k: k, alpha: alpha,
                           a: UnsafePointer(pa.p + (transA ? i0 : i0 * lda)), lda: lda,
                           b: UnsafePointer(pb.p), ldb: ldb, beta: beta, c: pc.p + i0 * ldc, ldc: ldc)
            }
        } else if chunks > 1 && n >= chunks * nr {
            // Few rows, many columns (a vector times a matrix): split columns.
            let step = ((n + chunks - 1) / chunks + 15) / 16 * 16
            let pc = GEMMPointer(p: c), pa = GEMMPointer(p: UnsafeMutablePointer(mutating: a))
            let pb = GEMMPointer(p: UnsafeMutablePointer(mutating: b))
            DispatchQueue.concurrentPerform(iterations: chunks) { t in
                let j0 = t * step
                guard j0 < n else { return }
                let cols = Swift.min(step, n - j0)
                gemmSerial(transA: transA, transB: transB, m: m, n: cols, k: k, alpha: alpha,
                           a: UnsafePointer(pa.p), lda: lda,
                           b: UnsafePointer(pb.p + (transB ? j0 * ldb : j0)), ldb: ldb,
                           beta: beta, c: pc.p + j0, ldc: ldc)
            }
        } else {
            gemmSerial(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                       a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// One thread's share of `gemm` (same contract, `m, n, k > 0`).
    static func gemmSerial<T: GEMMScalar>(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                          alpha: T, a: UnsafePointer<T>, lda: Int,
                                          b: UnsafePointer<T>, ldb: Int,
                                          beta: T, c: UnsafeMutablePointer<T>, ldc: Int) {
        let mr = gemmMR, nr = T.Vector.scalarCount
        let kcMax = Swift.min(k, gemmKC)
        let mcMax = Swift.min((m + mr - 1) / mr * mr, gemmMC)
        let ncMax = Swift.min((n + nr - 1) / nr * nr, gemmNC)
        let align = 64
        let rawA = UnsafeMutableRawPointer.allocate(byteCount: mcMax * kcMax * MemoryLayout<T>.stride, alignment: align)
        let rawB = UnsafeMutableRawPointer.allocate(byteCount: ncMax * kcMax * MemoryLayout<T>.stride, alignment: align)
        defer { rawA.deallocate(); rawB.deallocate() }
        let packA = rawA.bindMemory(to: T.self, capacity: mcMax * kcMax)
        let packB = rawB.bindMemory(to: T.self, capacity: ncMax * kcMax)

        for jc in stride(from: 0, to: n, by: gemmNC) {
            let nc = Swift.min(gemmNC, n - jc)
            for pc in stride(from: 0, to: k, by: gemmKC) {
                let kc = Swift.min(gemmKC, k - pc)
                // Pack B[pc..<pc+kc, jc..<jc+nc] as nr-wide panels, zero-padded.
                for jr in stride(from: 0, to: nc, by: nr) {
                    let dst = packB + jr &* kc
                    let cols = Swift.min(nr, nc - jr)
                    for p in 0..<kc {
                        let row = dst + p &* nr
                        for q in 0..<nr {
                            if q < cols {
                                let j = jc &+ jr &+ q, pp = pc &+ p  // j < n, pp < k
                                row[q] = transB ? b[j &* ldb &+ pp] : b[pp &* ldb &+ j]
                            } else {
                                row[q] = 0
                            }
                        }
                    }
                }
                let first = pc == 0
                for ic in stride(from: 0, to: m, by: gemmMC) {
                    let mc = Swift.min(gemmMC, m - ic)
                    // Pack A[ic..<ic+mc, pc..<pc+kc] as mr-tall panels, zero-padded.
                    for ir in stride(from: 0, to: mc, by: mr) {
                        let dst = packA + ir &* kc
                        let rows = Swift.min(mr, mc - ir)
                        for p in 0..<kc {
                            let col = dst + p &* mr
                            for r in 0..<mr {
                                if r < rows {
                                    let i = ic &+ ir &+ r, pp = pc &+ p  // i < m, pp < k
                                    col[r] = transA ? a[pp &* lda &+ i] : a[i &* lda &+ pp]
                                } else {
                                    col[r] = 0
                                }
                            }
                        }
                    }
                    for jr in stride(from: 0, to: nc, by: nr) {
                        for ir in stride(from: 0, to: mc, by: mr) {
                            microKernel(kc: kc, a: packA + ir &* kc, b: packB + jr &* kc,
                                        c: c + ((ic &+ ir) &* ldc &+ jc &+ jr), ldc: ldc,
                                        rows: Swift.min(mr, mc - ir), cols: Swift.min(nr, nc - jr),
                                        alpha: alpha, beta: first ? beta : 1)
                        }
                    }
                }
            }
        }
    }

    /// The `6 x NR` register tile: `acc[r] = Σ_p a[p][r] * b[p][:]`, then
    /// `C[r][j] = alpha * acc[r][j] + beta * C[r][j]` for the valid part.
    @inline(__always)
    static func microKernel<T: GEMMScalar>(kc: Int, a: UnsafeMutablePointer<T>, b: UnsafeMutablePointer<T>,
                                           c: UnsafeMutablePointer<T>, ldc: Int, rows: Int, cols: Int,
                                           alpha: T, beta: T) {
        typealias V = T.Vector
        let nr = V.scalarCount
        var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
        let rb = UnsafeRawPointer(b)
        var pa = a
        for p in 0..<kc {
            // p * nr < kc * nr: inside the packed panel
            let bv = rb.load(fromByteOffset: p &* nr &* MemoryLayout<T>.stride, as: V.self)
            c0 += V(repeating: pa[0]) * bv
            c1 += V(repeating: pa[1]) * bv
            c2 += V(repeating: pa[2]) * bv
            c3 += V(repeating: pa[3]) * bv
            c4 += V(repeating: pa[4]) * bv
            c5 += V(repeating: pa[5]) * bv
            pa += 6
        }
        @inline(__always) func store(_ v: V, _ r: Int) {
            let row = c + r &* ldc  // r < rows, a row of C's tile
            if beta == 0 {
                for j in 0..<cols { row[j] = alpha * v[j] }
            } else if beta == 1 {
                for j in 0..<cols { row[j] += alpha * v[j] }
            } else {
                for j in 0..<cols { row[j] = alpha * v[j] + beta * row[j] }
            }
        }
        store(c0, 0)
        if rows > 1 { store(c1, 1) }
        if rows > 2 { store(c2, 2) }
        if rows > 3 { store(c3, 3) }
        if rows > 4 { store(c4, 4) }
        if rows > 5 { store(c5, 5) }
    }

    /// `gemm` on arrays, for tests and callers without pointers: op(A) `m x k`
    /// times op(B) `k x n` into a new row-major `m x n` array.
    static func gemm<T: GEMMScalar>(_ a: [T], _ b: [T], m: Int, n: Int, k: Int,
                                    transA: Bool = false, transB: Bool = false) -> [T] {
        Kernels.uninitialized(m * n) { out, initialized in
            initialized = m * n
            guard let pc = out.baseAddress else { return }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    guard let pa = pa.baseAddress, let pb = pb.baseAddress else {
                        for i in 0..<(m * n) { pc[i] = 0 }
                        return
                    }
                    gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1,
                         a: pa, lda: Swift.max(transA ? m : k, 1), b: pb, ldb: Swift.max(transB ? k : n, 1),
                         beta: 0, c: pc, ldc: n)
                }
            }
        }
    }

    /// `op(A) @ op(B)` over broadcast batch dimensions: A is `batchA + [n, k]`
    /// (or `[k, n]` when `tA`), B is `batchB + [k, m]` (or `[m, k]` when
    /// `tB`); the result is `batch + [n, m]`, row-major. When B has no batch
    /// of its own and A is not transposed, the whole batch of A is one tall
    /// matrix and a single GEMM call does the work.
    static func batchedMatmul<T: GEMMScalar>(_ a: [T], _ batchA: [Int], _ b: [T], _ batchB: [Int], _ batch: [Int],
                                             n: Int, k: Int, m: Int, tA: Bool, tB: Bool) -> [T] {
        let batches = batch.reduce(1, *)
        let total = batches * n * m
        checkBroadcast(batchA, to: batch)
        checkBroadcast(batchB, to: batch)
        precondition(a.count == batchA.reduce(1, *) * n * k && b.count == batchB.reduce(1, *) * k * m,
                     "Kernels.batchedMatmul: operand sizes do not match their shapes")
        return Kernels.uninitialized(total) { out, initialized in
            initialized = total
            guard total > 0, let pc = out.baseAddress else { return }
            guard k > 0 else {
                pc.initialize(repeating: 0, count: total)
                return
            }
            a.withUnsafeBufferPointer { bufA in
                b.withUnsafeBufferPointer { bufB in
                    guard let pa = bufA.baseAddress, let pb = bufB.baseAddress else { return }
                    let lda = tA ? n : k, ldb = tB ? k : m
                    let aBatches = batchA.reduce(1, *), bBatches = batchB.reduce(1, *)
                    if bBatches == 1 && aBatches == batches && !tA {
                        T.gemm(transA: false, transB: tB, m: batches * n, n: m, k: k, alpha: 1,
                               a: pa, lda: lda, b: pb, ldb: ldb, beta: 0, c: pc, ldc: m)
                        return
                    }
                    let sa = Shape.broadcastStrides(batchA, to: batch)
                    let sb = Shape.broadcastStrides(batchB, to: batch)
                    let rank = batch.count
                    var idx = [Int](repeating: 0, count: rank)
                    var oa = 0, ob = 0
                    for t in 0..<batches {
                        T.gemm(transA: tA, transB: tB, m: n, n: m, k: k, alpha: 1,
                               a: pa + oa * n * k, lda: lda, b: pb + ob * k * m, ldb: ldb,
                               beta: 0, c: pc + t * n * m, ldc: m)
                        var d = rank - 1
                        while d >= 0 {
                            idx[d] += 1
                            oa += sa[d]
                            ob += sb[d]
                            if idx[d] < batch[d] { break }
                            oa -= sa[d] * batch[d]
                            ob -= sb[d] * batch[d]
                            idx[d] = 0
                            d -= 1
                        }
                    }
                }
            }
        }
    }
}
