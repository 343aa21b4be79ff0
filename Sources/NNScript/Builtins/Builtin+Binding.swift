extension Builtin {
    /// Binds call arguments to the parameters: positional ones in order, named
    /// ones by name; fills defaults; reports missing, extra, unknown and
    /// repeated arguments uniformly.
    func bind(_ args: Arguments, interpreter: Interpreter) throws -> BuiltinArguments {
        let positional = args.positional
        let k = positional.count
        // The common call: positional arguments only, every required one
        // given, no variadic parameter. The argument array becomes the
        // values (no copy) and `given` is shared.
        if args.named.isEmpty, variadicIndex == nil, k >= requiredCount, k <= parameters.count {
            var values = positional
            if k < parameters.count {
                values.reserveCapacity(parameters.count)
                for i in k..<parameters.count { values.append(parameters[i].defaultValue?.value ?? .nil) }
            }
            var bound = BuiltinArguments(builtin: self, values: values, given: givenPrefixes[k], rest: [], interpreter: interpreter)
            bound.positionalGiven = k
            return bound
        }
        return try bindGeneral(args, interpreter: interpreter)
    }

    /// Any arguments: named ones, variadics, and every error (the one
    /// binder, ``Signature``, that nn functions use too).
    private func bindGeneral(_ args: Arguments, interpreter: Interpreter) throws -> BuiltinArguments {
        let positional = args.positional
        let b: Signature.Binding
        do { b = try callSignature.bind(positional: positional.count, labels: args.named.map(\.label)) } catch {
            throw BuiltinError(error.message)
        }
        var values = [Value](repeating: .nil, count: parameters.count)
        for i in 0..<min(positional.count, positionalCount) { values[i] = positional[i] }
        for j in 0..<args.named.count { values[b.namedSlots[j]] = args.named[j].value }
        for (i, p) in parameters.enumerated() where !b.given[i] {
            if let d = p.defaultValue { values[i] = d.value }
        }
        var bound = BuiltinArguments(builtin: self, values: values, given: b.given, rest: Array(positional[b.rest]),
                                     interpreter: interpreter)
        bound.positionalGiven = min(positional.count, positionalCount)
        return bound
    }
}

/// "Did you mean" suggestions by edit distance.
enum Suggest {
    /// `; did you mean 'lr'?` or "" when nothing is close.
    static func didYouMean(_ name: String, among candidates: some Sequence<String>) -> String {
        guard let best = nearest(name, among: candidates) else { return "" }
        return "; did you mean '\(best)'?"
    }

    /// The closest candidate within a distance that scales with the name's length.
    static func nearest(_ name: String, among candidates: some Sequence<String>) -> String? {
        let a = Array(name.unicodeScalars)
        let limit = max(1, min(3, a.count / 3 + 1))
        var best: (String, Int)?
        for c in candidates where c != name {
            let d = distance(a, Array(c.unicodeScalars), limit: limit)
            if d <= limit, best.map({ d < $0.1 || (d == $0.1 && c < $0.0) }) ?? true {
                best = (c, d)
            }
        }
        return best?.0
    }

    /// Optimal-string-alignment distance (Levenshtein plus transpositions),
    /// or `limit + 1` when it is more than `limit`.
    ///
    /// Only the band `|i - j| <= limit` of the table can hold a distance
    /// within `limit`, so the cost is O(len * limit), not O(len^2): a
    /// misspelled name of a million characters is answered at once.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
        let over = limit + 1
        if abs(a.count - b.count) > limit { return over }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        // Rows of the table; cells outside the band stay `over`.
        var prev2 = [Int](repeating: over, count: b.count + 1)
        var prev = (0...b.count).map { min($0, over) }
        var cur = [Int](repeating: over, count: b.count + 1)
        for i in 1...a.count {
            let lo = max(1, i - limit), hi = min(b.count, i + limit)
            cur[0] = min(i, over)
            if lo > 1 { cur[lo - 1] = over }
            var rowMin = cur[0]
            for j in lo...hi {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    v = min(v, prev2[j - 2] + 1)
                }
                cur[j] = min(v, over)
                rowMin = min(rowMin, cur[j])
            }
            if hi < b.count { cur[hi + 1] = over }
            if rowMin >= over { return over }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}
