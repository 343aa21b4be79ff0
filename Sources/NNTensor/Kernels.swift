/// The tensor kernels: the loops over elements behind every tensor op, in
/// `Kernels+*.swift` (elementwise, math, sums, reductions, softmax, shape,
/// indexing, matmul, parallel splitting), `BLAS*.swift` and the Jacobi
/// eigensolver (`Linalg+Jacobi.swift`).
///
/// NNTensor is compiled like any other module (`-O`, no `-Ounchecked`):
/// array subscripts are bounds-checked and integer arithmetic traps on
/// overflow. The kernels are the one place that gives those checks up, and
/// only inside loops over elements, under these rules:
///
/// 1. **Sizes are proven at entry.** A kernel is called by the `Tensor` op
///    that has already validated the user's shapes, axes and indices (and
///    thrown a `TensorError` for bad ones). Its own contract on counts
///    (`a.count == n || a.count == 1`, `x.count == outer * r * inner`) is
///    checked once, before the loops, by a `precondition`: a failure is a
///    bug in NNTensor, never a user's error, and stops rather than read
///    out of bounds.
/// 2. **Elements are reached through buffer pointers.** Loops index the
///    `UnsafeBufferPointer`s of `withUnsafeBufferPointer`,
///    `withUnsafeMutableBufferPointer` and `unsafeUninitializedCapacity`, or
///    raw pointers taken from their `baseAddress` (nil only when empty, and
///    then the kernel returns before its loops). Buffer subscripts are
///    bounds-checked in debug builds, where the test suites run, and
///    unchecked in release; raw pointer subscripts are never checked. (The
///    buffer `unsafeUninitializedCapacity` lends is an `inout` parameter: a
///    kernel copies it to a `let` before a closure captures it, or the
///    closure reloads it from memory on every element and the loop does not
///    vectorise.)
/// 3. **Wrapping arithmetic only on proven offsets.** `&+`, `&-` and `&*`
///    compute an index or offset only where it lies in `0..<count` of a
///    buffer that exists (so far below `Int.max`: no wrap is possible), or
///    steps a counter bounded by such a value. Each such loop states the
///    bound that makes it safe in a short comment (`// o + j < n: ...`).
/// 3a. **Int64 elements wrap by design.** The values of int64 tensors are
///    added and multiplied with `&+`, `&-`, `&*` (`Kernels+Int64.swift`,
///    the int64 closures of the ops), as NumPy's and PyTorch's int64
///    arithmetic wraps: a script's integers never trap. That is arithmetic
///    on elements, never on an offset.
/// 4. **Nothing escapes.** No pointer outlives the closure that lent it;
///    the workers of `parallelFor`/`parallelRows` write disjoint ranges.
///
/// Everything outside these files (shape arithmetic, index validation,
/// autodiff, formatting) keeps Swift's checks.
public enum Kernels {}
