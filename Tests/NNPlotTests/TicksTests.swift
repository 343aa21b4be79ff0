import Testing
@testable import NNPlot

@Suite("Ticks and number formatting")
struct TicksTests {
    func values(_ ticks: [Tick]) -> [Double] { ticks.map(\.value) }
    func labels(_ ticks: [Tick]) -> [String] { ticks.map(\.label) }

    @Test("linear ticks step by 1, 2 or 5 times a power of ten (MaxNLocator)")
    func linear() {
        // 0…100 with at most 6 ticks: raw step 20 → 20.
        #expect(labels(Ticks.linear(lo: 0, hi: 100, maxTicks: 6)) == ["0", "20", "40", "60", "80", "100"])
        // raw step 25 → 50.
        #expect(labels(Ticks.linear(lo: 0, hi: 100, maxTicks: 5)) == ["0", "50", "100"])
        // 0.23…2.3 with 5: raw 0.5175 → 1; with 6: raw 0.414 → 0.5.
        #expect(labels(Ticks.linear(lo: 0.23, hi: 2.3, maxTicks: 5)) == ["1", "2"])
        #expect(labels(Ticks.linear(lo: 0.23, hi: 2.3, maxTicks: 6)) == ["0.5", "1.0", "1.5", "2.0"])
        // Negative ranges and exact decimals: 0.1·3 prints as 0.3.
        #expect(labels(Ticks.linear(lo: -0.35, hi: 0.35, maxTicks: 8)) == ["-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2", "0.3"])
        #expect(values(Ticks.linear(lo: -0.35, hi: 0.35, maxTicks: 8))[6] == 0.3)
    }

    @Test("large and tiny linear ranges switch to scientific labels")
    func scientific() {
        #expect(labels(Ticks.linear(lo: 1e6, hi: 2e6, maxTicks: 3)) == ["1e6", "1.5e6", "2e6"])
        #expect(labels(Ticks.linear(lo: 0, hi: 3e-6, maxTicks: 4)) == ["0", "1e-6", "2e-6", "3e-6"])
    }

    @Test("degenerate steps and spans label without trapping")
    func degenerate() {
        #expect(labels(Ticks.label([0, 1], step: 0)).count == 2)
        #expect(labels(Ticks.label([0, 1], step: .nan)).count == 2)
        #expect(labels(Ticks.label([.infinity], step: .infinity)).count == 1)
        #expect(Ticks.linear(lo: 1, hi: 1 + 1e-300, maxTicks: 5).count >= 1)
        #expect(Ticks.linear(lo: 0, hi: 5e-324, maxTicks: 5).count >= 1)
        #expect(Ticks.linear(lo: -1e308, hi: 1e308, maxTicks: 5).count >= 1)
    }

    @Test("log ticks: powers of ten, thinned when too many, 1-2-5 inside a single decade")
    func log() {
        #expect(labels(Ticks.log(lo: 1e-4, hi: 1, maxTicks: 6)) == ["1e-4", "0.001", "0.01", "0.1", "1"])
        #expect(labels(Ticks.log(lo: 1e-8, hi: 1e8, maxTicks: 5)) == ["1e-8", "1e-4", "1", "1e4", "1e8"])
        #expect(labels(Ticks.log(lo: 0.3, hi: 3, maxTicks: 6)) == ["0.5", "1", "2"])
    }

    @Test("AxisScale maps data to [0, 1], logarithmically on a log axis")
    func scale() {
        let lin = AxisScale(lo: 2, hi: 6, isLog: false)
        #expect(lin.unit(3) == 0.25)
        #expect(lin.unit(.nan) == nil)
        let log = AxisScale(lo: 1, hi: 1000, isLog: true)
        #expect(abs((log.unit(10) ?? 0) - 1.0 / 3) < 1e-15)
        #expect(log.unit(0) == nil)
        #expect(AxisScale.auto([5, 5], log: false).map { $0 == (4.5, 5.5) } == true)
        #expect(AxisScale.auto([0], log: false).map { $0 == (-1, 1) } == true)
        #expect(AxisScale.auto([4], log: true).map { $0 == (2, 8) } == true)
        #expect(AxisScale.auto([.nan], log: false) == nil)
    }

    @Test("fixed formatting is exact and never prints -0")
    func formatting() {
        #expect(NumberFormat.fixed(1.25, decimals: 1) == "1.3")
        #expect(NumberFormat.fixed(-0.04, decimals: 1) == "0.0")
        #expect(NumberFormat.fixed(-2.5, decimals: 2) == "-2.50")
        #expect(NumberFormat.compact(0.125) == "0.125")
        #expect(NumberFormat.compact(3.14159) == "3.142")
        #expect(NumberFormat.compact(1.23456e-5) == "1.23e-5")
        #expect(NumberFormat.compact(12) == "12")
        #expect(NumberFormat.svg(10.5) == "10.5")
        #expect(NumberFormat.svg(3.999) == "4")
        #expect(NumberFormat.fixed(.nan, decimals: 2) == "nan")
    }
}

extension TicksTests {
    @Test("two decades or less on a log axis get 1-2-5 ticks when they fit")
    func logShortRange() {
        #expect(labels(Ticks.log(lo: 0.012, hi: 2.4, maxTicks: 8)) == ["0.02", "0.05", "0.1", "0.2", "0.5", "1", "2"])
        #expect(labels(Ticks.log(lo: 0.012, hi: 2.4, maxTicks: 4)) == ["0.1", "1"])
        #expect(NumberFormat.significant(55.58, 3) == "55.6")
        #expect(NumberFormat.significant(0.29921, 3) == "0.299")
    }
}
