/// The one place that decides whether a script may read or write a path:
/// a ``FilePolicy`` and the advice a refusal gives.
///
/// Every builtin that opens a file by a name the script gives asks the
/// gate first, before anything is opened, so a refused path is never read
/// and no message can carry its contents:
///
/// ```swift
/// let gate = FileGate(.roots(read: ["/home/u/data"], write: []))
/// try gate.check("/etc/passwd", .read)
/// // FileAccessDenied: reading '/etc/passwd' is not allowed (the script may
/// // read only under /home/u/data; ...)
/// ```
///
/// The gate judges where a path leads (``resolve(_:)``), not how it is
/// spelled: `data/../../etc/passwd` and a symbolic link `data/l -> /etc`
/// are refused as `/etc/passwd` is. It bounds what a script can reach by
/// naming files; it does not guard against another process that swaps a
/// folder for a link between the check and the open (scripts cannot make
/// links or folders, so a script cannot stage that itself).
public struct FileGate: Sendable {
    /// What is allowed.
    public let policy: FilePolicy
    /// How the user can be granted an access that was refused: the end of
    /// every refusal (`run nn with --allow-read DIR`).
    public let advice: @Sendable (FileAccess) -> String

    public init(_ policy: FilePolicy, advice: @escaping @Sendable (FileAccess) -> String = FileGate.hostAdvice) {
        self.policy = policy
        self.advice = advice
    }

    /// The advice for a program that embeds nn: the host grants access.
    public static let hostAdvice: @Sendable (FileAccess) -> String = { _ in
        "the program running the script grants file access in its file policy"
    }

    /// Throws unless the policy allows `access` to `path`; returns where the
    /// path leads (absolute, no `.`, `..` or symbolic link in the part that
    /// exists) when roots were checked, or `path` itself when the policy is
    /// ``FilePolicy/unrestricted``.
    ///
    /// Throws ``FileAccessDenied`` for a path the policy does not grant,
    /// and `FileError` for a path that cannot name a file (empty, or with a
    /// NUL byte, which C would cut short).
    @discardableResult
    public func check(_ path: String, _ access: FileAccess) throws -> String {
        guard let roots = policy.roots(for: access) else { return path }
        try FilePath.validate(path, access)
        let denied = { (resolved: String?, allowed: [String]) in
            FileAccessDenied(access: access, path: path, resolved: resolved, allowed: allowed, advice: advice(access))
        }
        guard !roots.isEmpty else { throw denied(nil, []) }
        // A path whose links loop (or whose folder is unknown) leads nowhere a root holds.
        let target = FileGate.resolve(Array(path.utf8))
        var allowed: [String] = []
        // An empty root, or one with a NUL byte (C would read a shorter,
        // wider one), names no folder: it grants nothing.
        for root in roots where !root.isEmpty && !root.utf8.contains(0) {
            guard let r = FileGate.resolve(Array(root.utf8)) else { continue }
            if let target, FileGate.isInside(target, r) { return String(decoding: target, as: UTF8.self) }
            let name = String(decoding: r, as: UTF8.self)
            if !allowed.contains(name) { allowed.append(name) }
        }
        // Where it leads is worth saying when links or `..` took it elsewhere than it reads.
        let shown: String? = switch target {
        case nil: "nowhere: its symbolic links loop"
        case let t? where t == FileGate.plainAbsolute(Array(path.utf8)): nil
        case let t?: String(decoding: t, as: UTF8.self)
        }
        throw denied(shown, allowed)
    }

    /// `path` made absolute against the working directory, empty and `.`
    /// components dropped, nothing else resolved: how the path reads.
    static func plainAbsolute(_ path: [UInt8]) -> [UInt8]? {
        let slash = UInt8(ascii: "/")
        var absolute = path
        if absolute.first != slash {
            guard let cwd = currentDirectory() else { return nil }
            absolute = cwd + [slash] + path
        }
        var out: [UInt8] = []
        for part in absolute.split(separator: slash, omittingEmptySubsequences: true) where !part.elementsEqual([UInt8(ascii: ".")]) {
            out += [slash] + part
        }
        return out.isEmpty ? [slash] : out
    }

    /// True when `path` is `root` or lies under it, comparing bytes (two
    /// spellings of `é` are different names on Linux, so no Unicode
    /// equivalence may make them one).
    static func isInside(_ path: [UInt8], _ root: [UInt8]) -> Bool {
        let slash = UInt8(ascii: "/")
        if root == [slash] { return true }
        guard path.count >= root.count, path.starts(with: root) else { return false }
        return path.count == root.count || path[root.count] == slash
    }
}

/// A file the file policy does not let the script read or write.
///
/// `description` is the message: `reading '/etc/passwd' is not allowed
/// (the script may read only under /home/u/data; run nn with --allow-read
/// DIR)`. It names the path, where it leads when that differs, the roots
/// that grant the access and how to be granted it, and nothing read from
/// the file (nothing was).
public struct FileAccessDenied: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was asked.
    public let access: FileAccess
    /// The path as the script gave it.
    public let path: String
    /// Where it leads, when links or `..` take it elsewhere than it reads
    /// (`data/link.csv` leading to `/etc/passwd`); nil otherwise.
    public let resolved: String?
    /// The resolved roots that grant this access (empty: none do).
    public let allowed: [String]
    /// How to be granted it.
    public let advice: String

    public init(access: FileAccess, path: String, resolved: String?, allowed: [String], advice: String) {
        self.access = access
        self.path = path
        self.resolved = resolved
        self.allowed = allowed
        self.advice = advice
    }

    public var description: String {
        var text = "\(access.gerund) '\(FilePath.printable(path))'"
        if let resolved { text += " (that is, \(FilePath.printable(resolved)))" }
        text += " is not allowed ("
        let verb = access == .read ? "read" : "write"
        if allowed.isEmpty {
            text += "the script may not \(verb) files"
        } else {
            let shown = allowed.prefix(4).map { FilePath.printable($0) }.joined(separator: ", ")
            let more = allowed.count > 4 ? " and \(allowed.count - 4) more" : ""
            text += "the script may \(verb) only under \(shown)\(more)"
        }
        return text + (advice.isEmpty ? ")" : "; \(advice))")
    }
}
