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

    @Test("the name decides the format: .svg, .png, .pdf (any case); another extension or none is an error listing them, and nothing is written")
    func formatFromName() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try PictureFormat(path: "a/b.c/loss.svg") == .svg)
        #expect(try PictureFormat(path: "LOSS.SVG") == .svg)
        #expect(try PictureFormat(path: "loss.Png") == .png)
        #expect(try PictureFormat(path: "out/loss.pdf") == .pdf)
        #expect(throws: PlotError.cannotWrite(path: dir + "/a.jpg", reason: "nn cannot write .jpg files; name the file with .svg, .png, .pdf (the formats nn writes)")) {
            try fig.write(to: dir + "/a.jpg")
        }
        #expect(throws: PlotError.cannotWrite(path: dir + "/a", reason: "the file name has no extension, so its format is unknown; name it with .svg, .png, .pdf (the formats nn writes)")) {
            try fig.write(to: dir + "/a")
        }
        #expect(throws: PlotError.cannotWrite(path: dir + "/a.png", reason: "not an SVG file name")) {
            try fig.writeSVG(to: dir + "/a.png")
        }
        #expect(throws: PlotError.self) { try fig.write(to: dir + "/.svg") }
        #expect(throws: PlotError.self) { try fig.write(to: dir + "/x.svg/y") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
        try fig.writeSVG(to: dir + "/Loss.SVG")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["Loss.SVG"])
    }

    @Test("dpi is for PNG only: with .svg or .pdf it is an error, and nothing is written")
    func dpiOnlyForPNG() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: PlotError.cannotWrite(path: dir + "/a.pdf", reason: "dpi applies only to .png files; .pdf is drawn as vectors, sized by width and height")) {
            try fig.write(to: dir + "/a.pdf", dpi: 150)
        }
        #expect(throws: PlotError.self) { try fig.write(to: dir + "/a.svg", dpi: 96) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
    }

    @Test("write(to:) writes SVG, PNG and PDF by the name, atomically; PNG bytes are pngData's")
    func threeFormats() throws {
        guard SVGRenderer.isAvailable else { return }
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try fig.write(to: dir + "/a.svg")
        try fig.write(to: dir + "/a.PNG", options: SVGOptions(width: 320, height: 200), dpi: 192)
        try fig.write(to: dir + "/a.pdf")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["a.PNG", "a.pdf", "a.svg"])
        let svg = try String(contentsOfFile: dir + "/a.svg", encoding: .utf8)
        #expect(svg == fig.renderSVG(SVGOptions()))
        let png = try #require(FileManager.default.contents(atPath: dir + "/a.PNG"))
        #expect(Array(png) == (try fig.pngData(options: SVGOptions(width: 320, height: 200), dpi: 192)))
        let image = try PNGImage(Array(png))
        #expect(image.width == 640 && image.height == 400)
        let pdf = try #require(FileManager.default.contents(atPath: dir + "/a.pdf"))
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
    }

    @Test("without the RSVG trait, PNG and PDF are errors naming the trait")
    func withoutTheTrait() throws {
        guard !SVGRenderer.isAvailable else { return }
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: PlotError.cannotWrite(path: dir + "/a.png", reason: SVGRenderer.missingTrait)) { try fig.write(to: dir + "/a.png") }
        #expect(throws: PlotError.renderFailed(format: .pdf, reason: SVGRenderer.missingTrait)) { try fig.pdfData() }
        #expect(SVGRenderer.missingTrait.contains("RSVG"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
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
        #expect(mkfifo(dir + "/pipe.png", 0o644) == 0)
        #expect(throws: PlotError.self) { try fig.write(to: dir + "/pipe.png") }
        try fig.writeSVG(to: dir + "/real.svg")
        #expect(symlink(dir + "/real.svg", dir + "/link.svg") == 0)
        #expect(throws: PlotError.self) { try fig.writeSVG(to: dir + "/link.svg") }
        #expect(chmod(dir + "/real.svg", 0o600) == 0)
        try fig.writeSVG(to: dir + "/real.svg")
        var st = stat()
        #expect(lstat(dir + "/real.svg", &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["link.svg", "pipe.png", "pipe.svg", "real.svg"])
    }
}
