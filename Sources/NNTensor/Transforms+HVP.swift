/// Many Hessian-vector products at one point through one recorded gradient.
extension Autodiff {
    /// Hessian-vector products of a loss at a fixed point that share one
    /// recorded gradient: `g = ∇L` is computed once with its backward pass
    /// recorded, then each product is one backward pass through it,
    ///
    /// ```
    /// H v = ∂(gᵀv)/∂θ          (one pass seeded with v)
    /// H V = [H v_1 … H v_k]     (one batched pass seeded with the k directions)
    /// ```
    ///
    /// so `k` products cost one forward and one gradient plus `k` backward
    /// passes (or one batched pass), where `hvp(of:wrt:v:)` repeats the
    /// forward and the gradient for every direction. Valid only inside the
    /// `withHVP` call that made it.
    public struct HessianVectorProducts {
        /// The tensors differentiated with respect to, in order.
        public let parameters: [Tensor]
        /// The recorded gradient, each piece flattened, concatenated: `[N]`.
        let flatGradient: Tensor

        /// `N`, the total element count of the parameters.
        public var dimension: Int { flatGradient.count }

        /// `H v`: `vs` has one tensor per parameter, of its shape; so has
        /// the result (constants). One backward pass.
        public func callAsFunction(_ vs: [Tensor]) throws -> [Tensor] {
            let seed = try flatten(vs, batch: nil)
            return try GradMode.with(enabled: true) {
                try Tensor.gradients(of: flatGradient, wrt: parameters, seed: seed, createGraph: false)
            }
        }

        /// `H v_b` for `k` directions at once: `vs[i]` has shape
        /// `[k] + parameters[i].shape` (slice `b` is direction `b`), and so has
        /// result `i`. One batched backward pass (`Tensor.batchedGradients`):
        /// the same numbers as `k` calls to rounding, with each matrix
        /// product of the pass done once for all `k`.
        public func batch(_ vs: [Tensor]) throws -> [Tensor] {
            guard let k = vs.first?.shape.first else {
                throw TensorError(op: "hvp", "a batch of directions needs a leading batch dimension")
            }
            let seeds = try flatten(vs, batch: k)
            return try Tensor.batchedGradients(of: flatGradient, wrt: parameters, seeds: seeds)
        }

        /// The directions as one seed `[N]` (or `[k, N]`) in the gradient's dtype.
        func flatten(_ vs: [Tensor], batch k: Int?) throws -> Tensor {
            guard vs.count == parameters.count else {
                throw TensorError(op: "hvp", "\(vs.count) direction tensors given for \(parameters.count) parameters")
            }
            var pieces: [Tensor] = []
            for (p, v) in zip(parameters, vs) {
                let want = (k.map { [$0] } ?? []) + p.shape
                guard v.shape == want else {
                    throw TensorError(op: "hvp", "direction shape \(fmt(v.shape)) does not match \(fmt(want))\(k == nil ? ", the parameter's shape" : ", [k] + the parameter's shape")")
                }
                let d = try v.detach().to(flatGradient.dtype)
                pieces.append(try d.reshape(k.map { [$0, p.count] } ?? [p.count]))
            }
            return try GradMode.noGrad { try Tensor.concat(pieces, axis: k == nil ? 0 : 1) }
        }
    }

    /// Records the gradient of `loss()` with respect to `params` (tensors it
    /// uses directly, such as a model's parameters) once, and calls `body`
    /// with the Hessian-vector products through it. Parameters that are not
    /// tracked are marked as requiring grad for the duration of the call.
    public static func withHVP<R>(of loss: () throws -> Tensor, wrt params: [Tensor],
                                  _ body: (HessianVectorProducts) throws -> R) throws -> R {
        try withTracked(params) {
            let y = try loss()
            try requireScalar(y, op: "hvp")
            let gs = try Tensor.gradients(of: y, wrt: params, createGraph: true)
            let flat = try Tensor.concat(gs.map { try $0.reshape([$0.count]) }, axis: 0)
            return try body(HessianVectorProducts(parameters: params, flatGradient: flat))
        }
    }
}
