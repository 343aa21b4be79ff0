#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import NNSyntax

/// The native (machine) stack query, shared with the parser (NNSyntax):
/// one name in NNScript, so files that do not import NNSyntax use it too.
typealias NativeStack = NNSyntax.NativeStack

/// The native stack and the call guard.
///
/// Every nn call checks that the caller still stands more than ``margin(_:)``
/// bytes above the low end of its thread's stack (see ``InterruptFlag``), so
/// recursion whose frames are large (a function body nesting many
/// expressions) or a thread whose stack is small ends in the clean
/// `stack overflow` error, never in a segfault. The margin covers what may run
/// between two calls: one function body (the parser bounds its expression
/// height), a builtin, and the error's own unwinding.
extension NativeStack {
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
            bounds = NativeStack.currentContainingCaller()
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
