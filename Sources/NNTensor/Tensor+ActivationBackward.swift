/// The gradient rules of `tanh`, `sigmoid` and `relu` as one recorded op
/// each, as PyTorch's `tanh_backward`, `sigmoid_backward` and
/// `threshold_backward`.
///
/// Written as `g * (1 - y * y)` the rule records three ops (a square, a
/// subtraction, a product); a second backward pass through them, as every
/// Hessian and Hessian-vector product makes, then runs six elementwise ops
/// over the incoming cotangent. As one op, the first pass makes one pass
/// over the data and the second two, each a single loop (with a batch of
/// cotangents, `Tensor+BatchedBackward.swift`, those are the passes over
/// `[k] + shape` that dominate a small model's Hessian).
///
/// For `relu` the rule `g * (x > 0)` made a 0/1 mask and then multiplied:
/// two passes and a buffer, one pass now.
///
/// The values are the same floating-point operations in the same order as
/// the several-op forms, so results are bit for bit those of before. The rules
/// of these ops are written in tensor ops (one of them the op itself), so
/// they differentiate again: third order and beyond stay exact.
extension Tensor {
    /// `g * (1 - y²)`: the gradient of `tanh` at an output `y` for a
    /// cotangent `g` (broadcasting, as `*`).
    ///
    /// Gradient: `(ḡ * (1 - y²), ḡ * g * y * -2)`, the first by this op
    /// itself.
    static func tanhBackward(_ g: Tensor, _ y: Tensor) throws -> Tensor {
        let out = try binary("tanh_backward", g, y, { g, y in g * (1 - y * y) }, { g, y in g * (1 - y * y) })
        return record(.tanhBackward, out, [g, y]) { gg, ctx in
            let (g, y) = (ctx.inputs[0], ctx.inputs[1])
            return [ctx.needs[0] ? try tanhBackward(gg, y) : nil,
                    ctx.needs[1] ? try gg * (g * y * -2) : nil]
        }
    }

    /// `g * y * (1 - y)`: the gradient of `sigmoid` at an output `y` for a
    /// cotangent `g` (broadcasting, as `*`).
    ///
    /// Gradient: `(ḡ * y * (1 - y), ḡ * g * (1 - 2y))`, the first by this op
    /// itself.
    static func sigmoidBackward(_ g: Tensor, _ y: Tensor) throws -> Tensor {
        let out = try binary("sigmoid_backward", g, y, { g, y in g * (y * (1 - y)) }, { g, y in g * (y * (1 - y)) })
        return record(.sigmoidBackward, out, [g, y]) { gg, ctx in
            let (g, y) = (ctx.inputs[0], ctx.inputs[1])
            return [ctx.needs[0] ? try sigmoidBackward(gg, y) : nil,
                    ctx.needs[1] ? try gg * (g * (1 - y * 2)) : nil]
        }
    }

    /// `g * (x > 0 ? 1 : 0)`: the gradient of `relu` at an input `x` for a
    /// cotangent `g` (broadcasting, as `*`; a multiplication, not a
    /// selection, so an infinite or NaN `g` where `x <= 0` still gives NaN,
    /// as the mask form did). `x` must come untracked (`detach()`): the
    /// mask is a constant.
    ///
    /// Gradient: `(ḡ * (x > 0), none)`, the first by this op itself.
    static func reluBackward(_ g: Tensor, _ x: Tensor) throws -> Tensor {
        let out = try binary("relu_backward", g, x, { g, x in g * (x > 0 ? 1 : 0) }, { g, x in g * (x > 0 ? 1 : 0) })
        return record(.reluBackward, out, [g, x]) { gg, ctx in
            [ctx.needs[0] ? try reluBackward(gg, ctx.inputs[1]) : nil, nil]
        }
    }
}
