import Testing
@testable import NNTensor

/// The element cap and the checked allocation path (issue 15, sizes and
/// memory): no size a script controls may overflow, bypass the cap through
/// an empty dimension, or reach an allocation the system refuses.
@Suite struct SizeLimitTests {
    /// The error message of `body`, or nil when it does not throw.
    func message(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch { return "\(error)" }
    }

    @Test func theCapHoldsWhenAnotherDimensionIsZero() throws {
        #expect(try Shape.count([0, 3]) == 0)
        #expect(try Shape.count([0, Shape.maxElements]) == 0)
        for shape in [[0, 1 << 62], [0, 1 << 40], [0, 1 << 62, 1 << 62], [1 << 62, 0], [0, 1 << 16, 1 << 16]] {
            let m = message { try Shape.count(shape, op: "zeros") }
            #expect(m?.hasPrefix("zeros: shape \(fmt(shape)) is too large to allocate") == true, "\(shape): \(m ?? "no error")")
        }
    }

    @Test func anEmptyTensorCannotBeReducedOrIndexedIntoAHugeOne() throws {
        // zeros([0, 2**62]).mean(axis: 0) segfaulted; zeros([0, 2**40]).sum(axis: 0) asked for 4 TB.
        #expect(message { try Tensor.zeros([0, 1 << 62]) } != nil)
        #expect(message { try Tensor.zeros([0, 1 << 40]) } != nil)
        let ok = try Tensor.zeros([0, 5])
        #expect(try ok.sum(axes: [0]).doubles == [0, 0, 0, 0, 0])
        #expect(try ok.mean(axes: [0]).shape == [5])
    }

    @Test func broadcastResultsObeyTheCap() throws {
        let m = message { try Shape.broadcast([1 << 20, 1], [1, 1 << 20], op: "add") }
        #expect(m == "add: shape [1048576, 1048576] is too large to allocate (more than 2147483648 elements)")
        #expect(try Shape.broadcast([3, 1], [1, 4], op: "add") == [3, 4])
        let a = try Tensor.zeros([1 << 16, 1]), b = try Tensor.zeros([1, 1 << 16])
        #expect(message { try a + b } != nil)
    }

    @Test func aRefusedAllocationIsAnErrorNamingTheTensorAndItsSize() throws {
        // 4 EiB: more than any address space, so malloc refuses without using memory.
        let m = message { try Shape.reserveBytes(1 << 62, what: "a [30000, 30000] float32 tensor", op: "randn") }
        #expect(m == "out of memory: a [30000, 30000] float32 tensor needs 4.0 EiB (in randn); use a smaller size or free memory")
        // small requests are not probed and always pass
        #expect(message { try Shape.reserve([1000], dtype: .float64, op: "zeros") } == nil)
    }

    @Test func bytesAreShownInBinaryUnitsWithOneDecimal() {
        #expect(Shape.formatBytes(512) == "512 B")
        #expect(Shape.formatBytes(1536) == "1.5 KiB")
        #expect(Shape.formatBytes(30000 * 30000 * 4) == "3.4 GiB")
        #expect(Shape.formatBytes(8 << 30) == "8.0 GiB")
    }

    @Test func aTensorOfHugeRankPrintsAsASummary() throws {
        let t = try Tensor.zeros([Int](repeating: 1, count: 50_000))
        #expect(t.description == "tensor([...], shape=[1, 1, 1, ..., 1, 1, 1] (rank 50000), dtype=float32)")
        let r32 = try Tensor.zeros([Int](repeating: 1, count: 32))
        #expect(r32.description.hasPrefix("tensor([[[["))
        let r33 = try Tensor.zeros([2] + [Int](repeating: 1, count: 32))
        #expect(r33.description == "tensor([...], shape=[2, 1, 1, ..., 1, 1, 1] (rank 33), dtype=float32)")
    }
}
