import Foundation
import NNPlot
import NNScript
import Testing

/// `savefig` and `file:` write PNG and PDF by the name (issue 19), and a host
/// can render the last picture itself (`Interpreter.lastPicture`).
@Suite("Picture files from scripts: PNG and PDF", .enabled(if: SVGRenderer.isAvailable, "built without the RSVG trait"))
struct PictureFileBuiltinTests {
    func run(_ nn: Interpreter, _ source: String) throws {
        try nn.run(source: source, name: "test.nn")
    }

    func interpreter() -> Interpreter { Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }, filePolicy: .unrestricted)) }

    /// Width and height from a PNG's IHDR chunk (bytes 16..<24), after checking the signature.
    func pngSize(_ path: String) throws -> (Int, Int) {
        let data = try #require(FileManager.default.contents(atPath: path).map { Array($0) })
        #expect(data.count > 1000)
        #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: data[12..<16], as: UTF8.self) == "IHDR")
        func u32(_ i: Int) -> Int { Int(data[i]) << 24 | Int(data[i + 1]) << 16 | Int(data[i + 2]) << 8 | Int(data[i + 3]) }
        return (u32(16), u32(20))
    }

    @Test func savefigAndFileWritePNGAndPDFByTheName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nn-png-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try run(interpreter(), """
            plot([3, 1, 2], labels: ["loss"], file: "\(dir)/plot.png")
            savefig("\(dir)/hi.png", dpi: 150)
            savefig("\(dir)/small.png", width: 320, height: 200, dpi: 192)
            savefig("\(dir)/page.pdf")
            hist([1, 2, 2, 3], file: "\(dir)/hist.PNG", width: 300, height: 200)
            surface(fn(x, y) = x * x + y * y, resolution: 8, file: "\(dir)/surface.pdf")
            """)
        #expect(try pngSize(dir + "/plot.png") == (640, 420))
        #expect(try pngSize(dir + "/hi.png") == (1000, 656))   // 640·150/96, 420·150/96 = 656.25
        #expect(try pngSize(dir + "/small.png") == (640, 400))
        #expect(try pngSize(dir + "/hist.PNG") == (300, 200))
        for name in ["page.pdf", "surface.pdf"] {
            let pdf = try #require(FileManager.default.contents(atPath: dir + "/" + name))
            #expect(pdf.starts(with: Array("%PDF-".utf8)))
            #expect(String(decoding: pdf, as: UTF8.self).contains("/Type /Page"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).count == 6)
    }

    @Test func aHostRendersTheLastPictureInMemory() throws {
        let nn = interpreter()
        #expect(nn.lastPicture == nil)
        let before = nn.picturesDrawn
        try run(nn, "plot([1, 4, 9], ascii: true)")
        #expect(nn.picturesDrawn == before + 1)
        let picture = try #require(nn.lastPicture)
        let png = try picture.pngData(options: SVGOptions(width: 400, height: 300), dpi: 192)
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        #expect(png.count > 1000)
        try run(nn, "let x = 1")
        #expect(nn.picturesDrawn == before + 1, "a run that draws nothing leaves the count")
    }
}
