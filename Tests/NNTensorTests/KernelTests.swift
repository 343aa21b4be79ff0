import Testing
@testable import NNTensor

/// The kernels against element-by-element references, over many random
/// shapes (sizes 0 and 1, broadcast and leading dimensions, long rows that
/// take the tiled and vector paths). The kernels index unchecked in release
/// builds; these tests run in debug builds, where every buffer subscript is
/// bounds-checked, so an offset a kernel gets wrong traps here.
@Suite struct KernelTests {
    /// Row-major coordinates of flat index `i` in `shape`.
    static func coords(_ i: Int, _ shape: [Int]) -> [Int] {
        var rest = i
        var c = [Int](repeating: 0, count: shape.count)
        for d in shape.indices.reversed() where shape[d] > 0 {
            c[d] = rest % shape[d]
            rest /= shape[d]
        }
        return c
    }

    /// The flat index of the element a broadcast operand of `shape` gives at
    /// output coordinates `c` (right-aligned; size-1 dimensions repeat).
    static func flat(_ c: [Int], broadcastFrom shape: [Int]) -> Int {
        let lead = c.count - shape.count
        var i = 0
        for (d, n) in shape.enumerated() { i = i * n + (n == 1 ? 0 : c[lead + d]) }
        return i
    }

    /// A random shape that broadcasts to `out`: some leading dimensions
    /// dropped, some others set to 1.
    static func operandShape(_ out: [Int], _ rng: inout RandomGenerator) -> [Int] {
        let drop = rng.int(in: 0...out.count)
        return out.dropFirst(drop).map { rng.int(in: 0...2) == 0 ? 1 : $0 }
    }

    static func randomShape(_ rng: inout RandomGenerator, maxRank: Int = 4, maxDim: Int = 5) -> [Int] {
        (0..<rng.int(in: 0...maxRank)).map { _ in rng.int(in: 0...maxDim) }
    }

    @Test func zipMatchesBroadcastingElementByElement() throws {
        var rng = RandomGenerator(seed: 11)
        var shapes: [([Int], [Int], [Int])] = [
            ([1000], [1000], [1000]), ([1000], [1], [1000]), ([1], [1000], [1000]), ([], [], []),
            ([3, 1], [1, 700], [3, 700]), ([700, 1], [700], [700, 700]), ([2, 3, 4], [4], [2, 3, 4]),
            ([2, 0, 4], [4], [2, 0, 4]), ([5, 1, 3], [1, 4, 1], [5, 4, 3]),
            // one row or one column against a whole operand or one element
            // (rowSteps, no stride arrays), and near misses that are neither
            ([4, 2], [4, 1], [4, 2]), ([4, 1], [4, 2], [4, 2]), ([1, 2], [4, 2], [4, 2]), ([2], [], [2, 2]),
            ([3, 1], [], [3, 4]), ([2, 1, 1], [2, 1, 3], [2, 1, 3]), ([1, 2, 1], [3, 2, 4], [3, 2, 4]),
            ([2, 1], [1, 3], [2, 3]), ([4, 1], [4], [4, 4]), ([1, 1, 5], [2, 3, 5], [2, 3, 5]),
        ]
        for _ in 0..<300 {
            let out = Self.randomShape(&rng)
            shapes.append((Self.operandShape(out, &rng), Self.operandShape(out, &rng), out))
        }
        for (aShape, bShape, out) in shapes {
            let a = (0..<aShape.reduce(1, *)).map { Double($0) + 0.25 }
            let b = (0..<bShape.reduce(1, *)).map { Double($0) * 1000 }
            let n = out.reduce(1, *)
            let want = (0..<n).map { i -> Double in
                let c = Self.coords(i, out)
                return a[Self.flat(c, broadcastFrom: aShape)] - b[Self.flat(c, broadcastFrom: bShape)]
            }
            #expect(Kernels.zip(a, aShape, b, bShape, out, -) == want, "\(aShape) - \(bShape) -> \(out)")
            let got32 = Kernels.zip(a.map(Float.init), aShape, b.map(Float.init), bShape, out, -)
            #expect(got32 == want.map(Float.init), "float32 \(aShape) - \(bShape) -> \(out)")
        }
    }

    /// Results are made filled-then-written up to `smallCount` elements and
    /// uninitialised above (`Array.uninitialized`): the same arrays either way.
    @Test func uninitializedArraysHoldWhatWasWrittenOnBothSidesOfTheSmallLimit() {
        let limit = [Float].smallCount
        for n in [0, 1, 7, limit - 1, limit, limit + 1, 3 * limit] {
            let a: [Float] = Kernels.uninitialized(n) { buffer, initialized in
                for i in 0..<n { buffer[i] = Float(i) * 0.5 }
                initialized = n
            }
            #expect(a == (0..<n).map { Float($0) * 0.5 }, "\(n) elements")
            #expect(Shape.filled(3, count: n) == [Int](repeating: 3, count: n))
        }
    }

    @Test func selectMatchesBroadcastingElementByElement() throws {
        var rng = RandomGenerator(seed: 12)
        var shapes: [[[Int]]] = [[[600], [600], [600], [600]], [[3, 1], [1, 500], [], [3, 500]]]
        for _ in 0..<200 {
            let out = Self.randomShape(&rng)
            shapes.append([Self.operandShape(out, &rng), Self.operandShape(out, &rng), Self.operandShape(out, &rng), out])
        }
        for s in shapes {
            let (cShape, aShape, bShape, out) = (s[0], s[1], s[2], s[3])
            let c = (0..<cShape.reduce(1, *)).map { Double($0 % 3 == 0 ? 1 : 0) }
            let a = (0..<aShape.reduce(1, *)).map { Double($0) }
            let b = (0..<bShape.reduce(1, *)).map { -Double($0) - 1 }
            let want = (0..<out.reduce(1, *)).map { i -> Double in
                let co = Self.coords(i, out)
                return c[Self.flat(co, broadcastFrom: cShape)] != 0
                    ? a[Self.flat(co, broadcastFrom: aShape)] : b[Self.flat(co, broadcastFrom: bShape)]
            }
            #expect(Kernels.select(c, cShape, a, aShape, b, bShape, out) == want, "\(s)")
        }
    }

    @Test func permuteMatchesElementByElement() throws {
        var rng = RandomGenerator(seed: 13)
        var cases: [([Int], [Int])] = [
            ([70, 45], [1, 0]), ([3, 40, 37], [0, 2, 1]), ([2, 33, 65], [0, 2, 1]),  // tiled transposes
            ([16, 16, 64], [2, 0, 1]), ([1, 1, 300], [2, 1, 0]), ([4, 0, 3], [2, 0, 1]), ([5], [0]),
        ]
        for _ in 0..<200 {
            let shape = (0..<rng.int(in: 1...5)).map { _ in rng.int(in: 0...4) }
            cases.append((shape, rng.permutation(shape.count)))
        }
        for (shape, perm) in cases {
            let n = shape.reduce(1, *)
            let x = (0..<n).map(Double.init)
            let outShape = perm.map { shape[$0] }
            let strides = Shape.strides(shape)
            let want = (0..<n).map { i -> Double in
                let c = Self.coords(i, outShape)
                return x[zip(perm, c).reduce(0) { $0 + strides[$1.0] * $1.1 }]
            }
            #expect(Kernels.permute(x, shape, perm) == want, "\(shape) permuted by \(perm)")
            #expect(Kernels.permute(x.map(Float.init), shape, perm) == want.map(Float.init))
        }
    }

    /// The positions a slice `start:stop:step` selects on an axis of `n`.
    static func positions(_ item: TensorIndex, _ n: Int) throws -> [Int] {
        switch item {
        case .slice(let start, let stop, let step):
            let r = try IndexPlan.slice(start: start, stop: stop, step: step, size: n, op: "test")
            return (0..<r.count).map { r.start + $0 * r.step }
        case .list(let l): return l.map { $0 < 0 ? $0 + n : $0 }
        default: return []
        }
    }

    @Test func gatherAndScatterAddMatchElementByElement() throws {
        var rng = RandomGenerator(seed: 14)
        for _ in 0..<200 {
            let shape = (0..<rng.int(in: 1...4)).map { _ in rng.int(in: 1...6) }
            // one item per axis: a random slice, or (on at most one axis) a list with repeats
            let listAxis = rng.int(in: 0...shape.count)  // == count: no list
            var items: [TensorIndex] = []
            for (d, n) in shape.enumerated() {
                if d == listAxis {
                    items.append(.list((0..<rng.int(in: 1...5)).map { _ in rng.int(in: -n...(n - 1)) }))
                } else {
                    let step = [1, 2, -1, -2][rng.int(in: 0...3)]
                    items.append(.slice(start: rng.int(in: -n...n), stop: rng.int(in: -n...n), step: step))
                }
            }
            let sel = try zip(items, shape).map { try Self.positions($0, $1) }
            let outShape = sel.map(\.count)
            let n = shape.reduce(1, *), m = outShape.reduce(1, *)
            let strides = Shape.strides(shape)
            let source = { (i: Int) -> Int in
                zip(Self.coords(i, outShape), sel).enumerated().reduce(0) { $0 + strides[$1.offset] * $1.element.1[$1.element.0] }
            }
            let x = (0..<n).map(Double.init)
            let plan = try IndexPlan(items, shape: shape, op: "test")
            #expect(plan.outShape == outShape)
            #expect(Kernels.gather(x, plan) == (0..<m).map { x[source($0)] }, "\(shape) \(items)")
            let g = (0..<m).map { Double($0 + 1) }
            var want = [Double](repeating: 0, count: n)
            for i in 0..<m { want[source(i)] += g[i] }
            #expect(Kernels.scatterAdd(g, plan, count: n) == want, "\(shape) \(items)")
        }
    }

    @Test func softmaxDownColumnsMatchesAReference() throws {
        var rng = RandomGenerator(seed: 15)
        for (outer, r, inner) in [(1, 300, 700), (3, 5, 2), (2, 1, 9), (1, 40, 1), (4, 17, 33)] {
            let x = (0..<(outer * r * inner)).map { _ in rng.normal() * 3 }
            for log in [false, true] {
                let got = Kernels.softmax(x, outer, r, inner, log: log)
                var worst = 0.0
                for o in 0..<outer {
                    for j in 0..<inner {
                        let col = (0..<r).map { x[(o * r + $0) * inner + j] }
                        let m = col.max() ?? 0
                        let s = col.reduce(0) { $0 + libmExp($1 - m) }
                        for k in 0..<r {
                            let want = log ? col[k] - m - libmLog(s) : libmExp(col[k] - m) / s
                            worst = Swift.max(worst, abs(got[(o * r + k) * inner + j] - want))
                        }
                    }
                }
                #expect(worst < 1e-12, "[\(outer), \(r), \(inner)] log: \(log)")
            }
        }
    }

    @Test func indexPlansReachExactlyTheLastElement() throws {
        // checkOffsets bounds a plan by base + Σ max offset: the corner element
        // is in range, and an empty selection reaches nothing.
        let x = (0..<24).map(Double.init)
        let last = try IndexPlan([.index(-1), .index(-1), .list([3, 0])], shape: [2, 3, 4], op: "test")
        #expect(Kernels.gather(x, last) == [23, 20])
        let empty = try IndexPlan([.slice(start: 2, stop: 2, step: 1)], shape: [2, 3, 4], op: "test")
        #expect(Kernels.gather(x, empty).isEmpty)
        #expect(Kernels.scatterAdd([], empty, count: 24) == [Double](repeating: 0, count: 24))
    }

    /// The rows `forEachRow` walks: (offset a, stride a, offset b, stride b, out, length).
    static func rows(_ shape: [Int], _ a: [Int], _ b: [Int]) -> [[Int]] {
        var out: [[Int]] = []
        Kernels.forEachRow(shape, Shape.broadcastStrides(a, to: shape), Shape.broadcastStrides(b, to: shape)) {
            out.append([$0, $1, $2, $3, $4, $5])
        }
        return out
    }

    @Test func rowsMergeWhatBothOperandsWalkContiguously() {
        // [B, 100, 20] * [100, 20]: B rows of 2,000.
        let r = Self.rows([7, 100, 20], [7, 100, 20], [100, 20])
        #expect(r.count == 7 && r.allSatisfy { $0[5] == 2000 && $0[1] == 1 && $0[3] == 1 && $0[2] == 0 })
        #expect(r.map { $0[0] } == (0..<7).map { $0 * 2000 })
        // A column broadcast keeps its rows: [3, 4, 5] + [4, 1] walks 12 rows of 5.
        let c = Self.rows([3, 4, 5], [3, 4, 5], [4, 1])
        #expect(c.count == 12 && c.allSatisfy { $0[5] == 5 && $0[3] == 0 })
        #expect(c.map { $0[2] } == (0..<12).map { $0 % 4 })
        // Size-1 dimensions go; all ones is one element.
        #expect(Self.rows([1, 6, 1], [1, 6, 1], [6, 1]) == [[0, 1, 0, 1, 0, 6]])
        #expect(Self.rows([1, 1], [1, 1], [1]) == [[0, 0, 0, 0, 0, 1]])
    }
}
