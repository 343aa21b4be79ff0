import NNLib
import NNTensor

/// libFuzzer entry: `read_csv`'s parser on arbitrary text.
///
/// The first byte picks the options (so one corpus covers them all): bit 0
/// `encode:`, bit 1 `missing: .drop`, bit 2 float64, bits 3-4 the target
/// column (none, the first header name, the last, a missing name). The rest
/// is the file's text; invalid UTF-8 is refused first, as `readCSV` does.
/// A thrown error is a clean outcome; a trap or sanitizer report is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let flags = data[0]
    guard let text = String(validating: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self) else {
        return 0
    }
    let firstLine = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    let names = firstLine.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let target: String?
    switch (flags >> 3) & 3 {
    case 1: target = names.first
    case 2: target = names.last
    case 3: target = "no such column"
    default: target = nil
    }
    do {
        let table = try parseCSV(text, name: "fuzz.csv", target: target, encode: flags & 1 != 0,
                                 missing: flags & 2 != 0 ? .drop : .refuse,
                                 dtype: flags & 4 != 0 ? .float64 : .float32)
        precondition(table.X.shape.count == 2, "read_csv returned X of rank \(table.X.shape.count)")
        if let y = table.y { precondition(y.shape.first == table.X.shape.first, "X and y disagree on rows") }
    } catch {
        _ = "\(error)"
    }
    return 0
}
