import Testing
import NNTensor
@testable import NNLib

/// `Module.deepCopy`: new tensors with the same values, the same structure
/// and modes, sharing kept inside the copy, and no alias of the original.
@Suite struct ModuleCopyTests {
    @Test func everyParameterAndBufferIsANewTensorWithTheSameValues() throws {
        var rng = RandomGenerator(seed: 3)
        let model = Sequential(try Linear(2, 4, rng: &rng), try BatchNorm(4), ReLU(), try LayerNorm(4),
                               try Dropout(0.5, rng: RandomSource(seed: 1)), try Linear(4, 2, rng: &rng), LeakyReLU(slope: 0.2),
                               Softmax(axis: 1), LogSoftmax(axis: -1), Sigmoid(), Tanh(), GELU(), Flatten())
        _ = try model(try Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 7]))   // moves BatchNorm's running statistics
        model.eval()
        let copy = try model.deepCopy()
        #expect(copy !== model)
        #expect(copy.description == model.description)
        let (a, b) = (model.stateDict, copy.stateDict)
        #expect(a.map(\.name) == b.map(\.name))
        for (x, y) in zip(a, b) {
            #expect(x.tensor !== y.tensor, "\(x.name) is aliased")
            #expect(x.tensor.doubles == y.tensor.doubles && x.tensor.dtype == y.tensor.dtype)
            #expect(x.tensor.requiresGrad == y.tensor.requiresGrad)
        }
        #expect(copy.namedModules.allSatisfy { !$0.module.isTraining })
        let x = try Tensor(shape: [1, 2], values: [0.5, -1])
        #expect(try copy(x).doubles == model(x).doubles)
        // Updating the original leaves the copy as it was.
        let w = model.parameters[0]
        try w.assign(w * 0)
        #expect(copy.parameters[0].doubles != w.doubles)
    }

    @Test func sharingInsideTheTreeIsKept() throws {
        var rng = RandomGenerator(seed: 0)
        let shared = try Linear(2, 2, rng: &rng)
        let tied = try Linear(weight: shared.weight, bias: nil)
        let model = Sequential(shared, Tanh(), shared, tied)
        let copy = try #require(try model.deepCopy() as? Sequential)
        #expect(copy.layers[0] === copy.layers[2])
        #expect(copy.layers[0] !== shared)
        let w0 = try #require(copy.layers[0] as? Linear), w3 = try #require(copy.layers[3] as? Linear)
        #expect(w0.weight === w3.weight && w0.weight !== shared.weight)
        #expect(copy.parameters.count == model.parameters.count)
    }

    @Test func aModuleThatCannotCopyItselfIsAnError() throws {
        final class Custom: Module {}
        #expect(throws: TensorError(op: "copy", "a Custom module cannot be copied")) {
            try Sequential(Custom()).deepCopy()
        }
    }
}
