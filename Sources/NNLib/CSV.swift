import Foundation
import NNTensor

/// What `readCSV` does with a row that has a missing value.
public enum MissingValues: String, Sendable {
    /// Stop with an error naming the row and column (the default).
    case refuse
    /// Leave the row out, and say which rows were dropped in `notes`.
    case drop
}

/// A numeric table read from CSV: features, target, names, and an account
/// of everything the reader did to the data.
public struct CSVTable {
    /// The feature columns, `[N, D]`, in file order without the target.
    public let X: Tensor
    /// The target column, `[N]`, when a target was named.
    public let y: Tensor?
    /// The names of the columns of `X`.
    public let columns: [String]
    /// The target column's name.
    public let target: String?
    /// For each text column that was encoded: its category names, where the
    /// name at index `k` was encoded as the number `k` (sorted order).
    public let categories: [String: [String]]
    /// The 1-based data-row numbers (the header is not a row) that were dropped.
    public let droppedRows: [Int]
    /// Plain sentences saying what was done (encoding, dropped rows).
    public let notes: [String]
}

/// Cells that count as missing values.
let missingMarkers: Set<String> = ["", "NA", "N/A", "NaN", "nan", "NULL", "null"]

/// Reads a CSV file with a header row into numbers, as `read_csv(path, target:)`.
///
/// Every row must have as many fields as the header. A cell that is not a
/// number is an error naming the row and column, unless `encode` is set: then
/// every text column is encoded as integer categories in sorted order
/// (recorded in `categories`). A missing value (`NA`, an empty cell, `NaN`,
/// `NULL`) is an error unless `missing` is `.drop`, which drops the row.
/// Rows are numbered from 1 after the header; `notes` says what was done.
public func readCSV(path: String, target: String? = nil, encode: Bool = false,
                    missing: MissingValues = .refuse, dtype: DType = .float32) throws -> CSVTable {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    guard let attributes else {
        throw TensorError(op: "read_csv", "cannot read '\(path)': no such file")
    }
    if let size = attributes[.size] as? Int, size > 1 << 30 {
        throw TensorError(op: "read_csv", "'\(path)' is \(size) bytes; files over 1 GiB are refused")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw TensorError(op: "read_csv", "cannot read '\(path)'")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw TensorError(op: "read_csv", "'\(path)' is not UTF-8 text")
    }
    return try parseCSV(text, name: path, target: target, encode: encode, missing: missing, dtype: dtype)
}

/// Parses CSV text (see `readCSV`); `name` is used in messages.
public func parseCSV(_ text: String, name: String = "<text>", target: String? = nil, encode: Bool = false,
                     missing: MissingValues = .refuse, dtype: DType = .float32) throws -> CSVTable {
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    var records: [(line: Int, fields: [String])] = []
    for (i, raw) in lines.enumerated() {
        let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
        if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
        records.append((i + 1, try splitCSVLine(line, name: name, line: i + 1)))
    }
    guard let header = records.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
        throw TensorError(op: "read_csv", "\(name) is empty (expected a header row)")
    }
    for (j, h) in header.enumerated() {
        if h.isEmpty { throw TensorError(op: "read_csv", "\(name): column \(j + 1) of the header has no name") }
        if header[..<j].contains(h) { throw TensorError(op: "read_csv", "\(name): column name '\(h)' appears twice in the header") }
    }
    var targetIndex: Int?
    if let target {
        guard let t = header.firstIndex(of: target) else {
            throw TensorError(op: "read_csv", "\(name) has no column '\(target)'; its columns are \(header.joined(separator: ", "))")
        }
        targetIndex = t
    }
    let rows = records.dropFirst()
    guard !rows.isEmpty else { throw TensorError(op: "read_csv", "\(name) has a header but no data rows") }

    // Pass 1: shape, missing values and non-numeric cells, in reading order.
    var kept: [[String]] = []
    var dropped: [Int] = []
    var isText = [Bool](repeating: false, count: header.count)
    for (r, rec) in rows.enumerated() {
        let row = r + 1
        guard rec.fields.count == header.count else {
            throw TensorError(op: "read_csv", "\(name): row \(row) (line \(rec.line)) has \(rec.fields.count) fields but the header has \(header.count) columns")
        }
        let cells = rec.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var rowMissing = false
        for (j, cell) in cells.enumerated() {
            if missingMarkers.contains(cell) {
                if missing == .refuse {
                    throw TensorError(op: "read_csv", "\(name): row \(row) (line \(rec.line)), column '\(header[j])': missing value '\(cell)' (pass missing: \"drop\" to drop rows with missing values)")
                }
                rowMissing = true
            } else if parseNumber(cell) == nil {
                guard encode else {
                    throw TensorError(op: "read_csv", "\(name): row \(row) (line \(rec.line)), column '\(header[j])': '\(cell)' is not a number (pass encode: true to encode text columns as integer categories)")
                }
                isText[j] = true
            }
        }
        if rowMissing { dropped.append(row) } else { kept.append(cells) }
    }
    guard !kept.isEmpty else {
        throw TensorError(op: "read_csv", "\(name): every one of the \(rows.count) rows has a missing value; nothing is left")
    }

    // Pass 2: encode text columns and assemble the numbers.
    var notes: [String] = []
    if !dropped.isEmpty {
        let shown = dropped.prefix(10).map(String.init).joined(separator: ", ") + (dropped.count > 10 ? ", ..." : "")
        notes.append("dropped \(dropped.count) of \(rows.count) rows with missing values (rows \(shown))")
    }
    var categories: [String: [String]] = [:]
    var codes: [Int: [String: Double]] = [:]
    for j in header.indices where isText[j] {
        let names = Set(kept.map { $0[j] }).sorted()
        categories[header[j]] = names
        codes[j] = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Double($0)) })
        let listed = names.prefix(12).enumerated().map { "\($1)=\($0)" }.joined(separator: ", ")
        notes.append("encoded text column '\(header[j])' as \(names.count) categories: \(listed)\(names.count > 12 ? ", ..." : "")")
    }
    let featureIdx = header.indices.filter { $0 != targetIndex }
    var xs: [Double] = []
    xs.reserveCapacity(kept.count * featureIdx.count)
    var ys: [Double] = []
    for cells in kept {
        for j in featureIdx { xs.append(codes[j]?[cells[j]] ?? parseNumber(cells[j]) ?? 0) }
        if let t = targetIndex { ys.append(codes[t]?[cells[t]] ?? parseNumber(cells[t]) ?? 0) }
    }
    let X = try Tensor(shape: [kept.count, featureIdx.count], values: xs, dtype: dtype)
    let y = targetIndex == nil ? nil : try Tensor(shape: [kept.count], values: ys, dtype: dtype)
    return CSVTable(X: X, y: y, columns: featureIdx.map { header[$0] }, target: target,
                    categories: categories, droppedRows: dropped, notes: notes)
}

/// A finite decimal number, or nil (`inf` and text are not numbers here).
func parseNumber(_ s: String) -> Double? {
    guard let v = Double(s), v.isFinite else { return nil }
    return v
}

/// Splits one CSV line into fields: commas separate; a field may be quoted
/// with `"` (inside, `""` is a literal quote, commas are kept).
func splitCSVLine(_ line: Substring, name: String, line number: Int) throws -> [String] {
    var fields: [String] = []
    var field = ""
    var inQuotes = false
    var it = line.makeIterator()
    var pending: Character? = nil
    while let c = pending ?? it.next() {
        pending = nil
        if inQuotes {
            if c == "\"" {
                if let n = it.next() {
                    if n == "\"" { field.append("\"") } else { inQuotes = false; pending = n }
                } else {
                    inQuotes = false
                }
            } else {
                field.append(c)
            }
        } else if c == "\"" && field.allSatisfy({ $0 == " " }) {
            inQuotes = true
            field = ""
        } else if c == "," {
            fields.append(field)
            field = ""
        } else {
            field.append(c)
        }
    }
    if inQuotes {
        throw TensorError(op: "read_csv", "\(name): line \(number) has an unterminated quoted field")
    }
    fields.append(field)
    return fields
}
