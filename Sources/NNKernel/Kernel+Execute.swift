#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNFiles
import NNScript

/// `execute_request`: runs a cell in the session.
extension Kernel {
    /// What running a cell gave: its value (nil when nothing is shown) or its error.
    typealias Outcome = Result<Value?, any Error>

    /// Runs the cell of `request` and answers it.
    ///
    /// On IOPub, in order: `execute_input`; the cell's `stream`s and
    /// displays; then `execute_result` (a value that is not nil, unless the
    /// cell ends with `;`) or `error`. Then `execute_reply` on shell. A
    /// silent request publishes nothing and does not count. After an error
    /// (an interrupt included), the execute requests already queued behind
    /// this one are answered `aborted` unless `stop_on_error` is false, as
    /// IPython does: the cells after a failed one do not run on.
    func execute(_ request: Message, on socket: ZMQSocket) {
        let code = request.content["code"] as? String ?? ""
        let silent = request.content["silent"] as? Bool ?? false
        let storeHistory = !silent && (request.content["store_history"] as? Bool ?? true)
        if storeHistory { executionCount += 1 }
        let count = executionCount
        beginCell()
        if !silent { publisher.publish("execute_input", ["code": code, "execution_count": count], parent: request.header) }
        streams.begin(parent: silent ? nil : request.header)
        let outcome = run(cell: code, name: "In[\(count)]")
        let expressions = outcome.isSuccess ? userExpressions(request.content["user_expressions"] as? JSONObject ?? [:]) : [:]
        endCell()
        streams.end()
        switch outcome {
        case .success(let value):
            if let value, !value.isNil, !silent {
                publisher.publish("execute_result", ["execution_count": count, "data": MimeBundle.value(value),
                                                     "metadata": JSONObject()], parent: request.header)
            }
            reply(request, "execute_reply", ["status": "ok", "execution_count": count, "user_expressions": expressions,
                                             "payload": [Any]()], on: socket)
        case .failure(let error):
            let failure = describe(error)
            if !silent { publisher.publish("error", failure, parent: request.header) }
            var content = failure
            content["status"] = "error"
            content["execution_count"] = count
            // What is queued now was sent before the client saw this reply: those cells are aborted.
            let queued = request.content["stop_on_error"] as? Bool ?? true ? takeQueued(from: socket) : []
            reply(request, "execute_reply", content, on: socket)
            abort(queued, on: socket)
        }
    }

    /// Runs one cell: nn source, or a REPL command on a line of its own (`?name`, `:vars`, `:time EXPR`, ...).
    func run(cell code: String, name: String) -> Outcome {
        let trimmed = PlainText.trimmed(code, .all)
        if trimmed.isEmpty { return .success(nil) }
        if !trimmed.contains("\n"), let command = SessionCommand.parse(trimmed) { return perform(command, name: name) }
        return Result { try session.run(code, name: name) }
    }

    /// Carries out a REPL command in a cell; its text goes to stdout.
    func perform(_ command: SessionCommand, name: String) -> Outcome {
        func say(_ text: String) { streams.write(text.hasSuffix("\n") ? text : text + "\n", stream: "stdout") }
        switch command {
        case .help:
            say(SessionCommand.helpText)
        case .vars:
            say(session.variablesTable())
        case .reset:
            session.reset()
            say("session reset: every variable you defined is gone")
        case .doc(let topic):
            do { say(try session.helpText(for: topic)) } catch { return .failure(error) }
        case .time(let source):
            let start = ProcessInfo.processInfo.systemUptime
            let outcome = run(cell: source, name: name)
            if case .success = outcome {
                say("time: " + Kernel.duration(ProcessInfo.processInfo.systemUptime - start))
            }
            return outcome
        case .load(let path):
            do {
                let bytes = try FileReader.read(try session.interpreter.fileGate.check(path, .read), limit: 1 << 30)
                return .success(try session.load(bytes: bytes, path: path))
            } catch {
                return .failure(error)
            }
        case .save(let path):
            do {
                try AtomicFile.write(session.script, to: try session.interpreter.fileGate.check(path, .write))
                say("saved \(session.acceptedEntries.count) entries to \(FilePath.printable(path))")
            } catch {
                return .failure(error)
            }
        case .quit:
            return .failure(KernelError(":quit does not end a notebook's kernel; use the Kernel menu to shut it down or restart it"))
        case .missingArgument(let word):
            return .failure(KernelError(":\(word) needs an argument (:help lists the commands)"))
        case .unknown(let word):
            return .failure(KernelError("unknown command ':\(word)' (:help lists the commands)"))
        }
        return .success(nil)
    }

    /// The `error` content of a failure: `ename`, `evalue` and the rendered
    /// diagnostic (source line, caret, call trace) as `traceback` lines.
    func describe(_ error: any Error) -> JSONObject {
        let ename: String, evalue: String
        var text = session.interpreter.render(error, color: true)
        switch error {
        case let e as SyntaxError:
            ename = "SyntaxError"
            evalue = e.diagnostics.first?.message ?? "syntax error"
        case let e as ScriptError where e.kind == .interrupted:
            ename = "Interrupted"
            evalue = e.message
            text += "\n(stopped; every variable keeps the value it had at that point)"
        case let e as ScriptError where { if case .permission = e.kind { true } else { false } }():
            ename = "PermissionError"
            evalue = e.message
        case let e as ScriptError:
            ename = "RuntimeError"
            evalue = e.message
        case let e as KernelError:
            ename = "CommandError"
            evalue = e.message
            text = "error: " + e.message
        case let e as FileError:
            ename = "FileError"
            evalue = e.description
            text = "error: " + e.description
        case let e as FileAccessDenied:
            ename = "FileError"
            evalue = e.description
            text = "error: " + e.description
        default:
            ename = "Error"
            evalue = "\(error)"
        }
        return ["ename": ename, "evalue": evalue, "traceback": text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)]
    }

    /// `user_expressions`: each evaluated after the cell, as `text/plain` (or its error).
    func userExpressions(_ expressions: JSONObject) -> JSONObject {
        var out: JSONObject = [:]
        for (key, source) in expressions {
            guard let source = source as? String else { continue }
            do {
                let value = try session.interpreter.evaluate(source, name: "<user_expression>")
                out[key] = ["status": "ok", "data": MimeBundle.value(value), "metadata": JSONObject()] as JSONObject
            } catch {
                var failure = describe(error)
                failure["status"] = "error"
                out[key] = failure
            }
        }
        return out
    }

    /// The messages already waiting on `socket`, taken before the failed
    /// cell's reply goes out: the client sent them before it could know of
    /// the failure, so which are taken does not depend on timing.
    func takeQueued(from socket: ZMQSocket) -> [[[UInt8]]] {
        var queued: [[[UInt8]]] = []
        while (try? socket.poll(timeout: 0)) == true, let frames = try? socket.receive() { queued.append(frames) }
        return queued
    }

    /// Answers the queued execute requests with `status: aborted`; other
    /// requests are handled as usual.
    func abort(_ queued: [[[UInt8]]], on socket: ZMQSocket) {
        for frames in queued {
            guard let request = try? Message(frames: frames, signer: signer), request.type == "execute_request" else {
                handle(frames, on: socket)
                continue
            }
            publisher.status("busy", parent: request.header)
            reply(request, "execute_reply", ["status": "aborted", "execution_count": executionCount], on: socket)
            publisher.status("idle", parent: request.header)
        }
    }

    /// `850 µs`, `12.3 ms`, `2.41 s` (as the REPL's `:time`).
    static func duration(_ seconds: Double) -> String {
        if seconds < 1e-3 { return PrintfNumber.format(seconds * 1e6, .fixed, precision: 0) + " µs" }
        if seconds < 1 { return PrintfNumber.format(seconds * 1e3, .fixed, precision: 1) + " ms" }
        return PrintfNumber.format(seconds, .fixed, precision: 2) + " s"
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
