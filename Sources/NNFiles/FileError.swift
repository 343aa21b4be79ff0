/// A file nn was asked to write or read and would not, or could not.
///
/// `reason` says why in words a user can act on (`it is a FIFO (named
/// pipe), not a regular file`, `Permission denied`, …); `description`
/// is the whole sentence, e.g. `cannot write 'a.svg': Permission denied`.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being done: writing or reading.
    public enum Action: String, Sendable { case write, read }

    public let action: Action
    /// The path as the caller gave it.
    public let path: String
    /// Why, without the path: a system message or nn's own rule.
    public let reason: String

    public init(_ action: Action, _ path: String, _ reason: String) {
        self.action = action
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot \(action.rawValue) '\(FilePath.printable(path))': \(reason)" }
}
