@testable import NNTensor

/// Gradient checks for shape ops, indexing and matmul.
extension GradCases {
    static let shape: [GradCase] = [
        // permute (and transpose, T, mT built on it)
        GradCase(op: .permute, name: "matrix T", shapes: [[3, 4]]) { x in let p = x[0].T; return try p * p },
        GradCase(op: .permute, name: "3-d permute", shapes: [[2, 3, 4]]) { x in let p = try x[0].permute([2, 0, 1]); return try p * p },
        GradCase(op: .permute, name: "batched mT", shapes: [[2, 3, 4]]) { x in let p = try x[0].mT; return try p * p },
        GradCase(op: .permute, name: "negative axes", shapes: [[2, 3, 2]]) { x in let p = try x[0].transpose(-1, -3); return try p * p },

        // concat (and stack)
        GradCase(op: .concat, name: "axis 0", shapes: [[2, 3], [1, 3]]) { x in
            let c = try Tensor.concat([x[0], x[1]], axis: 0); return try c * c
        },
        GradCase(op: .concat, name: "axis 1, three inputs", shapes: [[2, 1], [2, 3], [2, 2]]) { x in
            let c = try Tensor.concat(x, axis: 1); return try c * c
        },
        GradCase(op: .concat, name: "negative axis, same tensor twice", shapes: [[2, 2, 2]]) { x in
            let c = try Tensor.concat([x[0], x[0]], axis: -1); return try c * c
        },
        GradCase(op: .concat, name: "stack axis 1", shapes: [[3], [3]]) { x in
            let s = try Tensor.stack(x, axis: 1); return try s * s
        },

        // index: slices, steps, integers, lists, ellipsis, newAxis
        GradCase(op: .index, name: "reversed vector", shapes: [[5]]) { x in
            try x[0].index([.slice(start: nil, stop: nil, step: -1)]) * x[0]
        },
        GradCase(op: .index, name: "rows from 1, columns step -2", shapes: [[4, 5]]) { x in
            let s = try x[0].index([.slice(start: 1, stop: nil, step: nil), .slice(start: nil, stop: nil, step: -2)]); return try s * s
        },
        GradCase(op: .index, name: "integer then slice", shapes: [[3, 4]]) { x in
            let s = try x[0][1, .slice(start: 1, stop: -1, step: nil)]; return try s * s
        },
        GradCase(op: .index, name: "gather with repeats", shapes: [[4, 3]]) { x in
            let s = try x[0][[0, 2, 0, -1]]; return try s * s
        },
        GradCase(op: .index, name: "zipped lists", shapes: [[3, 4]]) { x in
            let s = try x[0][[0, 1, 2, 1], [3, 0, 3, 0]]; return try s * s
        },
        GradCase(op: .index, name: "ellipsis and new axis", shapes: [[2, 3]]) { x in
            let s = try x[0][.ellipsis, .newAxis, 1]; return try s * s
        },
        GradCase(op: .index, name: "indexSelect with repeats", shapes: [[2, 4]]) { x in
            let s = try x[0].indexSelect(axis: 1, indices: [3, 3, 0]); return try s * s
        },
        GradCase(op: .index, name: "torch gather", shapes: [[3, 4]]) { x in
            let i = try Tensor(shape: [3, 2], values: [0, 3, 1, 1, 2, 0], dtype: .float64)
            let s = try x[0].gather(axis: 1, indices: i); return try s * s
        },

        // indexScatter: the adjoint of index
        GradCase(op: .indexScatter, name: "scatterAdd with repeats", shapes: [[3]]) { x in
            let s = try Tensor.scatterAdd(x[0], at: [[0, 2, 0]], into: [4]); return try s * s
        },
        GradCase(op: .indexScatter, name: "scatterAdd into reversed columns", shapes: [[2, 2]]) { x in
            let s = try Tensor.scatterAdd(x[0], at: [.all, .slice(start: nil, stop: nil, step: -2)], into: [2, 3]); return try s * s
        },
        GradCase(op: .indexScatter, name: "torch scatterAdd", shapes: [[2, 3], [2, 2]]) { x in
            let i = try Tensor(shape: [2, 2], values: [2, 2, 0, 1], dtype: .float64)
            let s = try x[0].scatterAdd(axis: 1, indices: i, source: x[1]); return try s * s
        },
        GradCase(op: .indexScatter, name: "indexPut row", shapes: [[3, 4], [4]]) { x in
            let s = try x[0].indexPut([1], value: x[1]); return try s * s
        },
        GradCase(op: .indexScatter, name: "indexPut repeated positions", shapes: [[4], [3]]) { x in
            let s = try x[0].indexPut([[1, 3, 1]], value: x[1]); return try s * s
        },

        // matmul, every NumPy case and the transpose flags
        GradCase(op: .matmul, name: "1-d · 1-d", shapes: [[4], [4]]) { x in try x[0].matmul(x[1]) },
        GradCase(op: .matmul, name: "2-d · 1-d", shapes: [[3, 4], [4]]) { x in try x[0].matmul(x[1]) },
        GradCase(op: .matmul, name: "1-d · 2-d", shapes: [[4], [4, 3]]) { x in try x[0].matmul(x[1]) },
        GradCase(op: .matmul, name: "2-d · 2-d", shapes: [[3, 4], [4, 2]]) { x in try x[0].matmul(x[1]) },
        GradCase(op: .matmul, name: "square, self", shapes: [[3, 3]]) { x in try x[0].matmul(x[0]) },
        GradCase(op: .matmul, name: "batched with broadcast batch", shapes: [[2, 1, 3, 4], [3, 4, 2]]) { x in try x[0].matmul(x[1]) },
        GradCase(op: .matmul, name: "batch of rows · matrix", shapes: [[2, 3, 4], [4, 5]]) { x in try x[0].matmul(x[1]) },
        GradCase(op: .matmul, name: "matrix · batch", shapes: [[3, 4], [2, 4, 2]]) { x in try x[0].matmul(x[1]) },
        GradCase(op: .matmul, name: "1-d · batch", shapes: [[4], [2, 4, 3]]) { x in try x[0].matmul(x[1]) },
        GradCase(op: .matmul, name: "x @ wᵀ", shapes: [[3, 4], [5, 4]]) { x in try x[0].matmul(x[1], transposeOther: true) },
        GradCase(op: .matmul, name: "batched x @ wᵀ", shapes: [[2, 3, 4], [5, 4]]) { x in try x[0].matmul(x[1], transposeOther: true) },
        GradCase(op: .matmul, name: "aᵀ @ b", shapes: [[4, 3], [4, 2]]) { x in try x[0].matmul(x[1], transposeSelf: true) },
        GradCase(op: .matmul, name: "batched aᵀ @ bᵀ", shapes: [[2, 4, 3], [2, 5, 4]]) { x in
            try x[0].matmul(x[1], transposeSelf: true, transposeOther: true)
        },
    ]
}
