import Dispatch
import NNTensor

/// The Lanczos basis and its full reorthogonalisation (classical
/// Gram–Schmidt, twice), which is memory-bound: each pass reads the whole
/// basis, `j` vectors of `P` numbers at step `j`.
extension Hessian {
    /// The orthonormal Lanczos vectors `q_1 … q_j`, kept in Float64, or in
    /// Float32 when the objective computes in Float32 (its products are
    /// accurate to Float32 only, so rounding the stored vectors to it loses
    /// nothing, and each pass reads half the bytes; PyTorch's and JAX's
    /// Lanczos in the benchmark keep theirs in float32 too).
    struct LanczosBasis {
        private(set) var rows64: [[Double]] = []
        private(set) var rows32: [[Float]] = []
        let float32: Bool

        init(float32: Bool) { self.float32 = float32 }

        var count: Int { float32 ? rows32.count : rows64.count }

        mutating func append(_ q: [Double]) {
            if float32 { rows32.append(q.map { Float($0) }) } else { rows64.append(q) }
        }

        /// `Σ_j c[j] q_j`, of length `n`.
        func combine(_ c: [Double], n: Int) -> [Double] {
            var y = [Double](repeating: 0, count: n)
            for (j, cj) in c.prefix(count).enumerated() {
                if float32 { for r in 0..<n { y[r] += cj * Double(rows32[j][r]) } }
                else { for r in 0..<n { y[r] += cj * rows64[j][r] } }
            }
            return y
        }

        /// Classical Gram–Schmidt twice, `w −= Qᵀ(Q w)` and again, in three
        /// sweeps over the basis instead of four: the first pass's update and
        /// the second pass's products share a sweep. Each sweep goes
        /// `chunk` elements at a time, so that the chunk of `w` stays in
        /// cache while every `q_j` passes over it (a dot product and an
        /// update per basis vector would sweep all of `w` twice per vector).
        func reorthogonalize(_ w: inout [Double], parts: Int? = nil) {
            if float32 { Self.twice(&w, rows32, parts: parts) } else { Self.twice(&w, rows64, parts: parts) }
        }

        /// Elements of `w` per chunk (16 KiB of Float64).
        static let chunk = 2048

        /// Vectors shorter than this are reorthogonalised on one thread.
        static let parallelLength = 1 << 16

        /// The two passes over `w`, split into `BLAS.threadCount` contiguous
        /// parts for long vectors (the sweeps are memory-bound, and each
        /// part's products are summed between sweeps, so every thread reads
        /// only its own columns of the basis and writes only its part of `w`).
        static func twice<T: BasisScalar>(_ w: inout [Double], _ basis: [[T]], parts asked: Int? = nil) {
            let n = w.count, m = basis.count
            guard m > 0, n > 0, basis.allSatisfy({ $0.count == n }) else { return }
            let parts = Swift.max(1, Swift.min(asked ?? (n >= parallelLength ? BLAS.threadCount : 1), 8, n))
            let step = ((n + parts - 1) / parts + chunk - 1) / chunk * chunk
            let bounds = (0..<parts).map { p in Swift.min(n, p * step)..<Swift.min(n, (p + 1) * step) }
            w.withUnsafeMutableBufferPointer { wp in
                let shared = SharedVector(wp)
                /// `body(part, s, e)` over each part's chunks; one thread per part.
                func sweep(_ body: @Sendable (Int, Int, Int) -> Void) {
                    withoutActuallyEscaping(body) { body in
                        let run: @Sendable (Int) -> Void = { p in
                            var s = bounds[p].lowerBound
                            while s < bounds[p].upperBound {
                                let e = Swift.min(bounds[p].upperBound, s + chunk)
                                body(p, s, e)
                                s = e
                            }
                        }
                        if parts == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: run) }
                    }
                }
                let c1 = PartSums(parts: parts, count: m), c2 = PartSums(parts: parts, count: m)
                sweep { p, s, e in  // c1 = Q w
                    for (j, q) in basis.enumerated() {
                        c1.add(p, j, q.withUnsafeBufferPointer { T.dot($0, shared.read, s, e) })
                    }
                }
                let t1 = c1.total()
                sweep { p, s, e in  // w −= Qᵀ c1, then c2 = Q w on the same chunk
                    for (j, q) in basis.enumerated() {
                        q.withUnsafeBufferPointer { T.subtract(t1[j], $0, from: shared.write, s, e) }
                    }
                    for (j, q) in basis.enumerated() {
                        c2.add(p, j, q.withUnsafeBufferPointer { T.dot($0, shared.read, s, e) })
                    }
                }
                let t2 = c2.total()
                sweep { _, s, e in  // w −= Qᵀ c2
                    for (j, q) in basis.enumerated() {
                        q.withUnsafeBufferPointer { T.subtract(t2[j], $0, from: shared.write, s, e) }
                    }
                }
            }
        }
    }

    /// `w`'s buffer handed to the sweep threads: each writes only its own
    /// part (`LanczosBasis.twice`), so sharing the pointer is safe.
    struct SharedVector: @unchecked Sendable {
        let write: UnsafeMutableBufferPointer<Double>
        init(_ w: UnsafeMutableBufferPointer<Double>) { write = w }
        var read: UnsafeBufferPointer<Double> { UnsafeBufferPointer(write) }
    }

    /// Per-part partial sums of `count` products: part `p` adds only to its
    /// own row, so the threads never share a slot; `total` adds the parts
    /// in order (the same result whatever the threads' timing).
    final class PartSums: @unchecked Sendable {
        /// `parts` rows of `stride` slots (a multiple of 8 doubles past
        /// `count`, so two parts never write one cache line).
        private let sums: UnsafeMutablePointer<Double>
        let parts: Int, count: Int, stride: Int
        init(parts: Int, count: Int) {
            self.parts = parts
            self.count = count
            stride = (count + 15) / 8 * 8
            sums = .allocate(capacity: parts * stride)
            sums.initialize(repeating: 0, count: parts * stride)
        }
        deinit { sums.deallocate() }
        func add(_ p: Int, _ j: Int, _ v: Double) { sums[p * stride + j] += v }
        func total() -> [Double] {
            var t = [Double](repeating: 0, count: count)
            for p in 0..<parts { for j in 0..<count { t[j] += sums[p * stride + j] } }
            return t
        }
    }
}

/// A basis vector's element type: Float64, or Float32 widened as it is read.
protocol BasisScalar: Sendable {
    /// `Σ q[i] w[i]` over `s..<e`, in Float64.
    static func dot(_ q: UnsafeBufferPointer<Self>, _ w: UnsafeBufferPointer<Double>, _ s: Int, _ e: Int) -> Double
    /// `w[i] −= c q[i]` over `s..<e`.
    static func subtract(_ c: Double, _ q: UnsafeBufferPointer<Self>, from w: UnsafeMutableBufferPointer<Double>, _ s: Int, _ e: Int)
}

extension Double: BasisScalar {
    static func dot(_ q: UnsafeBufferPointer<Double>, _ w: UnsafeBufferPointer<Double>, _ s: Int, _ e: Int) -> Double {
        Hessian.dot(UnsafeBufferPointer(rebasing: q[s..<e]), UnsafeBufferPointer(rebasing: w[s..<e]), count: e - s)
    }

    static func subtract(_ c: Double, _ q: UnsafeBufferPointer<Double>, from w: UnsafeMutableBufferPointer<Double>, _ s: Int, _ e: Int) {
        for i in s..<e { w[i] -= c * q[i] }
    }
}

extension Float: BasisScalar {
    /// Eight lanes at a time, each Float32 widened exactly to Float64.
    static func dot(_ q: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Double>, _ s: Int, _ e: Int) -> Double {
        guard let qb = q.baseAddress, let wb = w.baseAddress, e > s else { return 0 }
        var acc = SIMD8<Double>.zero
        var i = s
        while i + 8 <= e {
            let a = SIMD8<Double>(UnsafeRawPointer(qb + i).loadUnaligned(as: SIMD8<Float>.self))
            acc.addProduct(a, UnsafeRawPointer(wb + i).loadUnaligned(as: SIMD8<Double>.self))
            i += 8
        }
        var sum = acc.sum()
        while i < e { sum += Double(qb[i]) * wb[i]; i += 1 }
        return sum
    }

    static func subtract(_ c: Double, _ q: UnsafeBufferPointer<Float>, from w: UnsafeMutableBufferPointer<Double>, _ s: Int, _ e: Int) {
        for i in s..<e { w[i] -= c * Double(q[i]) }
    }
}
