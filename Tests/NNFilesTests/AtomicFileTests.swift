import Foundation
import Testing
@testable import NNFiles

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh folder for one test, removed by `defer`.
func scratchFolder() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnfiles-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func entries(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
}

func contents(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
}

func lstatOf(_ path: String) -> stat? {
    var st = stat()
    return lstat(path, &st) == 0 ? st : nil
}

/// Both ways of making the temporary: unnamed (`O_TMPFILE`) and named (`O_EXCL`).
let temporaryKinds = [true, false]

@Suite("AtomicFile: the one writer")
struct AtomicFileTests {
    func write(_ text: String, to path: String, unnamed: Bool) throws(FileError) {
        var options = AtomicFile.Options()
        options.unnamed = unnamed
        try AtomicFile.write(to: path, options: options) { sink throws(FileError) in try sink.write(text) }
    }

    @Test("a new file is created, an old regular file replaced, no temporary left", arguments: temporaryKinds)
    func newAndReplace(unnamed: Bool) throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.svg"
        try write("one", to: path, unnamed: unnamed)
        #expect(contents(path) == "one")
        #expect((lstatOf(path)?.st_mode ?? 0) & 0o777 == 0o666 & ~currentUmask())
        try write("two", to: path, unnamed: unnamed)
        #expect(contents(path) == "two")
        #expect(entries(dir) == ["out.svg"])
    }

    @Test("an existing file's mode is kept: 0600 stays 0600, 0755 stays 0755", arguments: temporaryKinds)
    func modeKept(unnamed: Bool) throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for mode: mode_t in [0o600, 0o755, 0o640] {
            let path = dir + "/secret-\(String(mode, radix: 8)).nn"
            try write("old", to: path, unnamed: unnamed)
            #expect(chmod(path, mode) == 0)
            try write("new", to: path, unnamed: unnamed)
            #expect(contents(path) == "new")
            #expect((lstatOf(path)?.st_mode ?? 0) & 0o7777 == mode)
        }
    }

    @Test("as root, an existing file's owner and group are kept")
    func ownerKept() throws {
        guard geteuid() == 0 else { return }
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/theirs.svg"
        try write("old", to: path, unnamed: true)
        #expect(chown(path, 4321, 4322) == 0)
        try write("new", to: path, unnamed: true)
        #expect(lstatOf(path)?.st_uid == 4321)
        #expect(lstatOf(path)?.st_gid == 4322)
    }

    @Test("a FIFO at the path is refused and left a FIFO (no blocking, no replacing)", arguments: temporaryKinds)
    func fifo(unnamed: Bool) throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/pipe.svg"
        #expect(mkfifo(path, 0o644) == 0)
        #expect(throws: FileError(.write, path, "it is a FIFO (named pipe), not a regular file; nn writes only to a new file or over a regular one")) {
            try write("x", to: path, unnamed: unnamed)
        }
        #expect((lstatOf(path)?.st_mode ?? 0) & S_IFMT == S_IFIFO)
        #expect(entries(dir) == ["pipe.svg"])
    }

    @Test("a device node (a copy of /dev/null, made as root in a scratch folder) is refused and kept", arguments: temporaryKinds)
    func device(unnamed: Bool) throws {
        guard geteuid() == 0 else { return }
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/null"
        #expect(mknod(path, S_IFCHR | 0o666, devNull) == 0)
        #expect(throws: FileError(.write, path, "it is a character device, not a regular file; nn writes only to a new file or over a regular one")) {
            try write("x", to: path, unnamed: unnamed)
        }
        let st = try #require(lstatOf(path))
        #expect(st.st_mode & S_IFMT == S_IFCHR)
        #expect(st.st_rdev == devNull)
        #expect(entries(dir) == ["null"])
    }

    @Test("a symbolic link is refused, naming its target; link and target are untouched", arguments: temporaryKinds)
    func symlinkRefused(unnamed: Bool) throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/victim.txt", link = dir + "/out.svg"
        try write("precious", to: target, unnamed: unnamed)
        #expect(symlink(target, link) == 0)
        #expect(throws: FileError(.write, link, "it is a symbolic link to '\(target)'; nn does not write through links: write to the target's own path, or remove the link")) {
            try write("x", to: link, unnamed: unnamed)
        }
        #expect(contents(target) == "precious")
        #expect((lstatOf(link)?.st_mode ?? 0) & S_IFMT == S_IFLNK)
        // A dangling link is refused too (writing would create a file wherever it points).
        let dangling = dir + "/dangling.svg"
        #expect(symlink(dir + "/nowhere/x", dangling) == 0)
        #expect(throws: FileError.self) { try write("x", to: dangling, unnamed: unnamed) }
        #expect(entries(dir) == ["dangling.svg", "out.svg", "victim.txt"])
    }

    @Test("a file with two hard links is refused; both names keep the content", arguments: temporaryKinds)
    func hardLink(unnamed: Bool) throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = dir + "/a.nn", b = dir + "/b.nn"
        try write("shared", to: a, unnamed: unnamed)
        #expect(link(a, b) == 0)
        #expect(throws: FileError.self) { try write("x", to: b, unnamed: unnamed) }
        do { try write("x", to: b, unnamed: unnamed) } catch { #expect(error.reason.hasPrefix("it has 2 hard links")) }
        #expect(contents(a) == "shared")
        #expect(contents(b) == "shared")
        #expect(lstatOf(a)?.st_nlink == 2)
    }

    @Test("a symbolic link planted at the temporary's name is never written through", arguments: temporaryKinds)
    func plantedTemporary(unnamed: Bool) throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let victim = dir + "/victim.txt", path = dir + "/saved.nn"
        try write("precious", to: victim, unnamed: unnamed)
        // The first two names the writer will try are taken by links to the victim.
        var tags = ["planted1", "planted2", "free"][...]
        for tag in tags.prefix(2) {
            #expect(symlink(victim, AtomicFile.Temporary.temporaryName(in: dir, for: "saved.nn", tag: tag)) == 0)
        }
        var options = AtomicFile.Options()
        options.unnamed = unnamed
        options.names = { tags.popFirst() ?? AtomicFile.Temporary.randomTag() }
        try AtomicFile.write(to: path, options: options) { sink throws(FileError) in try sink.write("script") }
        #expect(contents(path) == "script")
        #expect(contents(victim) == "precious")
        #expect(entries(dir) == [".saved.nn.nn-planted1.tmp", ".saved.nn.nn-planted2.tmp", "saved.nn", "victim.txt"])
    }

    @Test("a path with a NUL byte is refused, and nothing is written at the part before it", arguments: temporaryKinds)
    func nulByte(unnamed: Bool) throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a\u{0}zzz.svg"
        #expect(throws: FileError(.write, path, "the path contains a NUL byte (\\u{0}); file names cannot hold one")) {
            try write("x", to: path, unnamed: unnamed)
        }
        #expect(entries(dir) == [])
        #expect(FileError(.write, path, "r").description == "cannot write '\(dir)/a\\u{0}zzz.svg': r")
    }

    @Test("folders, empty paths and missing folders are errors naming the path")
    func badPaths() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: FileError(.write, "", "the path is empty")) { try AtomicFile.write("x", to: "") }
        #expect(throws: FileError(.write, dir + "/", "the path names a folder; add a file name")) { try AtomicFile.write("x", to: dir + "/") }
        #expect(throws: FileError(.write, dir, "it is a folder, not a regular file; nn writes only to a new file or over a regular one")) {
            try AtomicFile.write("x", to: dir)
        }
        #expect(throws: FileError(.write, dir + "/no/x.svg", "No such file or directory")) { try AtomicFile.write("x", to: dir + "/no/x.svg") }
        #expect(entries(dir) == [])
    }

    @Test("a write that fails half-way leaves the old file intact and no temporary", arguments: temporaryKinds)
    func failedWrite(unnamed: Bool) throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/fig.svg"
        try write("old picture", to: path, unnamed: unnamed)
        var options = AtomicFile.Options()
        options.unnamed = unnamed
        let failure = FileError(.write, path, "No space left on device")
        #expect(throws: failure) {
            try AtomicFile.write(to: path, options: options) { sink throws(FileError) in
                try sink.write(String(repeating: "<g/>", count: 1 << 18))   // 1 MiB, then the disk "fills"
                throw failure
            }
        }
        #expect(contents(path) == "old picture")
        #expect(entries(dir) == ["fig.svg"])
    }

    /// A process killed while it writes cannot clean up; with an unnamed
    /// temporary there is nothing to clean: while the content is written, the
    /// folder holds no new entry, so a kill at that moment leaves the folder
    /// as it was (the kernel frees the unnamed inode with the process).
    @Test("while an unnamed temporary is written, the folder holds no new entry")
    func nothingVisibleMidWrite() throws {
        #if os(Linux)
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/fig.svg"
        try AtomicFile.write("old", to: path)
        var seen: [String] = []
        try AtomicFile.write(to: path) { sink throws(FileError) in
            try sink.write(String(repeating: "x", count: 4 << 20))
            seen = entries(dir)
        }
        #expect(seen == ["fig.svg"])
        #expect(contents(path)?.count == 4 << 20)
        #expect(entries(dir) == ["fig.svg"])
        #endif
    }
}

/// The device number of `/dev/null` (major 1, minor 3) in Linux's encoding.
let devNull: dev_t = (1 << 8) | 3

/// The process's umask, read without changing it (Linux reports it in /proc).
func currentUmask() -> mode_t {
    if let status = contents("/proc/self/status"),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
       let value = mode_t(line.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) {
        return value
    }
    return 0o022
}
