import Foundation
import Testing
@testable import NNTensor

@Suite struct MatmulTests {
    @Test func matrixTimesMatrix() throws {
        let a = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        let b = try Tensor(shape: [2, 2], values: [5, 6, 7, 8])
        let c = try a.matmul(b)
        #expect(c.shape == [2, 2])
        #expect(c.doubles == [19, 22, 43, 50])
        let r = try Tensor(shape: [2, 3], values: [1, 0, 2, 0, 1, 1]).matmul(try Tensor(shape: [3, 1], values: [1, 2, 3]))
        #expect(r.shape == [2, 1])
        #expect(r.doubles == [7, 5])
    }

    @Test func vectorsFollowNumPy() throws {
        let u = try Tensor(shape: [3], values: [1, 2, 3])
        let w = try Tensor(shape: [3], values: [4, 5, 6])
        let d = try u.matmul(w)
        #expect(d.shape == [])
        #expect(try d.item() == 32)
        #expect(try u.dot(w).item() == 32)
        let m = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        let one = try Tensor(shape: [2], values: [1, 1])
        let mv = try m.matmul(one)
        #expect(mv.shape == [2])
        #expect(mv.doubles == [3, 7])
        let vm = try one.matmul(m)
        #expect(vm.shape == [2])
        #expect(vm.doubles == [4, 6])
        let vb = try one.matmul(try Tensor.ones([5, 2, 3]))
        #expect(vb.shape == [5, 3])
    }

    @Test func batchDimensionsBroadcast() throws {
        let c = try Tensor.ones([2, 1, 3, 4]).matmul(try Tensor.ones([3, 4, 5]))
        #expect(c.shape == [2, 3, 3, 5])
        #expect(c.doubles.allSatisfy { $0 == 4 })
        // [I, 2I] @ B = [B, 2B]
        let a = try Tensor(shape: [2, 2, 2], values: [1, 0, 0, 1, 2, 0, 0, 2])
        let b = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        #expect(try a.matmul(b).doubles == [1, 2, 3, 4, 2, 4, 6, 8])
        // B @ [I, 2I] = [B, 2B] (a matrix times a batch)
        #expect(try b.matmul(a).doubles == [1, 2, 3, 4, 2, 4, 6, 8])
    }

    @Test func transposeFlagsMultiplyByTheTranspose() throws {
        let x = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let w = try Tensor(shape: [2, 3], values: [1, 0, 1, 0, 1, 0])
        // x @ wᵀ = [[1+3, 2], [4+6, 5]]
        #expect(try x.matmul(w, transposeOther: true).doubles == [4, 2, 10, 5])
        // xᵀ @ w = Σ_i x[i]ᵀ w[i]
        let xtw = try x.matmul(w, transposeSelf: true)
        #expect(xtw.shape == [3, 3])
        #expect(xtw.doubles == [1, 4, 1, 2, 5, 2, 3, 6, 3])
        // xᵀ @ vᵀ = (v @ x)ᵀ
        let v = w.T
        #expect(try x.matmul(v, transposeSelf: true, transposeOther: true).doubles == (try v.matmul(x)).T.doubles)
    }

    @Test func emptyOperands() throws {
        #expect(try Tensor.zeros([0, 3]).matmul(try Tensor.zeros([3, 2])).shape == [0, 2])
        let z = try Tensor.ones([2, 0]).matmul(try Tensor.ones([0, 3]))
        #expect(z.shape == [2, 3])
        #expect(z.doubles == [0, 0, 0, 0, 0, 0], "a sum over nothing is 0")
    }

    @Test func misuseNamesTheShapes() throws {
        #expect(throws: TensorError(op: "matmul", "shapes [4, 2] and [3, 8] are not aligned (2 != 3)")) {
            try Tensor.zeros([4, 2]).matmul(try Tensor.zeros([3, 8]))
        }
        #expect(throws: TensorError(op: "matmul", "shapes [3] and [4] are not aligned (3 != 4)")) {
            try Tensor.zeros([3]).matmul(try Tensor.zeros([4]))
        }
        #expect(throws: TensorError(op: "matmul", "both operands need at least one dimension, got shapes [] and [3]")) {
            try Tensor(scalar: 2).matmul(try Tensor.zeros([3]))
        }
        #expect(throws: TensorError(op: "matmul", "the batch dimensions of shapes [2, 3, 4] and [5, 4, 2] cannot be broadcast together")) {
            try Tensor.zeros([2, 3, 4]).matmul(try Tensor.zeros([5, 4, 2]))
        }
        #expect(throws: TensorError(op: "matmul", "dtypes float32 and float64 do not match; convert one with .to(\"float32\")")) {
            try Tensor.zeros([2, 2]).matmul(try Tensor.zeros([2, 2], dtype: .float64))
        }
    }

    /// The product by the definition `C[i][j] = Σ_p A(i, p) B(p, j)`, in Double.
    func reference(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int, tA: Bool, tB: Bool) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k { s += (tA ? a[p * m + i] : a[i * k + p]) * (tB ? b[j * k + p] : b[p * n + j]) }
                c[i * n + j] = s
            }
        }
        return c
    }

    func values(_ count: Int, seed: UInt64) -> [Double] {
        var rng = TestRNG(state: seed)
        return (0..<count).map { _ in rng.next() * 2 - 1 }
    }

    @Test(arguments: [(1, 1, 1), (7, 7, 7), (33, 7, 130), (130, 33, 7), (130, 130, 130), (1, 1400, 800), (9, 1, 33)])
    func swiftKernelAndBLASAgreeWithTheDefinition(_ dims: (Int, Int, Int)) {
        let (m, n, k) = dims
        // Every layout on the small sizes; the two extreme ones on the large
        // sizes, which take the multi-threaded paths (the tests run unoptimised).
        let big = m * n * k >= 1 << 20
        let layouts = big ? [(false, false), (true, true)] : [(false, false), (true, false), (false, true), (true, true)]
        for (tA, tB) in layouts {
            let a = values(m * k, seed: UInt64(m * 31 + k)), b = values(k * n, seed: UInt64(n * 17 + k))
            let want = reference(a, b, m: m, n: n, k: k, tA: tA, tB: tB)
            let swift64 = Kernels.gemm(a, b, m: m, n: n, k: k, transA: tA, transB: tB)
            let blas64 = BLAS.gemm(a, b, m: m, n: n, k: k, transA: tA, transB: tB)
            let af = a.map { Float($0) }, bf = b.map { Float($0) }
            let swift32 = Kernels.gemm(af, bf, m: m, n: n, k: k, transA: tA, transB: tB).map(Double.init)
            let blas32 = BLAS.gemm(af, bf, m: m, n: n, k: k, transA: tA, transB: tB).map(Double.init)
            let tol64 = 1e-12 * Double(k), tol32 = 2e-6 * Double(k)
            let label = "m \(m) n \(n) k \(k) tA \(tA) tB \(tB)"
            #expect(zip(swift64, want).allSatisfy { abs($0 - $1) <= tol64 }, "Swift float64 \(label)")
            #expect(zip(blas64, want).allSatisfy { abs($0 - $1) <= tol64 }, "BLAS float64 \(label)")
            #expect(zip(swift32, want).allSatisfy { abs($0 - $1) <= tol32 }, "Swift float32 \(label)")
            #expect(zip(blas32, swift32).allSatisfy { abs($0 - $1) <= tol32 }, "BLAS and Swift float32 \(label)")
        }
    }

    @Test func blasIsLinkedExactlyWhenTheTraitIsOn() {
        #if BLAS
        #expect(BLAS.isAvailable)
        #else
        #expect(!BLAS.isAvailable)
        #endif
    }

    @Test func openBLASDoesNotFallBackToGenericKernelsOnAModernCPU() {
        let env = ProcessInfo.processInfo.environment
        guard BLAS.isAvailable, env["OPENBLAS_CORETYPE"] == nil, env["NN_OPENBLAS_KEEP_CORE"] == nil,
              let core = BLAS.coreName else { return }
        // Prescott (SSE3) is OpenBLAS's fallback for CPUs it does not know;
        // nn re-selects when the CPU has AVX2 or AVX-512 (see BLAS+Core.swift).
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        if flags.contains(" avx2") && flags.contains(" fma") {
            #expect(core != "Prescott")
        }
    }

    @Test func gemmAccumulatesWithBeta() {
        // C = 2 * A B + 3 * C with A = [[1, 2]], B = [[3], [4]], C = [[1]]: 2 * 11 + 3 = 25.
        var c: [Double] = [1]
        let a: [Double] = [1, 2], b: [Double] = [3, 4]
        c.withUnsafeMutableBufferPointer { pc in
            Kernels.gemm(transA: false, transB: false, m: 1, n: 1, k: 2, alpha: 2, a: a, lda: 2, b: b, ldb: 1,
                         beta: 3, c: pc.baseAddress!, ldc: 1)
        }
        #expect(c == [25])
    }
}
