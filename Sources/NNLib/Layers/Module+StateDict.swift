import NNTensor

/// PyTorch's `state_dict` and `load_state_dict`: every parameter and buffer
/// by dotted name, in PyTorch's order (each module's own parameters, then its
/// own buffers, then its children's, depth first), so a file written from
/// nn loads into the same PyTorch model and back.
extension Module {
    /// `(name, snapshot)` for every parameter and buffer, PyTorch's keys and
    /// order: `0.weight` `[out, in]`, `0.bias`, `1.weight`, `1.bias`,
    /// `1.running_mean`, `1.running_var`, `1.num_batches_tracked`, ...
    ///
    /// Each tensor is a snapshot (detached, sharing storage until the model
    /// changes): training after the call does not change it, so it can keep
    /// the best epoch's weights without a deep copy (unlike PyTorch, where
    /// the tensors alias the parameters). A layer used twice appears under
    /// each of its names, as in PyTorch.
    public func stateDictionary() -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        for (prefix, m) in namedModules {
            let dot = prefix.isEmpty ? "" : prefix + "."
            for (name, t) in m.ownParameters + m.ownBuffers { out.append((dot + name, t.detach())) }
        }
        return out
    }

    /// What `loadStateDictionary` left aside when not strict.
    public struct LoadReport: Sendable {
        /// Names the model has and the dictionary lacks.
        public let missing: [String]
        /// Names the dictionary has and the model lacks.
        public let unexpected: [String]
    }

    /// Copies `entries` into this model's parameters and buffers, as
    /// `load_state_dict(state_dict, strict)`.
    ///
    /// Every entry is checked before anything is copied, so a failed load
    /// leaves the model as it was. A shape or dtype that differs from the
    /// model's is always an error (naming each one), except a float tensor of
    /// integers in range for an int64 buffer (`num_batches_tracked` as files
    /// written before nn had int64 hold it), which loads exactly; with
    /// `strict`, so is a
    /// missing or unexpected name (listing them all). With `strict: false`
    /// the matching names are loaded and the others reported.
    @discardableResult
    public func loadStateDictionary(_ entries: [(name: String, tensor: Tensor)], strict: Bool = true) throws -> LoadReport {
        let own = stateTargets()
        var given: [String: Tensor] = [:]
        for (name, t) in entries {
            guard given[name] == nil else {
                throw TensorError(op: "load_state_dict", "the name '\(name)' appears twice in the state dict")
            }
            given[name] = t
        }
        let ownNames = Set(own.map(\.name))
        let missing = own.map(\.name).filter { given[$0] == nil }
        let unexpected = entries.map(\.name).filter { !ownNames.contains($0) }
        var problems: [String] = []
        var dtypes: [(given: DType, model: DType, names: [String])] = []
        for (name, target) in own {
            guard let t = given[name] else { continue }
            if t.shape != target.shape {
                problems.append("'\(name)' has shape \(FileShape.text(t.shape)) in the state dict but \(FileShape.text(target.shape)) in the model")
            } else if t.dtype != target.dtype
                        && !(target.isInt64 && t.dtype.isFloatingPoint && t.doubles.allSatisfy { Int64(exactly: $0) != nil }) {
                if let i = dtypes.firstIndex(where: { $0.given == t.dtype && $0.model == target.dtype }) {
                    dtypes[i].names.append(name)
                } else {
                    dtypes.append((t.dtype, target.dtype, [name]))
                }
            }
        }
        for d in dtypes {
            let names = d.names.map { "'\($0)'" }.joined(separator: ", ")
            let fix = d.model == .int64 ? "an int64 buffer takes int64 or floats of whole numbers"
                : "convert with .to(\"\(d.model)\"), or make the model \(d.given)"
            problems.append("\(names) \(d.names.count == 1 ? "is" : "are") \(d.given) in the state dict but \(d.model) in the model (\(fix))")
        }
        if strict {
            if !missing.isEmpty { problems.append("missing from the state dict: " + missing.map { "'\($0)'" }.joined(separator: ", ")) }
            if !unexpected.isEmpty { problems.append("not in the model: " + unexpected.map { "'\($0)'" }.joined(separator: ", ")) }
        }
        guard problems.isEmpty else {
            let hint = strict && problems.allSatisfy({ $0.hasPrefix("missing") || $0.hasPrefix("not in") })
                ? " (pass strict: false to load the names that match)" : ""
            throw TensorError(op: "load_state_dict", problems.joined(separator: "; ") + hint)
        }
        try GradMode.noGrad {
            for (name, target) in own {
                if let t = given[name] { try target.assign(t) }
            }
        }
        return LoadReport(missing: missing, unexpected: unexpected)
    }

    /// The live tensors `stateDictionary` snapshots, by name.
    private func stateTargets() -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        for (prefix, m) in namedModules {
            let dot = prefix.isEmpty ? "" : prefix + "."
            for (name, t) in m.ownParameters + m.ownBuffers { out.append((dot + name, t)) }
        }
        return out
    }
}
