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
import NNScript
import NNFiles

/// What a running cell writes: `print`'s text and warnings as `stream`
/// messages, pictures and `fit`'s progress as `display_data` and
/// `update_display_data`, all children of the cell's `execute_request`.
///
/// Text is gathered and sent as one `stream` message when 4 KiB have
/// gathered, when the other stream or a display comes next (so the order
/// of outputs is kept), when the cell ends, or when it has waited
/// ``maxDelay`` seconds (``flushIfStale()``, called by the control thread
/// between its polls), so a long loop's prints appear while it runs.
/// Called from the interpreter's thread and the control thread; state is
/// kept under ``lock``.
final class OutputStreams: @unchecked Sendable {
    private let lock = NativeLock()
    private let publisher: Publisher
    /// The header of the request whose cell is running; nil between cells (output is dropped).
    private var parent: JSONObject?
    private var name = "stdout"
    private var pending = ""
    private var since = 0.0

    static let maxBuffered = 4096
    static let maxDelay = 0.05

    init(publisher: Publisher) { self.publisher = publisher }

    /// Starts routing output to the cell of `parent` (nil: a silent cell, whose output is dropped).
    func begin(parent: JSONObject?) {
        lock.withLock {
            self.parent = parent
            pending = ""
        }
    }

    /// Sends what is gathered and stops routing output.
    func end() {
        lock.withLock {
            flushLocked()
            parent = nil
        }
    }

    /// Adds text of stream `stream` ("stdout" or "stderr").
    func write(_ text: String, stream: String) {
        lock.withLock {
            guard parent != nil, !text.isEmpty else { return }
            if stream != name { flushLocked() }
            if pending.isEmpty { since = ProcessInfo.processInfo.systemUptime }
            name = stream
            pending += text
            if pending.utf8.count >= OutputStreams.maxBuffered { flushLocked() }
        }
    }

    /// Sends gathered text that has waited ``maxDelay`` seconds or more.
    func flushIfStale() {
        lock.withLock {
            if !pending.isEmpty, ProcessInfo.processInfo.systemUptime - since >= OutputStreams.maxDelay { flushLocked() }
        }
    }

    /// Shows a picture or a progress output: `display_data`, or
    /// `update_display_data` when it replaces an earlier one. Display ids
    /// are the interpreter's, prefixed with the kernel's session so they
    /// are unique across kernels.
    func display(_ output: DisplayOutput) {
        lock.withLock {
            guard let parent else { return }
            flushLocked()
            var content: JSONObject = ["data": MimeBundle.display(output), "metadata": [String: Any]()]
            if let id = output.id { content["transient"] = ["display_id": publisher.session + "-" + id] }
            publisher.publish(output.isUpdate ? "update_display_data" : "display_data", content, parent: parent)
        }
    }

    private func flushLocked() {
        guard !pending.isEmpty, let parent else { return }
        publisher.publish("stream", ["name": name, "text": pending], parent: parent)
        pending = ""
    }
}
