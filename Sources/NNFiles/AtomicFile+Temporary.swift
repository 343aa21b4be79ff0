#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AtomicFile {
    /// The temporary file a write goes to before its rename.
    ///
    /// Unnamed (Linux `O_TMPFILE`): no directory entry exists while the
    /// content is written, so a process killed at that point leaves nothing
    /// behind; `name` links it under a random hidden name just before the
    /// rename (`linkat` never follows or replaces what is at the new name).
    /// Named (elsewhere): `.NAME.nn-RANDOM.tmp`, created with `O_EXCL |
    /// O_NOFOLLOW`; a name already taken (by a planted file or link) is
    /// skipped for a fresh random one.
    struct Temporary {
        /// The open descriptor, or -1 once closed.
        var fd: Int32
        /// The temporary's name in the folder, once it has one.
        var path: String?

        /// How many random names are tried before giving up.
        static let attempts = 16

        /// Creates the temporary in `folder` (unnamed where the system allows).
        static func create(in folder: String, for name: String, mode: mode_t, path: String, options: Options) throws(FileError) -> Temporary {
            #if os(Linux) && (arch(x86_64) || arch(arm64))
            if options.unnamed, access("/proc/self/fd", X_OK) == 0 {
                let fd = open(folder, unnamedFlag | O_WRONLY | O_CLOEXEC, mode)
                if fd >= 0 { return Temporary(fd: fd, path: nil) }
                let e = errno
                guard e == EOPNOTSUPP || e == EISDIR || e == EINVAL else {
                    throw FileError(.write, path, FilePath.systemError(e))
                }
            }
            #endif
            for _ in 0..<attempts {
                let candidate = temporaryName(in: folder, for: name, tag: options.names())
                let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
                if fd >= 0 { return Temporary(fd: fd, path: candidate) }
                guard errno == EEXIST else { throw FileError(.write, path, FilePath.systemError()) }
            }
            throw FileError(.write, path, "no free temporary name in '\(FilePath.printable(folder))' after \(attempts) tries")
        }

        #if os(Linux) && (arch(x86_64) || arch(arm64))
        /// `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY`; `__O_TMPFILE` is 020000000 on these architectures).
        static let unnamedFlag: Int32 = 0o20000000 | O_DIRECTORY
        #endif

        /// Gives an unnamed temporary a name in `folder` (a no-op for a named one).
        mutating func name(in folder: String, for name: String, path: String, options: Options) throws(FileError) {
            guard self.path == nil else { return }
            let source = "/proc/self/fd/\(fd)"
            for _ in 0..<Temporary.attempts {
                let candidate = Temporary.temporaryName(in: folder, for: name, tag: options.names())
                if linkat(AT_FDCWD, source, AT_FDCWD, candidate, AT_SYMLINK_FOLLOW) == 0 {
                    self.path = candidate
                    return
                }
                guard errno == EEXIST else { throw FileError(.write, path, FilePath.systemError()) }
            }
            throw FileError(.write, path, "no free temporary name in '\(FilePath.printable(folder))' after \(Temporary.attempts) tries")
        }

        /// Closes the descriptor, reporting a failed close (a late write error).
        mutating func close(path: String) throws(FileError) {
            let fd = self.fd
            self.fd = -1
            #if canImport(Glibc)
            let status = Glibc.close(fd)
            #else
            let status = Darwin.close(fd)
            #endif
            guard status == 0 else { throw FileError(.write, path, FilePath.systemError()) }
        }

        /// Closes and removes the temporary after a failure.
        mutating func discard() {
            if fd >= 0 {
                #if canImport(Glibc)
                _ = Glibc.close(fd)
                #else
                _ = Darwin.close(fd)
                #endif
                fd = -1
            }
            if let p = path { _ = unlink(p) }
            path = nil
        }

        /// 64 random bits in hexadecimal.
        static func randomTag() -> String {
            String(UInt64.random(in: 0...UInt64.max), radix: 16)
        }

        /// `FOLDER/.NAME.nn-TAG.tmp`, with NAME cut to 64 bytes so the
        /// whole stays within the file system's 255-byte limit.
        static func temporaryName(in folder: String, for name: String, tag: String) -> String {
            var short = ""
            for c in name {
                guard short.utf8.count + c.utf8.count <= 64 else { break }
                short.append(c)
            }
            return (folder == "/" ? "/" : folder + "/") + "." + short + ".nn-" + tag + ".tmp"
        }
    }
}
