import NNFiles

extension Builtin {
    /// The `given` rows of a builtin with `n` parameters, one for each count
    /// `k` of leading positional arguments: row `k` is `true` for the first
    /// `k` parameters, `false` after. They depend on `n` only, so every
    /// builtin with `n` parameters shares one set, made the first time a
    /// builtin with that many parameters is declared (the ~500 standard
    /// builtins are declared at every start-up; making each its own rows was
    /// ~2,000 small arrays: issue 20).
    static func givenRows(_ n: Int) -> [[Bool]] {
        GivenRows.shared.rows(n)
    }
}

/// The process-wide table behind ``Builtin/givenRows(_:)``: builtins may be
/// declared on any thread, so it is read and filled under a lock.
private final class GivenRows: @unchecked Sendable {
    static let shared = GivenRows()
    private let lock = NativeLock()
    private var byCount: [Int: [[Bool]]] = [:]

    func rows(_ n: Int) -> [[Bool]] {
        lock.withLock {
            if let rows = byCount[n] { return rows }
            let rows = (0...n).map { k in (0..<n).map { $0 < k } }
            byCount[n] = rows
            return rows
        }
    }
}
