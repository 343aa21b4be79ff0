import NNLib
import NNTensor

/// The table of Hessian tools (see `Builtins+Hessian.swift` for the shared argument handling).
extension Builtins {
    /// `hvp` wrapped with the interrupt check, for the Lanczos and Hutchinson loops.
    static func polledHVP(_ p: Hessian.Probe, _ interp: Interpreter) -> ([Double]) throws -> [Double] {
        { v in
            try interp.pollInterrupt()
            return try p.hvp(v)
        }
    }

    /// `layer:` of a model's tool: a parameter name, or nil; an error for a function `f(x)`.
    static func layerArgument(_ a: BuiltinArguments) throws -> String? {
        guard try !a["layer"].isNil else { return nil }
        guard try !a["loss"].isNil || !a["data"].isNil else { throw a.error("layer: needs a model with loss: and data:") }
        return try a.string("layer")
    }

    static let hessianTools: [Builtin] = [
        Builtin("hessian", lossParams + [.optional("layer")], area: "Hessian",
                summary: "The Hessian of `f` at `x` (`H[i, j] = ∂²f/∂x[i]∂x[j]`), or of a model's loss as one flat matrix with each parameter's index range.",
                discussion: "`hessian(fn(w) = (1 - w[0] * w[1]) ** 2, tensor([0.0, 0.0]))` is `[[0, -2], [-2, 0]]`. For a model, `hessian(model, loss: cross_entropy, data: (X, y))` returns `{matrix, names, ranges, shapes}`: `matrix` is `[P, P]` float64, `ranges[\"0.weight\"]` the `[lo, hi)` rows of that parameter; `layer: \"0.weight\"` gives only that parameter's block. Exact (double backward: the gradient recorded once, then its rows in blocks, each block one batched backward pass)." + lossDoc) { a in
            if try a["loss"].isNil && a["data"].isNil {
                guard try a["layer"].isNil else { throw a.error("layer: needs a model with loss: and data:") }
                return try functionHessian(a)
            }
            let layer: String? = try a["layer"].isNil ? nil : try a.string("layer")
            return try withObjective(a) { obj in
                let h = try Hessian.matrix(of: obj, block: layer)
                return .object(HessianResult.matrix(h, layout: obj.layout, layer: layer))
            }
        },
        Builtin("hvp", [.required("f"), xParam, .required("v"), lossParam, dataParam, paramsParam,
                        .optional("mode", .string("eval"))], area: "Hessian",
                summary: "The Hessian-vector product `H(x) @ v` without forming `H`; `hvp(model, v: v, loss:, data:)` for a model's flat parameter vector.",
                discussion: "```\nhvp(f, x, v) = grad(x => dot(grad(f, x), v), x)\n```\nOne double-backward pass. For a model `v` has one entry per parameter element, in `named_parameters()` order; the result is a float64 vector `[P]`. A matrix `v` of shape `[k, P]` asks for `k` products at one point: the forward pass and the recorded gradient are made once and the `k` backward passes go through it in batches (rows of the result `[k, P]` are the products, equal to `k` separate calls to rounding)." + lossDoc) { a in
            if try a["loss"].isNil && a["data"].isNil { return try functionHVP(a) }
            if case .tensor(let t) = try a["v"], t.rank == 2 {
                let (k, n) = (t.shape[0], t.shape[1]), flat = t.doubles
                return try withObjective(a) { obj in
                    let rows = try obj.hvps(at: obj.point, (0..<k).map { Array(flat[($0 * n)..<($0 * n + n)]) })
                    return .tensor(try Tensor(shape: [k, n], values: Array(rows.joined()), dtype: .float64))
                }
            }
            let v = try Convert.doubles(try a["v"], "v", "hvp")
            return try withObjective(a) { obj in
                Convert.vector(try obj.hvp(at: obj.point, v))
            }
        },
        Builtin("critical_point", lossParams + [.optional("gradient_tolerance"), .optional("eigenvalue_tolerance")], area: "Hessian",
                summary: "Classifies a point by its gradient norm and the signs of the Hessian's eigenvalues: local minimum, local maximum, saddle point, degenerate, or not a critical point.",
                discussion: "```\n‖g‖ > tol_g                         → not a critical point\nall λ > tol_λ                       → local minimum\nall λ < -tol_λ                      → local maximum\nsome λ > tol_λ and some λ < -tol_λ  → saddle point   (escape: unit eigenvector of the most negative λ, pointing downhill)\notherwise                           → degenerate\n```\nComputed in float64 whatever the model's dtype, so a float32 point and its float64 copy get one verdict; tolerances default to `1e-6 · (1 + |L|)` and `1e-6 · max(1, max|λ|)` (one rule for every dtype, shared with `minimum_ratio`; see docs/hessian.md). Returns `{kind, loss, gradient_norm, eigenvalues, counts: {positive, negative, zero}, escape, escape_eigenvalue, minimum_ratio, point, gradient, gradient_tolerance, eigenvalue_tolerance}`. The lecture's saddle: `critical_point(fn(w) = (1 - w[0] * w[1]) ** 2, tensor([0.0, 0.0], dtype: \"float64\"))` is a saddle point with eigenvalues `[-2, 2]`." + lossDoc) { a in
            let gt = try tolerance(a, "gradient_tolerance"), et = try tolerance(a, "eigenvalue_tolerance")
            return try withObjective(a) { obj in
                .object(HessianResult.criticalPoint(try Hessian.criticalPoint(of: obj, gradientTolerance: gt, eigenvalueTolerance: et)))
            }
        },
        Builtin("escape_saddle", lossParams + [.optional("step", .number(0.1)), .optional("direction"), .optional("seed", .number(0)),
                                               .optional("apply", .bool(false))], area: "Hessian",
                summary: "Steps `step` along the direction of most negative curvature and reports the predicted change next to the actual one.",
                discussion: "```\nL(θ + η u) ≈ L(θ) + η gᵀu + ½ η² λ          (u: unit eigenvector of the smallest λ, gᵀu ≤ 0)\n```\nAt a saddle (`g = 0`, `λ < 0`) the loss falls by about `½ η² λ`. `direction:` steps along a vector of your own (normalised; `λ` is then `uᵀHu`). Large models use Lanczos for `u`. With `apply: true` a model's parameters are moved to the new point." + lossDoc) { a in
            let eta = try a.number("step"), seed = try a.int("seed")
            guard seed >= 0 else { throw try a.bad("seed", message: "a seed must be non-negative") }
            let dir: [Double]? = try a["direction"].isNil ? nil : try Convert.doubles(try a["direction"], "direction", "escape_saddle")
            let e = try withObjective(a) { obj in
                try Hessian.escapeSaddle(of: obj, stepSize: eta, direction: dir, seed: UInt64(seed))
            }
            if try a.bool("apply") { try apply(e.to, to: a) }
            return .object(HessianResult.escape(e))
        },
        Builtin("taylor_check", lossParams + [.optional("direction"), .optional("steps", .numbers([1, 0.5, 0.25, 0.125, 0.0625])),
                                              .optional("seed", .number(0))], area: "Hessian",
                summary: "The loss along a direction against its first- and second-order Taylor approximations, for several step sizes.",
                discussion: "```\nL(θ + t d) ≈ L(θ) + t gᵀd                  error O(t²)\nL(θ + t d) ≈ L(θ) + t gᵀd + ½ t² dᵀHd      error O(t³)\n```\n`d` is normalised (a random unit vector from `seed` when omitted); halving `t` should divide the second-order error by about 8. Returns `{loss, slope, curvature, direction, rows}`." + lossDoc) { a in
            let dir: [Double]? = try a["direction"].isNil ? nil : try Convert.doubles(try a["direction"], "direction", "taylor_check")
            let steps = try Convert.doubles(try a["steps"], "steps", "taylor_check")
            guard !steps.isEmpty, steps.count <= 1000, steps.allSatisfy({ $0.isFinite && $0 != 0 }) else {
                throw try a.bad("steps", message: "steps must be 1 to 1000 finite, non-zero step sizes, got \(Convert.shortList(steps))")
            }
            let seed = try a.int("seed")
            guard seed >= 0 else { throw try a.bad("seed", message: "a seed must be non-negative") }
            return try withObjective(a) { obj in
                .object(HessianResult.taylor(try Hessian.taylorCheck(of: obj, direction: dir, steps: steps, seed: UInt64(seed))))
            }
        },
        Builtin("top_eigenvalues", lossParams + [.optional("k", .number(1)), .optional("which", .string("largest")),
                                                 .optional("iterations", .number(100)), .optional("tolerance", .number(1e-9)),
                                                 .optional("seed", .number(0)), .optional("vectors", .bool(false)),
                                                 .optional("layer")], area: "Hessian",
                summary: "The `k` extreme eigenvalues of the Hessian by Lanczos on Hessian-vector products (no full matrix): \"largest\", \"smallest\" (most negative) or \"both\".",
                discussion: "```\nw = H q_j;  α_j = q_jᵀw;  w -= Σ (q_iᵀw) q_i (twice);  β_j = ‖w‖;  q_{j+1} = w / β_j\nT = tridiag(β, α, β),  T s = θ s,  Ritz pair (θ, Q s),  residual β_j |s_j|\n```\nFull reorthogonalisation; stops when the residuals are below `tolerance · ‖T‖` or after `iterations` steps. Returns `{eigenvalues, residuals, iterations, converged, vectors}`. Ctrl-C stops between products.\n\n`layer: \"0.weight\"` (a model only) takes the Hessian block of that parameter alone, `H[r, r]` with `r` its index range: the curvature when only that parameter moves (`H[r, r] v = (H · pad(v))[r]`, one product each; the coupling to the other parameters is left out). `k` is then at most the parameter's size, and `vectors` have its length." + lossDoc) { a in
            let k = try a.int("k"), w = try which(a, "which"), it = try a.int("iterations"), tol = try a.number("tolerance"),
                seed = try a.int("seed")
            guard (1...100_000).contains(it) else { throw try a.bad("iterations", message: "iterations must be in 1...100000, got \(it)") }
            guard seed >= 0 else { throw try a.bad("seed", message: "a seed must be non-negative") }
            let vectors = try a.bool("vectors")
            let interp = a.interpreter
            let layer = try layerArgument(a)
            let r = try withObjective(a) { obj in
                try obj.probe(at: obj.point, op: "top_eigenvalues") { p in
                    if let layer {
                        let block = try p.blockHVP(layer)
                        return try Hessian.topEigenvalues(dimension: block.range.count, k: k, which: w, iterations: it, tolerance: tol,
                                                          seed: UInt64(seed), vectors: vectors, hvp: block.hvp)
                    }
                    return try Hessian.topEigenvalues(dimension: obj.dimension, k: k, which: w, iterations: it, tolerance: tol,
                                                      seed: UInt64(seed), vectors: vectors, hvp: polledHVP(p, interp))
                }
            }
            return .object(HessianResult.ritz(r, which: w))
        },
        Builtin("hessian_trace", lossParams + [.optional("samples", .number(100)), .optional("seed", .number(0))], area: "Hessian",
                summary: "The trace of the Hessian by Hutchinson's estimator with Rademacher vectors, and its standard error.",
                discussion: "```\ntr H ≈ (1/S) Σ_s z_sᵀ H z_s,   z with independent ±1 entries,   SE = std(z_sᵀ H z_s) / √S\n```\nOne Hessian-vector product per sample. Returns `{trace, standard_error, samples}`." + lossDoc) { a in
            let samples = try a.int("samples"), seed = try a.int("seed")
            guard (1...1_000_000).contains(samples) else { throw try a.bad("samples", message: "samples must be in 1...1000000, got \(samples)") }
            guard seed >= 0 else { throw try a.bad("seed", message: "a seed must be non-negative") }
            let interp = a.interpreter
            let t = try withObjective(a) { obj in
                try obj.probe(at: obj.point, op: "hessian_trace") { p in
                    try Hessian.hessianTrace(dimension: obj.dimension, samples: samples, seed: UInt64(seed), hvp: polledHVP(p, interp))
                }
            }
            return .object(HessianResult.trace(t))
        },
        Builtin("spectral_density", lossParams + [.optional("iterations", .number(80)), .optional("runs", .number(1)),
                                                  .optional("bins", .number(100)), .optional("sigma"), .optional("seed", .number(0)),
                                                  .optional("by_layer", .bool(false))],
                area: "Hessian",
                summary: "The smoothed eigenvalue density of the Hessian by stochastic Lanczos quadrature; `plot(d)` or `hist(d)` draws it.",
                discussion: "Each run starts Lanczos from a random unit vector; `T = S diag(θ) Sᵀ` gives nodes `θ_j` with weights `τ_j = S[0, j]²`:\n```\nφ(t) = (1/runs) Σ_runs Σ_j τ_j · exp(-(t - θ_j)² / 2σ²) / (σ √(2π))\n```\n(Ghorbani, Krishnan & Xiao 2019). `σ` defaults to 1% of the spread of the nodes. Returns `{grid, density, sigma, nodes, weights, dimension}`.\n\n`by_layer: true` (a model only) estimates the density of each parameter's Hessian block `H[r, r]` separately (the same arguments for each; `iterations` capped at the block's size) and returns a record of densities keyed by parameter name (`d[\"0.weight\"]`), each drawn by `plot` or `hist`." + lossDoc) { a in
            let it = try a.int("iterations"), runs = try a.int("runs"), bins = try a.int("bins"), sigma = try a.optionalNumber("sigma"),
                seed = try a.int("seed")
            guard (1...100_000).contains(it) else { throw try a.bad("iterations", message: "iterations must be in 1...100000, got \(it)") }
            guard (1...10_000).contains(runs) else { throw try a.bad("runs", message: "runs must be in 1...10000, got \(runs)") }
            guard seed >= 0 else { throw try a.bad("seed", message: "a seed must be non-negative") }
            let interp = a.interpreter
            if try a.bool("by_layer") {
                guard try !a["loss"].isNil || !a["data"].isNil else {
                    throw try a.bad("by_layer", message: "by_layer: true needs a model with loss: and data: (its parameters are the layers)")
                }
                let ds = try withObjective(a) { obj in
                    try Hessian.spectralDensityByLayer(of: obj, iterations: it, runs: runs, bins: bins, sigma: sigma, seed: UInt64(seed))
                }
                return .record(ds.map { ($0.name, .object(HessianResult.density($0.density))) })
            }
            let d = try withObjective(a) { obj in
                try obj.probe(at: obj.point, op: "spectral_density") { p in
                    try Hessian.spectralDensity(dimension: obj.dimension, iterations: it, runs: runs, bins: bins, sigma: sigma,
                                                seed: UInt64(seed), hvp: polledHVP(p, interp))
                }
            }
            return .object(HessianResult.density(d))
        },
        Builtin("minimum_ratio", lossParams + [.optional("tolerance")], area: "Hessian",
                summary: "The fraction of the Hessian's eigenvalues that are positive (the lecture's \"minimum ratio\": 1 at a local minimum).",
                discussion: "```\nminimum_ratio = #{λ > tol} / P          tol = 1e-6 · max(1, max|λ|) unless given\n```\nFrom eigenvalues (a tensor or list), a `critical_point` result (its eigenvalues and its `eigenvalue_tolerance`, so `minimum_ratio(cp).ratio == cp.minimum_ratio`), a `spectral_density` result (an estimate: the quadrature weight above `tol`), or a loss: exact from the full spectrum up to 2000 parameters, estimated by `spectral_density` beyond. One tolerance rule everywhere, since every Hessian tool computes in float64. NaN or infinite eigenvalues are an error. Returns `{ratio, negative_fraction, zero_fraction, tolerance, estimated}`." + lossDoc) { a in
            let tol = try tolerance(a, "tolerance")
            let f = try a["f"]
            switch f {
            case .tensor, .list, .tuple:
                return .object(HessianResult.ratio(try Hessian.minimumRatio(eigenvalues: try Convert.doubles(f, "eigenvalues", "minimum_ratio"), tolerance: tol)))
            case .object(let r as ResultObject):
                if r.typeName == "CriticalPoint" || r.typeName == "SpectralDensity" {
                    return .object(HessianResult.ratio(try HessianResult.minimumRatio(of: r, tolerance: tol)))
                }
                if r.typeName == "CriticalPointSearch", case .object(let c as ResultObject)? = r["critical_point"] {
                    return .object(HessianResult.ratio(try HessianResult.minimumRatio(of: c, tolerance: tol)))
                }
                throw try a.bad("f", message: "eigenvalues, a critical_point result, a spectral_density result or a loss expected, got \(r.typeName)")
            default: break
            }
            let interp = a.interpreter
            let m = try withObjective(a) { obj -> Hessian.MinimumRatio in
                if obj.dimension <= 2000 {
                    // The spectrum exactly as critical_point computes it (the same
                    // eigensolver), so both count the same eigenvalues.
                    let h = try obj.probe(at: obj.point, op: "minimum_ratio") { try $0.matrix() }
                    return try Hessian.minimumRatio(eigenvalues: try Hessian.eigen(h, n: obj.dimension).values, tolerance: tol)
                }
                let d = try obj.probe(at: obj.point, op: "minimum_ratio") { p in
                    try Hessian.spectralDensity(dimension: obj.dimension, hvp: polledHVP(p, interp))
                }
                return try Hessian.minimumRatio(density: d, tolerance: tol)
            }
            return .object(HessianResult.ratio(m))
        },
        Builtin("find_critical_point", lossParams + [.optional("method", .string("auto")), .optional("lr", .number(1e-3)),
                                                     .optional("tolerance"), .optional("max_steps", .number(200)),
                                                     .optional("apply", .bool(false))], area: "Hessian",
                summary: "Drives the gradient norm toward zero from the starting point and classifies the point reached (saddles and maxima included).",
                discussion: "Minimises `½‖∇L(θ)‖²`, whose gradient is `H g` (one Hessian-vector product):\n```\nmethod \"lm\":   δ = -(H² + μI)⁻¹ H g   (Levenberg–Marquardt on the full Hessian; μ adapts)\nmethod \"adam\": Adam(lr) on ½‖g‖²     (for models too large for the full Hessian)\n```\n\"auto\" is \"lm\" up to 2000 parameters. Stops at `‖g‖ ≤ tolerance` or after `max_steps`. Returns `{point, steps, converged, losses, gradient_norms, kind, critical_point}`; `apply: true` moves a model's parameters to the point." + lossDoc) { a in
            let methodName = try a.string("method")
            guard ["auto", "lm", "adam"].contains(methodName) else {
                throw try a.bad("method", message: "method must be \"auto\", \"lm\" or \"adam\", got \(Value.quote(methodName))"
                            + Suggest.didYouMean(methodName, among: ["auto", "lm", "adam"]))
            }
            let lr = try a.number("lr")
            guard lr.isFinite, lr > 0 else { throw try a.bad("lr", message: "lr must be a finite number > 0, got \(Value.formatNumber(lr))") }
            let tol = try tolerance(a, "tolerance"), steps = try a.int("max_steps")
            guard steps >= 0, steps <= 100_000_000 else { throw try a.bad("max_steps", message: "max_steps must be in 0...100000000, got \(steps)") }
            let s = try withObjective(a) { obj in
                // "auto" is decided here, so a given lr reaches Adam and is never silently dropped.
                let adam = methodName == "adam" || methodName == "auto" && obj.point.count > Hessian.searchFullHessianLimit
                if try !adam && a.has("lr") {
                    throw try a.bad("lr", message: "lr is the step of method \"adam\"; method \"lm\" (chosen for \(obj.point.count) parameters) adapts its own step")
                }
                return try Hessian.findCriticalPoint(of: obj, method: adam ? .adam(learningRate: lr) : .levenbergMarquardt,
                                                     gradientTolerance: tol, maxSteps: steps)
            }
            if try a.bool("apply") { try apply(s.point, to: a) }
            return .object(HessianResult.search(s))
        },
    ]
}
