import ArgumentParser
import NNKernel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `nn kernel`: nn as a Jupyter kernel (NNKernel), and the kernelspec that
/// lets Jupyter start it.
///
/// `nn kernel install [--user | --prefix DIR]` writes the kernelspec;
/// Jupyter then starts `nn kernel -f CONNECTION_FILE` itself.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nn kernel",
        abstract: "nn in Jupyter: the kernel, and its kernelspec.",
        discussion: """
            nn kernel install --user       make `jupyter lab` offer an nn kernel (for you)
            nn kernel install --prefix DIR the same inside DIR (a virtual environment: --prefix "$VIRTUAL_ENV")
            nn kernel -f FILE              serve the connection file FILE (Jupyter runs this)
            """,
        subcommands: [Serve.self, Install.self],
        defaultSubcommand: Serve.self
    )

    /// Runs `nn kernel ARGS...`; returns the exit code.
    static func dispatch(_ arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            exit(withError: error)
        }
    }

    /// `nn kernel -f FILE`: serves one kernel until Jupyter shuts it down.
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve a connection file (Jupyter runs this).")

        @Option(name: .short, help: ArgumentHelp("The connection file Jupyter wrote.", valueName: "connection-file"))
        var f: String

        @Option(name: .long, help: "Seed of the random generator (default 0).")
        var seed: UInt64 = 0

        func run() throws {
            do {
                let kernel = try Kernel(connection: try ConnectionInfo(path: f),
                                        identity: .init(version: Runner.version,
                                                        banner: "nn \(Runner.version): a small language for training neural networks; ?name for help"),
                                        seed: seed)
                throw ExitCode(kernel.run())
            } catch let error as KernelError {
                StdIO.complain("nn kernel: \(error)\n")
                throw ExitCode(Runner.Exit.noInput)
            } catch let error as ZMQError {
                StdIO.complain("nn kernel: \(error)\n")
                throw ExitCode(Runner.Exit.ioError)
            }
        }
    }

    /// `nn kernel install`: writes `kernels/nn/kernel.json`.
    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the kernelspec so Jupyter offers nn.")

        @Flag(name: .long, help: "Install for the current user (~/.local/share/jupyter/kernels).")
        var user = false

        @Option(name: .long, help: ArgumentHelp("Install into DIR/share/jupyter/kernels.", valueName: "dir"))
        var prefix: String?

        @Option(name: .long, help: "The kernel's name (its folder).")
        var name = "nn"

        @Option(name: .customLong("display-name"), help: "The name Jupyter shows.")
        var displayName = "nn"

        @Option(name: .customLong("interrupt-mode"), help: "How Jupyter interrupts a cell: message or signal.")
        var interruptMode = "message"

        func validate() throws {
            if user, prefix != nil { throw ValidationError("give --user or --prefix DIR, not both") }
            if prefix?.isEmpty == true { throw ValidationError("--prefix needs a folder") }
            guard interruptMode == "message" || interruptMode == "signal" else {
                throw ValidationError("--interrupt-mode must be message or signal, got '\(interruptMode)'")
            }
        }

        func run() throws {
            let spec = KernelSpec(executable: KernelSpec.currentExecutable(), name: name, displayName: displayName,
                                  interruptMode: interruptMode)
            let location: KernelSpec.Location = user ? .user : prefix.map { .prefix($0) } ?? .system
            do {
                let folder = try spec.install(at: location)
                StdIO.say("installed the nn kernelspec in \(folder)\n")
            } catch {
                StdIO.complain("\(error)\n")
                throw ExitCode(Runner.Exit.ioError)
            }
        }
    }
}
