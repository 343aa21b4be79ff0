import Foundation
import Testing
import NNTensor
@testable import NNLib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `read_csv` on paths that are not readable files says why (issue 15): a
/// folder, a FIFO (which would block), a missing file; and a byte-order mark
/// is not part of the first column's name.
@Suite struct CSVFileTests {
    /// A fresh folder under the temporary directory.
    func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "nn-csv-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func folderSaysItIsAFolder() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: TensorError(op: "read_csv", "cannot read '\(dir)': it is a folder, not a regular file; nn reads only regular files")) {
            try readCSV(path: dir)
        }
    }

    @Test func fifoIsRefusedWithoutWaiting() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/pipe.csv"
        try #require(mkfifo(fifo, 0o600) == 0)
        // No writer ever opens it: reading would block forever; the refusal comes first.
        #expect(throws: TensorError(op: "read_csv", "cannot read '\(fifo)': it is a FIFO (named pipe), not a regular file; nn reads only regular files")) {
            try readCSV(path: fifo)
        }
    }

    @Test func missingFileAndMissingFolder() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: TensorError(op: "read_csv", "cannot read '\(dir)/none.csv': No such file or directory")) {
            try readCSV(path: dir + "/none.csv")
        }
        // A file inside a regular file: the system's reason (strerror), not "no such file".
        let plain = dir + "/plain.csv"
        try "a\n1\n".write(toFile: plain, atomically: true, encoding: .utf8)
        #expect(throws: TensorError(op: "read_csv", "cannot read '\(plain)/x.csv': Not a directory")) {
            try readCSV(path: plain + "/x.csv")
        }
    }

    @Test func textThatIsNotUTF8SaysWhere() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/latin1.csv"
        try Data(Array("name,x\nabc,1\ncaf".utf8) + [0xE9] + Array(",2\n".utf8)).write(to: URL(fileURLWithPath: path))
        #expect(throws: TensorError(op: "read_csv", "'\(path)' is not UTF-8 text: byte 0xE9 on line 3 is not UTF-8 (save it as UTF-8)")) {
            try readCSV(path: path, encode: true)
        }
    }

    @Test func byteOrderMarkIsNotPartOfTheFirstName() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bom.csv"
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a,b\n1,2\n3,4\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let t = try readCSV(path: path, target: "a")
        #expect(t.columns == ["b"])
        #expect(t.y?.doubles == [1, 3])
    }
}
