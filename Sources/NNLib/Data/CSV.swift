#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNFiles
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
    /// The target column, `[N]`, when a target was named: int64 class codes
    /// when it was a text column that was encoded, else numbers in the
    /// table's dtype.
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
/// (recorded in `categories`); an encoded target column is an int64 tensor
/// of class labels (a numeric target keeps `dtype`). A missing value (`NA`, an empty cell, `NaN`,
/// `NULL`) is an error unless `missing` is `.drop`, which drops the row.
/// Rows are numbered from 1 after the header; `notes` says what was done.
/// The file is read through the gate (`NNFiles.FileReader`): only a regular
/// file of at most 1 GiB (never a FIFO or a device such as `/dev/zero`).
/// `checkpoint` runs before each row is split, checked and converted: throw
/// from it to stop reading (the interpreter's Ctrl-C).
///
/// `quotesContents` decides whether an error message may quote the file:
/// a cell (`'abc' is not a number`), a column name, the header's names, a
/// byte that is not UTF-8. True helps a student find the bad cell; false
/// (what an interpreter whose file policy is not unrestricted asks for)
/// names rows, lines and columns by number only, so a message shown to
/// someone who may not read the file tells nothing it holds.
public func readCSV(path: String, target: String? = nil, encode: Bool = false,
                    missing: MissingValues = .refuse, dtype: DType = .float32,
                    quotesContents: Bool = true,
                    checkpoint: () throws -> Void = {}) throws -> CSVTable {
    var data: [UInt8]
    do {
        data = try FileReader.read(path, limit: 1 << 30)
    } catch {
        throw TensorError(op: "read_csv", error.description)
    }
    // A byte-order mark (spreadsheets write one) is not part of the first column's name.
    if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
    guard let text = String(validating: data, as: UTF8.self) else {
        var place = ""
        if let bad = firstInvalidUTF8(data) {
            let line = data[..<bad].reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            place = quotesContents ? ": byte 0x\(String(data[bad], radix: 16, uppercase: true)) on line \(line) is not UTF-8"
                : ": line \(line) is not UTF-8"
        }
        throw TensorError(op: "read_csv", "'\(path)' is not UTF-8 text\(place) (save it as UTF-8)")
    }
    return try parseCSV(text, name: path, target: target, encode: encode, missing: missing, dtype: dtype,
                        quotesContents: quotesContents, checkpoint: checkpoint)
}

/// Parses CSV text (see `readCSV`); `name` is used in messages.
public func parseCSV(_ text: String, name: String = "<text>", target: String? = nil, encode: Bool = false,
                     missing: MissingValues = .refuse, dtype: DType = .float32,
                     quotesContents: Bool = true,
                     checkpoint: () throws -> Void = {}) throws -> CSVTable {
    /// How a message names column `j`: `'price'`, or `3` when contents may not be quoted.
    func column(_ header: [String], _ j: Int) -> String { quotesContents ? "'\(header[j])'" : "\(j + 1)" }
    let records = try splitCSVRecords(text, name: name, checkpoint: checkpoint)
    guard let header = records.first?.fields else {
        throw TensorError(op: "read_csv", "\(name) is empty (expected a header row)")
    }
    // A set, not a scan of the columns before each one: a header of a
    // million columns must not take hours (issue 15).
    var seen = Set<String>(minimumCapacity: header.count)
    for (j, h) in header.enumerated() {
        if h.isEmpty { throw TensorError(op: "read_csv", "\(name): column \(j + 1) of the header has no name") }
        if !seen.insert(h).inserted {
            let first = (header.firstIndex(of: h) ?? j) + 1
            throw TensorError(op: "read_csv", quotesContents ? "\(name): column name '\(h)' appears twice in the header"
                                                        : "\(name): columns \(first) and \(j + 1) of the header have the same name")
        }
    }
    var targetIndex: Int?
    if let target {
        guard let t = header.firstIndex(of: target) else {
            throw TensorError(op: "read_csv", quotesContents ? "\(name) has no column '\(target)'; its columns are \(header.joined(separator: ", "))"
                                                        : "\(name) has no column '\(target)' (its header has \(header.count) columns)")
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
        try checkpoint()
        let row = r + 1
        guard rec.fields.count == header.count else {
            throw TensorError(op: "read_csv", "\(name): row \(row) (line \(rec.line)) has \(rec.fields.count) fields but the header has \(header.count) columns")
        }
        let cells = rec.fields
        var rowMissing = false
        for (j, cell) in cells.enumerated() {
            if missingMarkers.contains(cell) {
                if missing == .refuse {
                    throw TensorError(op: "read_csv", "\(name): row \(row) (line \(rec.line)), column \(column(header, j)): missing value\(quotesContents ? " '\(cell)'" : "") (pass missing: \"drop\" to drop rows with missing values)")
                }
                rowMissing = true
            } else if parseNumber(cell) == nil {
                guard encode else {
                    throw TensorError(op: "read_csv", "\(name): row \(row) (line \(rec.line)), column \(column(header, j)): \(quotesContents ? "'\(cell)'" : "the cell") is not a number (pass encode: true to encode text columns as integer categories)")
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
    try Shape.reserve([kept.count, featureIdx.count], dtype: .float64, op: "read_csv")
    xs.reserveCapacity(kept.count * featureIdx.count)
    var ys: [Double] = []
    for cells in kept {
        try checkpoint()
        for j in featureIdx { xs.append(codes[j]?[cells[j]] ?? parseNumber(cells[j]) ?? 0) }
        if let t = targetIndex { ys.append(codes[t]?[cells[t]] ?? parseNumber(cells[t]) ?? 0) }
    }
    let X = try Tensor(shape: [kept.count, featureIdx.count], values: xs, dtype: dtype)
    // an encoded target holds class codes: int64 labels
    let y = try targetIndex.map { t in try Tensor(shape: [kept.count], values: ys, dtype: codes[t] != nil ? .int64 : dtype) }
    return CSVTable(X: X, y: y, columns: featureIdx.map { header[$0] }, target: target,
                    categories: categories, droppedRows: dropped, notes: notes)
}

/// A finite decimal number, or nil (`inf` and text are not numbers here).
func parseNumber(_ s: String) -> Double? {
    guard let v = Double(s), v.isFinite else { return nil }
    return v
}

/// Splits CSV text into records of fields, working on UTF-8 bytes: lines
/// end at `\n` (a `\r` before it is dropped), blank lines are skipped,
/// commas separate fields, a field may be quoted with `"` (inside, `""` is
/// a literal quote and commas are kept), and unquoted fields are trimmed of
/// spaces and tabs. Each record keeps its 1-based line number.
func splitCSVRecords(_ text: String, name: String,
                     checkpoint: () throws -> Void = {}) throws -> [(line: Int, fields: [String])] {
    let space: UInt8 = 0x20, tab: UInt8 = 0x09, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
    let comma: UInt8 = 0x2C, quote: UInt8 = 0x22
    var text = text
    return try text.withUTF8 { b -> [(line: Int, fields: [String])] in
        var records: [(line: Int, fields: [String])] = []
        var lineStart = 0, lineNumber = 0
        let n = b.count
        while lineStart < n {
            try checkpoint()
            var lineEnd = lineStart
            while lineEnd < n && b[lineEnd] != lf { lineEnd += 1 }
            lineNumber += 1
            var end = lineEnd
            if end > lineStart && b[end - 1] == cr { end -= 1 }
            defer { lineStart = lineEnd + 1 }
            var blank = true
            for k in lineStart..<end where b[k] != space && b[k] != tab { blank = false; break }
            if blank { continue }
            var fields: [String] = []
            var k = lineStart
            while true {
                while k < end && (b[k] == space || b[k] == tab) { k += 1 }
                if k < end && b[k] == quote {
                    var bytes: [UInt8] = []
                    k += 1
                    var closed = false
                    while k < end {
                        if b[k] == quote {
                            if k + 1 < end && b[k + 1] == quote { bytes.append(quote); k += 2; continue }
                            closed = true; k += 1; break
                        }
                        bytes.append(b[k]); k += 1
                    }
                    guard closed else {
                        throw TensorError(op: "read_csv", "\(name): line \(lineNumber) has an unterminated quoted field")
                    }
                    while k < end && b[k] != comma { k += 1 }
                    fields.append(String(decoding: bytes, as: UTF8.self))
                } else {
                    let start = k
                    while k < end && b[k] != comma { k += 1 }
                    var stop = k
                    while stop > start && (b[stop - 1] == space || b[stop - 1] == tab) { stop -= 1 }
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: b[start..<stop]), as: UTF8.self))
                }
                if k >= end { break }
                k += 1   // past the comma
            }
            records.append((lineNumber, fields))
        }
        return records
    }
}

/// The offset of the first byte of `bytes` that is not part of valid UTF-8, if any.
private func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    var parser = Unicode.UTF8.ForwardParser()
    var input = bytes.makeIterator()
    var offset = 0
    while true {
        switch parser.parseScalar(from: &input) {
        case .valid(let scalar): offset += scalar.count
        case .error: return offset
        case .emptyInput: return nil
        }
    }
}

