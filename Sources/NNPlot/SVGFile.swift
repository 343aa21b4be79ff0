import NNFiles

/// Writing picture files atomically, through the file gate.
public enum SVGFile {
    /// Writes the SVG document `text` to `path` with the one atomic writer
    /// (`NNFiles.AtomicFile`: a temporary file in the same folder, `fsync`,
    /// `rename`; only to a new file or over a regular one, its mode kept).
    /// Readers never see half a file.
    ///
    /// `path` must end in `.svg` (`PictureFormat`; `Plottable.write(to:)`
    /// writes every format). Throws
    /// `PlotError.cannotWrite(path:reason:)` with the reason (`No such file
    /// or directory`, `it is a FIFO (named pipe), not a regular file`, …);
    /// never traps.
    public static func write(_ text: String, to path: String) throws(PlotError) {
        try checkPath(path)
        guard try PictureFormat(path: path) == .svg else {
            throw .cannotWrite(path: path, reason: "not an SVG file name")
        }
        try write(Array(text.utf8), to: path)
    }

    /// The gate's checks on the text of `path` (no NUL byte, not empty, not
    /// a folder), made before anything is drawn or rendered.
    static func checkPath(_ path: String) throws(PlotError) {
        do {
            try FilePath.validate(path, .write)
            _ = try FilePath.split(path)
        } catch {
            throw .cannotWrite(path: path, reason: error.reason)
        }
    }

    /// Writes `bytes` to `path` with the one atomic writer.
    static func write(_ bytes: [UInt8], to path: String) throws(PlotError) {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw .cannotWrite(path: path, reason: error.reason)
        }
    }
}
