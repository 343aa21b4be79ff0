#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What reading one line gave.
enum ReadResult: Equatable {
    /// A line, without its newline (a bracketed paste may hold several).
    case line(String)
    /// A line whose bytes are not UTF-8: the session reports where, rather
    /// than run it with U+FFFD in place of the bad bytes.
    case invalidUTF8([UInt8])
    /// End of input (Ctrl-D on an empty line, or the end of a pipe).
    case endOfInput
    /// Ctrl-C while waiting for input: the line was dropped.
    case interrupted
}

/// Where the REPL's lines come from: GNU readline on a terminal, plain
/// standard input otherwise (then nothing is prompted, coloured or written
/// to history).
protocol LineReader: AnyObject {
    /// True for a terminal: prompts, colour, history and completion apply.
    var isInteractive: Bool { get }
    /// Shows `prompt` (interactive readers only) and reads one line.
    func readLine(prompt: String) -> ReadResult
    /// Records a whole entry in the history (multi-line entries as one).
    func addHistory(_ entry: String)
}

/// Reads lines from a non-terminal standard input: no prompt, no history.
///
/// Polls standard input together with the session's interrupt pipe, so a
/// Ctrl-C (SIGINT) while waiting reads as ``ReadResult/interrupted``.
final class PlainLineReader: LineReader {
    private var pending: [UInt8] = []
    private var atEnd = false
    private let fd: Int32

    init(fd: Int32 = 0) { self.fd = fd }

    var isInteractive: Bool { false }

    func addHistory(_ entry: String) {}

    func readLine(prompt: String) -> ReadResult {
        Signals.drainPrompt()
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var bytes = pending[..<newline]
                if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
                let line = ReadResult(bytes)
                pending.removeSubrange(...newline)
                return line
            }
            if atEnd {
                if pending.isEmpty { return .endOfInput }
                let line = ReadResult(pending[...])
                pending = []
                return line
            }
            switch Signals.waitForInput(fd) {
            case .interrupted:
                return .interrupted
            case .ready:
                var buffer = [UInt8](repeating: 0, count: 1 << 14)
                let n = read(fd, &buffer, buffer.count)
                if n > 0 {
                    pending += buffer[0..<n]
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    atEnd = true
                }
            }
        }
    }
}

extension ReadResult {
    /// A line read as bytes: `.line` when they are UTF-8, else `.invalidUTF8`.
    init(_ bytes: ArraySlice<UInt8>) {
        if let text = String(validating: bytes, as: UTF8.self) {
            self = .line(text)
        } else {
            self = .invalidUTF8(Array(bytes))
        }
    }
}
