import Testing
@testable import NNTensor

/// The floored remainder and decimal rounding shared by numbers and tensors.
@Suite struct RemainderRoundTests {
    @Test func remainderIsExactAndTakesTheDivisorsSign() throws {
        #expect(Tensor.flooredRemainder(1e30, 0.7) == 0.5933105148225561)
        #expect(Tensor.flooredRemainder(1e17, 3.0) == 1)
        #expect(Tensor.flooredRemainder(3.0, -Double.infinity) == -.infinity)
        #expect(Tensor.flooredRemainder(1.0, 5e-324) == 0)
        #expect(Tensor.flooredRemainder(-4.0, 2.0).sign == .plus)
        #expect(Tensor.flooredRemainder(4.0, -2.0).sign == .minus)
        #expect(Tensor.flooredRemainder(-7.0, 3.0) == 2)
        #expect(Tensor.flooredRemainder(Float(-7), Float(3)) == 2)
        #expect(Tensor.flooredRemainder(1.0, 0.0).isNaN)
        let t = try Tensor(shape: [3], values: [1e17, -1e17, 5.5], dtype: .float64)
        #expect(try Tensor.remainder(t, t.scalar(3)).doubles == [1, 2, 2.5])
    }

    @Test func roundingIsOnTheExactBinaryValue() throws {
        #expect(try Tensor.roundedDecimal(2.675, digits: 2) == 2.67)
        #expect(try Tensor.roundedDecimal(5297.85, digits: 1) == 5297.9)
        #expect(try Tensor.roundedDecimal(1e300, digits: 10) == 1e300)
        #expect(try Tensor.roundedDecimal(Double.greatestFiniteMagnitude, digits: 2) == .greatestFiniteMagnitude)
        #expect(try Tensor.roundedDecimal(-0.04, digits: 1).sign == .minus)
        #expect(try Tensor.roundedDecimal(125.0, digits: -1) == 120)
        #expect(try Tensor.roundedDecimal(135.0, digits: -1) == 140)
        #expect(throws: TensorError.self) { try Tensor.roundedDecimal(Double.greatestFiniteMagnitude, digits: -308) }
        #expect(try Tensor.roundedDecimal(Float(2.675), digits: 2) == Float(2.67))
        #expect(try Tensor.roundedDecimal(Float(0.125), digits: 2) == Float(0.12))
        #expect(throws: TensorError.self) { try Tensor.roundedDecimal(Float.greatestFiniteMagnitude, digits: -35) }
        #expect(try Tensor.roundedDecimal(Float.greatestFiniteMagnitude, digits: -31) == .greatestFiniteMagnitude)
        let t = try Tensor(shape: [2], values: [2.675, 1.5], dtype: .float32)
        let r = try t.rounded(digits: 1)
        #expect(r.dtype == .float32 && r.doubles == [Double(Float(2.7)), 1.5])
    }

    /// The one-multiplication shortcut answers only when it agrees with the
    /// exact decimal path.
    @Test func fastPathAgreesWithTheExactPath() {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
        var checked = 0
        for _ in 0..<20_000 {
            let scale = Double(Int(next() % 16)) - 4
            let x = (Double(next() >> 11) / 0x1p53 - 0.5) * Double.pow10(scale)
            let d = Int(next() % 23)
            guard x != 0, let fast = Tensor.fastRound(x, d) else { continue }
            #expect(fast == Double(Tensor.decimalRounded(x, d)), "round(\(x), \(d))")
            checked += 1
        }
        #expect(checked > 10_000)
    }
}

private extension Double {
    static func pow10(_ e: Double) -> Double {
        var p = 1.0
        for _ in 0..<Int(Swift.abs(e)) { p *= 10 }
        return e < 0 ? 1 / p : p
    }
}
