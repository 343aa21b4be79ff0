import NNTensor
@testable import NNLib

/// libFuzzer entry: the `.npz` reader (the zip central directory, local
/// headers, zip64 fields, inflate through zlib with CRC-32 checks, then each
/// member as `.npy`) on arbitrary bytes.
///
/// A thrown `FileError` is a clean outcome; a trap or sanitizer report is a
/// finding. An archive that reads must also survive a round trip through
/// nn's writer: the same names, shapes, dtypes and element bits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let archive = try? TensorFiles.decodeNPZ(bytes, path: "fuzz.npz") else { return 0 }
    do {
        let again = try TensorFiles.decodeNPZ(try TensorFiles.encodeNPZ(archive.tensors), path: "again.npz")
        precondition(again.tensors.map(\.name) == archive.tensors.map(\.name), "names changed in a round trip")
        for (a, b) in zip(archive.tensors, again.tensors) {
            precondition(a.tensor.shape == b.tensor.shape && a.tensor.dtype == b.tensor.dtype
                         && TensorFiles.elementBytes(a.tensor) == TensorFiles.elementBytes(b.tensor),
                         "member '\(a.name)' changed in a round trip")
        }
    } catch {
        preconditionFailure("an archive nn read could not be written and read again: \(error)")
    }
    return 0
}
