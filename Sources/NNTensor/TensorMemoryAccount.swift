import Synchronization

/// The bytes of tensor elements alive on behalf of one owner (an embedded
/// interpreter), bounded by a limit its host sets.
///
/// NNTensor knows no interpreter: the owner makes an account and makes it
/// *current* on the thread it evaluates on (``withCurrent(_:_:)``). Every
/// tensor made on that thread while it is current is charged to it, for
/// its elements' bytes (`count * dtype.byteSize`), and refunded when the
/// tensor is freed, on whatever thread that happens:
///
/// ```
/// bytesAlive = Σ bytes of the charged tensors not yet freed
/// an op may allocate `b` bytes  ⇔  bytesAlive + b <= limit
/// ```
///
/// Ops check before they allocate (``Shape/reserve(_:dtype:op:)``), so the
/// op that would go past the limit throws a `TensorError` naming the
/// tensor and the bytes in use. A tensor made without that check (a copy,
/// a small internal result) is charged all the same; if it takes the total
/// past the limit, the account reports it. Either way the owner hears of it
/// through `onExceeded` (the interpreter then stops the script at its next
/// safe point, whatever a caller did with the error).
///
/// A tensor sharing another's elements (`detach`, `clone`: copy-on-write)
/// is charged again: the account counts what the tensors could hold, an
/// upper bound of what they do.
public final class TensorMemoryAccount: Sendable {
    /// The most bytes of tensor elements this account lets be alive at once.
    public let limit: Int
    private let alive = Atomic<Int>(0)
    private let onExceeded: @Sendable () -> Void
    private let refusal = Mutex<String?>(nil)
    /// How more memory is granted: the end of each refusal.
    private let advice: String

    /// An account of at most `limit` bytes; `onExceeded` is called (on the
    /// thread making the tensor) each time an op is refused or a charge
    /// goes past the limit. `advice` ends each refusal (after "free
    /// tensors (drop the variables holding them) or").
    public init(limit: Int, advice: String = "ask the host for a larger limit",
                onExceeded: @escaping @Sendable () -> Void = {}) {
        self.limit = max(0, limit)
        self.advice = advice
        self.onExceeded = onExceeded
    }

    /// Bytes of tensor elements charged to this account and not yet freed.
    public var bytesAlive: Int { alive.load(ordering: .relaxed) }

    /// The message of the last refusal or excess, for the owner's error.
    public var lastRefusal: String? { refusal.withLock { $0 } }

    /// Throws unless `bytes` more fit under the limit: the check an op makes
    /// before it allocates a tensor of `bytes` (named by `what`).
    public func admit(_ bytes: Int, what: @autoclosure () -> String, op: String) throws {
        let now = alive.load(ordering: .relaxed)
        guard bytes > limit - now else { return }
        let message = "tensor memory limit: \(what()) needs \(Shape.formatBytes(bytes)), but \(Shape.formatBytes(now)) of the \(Shape.formatBytes(limit)) allowed are in use (in \(op)); free tensors (drop the variables holding them) or \(advice)"
        refuse(message)
        throw TensorError(message)
    }

    /// Charges `bytes` made now; past the limit, reports it.
    func charge(_ bytes: Int) {
        let now = alive.wrappingAdd(bytes, ordering: .relaxed).newValue
        if now > limit, now - bytes <= limit {
            refuse("tensor memory limit: the tensors alive hold \(Shape.formatBytes(now)), more than the \(Shape.formatBytes(limit)) allowed; free tensors (drop the variables holding them) or \(advice)")
        }
    }

    /// Refunds `bytes` freed.
    func refund(_ bytes: Int) { alive.wrappingSubtract(bytes, ordering: .relaxed) }

    private func refuse(_ message: String) {
        refusal.withLock { $0 = message }
        onExceeded()
    }

    // MARK: The current account of a thread

    /// The account tensors made on this thread are charged to, if any (a
    /// task-local value: outside a task, bound to the thread).
    @TaskLocal public static var current: TensorMemoryAccount?

    /// How many ``withCurrent(_:_:)`` scopes with an account are open in
    /// the process: while none is, making a tensor does not look for an
    /// account (a task-local lookup costs about a hundred instructions).
    /// A thread's own scope is always seen by that thread.
    private static let openScopes = Atomic<Int>(0)

    /// The current account, looked up only while some thread has one.
    @inline(__always)
    static var active: TensorMemoryAccount? {
        openScopes.load(ordering: .relaxed) > 0 ? current : nil
    }

    /// Runs `body` with `account` current on this thread (nil: none), then
    /// restores the previous one.
    public static func withCurrent<R, E: Error>(_ account: TensorMemoryAccount?, _ body: () throws(E) -> R) throws(E) -> R {
        if account != nil { openScopes.wrappingAdd(1, ordering: .relaxed) }
        defer { if account != nil { openScopes.wrappingSubtract(1, ordering: .relaxed) } }
        let result: Result<R, E> = $current.withValue(account) { Result { () throws(E) -> R in try body() } }
        return try result.get()
    }

    /// Throws unless `bytes` more fit under the current account's limit (if
    /// the thread has an account): see ``admit(_:what:op:)``.
    @inline(__always)
    public static func admitCurrent(_ bytes: Int, what: @autoclosure () -> String, op: String) throws {
        try active?.admit(bytes, what: what(), op: op)
    }
}

/// What a tensor was charged to its account, refunded when it is freed.
struct TensorMemoryCharge {
    let account: TensorMemoryAccount
    let bytes: Int

    /// Charges `storage`'s bytes to the current account, if there is one.
    @inline(__always)
    static func make(_ storage: TensorStorage) -> TensorMemoryCharge? {
        guard let account = TensorMemoryAccount.active else { return nil }
        let bytes = storage.count &* storage.dtype.byteSize
        account.charge(bytes)
        return TensorMemoryCharge(account: account, bytes: bytes)
    }

    func refund() { account.refund(bytes) }
}
