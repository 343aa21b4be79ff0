import Foundation
import Testing
import NNTensor
@testable import NNLib

/// The Hessian tools decide in Float64 whatever the parameters' dtype, and
/// count eigenvalues with one rule (`signCounts`) everywhere.
@Suite struct HessianPrecisionTests {
    /// The lecture's loss `(1 − w1 w2)²` of a flat point in `dtype`.
    func lecture(_ point: [Double], dtype: DType) throws -> Hessian.Objective {
        try Hessian.Objective(flat: Tensor(shape: [2], values: point, dtype: dtype)) { w in
            let r = try 1 - w.index([0]) * w.index([1])
            return try r * r
        }
    }

    /// At `(0, 0.0009)` the gradient norm is 0.0018: not critical. A Float32
    /// point used to be judged in Float32 with a tolerance of `1e-3 (1 + L)`,
    /// which called it a saddle point.
    @Test func aFloat32PointGetsTheVerdictOfItsFloat64Copy() throws {
        let p32 = try lecture([0, 0.0009], dtype: .float32)
        let p64 = try lecture(p32.point, dtype: .float64)
        #expect(p32.dtype == .float64 && p32.parameterDType == .float32)
        let a = try Hessian.criticalPoint(of: p32), b = try Hessian.criticalPoint(of: p64)
        #expect(a.kind == .notCritical && b.kind == .notCritical)
        #expect(a.eigenvalues == b.eigenvalues && a.gradient == b.gradient && a.gradientTolerance == b.gradientTolerance)
        #expect(abs(a.gradientNorm - 0.0018) < 1e-9)
    }

    /// A model's Float32 parameters and buffers are widened for the analysis
    /// and put back after, dtype and values.
    @Test func inPlaceFloat32ParametersAreWidenedAndRestored() throws {
        var rng = RandomGenerator(seed: 3)
        let x32 = try Tensor(shape: [6, 2], values: (0..<12).map { _ in rng.normal() })
        let w32 = try Tensor(shape: [2, 1], values: [0.3, -0.7]).requiringGrad()
        let shift32 = try Tensor(shape: [1], values: [0.25])          // a buffer the loss reads
        let loss = { () throws -> Tensor in try (x32.to(.float64).matmul(w32) - shift32).tanh().square().mean() }
        let f32 = try Hessian.Objective(parameters: [("w", w32)], buffers: [shift32], loss: loss)
        let c32 = try Hessian.criticalPoint(of: f32)
        #expect(w32.dtype == .float32 && w32.doubles == [Double(Float(0.3)), Double(Float(-0.7))] && w32.requiresGrad)
        #expect(shift32.dtype == .float32 && shift32.doubles == [0.25])
        // The same in Float64 from the start: the same numbers to the last bit.
        let w64 = try Tensor(shape: [2, 1], values: w32.doubles, dtype: .float64).requiringGrad()
        let shift64 = try Tensor(shape: [1], values: [0.25], dtype: .float64)
        let f64 = try Hessian.Objective(parameters: [("w", w64)]) {
            try (x32.to(.float64).matmul(w64) - shift64).tanh().square().mean()
        }
        let c64 = try Hessian.criticalPoint(of: f64)
        #expect(c32.eigenvalues == c64.eigenvalues && c32.loss == c64.loss && c32.kind == c64.kind)
    }

    /// `CriticalPoint.minimumRatio` and `minimumRatio(eigenvalues:tolerance:)`
    /// are one count; NaN and infinite eigenvalues are errors, not zeros.
    @Test func oneCountForTheCriticalPointAndTheMinimumRatio() throws {
        let f = try lecture([0.2, 0.3], dtype: .float64)
        for tol in [nil, 0.0, 0.5, 3] as [Double?] {
            let c = try Hessian.criticalPoint(of: f, gradientTolerance: 10, eigenvalueTolerance: tol)
            let m = try Hessian.minimumRatio(eigenvalues: c.eigenvalues, tolerance: c.eigenvalueTolerance)
            #expect(m.ratio == c.minimumRatio && m.tolerance == c.eigenvalueTolerance)
            #expect(m.zeroFraction == Double(c.zero) / 2)
        }
        #expect(throws: TensorError.self) { try Hessian.minimumRatio(eigenvalues: [.nan, .nan]) }
        #expect(throws: TensorError.self) { try Hessian.minimumRatio(eigenvalues: [1, .infinity]) }
        #expect(throws: TensorError.self) { try Hessian.minimumRatio(eigenvalues: [1, 2], tolerance: .nan) }
    }

    /// A density rebuilt from its parts gives the same estimate; broken parts are refused.
    @Test func aDensityRebuiltFromItsPartsGivesTheSameEstimate() throws {
        let diag = [-2.0, -1, 0.5, 1, 3, 4]
        let d = try Hessian.spectralDensity(dimension: diag.count, iterations: 6, seed: 1) { v in
            zip(diag, v).map { $0 * $1 }
        }
        let r = try Hessian.SpectralDensity(checkingGrid: d.grid, density: d.density, sigma: d.sigma, nodes: d.nodes,
                                            weights: d.weights, dimension: d.dimension)
        let a = try Hessian.minimumRatio(density: d), b = try Hessian.minimumRatio(density: r)
        #expect(a.ratio == b.ratio && a.estimated)
        #expect(a.ratio > 0 && a.ratio < 1 && a.negativeFraction > 0)   // one run: the weights of one start vector
        #expect(throws: TensorError.self) {
            try Hessian.SpectralDensity(checkingGrid: d.grid, density: d.density, sigma: d.sigma, nodes: d.nodes,
                                        weights: d.weights.map { $0.map { $0 * 2 } }, dimension: d.dimension)
        }
        #expect(throws: TensorError.self) {
            try Hessian.SpectralDensity(checkingGrid: d.grid, density: d.density, sigma: d.sigma, nodes: [[1, 2]],
                                        weights: [[1]], dimension: d.dimension)
        }
        let bad = try Hessian.SpectralDensity(checkingGrid: d.grid, density: d.density, sigma: d.sigma, nodes: [[.nan]],
                                              weights: [[1]], dimension: 1)
        #expect(throws: TensorError.self) { try Hessian.minimumRatio(density: bad) }
    }
}
