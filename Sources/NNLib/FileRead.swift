#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNTensor

/// Reading a whole data file, with the reason when it cannot be read.
enum FileRead {
    /// The bytes of the regular file at `path`, at most `limit` of them.
    ///
    /// Anything else is refused with the reason, in `op`'s name: a missing
    /// file, a folder, a FIFO (reading one waits for a writer), a device or
    /// socket, a file without read permission, or one over `limit` bytes.
    static func bytes(_ path: String, op: String, limit: Int) throws -> [UInt8] {
        func refuse(_ why: String) -> TensorError { TensorError(op: op, "cannot read '\(path)': \(why)") }
        var info = stat()
        guard stat(path, &info) == 0 else { throw refuse(reason(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw refuse("it is a folder, not a file")
        case S_IFIFO: throw refuse("it is a FIFO (named pipe), not a regular file")
        case S_IFSOCK: throw refuse("it is a socket, not a regular file")
        case S_IFCHR, S_IFBLK: throw refuse("it is a device, not a regular file")
        default: throw refuse("it is not a regular file")
        }
        guard info.st_size <= limit else {
            throw TensorError(op: op, "'\(path)' is \(info.st_size) bytes; files over \(sizeName(limit)) are refused")
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw refuse(reason(errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return bytes }
            if n < 0 {
                if errno == EINTR { continue }
                throw refuse(reason(errno))
            }
            guard bytes.count + n <= limit else {
                throw TensorError(op: op, "'\(path)' grew past \(sizeName(limit)) while being read; files over \(sizeName(limit)) are refused")
            }
            bytes += buffer[0..<n]
        }
    }

    /// The offset of the first byte of `bytes` that is not part of valid UTF-8, if any.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var input = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &input) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }

    /// `1 GiB`, `64 MiB`, `4096 bytes`.
    static func sizeName(_ bytes: Int) -> String {
        if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        return "\(bytes) bytes"
    }

    /// The system's reason for `code`, in the style of the other messages.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES: return "permission denied"
        case EISDIR: return "it is a folder, not a file"
        default:
            let text = String(cString: strerror(code))
            return text.prefix(1).lowercased() + text.dropFirst()
        }
    }
}
