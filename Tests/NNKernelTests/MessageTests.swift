import Foundation
import Testing
@testable import NNKernel

/// The wire form of a Jupyter message, the connection file and the kernelspec.
@Suite("Kernel messages")
struct MessageTests {
    let signer = Signer(key: Array("a-key".utf8))

    @Test func framesRoundTripWithIdentitiesAndBuffers() throws {
        let header = Message.header(type: "execute_request", session: "s1")
        let m = Message(identities: [[1, 2, 3]], header: header, parentHeader: [:], metadata: ["m": 1],
                        content: ["code": "1 + 1", "silent": false], buffers: [[9, 9]])
        let frames = try m.frames(signer: signer)
        #expect(frames[0] == [1, 2, 3] && frames[1] == Message.delimiter)
        #expect(frames.count == 1 + 1 + 1 + 4 + 1)
        let back = try Message(frames: frames, signer: signer)
        #expect(back.identities == [[1, 2, 3]] && back.type == "execute_request")
        #expect(back.content["code"] as? String == "1 + 1" && back.buffers == [[9, 9]])
        #expect(back.header["version"] as? String == "5.3" && back.header["session"] as? String == "s1")
    }

    @Test func aBadSignatureOrAnotherKeyIsRefused() throws {
        let m = Message(identities: [], header: Message.header(type: "kernel_info_request", session: "s"), parentHeader: [:],
                        content: [:])
        var frames = try m.frames(signer: signer)
        #expect(throws: KernelError.self) { try Message(frames: frames, signer: Signer(key: Array("other".utf8))) }
        frames[frames.count - 1] = Array("{\"x\":1}".utf8)  // the content changed after signing
        #expect(throws: KernelError.self) { try Message(frames: frames, signer: signer) }
    }

    @Test func malformedFramesAreErrorsNotCrashes() {
        #expect(throws: KernelError.self) { try Message(frames: [], signer: signer) }
        #expect(throws: KernelError.self) { try Message(frames: [Message.delimiter, [], [], []], signer: signer) }
        let open = Signer(key: [])
        let notJSON: [[UInt8]] = [Message.delimiter, [], Array("{".utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)]
        #expect(throws: KernelError.self) { try Message(frames: notJSON, signer: open) }
        let array: [[UInt8]] = [Message.delimiter, [], Array("[]".utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)]
        #expect(throws: KernelError.self) { try Message(frames: array, signer: open) }
    }

    @Test func theDateIsISO8601InUTC() {
        let date = Message.isoDate()
        #expect(date.count >= 24 && date.hasSuffix("Z") && date.contains("T"))
    }

    @Test func connectionFilesAreCheckedFieldByField() throws {
        let good = #"{"transport": "tcp", "ip": "127.0.0.1", "shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005, "key": "k", "signature_scheme": "hmac-sha256", "kernel_name": "nn"}"#
        let info = try ConnectionInfo(json: Data(good.utf8))
        #expect(info.shellPort == 5001 && info.hbPort == 5005 && info.key == "k")
        #expect(info.endpoint(info.shellPort) == "tcp://127.0.0.1:5001")
        let ipc = try ConnectionInfo(json: Data(good.replacingOccurrences(of: "\"tcp\"", with: "\"ipc\"").utf8))
        #expect(ipc.endpoint(5001) == "ipc://127.0.0.1-5001")
        func refused(_ text: String, _ message: String) {
            do {
                _ = try ConnectionInfo(json: Data(text.utf8), name: "c.json")
                Issue.record("accepted \(text)")
            } catch let e as KernelError {
                #expect(e.message.contains(message), "\(e.message)")
            } catch {
                Issue.record("\(error)")
            }
        }
        refused("[1]", "not a JSON object")
        refused(good.replacingOccurrences(of: "\"shell_port\": 5001", with: "\"shell_port\": 70000"), "'shell_port' must be a port number")
        refused(good.replacingOccurrences(of: "\"shell_port\": 5001,", with: ""), "'shell_port' must be a port number")
        refused(good.replacingOccurrences(of: "hmac-sha256", with: "hmac-md5"), "signature_scheme \"hmac-md5\" is not supported")
        refused(good.replacingOccurrences(of: "\"tcp\"", with: "\"udp\""), "transport must be")
    }

    @Test func theKernelspec() throws {
        let spec = KernelSpec(executable: "/opt/nn/bin/nn")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(spec.json.utf8)) as? [String: Any])
        #expect(json["argv"] as? [String] == ["/opt/nn/bin/nn", "kernel", "-f", "{connection_file}"])
        #expect(json["display_name"] as? String == "nn" && json["language"] as? String == "nn")
        #expect(json["interrupt_mode"] as? String == "message")
        #expect(try KernelSpec.Location.prefix("/p").kernelsDirectory() == "/p/share/jupyter/kernels")
        #expect(try KernelSpec.Location.user.kernelsDirectory(environment: ["HOME": "/h"]).hasPrefix("/h/"))
        #expect(try KernelSpec.Location.user.kernelsDirectory(environment: ["HOME": "/h", "JUPYTER_DATA_DIR": "/j"]) == "/j/kernels")
        #expect(throws: KernelError.self) { try KernelSpec.Location.user.kernelsDirectory(environment: [:]) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nn-spec-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = try spec.install(at: .prefix(dir))
        #expect(folder == dir + "/share/jupyter/kernels/nn")
        #expect(try String(contentsOfFile: folder + "/kernel.json", encoding: .utf8) == spec.json)
        var bad = spec
        bad.name = "../escape"
        #expect(throws: KernelError.self) { try bad.install(at: .prefix(dir)) }
    }
}

/// The kernel's own JSON writer and reader (no Foundation in `nn`), checked
/// against Foundation's `JSONSerialization`.
@Suite("Kernel JSON")
struct KernelJSONTests {
    @Test func writtenTextReadsBackWithFoundation() throws {
        let object: JSONObject = ["s": "a/b \"q\" \\ \n\t\u{01} é 😀", "i": 42, "d": 0.25, "neg": -1e-5, "t": true, "f": false,
                                  "n": JSONNull(), "list": [1, "two", [3]] as [Any], "empty": JSONObject(), "none": [Any](),
                                  "nested": ["k": ["x": 1] as JSONObject] as JSONObject]
        let text = try JSONText.text(object)
        #expect(text.contains("a/b"), "slashes are not escaped")
        let back = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(back["s"] as? String == "a/b \"q\" \\ \n\t\u{01} é 😀")
        #expect(back["i"] as? Int == 42 && back["d"] as? Double == 0.25 && back["neg"] as? Double == -1e-5)
        #expect(back["t"] as? Bool == true && back["f"] as? Bool == false && back["n"] is NSNull)
        #expect((back["list"] as? [Any])?.count == 3 && (back["empty"] as? [String: Any])?.isEmpty == true)
        // And through the kernel's reader: numbers as Int or Double, booleans as Bool, null as JSONNull.
        let mine = try #require(JSONText.object(Array(text.utf8)))
        #expect(mine["i"] as? Int == 42 && mine["d"] as? Double == 0.25 && mine["t"] as? Bool == true && mine["n"] is JSONNull)
        #expect(mine["i"] as? Bool == nil, "a number is not a bool")
        #expect(((mine["nested"] as? JSONObject)?["k"] as? JSONObject)?["x"] as? Int == 1)
    }

    @Test func unwritableValuesAreErrors() {
        #expect(throws: JSONText.Unwritable.self) { try JSONText.text(["x": Double.nan] as JSONObject) }
        #expect(throws: JSONText.Unwritable.self) { try JSONText.text(["x": Float(1)] as JSONObject) }
        #expect(JSONText.object(Array("[1]".utf8)) == nil && JSONText.object(Array("{\"a\":1,\"a\":2}".utf8)) == nil)
    }

    @Test func prettyKernelSpecIsFoundationsLayout() throws {
        let spec = KernelSpec(executable: "/opt/nn/bin/nn")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(spec.json.utf8)) as? [String: Any])
        let foundation = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        #expect(spec.json == String(decoding: foundation, as: UTF8.self) + "\n")
    }

    @Test func dateHasMicroseconds() {
        let d = Message.isoDate()
        #expect(d.count == "2024-05-01T12:00:00.123456Z".count && d.hasSuffix("Z"), "\(d)")
        #expect(d.dropFirst(19).first == ".")
    }
}
