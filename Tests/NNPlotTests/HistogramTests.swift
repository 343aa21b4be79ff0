import Testing
@testable import NNPlot

@Suite("Histogram")
struct HistogramTests {
    /// 18 finite values and a NaN; counted by hand into 8 bins of width 0.5 over [-2, 2]:
    /// [-2,-1.5): -1.9 | [-1.5,-1): -1.2 -1.1 | [-1,-0.5): none | [-0.5,0): -0.4 -0.3 -0.2 -0.1
    /// [0,0.5): 0 0.05 0.1 0.2 0.3 0.35 | [0.5,1): 0.6 0.9 | [1,1.5): 1.1 | [1.5,2]: 1.5 2.0
    let values: [Double] = [-1.9, -1.2, -1.1, -0.4, -0.3, -0.2, -0.1, 0, 0.05, 0.1, 0.2, 0.3, 0.35, 0.6, 0.9, 1.1, 1.5, 2.0, .nan]

    @Test("counts follow numpy: half-open bins, the last one closed, NaN skipped and reported")
    func counts() throws {
        let h = try Histogram(values: values, bins: 8, range: -2...2)
        #expect(h.weights == [1, 2, 0, 4, 6, 2, 1, 2])
        #expect(h.edges == [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2])
        #expect(h.skippedNonFinite == 1)
        let outside = try Histogram(values: [-5, 0.1, 0.2, 7], bins: 2, range: 0...1)
        #expect(outside.weights == [2, 0])
        #expect(outside.skippedOutside == 2)
    }

    @Test("horizontal bars: edges, a bar scaled to the largest bin (24 columns for 6), the count")
    func horizontal() throws {
        let h = try Histogram(values: values, bins: 8, range: -2...2)
        let expected = """
        [-2.0, -1.5) │████ 1
        [-1.5, -1.0) │████████ 2
        [-1.0, -0.5) │ 0
        [-0.5,  0.0) │████████████████ 4
        [ 0.0,  0.5) │████████████████████████ 6
        [ 0.5,  1.0) │████████ 2
        [ 1.0,  1.5) │████ 1
        [ 1.5,  2.0] │████████ 2
        (skipped 1 non-finite)
        """
        #expect(h.renderText(TextOptions(width: 40, height: 8)) == expected)
    }

    @Test("vertical bars over a count axis, in eighths of a row, bin edges below")
    func vertical() throws {
        var h = try Histogram(values: values, bins: 8, range: -2...2)
        h.orientation = .vertical
        // 6 fills all 8 rows; 4 fills 5⅓ rows (5 full and ▃); 1 fills 1⅓ rows (▃ over █).
        let expected = """
        6 ┤                ███
          │                ███
        4 ┤            ▃▃▃ ███
          │            ███ ███
          │            ███ ███
        2 ┤    ▅▅▅     ███ ███ ▅▅▅     ▅▅▅
          │▃▃▃ ███     ███ ███ ███ ▃▃▃ ███
        0 ┤███ ███     ███ ███ ███ ███ ███
          └┬───────┬───────┬───────┬──────┬───
          -2.0    -1.0    0.0     1.0    2.0
        (skipped 1 non-finite)
        """
        #expect(h.renderText(TextOptions(width: 40, height: 8)) == expected)
    }

    @Test("precomputed edges and weights (a spectral density) draw the same way")
    func precomputed() throws {
        let h = try Histogram(edges: [0, 1, 2, 4], weights: [0.5, 0.25, 0.125])
        let lines = h.renderText(TextOptions(width: 30, asciiOnly: true)).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("[0, 1) |") && lines[0].hasSuffix(" 0.5"))
        #expect(lines[2].hasPrefix("[2, 4] |") && lines[2].hasSuffix(" 0.125"))
        // 30 columns less "[0, 1) |" (8), a space and the widest count (6) leave 16 for the
        // largest bar: 0.5 : 0.25 : 0.125 gives 16, 8 and 4 '#'.
        #expect(lines.map { $0.filter { $0 == "#" }.count } == [16, 8, 4])
    }

    @Test("bad arguments are errors that name the value")
    func errors() {
        #expect(throws: PlotError.invalidArgument("histogram: bins must be in 1...10000, got 0")) {
            try Histogram(values: [1], bins: 0)
        }
        #expect(throws: PlotError.self) { try Histogram(edges: [0, 1], weights: [1, 2]) }
        #expect(throws: PlotError.self) { try Histogram(edges: [0, 2, 1], weights: [1, 2]) }
        #expect(throws: PlotError.self) { try Histogram(edges: [0, 1], weights: [-1]) }
        #expect(throws: PlotError.self) { try Histogram(values: [1], range: 1...1) }
    }

    @Test("empty and constant inputs still draw")
    func degenerate() throws {
        let empty = try Histogram(values: [], bins: 3)
        #expect(empty.weights == [0, 0, 0])
        #expect(!empty.renderText(TextOptions()).isEmpty)
        let constant = try Histogram(values: [2, 2, 2], bins: 2)
        #expect(constant.edges == [1.5, 2, 2.5])
        #expect(constant.weights == [0, 3])
    }
}
