import NNFiles

/// File paths through the gate: the one call a builtin makes before it opens
/// a file by a name the script gives.
///
/// ```swift
/// let path = try a.path("path", .read)     // read_csv, load
/// let out = try a.path("path", .write)     // save, write_csv, savefig
/// ```
/// The read is `a.string(name)` plus the interpreter's file policy
/// (``Interpreter/Options/filePolicy``): a path the policy does not grant is
/// `read_csv: reading '/etc/passwd' is not allowed (the script may read
/// only under /home/u/data; run nn with --allow-read DIR)`, thrown before
/// anything is opened. A file derived from the named one (the weights
/// `export_torch` writes beside the source) is asked for with
/// ``Interpreter/checkFile(_:_:for:)``. A builtin whose parameter names a
/// file calls it `path` (or `file`, `checkpoint`, `resume`), and
/// `FilePolicyTests` calls every such builtin under a policy that grants
/// nothing to check that it asks.
extension BuiltinArguments {
    /// The string argument `name`, checked to be a path the script may
    /// `access`; returns it as the script gave it (open that, so the file
    /// rules of `NNFiles` see the name the script wrote).
    public func path(_ name: String, _ access: FileAccess) throws -> String {
        let path = try string(name)
        try interpreter.checkFile(path, access, for: builtin.name)
        return path
    }
}

extension Interpreter {
    /// The end of a refusal in an embedding program: the host grants access.
    public static let hostFileAdvice: @Sendable (FileAccess) -> String = { _ in
        "the program running the script grants file access with Interpreter.Options.filePolicy"
    }

    /// Throws unless this interpreter's file policy lets scripts `access`
    /// `path`; the error names `who` (a builtin, `:load`):
    /// `who: reading 'x' is not allowed (...)`. For hosts and front ends
    /// that open files on a script's behalf. A refusal is a ``BuiltinError``
    /// of kind ``ScriptError/Kind/permission(path:access:)`` (so the script's
    /// error has that kind); a path that cannot name a file (empty, a NUL
    /// byte) is an ordinary runtime error.
    public func checkFile(_ path: String, _ access: FileAccess, for who: String) throws {
        do {
            try fileGate.check(path, access)
        } catch let denied as FileAccessDenied {
            throw BuiltinError("\(who): \(denied)", kind: .permission(path: denied.path, access: denied.access))
        } catch {
            throw BuiltinError("\(who): \(error)")
        }
    }
}
