#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether ops record themselves for autodiff on the current thread.
///
/// Per thread, as PyTorch's grad mode is, so interpreters on different
/// threads (and tests run in parallel) never see each other's setting.
public enum GradMode {
    /// A thread-specific key whose value is non-nil while recording is OFF.
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()
    private static var offMarker: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: 1) }

    /// True when ops record a graph (the default).
    public static var isEnabled: Bool {
        pthread_getspecific(key) == nil
    }

    /// Runs `body` with recording set to `enabled`, restoring the old setting after.
    public static func with<R>(enabled: Bool, _ body: () throws -> R) rethrows -> R {
        let old = isEnabled
        pthread_setspecific(key, enabled ? nil : offMarker)
        defer { pthread_setspecific(key, old ? nil : offMarker) }
        return try body()
    }

    /// Runs `body` without recording, as `torch.no_grad()`.
    public static func noGrad<R>(_ body: () throws -> R) rethrows -> R {
        try with(enabled: false, body)
    }
}
