import Foundation
import Testing
@testable import NNFiles

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("FileReader: reading through the gate")
struct FileReaderTests {
    @Test("a regular file is read, also through a symbolic link")
    func regular() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write("a,b\n1,2\n", to: dir + "/t.csv")
        #expect(symlink(dir + "/t.csv", dir + "/link.csv") == 0)
        #expect(try FileReader.read(dir + "/t.csv", limit: 100) == Array("a,b\n1,2\n".utf8))
        #expect(try FileReader.read(dir + "/link.csv", limit: 100) == Array("a,b\n1,2\n".utf8))
    }

    @Test("a FIFO is refused at once (no writer needed), a device and a folder too")
    func notRegular() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/pipe.csv", 0o644) == 0)
        #expect(throws: FileError(.read, dir + "/pipe.csv", "it is a FIFO (named pipe), not a regular file; nn reads only regular files")) {
            try FileReader.read(dir + "/pipe.csv", limit: 100)
        }
        #expect(throws: FileError(.read, "/dev/zero", "it is a character device, not a regular file; nn reads only regular files")) {
            try FileReader.read("/dev/zero", limit: 100)
        }
        #expect(throws: FileError(.read, dir, "it is a folder, not a regular file; nn reads only regular files")) {
            try FileReader.read(dir, limit: 100)
        }
    }

    @Test("a file over the limit, a missing file and a NUL byte are errors naming the path")
    func limits() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write(String(repeating: "x", count: 101), to: dir + "/big.csv")
        #expect(throws: FileError(.read, dir + "/big.csv", "it is 101 bytes; files over 100 bytes are refused")) {
            try FileReader.read(dir + "/big.csv", limit: 100)
        }
        #expect(throws: FileError(.read, dir + "/none.csv", "No such file or directory")) {
            try FileReader.read(dir + "/none.csv", limit: 100)
        }
        #expect(throws: FileError.self) { try FileReader.read(dir + "/big.csv\u{0}x", limit: 1000) }
    }
}

@Suite("AppendFile: the history file's gate")
struct AppendFileTests {
    @Test("a missing file is created 0600; a regular file, or a link to one, is accepted")
    func accepted() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AppendFile.prepare(dir + "/history")
        #expect((lstatOf(dir + "/history")?.st_mode ?? 0) & 0o7777 == 0o600)
        #expect(symlink(dir + "/history", dir + "/link") == 0)
        try AppendFile.prepare(dir + "/link")
        try AppendFile.prepare(dir + "/history")
        #expect(entries(dir) == ["history", "link"])
    }

    @Test("a FIFO, a device, a folder and a dangling link are refused, and left as they were")
    func refused() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/pipe", 0o644) == 0)
        #expect(throws: FileError(.write, dir + "/pipe", "it is a FIFO (named pipe), not a regular file; nn appends only to a regular file")) {
            try AppendFile.prepare(dir + "/pipe")
        }
        #expect(throws: FileError(.write, "/dev/null", "it is a character device, not a regular file; nn appends only to a regular file")) {
            try AppendFile.prepare("/dev/null")
        }
        #expect(throws: FileError.self) { try AppendFile.prepare(dir) }
        #expect(symlink(dir + "/nowhere", dir + "/dangling") == 0)
        #expect(throws: FileError(.write, dir + "/dangling", "it is a symbolic link to nothing")) {
            try AppendFile.prepare(dir + "/dangling")
        }
        #expect(entries(dir) == ["dangling", "pipe"])
    }
}
