import Foundation
import Testing
@testable import NNKernel

/// A kernel served over ZeroMQ (ipc sockets in a temporary folder, so no
/// port can clash), driven by a minimal client: signed requests on shell
/// and control, replies read back and verified, IOPub watched.
@Suite("Kernel over the wire")
struct KernelWireTests {
    final class Client {
        let signer = Signer(key: Array("test-key".utf8))
        let context: ZMQContext
        let shell: ZMQSocket, control: ZMQSocket, iopub: ZMQSocket, heartbeat: ZMQSocket
        let session = UUID().uuidString

        init(_ info: ConnectionInfo) throws {
            context = try ZMQContext()
            shell = try ZMQSocket(context, .dealer)
            control = try ZMQSocket(context, .dealer)
            iopub = try ZMQSocket(context, .subscriber)
            heartbeat = try ZMQSocket(context, .request)
            try shell.connect(info.endpoint(info.shellPort))
            try control.connect(info.endpoint(info.controlPort))
            try iopub.connect(info.endpoint(info.iopubPort))
            try heartbeat.connect(info.endpoint(info.hbPort))
        }

        func close() {
            for s in [shell, control, iopub, heartbeat] { s.close() }
            context.terminate()
        }

        /// Sends a request; returns its header's msg_id.
        @discardableResult
        func send(_ type: String, _ content: JSONObject, on socket: ZMQSocket) throws -> String {
            let header = Message.header(type: type, session: session)
            try socket.send(try Message(identities: [], header: header, parentHeader: [:], content: content).frames(signer: signer))
            return header["msg_id"] as? String ?? ""
        }

        /// The next message on `socket` (its signature checked), within a minute.
        func receive(_ socket: ZMQSocket) throws -> Message {
            guard try socket.poll(timeout: 60_000) else { throw KernelError("no message within a minute") }
            return try Message(frames: try socket.receive(), signer: signer)
        }

        /// The IOPub messages that are children of `id`, up to its `idle` status.
        func outputs(of id: String) throws -> [Message] {
            var out: [Message] = []
            while true {
                let m = try receive(iopub)
                guard m.parentHeader["msg_id"] as? String == id else { continue }
                out.append(m)
                if m.type == "status", m.content["execution_state"] as? String == "idle" { return out }
            }
        }
    }

    @Test func servesExecuteCompleteAndShutdown() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nn-kw-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let json = #"{"transport": "ipc", "ip": "\#(dir)/k", "shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "key": "test-key"}"#
        let info = try ConnectionInfo(json: Data(json.utf8))
        let kernel = try Kernel(connection: info, identity: .init(version: "0.0.1", banner: "test"))
        let done = DispatchSemaphore(value: 0)
        let exit = ExitBox()
        Thread {
            exit.code = kernel.run(handlesSignals: false)
            done.signal()
        }.start()
        let client = try Client(info)
        defer { client.close() }

        // The heartbeat echoes.
        try client.heartbeat.send([Array("ping".utf8)])
        #expect(try client.heartbeat.poll(timeout: 60_000) && client.heartbeat.receive() == [Array("ping".utf8)])

        // kernel_info until IOPub delivers (a subscriber misses what was published before it joined).
        var ready = false
        for _ in 0..<100 where !ready {
            let id = try client.send("kernel_info_request", [:], on: client.shell)
            let reply = try client.receive(client.shell)
            #expect(reply.type == "kernel_info_reply" && reply.parentHeader["msg_id"] as? String == id)
            #expect((reply.content["language_info"] as? JSONObject)?["name"] as? String == "nn")
            if try client.iopub.poll(timeout: 200) { ready = true }
        }
        #expect(ready)
        while try client.iopub.poll(timeout: 100) { _ = try client.iopub.receive() }

        let id = try client.send("execute_request", ["code": "let x = 20\nprint(\"hi\")\nx + 1", "silent": false], on: client.shell)
        let reply = try client.receive(client.shell)
        #expect(reply.type == "execute_reply" && reply.content["status"] as? String == "ok")
        #expect(reply.content["execution_count"] as? Int == 1)
        let outputs = try client.outputs(of: id)
        #expect(outputs.map(\.type) == ["status", "execute_input", "stream", "execute_result", "status"])
        #expect(outputs.first { $0.type == "stream" }?.content["text"] as? String == "hi\n")
        let result = outputs.first { $0.type == "execute_result" }?.content["data"] as? JSONObject
        #expect(result?["text/plain"] as? String == "21")

        let failing = try client.send("execute_request", ["code": "x + nope"], on: client.shell)
        let failed = try client.receive(client.shell)
        #expect(failed.content["status"] as? String == "error" && failed.content["ename"] as? String == "RuntimeError")
        let error = try client.outputs(of: failing).first { $0.type == "error" }
        #expect((error?.content["traceback"] as? [String])?.contains { $0.contains("x + nope") } == true)

        try client.send("complete_request", ["code": "x.", "cursor_pos": 2], on: client.shell)
        #expect(try client.receive(client.shell).type == "complete_reply")
        try client.send("comm_info_request", [:], on: client.shell)
        let comms = try client.receive(client.shell)
        #expect(comms.type == "comm_info_reply" && (comms.content["comms"] as? JSONObject)?.isEmpty == true)

        // Variables stay across cells.
        let again = try client.send("execute_request", ["code": "x * 2"], on: client.shell)
        _ = try client.receive(client.shell)
        let doubled = try client.outputs(of: again).first { $0.type == "execute_result" }?.content["data"] as? JSONObject
        #expect(doubled?["text/plain"] as? String == "40")

        try client.send("shutdown_request", ["restart": false], on: client.control)
        let bye = try client.receive(client.control)
        #expect(bye.type == "shutdown_reply" && bye.content["restart"] as? Bool == false)
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(exit.code == 0)
    }

    final class ExitBox: @unchecked Sendable {
        var code: Int32 = -1
    }
}
