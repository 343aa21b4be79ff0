#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNFiles

/// The kernelspec that lets Jupyter (lab, notebook, nbclient, VS Code) find
/// and start the nn kernel: a folder `kernels/nn/` holding `kernel.json`.
///
/// ```json
/// {"argv": ["/path/to/nn", "kernel", "-f", "{connection_file}"],
///  "display_name": "nn", "language": "nn", "interrupt_mode": "message",
///  "metadata": {"debugger": false}}
/// ```
/// Where it goes (as `jupyter kernelspec install` puts it):
/// - `--user`: `$JUPYTER_DATA_DIR/kernels`, else `~/.local/share/jupyter/kernels`
///   (`~/Library/Jupyter/kernels` on macOS);
/// - `--prefix DIR`: `DIR/share/jupyter/kernels` (a virtual environment's, or a test's);
/// - neither: `/usr/local/share/jupyter/kernels`, for every user.
public struct KernelSpec: Equatable, Sendable {
    /// The kernel's folder name (Jupyter's kernel name).
    public var name = "nn"
    public var displayName = "nn"
    /// The command that starts the kernel, `{connection_file}` standing for the connection file.
    public var argv: [String]
    /// `"message"` (an `interrupt_request` on the control channel) or `"signal"` (SIGINT); the kernel takes both.
    public var interruptMode = "message"

    public init(executable: String, name: String = "nn", displayName: String = "nn", interruptMode: String = "message") {
        argv = [executable, "kernel", "-f", "{connection_file}"]
        self.name = name
        self.displayName = displayName
        self.interruptMode = interruptMode
    }

    /// Where a kernelspec is installed.
    public enum Location: Equatable, Sendable {
        case user
        case prefix(String)
        case system

        /// The `kernels` folder of this location.
        public func kernelsDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
            switch self {
            case .prefix(let dir):
                return dir + "/share/jupyter/kernels"
            case .system:
                return "/usr/local/share/jupyter/kernels"
            case .user:
                if let data = environment["JUPYTER_DATA_DIR"], !data.isEmpty { return data + "/kernels" }
                guard let home = environment["HOME"], !home.isEmpty else {
                    throw KernelError("nn kernel install --user: HOME is not set; give --prefix DIR instead")
                }
                #if os(macOS)
                return home + "/Library/Jupyter/kernels"
                #else
                let share = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/share"
                return share + "/jupyter/kernels"
                #endif
            }
        }
    }

    /// `kernel.json`'s text.
    public var json: String {
        let object: JSONObject = ["argv": argv, "display_name": displayName, "language": "nn",
                                  "interrupt_mode": interruptMode, "metadata": ["debugger": false] as JSONObject]
        return ((try? JSONText.text(object, pretty: true)) ?? "{}") + "\n"
    }

    /// Writes `kernels/NAME/kernel.json` under `location` (folders made as
    /// needed; the file written atomically); returns the kernel's folder.
    @discardableResult
    public func install(at location: Location) throws -> String {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }),
              name != ".", name != ".." else {
            throw KernelError("nn kernel install: a kernel name is letters, digits, '-', '_' and '.', got '\(name)'")
        }
        let folder = try location.kernelsDirectory() + "/" + name
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw KernelError("nn kernel install: cannot make '\(folder)': \(error)")
        }
        do {
            try AtomicFile.write(json, to: folder + "/kernel.json")
        } catch {
            throw KernelError("nn kernel install: \(error)")
        }
        return folder
    }

    /// The absolute path of the running executable (for `argv`).
    public static func currentExecutable() -> String {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        let arg0 = CommandLine.arguments.first ?? "nn"
        if arg0.hasPrefix("/") { return arg0 }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(arg0).standardized.path
    }
}
