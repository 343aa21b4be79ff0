import NNLib
import NNTensor

/// The results of the Hessian tools as script values (`c.kind`, `c.eigenvalues`, ...).
enum HessianResult {
    static func criticalPoint(_ c: Hessian.CriticalPoint) -> ResultObject {
        let counts = Value.record([("positive", .number(Double(c.positive))), ("negative", .number(Double(c.negative))),
                                   ("zero", .number(Double(c.zero)))])
        return ResultObject("CriticalPoint", [
            ("kind", .string(c.kind.rawValue)), ("loss", .number(c.loss)), ("gradient_norm", .number(c.gradientNorm)),
            ("eigenvalues", Convert.vector(c.eigenvalues)), ("counts", counts),
            ("escape", c.escape.map(Convert.vector) ?? .nil), ("escape_eigenvalue", c.escapeEigenvalue.map { .number($0) } ?? .nil),
            ("minimum_ratio", .number(c.minimumRatio)), ("point", Convert.vector(c.point)), ("gradient", Convert.vector(c.gradient)),
            ("gradient_tolerance", .number(c.gradientTolerance)), ("eigenvalue_tolerance", .number(c.eigenvalueTolerance)),
        ]) {
            var s = "\(c.kind.rawValue): loss \(Convert.short(c.loss)), gradient norm \(Convert.short(c.gradientNorm)), "
                + "eigenvalues \(Convert.shortList(c.eigenvalues)) (\(c.negative) negative, \(c.positive) positive, \(c.zero) near zero)"
            if let e = c.escape, let l = c.escapeEigenvalue {
                s += "; escape along \(Convert.shortList(e)) (eigenvalue \(Convert.short(l)))"
            }
            return s
        }
    }

    static func escape(_ e: Hessian.Escape) -> ResultObject {
        ResultObject("Escape", [
            ("from", Convert.vector(e.from)), ("to", Convert.vector(e.to)), ("direction", Convert.vector(e.direction)),
            ("eigenvalue", .number(e.eigenvalue)), ("step", .number(e.stepSize)), ("loss_before", .number(e.lossBefore)),
            ("loss_after", .number(e.lossAfter)), ("predicted", .number(e.predicted)), ("actual", .number(e.actual)),
            ("first_order", .number(e.firstOrder)), ("second_order", .number(e.secondOrder)),
        ]) {
            "step \(Convert.short(e.stepSize)) along \(Convert.shortList(e.direction)) (eigenvalue \(Convert.short(e.eigenvalue))): "
                + "loss \(Convert.short(e.lossBefore)) → \(Convert.short(e.lossAfter)), change \(Convert.short(e.actual)), "
                + "predicted ½η²λ + ηgᵀu = \(Convert.short(e.predicted))"
        }
    }

    static func taylor(_ t: Hessian.Taylor) -> ResultObject {
        let rows: [Value] = t.rows.map { r in
            .record([("step", .number(r.step)), ("actual", .number(r.actual)), ("first_order", .number(r.firstOrder)),
                     ("second_order", .number(r.secondOrder)), ("first_order_error", .number(r.firstOrderError)),
                     ("second_order_error", .number(r.secondOrderError))])
        }
        return ResultObject("TaylorCheck", [
            ("loss", .number(t.loss)), ("direction", Convert.vector(t.direction)), ("slope", .number(t.slope)),
            ("curvature", .number(t.curvature)), ("rows", .list(rows)),
        ]) {
            var lines = ["Taylor check: L = \(Convert.short(t.loss)), slope gᵀd = \(Convert.short(t.slope)), curvature dᵀHd = \(Convert.short(t.curvature))"]
            func cell(_ s: String, _ w: Int = 12) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }
            lines.append("  " + cell("step") + cell("loss") + cell("1st order") + cell("2nd order") + cell("error 1st") + "error 2nd")
            for r in t.rows {
                lines.append("  " + cell(Convert.short(r.step)) + cell(Convert.short(r.actual)) + cell(Convert.short(r.firstOrder))
                             + cell(Convert.short(r.secondOrder)) + cell(Convert.short(r.firstOrderError)) + Convert.short(r.secondOrderError))
            }
            return lines.joined(separator: "\n")
        }
    }

    static func ritz(_ r: Hessian.Ritz, which: Hessian.Which) -> ResultObject {
        ResultObject("Eigenvalues", [
            ("eigenvalues", Convert.vector(r.eigenvalues)), ("residuals", Convert.vector(r.residuals)),
            ("iterations", .number(Double(r.iterations))), ("converged", .bool(r.converged)),
            ("vectors", r.vectors.map { vs in .list(vs.map(Convert.vector)) } ?? .nil),
        ]) {
            "\(which.rawValue) eigenvalues \(Convert.shortList(r.eigenvalues, limit: 12)) after \(r.iterations) Lanczos steps"
                + (r.converged ? "" : " (not converged: residuals \(Convert.shortList(r.residuals)))")
        }
    }

    static func trace(_ t: Hessian.TraceEstimate) -> ResultObject {
        ResultObject("TraceEstimate", [("trace", .number(t.trace)), ("standard_error", .number(t.standardError)),
                                       ("samples", .number(Double(t.samples)))]) {
            "trace ≈ \(Convert.short(t.trace)) ± \(Convert.short(t.standardError)) (Hutchinson, \(t.samples) samples)"
        }
    }

    static func density(_ d: Hessian.SpectralDensity) -> ResultObject {
        ResultObject("SpectralDensity", [
            ("grid", Convert.vector(d.grid)), ("density", Convert.vector(d.density)), ("sigma", .number(d.sigma)),
            ("nodes", .list(d.nodes.map(Convert.list))), ("weights", .list(d.weights.map(Convert.list))),
            ("dimension", .number(Double(d.dimension))),
        ]) {
            let lo = d.grid.first ?? 0, hi = d.grid.last ?? 0
            return "eigenvalue density of a \(d.dimension)-parameter Hessian on [\(Convert.short(lo)), \(Convert.short(hi))] "
                + "(\(d.nodes.count) run\(d.nodes.count == 1 ? "" : "s"), σ = \(Convert.short(d.sigma))); plot(d) or hist(d) to see it"
        }
    }

    static func ratio(_ m: Hessian.MinimumRatio) -> ResultObject {
        ResultObject("MinimumRatio", [
            ("ratio", .number(m.ratio)), ("negative_fraction", .number(m.negativeFraction)), ("zero_fraction", .number(m.zeroFraction)),
            ("tolerance", .number(m.tolerance)), ("estimated", .bool(m.estimated)),
        ]) {
            "minimum ratio \(Convert.short(m.ratio))" + (m.estimated ? " (estimated from the spectral density)" : "")
                + ": \(Convert.short(m.negativeFraction)) negative, \(Convert.short(m.zeroFraction)) within ±\(Convert.short(m.tolerance))"
        }
    }

    /// The minimum ratio of a `critical_point` result (its eigenvalues, with
    /// its own zero band unless `tolerance` is given: the same count as its
    /// `minimum_ratio`) or of a `spectral_density` result (rebuilt from its
    /// fields and checked).
    static func minimumRatio(of r: ResultObject, tolerance: Double?) throws -> Hessian.MinimumRatio {
        let op = "minimum_ratio"
        func doubles(_ k: String) throws -> [Double] {
            guard let v = r[k] else { throw BuiltinError("\(op): the \(r.typeName) result has no '\(k)'") }
            return try Convert.doubles(v, k, op)
        }
        func number(_ k: String) throws -> Double {
            guard case .number(let d)? = r[k] else { throw BuiltinError("\(op): the \(r.typeName) result has no number '\(k)'") }
            return d
        }
        func lists(_ k: String) throws -> [[Double]] {
            guard case .list(let l)? = r[k] else { throw BuiltinError("\(op): the \(r.typeName) result has no list '\(k)'") }
            return try l.items.map { try Convert.doubles($0, k, op) }
        }
        if r.typeName == "CriticalPoint" {
            return try Hessian.minimumRatio(eigenvalues: try doubles("eigenvalues"), tolerance: tolerance ?? number("eigenvalue_tolerance"))
        }
        let dim = try number("dimension")
        guard let n = Int(exactlyChecked: dim) else { throw BuiltinError("\(op): the dimension must be a whole number, got \(dim)") }
        let d = try Hessian.SpectralDensity(checkingGrid: try doubles("grid"), density: try doubles("density"), sigma: try number("sigma"),
                                            nodes: try lists("nodes"), weights: try lists("weights"), dimension: n)
        return try Hessian.minimumRatio(density: d, tolerance: tolerance)
    }

    static func search(_ s: Hessian.Search) -> ResultObject {
        let method: String
        switch s.method {
        case .levenbergMarquardt: method = "lm"
        case .adam: method = "adam"
        case .automatic: method = "auto"
        }
        let c = s.classification.map(criticalPoint)
        return ResultObject("CriticalPointSearch", [
            ("point", Convert.vector(s.point)), ("steps", .number(Double(s.steps))), ("converged", .bool(s.converged)),
            ("losses", Convert.list(s.losses)), ("gradient_norms", Convert.list(s.gradientNorms)), ("method", .string(method)),
            ("kind", c?["kind"] ?? .nil), ("critical_point", c.map { .object($0) } ?? .nil),
        ]) {
            let g = s.gradientNorms.last.map(Convert.short) ?? "?"
            return "\(s.converged ? "converged" : "stopped") after \(s.steps) \(method) steps at gradient norm \(g)"
                + (c.map { "; " + $0.description } ?? "")
        }
    }

    /// The Hessian of a model: the matrix and where each parameter sits in it.
    static func matrix(_ h: Tensor, layout: ParameterLayout, layer: String?) -> ResultObject {
        let ranges = Value.record(layout.entries.map { e in
            (e.name, .list([.number(Double(e.range.lowerBound)), .number(Double(e.range.upperBound))]))
        })
        let shapes = Value.record(layout.entries.map { e in (e.name, .list(e.shape.map { .number(Double($0)) })) })
        return ResultObject("Hessian", [
            ("matrix", .tensor(h)), ("names", .list(layout.names.map { .string($0) })), ("ranges", ranges), ("shapes", shapes),
            ("layer", layer.map { .string($0) } ?? .nil),
        ]) {
            let which = layer.map { "block of '\($0)'" } ?? "\(layout.entries.count) parameters"
            let parts = layout.entries.map { "\($0.name) \(TensorBridge.fmtShape($0.shape)) → \($0.range.lowerBound)..<\($0.range.upperBound)" }
            return "Hessian \(TensorBridge.fmtShape(h.shape)) (\(which)): " + parts.joined(separator: ", ") + "; use .matrix"
        }
    }
}
