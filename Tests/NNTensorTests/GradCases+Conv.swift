@testable import NNTensor

/// Gradient checks for convolution and pooling (Tensor+Conv.swift): the
/// `unfold` and `fold` primitives directly, and conv2d, avg_pool2d (built on
/// `unfold`) and max_pool2d (a gather, `index`) as a network uses them.
/// Each output is squared (or passed through tanh), so the second-order
/// check sees a nonzero second derivative.
extension GradCases {
    static let conv: [GradCase] = [
        GradCase(op: .unfold, name: "3x3 kernel, padding 1", shapes: [[1, 2, 4, 4]]) { x in
            let u = try x[0].unfold(kernel: (3, 3), padding: (1, 1)); return try u * u
        },
        GradCase(op: .unfold, name: "2x3 kernel, stride (2, 1)", shapes: [[2, 1, 5, 4]]) { x in
            let u = try x[0].unfold(kernel: (2, 3), stride: (2, 1)); return try u * u
        },
        GradCase(op: .unfold, name: "conv2d with bias", shapes: [[2, 2, 4, 4], [3, 2, 3, 3], [3]]) { x in
            let y = try x[0].conv2d(weight: x[1], bias: x[2]); return try y * y
        },
        GradCase(op: .unfold, name: "conv2d stride 2, padding (1, 2), no bias", shapes: [[1, 2, 5, 5], [2, 2, 2, 3]]) { x in
            try x[0].conv2d(weight: x[1], stride: (2, 2), padding: (1, 2)).tanh()
        },
        GradCase(op: .unfold, name: "two conv2d layers (weights meet weights)", shapes: [[1, 1, 5, 5], [2, 1, 3, 3], [1, 2, 2, 2]]) { x in
            let h = try x[0].conv2d(weight: x[1], padding: (1, 1)).tanh()
            return try h.conv2d(weight: x[2], stride: (2, 2))
        },
        GradCase(op: .unfold, name: "avgPool2d 2x2", shapes: [[2, 2, 4, 4]]) { x in
            let p = try x[0].avgPool2d(kernel: (2, 2)); return try p * p
        },
        GradCase(op: .unfold, name: "avgPool2d 3x2, stride 1 (overlapping)", shapes: [[1, 2, 4, 3]]) { x in
            let p = try x[0].avgPool2d(kernel: (3, 2), stride: (1, 1)); return try p * p
        },

        GradCase(op: .fold, name: "3x3 kernel, padding 1", shapes: [[1, 18, 16]]) { x in
            let g = try ConvGeometry(input: [1, 2, 4, 4], kernel: (3, 3), stride: (1, 1), padding: (1, 1), op: "test")
            let f = try x[0].fold(g); return try f * f
        },
        GradCase(op: .fold, name: "2x2 overlapping windows", shapes: [[2, 4, 12]]) { x in
            let g = try ConvGeometry(input: [2, 1, 4, 5], kernel: (2, 2), stride: (1, 1), padding: (0, 0), op: "test")
            let f = try x[0].fold(g); return try f * f
        },
        GradCase(op: .fold, name: "stride 3 past a 2x2 kernel (gaps)", shapes: [[1, 8, 4]]) { x in
            let g = try ConvGeometry(input: [1, 2, 5, 5], kernel: (2, 2), stride: (3, 3), padding: (0, 0), op: "test")
            let f = try x[0].fold(g); return try f * f
        },

        GradCase(op: .index, name: "maxPool2d 2x2", shapes: [[2, 2, 4, 4]]) { x in
            let p = try x[0].maxPool2d(kernel: (2, 2)); return try p * p
        },
        GradCase(op: .index, name: "maxPool2d 3x3 stride 1 (overlapping)", shapes: [[1, 2, 5, 5]]) { x in
            let p = try x[0].maxPool2d(kernel: (3, 3), stride: (1, 1)); return try p * p
        },
        GradCase(op: .index, name: "maxPool2d 2x3 stride (1, 2) after conv2d", shapes: [[1, 1, 5, 6], [2, 1, 2, 2]]) { x in
            let p = try x[0].conv2d(weight: x[1]).maxPool2d(kernel: (2, 3), stride: (1, 2)); return try p * p
        },
    ]
}
