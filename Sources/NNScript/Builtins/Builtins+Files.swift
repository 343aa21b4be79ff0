import NNFiles
import NNLib
import NNTensor

/// Files: tensors, records of tensors and models to `.npy`, `.npz` and
/// `.safetensors` and back; tables to CSV.
extension Builtins {
    /// The tensor file formats, chosen by the file name's extension.
    enum TensorFormat: String {
        case npy = ".npy", npz = ".npz", safetensors = ".safetensors"

        static let list = "'.npy' (one tensor), '.safetensors' or '.npz' (a record of tensors, or a model)"

        init?(path: String) {
            let lower = path.lowercased()
            guard let f = [TensorFormat.npy, .npz, .safetensors].first(where: { lower.hasSuffix($0.rawValue) }) else { return nil }
            self = f
        }
    }

    /// The `path` argument, checked by the file gate for `access`, and the
    /// format its name says; an error naming the formats when it says none
    /// ("cannot write 'x.bin': ...; `lead` '.npy' ...").
    static func tensorFile(_ a: BuiltinArguments, _ access: FileAccess, lead: String) throws -> (path: String, format: TensorFormat) {
        let path = try a.path("path", access)
        guard let format = TensorFormat(path: path) else {
            throw a.error("cannot \(access.rawValue) '\(FilePath.printable(path))': the name does not say the format; \(lead) \(TensorFormat.list)")
        }
        return (path, format)
    }

    /// `(name, tensor)` pairs of a record whose values are all tensors; `what` names it in errors.
    static func namedTensors(_ r: RecordRef, _ a: BuiltinArguments, what: String,
                             hint: String = "; only tensors can be saved (a model's weights: save(model, path) or model.state_dict())") throws -> [(name: String, tensor: Tensor)] {
        try r.fields.map { name, value in
            guard case .tensor(let t) = value else {
                throw a.error("\(what) field '\(name)' is \(value.typeName)\(hint)")
            }
            return (name, t.detach())
        }
    }

    /// The sentence every builtin that names a file ends its discussion with.
    static let filePolicyDoc = " The path must be one the file policy allows: any for `nn`; under `nn --sandbox`, the script's folder and `--allow-read` folders for reading, `--allow-write` folders for writing; none in an embedding program that grants none (docs/sandbox.md)."

    static let fileDoc = "\n\nFiles are written atomically (a temporary file, flushed, then renamed over the old one), so a reader or a crash never sees half a file; nn writes only to a new file or over a regular one (never through a symbolic link, into a FIFO or a device). Reading never executes anything (there is no pickle): a damaged or hostile file is an error naming the file and the field. See docs/persistence.md." + filePolicyDoc

    static let files: [Builtin] = [
        Builtin("save", [.required("x"), .required("path"), .optional("metadata")], area: "Files",
                summary: "Saves a tensor to `.npy`, or a record of tensors or a model (its `state_dict()`) to `.safetensors` or `.npz`.",
                discussion: "The format follows the file name: `.npy` (NumPy, one tensor), `.safetensors` (Hugging Face; `safetensors.torch.load_file` and `torch` read it) or `.npz` (NumPy, `np.load`; members stored uncompressed). Tensors are written in their dtype (float32 `F32`/`<f4`, float64 `F64`/`<f8`, bool `BOOL`/`|b1`), little-endian, C order; a tensor that requires grad is saved by value. `load` reads them back.\n\n`metadata:` (`.safetensors` only) is a record of strings written as the header's `__metadata__`, as `safetensors.torch.save_file(tensors, path, metadata={...})` does: `save(model, \"m.safetensors\", metadata: {epoch: \"12\", data: \"digits\"})`. The format allows strings only, so any other value is an error naming its key (write numbers with `str(x)`). `load_metadata(path)` reads it back." + fileDoc) { a in
            let (path, format) = try tensorFile(a, .write, lead: "end it with")
            let metadata = try saveMetadata(a, format: format, path: path)
            do {
                switch (try a["x"], format) {
                case (.tensor(let t), .npy):
                    try TensorFiles.writeNPY(t.detach(), to: path)
                case (.tensor, _):
                    throw a.error("cannot write '\(FilePath.printable(path))': a \(format.rawValue) file holds named tensors; save a record, save({x: t}, \"\(FilePath.printable(path))\"), or name the file .npy")
                case (.record, .npy), (.object(is ModuleObject), .npy):
                    throw a.error("cannot write '\(FilePath.printable(path))': a .npy file holds one tensor; save a record of tensors or a model to .safetensors or .npz")
                case (.record(let r), _):
                    let named = try namedTensors(r, a, what: "the record's")
                    try write(named, format, path, metadata: metadata)
                case (.object(let o as ModuleObject), _):
                    try write(o.module.stateDictionary(), format, path, metadata: metadata)
                default:
                    throw try a.bad("x", "tensor, record of tensors or model")
                }
            } catch let e as FileError {
                throw a.error(e.description)
            }
            return .nil
        },
        Builtin("load", [.required("path")], area: "Files",
                summary: "Reads a `.npy` file as a tensor, or a `.safetensors` or `.npz` file as a record `name -> tensor`.",
                discussion: "The format follows the file name. float32, float64 and bool data keep their dtype; float16 and bfloat16 become float32 (exactly); integer data (int8 to int64, uint8 to uint64, such as PyTorch's `num_batches_tracked` or label arrays) becomes int64, exactly (a uint64 value above 2^63 - 1 is an error); an int64 tensor is written as `<i8` (`.npy`) or `I64` (safetensors). `.npy` files in Fortran order are read in C order; big-endian data is swapped. `.npz` members may be stored or deflated (`np.savez_compressed`). A record's fields are in file order; load a model's weights with `model.load_state_dict(load(path))`." + fileDoc) { a in
            let (path, format) = try tensorFile(a, .read, lead: "nn reads")
            do {
                switch format {
                case .npy: return .tensor(try TensorFiles.readNPY(path))
                case .npz: return recordValue(try TensorFiles.readNPZ(path).tensors)
                case .safetensors: return recordValue(try TensorFiles.readSafetensors(path).tensors)
                }
            } catch {
                throw a.error("\(error)")
            }
        },
        Builtin("load_metadata", [.required("path")], area: "Files",
                summary: "The string metadata of a `.safetensors` file (its header's `__metadata__`), as a record `key -> string`; `{}` when it has none.",
                discussion: "What `save(x, path, metadata: {...})` wrote, or what other tools did (`safetensors.torch.save_file(..., metadata=...)`; Hugging Face files often hold `{format: \"pt\"}`); in Python, `safe_open(path, \"pt\").metadata()`. The keys keep the file's order. The whole file is read and checked as `load` does, so a damaged file is an error here too. `.npy` and `.npz` files hold no metadata: asking is an error." + fileDoc) { a in
            let path = try a.path("path", .read)
            guard TensorFormat(path: path) == .safetensors else {
                throw a.error("cannot read metadata from '\(FilePath.printable(path))': only .safetensors files hold metadata (name the file .safetensors)")
            }
            do {
                return .record(try TensorFiles.readSafetensors(path).metadata.map { ($0.key, .string($0.value)) })
            } catch {
                throw a.error("\(error)")
            }
        },
        Builtin("write_csv", [.required("path"), .required("X"), .optional("y"), .optional("header")], area: "Files",
                summary: "Writes `X` `[N, D]` (and `y` `[N]` as the last column) as a CSV file with a header row: the inverse of `read_csv`.",
                discussion: "The header is `header` (a list of D names, D + 1 with `y`) or `x1, ..., xD, y`. Each number is written in the shortest form that reads back to the same value in its dtype, so `read_csv(path, target: \"y\")` returns the same tensors bit for bit (in the same dtype); a bool is `1` or `0`; NaN is written `NaN` (a missing value to `read_csv`); an infinity is an error. Names with commas or quotes are quoted." + fileDoc) { a in
            let path = try a.path("path", .write)
            let x = try tensorArg(a, "X")
            let y: Tensor? = try a["y"].isNil ? nil : try tensorArg(a, "y")
            var header: [String]?
            if try !a["header"].isNil {
                header = try a.sequence("header").map { v in
                    guard case .string(let s) = v else { throw try a.bad("header", message: "header must be a list of strings, got a \(v.typeName) in it") }
                    return s
                }
            }
            try writeCSV(path: path, X: x, y: y, header: header)
            return .nil
        },
    ]

    /// `save`'s `metadata:` as `(key, string)` pairs: a record of strings,
    /// for a `.safetensors` file only; nil when not given.
    static func saveMetadata(_ a: BuiltinArguments, format: TensorFormat, path: String) throws -> [(key: String, value: String)] {
        let value = try a["metadata"]
        if value.isNil { return [] }
        guard case .record(let r) = value else { throw try a.bad("metadata", "record of strings") }
        guard format == .safetensors else {
            throw a.error("cannot write '\(FilePath.printable(path))': only .safetensors files hold metadata; \(format.rawValue) files have no place for it (name the file .safetensors, or leave out metadata:)")
        }
        return try r.fields.map { key, v in
            guard case .string(let s) = v else {
                throw a.error("metadata field '\(key)' is \(v.typeName); safetensors metadata holds strings only (write it as a string: str(x))")
            }
            return (key, s)
        }
    }

    /// Writes named tensors in `format` (`.safetensors` or `.npz`).
    static func write(_ named: [(name: String, tensor: Tensor)], _ format: TensorFormat, _ path: String,
                      metadata: [(key: String, value: String)] = []) throws(FileError) {
        switch format {
        case .safetensors: try TensorFiles.writeSafetensors(TensorArchive(tensors: named, metadata: metadata), to: path)
        case .npz: try TensorFiles.writeNPZ(named, to: path)
        case .npy: throw FileError(.write, path, "a .npy file holds one tensor")
        }
    }

    /// A record `name -> tensor`.
    static func recordValue(_ named: [(name: String, tensor: Tensor)]) -> Value {
        .record(named.map { ($0.name, .tensor($0.tensor)) })
    }
}
