import ArgumentParser
import NNScript

/// `--timeout`, `--max-steps`, `--max-memory` and `--max-output`: the
/// interpreter's limits (``Interpreter/Limits``) from the command line.
/// Each is parsed here, strictly: a value that is not a positive number of
/// its kind is a usage error naming the flag (exit 64), never a limit read
/// some other way.
extension NNCommand {
    /// The limits the flags set (none by default).
    func limits() throws -> Interpreter.Limits {
        try LimitFlags.limits(timeout: timeout, maxSteps: maxSteps, maxMemory: maxMemory, maxOutput: maxOutput)
    }
}

extension LimitFlags {
    /// The limits the four flags' values set (none for a nil value).
    static func limits(timeout: String?, maxSteps: String?, maxMemory: String?, maxOutput: String?) throws -> Interpreter.Limits {
        var limits = Interpreter.Limits()
        if let timeout {
            limits.deadline = try LimitFlags.seconds(timeout, flag: "--timeout")
        }
        if let maxSteps { limits.steps = try LimitFlags.count(maxSteps, flag: "--max-steps") }
        if let maxMemory { limits.tensorBytes = try LimitFlags.bytes(maxMemory, flag: "--max-memory") }
        if let maxOutput { limits.outputBytes = try LimitFlags.bytes(maxOutput, flag: "--max-output") }
        return limits
    }
}

enum LimitFlags {
    /// A positive number of seconds (`2`, `0.5`, `1e3`), at most a year.
    static func seconds(_ text: String, flag: String) throws -> Duration {
        guard let s = Double(text), s.isFinite, s > 0 else {
            throw ValidationError("\(flag) '\(text)': expected a positive number of seconds, such as 10 or 0.5")
        }
        guard s <= 365 * 24 * 3600 else {
            throw ValidationError("\(flag) '\(text)': at most a year (31536000 seconds)")
        }
        return .nanoseconds(Int64((s * 1e9).rounded()))
    }

    /// A positive whole number (`1000000`).
    static func count(_ text: String, flag: String) throws -> Int {
        guard let n = Int(text), n > 0 else {
            throw ValidationError("\(flag) '\(text)': expected a positive whole number, such as 1000000")
        }
        return n
    }

    /// A positive number of bytes, with an optional suffix K, M or G
    /// (KiB, MiB, GiB: 1024, 1024², 1024³; `KB`, `MiB` and lowercase are
    /// accepted too): `512M`, `2G`, `100000`.
    static func bytes(_ text: String, flag: String) throws -> Int {
        let problem = ValidationError("\(flag) '\(text)': expected a positive number of bytes, such as 100000, 512K, 64M or 2G")
        var digits = Substring(text)
        var scale = 1
        let suffixes: [(String, Int)] = [("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)]
        let upper = text.uppercased()
        for (letter, size) in suffixes {
            for form in [letter + "IB", letter + "B", letter] where upper.hasSuffix(form) {
                digits = digits.dropLast(form.count)
                scale = size
                break
            }
            if scale != 1 { break }
        }
        guard let n = Int(digits), n > 0 else { throw problem }
        let (product, overflow) = n.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw ValidationError("\(flag) '\(text)': too large") }
        return product
    }
}
