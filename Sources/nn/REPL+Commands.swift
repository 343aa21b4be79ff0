import NNFiles
import NNScript
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension REPL {
    /// Whether the session goes on after a command.
    enum Next { case proceed, quit }

    /// Carries out a `:command` or `?name`.
    func perform(_ command: SessionCommand) -> Next {
        switch command {
        case .help:
            StdIO.say(SessionCommand.helpText)
        case .quit:
            return .quit
        case .vars:
            StdIO.say(session.variablesTable())
        case .reset:
            session.reset()
            say("session reset: every variable you defined is gone")
        case .doc(let name):
            do { say(try session.helpText(for: name)) } catch { report(error) }
        case .time(let text):
            time(text)
        case .load(let path):
            load(path)
        case .save(let path):
            save(to: REPL.expandingTilde(path))
        case .missingArgument(let name):
            complain(":\(name) needs an argument (:help lists the commands)")
        case .unknown(let name):
            complain("unknown command ':\(name)' (:help lists the commands)")
        }
        StdIO.flush()
        return .proceed
    }

    /// `:time EXPR`: runs the entry, prints its value and the wall-clock time it took.
    func time(_ text: String) {
        let start = REPL.now()
        do {
            let value = try Signals.running { try session.run(text) }
            let elapsed = REPL.now() - start
            show(value)
            say("time: " + REPL.formatDuration(elapsed))
        } catch {
            report(error)
        }
    }

    /// `:save FILE`: writes the accepted entries as a script with the one
    /// atomic writer (only to a new file or over a regular one, mode kept).
    func save(to path: String) {
        let text = session.script
        do {
            try session.interpreter.checkFile(path, .write, for: ":save")
        } catch {
            complain("\(error)")
            return
        }
        do {
            try AtomicFile.write(text, to: path)
        } catch {
            complain("cannot save to '\(FilePath.printable(path))': \(error.reason)")
            return
        }
        let n = session.acceptedEntries.count
        say("saved \(n) \(n == 1 ? "entry" : "entries") to \(FilePath.printable(path))")
    }

    /// Seconds on a monotonic clock.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// `850 µs`, `12.3 ms`, `2.41 s`.
    static func formatDuration(_ seconds: Double) -> String {
        func fixed(_ x: Double, _ digits: Int) -> String {
            var scale = 1.0
            for _ in 0..<digits { scale *= 10 }
            let r = (x * scale).rounded() / scale
            var s = String(r)
            if let dot = s.firstIndex(of: ".") {
                let decimals = s.distance(from: dot, to: s.endIndex) - 1
                if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
                if digits == 0 { s = String(s[..<dot]) }
            }
            return s
        }
        if seconds < 1e-3 { return fixed(seconds * 1e6, 0) + " µs" }
        if seconds < 1 { return fixed(seconds * 1e3, 1) + " ms" }
        return fixed(seconds, 2) + " s"
    }
}
