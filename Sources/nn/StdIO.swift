#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The process's standard streams: written by length (a NUL byte is text
/// like any other), every write checked, and a lost write remembered so the
/// process ends with exit status 74 (`EX_IOERR`).
///
/// A standard stream that was closed when `nn` started (`nn x.nn >&-`) gets
/// `/dev/null` opened on its descriptor, so no file the script opens later
/// takes its number (and receives what `print` writes); writing to it still
/// fails, with "Bad file descriptor", as writing to the closed stream would.
enum StdIO {
    /// Standard output or standard error.
    enum Stream {
        case out, err

        var descriptor: Int32 { self == .out ? 1 : 2 }
        var name: String { self == .out ? "standard output" : "standard error" }
    }

    /// A write to a standard stream failed.
    struct WriteError: Error, CustomStringConvertible {
        let stream: Stream
        let code: Int32
        var description: String { "cannot write to \(stream.name): \(String(cString: strerror(code)))" }
    }

    /// The standard descriptors (0, 1, 2) that were closed at start-up.
    nonisolated(unsafe) private(set) static var closedAtStart: Set<Int32> = []

    /// Keeps the numbers 0, 1 and 2 taken: each closed one gets `/dev/null`.
    /// Call first, before anything opens a file or a pipe.
    static func reserveStandardDescriptors() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            closedAtStart.insert(fd)
            let opened = open("/dev/null", O_RDWR)
            if opened >= 0, opened != fd {
                // Something below `fd` was closed too and took this open; move it where it belongs.
                _ = dup2(opened, fd)
                close(opened)
            }
        }
    }

    /// True when standard input was closed at start-up (reading it is an error, not an empty script).
    static var inputClosed: Bool { closedAtStart.contains(0) }

    nonisolated(unsafe) private static let outFile: UnsafeMutablePointer<FILE>? =
        closedAtStart.contains(1) ? nil : fdopen(1, "w")
    nonisolated(unsafe) private static let errFile: UnsafeMutablePointer<FILE>? = {
        guard !closedAtStart.contains(2), let f = fdopen(2, "w") else { return nil }
        setvbuf(f, nil, _IONBF, 0)
        return f
    }()

    /// The errno of the first failed write to standard output (0: none).
    private static let outFailure = Atomic<Int32>(0)
    /// The errno of the first failed write to standard error (0: none).
    private static let errFailure = Atomic<Int32>(0)
    /// True once the failure of standard output was reported on standard error.
    private static let outFailureReported = Atomic<Bool>(false)

    /// The first failed write to `stream`, if any.
    static func failure(_ stream: Stream) -> WriteError? {
        let code = stream == .out ? outFailure.load(ordering: .sequentiallyConsistent)
            : errFailure.load(ordering: .sequentiallyConsistent)
        return code == 0 ? nil : WriteError(stream: stream, code: code)
    }

    /// Writes `text`'s UTF-8 bytes, all of them; throws when any is lost
    /// (and every later write to the stream throws the same error).
    static func write(_ text: String, to stream: Stream) throws(WriteError) {
        if let lost = failure(stream) { throw lost }
        guard let file = stream == .out ? outFile : errFile else { throw fail(stream, EBADF) }
        var text = text
        let code: Int32 = text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
            errno = 0
            let written = fwrite(base, 1, bytes.count, file)
            return written == bytes.count ? 0 : (errno == 0 ? EIO : errno)
        }
        if code != 0 { throw fail(stream, code) }
    }

    /// Writes to standard output; a failure is remembered (for the exit status) but not thrown.
    static func say(_ text: String) {
        do { try write(text, to: .out) } catch {}
    }

    /// Writes to standard error, after flushing standard output so the two
    /// interleave in order; a failure is remembered, not thrown (there is
    /// nowhere left to report it).
    static func complain(_ text: String) {
        flush()
        do { try write(text, to: .err) } catch {}
    }

    /// Flushes standard output; false (and the failure remembered) when bytes were lost.
    @discardableResult
    static func flush() -> Bool {
        guard let file = outFile else { return true }
        errno = 0
        if fflush(file) == 0, ferror(file) == 0 { return true }
        _ = fail(.out, errno == 0 ? EIO : errno)
        return false
    }

    /// Records the first failure of `stream` and returns it.
    private static func fail(_ stream: Stream, _ code: Int32) -> WriteError {
        if stream == .out {
            _ = outFailure.compareExchange(expected: 0, desired: code, ordering: .sequentiallyConsistent)
        } else {
            _ = errFailure.compareExchange(expected: 0, desired: code, ordering: .sequentiallyConsistent)
        }
        return failure(stream) ?? WriteError(stream: stream, code: code)
    }

    /// The exit status once everything is written: `code`, unless output was lost.
    ///
    /// Flushes standard output. A lost write to standard output makes the
    /// status 74 (`EX_IOERR`) in place of 0 or 70, and is reported on standard
    /// error unless a script error already said so; a lost write to standard
    /// error makes a status of 0 into 74 (the loss cannot be reported).
    static func finish(_ code: Int32) -> Int32 {
        flush()
        var code = code
        if let lost = failure(.out) {
            if !outFailureReported.exchange(true, ordering: .sequentiallyConsistent) {
                do { try write("nn: \(lost)\n", to: .err) } catch {}
            }
            if code == Runner.Exit.ok || code == Runner.Exit.runtime { code = Runner.Exit.ioError }
        }
        if failure(.err) != nil, code == Runner.Exit.ok { code = Runner.Exit.ioError }
        return code
    }

    /// Marks the failure of standard output as reported (a script error named it).
    static func noteOutputFailureReported() {
        outFailureReported.store(true, ordering: .sequentiallyConsistent)
    }
}
