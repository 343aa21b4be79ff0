import Foundation
import Testing
@testable import NNTensor

/// An index write of a tracked value (`Tensor.writeIndexed`) gives the tensor
/// a new history. The ops that had read it must then hold its old state, not
/// the tensor itself: otherwise tensor → its new record → the written value's
/// graph → an op that read the tensor → tensor is a reference cycle, and the
/// whole graph with its storage is never freed (LeakSanitizer found it in
/// `h[i] = tanh(h[i - 1] * w)`; issue 16). Each case checks, with weak
/// references, that the tensors, their records and their earlier states are
/// freed once dropped, and that the gradients are the exact ones.
@Suite struct IndexWriteGraphTests {
    /// Weak handles on tensors, their records and their earlier states.
    final class Watch {
        private var tensors: [Weak<Tensor>] = []
        private var records: [Weak<GradFn>] = []

        /// Watches `t`, its record and every state it had before a write.
        func add(_ ts: Tensor...) {
            for t in ts {
                for s in [t] + t.earlier {
                    tensors.append(Weak(s))
                    if let fn = s.gradFn { records.append(Weak(fn)) }
                }
            }
        }

        /// How many of the watched objects are still alive.
        var alive: Int { tensors.filter { $0.value != nil }.count + records.filter { $0.value != nil }.count }
        var count: Int { tensors.count + records.count }
    }

    struct Weak<T: AnyObject> {
        weak var value: T?
        init(_ value: T) { self.value = value }
    }

    func vector(_ values: [Double]) throws -> Tensor {
        try Tensor(shape: [values.count], values: values, dtype: .float64)
    }

    func scalar(_ v: Double) -> Tensor {
        Tensor(scalar: v, dtype: .float64).requiringGrad()
    }

    /// Runs `body` (which builds a graph, differentiates it and registers
    /// what to watch), then checks that nothing it watched outlives it.
    func expectFreed(_ what: Comment, _ body: (Watch) throws -> Void) rethrows {
        let watch = Watch()
        try body(watch)
        #expect(watch.count > 0)
        #expect(watch.alive == 0, what)
    }

    @Test func aReadBeforeTheWriteIsFreed() throws {
        // y = x * 1; y[1] = y[2] * 3 reads the old y[2]; sum(y²) = x0² + 9 x2² + x2²
        let x = try vector([1, 2, 3]).requiringGrad()
        try expectFreed("y[1] = y[2] * 3") { watch in
            let y = try x * 1
            try y.writeIndexed([.index(1)], value: try y[.index(2)] * 3)
            let loss = try (y * y).sum()
            watch.add(y, loss)
            try loss.backward()
        }
        #expect(x.grad?.doubles == [2, 0, 60])
    }

    @Test func aRecurrenceIsFreed() throws {
        // s[i] = s[i - 1] * w, s[0] = 1: s[3] = w³
        let w = scalar(1.5)
        try expectFreed("s[i] = s[i - 1] * w") { watch in
            let s = try vector([0, 0, 0, 0])
            try s.writeIndexed([.index(0)], value: 1)
            for i in 1..<4 { try s.writeIndexed([.index(i)], value: try s[.index(i - 1)] * w) }
            watch.add(s)
            try s[.index(3)].backward()
        }
        #expect(abs((w.grad?.doubles[0] ?? 0) - 6.75) < 1e-12)
    }

    /// `h[i] = tanh(h[i - 1] * w)`, `h[0] = 0.5`: the gradient of `h[n-1]`
    /// by forward-mode differentiation in plain arithmetic,
    /// `h'ᵢ = (1 - hᵢ²) (hᵢ₋₁ + w h'ᵢ₋₁)`.
    @Test func aTanhRecurrenceIsFreedAndExact() throws {
        let n = 12, w0 = 0.9
        var (h, dh) = (0.5, 0.0)
        for _ in 1..<n {
            let hn = Foundation.tanh(h * w0)
            dh = (1 - hn * hn) * (h + w0 * dh)
            h = hn
        }
        let w = scalar(w0)
        try expectFreed("h[i] = tanh(h[i - 1] * w)") { watch in
            let hs = try Tensor.zeros([n], dtype: .float64)
            try hs.writeIndexed([.index(0)], value: 0.5)
            for i in 1..<n { try hs.writeIndexed([.index(i)], value: try (hs[.index(i - 1)] * w).tanh()) }
            #expect(abs((try hs[.index(n - 1)].item()) - h) < 1e-14)
            let last = try hs[.index(n - 1)]
            watch.add(hs, last)
            try last.backward()
        }
        #expect(abs((w.grad?.doubles[0] ?? 0) - dh) < 1e-13)
    }

    /// Two buffers written in turn, each reading the other:
    /// `h[i] = tanh(h[i-1] w + c[i-1])`, `c[i] = c[i-1] u + h[i]`.
    @Test func twoInterleavedRecurrencesAreFreedAndExact() throws {
        let n = 8, w0 = 0.7, u0 = 0.4
        // forward-mode: (value, d/dw, d/du) for h and c
        var h = (0.3, 0.0, 0.0), c = (0.2, 0.0, 0.0)
        for _ in 1..<n {
            let z = h.0 * w0 + c.0
            let t = Foundation.tanh(z), k = 1 - t * t
            let hn = (t, k * (h.0 + w0 * h.1 + c.1), k * (w0 * h.2 + c.2))
            c = (c.0 * u0 + hn.0, c.1 * u0 + hn.1, c.0 + u0 * c.2 + hn.2)
            h = hn
        }
        let w = scalar(w0), u = scalar(u0)
        try expectFreed("h and c written in turn") { watch in
            let hs = try Tensor.zeros([n], dtype: .float64), cs = try Tensor.zeros([n], dtype: .float64)
            try hs.writeIndexed([.index(0)], value: 0.3)
            try cs.writeIndexed([.index(0)], value: 0.2)
            for i in 1..<n {
                try hs.writeIndexed([.index(i)], value: try (hs[.index(i - 1)] * w + cs[.index(i - 1)]).tanh())
                try cs.writeIndexed([.index(i)], value: try cs[.index(i - 1)] * u + hs[.index(i)])
            }
            let loss = try hs[.index(n - 1)] + cs[.index(n - 1)]
            #expect(abs((try loss.item()) - (h.0 + c.0)) < 1e-14)
            watch.add(hs, cs, loss)
            try loss.backward()
        }
        #expect(abs((w.grad?.doubles[0] ?? 0) - (h.1 + c.1)) < 1e-13)
        #expect(abs((u.grad?.doubles[0] ?? 0) - (h.2 + c.2)) < 1e-13)
    }

    @Test func aTensorWrittenWithItselfIsFreed() throws {
        // y[[0, 0]] = y (the value is the tensor itself, broadcast), then
        // y[0] = (y + y)[0] * 3: y = 6 x, d/dx = 6
        let x = try vector([2]).requiringGrad()
        try expectFreed("y[[0, 0]] = y; y[0] = (y + y)[0] * 3") { watch in
            let y = try x * 1
            try y.writeIndexed([.list([0, 0])], value: y)
            try y.writeIndexed([.index(0)], value: try (y + y)[.index(0)] * 3)
            #expect(y.doubles == [12])
            let loss = try y.sum()
            watch.add(y, loss)
            try loss.backward()
        }
        #expect(x.grad?.doubles == [6])
    }

    @Test func aValueReadingAnOlderStateIsFreed() throws {
        // a = t[0] before an unrelated write, used in a later one:
        // t = [x0, 2w, x0 w], sum: d/dx = [1 + w, 0, 0], d/dw = 2 + x0
        let x = try vector([3, 5, 7]).requiringGrad()
        let w = scalar(0.5)
        try expectFreed("a = t[0]; t[1] = w * 2; t[2] = a * w") { watch in
            let t = try x * 1
            let a = try t[.index(0)]
            try t.writeIndexed([.index(1)], value: try w * 2)
            try t.writeIndexed([.index(2)], value: try a * w)
            #expect(t.doubles == [3, 1, 1.5])
            let loss = try t.sum()
            watch.add(t, a, loss)
            try loss.backward()
        }
        #expect(x.grad?.doubles == [1.5, 0, 0])
        #expect(w.grad?.doubles == [5])
    }

    @Test func aCycleThroughAnotherTensorIsFreed() throws {
        // v = x * 1; u = v + v; g = u[0]; v[0] = g * w reads v through u:
        // v = [2 x0 w, x1, x2], sum: d/dx = [2w, 1, 1], d/dw = 2 x0
        let x = try vector([1, 2, 3]).requiringGrad()
        let w = scalar(3)
        try expectFreed("v[0] = (v + v)[0] * w") { watch in
            let v = try x * 1
            let u = try v + v
            let g = try u[.index(0)]
            try v.writeIndexed([.index(0)], value: try g * w)
            let loss = try v.sum()
            watch.add(v, u, g, loss)
            try loss.backward()
        }
        #expect(x.grad?.doubles == [6, 1, 1])
        #expect(w.grad?.doubles == [2])
    }

    @Test func writesIntoEachOtherAreFreed() throws {
        // u[0] = t[1] * w, then t[0] = u[1] * w: each value reads the other
        // tensor, whose graph reads the one being written.
        // t = [u1 w, x1, x2] with u = t + 0 = [x1 w, x1, x2]
        let x = try vector([1, 2, 3]).requiringGrad()
        let w = scalar(4)
        try expectFreed("u[0] = t[1] * w; t[0] = u[1] * w") { watch in
            let t = try x * 1
            let u = try t + 0
            try u.writeIndexed([.index(0)], value: try t[.index(1)] * w)
            try t.writeIndexed([.index(0)], value: try u[.index(1)] * w)
            #expect(t.doubles == [8, 2, 3])
            let loss = try t.sum() + u.sum()
            watch.add(t, u, loss)
            try loss.backward()
        }
        // sum(t) + sum(u) = (x1 w + x1 + x2) + (x1 w + x1 + x2)
        #expect(x.grad?.doubles == [0, 10, 2])
        #expect(w.grad?.doubles == [4])
    }

    @Test func aStaleReadOfAnotherTensorIsFollowedToTheStateItRead() throws {
        // g read x_ at its first state; x_ is written before t's write walks
        // through g. The walk must follow g to the state it read (as
        // backward does), not to x_'s newer record: that one is cut off
        // from t when x_'s next write points g at its first state, and a
        // later write of t would then stop there and miss the way back to t
        // through y_ (which reads t).
        let x = try vector([1, 5, 7]).requiringGrad()
        let w = scalar(2)
        try expectFreed("writes of t, x_ and y_ reading each other") { watch in
            let t = try x * 1, x_ = try x + 0, y_ = try x + 0
            let g = try x_[.index(0)]
            try x_.writeIndexed([.index(1)], value: try y_[.index(0)] * w)
            try t.writeIndexed([.index(0)], value: try g * w)
            try x_.writeIndexed([.index(2)], value: try t[.index(0)] * 1)
            try y_.writeIndexed([.index(1)], value: try t[.index(1)] * 1)
            try t.writeIndexed([.index(2)], value: try x_[.index(1)] * 1)
            #expect(t.doubles == [2, 5, 2] && x_.doubles == [1, 2, 2] && y_.doubles == [1, 5, 7])
            // t = [x0 w, x1, x0 w], x_ = [x0, x0 w, x0 w], y_ = [x0, x1, x2]
            let loss = try t.sum() + x_.sum() + y_.sum()
            watch.add(t, x_, y_, g, loss)
            try loss.backward()
        }
        #expect(x.grad?.doubles == [10, 2, 1])
        #expect(w.grad?.doubles == [4])
    }

    @Test func aReaderOutsideTheWrittenValueStillSeesTheOldState() throws {
        // z = y[1] before y[0] = w * 2: z differentiates through the old y
        let x = try vector([1, 2]).requiringGrad()
        let w = scalar(1)
        try expectFreed("z = y[1]; y[0] = w * 2") { watch in
            let y = try x * 3
            let z = try y[.index(1)]
            try y.writeIndexed([.index(0)], value: try w * 2)
            watch.add(y, z)
            try (z + y[.index(0)]).backward()
        }
        #expect(x.grad?.doubles == [0, 3])
        #expect(w.grad?.doubles == [2])
    }

    @Test func anOpThatReadTheOldValuesStillRefusesBackward() throws {
        // y[0] = (y * y)[1]: mul saved y, which the write then changed (as
        // PyTorch, backward refuses); the message names the write site.
        let x = try vector([1, 2]).requiringGrad()
        try expectFreed("y[0] = (y * y)[1]") { watch in
            let y = try x * 1
            try y.writeIndexed([.index(0)], value: try (y * y)[.index(1)])
            y.writeSite = { "here.nn:3" }
            watch.add(y)
            #expect(throws: TensorError(op: "backward", "a float64 tensor of shape [2] used by mul was modified in place after it was used (at here.nn:3); write before using it, or use a copy (clone)")) {
                try y.sum().backward()
            }
        }
    }

    @Test func aLongRecurrenceIsFreedWithoutDeepRecursion() throws {
        // 30 000 writes into a 2-element buffer: one chain of snapshots,
        // freed without one nested deinit per write
        let w = scalar(1)
        try expectFreed("30 000 writes") { watch in
            let s = try vector([1, 0])
            for i in 1..<30_000 { try s.writeIndexed([.index(i % 2)], value: try s[.index((i - 1) % 2)] * w) }
            watch.add(s)
            try s.sum().backward()
        }
        #expect(w.grad?.doubles == [59_997])
    }

    @Test func aChainOfWrittenCopiesIsFreedWithoutDeepRecursion() throws {
        // v = u * 1; v[0] = v[1] * w; u = v, 20 000 times: each copy's
        // earlier state leads to the copy before it. Sum = w + 1.
        let w = scalar(2)
        try expectFreed("20 000 written copies") { watch in
            var u = try vector([1, 1])
            for _ in 0..<20_000 {
                let v = try u * 1
                try v.writeIndexed([.index(0)], value: try v[.index(1)] * w)
                u = v
            }
            watch.add(u)
            try u.sum().backward()
        }
        #expect(w.grad?.doubles == [1])
    }

    // MARK: The cost of the walk

    /// Checks the records each write's walk visited, after the first `skip`
    /// writes (which walk what was there before the first one): at most
    /// `bound`, and no more in the later half of the writes than in the
    /// earlier (the walk does not grow with the number of steps).
    func expectSteady(_ counts: [Int], skip: Int = 2, atMost bound: Int) {
        let steady = Array(counts.dropFirst(skip))
        let early = steady.prefix(steady.count / 2).max() ?? 0, late = steady.suffix(steady.count / 2).max() ?? 0
        #expect(early <= bound, "visits per write: \(counts)")
        #expect(late <= early, "the walk grows with the number of steps: \(counts)")
    }

    @Test func aRecurrenceWalksOnlyTheRecordsMadeSinceTheLastWrite() throws {
        let w = scalar(0.9), n = 200
        let hs = try Tensor.zeros([n], dtype: .float64)
        var counts: [Int] = []
        try hs.writeIndexed([.index(0)], value: 0.5)
        for i in 1..<n {
            counts.append(try hs.writeIndexedCounting([.index(i)], value: try (hs[.index(i - 1)] * w).tanh()))
        }
        expectSteady(counts, atMost: 12)
    }

    @Test func interleavedWritesWalkOnlyTheNewRecords() throws {
        let w = scalar(0.7), u = scalar(0.4), n = 200
        let hs = try Tensor.zeros([n], dtype: .float64), cs = try Tensor.zeros([n], dtype: .float64)
        var counts: [Int] = []
        try hs.writeIndexed([.index(0)], value: 0.3)
        try cs.writeIndexed([.index(0)], value: 0.2)
        for i in 1..<n {
            counts.append(try hs.writeIndexedCounting([.index(i)], value: try (hs[.index(i - 1)] * w + cs[.index(i - 1)]).tanh()))
            counts.append(try cs.writeIndexedCounting([.index(i)], value: try cs[.index(i - 1)] * u + hs[.index(i)]))
        }
        // each walk visits its own new records and the other buffer's
        expectSteady(counts, skip: 4, atMost: 24)
    }

    @Test func buffersSharingADeepGraphWalkItOnceEach() throws {
        // e comes from a 100-op chain; two buffers read e[i] in turn
        let a = scalar(0.1), n = 50
        var e = try Tensor.zeros([n], dtype: .float64) + a
        for _ in 0..<100 { e = try (e * 0.99 + a).tanh() }
        let hs = try Tensor.zeros([n], dtype: .float64), gs = try Tensor.zeros([n], dtype: .float64)
        var counts: [Int] = []
        for i in 1..<n {
            counts.append(try hs.writeIndexedCounting([.index(i)], value: try hs[.index(i - 1)] * a + e[.index(i)]))
            counts.append(try gs.writeIndexedCounting([.index(i)], value: try gs[.index(i - 1)] * a + e[.index(i)]))
        }
        #expect(counts[0] > 100 && counts[1] > 100, "each buffer walks e's graph once: \(counts.prefix(4))")
        expectSteady(counts, skip: 4, atMost: 24)
    }

    @Test func aGrowingStateBesideTheBufferIsNotWalkedAgain() throws {
        // c = c * f + h[i - 1] (not written in place, so it grows as a
        // graph), h[i] = tanh(c): each write reads all of c's graph
        let f = scalar(0.5), n = 200
        let hs = try Tensor.zeros([n], dtype: .float64)
        var c = try f * 1
        var counts: [Int] = []
        for i in 1..<n {
            c = try c * f + hs[.index(i - 1)]
            counts.append(try hs.writeIndexedCounting([.index(i)], value: try c.tanh()))
        }
        expectSteady(counts, atMost: 12)
    }
}
