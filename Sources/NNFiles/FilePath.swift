#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The gate every path nn opens goes through: checks on the text of the
/// path, and on what is already there.
///
/// The rules (documented in `docs/language.md`, "Files"):
/// - a path with a NUL byte is refused (C would read it only up to the NUL,
///   so `"a\u{0}b.svg"` would name `a`);
/// - nn writes only to a new file or over a regular file with one link: a
///   FIFO, a device, a socket, a folder, a symbolic link or a file with
///   several hard links at the path is refused, with a message saying what
///   is there. A symbolic link is refused, not followed: write to its target
///   by name. (Folders along the way may be symbolic links.)
public enum FilePath {
    /// What is at a path that nn may write over.
    public enum Existing: Sendable {
        /// Nothing: the file will be created.
        case none
        /// A regular file with one link; its permission bits and owner.
        case regular(mode: UInt32, owner: UInt32, group: UInt32)
    }

    /// The path as shown in messages: control characters escaped (`\u{0}`),
    /// so a message never carries a NUL, a newline or a terminal escape.
    public static func printable(_ path: String) -> String {
        TextEscape.escape(path, other: TextEscape.sourceControl)
    }

    /// Refuses a path that cannot name a file: empty, or holding a NUL byte.
    public static func validate(_ path: String, _ action: FileError.Action) throws(FileError) {
        guard !path.isEmpty else { throw FileError(action, path, "the path is empty") }
        guard !path.utf8.contains(0) else {
            throw FileError(action, path, "the path contains a NUL byte (\\u{0}); file names cannot hold one")
        }
    }

    /// The folder and the last component of a path to be written:
    /// `"a/b.svg"` gives `("a", "b.svg")`, `"b.svg"` gives `(".", "b.svg")`.
    ///
    /// Throws when the path names a folder (`"out/"`, `"."`, `".."`).
    public static func split(_ path: String) throws(FileError) -> (folder: String, name: String) {
        let bytes = Array(path.utf8)
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else {
            guard path != ".", path != ".." else { throw FileError(.write, path, "the path names a folder; add a file name") }
            return (".", path)
        }
        let name = String(decoding: bytes[(slash + 1)...], as: UTF8.self)
        guard !name.isEmpty, name != ".", name != ".." else {
            throw FileError(.write, path, "the path names a folder; add a file name")
        }
        let folder = slash == 0 ? "/" : String(decoding: bytes[..<slash], as: UTF8.self)
        return (folder, name)
    }

    /// What is at `path` now, without following a final symbolic link;
    /// throws unless it is nothing or a regular file with one link.
    public static func existing(_ path: String) throws(FileError) -> Existing {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return .none }
            throw FileError(.write, path, systemError())
        }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFREG {
            guard st.st_nlink <= 1 else {
                throw FileError(.write, path, "it has \(st.st_nlink) hard links, and replacing it would split them "
                                + "(the other names would keep the old content); write to a new name, or remove the other links first")
            }
            return .regular(mode: UInt32(st.st_mode & 0o7777), owner: UInt32(st.st_uid), group: UInt32(st.st_gid))
        }
        if kind == S_IFLNK {
            let target = linkTarget(path).map { " to '\(printable($0))'" } ?? ""
            throw FileError(.write, path, "it is a symbolic link\(target); nn does not write through links: write to the target's own path, or remove the link")
        }
        throw FileError(.write, path, "it is \(kindName(kind)), not a regular file; nn writes only to a new file or over a regular one")
    }

    /// What a file of type `kind` (`st_mode & S_IFMT`) is, in words.
    static func kindName(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: "a folder"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "of an unknown kind"
        }
    }

    /// The text of a symbolic link, or nil.
    static func linkTarget(_ path: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return readlink(path, base.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n], as: UTF8.self)
    }

    /// The system's message for `errno` (`Permission denied`, …).
    static func systemError(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
