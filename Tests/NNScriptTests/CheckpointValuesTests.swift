import NNLib
import NNTensor
@testable import NNScript
import Testing

/// A checkpoint's user record goes to JSON and back exactly, and a record
/// that was tampered with is refused naming where.
@Suite("Checkpoint values")
struct CheckpointValuesTests {
    static func roundTrip(_ v: Value) throws -> Value {
        var tensors: [(name: String, tensor: Tensor)] = []
        let json = try CheckpointValues.encode(v, &tensors, op: "save_checkpoint")
        let back = try JSONValue.parse(json.text)
        return try CheckpointValues.decode(back, tensors: Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.tensor) }),
                                           file: "f", op: "load_checkpoint")
    }

    @Test func everyPlainValueComesBackExactly() throws {
        let t = try Tensor(shape: [2], array: [0.1, -0.0])
        let v = Value.record([("a", .number(-0.0)), ("b", .number(1e-300)), ("c", .number(.nan)), ("d", .number(-.infinity)),
                              ("s", .string("\"quoted\"\n")), ("n", .nil), ("flag", .bool(false)),
                              ("nested", .list([.tuple([.number(1), .range(-2, 5)]), .record([("t", .tensor(t))])]))])
        let back = try Self.roundTrip(v)
        #expect(back.repr == v.repr)
        guard case .record(let r) = back, case .number(let z)? = r["a"], case .list(let l)? = r["nested"],
              case .record(let inner) = l.items[1], case .tensor(let bt)? = inner["t"] else {
            Issue.record("wrong shape: \(back.repr)")
            return
        }
        #expect(z.bitPattern == (-0.0).bitPattern)
        #expect(bt.dtype == .float64 && bt.doubles.map(\.bitPattern) == t.doubles.map(\.bitPattern))
    }

    /// The message decoding `json` gives.
    func refusal(_ json: String) -> String {
        do {
            _ = try CheckpointValues.decode(try JSONValue.parse(json), tensors: [:], file: "f", op: "load_checkpoint")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func aTamperedRecordIsRefusedNamingWhere() {
        #expect(refusal(#"{"record": {"a": {"tensor": "0"}}}"#)
            == "load_checkpoint: cannot read 'f': '__metadata__.extra': extra.a refers to a tensor 'extra.0' that the file does not hold")
        #expect(refusal(#"{"a": 1, "b": 2}"#).hasSuffix("extra is an object of 2 fields; a tagged value has one (record, tuple, range, number or tensor)"))
        #expect(refusal(#"{"pickle": "x"}"#).hasSuffix("extra has an unknown tag 'pickle' (record, tuple, range, number or tensor)"))
        #expect(refusal(#"[{"range": [3, 1]}]"#).hasSuffix("extra[0] is a range that is not [lower, upper] with lower <= upper"))
        #expect(refusal(#"{"number": "1.5"}"#).hasSuffix("extra is a number tag that is not \"nan\", \"inf\" or \"-inf\""))
        #expect(refusal(#"{"tuple": 3}"#).hasSuffix("extra is a tuple that is not an array"))
        #expect(refusal(#"{"record": [1]}"#).hasSuffix("extra is a record that is not an object"))
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(refusal(deep).hasSuffix("nests more than 32 levels deep"))
    }
}
