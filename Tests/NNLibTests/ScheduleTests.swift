import Foundation
import Testing
import NNTensor
@testable import NNLib

/// Each schedule against its closed form at chosen steps.
@Suite struct ScheduleTests {
    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * max(1, abs(b)) }

    @Test func stepDecayHalvesEveryTenSteps() throws {
        let s = try Schedule.stepDecay(base: 0.1, every: 10, gamma: 0.5)
        #expect(try s.lrAt(0) == 0.1)
        #expect(try s.lrAt(9) == 0.1)
        #expect(try s.lrAt(10) == 0.05)
        #expect(try s.lrAt(25) == 0.025)
    }

    @Test func multiStepCountsPassedMilestones() throws {
        let s = try Schedule.multiStep(base: 1, milestones: [3, 7], gamma: 0.1)
        #expect(try s.lrs(9).map { ($0 * 1000).rounded() / 1000 } == [1, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01])
        #expect(throws: TensorError.self) { try Schedule.multiStep(base: 1, milestones: [5, 2]) }
    }

    @Test func exponentialIsBaseTimesGammaToTheStep() throws {
        let s = try Schedule.exponential(base: 2, gamma: 0.9)
        #expect(close(try s.lrAt(3), 2 * 0.729))
    }

    @Test func cosineHitsHalfwayAndMinimumAndHolds() throws {
        let s = try Schedule.cosine(base: 0.1, steps: 100, minLr: 0.01)
        #expect(close(try s.lrAt(0), 0.1))
        #expect(close(try s.lrAt(50), 0.055))                      // (1 + cos(π/2)) / 2 = 1/2
        #expect(close(try s.lrAt(25), 0.01 + 0.09 * (1 + 0.5.squareRoot()) / 2))   // cos(π/4) = √½
        #expect(close(try s.lrAt(100), 0.01))
        #expect(close(try s.lrAt(150), 0.01))
    }

    @Test func warmupRisesLinearlyThenHandsOver() throws {
        let s = try Schedule.warmup(steps: 4, then: .constant(0.8))
        for (got, want) in zip(try s.lrs(6), [0, 0.2, 0.4, 0.6, 0.8, 0.8]) { #expect(close(got, want)) }
        let f = try Schedule.warmup(steps: 4, startFactor: 0.5, then: .constant(0.8))
        #expect(close(try f.lrAt(2), 0.8 * (0.5 + 0.5 * 0.5)))
    }

    @Test func warmupThenCosineAndLinear() throws {
        let c = try Schedule.warmupCosine(peak: 1, warmup: 10, total: 110, minLr: 0)
        #expect(close(try c.lrAt(5), 0.5))
        #expect(close(try c.lrAt(10), 1))
        #expect(close(try c.lrAt(60), 0.5))
        #expect(close(try c.lrAt(110), 0))
        let l = try Schedule.warmupLinear(peak: 1, warmup: 10, total: 110, minLr: 0.1)
        #expect(close(try l.lrAt(60), 0.55))
        #expect(close(try l.lrAt(500), 0.1))
    }

    @Test func transformerPeaksAtTheEndOfWarmup() throws {
        let s = try Schedule.transformer(dModel: 512, warmup: 4000)
        let peak = pow(512.0, -0.5) * pow(4000.0, -0.5)
        #expect(close(try s.lrAt(4000), peak))
        #expect(close(try s.lrAt(1000), pow(512.0, -0.5) * 1000 * pow(4000.0, -1.5)))
        #expect(close(try s.lrAt(16000), pow(512.0, -0.5) / 16000.0.squareRoot()))
        #expect(try s.lrAt(0) == s.lrAt(1))
    }

    @Test func customScheduleAndBadRates() throws {
        let s = Schedule.custom { t in 1 / Double(t + 1) }
        #expect(try s.lrAt(3) == 0.25)
        let bad = Schedule.custom { _ in -1 }
        #expect(throws: TensorError.self) { try bad.lrAt(0) }
        #expect(throws: TensorError.self) { try s.lrAt(-1) }
    }

    @Test func schedulerSetsTheOptimizersLr() throws {
        let p = try Tensor(shape: [1], values: [1]).requiringGrad()
        let opt = try SGD([p], lr: 123)
        let sched = try LRScheduler(opt, .stepDecay(base: 0.1, every: 2, gamma: 0.5))
        #expect(opt.lr == 0.1)
        try sched.step(); #expect(opt.lr == 0.1)
        try sched.step(); #expect(opt.lr == 0.05)
        #expect(sched.stepCount == 2)
    }

    @Test func reduceOnPlateauWaitsForPatienceThenCoolsDown() throws {
        let p = try Tensor(shape: [1], values: [1]).requiringGrad()
        let opt = try SGD([p], lr: 1)
        let s = try ReduceLROnPlateau(opt, factor: 0.5, patience: 2, threshold: 0.1, cooldown: 1, minLr: 0.2)
        var lrs: [Double] = []
        // 10 is best; 9.5 is not 10% better; three bad epochs > patience 2 → halve.
        for m in [10.0, 9.5, 9.5, 9.5, 9.5, 9.5, 9.5, 9.5, 9.5, 9.5, 9.5, 9.5] {
            try s.step(m)
            lrs.append(opt.lr)
        }
        // bad: 1, 2, 3→reduce (epoch 4); cooldown 1 swallows epoch 5; bad 1, 2, 3→reduce at epoch 8;
        // then the next reduction would go below minLr 0.2: clamp to 0.2 at epoch 12.
        #expect(lrs == [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2])
        #expect(throws: TensorError.self) { try s.step(.nan) }
    }

    /// Every schedule that moves from one rate to another ends exactly on
    /// the end rate and never leaves the interval between them by rounding:
    /// `base + (0 - base) * 3 / 3` is `-1.4e-17` for `base` 0.1, which made
    /// `LinearDecay(0.1, 3).lrAt(3)` throw (51 of these pairs did).
    @Test func decaysEndExactlyOnTheEndRateForEveryBaseAndStepCount() throws {
        let bases = [0.1, 0.3, 0.7, 0.01, 0.03, 0.2, 0.6, 1e-3, 3e-4, 0.9, 1.1, 2.3]
        for base in bases {
            for steps in 1...100 {
                for end in [0, base / 3, 0.1] {
                    let l = try Schedule.linearDecay(base: base, steps: steps, endLr: end)
                    let c = try Schedule.cosine(base: base, steps: steps, minLr: end)
                    let lo = Swift.min(base, end), hi = Swift.max(base, end)
                    #expect(try l.lrAt(steps) == end, "LinearDecay(\(base), \(steps), end \(end))")
                    #expect(try c.lrAt(steps) == end, "CosineDecay(\(base), \(steps), min \(end))")
                    #expect(try l.lrAt(0) == base && c.lrAt(0) == base)
                    for t in 0...(steps + 1) {
                        let a = try l.lrAt(t), b = try c.lrAt(t)
                        #expect(a >= lo && a <= hi && b >= lo && b <= hi, "step \(t) of \(steps), base \(base), end \(end)")
                    }
                }
                let w = try Schedule.warmupLinear(peak: base, warmup: steps, total: steps + 3, minLr: 0)
                #expect(try w.lrAt(steps) == base)
                #expect(try w.lrAt(steps + 3) == 0)
                for t in 0...(steps + 4) { #expect(try w.lrAt(t) <= base) }
            }
        }
    }

    /// `fit` with `LinearDecay(opt, 3)` over 3 epochs steps the schedule to
    /// step 3 after its last epoch: that rate must be a valid 0.
    @Test func linearDecayToZeroSurvivesItsLastStep() throws {
        let p = try Tensor(shape: [1], values: [1]).requiringGrad()
        let opt = try SGD([p], lr: 0.1)
        let sched = try LRScheduler(opt, .linearDecay(base: 0.1, steps: 3))
        for _ in 0..<3 { try sched.step() }
        #expect(opt.lr == 0)
    }
}
