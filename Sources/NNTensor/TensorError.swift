/// An error raised by a tensor operation on bad input: a shape mismatch, a bad
/// axis, an out-of-range index, mixed dtypes, a tensor too large to allocate.
///
/// The message names the operation and the values involved, for example
/// `matmul: shapes [4, 2] and [3, 8] are not aligned (2 != 3)`. Tensor code
/// never traps on input it did not create itself: it throws this instead.
public struct TensorError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    /// `"\(op): \(detail)"`.
    public init(op: String, _ detail: String) { self.message = "\(op): \(detail)" }

    public var description: String { message }
}

/// Formats a shape the way errors and printing show it: `[2, 3]`.
@inline(__always) func fmt(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
