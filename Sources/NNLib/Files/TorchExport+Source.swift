import NNFiles
import NNTensor

/// Python source text: names, string literals and the docstring's wording.
/// Nothing a script chooses reaches the generated file unescaped: the class
/// name must be an identifier, a file name is written as an escaped string
/// literal, and the docstring shows it only when it is plain.
extension TorchExport {
    /// Python's keywords (3.12), which cannot name a class.
    static let pythonKeywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]

    /// Names the generated file itself defines or imports.
    static let reservedNames: Set<String> = ["os", "torch", "nn", "WEIGHTS", "load", "load_file"]

    /// True for an ASCII Python identifier: a letter or `_`, then letters, digits or `_`.
    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCII,
              first.properties.isAlphabetic || first == "_" else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    /// Refuses a class name that is not a plain identifier, is a keyword, or
    /// would hide a name the file uses.
    static func checkIdentifier(_ name: String) throws {
        guard isIdentifier(name), !pythonKeywords.contains(name), !reservedNames.contains(name) else {
            throw TensorError(op: "export_torch", "class_name \"\(FilePath.printable(name))\" is not a usable Python class name: it must be made of letters, digits and _ (not starting with a digit), and be neither a Python keyword nor one of \(reservedNames.sorted().joined(separator: ", "))")
        }
    }

    /// The module name `import` would use for the file `fileName` (`net.py` → `net`),
    /// or nil when the file cannot be imported by name.
    static func pythonModuleName(_ fileName: String) -> String? {
        guard fileName.utf8.count > 3 else { return nil }
        let stem = String(decoding: Array(fileName.utf8).dropLast(3), as: UTF8.self)
        return isIdentifier(stem) && !pythonKeywords.contains(stem) && fileName.hasSuffix(".py") ? stem : nil
    }

    /// A Python string literal for `s`: double-quoted, with `\`, `"`, control
    /// characters and everything outside printable ASCII escaped, so the
    /// source is plain ASCII whatever the name holds.
    static func pythonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value >= 0x20 && u.value < 0x7F {
                    out.unicodeScalars.append(u)
                } else if u.value <= 0xFF {
                    out += "\\x" + hex(u.value, 2)
                } else if u.value <= 0xFFFF {
                    out += "\\u" + hex(u.value, 4)
                } else {
                    out += "\\U" + hex(u.value, 8)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ v: UInt32, _ width: Int) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - h.count)) + h
    }

    /// A file name for the docstring: itself when it is plain (letters,
    /// digits, `.`, `_`, `-`), else a description; `quoted` adds Python quotes
    /// (and falls back to the WEIGHTS constant).
    static func docText(_ name: String, quoted: Bool = false) -> String {
        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0))
        }
        if plain { return quoted ? "\"\(name)\"" : name }
        return quoted ? "WEIGHTS" : "the .safetensors file named in WEIGHTS"
    }

    /// What the model takes, for the docstring: `a float32 tensor [N, 64]`
    /// when its first layer with weights says so.
    static func inputShapeHint(_ model: Module) -> String {
        var m = model
        while let s = m as? Sequential, let first = s.layers.first { m = first }
        switch m {
        case let l as Linear: return "a \(l.weight.dtype) tensor [N, \(l.inFeatures)]"
        case let b as BatchNorm: return "a \(b.weight.dtype) tensor [N, \(b.features)]"
        case let c as Conv2d: return "a \(c.weight.dtype) tensor [N, \(c.inChannels), H, W] (a batch of images)"
        case let b as BatchNorm2d: return "a \(b.weight.dtype) tensor [N, \(b.channels), H, W] (a batch of images)"
        default:
            let dtype = model.parameters.first?.dtype ?? .float32
            return "a \(dtype) tensor, a batch of samples"
        }
    }

    /// `4 layers, 8,906 parameters` for the class docstring.
    static func summary(_ model: Module) -> String {
        let n = model.parameterCount
        var digits = Array(String(n))
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + String(digits.suffix(3)) + grouped
            digits.removeLast(3)
        }
        grouped = String(digits) + grouped
        let params = "\(grouped) parameter\(n == 1 ? "" : "s")"
        if let s = model as? Sequential { return "\(s.layers.count) layer\(s.layers.count == 1 ? "" : "s"), \(params)" }
        return params
    }
}
