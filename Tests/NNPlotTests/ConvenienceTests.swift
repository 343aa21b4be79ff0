import Testing
@testable import NNPlot

@Suite("Conveniences for the interpreter")
struct ConvenienceTests {
    @Test("training curves are numbered from epoch 1 and empty ones are left out")
    func curves() {
        let fig = Figure.curves([("train", [3, 2, 1]), ("validation", [])], yLabel: "loss")
        #expect(fig.series.count == 1)
        #expect(fig.series[0].x == [1, 2, 3])
        #expect(fig.series[0].label == "train")
        #expect(fig.xLabel == "epoch")
    }

    @Test("a warm-up-then-decay schedule sampled at every step")
    func schedule() throws {
        // Linear warm-up over 10 steps to 0.1, then constant: lr(s) = 0.1 · min(1, s / 10).
        let fig = try Figure.function({ 0.1 * min(1, $0 / 10) }, x: 0...20, count: 21, label: "lr")
        #expect(fig.series[0].y[5] == 0.05)
        #expect(fig.series[0].y[20] == 0.1)
        #expect(fig.renderText(TextOptions(width: 40, height: 6)).contains("⠤⠤ lr"))
    }

    @Test("a live redraw moves the cursor up over the old picture and clears below")
    func redraw() {
        #expect(TerminalRedraw.clear(lines: 3) == "\u{1B}[3F\u{1B}[J")
        #expect(TerminalRedraw.clear(lines: 0) == "")
        #expect(TerminalRedraw.lineCount("a\nb\nc") == 3)
        #expect(TerminalRedraw.lineCount("") == 0)
    }
}

extension ConvenienceTests {
    @Test("script bounds become ranges through AxisLimits, which rejects lo > hi instead of trapping")
    func ranges() throws {
        #expect(try AxisLimits(-2, 3).range == -2...3)
        #expect(throws: PlotError.invalidArgument("limits: lower bound must be below upper bound, got [3.0, -2.0]")) {
            try AxisLimits(3, -2)
        }
    }
}
