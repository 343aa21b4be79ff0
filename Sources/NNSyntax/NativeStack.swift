#if canImport(Glibc)
import Glibc
import Synchronization
#elseif canImport(Darwin)
import Darwin
#endif

/// The native (machine) stack of the current thread: where it lies and
/// where the caller stands on it.
///
/// Code that recurses on what its input controls asks how much stack is
/// left instead of assuming a size: the parser (``Parser``, on its caller's
/// thread, whatever its stack) and the interpreter's call guard (NNScript,
/// which adds its own margin). It lives here, in the module with no
/// dependencies, so both use the one query.
public enum NativeStack {
    /// A thread's stack: `low..<high`, growing down from `high`.
    public struct Bounds {
        /// The thread the bounds were asked on.
        public let thread: pthread_t
        /// The lowest address of the stack (its end: the stack grows down to it).
        public let low: UInt
        /// The highest address of the stack (where it starts).
        public let high: UInt
        /// The stack's size in bytes.
        public var size: Int { Int(high - low) }

        public init(thread: pthread_t, low: UInt, high: UInt) {
            self.thread = thread
            self.low = low
            self.high = high
        }

        /// True when `address` lies on this stack.
        public func contains(_ address: UInt) -> Bool { low < address && address <= high }
    }

    /// An address in the caller's frame: where the stack stands now.
    ///
    /// The unprotected form keeps the compiler from giving every caller (the
    /// call path) a stack-protector canary for the address-taken local; the
    /// pointer never reaches memory, only its value is compared. Inlinable,
    /// so the interpreter's call path pays no cross-module call for it.
    @inlinable @inline(__always)
    public static func here() -> UInt {
        var marker: UInt8 = 0
        return _withUnprotectedUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }

    /// The current thread's stack, or nil when the system does not say.
    ///
    /// On Linux this asks glibc (`pthread_getattr_np`), which reads
    /// `/proc/self/maps` for the main thread: ask once per run, not per call.
    public static func current() -> Bounds? {
        let thread = pthread_self()
        #if canImport(Darwin)
        let high = UInt(bitPattern: pthread_get_stackaddr_np(thread))
        let size = UInt(pthread_get_stacksize_np(thread))
        guard high > size else { return nil }
        return Bounds(thread: thread, low: high - size, high: high)
        #else
        // The main thread's answer costs a read of /proc/self/maps (about
        // 200k instructions, several times per start-up): it is kept while
        // the stack's limit stays what it was (see ``mainThreadBounds``).
        let mainLimit = isMainThread ? stackLimit() : nil
        if let mainLimit, let kept = mainThreadBounds.withLock({ $0 }), kept.limit == mainLimit {
            return Bounds(thread: thread, low: kept.low, high: kept.high)
        }
        var attr = pthread_attr_t()
        guard let getattr = getattrNP, getattr(thread, &attr) == 0 else { return nil }
        defer { pthread_attr_destroy(&attr) }
        var base: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attr, &base, &size) == 0, let base, size > 0 else { return nil }
        let low = UInt(bitPattern: base)
        let (high, overflow) = low.addingReportingOverflow(UInt(size))
        guard !overflow else { return nil }
        if let mainLimit { mainThreadBounds.withLock { $0 = (mainLimit, low, high) } }
        return Bounds(thread: thread, low: low, high: high)
        #endif
    }

    /// The current thread's stack when the caller stands on it (nil when
    /// unknown, or when the caller runs on another stack, such as a
    /// sanitizer's fake stack or a signal stack).
    public static func currentContainingCaller() -> Bounds? {
        let address = here()
        return current().flatMap { $0.contains(address) ? $0 : nil }
    }

    #if !canImport(Darwin)
    /// The main thread's stack as last asked, with the `RLIMIT_STACK` it was
    /// asked under. The main stack's top is fixed for the process; its low
    /// end is the top less the limit, which glibc reads each time, so a
    /// changed limit asks again. Kept only under a finite limit: with none,
    /// glibc measures the gap to the next mapping, which later mappings
    /// may narrow.
    private static let mainThreadBounds = Mutex<(limit: rlim_t, low: UInt, high: UInt)?>(nil)

    /// The current `RLIMIT_STACK` when it is finite; nil otherwise.
    private static func stackLimit() -> rlim_t? {
        var limit = rlimit()
        // RLIM_INFINITY is all ones.
        guard getrlimit(__rlimit_resource_t(RLIMIT_STACK.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return limit.rlim_cur
    }

    /// True on the process's main thread (its thread id is the process id).
    private static var isMainThread: Bool {
        guard let gettid = gettidFn else { return false }
        return gettid() == getpid()
    }

    /// glibc's `gettid` (2.30 and later), which the Glibc module does not declare.
    private static let gettidFn: (@convention(c) () -> pid_t)? = {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "gettid") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) () -> pid_t).self)
    }()

    /// glibc's `pthread_getattr_np`, a GNU extension the Glibc module does
    /// not declare, found by name (nil when absent: then no stack is known).
    private static let getattrNP: (@convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32)? = {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "pthread_getattr_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32).self)
    }()
    #endif

    /// `bytes` for messages: "512 MiB", "7.9 MiB"; under 1 MiB in KiB, "256 KiB".
    public static func mebibytes(_ bytes: Int) -> String {
        if bytes < 1 << 20 { return "\(max(bytes, 0) >> 10) KiB" }
        let m = Double(bytes) / Double(1 << 20)
        let whole = m.rounded()
        return (abs(m - whole) < 0.05 ? String(Int(whole)) : String(Double(Int(m * 10)) / 10)) + " MiB"
    }
}
