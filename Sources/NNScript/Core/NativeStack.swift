#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The native (machine) stack of the current thread, for the call guard.
///
/// Every nn call checks that the caller still stands more than ``margin(_:)``
/// bytes above the low end of its thread's stack (see ``InterruptFlag``), so
/// recursion whose frames are large (a function body nesting many
/// expressions) or a thread whose stack is small ends in the clean
/// `stack overflow` error, never in a segfault. The margin covers what may run
/// between two calls: one function body (the parser bounds its expression
/// height), a builtin, and the error's own unwinding.
enum NativeStack {
    /// A thread's stack: `low..<high`, growing down from `high`.
    struct Bounds {
        let thread: pthread_t
        let low: UInt
        let high: UInt
        var size: Int { Int(high - low) }

        /// True when `address` lies on this stack.
        func contains(_ address: UInt) -> Bool { low < address && address <= high }
    }

    /// An address in the caller's frame: where the stack stands now.
    ///
    /// The unprotected form keeps the compiler from giving every caller (the
    /// call path) a stack-protector canary for the address-taken local; the
    /// pointer never reaches memory, only its value is compared.
    @inline(__always)
    static func here() -> UInt {
        var marker: UInt8 = 0
        return _withUnprotectedUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }

    /// The current thread's stack, or nil when the system does not say.
    static func current() -> Bounds? {
        let thread = pthread_self()
        #if canImport(Darwin)
        let high = UInt(bitPattern: pthread_get_stackaddr_np(thread))
        let size = UInt(pthread_get_stacksize_np(thread))
        guard high > size else { return nil }
        return Bounds(thread: thread, low: high - size, high: high)
        #else
        var attr = pthread_attr_t()
        guard let getattr = getattrNP, getattr(thread, &attr) == 0 else { return nil }
        defer { pthread_attr_destroy(&attr) }
        var base: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attr, &base, &size) == 0, let base, size > 0 else { return nil }
        let low = UInt(bitPattern: base)
        return Bounds(thread: thread, low: low, high: low + UInt(size))
        #endif
    }

    #if !canImport(Darwin)
    /// glibc's `pthread_getattr_np`, a GNU extension the Glibc module does
    /// not declare, found by name (nil when absent: then the guard is off).
    private static let getattrNP: (@convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32)? = {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "pthread_getattr_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32).self)
    }()
    #endif

    /// Bytes kept in reserve below the point where calls are refused:
    /// a quarter of the stack, at least 512 KiB and at most 16 MiB (and
    /// never more than half of a very small stack).
    ///
    /// The deepest native use between two calls is one function body at the
    /// parser's greatest expression height (a chain of 4,000 `+`), measured
    /// at about 0.43 MiB in a release build and 5.3 MiB in a debug build:
    /// covered on stacks of 2 MiB and more in release, 32 MiB in debug.
    static func margin(_ size: Int) -> UInt {
        UInt(min(max(size / 4, 512 << 10), 16 << 20, size / 2))
    }

    /// `bytes` in MiB for messages: "512 MiB", "7.9 MiB".
    static func mebibytes(_ bytes: Int) -> String {
        let m = Double(bytes) / Double(1 << 20)
        let whole = m.rounded()
        return (abs(m - whole) < 0.05 ? String(Int(whole)) : String(Double(Int(m * 10)) / 10)) + " MiB"
    }
}

extension Runtime {
    /// Points the native stack guard at the current thread's stack (a
    /// top-level run's thread, or an embedder's thread calling in); returns
    /// its bounds, nil when unknown (then only the call depth is limited).
    @discardableResult
    func guardNativeStack() -> NativeStack.Bounds? {
        let here = NativeStack.here()
        let bounds: NativeStack.Bounds?
        if let b = guardedStack, pthread_equal(b.thread, pthread_self()) != 0, b.contains(here) {
            bounds = b  // the same thread as last time (asking may read /proc for the main thread)
        } else {
            bounds = NativeStack.current().flatMap { $0.contains(here) ? $0 : nil }
        }
        guardedStack = bounds
        interrupt.setStackLimit(bounds.map { $0.low + NativeStack.margin($0.size) } ?? 0)
        return bounds
    }
}

extension Interpreter {
    /// Says, once, that the evaluation thread did not get the stack asked for.
    func warn(_ s: LargeStack.Shortfall, _ bounds: NativeStack.Bounds?) {
        guard !warnedStack else { return }
        warnedStack = true
        let got = bounds.map { NativeStack.mebibytes($0.size) }
            ?? s.granted.map { NativeStack.mebibytes($0) } ?? "the calling thread's stack"
        let thread = s.granted == nil ? "on the calling thread" : "on a thread"
        options.errorOutput("warning: no \(NativeStack.mebibytes(s.requested)) stack for the evaluation thread (\(s.reason)); running \(thread) with \(got), so deep recursion may end in `stack overflow` before \(options.maxCallDepth) nested calls\n")
    }
}
