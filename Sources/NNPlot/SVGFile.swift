import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing SVG files atomically, and converting them to PNG where `rsvg-convert` exists.
public enum SVGFile {
    /// Writes `text` to `path` atomically: a temporary file in the same folder,
    /// `fsync`, then `rename` over the target. Readers never see half a file.
    ///
    /// Throws `PlotError.cannotWrite(path:reason:)` with the system's reason
    /// (`No such file or directory`, `Permission denied`, …); never traps.
    public static func write(_ text: String, to path: String) throws(PlotError) {
        guard !path.isEmpty else { throw .cannotWrite(path: path, reason: "empty path") }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw .cannotWrite(path: path, reason: "path names a folder") }
        let tag = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let temp = (folder.isEmpty ? "" : folder + "/") + "." + name + ".tmp-" + String(getpid()) + "-" + tag
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw .cannotWrite(path: path, reason: systemError()) }
        var ok = true
        var reason = ""
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc_write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    ok = false
                    reason = systemError()
                    return
                }
                offset += n
            }
        }
        if ok, fsync(fd) != 0 { ok = false; reason = systemError() }
        if close(fd) != 0, ok { ok = false; reason = systemError() }
        if ok, rename(temp, path) != 0 { ok = false; reason = systemError() }
        if !ok {
            unlink(temp)
            throw .cannotWrite(path: path, reason: reason)
        }
    }

    /// Whether an SVG-to-PNG converter (`rsvg-convert`) is on the `PATH`.
    public static var canConvertToPNG: Bool { converter() != nil }

    /// Renders the SVG file at `svgPath` to a PNG at `pngPath` with `rsvg-convert`.
    ///
    /// Throws `PlotError.conversionFailed` when the tool is missing or fails.
    public static func convertToPNG(svgPath: String, pngPath: String) throws(PlotError) {
        guard let tool = converter() else {
            throw .conversionFailed(path: svgPath, reason: "rsvg-convert is not installed (apt-get install librsvg2-bin)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--format=png", "--output=" + pngPath, svgPath]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .conversionFailed(path: svgPath, reason: "\(error)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw .conversionFailed(path: svgPath, reason: text.isEmpty ? "rsvg-convert failed" : text)
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

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}

/// `write(2)` under a name that does not clash with `SVGFile.write`.
private func Glibc_write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}
