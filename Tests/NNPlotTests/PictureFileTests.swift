import Foundation
import Testing
@testable import NNPlot

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where pictures may be written, and in which format (issue 15).
@Suite("Picture files: the name decides the format, the gate decides the place")
struct PictureFileTests {
    func folder() throws -> String {
        let path = NSTemporaryDirectory() + "nnplot-files-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    let fig = Figure(series: [Series(y: [1, 2, 3])])

    @Test("only .svg (any case) is written; another extension or none is an error naming .svg, and nothing is written")
    func formatFromName() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try PictureFormat(path: "a/b.c/loss.svg") == .svg)
        #expect(try PictureFormat(path: "LOSS.SVG") == .svg)
        #expect(throws: PlotError.cannotWrite(path: dir + "/a.png", reason: "nn cannot write .png files yet; name the file with .svg (the formats nn writes)")) {
            try fig.writeSVG(to: dir + "/a.png")
        }
        #expect(throws: PlotError.cannotWrite(path: dir + "/a", reason: "the file name has no extension, so its format is unknown; name it with .svg (the formats nn writes)")) {
            try fig.writeSVG(to: dir + "/a")
        }
        #expect(throws: PlotError.self) { try fig.writeSVG(to: dir + "/.svg") }
        #expect(throws: PlotError.self) { try fig.writeSVG(to: dir + "/x.svg/y") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
        try fig.writeSVG(to: dir + "/Loss.SVG")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["Loss.SVG"])
    }

    @Test("a NUL byte in the path is refused instead of writing to the part before it")
    func nul() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a\u{0}zzz.svg"
        #expect(throws: PlotError.cannotWrite(path: path, reason: "the path contains a NUL byte (\\u{0}); file names cannot hold one")) {
            try fig.writeSVG(to: path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
        #expect(PlotError.cannotWrite(path: path, reason: "r").description == "cannot write '\(dir)/a\\u{0}zzz.svg': r")
    }

    @Test("a FIFO, a symbolic link and a 0600 file: refused, refused, mode kept")
    func gate() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/pipe.svg", 0o644) == 0)
        #expect(throws: PlotError.self) { try fig.writeSVG(to: dir + "/pipe.svg") }
        try fig.writeSVG(to: dir + "/real.svg")
        #expect(symlink(dir + "/real.svg", dir + "/link.svg") == 0)
        #expect(throws: PlotError.self) { try fig.writeSVG(to: dir + "/link.svg") }
        #expect(chmod(dir + "/real.svg", 0o600) == 0)
        try fig.writeSVG(to: dir + "/real.svg")
        var st = stat()
        #expect(lstat(dir + "/real.svg", &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["link.svg", "pipe.svg", "real.svg"])
    }
}
