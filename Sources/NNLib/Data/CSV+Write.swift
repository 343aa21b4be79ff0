#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNFiles
import NNTensor

/// Writes `X` `[N, D]` (and `y` `[N]` as a last column) as a CSV file with a
/// header row, atomically: the inverse of `readCSV`, so
/// `readCSV(path, target: "y")` gives back the same numbers, bit for bit.
///
/// - `header`: the column names (D of them, D + 1 with `y`); by default
///   `x1, ..., xD` and `y`. A name with a comma, a quote or surrounding
///   spaces is quoted (`""` inside); an empty, repeated or multi-line name
///   is an error (`readCSV` could not read it back).
/// - Each number is written in the shortest decimal form that reads back
///   to the same value in its dtype (float32 values as float32); a bool is
///   `1` or `0`. NaN is written `NaN`, which `readCSV` reads as a missing
///   value; an infinity is an error (CSV readers disagree on its spelling).
public func writeCSV(path: String, X: Tensor, y: Tensor? = nil, header: [String]? = nil) throws {
    let op = "write_csv"
    guard X.rank == 2 else {
        throw TensorError(op: op, "X must be a table [N, D], got shape \(FileShape.text(X.shape)) (one column is X.reshape([-1, 1]))")
    }
    let n = X.shape[0], d = X.shape[1]
    if let y {
        guard y.rank == 1, y.shape[0] == n else {
            throw TensorError(op: op, "y must be [\(n)] to go beside X \(FileShape.text(X.shape)), got shape \(FileShape.text(y.shape))")
        }
    }
    let columns = d + (y == nil ? 0 : 1)
    guard columns >= 1 else { throw TensorError(op: op, "X has no columns and there is no y: nothing to write") }
    let names = header ?? ((0..<d).map { "x\($0 + 1)" } + (y == nil ? [] : ["y"]))
    guard names.count == columns else {
        throw TensorError(op: op, "header has \(names.count) names but there are \(columns) columns (\(d) in X\(y == nil ? "" : " and y"))")
    }
    var seen = Set<String>()
    for name in names {
        guard !name.isEmpty else { throw TensorError(op: op, "a header name is empty; read_csv needs every column named") }
        guard !name.contains(where: { $0 == "\n" || $0 == "\r" }) else {
            throw TensorError(op: op, "the header name \(quoteName(name)) holds a line break, which read_csv cannot read")
        }
        guard seen.insert(name).inserted else { throw TensorError(op: op, "the header name \(quoteName(name)) appears twice") }
    }
    let xs = X.storage, ys = y?.storage
    var text = names.map(csvField).joined(separator: ",") + "\n"
    var failure: TensorError?
    func cell(_ s: TensorStorage, _ i: Int, _ row: Int, _ column: String) -> String {
        let out: String
        switch s {
        case .float32(let a): out = csvNumber(a[i])
        case .float64(let a): out = csvNumber(a[i])
        case .bool(let a): out = a[i] ? "1" : "0"
        case .int64(let a): out = String(a[i])
        }
        if out == "inf" || out == "-inf", failure == nil {
            failure = TensorError(op: op, "row \(row + 1), column \(quoteName(column)) is \(out); CSV has no agreed spelling for infinity (replace it, e.g. with where(is_finite(X), X, 0))")
        }
        return out
    }
    for r in 0..<n {
        var row: [String] = []
        row.reserveCapacity(columns)
        for c in 0..<d { row.append(cell(xs, r * d + c, r, names[c])) }
        if let ys { row.append(cell(ys, r, r, names[d])) }
        if let failure { throw failure }
        text += row.joined(separator: ",") + "\n"
    }
    do {
        try AtomicFile.write(text, to: path)
    } catch {
        throw TensorError(op: op, error.description)
    }
}

/// The shortest text `parseNumber` reads back as exactly `v` (in float32:
/// `Float(Double(text))`, the path `readCSV` takes).
func csvNumber(_ v: Float) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    let short = v.description
    if let back = Double(short), Float(back) == v { return trimmed(short) }
    return trimmed(Double(v).description)
}

func csvNumber(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    return trimmed(v.description)
}

/// `3.0` as `3` (both read back the same).
private func trimmed(_ s: String) -> String {
    s.hasSuffix(".0") ? String(s.dropLast(2)) : s
}

/// A header field, quoted when `splitCSVRecords` would otherwise change it.
func csvField(_ name: String) -> String {
    let needsQuotes = name.contains(",") || name.contains("\"") || name.first == " " || name.first == "\t"
        || name.last == " " || name.last == "\t"
    guard needsQuotes else { return name }
    return "\"" + PlainText.replacing("\"", with: "\"\"", in: name) + "\""
}

private func quoteName(_ name: String) -> String { "'" + FilePath.printable(name) + "'" }
