import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pointer that may be handed to the worker threads of `parallelFor`.
///
/// Each worker writes only its own disjoint range, so sharing the base
/// pointer is safe; the wrapper only tells the compiler so.
struct SendablePointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// Splitting large loops across cores.
extension Kernels {
    /// The number of cores loops may be split across: the online cores,
    /// 1 to 64. Public for the libraries above that split work of their
    /// own the same way (NNLib's optimizer updates).
    public static let coreCount: Int = {
        let n = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return Swift.max(1, Swift.min(n, 64))
    }()

    /// Below this many elements (of simple work) a loop runs on the calling
    /// thread: waking workers costs more than it saves.
    static let parallelGrain = 1 << 16

    /// Runs `body` over `0..<n` split into at most `coreCount` contiguous
    /// chunks, each at least `grain` long, on `DispatchQueue.concurrentPerform`.
    ///
    /// Chunk boundaries are multiples of 64 elements, so two workers never
    /// write the same cache line of a `Float` or `Double` output (no false
    /// sharing). `body` must only touch its own range of any output.
    @inline(__always)
    static func parallelFor(_ n: Int, grain: Int = parallelGrain, _ body: (Range<Int>) -> Void) {
        let chunks = Swift.min(coreCount, n / Swift.max(grain, 1))
        if chunks <= 1 {
            if n > 0 { body(0..<n) }
            return
        }
        let step = ((n + chunks - 1) / chunks + 63) & ~63
        withoutActuallyEscaping(body) { body in
            let box = BodyBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = c * step
                let hi = Swift.min(n, lo + step)
                if lo < hi { box.body(lo..<hi) }
            }
        }
    }

    /// Runs `body` over the rows `0..<rows` (each of `rowLength` elements),
    /// split into chunks of whole rows when the total work is large.
    @inline(__always)
    static func parallelRows(_ rows: Int, rowLength: Int, _ body: (Range<Int>) -> Void) {
        let total = rows &* Swift.max(rowLength, 1)
        let chunks = Swift.min(coreCount, rows, total / parallelGrain)
        if chunks <= 1 {
            if rows > 0 { body(0..<rows) }
            return
        }
        let step = (rows + chunks - 1) / chunks
        withoutActuallyEscaping(body) { body in
            let box = BodyBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = c * step
                let hi = Swift.min(rows, lo + step)
                if lo < hi { box.body(lo..<hi) }
            }
        }
    }
}

/// Carries a loop body to worker threads; the body only writes disjoint
/// ranges of its outputs.
private struct BodyBox: @unchecked Sendable {
    let body: (Range<Int>) -> Void
    init(_ body: @escaping (Range<Int>) -> Void) { self.body = body }
}
