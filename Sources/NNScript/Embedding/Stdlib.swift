extension Interpreter {
    /// Runs the stdlib written in nn (compiled into the library by
    /// `scripts/gen-stdlib` as ``Stdlib/sources``).
    func loadStdlib() {
        for (name, text) in Stdlib.sources {
            stdlibFunctions += DocComments.scan(text).map(\.name)
            do {
                try run(source: text, name: "stdlib/\(name)")
            } catch {
                options.errorOutput("nn: stdlib failed to load: \(render(error))\n")
            }
        }
    }
}
