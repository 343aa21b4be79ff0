/// The parser's native stack check: nesting ends in a diagnostic, never in
/// a stack overflow, whatever the stack of the thread that parses.
///
/// The counted limits (``Parser/maxDepth``, ``Parser/maxHeight``) bound the
/// tree that later phases walk; they are the same for every build and
/// thread, so a script parses the same everywhere a stack allows. How much
/// *native* stack the parser's own recursion takes per level depends on the
/// build (a debug build's frames are several times a release build's, and
/// AddressSanitizer's larger still) and the thread it runs on (an
/// embedder's, a test's 2 MiB thread, the main thread's 8 MiB), so it is
/// checked, not assumed: at each level the parser enters (``enter()``,
/// ``grow()``) it compares where its stack stands with a floor fixed when
/// it starts,
///
/// ```
/// floor = low + reserve,   reserve = clamp(size / 8, 64 KiB, 1 MiB)
/// a level may start  ⇔  NativeStack.here() > floor
/// ```
///
/// where `low` and `size` are the bounds of the parsing thread's stack
/// (``NativeStack/current()``). The reserve covers one level's frames and
/// the error's own reporting. A stack the system does not describe leaves
/// only the counted limits.
extension Parser {
    /// Bytes of stack the parser leaves unused below its deepest level.
    static func stackReserve(_ size: Int) -> Int {
        min(max(size / 8, 64 << 10), 1 << 20)
    }

    /// The lowest address a level may start at on the current thread, and
    /// the thread's stack size (0, 0 when unknown: no native check).
    static func stackFloor() -> (floor: UInt, size: Int) {
        guard let bounds = NativeStack.currentContainingCaller() else { return (0, 0) }
        let reserve = UInt(min(stackReserve(bounds.size), bounds.size / 2))
        return (bounds.low + reserve, bounds.size)
    }

    /// Fails with the ordinary nesting diagnostic when the native stack is
    /// nearly used up, before the counted limits are reached.
    @inline(__always)
    mutating func checkStack() throws(ParseError) {
        if NativeStack.here() <= stackFloor { throw stackExhausted() }
    }

    @inline(never)
    mutating func stackExhausted() -> ParseError {
        fail("expression nested too deeply for this thread's stack (\(NativeStack.mebibytes(stackSize)), "
            + "used up after \(height) levels); split it with 'let' or nest it less")
    }
}
