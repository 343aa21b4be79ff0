#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// How the process's allocator treats tensor buffers.
///
/// A training step allocates the same buffers every step (activations,
/// gradients, GEMM outputs of a few hundred KiB each) and frees them. glibc
/// adapts its thresholds as it goes: a freed block above its mmap threshold
/// is returned to the system, and free memory at the top of a heap beyond
/// its trim threshold is released, so the next step's buffers are fresh
/// pages that fault in one by one (about 200 faults a step, and most of
/// them in OpenBLAS's zeroing of its output, in a 784-256-128-10 MLP step
/// with two BLAS threads; measured with `perf stat -e page-faults`).
/// Fixed thresholds keep freed buffers for reuse, as PyTorch's caching
/// allocator does:
///
/// ```
/// M_MMAP_THRESHOLD = 32 MiB   blocks below this come from the heap (glibc's own ceiling for its adaptive threshold)
/// M_TRIM_THRESHOLD = 64 MiB   at most this much free memory is kept at a heap's top
/// ```
///
/// A process-wide setting, so it is the process owner's choice: the `nn`
/// command and the benchmarks call ``keepFreedBuffers()`` first thing; a
/// host embedding NNScript may call it too. Elsewhere than glibc it does
/// nothing.
public enum Allocator {
    /// Sets the thresholds above; returns true when the allocator took them.
    @discardableResult
    public static func keepFreedBuffers() -> Bool {
        #if canImport(Glibc)
        guard let mallopt else { return false }
        let took = mallopt(mmapThreshold, 32 << 20) == 1 && mallopt(trimThreshold, 64 << 20) == 1
        if took { keeping.store(true, ordering: .relaxed) }
        return took
        #else
        return false
        #endif
    }

    private static let keeping = Atomic<Bool>(false)

    /// True once ``keepFreedBuffers()`` took: fresh buffers of up to 32 MiB
    /// then cost no page faults, so work may be blocked in larger pieces
    /// (the Hessian's rows: `Autodiff.hessianBlockRows`).
    public static var keepsFreedBuffers: Bool { keeping.load(ordering: .relaxed) }

    #if canImport(Glibc)
    /// `<malloc.h>`'s parameter numbers (the Glibc module does not import that header).
    private static let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3

    /// glibc's `mallopt`, found by name (nil when absent, e.g. another C library).
    private static let mallopt: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()
    #endif
}
