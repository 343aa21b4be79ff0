#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs work on a fresh thread with a large native stack and waits for it.
enum LargeStack {
    /// Why the work did not get the stack it asked for.
    struct Shortfall {
        /// The stack size asked for, in bytes.
        let requested: Int
        /// Why: the system's error, or the address-space limit.
        let reason: String
        /// The size of the thread that was made instead; nil: the work ran
        /// on the calling thread.
        let granted: Int?
    }

    private final class Job {
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }

    /// The smallest stack tried before giving up on a new thread.
    static let smallestStack = 4 << 20

    /// Runs `work` on a new thread with a `stackSize`-byte stack, and waits.
    ///
    /// When the system refuses a thread that big, or it would take more than
    /// an eighth of a limited address space (`ulimit -v`, leaving the rest
    /// for tensors), a quarter of the size is tried, and so on down to
    /// ``smallestStack``; when every size is refused, `work` runs on the
    /// calling thread. `work` is told of the shortfall, so it can say so;
    /// either way the native stack guard (``NativeStack``) bounds the
    /// recursion to what the stack allows.
    static func run<T>(stackSize: Int, _ work: @escaping (Shortfall?) -> T) -> T {
        let requested = max(stackSize, 1 << 20)
        var size = requested
        var reason: String?
        let cap = addressSpaceLimit.map { $0 / 8 }
        while true {
            if let cap, size > cap {
                reason = reason ?? "the address space is limited to \(NativeStack.mebibytes(cap * 8)) by ulimit -v"
            } else {
                var result: T?
                let shortfall = reason.map { Shortfall(requested: requested, reason: $0, granted: size) }
                let rc = runThread(stackSize: size) { result = work(shortfall) }
                if rc == 0, let result { return result }
                reason = reason ?? String(cString: strerror(rc == 0 ? EAGAIN : rc))
            }
            guard size / 4 >= smallestStack else { break }
            size /= 4
        }
        return work(Shortfall(requested: requested, reason: reason ?? "", granted: nil))
    }

    /// The process's address-space limit in bytes (`RLIMIT_AS`), nil when unlimited.
    static var addressSpaceLimit: Int? {
        var limit = rlimit()
        #if canImport(Glibc)
        let got = getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)
        #else
        let got = getrlimit(RLIMIT_AS, &limit)
        #endif
        guard got == 0, limit.rlim_cur < rlim_t(Int.max) else { return nil }  // RLIM_INFINITY is all ones
        return Int(limit.rlim_cur)
    }

    /// Runs `body` on a new thread with a `stackSize`-byte stack and waits
    /// for it; returns 0, or the error that kept the thread from starting
    /// (then `body` did not run).
    ///
    /// The stack is mapped here, not by the thread library: glibc hands a
    /// new thread any cached stack of up to four times the size asked for
    /// (one a thread that ended earlier left), so a host's `stackSize`
    /// would be a lower bound, and the same script could overflow in one
    /// run and not in the next. A mapped stack is exactly `stackSize` bytes
    /// above one inaccessible guard page, is only address space until it is
    /// touched (`MAP_NORESERVE`), and is unmapped when the thread is joined.
    private static func runThread(stackSize: Int, _ body: @escaping () -> Void) -> Int32 {
        let page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096)
        let (rounded, o1) = stackSize.addingReportingOverflow(page - 1)
        guard !o1 else { return ENOMEM }
        let size = rounded / page * page
        let (mapped, o2) = size.addingReportingOverflow(page)
        guard !o2 else { return ENOMEM }
        #if canImport(Darwin)
        let flags = MAP_PRIVATE | MAP_ANON
        #else
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK
        #endif
        guard let base = mmap(nil, mapped, PROT_READ | PROT_WRITE, flags, -1, 0), base != MAP_FAILED else {
            return errno == 0 ? ENOMEM : errno
        }
        defer { munmap(base, mapped) }
        guard mprotect(base, page, PROT_NONE) == 0 else { return errno == 0 ? ENOMEM : errno }
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        let placed = pthread_attr_setstack(&attr, base + page, size)
        guard placed == 0 else { return placed }
        let raw = Unmanaged.passRetained(Job(body)).toOpaque()
        defer { Unmanaged<Job>.fromOpaque(raw).release() }
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let rc = pthread_create(&thread, &attr, { arg in
            #if canImport(Darwin)
            Unmanaged<Job>.fromOpaque(arg).takeUnretainedValue().work()
            #else
            if let arg { Unmanaged<Job>.fromOpaque(arg).takeUnretainedValue().work() }
            #endif
            return nil
        }, raw)
        guard rc == 0 else { return rc }
        #if canImport(Darwin)
        if let thread { pthread_join(thread, nil) }
        #else
        pthread_join(thread, nil)
        #endif
        return 0
    }
}
