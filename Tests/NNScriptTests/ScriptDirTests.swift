import Foundation
import NNScript
import Testing

/// `script_dir()`: the folder of the file a call is written in, so a script
/// finds the files next to it from any working directory.
@Suite("script_dir")
struct ScriptDirTests {
    func dir(_ source: String = "script_dir()", name: String, in nn: Interpreter? = nil) throws -> String {
        let nn = nn ?? Interpreter(options: .init(output: { _ in }, filePolicy: .unrestricted))
        return try nn.run(source: source, name: name).description
    }

    @Test func isTheFolderOfTheScriptPath() throws {
        #expect(try dir(name: "examples/01_task_strategy.nn") == "examples")
        #expect(try dir(name: "/work/nn/examples/train.nn") == "/work/nn/examples")
        #expect(try dir(name: "../up/train.nn") == "../up")
        #expect(try dir(name: "/train.nn") == "/")
        #expect(try dir(name: "train.nn") == ".")
    }

    @Test func isTheCurrentFolderWithoutAFile() throws {
        for name in ["<stdin:3>", "<stdin>", "-e", "<input>"] {
            #expect(try dir(name: name) == ".")
        }
    }

    /// A function keeps the folder of the file it is written in, wherever it is called from.
    @Test func belongsToTheFileOfTheCall() throws {
        let nn = Interpreter(options: .init(output: { _ in }, allowsRedeclaration: true, filePolicy: .unrestricted))
        try nn.run(source: "fn data_file(name) = \"{script_dir()}/data/{name}\"", name: "lib/paths.nn")
        #expect(try dir("data_file(\"x.csv\")", name: "<stdin:2>", in: nn) == "lib/data/x.csv")
        #expect(try dir(name: "<stdin:3>", in: nn) == ".")
    }

    /// A script reads a file next to itself when run from another folder.
    @Test func findsAFileNextToTheScript() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nn-script-dir-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "a,b\n1,2\n3,4\n".write(to: folder.appendingPathComponent("numbers.csv"), atomically: true, encoding: .utf8)
        let script = "let d = read_csv(\"{script_dir()}/numbers.csv\", target: \"b\")\nd.X.shape"
        #expect(try dir(script, name: folder.appendingPathComponent("read.nn").path) == "[2, 1]")
    }
}
