/// Activation functions, as PyTorch defines them. Gradient rules are tensor
/// ops (masks of the input are constants), so they differentiate again.
extension Tensor {
    /// The logistic function `1 / (1 + exp(-x))`, stable at both ends.
    /// Gradient: `g * y * (1 - y)` with `y = sigmoid(x)`, one recorded op
    /// (`sigmoidBackward`, Tensor+ActivationBackward.swift).
    public func sigmoid() -> Tensor {
        let out = Tensor.unary(self, .sigmoid)
        return Tensor.record(.sigmoid, out, [self]) { g, ctx in
            [try Tensor.sigmoidBackward(g, ctx.output)]
        }
    }

    /// `max(x, 0)` elementwise (NaN stays NaN; int64 stays int64).
    /// Gradient: `g * (x > 0)`, so 0 at the kink, as PyTorch; one recorded
    /// op (`reluBackward`, Tensor+ActivationBackward.swift).
    public func relu() -> Tensor {
        if let out = Tensor.unaryInt64(self, { Swift.max($0, 0) }) { return out }
        let out = Tensor.unary(self, { $0 <= 0 ? 0 : $0 }, { $0 <= 0 ? 0 : $0 })
        return Tensor.record(.relu, out, [self]) { g, ctx in
            [try Tensor.reluBackward(g, ctx.inputs[0].detach())]
        }
    }

    /// `x` where `x > 0`, else `slope * x`, as `leaky_relu(x, negative_slope)`.
    /// Gradient: `g` where `x > 0`, else `g * slope`.
    public func leakyRelu(slope: Double = 0.01) -> Tensor {
        let s32 = Float(slope)
        let out = Tensor.unary(self, { $0 > 0 ? $0 : $0 * s32 }, { $0 > 0 ? $0 : $0 * slope })
        return Tensor.record(.leakyRelu, out, [self]) { g, ctx in
            let w = Tensor.unary(ctx.inputs[0].detach(), { $0 > 0 ? 1 : s32 }, { $0 > 0 ? 1 : slope })
            return [try g * w]
        }
    }

    /// The Gaussian error linear unit in its exact form (PyTorch's default):
    /// `gelu(x) = x * Φ(x) = 0.5 * x * (1 + erf(x / √2))`.
    ///
    /// Gradient: `g * (Φ(x) + x * φ(x))` with `φ(x) = exp(-x²/2) / √(2π)`,
    /// written with `erf` and `exp` so it differentiates again.
    public func gelu() -> Tensor {
        let r64 = Double(0.5).squareRoot()
        // Φ(x) = erfc(-x/√2)/2, not (1 + erf(x/√2))/2: the sum cancels for
        // x < -1 (float32 gelu(-4.33) lost 0.15%), erfc keeps every digit.
        // float32 is computed in Double (then rounded once), so its argument
        // carries no float32 rounding into erfc's steep tail
        let out = Tensor.parallelUnary(self, { Float(0.5 * Double($0) * libmErfc(-Double($0) * r64)) },
                                       { 0.5 * $0 * libmErfc(-$0 * r64) })
        return Tensor.record(.gelu, out, [self]) { g, ctx in
            let x = ctx.inputs[0]
            let cdf = try (x * r64).erf() * 0.5 + 0.5
            let pdf = try (x * x * -0.5).exp() * (1 / (2 * Double.pi).squareRoot())
            return [try g * (cdf + x * pdf)]
        }
    }

    /// `log(1 + exp(β x)) / β`, and `x` itself where `β x > threshold`
    /// (PyTorch's `softplus(x, beta, threshold)`, linear where it is exact
    /// to float precision).
    ///
    /// Gradient: `g * sigmoid(β x)`, and `g` where `β x > threshold`.
    /// Throws when `beta` is zero or not finite.
    public func softplus(beta: Double = 1, threshold: Double = 20) throws -> Tensor {
        guard beta != 0, beta.isFinite else {
            throw TensorError(op: "softplus", "beta must be a nonzero finite number, got \(beta)")
        }
        let b32 = Float(beta), t32 = Float(threshold)
        let out = Tensor.parallelUnary(self, { x in
            let bx = x * b32
            return bx > t32 ? x : Kernels.softplusCore(bx) / b32
        }, { x in
            let bx = x * beta
            return bx > threshold ? x : Kernels.softplusCore(bx) / beta
        })
        return Tensor.record(.softplus, out, [self]) { g, ctx in
            let x = ctx.inputs[0]
            let linear = x.detach().mask({ $0 * b32 > t32 }, { $0 * beta > threshold })
            let s = try (x * beta).sigmoid()
            return [try g * (s * (1 - linear) + linear)]
        }
    }
}

extension Kernels {
    /// `log(1 + eᵘ)` without overflow: `max(u, 0) + log1p(exp(-|u|))`.
    @inline(__always)
    static func softplusCore(_ u: Float) -> Float { Swift.max(u, 0) + libmLog1p(libmExp(-Swift.abs(u))) }

    @inline(__always)
    static func softplusCore(_ u: Double) -> Double { Swift.max(u, 0) + libmLog1p(libmExp(-Swift.abs(u))) }
}
