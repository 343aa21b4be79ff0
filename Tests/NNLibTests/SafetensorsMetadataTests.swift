import NNFiles
import NNTensor
import Testing
@testable import NNLib

/// safetensors `__metadata__`: any strings go out and come back the same,
/// in order; a header the readers would refuse is never written.
@Suite struct SafetensorsMetadataTests {
    static let t = try! Tensor(shape: [2], array: [Float(1), 2])

    @Test func anyStringsRoundTripInOrder() throws {
        let pairs: [(key: String, value: String)] = [
            ("z", "last key first"), ("quote\"back\\slash", "line\nbreak\ttab\r\u{1}\u{1F}"),
            ("", "empty key"), ("é€😀", "\u{7F}\u{2028}"), ("empty", ""),
        ]
        let bytes = try TensorFiles.encodeSafetensors(TensorArchive(tensors: [("t", Self.t)], metadata: pairs))
        let back = try TensorFiles.decodeSafetensors(bytes, path: "f")
        #expect(back.metadata.map(\.key) == pairs.map(\.key))
        #expect(back.metadata.map(\.value) == pairs.map(\.value))
        #expect(back.tensors.map(\.name) == ["t"])
    }

    @Test func repeatedKeyIsAnError() {
        let archive = TensorArchive(tensors: [], metadata: [("a", "1"), ("a", "2")])
        #expect(throws: FileError(.write, "<memory>", "the metadata key 'a' appears twice")) {
            try TensorFiles.encodeSafetensors(archive)
        }
    }

    /// Before the limit was checked on writing, metadata could make a file
    /// nn itself (and the reference reader) refuses to read.
    @Test func headerOverTheReadLimitIsNotWritten() throws {
        let archive = TensorArchive(tensors: [("t", Self.t)], metadata: [("note", String(repeating: "x", count: 100))])
        let e = try #require(throws: FileError.self) {
            try TensorFiles.safetensorsHeader(archive, path: "f.safetensors", headerLimit: 64)
        }
        #expect(e.reason.hasPrefix("the header (names, shapes and metadata) would be 184 bytes, more than the 64 a safetensors reader accepts"))
        #expect(try TensorFiles.safetensorsHeader(archive, path: "f.safetensors", headerLimit: 184).count == 184)
    }
}
