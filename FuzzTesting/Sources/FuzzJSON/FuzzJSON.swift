@testable import NNLib

/// libFuzzer entry: the strict JSON parser that reads safetensors headers.
///
/// A thrown failure is a clean outcome; a trap or sanitizer report is a
/// finding. A text that parses must also survive a round trip: written
/// back as JSON (strings through the writers' `jsonQuoted`) and parsed
/// again, it gives the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let text = write(value)
    guard let again = try? JSONParser.parse(Array(text.utf8)) else {
        preconditionFailure("parsed JSON, written back, does not parse: \(text.prefix(200))")
    }
    precondition(write(again) == text, "JSON changed in a round trip")
    return 0
}

/// Compact JSON text for a value (numbers keep their text).
private func write(_ v: JSONValue) -> String {
    switch v {
    case .object(let fields): "{" + fields.map { jsonQuoted($0.key) + ":" + write($0.value) }.joined(separator: ",") + "}"
    case .array(let items): "[" + items.map(write).joined(separator: ",") + "]"
    case .string(let s): jsonQuoted(s)
    case .number(let n): n
    case .bool(let b): b ? "true" : "false"
    case .null: "null"
    }
}
