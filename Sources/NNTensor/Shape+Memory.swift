#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Checked allocation for tensor storage.
///
/// Swift arrays trap when the system refuses their memory, which would end
/// the process (and a REPL session with all its variables). Before a large
/// tensor's storage is made, `reserve` asks the system for the same number
/// of bytes with `mmap`, which fails instead of trapping, and unmaps it
/// again; a refusal becomes the error
/// `out of memory: a [30000, 30000] float32 tensor needs 3.4 GiB`.
///
/// First, a host's limit on the tensor memory alive is asked
/// (``TensorMemoryAccount``), if one is current on the thread.
///
/// The probe is a check, not a guarantee: another thread could take the
/// memory between the probe and the allocation. It catches what a script
/// controls: one request larger than the address space allows (`ulimit -v`,
/// RLIMIT_AS, a container limit) or than the kernel's overcommit heuristic
/// accepts.
extension Shape {
    /// Requests below this many bytes skip the probe (they cost more to
    /// probe than to make, and cannot exhaust a working process alone).
    public static let probeThreshold = 1 << 24

    /// The element count of a tensor of `shape` and `dtype` about to be
    /// allocated: `count(shape)`, then a probe for its bytes
    /// (`count * dtype.byteSize`, at most 8 * 2^31 so never overflowing).
    @discardableResult
    public static func reserve(_ shape: [Int], dtype: DType, op: String) throws -> Int {
        let n = try count(shape, op: op)
        try reserveBytes(n * dtype.byteSize, what: "a \(fmt(shape)) \(dtype) tensor", op: op)
        return n
    }

    /// Throws `out of memory: <what> needs 3.4 GiB` unless the system can
    /// give `bytes` now. `what` names the buffer (`a [3, 4] float32 tensor`).
    public static func reserveBytes(_ bytes: Int, what: @autoclosure () -> String, op: String) throws {
        try TensorMemoryAccount.admitCurrent(bytes, what: what(), op: op)
        guard bytes >= probeThreshold else { return }
        // mmap, not malloc: the optimiser may delete a malloc/free pair whose
        // pointer is unused (assuming it succeeds), but never a system call.
        // A private writable mapping is what malloc itself makes for a block
        // this large, so the same limits (RLIMIT_AS, overcommit) apply.
        let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let p, p != MAP_FAILED else {
            throw TensorError("out of memory: \(what()) needs \(formatBytes(bytes)) (in \(op)); use a smaller size or free memory")
        }
        munmap(p, bytes)
    }

    /// `bytes` in binary units with one decimal: `512 B`, `3.4 GiB`.
    public static func formatBytes(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = Double(bytes), u = 0
        while v >= 1024, u < units.count - 1 { v /= 1024; u += 1 }
        if u == 0 { return "\(bytes) B" }
        let tenths = (v * 10).rounded()
        let whole = Int(tenths) / 10, frac = Int(tenths) % 10
        return "\(whole).\(frac) \(units[u])"
    }
}
