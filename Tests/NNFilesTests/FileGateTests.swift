import Foundation
import Testing
@testable import NNFiles

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file gate: where a path leads, and whether a policy grants it.
@Suite("FileGate: the file policy")
struct FileGateTests {
    /// A scratch folder by its real path (no link in it), holding `data/t.csv`,
    /// `outside/secret.txt` and `out/`.
    static func tree() throws -> String {
        let dir = try #require(FileGate.realPath(Array(try scratchFolder().utf8)).map { String(decoding: $0, as: UTF8.self) })
        for sub in ["data", "outside", "out"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        try AtomicFile.write("a,b\n1,2\n", to: dir + "/data/t.csv")
        try AtomicFile.write("SECRET", to: dir + "/outside/secret.txt")
        return dir
    }

    static func resolved(_ path: String) -> String? {
        FileGate.resolve(Array(path.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func denial(_ gate: FileGate, _ path: String, _ access: FileAccess) -> FileAccessDenied? {
        do {
            try gate.check(path, access)
            return nil
        } catch let e as FileAccessDenied {
            return e
        } catch {
            Issue.record("expected FileAccessDenied, got \(error)")
            return nil
        }
    }

    @Test("a path is made absolute, `.` and `..` collapsed, links followed, the missing rest kept")
    func resolves() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cwd = String(decoding: try #require(FileGate.currentDirectory()), as: UTF8.self)
        #expect(Self.resolved("x/y.csv") == (cwd == "/" ? "" : cwd) + "/x/y.csv")
        #expect(Self.resolved(dir + "/./data//../data/t.csv") == dir + "/data/t.csv")
        #expect(Self.resolved(dir + "/data/new/../new.csv") == dir + "/data/new.csv")
        #expect(Self.resolved("/") == "/")
        #expect(Self.resolved("/..") == "/")
        // `link/..` is the parent of the link's target, as the kernel reads it.
        #expect(symlink(dir + "/outside/", dir + "/data/up") == 0)
        #expect(Self.resolved(dir + "/data/up/secret.txt") == dir + "/outside/secret.txt")
        #expect(Self.resolved(dir + "/data/up/../data/t.csv") == dir + "/data/t.csv")
        // A dangling link is followed to where a write through it would go.
        #expect(symlink("../outside/new.txt", dir + "/data/dangling") == 0)
        #expect(Self.resolved(dir + "/data/dangling") == dir + "/outside/new.txt")
        // Links that loop lead nowhere.
        #expect(symlink(dir + "/data/loop2", dir + "/data/loop1") == 0)
        #expect(symlink(dir + "/data/loop1", dir + "/data/loop2") == 0)
        #expect(Self.resolved(dir + "/data/loop1/x") == nil)
    }

    @Test("unrestricted grants everything without looking; none grants nothing")
    func unrestrictedAndNone() throws {
        let open = FileGate(.unrestricted)
        #expect(try open.check("/etc/passwd", .read) == "/etc/passwd")
        #expect(try open.check("anything/../at/all", .write) == "anything/../at/all")
        let closed = FileGate(.none, advice: { _ in "ask" })
        let e = try #require(Self.denial(closed, "t.csv", .read))
        #expect(e.description == "reading 't.csv' is not allowed (the script may not read files; ask)")
        #expect(Self.denial(closed, "/tmp/out.svg", .write)?.description
                == "writing '/tmp/out.svg' is not allowed (the script may not write files; ask)")
    }

    @Test("a read root grants reading under it and nothing else; a write root grants both")
    func roots() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gate = FileGate(.roots(read: [dir + "/data"], write: [dir + "/out"]), advice: { "grant \($0.rawValue)" })
        #expect(try gate.check(dir + "/data/t.csv", .read) == dir + "/data/t.csv")
        #expect(try gate.check(dir + "/data", .read) == dir + "/data")
        #expect(try gate.check(dir + "/out/new/deeper.csv", .write) == dir + "/out/new/deeper.csv")
        #expect(try gate.check(dir + "/out/x.csv", .read) == dir + "/out/x.csv")
        #expect(Self.denial(gate, dir + "/data/t.csv", .write)?.description
                == "writing '\(dir)/data/t.csv' is not allowed (the script may write only under \(dir)/out; grant write)")
        #expect(Self.denial(gate, dir + "/outside/secret.txt", .read)?.description
                == "reading '\(dir)/outside/secret.txt' is not allowed (the script may read only under \(dir)/data, \(dir)/out; grant read)")
        // A root is a folder, not a prefix of names: `data2` is not under `data`.
        #expect(Self.denial(gate, dir + "/data2/t.csv", .read) != nil)
        #expect(Self.denial(gate, dir + "/dat", .read) != nil)
        // A folder granted twice is named once.
        let twice = FileGate(.roots(read: [dir + "/data", dir + "/data/"], write: [dir + "/data/."]), advice: { _ in "" })
        #expect(Self.denial(twice, "/", .read)?.description == "reading '/' is not allowed (the script may read only under \(dir)/data)")
        #expect(try FileGate(.roots(read: ["/"], write: [])).check(dir + "/outside/secret.txt", .read) == dir + "/outside/secret.txt")
        // An empty root is not the working directory, and a NUL cannot shorten a root to a wider one.
        let odd = FileGate(.roots(read: ["", dir + "/out\u{0}/../../outside"], write: []), advice: { _ in "" })
        let cwd = String(decoding: try #require(FileGate.currentDirectory()), as: UTF8.self)
        #expect(Self.denial(odd, cwd + "/x.csv", .read)?.description == "reading '\(cwd)/x.csv' is not allowed (the script may not read files)")
        #expect(Self.denial(odd, dir + "/out/x.csv", .read) != nil)
    }

    @Test("`..` cannot climb out of a root, however it is written")
    func dotDotEscapes() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gate = FileGate(.roots(read: [dir + "/data"], write: [dir + "/data"]))
        for path in [dir + "/data/../outside/secret.txt", dir + "/data/./../outside/secret.txt",
                     dir + "/data/missing/../../outside/secret.txt", dir + "/data/t.csv/../../outside/secret.txt"] {
            for access in [FileAccess.read, .write] {
                let e = try #require(Self.denial(gate, path, access), "\(path) was allowed")
                #expect(e.resolved == dir + "/outside/secret.txt")
                #expect(e.description.contains("(that is, \(dir)/outside/secret.txt) is not allowed"))
            }
        }
        // `..` that stays inside is fine.
        #expect(try gate.check(dir + "/data/sub/../t.csv", .read) == dir + "/data/t.csv")
    }

    @Test("a symbolic link inside a root that leads out is refused; one that stays in is followed")
    func symlinkEscapes() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(symlink(dir + "/outside/secret.txt", dir + "/data/file-link.csv") == 0)
        #expect(symlink("../outside", dir + "/data/folder-link") == 0)
        #expect(symlink(dir + "/outside/not-yet.txt", dir + "/data/dangling.csv") == 0)
        #expect(symlink("t.csv", dir + "/data/inner.csv") == 0)
        let gate = FileGate(.roots(read: [dir + "/data"], write: [dir + "/data"]))
        for (path, target) in [("file-link.csv", "secret.txt"), ("folder-link/secret.txt", "secret.txt"),
                               ("folder-link/new.csv", "new.csv"), ("dangling.csv", "not-yet.txt")] {
            for access in [FileAccess.read, .write] {
                let e = try #require(Self.denial(gate, dir + "/data/" + path, access), "\(path) was allowed")
                #expect(e.resolved == dir + "/outside/" + target)
            }
        }
        #expect(try gate.check(dir + "/data/inner.csv", .read) == dir + "/data/t.csv")
        // The message says where the path leads, and nothing of what is there.
        let e = try #require(Self.denial(gate, dir + "/data/file-link.csv", .read))
        #expect(!e.description.contains("SECRET"))
    }

    @Test("roots are resolved too: a root reached through a link grants its real folder")
    func linkedRoot() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(symlink(dir + "/data", dir + "/data-link") == 0)
        let gate = FileGate(.roots(read: [dir + "/data-link"], write: []))
        #expect(try gate.check(dir + "/data/t.csv", .read) == dir + "/data/t.csv")
        #expect(try gate.check(dir + "/data-link/t.csv", .read) == dir + "/data/t.csv")
        #expect(Self.denial(gate, dir + "/data-link/../outside/secret.txt", .read) != nil)
    }

    @Test("names are compared by their bytes: two spellings of é are two folders")
    func bytewise() throws {
        let dir = try Self.tree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let composed = dir + "/caf\u{E9}", decomposed = dir + "/cafe\u{301}"
        try FileManager.default.createDirectory(atPath: composed, withIntermediateDirectories: true)
        let gate = FileGate(.roots(read: [composed], write: []))
        #expect(try gate.check(composed + "/x.csv", .read) == composed + "/x.csv")
        #expect(Self.denial(gate, decomposed + "/x.csv", .read) != nil)
    }

    @Test("a path that cannot name a file is refused before it is resolved")
    func invalidPaths() {
        let gate = FileGate(.roots(read: ["/"], write: ["/"]))
        #expect(throws: FileError.self) { try gate.check("/etc\u{0}/x", .read) }
        #expect(throws: FileError.self) { try gate.check("", .write) }
    }

    @Test("control characters in a refused path are escaped in the message")
    func printable() {
        let e = Self.denial(FileGate(.none, advice: { _ in "" }), "a\nb\u{1B}[31m.csv", .read)
        #expect(e?.description == "reading 'a\\u{a}b\\u{1b}[31m.csv' is not allowed (the script may not read files)")
    }
}
