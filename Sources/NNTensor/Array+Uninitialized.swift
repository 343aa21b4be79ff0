/// Making small arrays without the standard library's per-allocation
/// metadata lookup, which dominates small tensors' ops on Linux.
///
/// `Array(unsafeUninitializedCapacity:initializingWith:)` and
/// `Array(repeating:count:)` allocate through the standard library's
/// `_allocateBufferUninitialized(minimumCapacity:)`, which is not inlinable
/// and so runs unspecialised: every call looks up the metadata of
/// `_ContiguousArrayStorage<Element>` in the runtime's generic-metadata
/// cache (hashing, a map probe: about 400 instructions). Copying a
/// collection, as `Array(repeatElement(x, count: n))` does, allocates
/// through the inlinable `_ContiguousArrayBuffer` initialiser instead,
/// specialised where it is used, with the metadata cached. Measured with
/// callgrind (make, write, free a `[Float]`):
///
/// | count | `unsafeUninitializedCapacity` | `repeatElement`, then written |
/// |---|---|---|
/// | 4 | 690 instructions | 317 |
/// | 64 | 705 | 346 |
/// | 1024 | 4,930 | 1,086 |
///
/// A tensor op makes two or three arrays (elements, shape, strides); on
/// issue 20's XOR step (tensors of 2 to 64 elements) the lookups were a
/// tenth of the step. Large arrays keep the uninitialised path: filling
/// first would be one more pass over their memory, and the lookup is
/// nothing next to their work.
extension Array {
    /// Arrays up to this many elements are made filled, then written.
    static var smallCount: Int { 1024 }

    /// `Array(unsafeUninitializedCapacity: count, initializingWith: initialize)`,
    /// for element types without references (numbers, `Bool`): up to
    /// `smallCount` elements the buffer `initialize` gets already holds
    /// `placeholder`s (made by copying `repeatElement`, see above), which it
    /// overwrites; it must still set its second argument to `count`.
    @inline(__always)
    static func uninitialized(_ count: Int, placeholder: Element,
                              _ initialize: (inout UnsafeMutableBufferPointer<Element>, inout Int) -> Void) -> [Element] {
        guard count <= smallCount else {
            return [Element](unsafeUninitializedCapacity: count, initializingWith: initialize)
        }
        var a = Array(repeatElement(placeholder, count: count))
        a.withUnsafeMutableBufferPointer { buffer in
            var initialized = 0
            initialize(&buffer, &initialized)
            precondition(initialized == count, "Array.uninitialized: \(initialized) of \(count) elements initialised")
        }
        return a
    }
}

extension Kernels {
    /// How the kernels make their results: `[T](unsafeUninitializedCapacity:
    /// count, initializingWith: initialize)`, at half its cost for small
    /// tensors (see `Array.uninitialized`).
    /// (The placeholder is the all-zero bit pattern: 0 for the numbers,
    /// `false` for bools, as every element type a kernel makes is.)
    @inline(__always)
    static func uninitialized<T: BitwiseCopyable>(_ count: Int,
                                                  _ initialize: (inout UnsafeMutableBufferPointer<T>, inout Int) -> Void) -> [T] {
        Array.uninitialized(count, placeholder: zeroBits(T.self), initialize)
    }

    /// The value of `T` whose bytes are all zero.
    @inline(__always)
    static func zeroBits<T: BitwiseCopyable>(_: T.Type) -> T {
        withUnsafeTemporaryAllocation(byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment) { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            return raw.load(as: T.self)
        }
    }
}

extension Shape {
    /// `[Int](repeating: value, count: count)` at half its cost (see
    /// `Array.uninitialized`).
    @inline(__always)
    static func filled(_ value: Int, count: Int) -> [Int] {
        Array(repeatElement(value, count: count))
    }
}
