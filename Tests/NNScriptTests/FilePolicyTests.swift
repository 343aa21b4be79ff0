import Foundation
@testable import NNScript
import Testing

/// The interpreter's file policy seen from scripts: every file builtin asks
/// the gate, an embedded interpreter touches no file unless granted, and a
/// refusal names the path and the permission without reading anything.
@Suite("File policy")
struct FilePolicyTests {
    /// A scratch folder (its real path) with `data/t.csv`, `outside/secret.csv` and `out/`.
    static func tree() throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("nn-policy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let dir = try #require(realpath(base, nil).map { p in defer { free(p) }; return String(cString: p) })
        for sub in ["data", "outside", "out"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        try "a,b\n1,2\n3,4\n".write(toFile: dir + "/data/t.csv", atomically: true, encoding: .utf8)
        try "SECRET,KEY\nhunter2,x\n".write(toFile: dir + "/outside/secret.csv", atomically: true, encoding: .utf8)
        return dir
    }

    /// Runs `source` under `policy`: the printed output and the runtime error message, if any.
    static func run(_ source: String, _ policy: FilePolicy?,
                    advice: (@Sendable (FileAccess) -> String)? = nil) -> (output: String, error: String?) {
        var output = ""
        var options = Interpreter.Options(output: { output += $0 }, errorOutput: { _ in })
        if let policy { options.filePolicy = policy }
        if let advice { options.filePolicyAdvice = advice }
        let nn = Interpreter(options: options)
        do {
            try nn.run(source: source, name: "policy.nn")
            return (output, nil)
        } catch let e as ScriptError {
            return (output, e.message)
        } catch {
            return (output, "\(error)")
        }
    }

    /// The names a parameter that names a file has (docs/sandbox.md, "For authors of builtins").
    static let fileParameters: Set<String> = ["path", "file", "checkpoint", "resume"]

    /// One call of each builtin that names a file (each parameter of
    /// ``fileParameters`` it has), with the file `P` (a path the test chooses).
    static let fileCalls: [(name: String, source: String, access: FileAccess)] = [
        ("read_csv", "read_csv(P)", .read),
        ("load", "load(P + \".npy\")", .read),
        ("load_metadata", "load_metadata(P + \".safetensors\")", .read),
        ("load_checkpoint", "load_checkpoint(P + \".safetensors\", model: Linear(2, 2), strict: false)", .read),
        ("save_checkpoint", "save_checkpoint(P + \".safetensors\", model: Linear(2, 2))", .write),
        ("export_torch", "export_torch(Linear(2, 1), P + \".py\")", .write),
        ("fit checkpoint", "fit(Linear(2, 2), cross_entropy, data: moons(8), epochs: 1, verbose: false, checkpoint: P + \".safetensors\")", .write),
        ("fit resume", "fit(Linear(2, 2), cross_entropy, data: moons(8), epochs: 1, verbose: false, resume: P + \".safetensors\")", .read),
        ("save", "save(ones([2]), P + \".npy\")", .write),
        ("write_csv", "write_csv(P, ones([2, 2]))", .write),
        ("plot", "plot([1, 2, 3], file: P + \".svg\")", .write),
        ("hist", "hist([1, 2, 3], file: P + \".svg\")", .write),
        ("surface", "surface(fn(x, y) = x * y, resolution: 4, file: P + \".svg\")", .write),
        ("savefig", "plot([1, 2]); savefig(P + \".svg\")", .write),
    ]

    @Test func everyBuiltinThatNamesAFileHasACallHere() {
        let called = Set(Self.fileCalls.map(\.name))
        // Builtins, and methods of library objects (`Module.save` would be listed as such).
        let all = Registry().all + LibraryTypes.all.flatMap(\.methods)
        #expect(all.count > Registry().all.count, "no methods found")
        for b in all {
            for p in b.parameters where Self.fileParameters.contains(p.name) {
                // A builtin with one such parameter is listed by its name; one with several, as "name parameter".
                let several = b.parameters.filter { Self.fileParameters.contains($0.name) }.count > 1
                let key = several ? "\(b.name) \(p.name)" : b.name
                #expect(called.contains(key), "\(b.signature) names a file in '\(p.name)': add a call \"\(key)\" to fileCalls (and ask the gate: a.path(\"\(p.name)\", .read))")
            }
        }
    }

    @Test("an embedded interpreter may touch no file by default", arguments: fileCalls.map(\.source))
    func defaultIsNoAccess(_ call: String) throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for path in [dir + "/data/t.csv", dir + "/out/new"] {
            let before = try FileManager.default.subpathsOfDirectory(atPath: dir).sorted()
            let r = Self.run("let P = \(String(reflecting: path))\n" + call, nil)
            let error = try #require(r.error, "\(call) ran with no file policy")
            #expect(error.contains("is not allowed (the script may not "), "\(error)")
            #expect(error.contains("; the program running the script grants file access with Interpreter.Options.filePolicy)"))
            #expect(try FileManager.default.subpathsOfDirectory(atPath: dir).sorted() == before, "\(call) wrote a file")
        }
    }

    @Test("a refusal is an error of kind .permission naming the path and the access", arguments: fileCalls.map(\.name))
    func refusalsHaveThePermissionKind(_ name: String) throws {
        let call = try #require(Self.fileCalls.first { $0.name == name })
        let nn = Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }))
        do {
            try nn.run(source: "let P = \"/nowhere/f\"\n" + call.source, name: "policy.nn")
            Issue.record("\(call.name) ran with no file policy")
        } catch let e as ScriptError {
            guard case .permission(let path, let access) = e.kind else {
                Issue.record("\(call.name): kind \(e.kind), expected .permission (\(e.message))")
                return
            }
            #expect(path.hasPrefix("/nowhere/f"), "\(path)")
            #expect(access == call.access)
            #expect(e.kind.isCatchable)
            #expect(e.message.contains("'\(path)' is not allowed"), "\(e.message)")
        }
        // A path that cannot name a file is not a refusal: an ordinary runtime error.
        let open = Interpreter(options: .init(output: { _ in }, filePolicy: .roots(read: ["/"], write: [])))
        #expect(throws: ScriptError.self) { try open.run(source: "read_csv(\"\")") }
        do { try open.run(source: "read_csv(\"\")") } catch let e as ScriptError { #expect(e.kind == .runtime, "\(e.kind)") }
    }

    @Test func theRefusalNamesTheBuiltinThePathAndThePermission() throws {
        let r = Self.run("read_csv(\"/etc/passwd\")", .roots(read: ["/home/u/data"], write: []),
                         advice: { $0 == .read ? "run nn with --allow-read DIR" : "run nn with --allow-write DIR" })
        #expect(r.error == "read_csv: reading '/etc/passwd' is not allowed (the script may read only under /home/u/data; run nn with --allow-read DIR)")
        let w = Self.run("plot([1, 2], file: \"/tmp/x.svg\")", .roots(read: ["/home/u/data"], write: []),
                         advice: { $0 == .read ? "run nn with --allow-read DIR" : "run nn with --allow-write DIR" })
        #expect(w.error == "plot: writing '/tmp/x.svg' is not allowed (the script may not write files; run nn with --allow-write DIR)")
    }

    @Test func readsAndWritesUnderTheRootsWork() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let policy = FilePolicy.roots(read: [dir + "/data"], write: [dir + "/out"])
        let r = Self.run("""
            let d = read_csv("\(dir)/data/t.csv", target: "b")
            print(d.X.shape)
            write_csv("\(dir)/out/t2.csv", d.X, y: d.y)
            print(read_csv("\(dir)/out/t2.csv", target: "y").y)
            save({w: d.X}, "\(dir)/out/w.safetensors")
            print(load("\(dir)/out/w.safetensors").w.shape)
            plot([1, 2, 3], file: "\(dir)/out/p.svg")
            savefig("\(dir)/out/q.svg")
            """, policy)
        #expect(r.error == nil)
        #expect(r.output == "[2, 1]\ntensor([2., 4.], shape=[2], dtype=float32)\n[2, 1]\n")
        for name in ["t2.csv", "w.safetensors", "p.svg", "q.svg"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/out/" + name), "\(name) missing")
        }
    }

    @Test func exportTorchAsksForItsWeightsFileToo() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A root that is one file grants that file only: the weights beside it are refused, and nothing is written.
        let r = Self.run("export_torch(Linear(2, 1), \"\(dir)/out/net.py\")", .roots(read: [], write: [dir + "/out/net.py"]))
        #expect(r.error?.hasPrefix("export_torch: writing '\(dir)/out/net.safetensors' is not allowed (the script may write only under \(dir)/out/net.py;") == true,
                "\(r.error ?? "no error")")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out") == [])
        let ok = Self.run("export_torch(Linear(2, 1), \"\(dir)/out/net.py\")", .roots(read: [], write: [dir + "/out"]))
        #expect(ok.error == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/out").sorted() == ["net.py", "net.safetensors"])
    }

    @Test func readOnlyRootsRefuseWrites() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = Self.run("write_csv(\"\(dir)/data/t.csv\", ones([1, 1]))", .roots(read: [dir + "/data"], write: []))
        #expect(r.error?.hasPrefix("write_csv: writing '\(dir)/data/t.csv' is not allowed (the script may not write files") == true)
        #expect(try String(contentsOfFile: dir + "/data/t.csv", encoding: .utf8) == "a,b\n1,2\n3,4\n")
    }

    @Test func symlinkAndDotDotEscapesAreRefusedWithoutReadingTheFile() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(symlink(dir + "/outside/secret.csv", dir + "/data/innocent.csv") == 0)
        #expect(symlink(dir + "/outside", dir + "/data/more") == 0)
        let policy = FilePolicy.roots(read: [dir + "/data"], write: [dir + "/data"])
        for path in ["data/innocent.csv", "data/more/secret.csv", "data/../outside/secret.csv", "data/more/../data/../outside/secret.csv"] {
            let r = Self.run("read_csv(\"\(dir)/\(path)\", encode: true)", policy)
            let error = try #require(r.error, "\(path) was read")
            #expect(error.contains("(that is, \(dir)/outside/secret.csv) is not allowed"), "\(error)")
            #expect(!error.contains("SECRET") && !error.contains("hunter2"))
        }
        // Writing through the escapes: refused, and nothing appears outside.
        let w = Self.run("write_csv(\"\(dir)/data/more/new.csv\", ones([1, 1]))", policy)
        #expect(w.error?.contains("writing '\(dir)/data/more/new.csv' (that is, \(dir)/outside/new.csv) is not allowed") == true)
        #expect(!FileManager.default.fileExists(atPath: dir + "/outside/new.csv"))
    }

    @Test func aRefusalIsAnOrdinaryErrorAScriptCanCatch() {
        let r = Self.run("""
            let ok = try { read_csv("/etc/hostname"); true } catch e { print(e); false }
            print(ok)
            """, FilePolicy.none)
        #expect(r.error == nil)
        #expect(r.output.hasSuffix("false\n"))
        #expect(r.output.hasPrefix("read_csv: reading '/etc/hostname' is not allowed"))
    }

    @Test func unrestrictedIsTheCommandsDefaultAndAllowsAnything() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = Self.run("print(read_csv(\"\(dir)/outside/secret.csv\", encode: true).columns)", .unrestricted)
        #expect(r.error == nil)
        #expect(r.output == "[\"SECRET\", \"KEY\"]\n")
    }

    /// read_csv's errors quote the file (a cell, the header) only under
    /// `.unrestricted`; under roots that grant the read they name rows and
    /// columns by number, so a message tells nothing the file holds.
    @Test func readCSVErrorsQuoteTheFileOnlyWhenUnrestricted() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "SECRET,KEY\nhunter2,1\n".write(toFile: dir + "/data/s.csv", atomically: true, encoding: .utf8)
        try "A,B,A\n1,2,3\n".write(toFile: dir + "/data/dup.csv", atomically: true, encoding: .utf8)
        try "A,B\n1,NA\n".write(toFile: dir + "/data/na.csv", atomically: true, encoding: .utf8)
        let p = dir + "/data/"
        let roots = FilePolicy.roots(read: [dir + "/data"], write: [])
        let cases: [(call: String, open: String, closed: String)] = [
            ("read_csv(\"\(p)s.csv\")",
             "row 1 (line 2), column 'SECRET': 'hunter2' is not a number", "row 1 (line 2), column 1: the cell is not a number"),
            ("read_csv(\"\(p)s.csv\", target: \"y\")",
             "has no column 'y'; its columns are SECRET, KEY", "has no column 'y' (its header has 2 columns)"),
            ("read_csv(\"\(p)dup.csv\")", "column name 'A' appears twice", "columns 1 and 3 of the header have the same name"),
            ("read_csv(\"\(p)na.csv\")", "row 1 (line 2), column 'B': missing value 'NA'", "row 1 (line 2), column 2: missing value (pass"),
        ]
        for c in cases {
            let open = try #require(Self.run(c.call, .unrestricted).error, "\(c.call)")
            #expect(open.contains(c.open), "\(open)")
            let closed = try #require(Self.run(c.call, roots).error, "\(c.call)")
            #expect(closed.contains(c.closed), "\(closed)")
            for word in ["SECRET", "hunter2", "KEY", "'A'", "NA'"] { #expect(!closed.contains(word), "\(closed) quotes \(word)") }
        }
    }

    @Test func checkFileServesHostsAndFrontEnds() {
        let nn = Interpreter(options: .init(output: { _ in }, filePolicy: .roots(read: ["/usr"], write: [])))
        #expect(throws: Never.self) { try nn.checkFile("/usr/lib", .read, for: ":load") }
        do {
            try nn.checkFile("/etc/x.nn", .read, for: ":load")
            Issue.record("allowed")
        } catch {
            #expect("\(error)".hasPrefix(":load: reading '/etc/x.nn' is not allowed (the script may read only under /usr;"))
            #expect((error as? BuiltinError)?.kind == .permission(path: "/etc/x.nn", access: .read))
        }
    }
}
