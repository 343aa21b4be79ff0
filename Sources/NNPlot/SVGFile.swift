import Foundation
import NNFiles

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing SVG files atomically, and converting them to PNG where `rsvg-convert` exists.
public enum SVGFile {
    /// Writes the SVG document `text` to `path` with the one atomic writer
    /// (`NNFiles.AtomicFile`: a temporary file in the same folder, `fsync`,
    /// `rename`; only to a new file or over a regular one, its mode kept).
    /// Readers never see half a file.
    ///
    /// `path` must end in `.svg` (`PictureFormat`). Throws
    /// `PlotError.cannotWrite(path:reason:)` with the reason (`No such file
    /// or directory`, `it is a FIFO (named pipe), not a regular file`, …);
    /// never traps.
    public static func write(_ text: String, to path: String) throws(PlotError) {
        do {
            try FilePath.validate(path, .write)
            _ = try FilePath.split(path)
        } catch {
            throw .cannotWrite(path: path, reason: error.reason)
        }
        guard try PictureFormat(path: path) == .svg else {
            throw .cannotWrite(path: path, reason: "not an SVG file name")
        }
        do {
            try AtomicFile.write(text, to: path)
        } catch {
            throw .cannotWrite(path: path, reason: error.reason)
        }
    }

    /// Whether an SVG-to-PNG converter (`rsvg-convert`) is on the `PATH`.
    public static var canConvertToPNG: Bool { converter() != nil }

    /// Renders the SVG file at `svgPath` to a PNG at `pngPath` with `rsvg-convert`,
    /// written by the one atomic writer.
    ///
    /// Throws `PlotError.conversionFailed` when the tool is missing or fails.
    public static func convertToPNG(svgPath: String, pngPath: String) throws(PlotError) {
        guard let tool = converter() else {
            throw .conversionFailed(path: svgPath, reason: "rsvg-convert is not installed (apt-get install librsvg2-bin)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--format=png", svgPath]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw .conversionFailed(path: svgPath, reason: "\(error)")
        }
        let png = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .conversionFailed(path: svgPath, reason: text.isEmpty ? "rsvg-convert failed" : text)
        }
        do {
            try AtomicFile.write(Array(png), to: pngPath)
        } catch {
            throw .cannotWrite(path: pngPath, reason: error.reason)
        }
    }

    private static func converter() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = String(dir) + "/rsvg-convert"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

