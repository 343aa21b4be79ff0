#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNTensor

/// One parameter's optimizer state as the lecture names it: the step count,
/// PyTorch's buffers, and the per-coordinate scale `σ` the last step divided
/// by, with the effective learning rate `η / σ`.
///
/// `σ` is computed in the parameter's dtype with the same operations, in the
/// same order, as the update rule, so it is the very number the last step
/// divided by (bit for bit):
/// ```
/// SGD       σ = 1                                   (no division)
/// Adagrad   σ = sqrt(sum) + eps                     η = lr / (1 + (t - 1) * lr_decay)
/// RMSProp   σ = sqrt(square_avg) + eps              (centered: sqrt(square_avg - grad_avg²) + eps)
/// Adam(W)   σ = sqrt(v) / sqrt(1 - β2^t) + eps      = sqrt(v̂) + eps   (amsgrad: v = max_exp_avg_sq)
/// effective_lr = η / σ                              elementwise, η = lr unless noted
/// ```
/// The last step moved the parameter by `effective_lr * g` (Adagrad,
/// RMSProp without momentum; `g` the gradient plus weight decay),
/// `effective_lr * m̂` (Adam), or `lr * momentum_buffer` (RMSProp with
/// momentum, whose buffer accumulates `g / σ`; SGD with momentum).
public struct ParameterInspection {
    /// The parameter's step count `t` (>= 1).
    public let step: Int
    /// PyTorch's state buffers of the parameter (copies), by PyTorch name.
    public let buffers: [(name: String, tensor: Tensor)]
    /// `σ`, in the parameter's shape and dtype.
    public let sigma: Tensor
    /// `η / σ`, in the parameter's shape and dtype.
    public let effectiveLR: Tensor
    /// `η`: the learning rate the effective rate divides (Adagrad's decayed by `lr_decay`).
    public let lr: Double
    /// Adam's bias corrections `(1 - β1^t, 1 - β2^t)` at this step (nil for the others).
    public let biasCorrections: (Double, Double)?
}

extension Optimizer {
    /// The state of every parameter, in the optimizer's order: nil for a
    /// parameter that has taken no step yet (it has no state; PyTorch's
    /// `optimizer.state[p]` is empty then too).
    ///
    /// Reads the state through ``exportState()`` (copies), so it never sees
    /// a half-written buffer and never changes the optimizer. `lr` is the
    /// learning rate `η` to divide (the optimizer's current `lr` by default;
    /// `fit` passes the one the last step used).
    public func inspect(lr rate: Double? = nil) throws -> [ParameterInspection?] {
        let saved = exportState()
        let eta = rate ?? lr
        return try parameters.indices.map { i -> ParameterInspection? in
            let t = saved.stepCounts[i]
            guard t > 0 else { return nil }
            let buffers = saved.buffers.filter { $0.parameter == i }.map { (name: $0.name, tensor: $0.tensor) }
            return try inspection(of: parameters[i], step: t, buffers: buffers, lr: eta)
        }
    }

    /// The state of parameter `index`; throws when it has taken no step yet.
    public func inspect(_ index: Int, lr rate: Double? = nil) throws -> ParameterInspection {
        guard index >= 0, index < parameters.count else {
            throw TensorError(op: "\(name).state", "parameter \(index) is out of range: the optimizer has \(parameters.count) (0 to \(parameters.count - 1))")
        }
        let saved = exportState()
        let t = saved.stepCounts[index]
        guard t > 0 else {
            throw TensorError(op: "\(name).state", "parameter \(index) has taken no step yet, so it has no state (loss.backward(), then opt.step(), makes it)")
        }
        let buffers = saved.buffers.filter { $0.parameter == index }.map { (name: $0.name, tensor: $0.tensor) }
        return try inspection(of: parameters[index], step: t, buffers: buffers, lr: rate ?? lr)
    }

    /// `σ` and `η / σ` for one parameter from its exported buffers.
    private func inspection(of p: Tensor, step t: Int, buffers: [(name: String, tensor: Tensor)],
                            lr eta: Double) throws -> ParameterInspection {
        func buffer(_ n: String) throws -> Tensor {
            guard let b = buffers.first(where: { $0.name == n })?.tensor else {
                throw TensorError(op: "\(name).state", "the state of a parameter that has stepped lacks its '\(n)' buffer")
            }
            return b
        }
        var rate = eta
        var corrections: (Double, Double)?
        let sigma: Tensor
        switch self {
        case let o as Adagrad:
            rate = eta / (1 + Double(t - 1) * o.lrDecay)
            let eps = o.eps
            sigma = try Self.map(try buffer("sum"), { Self.rootPlus($0, eps) }, { Self.rootPlus($0, eps) })
        case let o as RMSProp:
            let eps = o.eps
            let v = try buffer("square_avg")
            if o.centered {
                let avg = try buffer("grad_avg")
                guard avg.dtype == v.dtype, avg.count == v.count else {
                    throw TensorError(op: "\(name).state", "the buffers 'square_avg' and 'grad_avg' differ in dtype or size")
                }
                sigma = try Self.map(v, { Self.centredRootPlus($0, Float.array(in: avg.storage) ?? [], eps) },
                                     { Self.centredRootPlus($0, Double.array(in: avg.storage) ?? [], eps) })
            } else {
                sigma = try Self.map(v, { Self.rootPlus($0, eps) }, { Self.rootPlus($0, eps) })
            }
        case let o as Adam:
            let bc1 = 1 - pow(o.beta1, Double(t)), bc2 = 1 - pow(o.beta2, Double(t))
            corrections = (bc1, bc2)
            let second = try buffer(o.amsgrad ? "max_exp_avg_sq" : "exp_avg_sq")
            let root = bc2.squareRoot(), eps = o.eps
            sigma = try Self.map(second, { Self.rootOverPlus($0, root, eps) }, { Self.rootOverPlus($0, root, eps) })
        default:
            sigma = try Tensor.ones(p.shape, dtype: p.dtype)
        }
        let r = rate
        let effective = try Self.map(sigma, { Self.over(r, $0) }, { Self.over(r, $0) })
        return ParameterInspection(step: t, buffers: buffers, sigma: sigma, effectiveLR: effective, lr: rate,
                                   biasCorrections: corrections)
    }

    /// The tensor `f(elements)` of `t`'s shape, in `t`'s dtype.
    private static func map(_ t: Tensor, _ f32: ([Float]) -> [Float], _ f64: ([Double]) -> [Double]) throws -> Tensor {
        switch t.storage {
        case .float32(let a): return try Tensor(shape: t.shape, array: f32(a))
        case .float64(let a): return try Tensor(shape: t.shape, array: f64(a))
        case .bool, .int64: throw TensorError(op: "optimizer state", "a state buffer is \(t.dtype); optimizers keep float32 or float64 state")
        }
    }

    // Each formula below is the update rule's divisor, written as the rule
    // writes it (constants converted to T first, the same order of operations).

    /// `sqrt(s) + eps` (Adagrad; RMSProp uncentred).
    private static func rootPlus<T: TensorScalar>(_ s: [T], _ eps: Double) -> [T] {
        let e = T(eps)
        return s.map { $0.squareRoot() + e }
    }

    /// `sqrt(v - gAvg²) + eps` (centred RMSProp).
    /// The caller checked that `avg` has `v`'s dtype and size.
    private static func centredRootPlus<T: TensorScalar>(_ v: [T], _ avg: [T], _ eps: Double) -> [T] {
        let e = T(eps)
        return zip(v, avg).map { vi, gi in
            var vt = vi
            vt -= gi * gi
            return vt.squareRoot() + e
        }
    }

    /// `sqrt(v) / sqrt(1 - β2^t) + eps` (Adam, PyTorch's arrangement).
    private static func rootOverPlus<T: TensorScalar>(_ v: [T], _ root: Double, _ eps: Double) -> [T] {
        let r = T(root), e = T(eps)
        return v.map { $0.squareRoot() / r + e }
    }

    /// `η / σ`.
    private static func over<T: TensorScalar>(_ rate: Double, _ s: [T]) -> [T] {
        let r = T(rate)
        return s.map { r / $0 }
    }
}
