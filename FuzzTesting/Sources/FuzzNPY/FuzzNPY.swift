import NNTensor
@testable import NNLib

/// libFuzzer entry: the `.npy` reader (versions 1.0 to 3.0, its header dict
/// parser, both byte orders, Fortran order) on arbitrary bytes.
///
/// A thrown `FileError` is a clean outcome; a trap or sanitizer report is a
/// finding. A file that reads must also survive a round trip through nn's
/// writer: the same shape, dtype and element bits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let t = try? TensorFiles.decodeNPY(bytes, path: "fuzz.npy") else { return 0 }
    do {
        let again = try TensorFiles.decodeNPY(TensorFiles.encodeNPY(t), path: "again.npy")
        precondition(again.shape == t.shape && again.dtype == t.dtype
                     && TensorFiles.elementBytes(again) == TensorFiles.elementBytes(t), "the tensor changed in a round trip")
    } catch {
        preconditionFailure("a file nn read could not be written and read again: \(error)")
    }
    return 0
}
