import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One element of a parsed SVG: its name, attributes and text content.
struct SVGElement {
    let name: String
    let attributes: [String: String]
    var text: String
}

/// Parses an SVG document with Foundation's `XMLParser`; nil when it is not well-formed XML.
func parseSVG(_ text: String) -> [SVGElement]? {
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [SVGElement] = []
        var open: [Int] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            open.append(elements.count)
            elements.append(SVGElement(name: name, attributes: attributes, text: ""))
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let i = open.last { elements[i].text += string }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            _ = open.popLast()
        }
    }
    let parser = XMLParser(data: Data(text.utf8))
    let collector = Collector()
    parser.delegate = collector
    return parser.parse() ? collector.elements : nil
}

/// The linear map from pixels back to data, recovered from two tick labels of one axis.
///
/// Tick marks (`class="xtick"`/`"ytick"`) and labels (`…-label`) come in the same
/// order; the labels' numbers and the marks' positions fix `data = a + b · pixel`.
func axisInverse(_ elements: [SVGElement], axis: String) -> ((Double) -> Double)? {
    let marks = elements.filter { $0.attributes["class"] == axis + "tick" }
    let labels = elements.filter { $0.attributes["class"] == axis + "tick-label" }
    guard marks.count >= 2, marks.count == labels.count else { return nil }
    let key = axis == "x" ? "x1" : "y1"
    guard let p0 = Double(marks[0].attributes[key] ?? ""), let p1 = Double(marks[marks.count - 1].attributes[key] ?? ""),
          let v0 = Double(labels[0].text), let v1 = Double(labels[labels.count - 1].text), p0 != p1 else { return nil }
    return { p in v0 + (p - p0) / (p1 - p0) * (v1 - v0) }
}

/// The `points` attribute of a polyline as pairs.
func polylinePoints(_ e: SVGElement) -> [(Double, Double)] {
    (e.attributes["points"] ?? "").split(separator: " ").compactMap { pair in
        let xy = pair.split(separator: ",").compactMap { Double($0) }
        return xy.count == 2 ? (xy[0], xy[1]) : nil
    }
}
