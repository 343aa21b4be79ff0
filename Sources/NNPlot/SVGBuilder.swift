import NNFiles

/// Builds a standalone SVG 1.1 document element by element.
///
/// Attribute values and text are XML-escaped; numbers go through
/// `NumberFormat.svg` (two decimals at most), so output is deterministic.
struct SVGBuilder {
    let width: Double
    let height: Double
    private var body: [String] = []
    private var depth = 1

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A self-closing element, or one with escaped text content.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, text: String? = nil) {
        var line = String(repeating: "  ", count: depth) + "<" + name + Self.attributes(attributes)
        if let text {
            line += ">" + Self.escape(text) + "</" + name + ">"
        } else {
            line += "/>"
        }
        body.append(line)
    }

    /// Opens a group-like element; close it with `close(_:)`.
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        body.append(String(repeating: "  ", count: depth) + "<" + name + Self.attributes(attributes) + ">")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth = max(1, depth - 1)
        body.append(String(repeating: "  ", count: depth) + "</" + name + ">")
    }

    /// The whole document, ending with a newline.
    func document() -> String {
        let w = NumberFormat.svg(width), h = NumberFormat.svg(height)
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\#(w)" height="\#(h)" viewBox="0 0 \#(w) \#(h)" font-family="\#(Self.fontFamily)">"#,
            #"  <rect x="0" y="0" width="\#(w)" height="\#(h)" fill="white"/>"#,
        ]
        lines += body
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The font families the text asks for, in order of preference. DejaVu
    /// Sans is the one nn's set-up installs (Debian `fonts-dejavu-core`);
    /// Helvetica and Arial serve where it is absent (macOS, Windows). PNG and
    /// PDF rendering refuses to run when none of them is installed
    /// (`FontCheck`), rather than draw text in an unknown fallback or none.
    static let fontFamilies = ["DejaVu Sans", "Helvetica", "Arial"]

    /// The `font-family` attribute: `fontFamilies`, then the generic `sans-serif`.
    static var fontFamily: String { (fontFamilies + ["sans-serif"]).joined(separator: ", ") }

    private static func attributes(_ attributes: KeyValuePairs<String, String>) -> String {
        attributes.map { " " + $0.key + "=\"" + escape($0.value) + "\"" }.joined()
    }

    /// Escapes `& < > " '` and drops characters XML 1.0 does not allow.
    static func escape(_ s: String) -> String {
        TextEscape.escape(s, named: entities) { scalar in
            let v = scalar.value
            let allowed = v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v)
                || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
            return allowed ? nil : ""
        }
    }

    /// XML's five predefined entities.
    static let entities: [Unicode.Scalar: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&apos;"]

    /// `x1,y1 x2,y2 …` for a `points` attribute.
    static func points(_ ps: [(Double, Double)]) -> String {
        ps.map { NumberFormat.svg($0.0) + "," + NumberFormat.svg($0.1) }.joined(separator: " ")
    }

    /// Hex colours for series 0, 1, 2, … (matplotlib's tab10).
    static let palette = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ]
}
