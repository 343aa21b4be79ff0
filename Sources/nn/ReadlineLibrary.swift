import CReadline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// GNU readline, opened with `dlopen` when an interactive session starts
/// rather than linked into `nn`.
///
/// Linked, readline and libtinfo were mapped and their ~550 symbols bound by
/// the dynamic loader at every start of `nn` (about a tenth of `nn -e 0`'s
/// CPU time once the Swift runtime was linked in, issue 20), though only
/// the REPL on a terminal uses them. When the library cannot be opened the
/// session says so and reads plain lines (``REPL/start(_:_:script:)``).
struct ReadlineLibrary: @unchecked Sendable {
    let read_history: nn_read_history_fn
    let history_truncate_file: nn_history_truncate_file_fn
    let history_get: nn_history_get_fn
    let add_history: nn_add_history_fn
    let append_history: nn_append_history_fn
    let stifle_history: nn_stifle_history_fn
    let using_history: nn_using_history_fn
    let rl_callback_handler_install: nn_rl_callback_handler_install_fn
    let rl_callback_handler_remove: nn_rl_callback_handler_remove_fn
    let rl_callback_read_char: nn_rl_callback_read_char_fn
    let rl_callback_sigcleanup: nn_rl_callback_sigcleanup_fn
    let rl_redisplay: nn_rl_redisplay_fn
    let rl_free_line_state: nn_rl_free_line_state_fn
    let rl_completion_matches: nn_rl_completion_matches_fn

    /// The addresses of the global variables the REPL reads or sets
    /// (through `nn_rl_int`, `nn_rl_set_string`... of `CReadline/shim.h`).
    let rl_line_buffer: UnsafeMutableRawPointer
    let rl_point: UnsafeMutableRawPointer
    let rl_end: UnsafeMutableRawPointer
    let rl_mark: UnsafeMutableRawPointer
    let rl_readline_name: UnsafeMutableRawPointer
    let rl_catch_signals: UnsafeMutableRawPointer
    let rl_basic_word_break_characters: UnsafeMutableRawPointer
    let rl_completer_word_break_characters: UnsafeMutableRawPointer
    let rl_completer_quote_characters: UnsafeMutableRawPointer
    let rl_attempted_completion_function: UnsafeMutableRawPointer
    let rl_attempted_completion_over: UnsafeMutableRawPointer
    let rl_completion_append_character: UnsafeMutableRawPointer
    let history_length: UnsafeMutableRawPointer
    let history_base: UnsafeMutableRawPointer
    let history_write_timestamps: UnsafeMutableRawPointer
    let history_multiline_entries: UnsafeMutableRawPointer

    /// The library's names, newest first (macOS: Homebrew's readline, or the
    /// system's libedit under readline's name).
    #if os(macOS)
    static let sonames = ["libreadline.8.dylib", "libreadline.dylib"]
    #else
    static let sonames = ["libreadline.so.8", "libreadline.so.7"]
    #endif

    /// The library, opened once (a `static let`); the failure says what is
    /// missing and the package to install.
    static let shared: Result<ReadlineLibrary, LoadFailure> = {
        do throws(LoadFailure) { return .success(try ReadlineLibrary()) } catch { return .failure(error) }
    }()

    /// The library once ``shared`` opened it (the REPL's readline reader
    /// exists only then), for the C callbacks, which capture nothing.
    static var loaded: ReadlineLibrary? { try? shared.get() }

    struct LoadFailure: Error {
        let detail: String
        /// The warning the REPL prints before reading plain lines.
        var message: String {
            "nn: no line editing, history or completion: \(detail); install GNU readline "
                + "(Debian and Ubuntu: apt-get install libreadline8; nn's scripts/setup does this)\n"
        }
    }

    private init() throws(LoadFailure) {
        var why = ""
        var opened: UnsafeMutableRawPointer?
        for name in Self.sonames {
            if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) {
                opened = handle
                break
            }
            why = dlerror().map { String(cString: $0) } ?? "\(name): cannot be opened"
        }
        guard let handle = opened else { throw LoadFailure(detail: why) }
        func address(_ name: String) throws(LoadFailure) -> UnsafeMutableRawPointer {
            guard let address = dlsym(handle, name) else {
                throw LoadFailure(detail: "\(name) is missing from the loaded readline (too old a version?)")
            }
            return address
        }
        func function<T>(_ name: String, as type: T.Type) throws(LoadFailure) -> T {
            unsafeBitCast(try address(name), to: T.self)
        }
        read_history = try function("read_history", as: nn_read_history_fn.self)
        history_truncate_file = try function("history_truncate_file", as: nn_history_truncate_file_fn.self)
        history_get = try function("history_get", as: nn_history_get_fn.self)
        add_history = try function("add_history", as: nn_add_history_fn.self)
        append_history = try function("append_history", as: nn_append_history_fn.self)
        stifle_history = try function("stifle_history", as: nn_stifle_history_fn.self)
        using_history = try function("using_history", as: nn_using_history_fn.self)
        rl_callback_handler_install = try function("rl_callback_handler_install", as: nn_rl_callback_handler_install_fn.self)
        rl_callback_handler_remove = try function("rl_callback_handler_remove", as: nn_rl_callback_handler_remove_fn.self)
        rl_callback_read_char = try function("rl_callback_read_char", as: nn_rl_callback_read_char_fn.self)
        rl_callback_sigcleanup = try function("rl_callback_sigcleanup", as: nn_rl_callback_sigcleanup_fn.self)
        rl_redisplay = try function("rl_redisplay", as: nn_rl_redisplay_fn.self)
        rl_free_line_state = try function("rl_free_line_state", as: nn_rl_free_line_state_fn.self)
        rl_completion_matches = try function("rl_completion_matches", as: nn_rl_completion_matches_fn.self)
        rl_line_buffer = try address("rl_line_buffer")
        rl_point = try address("rl_point")
        rl_end = try address("rl_end")
        rl_mark = try address("rl_mark")
        rl_readline_name = try address("rl_readline_name")
        rl_catch_signals = try address("rl_catch_signals")
        rl_basic_word_break_characters = try address("rl_basic_word_break_characters")
        rl_completer_word_break_characters = try address("rl_completer_word_break_characters")
        rl_completer_quote_characters = try address("rl_completer_quote_characters")
        rl_attempted_completion_function = try address("rl_attempted_completion_function")
        rl_attempted_completion_over = try address("rl_attempted_completion_over")
        rl_completion_append_character = try address("rl_completion_append_character")
        history_length = try address("history_length")
        history_base = try address("history_base")
        history_write_timestamps = try address("history_write_timestamps")
        history_multiline_entries = try address("history_multiline_entries")
    }
}
