import CReadline
import NNScript
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tab completion through readline, answered by ``Session/completions(before:word:)``.
///
/// Readline finds the word under the cursor with its word-break characters
/// (every operator and bracket, `.` and `:`), so the word is always a bare
/// identifier; the session looks at the text before it (earlier lines of a
/// multi-line entry included) to decide between members, named arguments,
/// commands and names. Inside a string, readline completes file names.
enum Completion {
    /// The session whose names are offered.
    nonisolated(unsafe) static var session: Session?
    /// The earlier lines of the entry being typed (on a `...` prompt).
    nonisolated(unsafe) static var entrySoFar = ""
    /// The candidates of the current completion, handed out by `generate`.
    nonisolated(unsafe) static var candidates: [String] = []
    nonisolated(unsafe) static var nextCandidate = 0

    static func install(_ rl: ReadlineLibrary) {
        nn_rl_set_completion_function(rl.rl_attempted_completion_function) { text, start, _ in
            Completion.complete(text: text, start: Int(start))
        }
    }

    private static func complete(text: UnsafePointer<CChar>?, start: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard let session, let text, let rl = ReadlineLibrary.loaded, let buffer = nn_rl_string(rl.rl_line_buffer) else {
            return nil
        }
        let word = String(cString: text)
        let lineBytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self),
                                            count: max(0, min(start, Int(nn_rl_int(rl.rl_end)))))
        let linePrefix = String(decoding: lineBytes, as: UTF8.self)
        let before = entrySoFar.isEmpty ? linePrefix : entrySoFar + "\n" + linePrefix
        let result = session.completions(before: before, word: word)
        if result.wantsFilenames {
            nn_rl_set_int(rl.rl_attempted_completion_over, 0)
            return nil
        }
        nn_rl_set_int(rl.rl_attempted_completion_over, 1)
        guard !result.candidates.isEmpty else { return nil }
        nn_rl_set_int(rl.rl_completion_append_character, result.appendsSpace ? 32 : 0)
        candidates = result.candidates
        nextCandidate = 0
        return rl.rl_completion_matches(text) { _, state in
            if state == 0 { Completion.nextCandidate = 0 }
            guard Completion.nextCandidate < Completion.candidates.count else { return nil }
            let word = Completion.candidates[Completion.nextCandidate]
            Completion.nextCandidate += 1
            return strdup(word)
        }
    }
}
