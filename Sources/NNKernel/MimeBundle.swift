#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNScript
import NNTensor
import NNFiles

/// How values and pictures are shown in a notebook: the `data` of
/// `execute_result` and `display_data`, keyed by MIME type.
///
/// - every value: `text/plain`, the REPL's text (`value.repr`);
/// - a tensor of rank 1 or 2: also `text/html`, a table (rows and columns
///   past ``maxRows`` and ``maxColumns`` elided in the middle, as the text
///   form elides), captioned with shape and dtype;
/// - a record: also `text/html`, a table of its fields;
/// - a picture: `image/svg+xml`, `image/png` (96 dpi, in builds with the
///   `RSVG` trait) and its plain-ASCII `text/plain`.
enum MimeBundle {
    static let maxRows = 30, maxColumns = 20

    /// The data of a cell's result.
    static func value(_ v: Value) -> JSONObject {
        var data: JSONObject = ["text/plain": v.repr]
        switch v {
        case .tensor(let t): if let html = html(t) { data["text/html"] = html }
        case .record(let r): if let html = html(r) { data["text/html"] = html }
        default: break
        }
        return data
    }

    /// The data of a display (a picture or `fit`'s progress).
    static func display(_ output: DisplayOutput) -> JSONObject {
        var data: JSONObject = ["text/plain": output.text]
        if let svg = output.svg {
            data["image/svg+xml"] = svg
        }
        if let png = output.png { data["image/png"] = Data(png).base64EncodedString() }
        return data
    }

    /// A table of a rank-1 (one row) or rank-2 tensor; nil for other ranks.
    static func html(_ t: Tensor) -> String? {
        guard t.rank == 1 || t.rank == 2 else { return nil }
        let rows = t.rank == 2 ? t.shape[0] : 1, columns = t.shape[t.rank - 1]
        guard rows > 0, columns > 0 else { return nil }
        let values = t.doubles
        let format = ElementFormat(values, dtype: t.dtype)
        // an int64 element as its exact integer (a double would round it beyond 2**53)
        let ints = t.int64s
        func cell(_ i: Int) -> String { ints.map { String($0[i]) } ?? format.string(values[i]) }
        let shownRows = indices(rows, limit: maxRows), shownColumns = indices(columns, limit: maxColumns)
        var out = "<table class=\"nn-tensor\">\n<caption>" + escape(caption(t)) + "</caption>\n<thead><tr><th></th>"
        for c in shownColumns { out += c.map { "<th>\($0)</th>" } ?? "<th>…</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for r in shownRows {
            guard let r else {
                out += "<tr><th>⋮</th>" + String(repeating: "<td>⋮</td>", count: shownColumns.count) + "</tr>\n"
                continue
            }
            out += "<tr><th>\(t.rank == 2 ? String(r) : "")</th>"
            for c in shownColumns {
                out += c.map { "<td>" + cell(r * columns + $0) + "</td>" } ?? "<td>…</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>"
    }

    /// A table of a record's fields (each value as the REPL prints it); nil for an empty record.
    static func html(_ r: RecordRef) -> String? {
        guard r.count > 0 else { return nil }
        var out = "<table class=\"nn-record\">\n<tbody>\n"
        for (name, value) in r.fields {
            let text = value.repr
            let cell = text.contains("\n") ? "<pre>" + escape(text) + "</pre>" : escape(text)
            out += "<tr><th style=\"text-align: left\">" + escape(name) + "</th><td style=\"text-align: left\">" + cell + "</td></tr>\n"
        }
        return out + "</tbody>\n</table>"
    }

    /// `shape [3, 4] · float32` (and `· requires_grad`).
    static func caption(_ t: Tensor) -> String {
        var s = "shape [" + t.shape.map(String.init).joined(separator: ", ") + "] · " + t.dtype.rawValue
        if t.requiresGrad { s += " · requires_grad" }
        return s
    }

    /// The indices shown of `n`: all when `n <= limit`, else the first and
    /// last `limit / 2` with nil (an ellipsis) between.
    static func indices(_ n: Int, limit: Int) -> [Int?] {
        guard n > limit else { return Array(0..<n) }
        let half = limit / 2
        return Array(0..<half) + [nil] + Array((n - half)..<n)
    }

    /// `s` with `&`, `<`, `>` and `"` escaped for HTML.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// One number format for all the elements of a tensor's table: integers
/// as integers, other values with 4 decimals, or in scientific notation
/// when they span more than 1000× or are very large or small (as the text form).
struct ElementFormat {
    enum Mode { case bool, integer, fixed, scientific }
    let mode: Mode

    init(_ values: [Double], dtype: DType) {
        if dtype == .bool {
            mode = .bool
            return
        }
        let finite = values.filter { $0.isFinite && $0 != 0 }.map(abs)
        guard let lo = finite.min(), let hi = finite.max() else {
            mode = .integer
            return
        }
        let integral = finite.allSatisfy { $0.rounded() == $0 }
        if integral {
            mode = hi > 1e8 ? .scientific : .integer
        } else {
            mode = hi / lo > 1000 || hi > 1e8 || lo < 1e-4 ? .scientific : .fixed
        }
    }

    func string(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        switch mode {
        case .bool: return v != 0 ? "True" : "False"
        case .integer: return Value.formatNumber(v)
        case .fixed: return PrintfNumber.format(v, .fixed, precision: 4)
        case .scientific: return PrintfNumber.format(v, .scientific, precision: 4)
        }
    }
}
