#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a whole file through the gate: only a regular file, no larger
/// than a limit, is read.
///
/// Symbolic links are followed (reading through a link harms nothing), but
/// what they lead to must be a regular file: a FIFO would block forever and
/// `/dev/zero` would never end. The file is opened with `O_NONBLOCK` so that
/// opening a FIFO does not wait for a writer, and checked with `fstat` on
/// the open descriptor (not on the name, which could change in between).
public enum FileReader {
    /// The bytes of the regular file at `path`; throws `FileError(.read, …)`
    /// when it is missing, not a regular file, or larger than `limit` bytes.
    public static func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        try FilePath.validate(path, .read)
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(.read, path, FilePath.systemError()) }
        defer { _ = close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(.read, path, FilePath.systemError()) }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG else {
            throw FileError(.read, path, "it is \(FilePath.kindName(kind)), not a regular file; nn reads only regular files")
        }
        let size = Int(st.st_size)
        guard size <= limit else {
            throw FileError(.read, path, "it is \(size) bytes; files over \(limit) bytes are refused")
        }
        // Read to the end, but never past the limit (the file may grow while read).
        switch readToEnd(fd, limit: limit, reserve: size) {
        case .success(let bytes?): return bytes
        case .success(nil): throw FileError(.read, path, "it grew past \(limit) bytes while being read")
        case .failure(let failure): throw FileError(.read, path, FilePath.systemError(failure.code))
        }
    }

    /// A failed `read(2)`: its `errno`.
    public struct ReadFailure: Error, Sendable {
        public let code: Int32
    }

    /// Every byte `fd` gives until its end (any kind of file: a pipe too),
    /// retrying interrupted reads; `nil` once more than `limit` bytes come
    /// (`/dev/zero`, an endless pipe). The one read loop nn has: the gate
    /// above and the command line's script reading both use it.
    public static func readToEnd(_ fd: Int32, limit: Int, reserve: Int = 0) -> Result<[UInt8]?, ReadFailure> {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Swift.min(reserve, limit))
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                #if canImport(Glibc)
                return Glibc.read(fd, raw.baseAddress, raw.count)
                #else
                return Darwin.read(fd, raw.baseAddress, raw.count)
                #endif
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .failure(ReadFailure(code: errno))
            }
            if n == 0 { return .success(bytes) }
            guard bytes.count + n <= limit else { return .success(nil) }
            bytes += buffer[0..<n]
        }
    }
}
