import NNFiles

extension Builtin {
    /// The `given` rows of a builtin with `n` parameters, one for each count
    /// `k` of leading positional arguments: row `k` is `true` for the first
    /// `k` parameters, `false` after. They depend on `n` only, so every
    /// builtin with `n` parameters shares one set, made the first time a
    /// builtin with that many parameters is declared (the ~200 standard
    /// builtins are declared at every start-up; making each its own rows was
    /// about 1,000 small arrays: issue 20).
    static func givenRows(_ n: Int) -> [[Bool]] {
        GivenRows.shared.rows(n)
    }
}

/// The process-wide table behind ``Builtin/givenRows(_:)``: builtins may be
/// declared on any thread, so it is read and filled under a lock. An array
/// indexed by the count, not a dictionary: a `Dictionary<Int, ...>` would be
/// one more generic type (and `Int: Hashable` conformance lookup, a scan of
/// every conformance record) for the Swift runtime to instantiate at start-up.
private final class GivenRows: @unchecked Sendable {
    static let shared = GivenRows()
    private let lock = NativeLock()
    /// `byCount[n]`: the rows for `n` parameters, empty until first asked
    /// (a made set has `n + 1` rows, never none).
    private var byCount: [[[Bool]]] = []

    func rows(_ n: Int) -> [[Bool]] {
        lock.lock()
        defer { lock.unlock() }
        if n < byCount.count, !byCount[n].isEmpty { return byCount[n] }
        let rows = (0...n).map { k in (0..<n).map { $0 < k } }
        while byCount.count <= n { byCount.append([]) }
        byCount[n] = rows
        return rows
    }
}
