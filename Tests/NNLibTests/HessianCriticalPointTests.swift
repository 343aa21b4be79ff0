import Foundation
import Testing
import NNTensor
@testable import NNLib

/// Critical points of functions whose Hessians are known by hand.
///
/// The lecture's network `ŷ = w1 · w2 · x` with the one datum `(x, y) = (1, 1)`
/// has the loss `L(w) = (1 − w1 w2)²`, so
///
/// ```
/// ∂L/∂w1 = −2 w2 (1 − w1 w2)        ∂²L/∂w1² = 2 w2²
/// ∂L/∂w2 = −2 w1 (1 − w1 w2)        ∂²L/∂w2² = 2 w1²
///                                   ∂²L/∂w1∂w2 = −2 + 4 w1 w2
/// ```
///
/// and at `(0, 0)`: `g = 0`, `H = [[0, −2], [−2, 0]]`, eigenvalues `∓2` with
/// eigenvectors `(1, 1)/√2` (for −2) and `(1, −1)/√2` (for 2).
@Suite struct HessianCriticalPointTests {
    func close(_ a: Double, _ b: Double, _ tol: Double = 1e-12) -> Bool { abs(a - b) <= tol }

    func scalar(_ v: Double) throws -> Tensor { try Tensor(shape: [1], values: [v], dtype: .float64) }

    /// The lecture's loss as a function of two named one-element parameters.
    func lecture(at w1: Double = 0, _ w2: Double = 0) throws -> Hessian.Objective {
        let x = try scalar(1), y = try scalar(1)
        return try Hessian.Objective(parameters: [scalar(w1), scalar(w2)], names: ["w1", "w2"]) { w in
            let r = try y - w[0] * w[1] * x
            return try (r * r).sum()
        }
    }

    /// A function of one flat vector `v = (x, y)` given as `f(x, y)` on 0-d pieces.
    func flat(_ point: [Double], _ f: @escaping (Tensor, Tensor) throws -> Tensor) throws -> Hessian.Objective {
        try Hessian.Objective(flat: Tensor(shape: [2], values: point, dtype: .float64)) { v in
            try f(v.index([0]), v.index([1]))
        }
    }

    @Test func lectureSaddleHasTheHessianWorkedOutByHand() throws {
        let f = try lecture()
        #expect(try Hessian.matrix(of: f).doubles == [0, -2, -2, 0])
        let c = try Hessian.criticalPoint(of: f)
        #expect(c.kind == .saddlePoint)
        #expect(c.kind.rawValue == "saddle point")
        #expect(c.gradientNorm == 0 && c.loss == 1)
        #expect(close(c.eigenvalues[0], -2) && close(c.eigenvalues[1], 2))
        #expect(c.positive == 1 && c.negative == 1 && c.zero == 0)
        #expect(c.minimumRatio == 0.5)
        let u = try #require(c.escape)
        #expect(close(u[0], 1 / 2.0.squareRoot()) && close(u[1], 1 / 2.0.squareRoot()))
        #expect(c.escapeEigenvalue.map { close($0, -2) } == true)
    }

    @Test func escapeStepLowersTheLossByAboutHalfEtaSquaredLambda() throws {
        // θ' = (η/√2, η/√2): L = (1 − η²/2)² = 1 − η² + η⁴/4, predicted ½ η² (−2) = −η².
        let f = try lecture()
        for η in [0.5, 0.1, 0.01] {
            let e = try Hessian.escapeSaddle(of: f, stepSize: η)
            #expect(close(e.to[0], η / 2.0.squareRoot()) && close(e.to[1], η / 2.0.squareRoot()))
            #expect(close(e.predicted, -η * η) && e.firstOrder == 0)
            #expect(close(e.lossAfter, pow(1 - η * η / 2, 2)))
            #expect(close(e.actual, -η * η + pow(η, 4) / 4))
            #expect(e.actual < 0)
        }
    }

    @Test func hessianOfTheLectureLossAwayFromTheOrigin() throws {
        // At (2, 0.25): w1 w2 = 0.5, H = [[2·0.0625, −2 + 2], [0, 2·4]] = [[0.125, 0], [0, 8]].
        let h = try Hessian.matrix(of: lecture(at: 2, 0.25)).doubles
        #expect(close(h[0], 0.125) && close(h[1], 0) && close(h[2], 0) && close(h[3], 8))
        // One parameter's block: ∂²L/∂w2² = 2 w1² = 8.
        #expect(try Hessian.matrix(of: lecture(at: 2, 0.25), block: "w2").doubles == [8])
        // And it is not a critical point: g = (−2·0.25·0.5, −2·2·0.5) = (−0.25, −2).
        let c = try Hessian.criticalPoint(of: lecture(at: 2, 0.25))
        #expect(c.kind == .notCritical)
        #expect(close(c.gradientNorm, (0.0625 + 4).squareRoot()))
        #expect(c.escape == nil)
    }

    @Test func minimumMaximumAndSaddleOfQuadratics() throws {
        // (x − 1)² + 3 (y + 2)² at (1, −2): H = diag(2, 6).
        let bowl = try flat([1, -2]) { x, y in try (x - 1).square() + 3 * (y + 2).square() }
        let m = try Hessian.criticalPoint(of: bowl)
        #expect(m.kind == .localMinimum && m.positive == 2)
        #expect(close(m.eigenvalues[0], 2) && close(m.eigenvalues[1], 6))
        #expect(m.minimumRatio == 1)
        // −(x² + 2y²) at 0: H = diag(−2, −4).
        let cap = try flat([0, 0]) { x, y in -(try x.square() + 2 * y.square()) }
        let c = try Hessian.criticalPoint(of: cap)
        #expect(c.kind == .localMaximum && c.negative == 2)
        #expect(close(c.eigenvalues[0], -4) && close(c.eigenvalues[1], -2))
        #expect(c.minimumRatio == 0)
        // x² − y² at 0: escape along ±y.
        let pringle = try flat([0, 0]) { x, y in try x.square() - y.square() }
        let s = try Hessian.criticalPoint(of: pringle)
        #expect(s.kind == .saddlePoint)
        #expect(s.escape.map { close(abs($0[1]), 1) && close($0[0], 0) } == true)
    }

    @Test func degeneratePointsAreNotDecidedBySecondOrder() throws {
        // x⁴ + y⁴ at 0 (a minimum in fact): H = 0.
        let quartic = try flat([0, 0]) { x, y in try x.pow(4) + y.pow(4) }
        let q = try Hessian.criticalPoint(of: quartic)
        #expect(q.kind == .degenerate && q.zero == 2)
        // x² + y³ at 0 (not a minimum): H = diag(2, 0).
        let cusp = try flat([0, 0]) { x, y in try x.square() + y.pow(3) }
        let c = try Hessian.criticalPoint(of: cusp)
        #expect(c.kind == .degenerate)
        #expect(c.positive == 1 && c.zero == 1 && c.negative == 0)
        // The zero band is settable: with tol 3 the eigenvalue 2 counts as zero too.
        #expect(try Hessian.criticalPoint(of: cusp, eigenvalueTolerance: 3).zero == 2)
    }

    @Test func nonCriticalPointAndGradientTolerance() throws {
        // x² + y² at (1e-7, 0): ‖g‖ = 2e-7 ≤ 1e-6 (1 + L), so it counts as a minimum…
        let bowl = try flat([1e-7, 0]) { x, y in try x.square() + y.square() }
        #expect(try Hessian.criticalPoint(of: bowl).kind == .localMinimum)
        // …unless the gradient tolerance is tightened below 2e-7.
        let strict = try Hessian.criticalPoint(of: bowl, gradientTolerance: 1e-7)
        #expect(strict.kind == .notCritical && close(strict.gradientNorm, 2e-7, 1e-20))
        #expect(close(strict.gradientTolerance, 1e-7, 0))
        #expect(close(Hessian.defaultGradientTolerance(loss: 3), 4e-6, 1e-20))
    }

    @Test func escapeSaddleRefusesAMinimum() throws {
        let bowl = try flat([0, 0]) { x, y in try x.square() + y.square() }
        #expect(throws: TensorError.self) { try Hessian.escapeSaddle(of: bowl, stepSize: 0.1) }
        #expect(throws: TensorError.self) { try Hessian.escapeSaddle(of: try self.lecture(), stepSize: -1) }
    }

    @Test func taylorErrorShrinksLikeTheCubeOfTheStep() throws {
        // L = (1 − w1 w2)² at (0.3, 0.7) along d: the second-order error is
        // O(t³), so halving t divides it by about 8; the first-order error by 4.
        let f = try lecture(at: 0.3, 0.7)
        let t = try Hessian.taylorCheck(of: f, direction: [1, 2], steps: [0.1, 0.05, 0.025])
        #expect(close(t.direction[0], 1 / 5.0.squareRoot()))
        // gᵀd and dᵀHd by hand: 1 − w1w2 = 0.79, g = (−2·0.7·0.79, −2·0.3·0.79),
        // H = [[0.98, −1.16], [−1.16, 0.18]].
        let d = [1 / 5.0.squareRoot(), 2 / 5.0.squareRoot()]
        #expect(close(t.slope, -2 * 0.79 * (0.7 * d[0] + 0.3 * d[1])))
        #expect(close(t.curvature, 0.98 * d[0] * d[0] - 2 * 1.16 * d[0] * d[1] + 0.18 * d[1] * d[1]))
        for (a, b) in zip(t.rows, t.rows.dropFirst()) {
            let r2 = a.secondOrderError / b.secondOrderError
            let r1 = a.firstOrderError / b.firstOrderError
            #expect(r2 > 7 && r2 < 9, "second-order error ratio \(r2)")
            #expect(r1 > 3.5 && r1 < 4.5, "first-order error ratio \(r1)")
        }
        #expect(t.rows[0].actual == (try f.value(at: [0.3 + 0.1 * d[0], 0.7 + 0.1 * d[1]])))
    }

    @Test func searchFindsTheSaddleNearTheOrigin() throws {
        // From (0.1, −0.05) the nearest critical point of (1 − w1 w2)² is the
        // saddle at 0 (the minima lie on w1 w2 = 1, far away).
        let s = try Hessian.findCriticalPoint(of: lecture(at: 0.1, -0.05))
        #expect(s.converged && s.method == .levenbergMarquardt)
        #expect(abs(s.point[0]) < 1e-6 && abs(s.point[1]) < 1e-6)
        #expect(s.classification?.kind == .saddlePoint)
        #expect(s.gradientNorms.last.map { $0 <= 1e-6 * (1 + (s.losses.last ?? 0)) } == true)
    }

    @Test func searchFindsAMinimumOnTheValleyFloor() throws {
        // From (1.2, 0.9) the gradient norm leads to w1 w2 = 1, a minimum of
        // the loss (but degenerate: H has the zero eigenvalue along the valley).
        for method in [Hessian.SearchMethod.levenbergMarquardt, .adam(learningRate: 0.01)] {
            let s = try Hessian.findCriticalPoint(of: lecture(at: 1.2, 0.9), method: method,
                                                  gradientTolerance: 1e-5, maxSteps: 3000)
            #expect(s.converged, "\(method)")
            #expect(abs(s.point[0] * s.point[1] - 1) < 1e-4, "\(method)")
            #expect(s.classification?.kind == .degenerate)
            #expect(s.classification?.positive == 1 && s.classification?.zero == 1)
        }
    }

    @Test func inPlaceParametersAreRestored() throws {
        // A "model" whose loss reads its parameters: the Hessian is taken at
        // θ, and the tensors hold their own values again afterwards.
        let w1 = try scalar(0.5), w2 = try scalar(-1)
        let f = try Hessian.Objective(parameters: [("a.weight", w1), ("b.weight", w2)]) {
            let r = try 1 - w1 * w2
            return try (r * r).sum()
        }
        let h = try Hessian.matrix(of: f, at: [0, 0]).doubles
        #expect(h == [0, -2, -2, 0])
        #expect(w1.doubles == [0.5] && w2.doubles == [-1])
        #expect(!w1.requiresGrad && w1.grad == nil)
        // At its own point, ∂²L/∂w1∂w2 = −2 + 4 (0.5)(−1) = −4.
        #expect(try Hessian.matrix(of: f).doubles[1] == -4)
        #expect(try f.layout.range(of: "b.weight") == 1..<2)
    }
}
