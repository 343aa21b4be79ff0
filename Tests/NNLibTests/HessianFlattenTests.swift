import Foundation
import Testing
import NNTensor
@testable import NNLib

/// Parameters ⇄ one flat vector, blocks of the flat Hessian, and the errors
/// a script can provoke.
@Suite struct HessianFlattenTests {
    func layout() throws -> ParameterLayout {
        try ParameterLayout(shapes: [[2, 3], [2], []], names: ["0.weight", "0.bias", "scale"])
    }

    @Test func eachParameterHasItsRangeInOrder() throws {
        let l = try layout()
        #expect(l.count == 9)
        #expect(l.entries.map(\.range) == [0..<6, 6..<8, 8..<9])
        #expect(try l.range(of: "0.bias") == 6..<8)
        #expect(try l.locate(5) == ("0.weight", [1, 2]))
        #expect(try l.locate(7) == ("0.bias", [1]))
        #expect(try l.locate(8) == ("scale", []))
        #expect(try ParameterLayout(shapes: [[1], [1]]).names == ["p0", "p1"])
    }

    @Test func flattenAndUnflattenAreInverse() throws {
        let l = try layout()
        let w = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6], dtype: .float64)
        let b = try Tensor(shape: [2], values: [7, 8], dtype: .float32)
        let s = Tensor(scalar: 9, dtype: .float64)
        let flat = try l.flatten([w, b, s])
        #expect(flat == [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let back = try l.unflatten(flat)
        #expect(back.map(\.shape) == [[2, 3], [2], []])
        #expect(back[1].doubles == [7, 8] && back[1].dtype == .float64)
    }

    @Test func misuseThrowsWithTheNamesAndSizes() throws {
        let l = try layout()
        #expect(throws: TensorError(op: "hessian", "no parameter named '1.weight'; the parameters are '0.weight', '0.bias', 'scale'")) {
            try l.range(of: "1.weight")
        }
        #expect(throws: TensorError(op: "unflatten", "the flat vector has 3 elements but the parameters have 9")) {
            try l.unflatten([1, 2, 3])
        }
        #expect(throws: TensorError.self) { try ParameterLayout(shapes: [[1], [1]], names: ["a", "a"]) }
        #expect(throws: TensorError.self) { try l.locate(9) }
    }

    @Test func blockOfAFlatHessianIsTheHessianOfThatParameter() throws {
        // L(a, b) = Σ a_i² b + b³ with a = (1, 2), b = 3:
        // ∂²L/∂a² = 2b I = 6 I, ∂²L/∂a∂b = 2a = (2, 4), ∂²L/∂b² = 6b = 18.
        let a = try Tensor(shape: [2], values: [1, 2], dtype: .float64)
        let b = Tensor(scalar: 3, dtype: .float64)
        let f = try Hessian.Objective(parameters: [a, b], names: ["a", "b"]) { p in
            try (p[0] * p[0]).sum() * p[1] + p[1].pow(3)
        }
        let h = try Hessian.matrix(of: f)
        #expect(h.shape == [3, 3])
        #expect(h.doubles == [6, 0, 2, 0, 6, 4, 2, 4, 18])
        #expect(try Hessian.matrix(of: f, block: "a").doubles == [6, 0, 0, 6])
        #expect(try Hessian.matrix(of: f, block: "b").doubles == [18])
        // hvp never forms H: H (1, 0, 1) = (8, 4, 20).
        #expect(try f.hvp(at: f.point, [1, 0, 1]) == [8, 4, 20])
        let (v, g) = try f.valueAndGradient(at: f.point)
        #expect(v == 42 && g == [6, 12, 32])
    }

    @Test func lossesThatAreNotScalarsOrNotFiniteAreRejected() throws {
        let x = try Tensor(shape: [2], values: [1, 2], dtype: .float64)
        let vector = try Hessian.Objective(flat: x) { try $0 * 2 }
        #expect(throws: TensorError(op: "hessian", "the loss must be a single number, got a tensor of shape [2]; reduce it (for example with mean())")) {
            try Hessian.matrix(of: vector)
        }
        let log = try Hessian.Objective(flat: x) { try ($0 - 1).log().sum() }
        #expect(throws: TensorError.self) { try Hessian.criticalPoint(of: log) }
        #expect(throws: TensorError.self) { try Hessian.matrix(of: log, at: [1, 2, 3]) }
        let mixed = [x, try Tensor(shape: [1], values: [1], dtype: .float32)]
        #expect(throws: TensorError.self) { try Hessian.Objective(parameters: mixed) { try $0[0].sum() } }
        #expect(throws: TensorError.self) { try Hessian.Objective(parameters: []) { _ in try x.sum() } }
    }
}
