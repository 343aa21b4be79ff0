import Foundation
import NNScript
import NNTensor
import Testing
@testable import NNKernel

/// complete, inspect and is_complete answered from a session, and how
/// values become MIME data.
@Suite("Kernel requests")
struct RequestTests {
    static func session(_ source: String = "") throws -> Session {
        let s = Session(interpreter: Interpreter(options: .init(output: { _ in }, allowsRedeclaration: true)))
        if !source.isEmpty { try s.run(source) }
        return s
    }

    @Test func completesNamedArgumentsMembersAndNames() throws {
        let s = try Self.session("let model = Sequential(Linear(2, 4))")
        var code = "Adam(model.parameters(), l"
        var r = Kernel.complete(["code": code, "cursor_pos": code.count], in: s)
        #expect((r["matches"] as? [String])?.contains("lr:") == true)
        #expect(r["cursor_start"] as? Int == code.count - 1 && r["cursor_end"] as? Int == code.count)
        code = "model.par"
        r = Kernel.complete(["code": code, "cursor_pos": code.count], in: s)
        #expect((r["matches"] as? [String])?.contains("parameters") == true && r["cursor_start"] as? Int == 6)
        // The cursor counts Unicode code points: "é" is one, "👍" is one.
        code = "let é👍 = 1\ncritical_po"
        r = Kernel.complete(["code": code, "cursor_pos": code.unicodeScalars.count], in: s)
        #expect(r["matches"] as? [String] == ["critical_point"])
        #expect(r["cursor_start"] as? Int == code.unicodeScalars.count - 11)
        // A cursor in the middle completes the word before it.
        r = Kernel.complete(["code": "hessi + 1", "cursor_pos": 5], in: s)
        #expect((r["matches"] as? [String])?.contains("hessian") == true && r["cursor_start"] as? Int == 0 && r["cursor_end"] as? Int == 5)
        // A cursor out of range is clamped, never trapped on.
        r = Kernel.complete(["code": "gra", "cursor_pos": 99], in: s)
        #expect((r["matches"] as? [String])?.contains("grad") == true)
        r = Kernel.complete(["code": "gra", "cursor_pos": -4], in: s)
        #expect(r["cursor_start"] as? Int == 0)
    }

    @Test func completesFileNamesInAString() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nn-complete-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/data.csv", contents: Data())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try Self.session()
        let code = "read_csv(\"\(dir)/d"
        let r = Kernel.complete(["code": code, "cursor_pos": code.unicodeScalars.count], in: s)
        #expect(r["matches"] as? [String] == ["data.csv"] && r["cursor_start"] as? Int == code.unicodeScalars.count - 1)
        let code2 = "read_csv(\"\(dir)/s"
        #expect(Kernel.complete(["code": code2, "cursor_pos": code2.unicodeScalars.count], in: s)["matches"] as? [String] == ["sub/"])
    }

    @Test func inspectShowsHelp() throws {
        let s = try Self.session("## Doubles x.\nfn twice(x) = 2 * x")
        var r = Kernel.inspect(["code": "grad(", "cursor_pos": 5], in: s)
        #expect(r["found"] as? Bool == true)
        #expect(((r["data"] as? [String: Any])?["text/plain"] as? String)?.hasPrefix("grad(f, x: nil)") == true)
        r = Kernel.inspect(["code": "twice(3)", "cursor_pos": 2], in: s)
        #expect(((r["data"] as? [String: Any])?["text/plain"] as? String)?.contains("Doubles x.") == true)
        r = Kernel.inspect(["code": "t.sum", "cursor_pos": 5], in: s)
        #expect(((r["data"] as? [String: Any])?["text/plain"] as? String)?.hasPrefix("sum(") == true)
        r = Kernel.inspect(["code": "no_such_thing", "cursor_pos": 4], in: s)
        #expect(r["found"] as? Bool == false && r["status"] as? String == "ok")
        r = Kernel.inspect(["code": "   ", "cursor_pos": 1], in: s)
        #expect(r["found"] as? Bool == false)
    }

    @Test func isCompleteFollowsTheREPL() {
        func status(_ code: String) -> String? { Kernel.isComplete(["code": code])["status"] as? String }
        #expect(status("fn f(x) {") == "incomplete")
        #expect(status("let a = [1,\n  2") == "incomplete")
        #expect(status("\"open string") == "incomplete")
        #expect(status("1 +") == "incomplete")
        #expect(status("1 + 1") == "complete")
        #expect(status("1 + )") == "invalid")
        #expect(status("?grad") == "complete" && status(":vars") == "complete" && status("") == "complete")
        #expect(Kernel.isComplete(["code": "fn f(x) {"])["indent"] as? String == "  ")
        #expect(Kernel.isComplete(["code": "fn f(x) {\n    let y = [1,"])["indent"] as? String == "    ")
        #expect(Kernel.isComplete(["code": "fn f(x) {\n    let y = ["])["indent"] as? String == "      ")
    }

    @Test func tensorsAndRecordsGetHTMLTables() throws {
        let t = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6.5])
        let data = MimeBundle.value(.tensor(t))
        let html = try #require(data["text/html"] as? String)
        #expect(html.contains("<caption>shape [2, 3] · float32</caption>"))
        #expect(html.contains("<tr><th>1</th><td>4.0000</td><td>5.0000</td><td>6.5000</td></tr>"))
        #expect(data["text/plain"] as? String == Value.tensor(t).repr)
        let big = try Tensor(shape: [100, 50], values: (0..<5000).map(Double.init))
        let bigHTML = try #require(MimeBundle.value(.tensor(big))["text/html"] as? String)
        #expect(bigHTML.contains("<th>…</th>") && bigHTML.contains("<th>⋮</th>") && bigHTML.contains("<td>4999</td>"))
        #expect(bigHTML.components(separatedBy: "<tr>").count - 1 == 1 + 31)  // header, 15 + ⋮ + 15 rows
        let mask = try Tensor(shape: [2], values: [1, 0], dtype: .bool)
        #expect((MimeBundle.value(.tensor(mask))["text/html"] as? String)?.contains("<td>True</td><td>False</td>") == true)
        #expect(MimeBundle.value(.tensor(Tensor(scalar: 3)))["text/html"] == nil)  // a 0-d tensor: text only
        // int64 elements exactly, beyond 2**53 too (not in scientific notation)
        let labels = try Tensor(shape: [2], int64s: [3, (1 << 60) + 1])
        #expect((MimeBundle.value(.tensor(labels))["text/html"] as? String)?.contains("<td>3</td><td>1152921504606846977</td>") == true)
        let record = Value.record([("name", .string("<b>")), ("n", .number(2))])
        let rhtml = try #require(MimeBundle.value(record)["text/html"] as? String)
        #expect(rhtml.contains("&quot;&lt;b&gt;&quot;") && !rhtml.contains("<b>"))
        #expect(MimeBundle.value(.number(2))["text/html"] == nil)
    }

    @Test func aFigureIsSVGWithItsText() {
        let d = MimeBundle.display(DisplayOutput(text: "picture", svg: "<svg/>"))
        #expect(d["image/svg+xml"] as? String == "<svg/>" && d["text/plain"] as? String == "picture")
        #expect(MimeBundle.display(DisplayOutput(text: "epoch 1/2"))["image/svg+xml"] == nil)
    }
}
