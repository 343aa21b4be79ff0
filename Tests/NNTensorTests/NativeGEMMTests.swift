import Dispatch
import Testing
@testable import NNTensor

/// nn's own GEMM (`NativeGEMM`, `Sources/CGEMM`) against a naive triple loop
/// in Float64, for every kernel family this CPU runs: every layout, alpha and
/// beta in {0, 1, other}, strides larger than needed, sizes sweeping 1...40
/// in each dimension (every edge of the 8 x 32 / 6 x 16 tiles), the training
/// epoch's shapes, odd large ones, and the two-thread split. C is filled with
/// NaN when beta is 0: a kernel that reads it fails.
@Suite struct NativeGEMMTests {
    /// One product's operands, stored with padded strides.
    struct Case {
        var m: Int, n: Int, k: Int
        var transA: Bool, transB: Bool
        var alpha: Double, beta: Double
        var lda: Int, ldb: Int, ldc: Int
        var a: [Double], b: [Double], c: [Double]

        init(m: Int, n: Int, k: Int, transA: Bool, transB: Bool, alpha: Double, beta: Double,
             pad: (Int, Int, Int), rng: inout TestRNG) {
            self.m = m; self.n = n; self.k = k; self.transA = transA; self.transB = transB
            self.alpha = alpha; self.beta = beta
            lda = (transA ? m : k) + pad.0
            ldb = (transB ? k : n) + pad.1
            ldc = n + pad.2
            // One element more than the matrix needs, so k == 0 still has a pointer.
            a = (0...((transA ? k : m) * lda)).map { _ in rng.next() * 2 - 1 }
            b = (0...((transB ? n : k) * ldb)).map { _ in rng.next() * 2 - 1 }
            c = (0..<(m * ldc)).map { _ in rng.next() * 2 - 1 }
        }

        /// `alpha * op(A) op(B) + beta * C` by the definition, in Float64, on
        /// the operands as `T` holds them; padding of C is left as it was.
        func reference<T: GEMMScalar>(_: T.Type) -> [Double] {
            let a = self.a.map { Double(T($0)) }, b = self.b.map { Double(T($0)) }, c0 = self.c.map { Double(T($0)) }
            var c = c0
            for i in 0..<m {
                for j in 0..<n {
                    var s = 0.0
                    for p in 0..<k {
                        s += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j])
                    }
                    c[i * ldc + j] = alpha * s + (beta == 0 ? 0 : beta * c0[i * ldc + j])
                }
            }
            return c
        }

        /// Runs the product on `variant` in `T`, with `threads` threads.
        func run<T: GEMMScalar>(_: T.Type, _ variant: NativeGEMM.Variant, threads: Int) -> [Double]? {
            let a = self.a.map { T($0) }, b = self.b.map { T($0) }
            var c = self.c.map { beta == 0 ? T.nan : T($0) }
            let ran = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        NativeGEMM.run(variant, threads: threads, transA: transA, transB: transB, m: m, n: n, k: k,
                                       alpha: T(alpha), a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                                       beta: T(beta), c: pc.baseAddress!, ldc: ldc)
                    }
                }
            }
            guard ran else { return nil }
            // The padding of C (beta 0: NaN) must be untouched: compare it too.
            return c.map { Double($0) }
        }

        var label: String {
            "m \(m) n \(n) k \(k) tA \(transA) tB \(transB) alpha \(alpha) beta \(beta) ld \(lda) \(ldb) \(ldc)"
        }
    }

    /// Checks one case in Float64 and Float32 on every supported family.
    func check(_ c: Case, threads: Int = 1) {
        let want64 = c.reference(Double.self), want32 = c.reference(Float.self)
        // Rounding: each of k products and sums, plus alpha and beta.
        let tol64 = 4e-16 * Double(c.k + 4) * 4, tol32 = 2.5e-7 * Double(c.k + 4) * 4
        for variant in NativeGEMM.supported {
            for (want, tol, got) in [(want64, tol64, c.run(Double.self, variant, threads: threads)),
                                     (want32, tol32, c.run(Float.self, variant, threads: threads))] {
                guard let got else {
                    Issue.record("\(variant) refused \(c.label)")
                    continue
                }
                var bad = 0
                for i in 0..<c.m {
                    for j in 0..<c.ldc {
                        let g = got[i * c.ldc + j], w = want[i * c.ldc + j]
                        if j >= c.n {
                            // Padding: untouched (NaN stays NaN when beta is 0).
                            if !(c.beta == 0 ? g.isNaN : g == w) { bad += 1 }
                        } else if !(abs(g - w) <= tol) {
                            bad += 1
                        }
                    }
                }
                #expect(bad == 0, "\(variant) \(tol == tol64 ? "float64" : "float32") \(threads) thread(s): \(bad) wrong, \(c.label)")
            }
        }
    }

    @Test func theMachineHasAFamilyOrTheTestsSayWhy() {
        // Every x86-64 machine nn is measured on has AVX2; say so if not.
        if NativeGEMM.best == nil {
            Issue.record("no AVX2 + FMA here: nn's own GEMM is not tested on this machine")
        }
    }

    @Test func everyLayoutAlphaBetaAndStride() {
        var rng = TestRNG(state: 20)
        for transA in [false, true] {
            for transB in [false, true] {
                for alpha in [0.0, 1, -1.5] {
                    for beta in [0.0, 1, 0.75] {
                        for pad in [(0, 0, 0), (3, 1, 2)] {
                            check(Case(m: 13, n: 37, k: 29, transA: transA, transB: transB, alpha: alpha, beta: beta,
                                       pad: pad, rng: &rng))
                        }
                    }
                }
            }
        }
    }

    @Test func sizesSweepEveryTileEdge() {
        var rng = TestRNG(state: 21)
        let alphas = [1.0, -1.5, 0.5], betas = [0.0, 1, 0.75]
        for s in 1...40 {
            for dim in 0..<3 {
                let r = { (rng: inout TestRNG) in 1 + Int(rng.next() * 40) }
                let m = dim == 0 ? s : r(&rng), n = dim == 1 ? s : r(&rng), k = dim == 2 ? s : r(&rng)
                let layout = Int(rng.next() * 4)
                let pad = (Int(rng.next() * 3), Int(rng.next() * 3), Int(rng.next() * 3))
                check(Case(m: m, n: n, k: k, transA: layout & 1 != 0, transB: layout & 2 != 0,
                           alpha: alphas[(s + dim) % 3], beta: betas[(s / 3 + dim) % 3], pad: pad, rng: &rng))
            }
        }
    }

    @Test func kZeroScalesC() {
        var rng = TestRNG(state: 22)
        check(Case(m: 5, n: 9, k: 0, transA: false, transB: false, alpha: 1, beta: 0.75, pad: (1, 0, 1), rng: &rng))
        check(Case(m: 5, n: 9, k: 0, transA: true, transB: true, alpha: 1, beta: 0, pad: (0, 1, 0), rng: &rng))
    }

    /// The training epoch's products (784-256-128-10 MLP, batch 64), the
    /// Hessian item's small float64 ones, odd sizes past the depth block
    /// (k > 256) and the two-thread split by rows and by columns.
    @Test(arguments: [
        (64, 256, 784, false, false), (64, 128, 256, false, false), (64, 10, 128, false, false),
        (784, 256, 64, true, false), (256, 128, 64, true, false), (128, 10, 64, true, false),
        (64, 128, 10, false, true), (64, 256, 128, false, true),
        (800, 20, 20, false, false), (10, 1, 20, false, false), (20, 20, 800, true, false),
        (67, 513, 259, false, false), (67, 513, 259, true, true), (259, 67, 513, false, true),
    ])
    func epochAndOddShapes(_ shape: (Int, Int, Int, Bool, Bool)) {
        let (m, n, k, transA, transB) = shape
        var rng = TestRNG(state: UInt64(m * 1000 + n * 10 + k))
        let c = Case(m: m, n: n, k: k, transA: transA, transB: transB, alpha: 1, beta: 0, pad: (0, 0, 0), rng: &rng)
        check(c, threads: 1)
        check(c, threads: 2)
        let accumulate = Case(m: m, n: n, k: k, transA: transA, transB: transB, alpha: -0.5, beta: 1,
                              pad: (1, 3, 2), rng: &rng)
        check(accumulate, threads: 2)
    }

    /// Several threads multiplying at once: one gets CGEMM's worker, the
    /// others run their products alone; every result stays exact.
    @Test func concurrentCallersShareTheWorker() {
        var rng = TestRNG(state: 23)
        let cases = (0..<4).map { i in
            Case(m: 64 + i, n: 256, k: 200, transA: i % 2 == 1, transB: false, alpha: 1, beta: 0.5,
                 pad: (0, 0, 0), rng: &rng)
        }
        let wants = cases.map { $0.reference(Float.self) }
        guard let variant = NativeGEMM.best else { return }
        let bad = UnsafeMutablePointer<Int>.allocate(capacity: 4 * 8)
        bad.initialize(repeating: 0, count: 4 * 8)
        defer { bad.deallocate() }
        let out = SendablePointer(bad)
        let box = CasesBox(cases: cases, wants: wants)
        DispatchQueue.concurrentPerform(iterations: 4 * 8) { t in
            let c = box.cases[t % 4], want = box.wants[t % 4]
            guard let got = c.run(Float.self, variant, threads: 2) else { out.base[t] = -1; return }
            let tol = 2.5e-7 * Double(c.k + 4) * 4
            out.base[t] = zip(got, want).filter { !(abs($0 - $1) <= tol) }.count
        }
        for t in 0..<(4 * 8) { #expect(bad[t] == 0, "caller \(t)") }
    }

    @Test func theRuleTakesAllOrNothing() {
        // Without OpenBLAS nn's kernel beats the Swift one at every size;
        // with it, a CPU with only AVX2 leaves every product to OpenBLAS.
        #expect(NativeGEMM.takes(blas: false) == (NativeGEMM.best != nil))
        if NativeGEMM.best == .avx2 {
            #expect(!NativeGEMM.takes(blas: true))
        }
        if NativeGEMM.best == .avx512 {
            // Never a mix of two spinning thread pools: every product.
            #expect(NativeGEMM.takes(blas: true))
        }
    }

    @Test func stridesSmallerThanTheMatrixAreRefused() {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [1, 2, 3, 4]
        var c: [Float] = [0, 0, 0, 0]
        let ran = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    NativeGEMM.run(transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1,
                                   a: pa.baseAddress!, lda: 1, b: pb.baseAddress!, ldb: 2,
                                   beta: 0, c: pc.baseAddress!, ldc: 2)
                }
            }
        }
        #expect(!ran)
        #expect(c == [0, 0, 0, 0])
    }
}

/// The cases and answers handed to the concurrent callers (read only).
private struct CasesBox: @unchecked Sendable {
    let cases: [NativeGEMMTests.Case]
    let wants: [[Double]]
}

@Suite struct NativeGEMMEnvironmentTests {
    /// `NN_GEMM` names a backend; anything it does not name is the rule.
    @Test func theVariableNamesABackend() {
        func name(_ b: NativeGEMM.Backend) -> String {
            switch b {
            case .automatic: return "automatic"
            case .native(.avx2): return "avx2"
            case .native(.avx512): return "avx512"
            case .native(nil): return "native"
            case .blas: return "blas"
            case .swift: return "swift"
            }
        }
        #expect(name(NativeGEMM.backend(named: "avx2")) == "avx2")
        #expect(name(NativeGEMM.backend(named: "AVX2")) == "avx2")
        #expect(name(NativeGEMM.backend(named: "native")) == "native")
        #expect(name(NativeGEMM.backend(named: "blas")) == "blas")
        #expect(name(NativeGEMM.backend(named: "swift")) == "swift")
        #expect(name(NativeGEMM.backend(named: nil)) == "automatic")
        #expect(name(NativeGEMM.backend(named: "")) == "automatic")
        #expect(name(NativeGEMM.backend(named: "auto")) == "automatic")
    }
}
