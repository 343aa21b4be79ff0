#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs work on a fresh thread with a large native stack and waits for it.
enum LargeStack {
    private final class Job {
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }

    static func run<T>(stackSize: Int, _ work: @escaping () -> T) -> T {
        var result: T?
        let job = Job { result = work() }
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setstacksize(&attr, max(stackSize, 1 << 20))
        let raw = Unmanaged.passRetained(job).toOpaque()
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
        defer { Unmanaged<Job>.fromOpaque(raw).release() }
        guard rc == 0 else { return work() }
        #if canImport(Darwin)
        if let thread { pthread_join(thread, nil) }
        #else
        pthread_join(thread, nil)
        #endif
        return result ?? work()
    }
}
