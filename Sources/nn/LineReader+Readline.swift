import CReadline
import NNFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines with GNU readline on a terminal: editing, history kept in a
/// file, Tab completion.
///
/// Uses readline's alternate (callback) interface: the reader `poll`s
/// standard input together with the session's prompt pipe, so Ctrl-C at the
/// prompt clears the line without readline handling any signal
/// (`rl_catch_signals = 0`).
///
/// History: every whole entry is one history item, written to the history
/// file as soon as it is entered (`append_history`), with timestamps so a
/// multi-line entry reads back as one item (`history_multiline_entries`).
final class ReadlineLineReader: LineReader {
    /// The history file, or nil when history is not kept.
    let historyPath: String?
    /// The library (opened with `dlopen`).
    let rl: ReadlineLibrary
    /// The most items kept in the history file.
    static let historyLimit: Int32 = 2000

    /// Sets readline up; `historyPath` nil keeps no history file.
    ///
    /// The history file goes through the gate first (`AppendFile.prepare`:
    /// a regular file, created 0600 when missing); anything else at the path
    /// (a FIFO would block here, a device would take the history) turns
    /// history off with a warning.
    init(historyPath: String?, library: ReadlineLibrary) {
        rl = library
        var path = historyPath
        if let historyPath {
            do {
                try AppendFile.prepare(historyPath)
            } catch {
                StdIO.complain("nn: history is not kept: \(error.description)\n")
                path = nil
            }
        }
        self.historyPath = path
        Readline.configure(rl)
        if let path {
            _ = rl.read_history(path)
            _ = rl.history_truncate_file(path, Self.historyLimit)
        }
    }

    var isInteractive: Bool { true }

    func addHistory(_ entry: String) {
        guard !entry.isEmpty else { return }
        let length = nn_rl_int(rl.history_length)
        if length > 0, let last = rl.history_get(nn_rl_int(rl.history_base) + length - 1),
           let text = last.pointee.line, String(cString: text) == entry {
            return  // no repeated items
        }
        rl.add_history(entry)
        guard let historyPath else { return }
        // Re-checked each time: the file may have been removed or replaced since.
        guard (try? AppendFile.prepare(historyPath)) != nil else { return }
        _ = rl.append_history(1, historyPath)
    }

    func readLine(prompt: String) -> ReadResult {
        Signals.drainPrompt()
        Readline.received = nil
        Readline.finished = false
        rl.rl_callback_handler_install(prompt) { line in
            Readline.finished = true
            if let line {
                Readline.received = ReadResult(Array(UnsafeRawBufferPointer(start: line, count: strlen(line)))[...])
                free(line)
            } else {
                Readline.received = nil
            }
            ReadlineLibrary.loaded?.rl_callback_handler_remove()
        }
        while true {
            switch Signals.waitForInput(0) {
            case .interrupted:
                Readline.abandonLine(rl)
                return .interrupted
            case .ready:
                rl.rl_callback_read_char()
                if Readline.finished {
                    return Readline.received ?? .endOfInput
                }
            }
        }
    }
}

/// Readline's global state, set up once.
enum Readline {
    /// The line the callback received (nil at end of input).
    nonisolated(unsafe) static var received: ReadResult?
    /// True once the callback ran for the current prompt.
    nonisolated(unsafe) static var finished = false

    /// Readline settings: program name, no signal handling, word breaks and
    /// quotes for completion, history that keeps multi-line entries whole.
    static func configure(_ rl: ReadlineLibrary) {
        // readline keeps these pointers: give it strings that live for the whole process.
        nn_rl_set_string(rl.rl_readline_name, strdup("nn"))
        nn_rl_set_int(rl.rl_catch_signals, 0)
        let wordBreaks = strdup(" \t\n\"'`@$><=;|&{([,)]}+-*/%.:!?^~")
        nn_rl_set_string(rl.rl_basic_word_break_characters, wordBreaks)
        nn_rl_set_string(rl.rl_completer_word_break_characters, wordBreaks)
        nn_rl_set_string(rl.rl_completer_quote_characters, strdup("\""))
        nn_rl_set_int(rl.history_write_timestamps, 1)
        nn_rl_set_int(rl.history_multiline_entries, 1)
        rl.stifle_history(ReadlineLineReader.historyLimit)
        Completion.install(rl)
    }

    /// Drops the line being edited after Ctrl-C and moves to a fresh line.
    static func abandonLine(_ rl: ReadlineLibrary) {
        nn_rl_set_int(rl.rl_point, nn_rl_int(rl.rl_end))
        _ = rl.rl_redisplay()
        rl.rl_free_line_state()
        rl.rl_callback_sigcleanup()
        rl.rl_callback_handler_remove()
        _ = write(1, "^C\n", 3)
        if let buffer = nn_rl_string(rl.rl_line_buffer) { buffer[0] = 0 }
        nn_rl_set_int(rl.rl_point, 0)
        nn_rl_set_int(rl.rl_end, 0)
        nn_rl_set_int(rl.rl_mark, 0)
        rl.using_history()
    }
}
