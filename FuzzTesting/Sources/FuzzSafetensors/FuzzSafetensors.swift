import NNTensor
@testable import NNLib

/// libFuzzer entry: the safetensors reader on arbitrary bytes.
///
/// A thrown `FileError` is a clean outcome; a trap or sanitizer report is a
/// finding. A file that reads must also survive a round trip: written again
/// by nn's writer and read back, it gives the same names, metadata, shapes,
/// dtypes and element bits (F16, BF16 and integers come back as the float32
/// or float64 they were read as).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let archive = try? TensorFiles.decodeSafetensors(bytes, path: "fuzz.safetensors") else { return 0 }
    do {
        let again = try TensorFiles.decodeSafetensors(try TensorFiles.encodeSafetensors(archive), path: "again.safetensors")
        precondition(again.metadata.map(\.key) == archive.metadata.map(\.key)
                     && again.metadata.map(\.value) == archive.metadata.map(\.value), "metadata changed in a round trip")
        precondition(again.tensors.map(\.name) == archive.tensors.map(\.name), "names changed in a round trip")
        for (a, b) in zip(archive.tensors, again.tensors) {
            precondition(a.tensor.shape == b.tensor.shape && a.tensor.dtype == b.tensor.dtype
                         && TensorFiles.elementBytes(a.tensor) == TensorFiles.elementBytes(b.tensor),
                         "tensor '\(a.name)' changed in a round trip")
        }
    } catch {
        preconditionFailure("a file nn read could not be written and read again: \(error)")
    }
    return 0
}
