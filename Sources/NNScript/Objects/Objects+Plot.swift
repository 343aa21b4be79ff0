#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NNPlot

/// Where terminal pictures go and how they are drawn.
///
/// On a terminal (stdout is a TTY): braille cells, as wide as the terminal
/// (`TIOCGWINSZ`, else `COLUMNS`), coloured unless `NO_COLOR` is set.
/// Otherwise (a pipe, a file, a test): plain ASCII, 80 columns, no colour,
/// so the output is the same on every machine.
struct PlotTerminal {
    var isTerminal: Bool
    var width: Int
    var height: Int
    var colour: Bool
    var ascii: Bool

    static func detect(width: Int? = nil, height: Int? = nil, ascii: Bool? = nil) -> PlotTerminal {
        let tty = isatty(STDOUT_FILENO) != 0
        var columns = 80, rows = 24
        if tty {
            var ws = winsize()
            if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 {
                columns = Int(ws.ws_col)
                if ws.ws_row > 0 { rows = Int(ws.ws_row) }
            } else if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 0 {
                columns = c
            }
        }
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let w = min(max(width ?? min(columns, 120), 16), 2000)
        let h = min(max(height ?? (tty ? max(6, min(20, rows - 8)) : 16), 2), 1000)
        let plain = ascii ?? !tty
        return PlotTerminal(isTerminal: tty, width: w, height: h, colour: tty && !noColor && !plain, ascii: plain)
    }

    func options() -> TextOptions {
        TextOptions(width: width, height: height, colour: colour, asciiOnly: ascii)
    }
}

/// What a host (a notebook kernel) needs to show the pictures a script draws.
extension Interpreter {
    /// The last picture `plot`, `hist`, `surface` or `fit(plot: true)` drew
    /// (what `savefig` writes); nil before the first.
    ///
    /// Render it with `renderSVG(SVGOptions())`, `pngData(options:dpi:)` or
    /// `pdfData(options:)` (NNPlot's `Plottable`).
    public var lastPicture: (any Plottable)? { libraryState.lastFigure }

    /// How many pictures have been drawn so far (each redraw of `fit`'s live
    /// curve counts): compare it before and after a run to know whether the
    /// run drew one.
    public var picturesDrawn: Int { libraryState.picturesDrawn }
}
