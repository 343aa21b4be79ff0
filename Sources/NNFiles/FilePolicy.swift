/// Reading or writing: what a file gate is asked to allow.
public typealias FileAccess = FileError.Action

extension FileError.Action {
    /// `reading` or `writing`, for messages.
    public var gerund: String {
        switch self {
        case .read: "reading"
        case .write: "writing"
        }
    }
}

/// Which files the scripts of one interpreter may read and write.
///
/// The policy is the host's choice (Deno's permissions are the model: deny
/// unless granted). An embedded interpreter starts with ``none``; the `nn`
/// command runs with ``unrestricted`` unless `--sandbox` is given, and then
/// with ``roots(read:write:)`` built from its `--allow-read` and
/// `--allow-write` folders (see `docs/sandbox.md`).
///
/// A root is a folder (or a single file): it grants itself and everything
/// under it. Roots and the paths checked against them are resolved the same
/// way (``FileGate/resolve(_:)``): made absolute against the working
/// directory, symbolic links and `..` followed as the system follows them,
/// so neither a link inside a root nor `../` leads out of it.
public enum FilePolicy: Sendable, Equatable {
    /// No file may be read or written: the default for an embedded interpreter.
    case none
    /// Every file the process itself may touch: the `nn` command without `--sandbox`.
    case unrestricted
    /// Files under a `read` root may be read; files under a `write` root may
    /// be read and written (a folder a script saves into is one it may load
    /// back from). Relative roots are from the working directory at the time
    /// of each check. An empty root, or one holding a NUL byte, grants
    /// nothing (it names no folder; `""` is not the working directory: say `"."`).
    case roots(read: [String], write: [String])

    /// The roots that grant `access`: for reading, the read and the write
    /// roots; for writing, the write roots. Empty for ``none``; nil for
    /// ``unrestricted`` (everything is granted).
    public func roots(for access: FileAccess) -> [String]? {
        switch self {
        case .none: []
        case .unrestricted: nil
        case .roots(let read, let write): access == .read ? read + write : write
        }
    }
}
