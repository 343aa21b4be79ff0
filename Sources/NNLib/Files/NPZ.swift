import NNFiles
import NNTensor

/// NumPy's `.npz`: a zip archive of `.npy` files, one per array, the array
/// named by its member name without `.npy` (as `numpy.load` names them).
/// nn reads stored and deflated members (`np.savez`, `np.savez_compressed`)
/// and writes stored ones (as `np.savez`).
extension TensorFiles {
    /// Reads a `.npz` file: its arrays in archive order.
    public static func readNPZ(_ path: String) throws(FileError) -> TensorArchive {
        try decodeNPZ(try FileReader.read(path, limit: readLimit), path: path)
    }

    /// Decodes `.npz` bytes; each member is checked as a `.npy` file, its
    /// errors naming `FILE[member.npy]`.
    public static func decodeNPZ(_ bytes: [UInt8], path: String) throws(FileError) -> TensorArchive {
        let members = try Zip.members(bytes, path: path)
        var tensors: [(name: String, tensor: Tensor)] = []
        for m in members {
            guard m.name.hasSuffix(".npy"), m.name.count > 4 else {
                throw FileError(.read, path, "member '\(FilePath.printable(m.name))' is not a .npy file; a .npz holds only .npy members")
            }
            let t = try decodeNPY(m.bytes, path: "\(path)[\(m.name)]")
            tensors.append((String(m.name.dropLast(4)), t))
        }
        return TensorArchive(tensors: tensors)
    }

    /// Writes named tensors as a `.npz` file (stored members `NAME.npy`), atomically.
    public static func writeNPZ(_ tensors: [(name: String, tensor: Tensor)], to path: String) throws(FileError) {
        try checkNames(tensors.map(\.name), path: path)
        for (name, _) in tensors where name.contains("/") || name.utf8.contains(0) {
            throw FileError(.write, path, "the name '\(FilePath.printable(name))' holds '/' or a NUL byte, which cannot name a .npz member")
        }
        let members = tensors.map { (name: $0.name + ".npy", bytes: encodeNPY($0.tensor)) }
        // A size limit hit inside the body leaves the old file untouched (AtomicFile).
        try AtomicFile.write(to: path) { sink throws(FileError) in
            try Zip.write(members, path: path) { part throws(FileError) in try sink.write(part) }
        }
    }

    /// The whole `.npz` file as bytes.
    static func encodeNPZ(_ tensors: [(name: String, tensor: Tensor)], path: String = "<memory>") throws(FileError) -> [UInt8] {
        var out: [UInt8] = []
        try Zip.write(tensors.map { (name: $0.name + ".npy", bytes: encodeNPY($0.tensor)) }, path: path) { part throws(FileError) in out += part }
        return out
    }
}
