#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way nn writes a file: atomically, and only where it may.
///
/// Every writer (`savefig`, `plot(file:)`, the REPL's `:save`, …) calls
/// `AtomicFile.write`. The steps:
/// 1. the gate (`FilePath`): no NUL byte, not a folder, and at the path
///    either nothing or a regular file with one link (never a FIFO, a
///    device, a socket or a symbolic link);
/// 2. the content goes to a temporary file in the target's folder (so the
///    rename below stays on one file system): on Linux an unnamed
///    `O_TMPFILE` inode, which vanishes by itself if the process is killed;
///    elsewhere (or where the file system has no `O_TMPFILE`) a hidden file
///    `.NAME.nn-RANDOM.tmp` opened with `O_CREAT | O_EXCL | O_NOFOLLOW`, so a
///    file or link planted at that name is never written through;
/// 3. an existing file's permission bits (and, where allowed, owner and
///    group) are copied to the temporary; a new file gets `0666 & ~umask`;
/// 4. `fsync`, then `rename` over the target, then `fsync` of the folder.
///
/// Readers see the old file or the new one, never half of one. On any error
/// the temporary file is removed and the old file is untouched.
public enum AtomicFile {
    /// Writes `text` (as UTF-8) to `path`; see the type's rules.
    public static func write(_ text: String, to path: String) throws(FileError) {
        try write(Array(text.utf8), to: path)
    }

    /// Writes `bytes` to `path`; see the type's rules.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileError) {
        try write(to: path) { sink throws(FileError) in try sink.write(bytes) }
    }

    /// Writes what `body` sends to its sink to `path`, atomically.
    ///
    /// `body` runs once, between the gate and the rename; if it throws, the
    /// temporary file is removed, the target is untouched and the error is
    /// rethrown.
    public static func write(to path: String, _ body: (FileSink) throws(FileError) -> Void) throws(FileError) {
        try write(to: path, options: Options(), body)
    }

    /// How the temporary is made; tests choose, writers take the defaults.
    struct Options {
        /// Use an unnamed `O_TMPFILE` temporary where the system allows.
        var unnamed = true
        /// The temporary names to try, in order (default: random).
        var names: () -> String = { Temporary.randomTag() }
    }

    static func write(to path: String, options: Options, _ body: (FileSink) throws(FileError) -> Void) throws(FileError) {
        try FilePath.validate(path, .write)
        let (folder, name) = try FilePath.split(path)
        let existing = try FilePath.existing(path)
        var mode: mode_t = 0o666
        if case .regular = existing { mode = 0o600 }   // widened to the old file's mode below
        var temp = try Temporary.create(in: folder, for: name, mode: mode, path: path, options: options)
        do throws(FileError) {
            try body(FileSink(fd: temp.fd, path: path))
            if case .regular(let m, let owner, let group) = existing {
                try keep(mode: m, owner: owner, group: group, fd: temp.fd, path: path)
            }
            guard fsync(temp.fd) == 0 else { throw FileError(.write, path, FilePath.systemError()) }
            try temp.name(in: folder, for: name, path: path, options: options)
            try temp.close(path: path)
            guard let tempPath = temp.path, rename(tempPath, path) == 0 else {
                throw FileError(.write, path, FilePath.systemError())
            }
            temp.path = nil
        } catch {
            temp.discard()
            throw error
        }
        syncFolder(folder)
    }

    /// Gives the temporary the old file's owner and group when it can (root,
    /// or a group the user is in), and its permission bits. Set-user-ID and
    /// set-group-ID bits are kept only when the owner could be kept too.
    static func keep(mode: UInt32, owner: UInt32, group: UInt32, fd: Int32, path: String) throws(FileError) {
        var bits = mode_t(mode)
        if owner != UInt32(geteuid()) || group != UInt32(getegid()) {
            if fchown(fd, uid_t(owner), gid_t(group)) != 0 { bits &= 0o1777 }
        }
        guard fchmod(fd, bits) == 0 else { throw FileError(.write, path, FilePath.systemError()) }
    }

    /// Makes the rename durable: `fsync` of the folder (best effort: some
    /// file systems refuse it, and the file itself is already on disk).
    static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        _ = close(fd)
    }
}

/// Where `AtomicFile.write(to:_:)`'s body sends the content.
public struct FileSink: Sendable {
    let fd: Int32
    let path: String

    /// Appends `bytes`, retrying partial writes and `EINTR`.
    public func write(_ bytes: [UInt8]) throws(FileError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { raw -> Int in
                #if canImport(Glibc)
                return Glibc.write(fd, raw.baseAddress, raw.count)
                #else
                return Darwin.write(fd, raw.baseAddress, raw.count)
                #endif
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(.write, path, FilePath.systemError())
            }
            offset += n
        }
    }

    /// Appends `text` as UTF-8.
    public func write(_ text: String) throws(FileError) {
        try write(Array(text.utf8))
    }
}
