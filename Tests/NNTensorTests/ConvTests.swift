import Foundation
import Testing
@testable import NNTensor

/// Convolution and pooling values checked by hand, the layouts PyTorch
/// uses, max pooling's tie rule, and the errors for bad shapes and sizes.
@Suite struct ConvTests {
    func t(_ shape: [Int], _ v: [Double], _ dtype: DType = .float64) throws -> Tensor {
        try Tensor(shape: shape, values: v, dtype: dtype)
    }

    @Test func unfoldIsTorchsLayout() throws {
        // a 1x1x3x3 image 1..9, 2x2 windows: columns [1, 4, 4], row (i, j) of the
        // window, column the output position
        let x = try t([1, 1, 3, 3], (1...9).map(Double.init))
        let u = try x.unfold(kernel: (2, 2))
        #expect(u.shape == [1, 4, 4])
        #expect(u.doubles == [1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9])
        // padding 1 puts zeros around: the first window is [0, 0, 0, 1]
        let p = try x.unfold(kernel: (2, 2), padding: (1, 1))
        #expect(p.shape == [1, 4, 16])
        #expect(p.doubles[0] == 0 && p.doubles[48] == 1)
    }

    @Test func conv2dByHand() throws {
        // y = Σ w·window + b; a 2-channel image, one 2x2 filter per channel
        let x = try t([1, 2, 2, 3], [1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60])
        let w = try t([1, 2, 2, 2], [1, 0, 0, 1, 1, 1, 0, 0])
        let b = try t([1], [0.5])
        let y = try x.conv2d(weight: w, bias: b)
        #expect(y.shape == [1, 1, 1, 2])
        // position 0: (1 + 5) + (10 + 20) + 0.5; position 1: (2 + 6) + (20 + 30) + 0.5
        #expect(y.doubles == [36.5, 58.5])
        // stride 2 and padding 1 on a 3x3 image of ones with a 3x3 ones filter:
        // OH = (3 + 2 - 3) / 2 + 1 = 2; each output sees a 2x2 corner of ones
        let ones = try Tensor.ones([1, 1, 3, 3], dtype: .float64)
        let k = try Tensor.ones([1, 1, 3, 3], dtype: .float64)
        let z = try ones.conv2d(weight: k, stride: (2, 2), padding: (1, 1))
        #expect(z.shape == [1, 1, 2, 2])
        #expect(z.doubles == [4, 4, 4, 4])
    }

    @Test func foldIsTheAdjointOfUnfold() throws {
        // <unfold(x), c> == <x, fold(c)> for any x, c
        let g = try ConvGeometry(input: [2, 2, 5, 4], kernel: (3, 2), stride: (2, 1), padding: (1, 0), op: "test")
        let x = try t(g.inputShape, (0..<g.inputShape.reduce(1, *)).map { sin(Double($0)) })
        let c = try t(g.columnsShape, (0..<g.columnsShape.reduce(1, *)).map { cos(Double($0) * 0.7) })
        let lhs = try (x.unfold(kernel: (3, 2), stride: (2, 1), padding: (1, 0)) * c).sum().item()
        let rhs = try (x * c.fold(g)).sum().item()
        #expect(abs(lhs - rhs) < 1e-9)
    }

    @Test func poolingByHand() throws {
        let x = try t([1, 1, 4, 4], [1, 2, 5, 6,
                                     3, 4, 7, 8,
                                     9, 10, 13, 14,
                                     11, 12, 15, 16])
        #expect(try x.maxPool2d(kernel: (2, 2)).doubles == [4, 8, 12, 16])
        #expect(try x.avgPool2d(kernel: (2, 2)).doubles == [2.5, 6.5, 10.5, 14.5])
        // overlapping 3x3 windows, stride 1
        #expect(try x.maxPool2d(kernel: (3, 3), stride: (1, 1)).doubles == [13, 14, 15, 16])
        // a 3x3 window moved by 2 over 4 columns fits once (the rest is dropped, as PyTorch)
        #expect(try x.maxPool2d(kernel: (3, 3), stride: (2, 2)).shape == [1, 1, 1, 1])
    }

    @Test func maxPoolGradientGoesToTheFirstOfEqualMaxima() throws {
        // every element equal: the gradient goes to the window's first element
        let x = try Tensor.ones([1, 1, 2, 4], dtype: .float64).requiringGrad()
        try x.maxPool2d(kernel: (2, 2)).sum().backward()
        #expect(x.grad?.doubles == [1, 0, 1, 0, 0, 0, 0, 0])
        // overlapping windows that share their maximum add up there
        let y = try t([1, 1, 1, 3], [0, 5, 1]).requiringGrad()
        try y.maxPool2d(kernel: (1, 2), stride: (1, 1)).sum().backward()
        #expect(y.grad?.doubles == [0, 2, 0])
    }

    @Test func maxPoolTakesTheLastNaNAsPyTorch() throws {
        // torch: max_pool2d([1, nan, 3, nan, 2], (1, 5)) is nan, gradient [0, 0, 0, 1, 0]
        let x = try t([1, 1, 1, 5], [1, .nan, 3, .nan, 2]).requiringGrad()
        let y = try x.maxPool2d(kernel: (1, 5))
        #expect(y.doubles[0].isNaN)
        try y.sum().backward()
        #expect(x.grad?.doubles == [0, 0, 0, 1, 0])
    }

    @Test func float32MatchesFloat64() throws {
        let xs = (0..<(2 * 3 * 6 * 5)).map { sin(Double($0) * 1.3) }
        let ws = (0..<(4 * 3 * 3 * 2)).map { cos(Double($0) * 0.9) }
        let y64 = try t([2, 3, 6, 5], xs).conv2d(weight: t([4, 3, 3, 2], ws), stride: (1, 2), padding: (1, 1))
        let y32 = try t([2, 3, 6, 5], xs, .float32).conv2d(weight: t([4, 3, 3, 2], ws, .float32), stride: (1, 2), padding: (1, 1))
        #expect(y32.shape == y64.shape)
        #expect(zip(y32.doubles, y64.doubles).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test func anEmptyBatchGivesAnEmptyOutput() throws {
        let x = try Tensor.zeros([0, 2, 5, 5], dtype: .float64)
        let w = try Tensor.ones([3, 2, 3, 3], dtype: .float64)
        #expect(try x.conv2d(weight: w).shape == [0, 3, 3, 3])
        #expect(try x.maxPool2d(kernel: (2, 2)).shape == [0, 2, 2, 2])
        #expect(try x.avgPool2d(kernel: (2, 2)).shape == [0, 2, 2, 2])
    }

    func message(_ body: () throws -> Tensor) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func badShapesAndSizesAreErrorsNamingTheLayout() throws {
        let w = try Tensor.ones([2, 1, 3, 3])
        let flat = try Tensor.zeros([4, 64])
        #expect(message { try flat.conv2d(weight: w) }.hasPrefix("conv2d: expects input of layout [N, C, H, W]"))
        #expect(message { try flat.conv2d(weight: w) }.contains("x.reshape([-1, 1, H, W])"))
        let img = try Tensor.zeros([1, 1, 2, 2])
        #expect(message { try img.conv2d(weight: w) } == "conv2d: kernel 3x3 is larger than the input 2x2 (input shape [1, 1, 2, 2]); use a smaller kernel or padding or larger images")
        #expect(message { try img.conv2d(weight: Tensor.ones([2, 3, 1, 1])) }.contains("the input has 1 channels"))
        #expect(message { try img.conv2d(weight: Tensor.ones([2, 1, 3])) }.contains("[out_channels, in_channels, kh, kw]"))
        #expect(message { try img.conv2d(weight: w, bias: Tensor.ones([3]), padding: (1, 1)) }.contains("bias must have shape [2]"))
        #expect(message { try img.conv2d(weight: w, stride: (0, 1)) } == "conv2d: stride must be >= 1, got 0x1")
        #expect(message { try img.conv2d(weight: w, padding: (-1, 0)) } == "conv2d: padding must be >= 0, got -1x0")
        #expect(message { try img.conv2d(weight: w, padding: (Int.max / 2 + 1, 0)) }.contains("is too large"))
        #expect(message { try img.maxPool2d(kernel: (3, 1)) } == "max_pool2d: kernel 3x1 is larger than the input 2x2 (input shape [1, 1, 2, 2]); use a smaller kernel or larger images")
        #expect(message { try img.avgPool2d(kernel: (0, 1)) } == "avg_pool2d: kernel size must be >= 1, got 0x1")
        #expect(message { try Tensor.zeros([1, 0, 2, 2]).maxPool2d(kernel: (1, 1)) }.contains("at least one channel"))
        // a huge window count is refused before allocating
        let wide = try Tensor.zeros([1, 1, 1, 1 << 20])
        #expect(message { try wide.unfold(kernel: (1, 1), padding: (1 << 20, 0)) }.contains("too large"))
        let c = try Tensor.zeros([1, 4, 3])
        let g = try ConvGeometry(input: [1, 1, 3, 3], kernel: (2, 2), stride: (1, 1), padding: (0, 0), op: "test")
        #expect(message { try c.fold(g) }.hasPrefix("fold: expects columns of shape [1, 4, 4]"))
    }
}
