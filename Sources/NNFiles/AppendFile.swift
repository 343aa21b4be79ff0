#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The gate for a file another library appends to in place (the REPL's
/// history, which GNU readline writes itself).
///
/// Appending cannot be atomic, so the rules are the gate's alone: the file
/// must be a regular file or not exist yet. A symbolic link is followed
/// here, as readline follows it (a history file kept in a dotfiles folder is
/// common), but what it leads to must be a regular file: a FIFO would block
/// the REPL at start-up, a device would swallow or feed the history.
public enum AppendFile {
    /// Checks `path` and creates it (mode 0600, `O_EXCL | O_NOFOLLOW`) when
    /// missing; throws `FileError(.write, …)` saying what is there instead.
    public static func prepare(_ path: String) throws(FileError) {
        try FilePath.validate(path, .write)
        var st = stat()
        if stat(path, &st) == 0 {
            let kind = st.st_mode & S_IFMT
            guard kind == S_IFREG else {
                throw FileError(.write, path, "it is \(FilePath.kindName(kind)), not a regular file; nn appends only to a regular file")
            }
            return
        }
        guard errno == ENOENT else { throw FileError(.write, path, FilePath.systemError()) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            // A dangling symbolic link (EEXIST here) is refused: it would create a file wherever it points.
            let reason = errno == EEXIST ? "it is a symbolic link to nothing" : FilePath.systemError()
            throw FileError(.write, path, reason)
        }
        _ = close(fd)
    }
}
