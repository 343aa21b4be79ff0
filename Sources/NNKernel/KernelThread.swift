#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kernel's helper threads (heartbeat, control), started with pthreads
/// rather than Foundation's `Thread`, so that `nn` links no full Foundation
/// (docs/benchmarks.md, start-up).
enum KernelThread {
    /// The closure a new thread runs, passed through `pthread_create`'s
    /// argument in memory of its own, which the thread moves it out of.
    private typealias Job = @Sendable () -> Void

    /// Starts a detached thread with a `stackSize`-byte stack that runs
    /// `body`; a thread that cannot start is logged under `name`, and
    /// `body` does not run.
    static func start(name: String, stackSize: Int, _ body: @escaping @Sendable () -> Void) {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setstacksize(&attr, stackSize)
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        let job = UnsafeMutablePointer<Job>.allocate(capacity: 1)
        job.initialize(to: body)
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let rc = pthread_create(&thread, &attr, { raw in
            guard let raw else { return nil }
            let job = raw.assumingMemoryBound(to: Job.self)
            let body = job.move()
            job.deallocate()
            body()
            return nil
        }, job)
        guard rc == 0 else {
            job.deinitialize(count: 1)
            job.deallocate()
            KernelLog.write("cannot start the \(name) thread: \(String(cString: strerror(rc)))")
            return
        }
    }
}
