import NNScript
import Testing

/// Hosts choose the builtins: areas at start-up, `unregister` and
/// `register` later; the stdlib defines only what its builtins allow.
@Suite("Builtin sets")
struct BuiltinSetTests {
    /// An interpreter with `builtins`, its output and error output.
    final class Host {
        var output = "", errors = ""
        var nn: Interpreter!
        init(_ builtins: BuiltinSet = .standard) {
            nn = Interpreter(options: .init(output: { [unowned self] in output += $0 },
                                            errorOutput: { [unowned self] in errors += $0 }, builtins: builtins))
        }
        /// The runtime error message of `source`, or nil when it runs.
        func error(_ source: String) -> String? {
            do {
                try nn.run(source: source)
                return nil
            } catch let e as ScriptError {
                return e.message
            } catch {
                return "\(error)"
            }
        }
    }

    @Test func everyStandardBuiltinBelongsToAnArea() {
        let areas = Set(BuiltinArea.allCases.map(\.rawValue))
        for b in Registry.standard {
            #expect(areas.contains(b.area), "\(b.name) is in area '\(b.area)', which BuiltinArea does not list")
        }
        for area in BuiltinArea.allCases {
            #expect(Registry.standard.contains { $0.area == area.rawValue }, "no builtin is in \(area)")
        }
    }

    @Test func areasSelectExactlyTheirBuiltins() {
        let host = Host(.areas([.core, .math]))
        let names = Set(host.nn.registry.names)
        #expect(names == Set(Registry.standard.filter { $0.area == "Core" || $0.area == "Math" }.map(\.name)))
        #expect(names.contains("print") && names.contains("exp"))
        #expect(host.error("read_csv(\"x.csv\")")?.hasPrefix("undefined name 'read_csv'") == true)
        #expect(host.error("zeros([2])")?.hasPrefix("undefined name 'zeros'") == true)
        #expect(host.error("print(exp(0))") == nil)
        #expect(host.output == "1\n")
        #expect(host.errors == "", "the stdlib reported: \(host.errors)")
    }

    @Test func anEmptyRegistryTakesTheHostsOwnBuiltins() {
        let host = Host(.areas([]))
        #expect(host.nn.registry.names.isEmpty)
        host.nn.register(Builtin("say", [.required("x")], summary: "Writes x.") { a in
            try a.interpreter.write("\(try a.number("x"))\n")
            return .nil
        })
        #expect(host.error("say(2)") == nil)
        #expect(host.output == "2.0\n")
        #expect(host.error("print(1)")?.hasPrefix("undefined name 'print'") == true)
        #expect(host.errors == "")
    }

    @Test func unregisterRemovesABuiltinForCodeCompiledAfter() {
        let host = Host()
        #expect(host.nn.unregister("read_csv")?.name == "read_csv")
        #expect(host.nn.unregister("read_csv") == nil)
        #expect(host.nn.unregister("no_such_builtin") == nil)
        #expect(host.nn.registry["read_csv"] == nil)
        #expect(host.error("read_csv(\"t.csv\")")?.hasPrefix("undefined name 'read_csv'") == true)
        #expect(!host.nn.completions(prefix: "read_").contains("read_csv"))
    }

    @Test func theStdlibLeavesOutWhatItsBuiltinsCannotServe() {
        let host = Host(.areas([.core, .lists, .math]))
        #expect(host.errors == "", "the stdlib reported: \(host.errors)")
        #expect(host.error("print(reduce([1, 2, 3], fn(a, b) = a + b, 0))") == nil)
        #expect(host.output == "6\n")
        // gradient_descent needs the autodiff builtins.
        #expect(host.nn.unavailableStdlib["gradient_descent"]?.contains("zero_grad") == true)
        #expect(host.nn["gradient_descent"] == nil)
        #expect(host.error("gradient_descent(fn() = 0, [])")?.hasPrefix("undefined name 'gradient_descent'") == true)
        #expect(host.nn.unavailableStdlib["reduce"] == nil)
        // min and sum are reductions (Tensors); method names count as uses (`loss.backward()`).
        #expect(host.nn.unavailableStdlib == ["gradient_descent": ["assign", "backward", "grad", "item", "no_grad", "zero_grad"],
                                              "zip": ["min"], "mean_of": ["sum"]])
        // help() lists only the stdlib functions that are there.
        #expect(host.error("help()") == nil)
        #expect(host.output.contains("reduce") && !host.output.contains("gradient_descent"))
    }

    @Test func unregisterUndefinesTheStdlibFunctionsThatUseTheBuiltinAndRegisterBringsThemBack() throws {
        let host = Host()
        #expect(host.nn["timed"] != nil)
        host.nn.unregister("clock")
        #expect(host.nn["timed"] == nil)
        #expect(host.nn.unavailableStdlib == ["timed": ["clock"]])
        #expect(host.error("timed(fn() = 1)")?.hasPrefix("undefined name 'timed'") == true)
        // A replacement clock: timed is compiled again and calls it.
        host.nn.register(Builtin("clock", summary: "A clock that never moves.") { _ in .number(5) })
        #expect(host.nn.unavailableStdlib.isEmpty)
        #expect(host.error("print(timed(fn() = 7))") == nil)
        #expect(host.output == "(0, 7)\n")
        #expect(host.errors == "")
    }

    @Test func aStdlibNameAScriptRedefinedIsLeftAlone() {
        let host = Host()
        #expect(host.error("timed = fn(f) = \"mine\"") == nil)
        host.nn.unregister("clock")
        #expect(host.error("print(timed(0))") == nil)
        #expect(host.output == "mine\n")
    }
}
