@testable import NNScript
import Testing

/// What an interpreter does at start-up stays small (issue 20: `nn -e 0`
/// makes the registry and loads the stdlib at every start), with the same
/// behaviour as the slower way it replaced.
@Suite("Start-up work")
struct StartupWorkTests {
    /// The address of an array's storage (equal for two arrays sharing it).
    private func storage(_ a: [Bool]) -> UnsafeRawPointer? {
        a.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func builtinsWithAsManyParametersShareOneSetOfGivenRows() {
        let a = Builtin("a", [.required("x"), .required("y"), .optional("z")], summary: "A.") { _ in .nil }
        let b = Builtin("b", [.required("p"), .optional("q"), .optional("r")], summary: "B.") { _ in .nil }
        #expect(a.givenPrefixes == [[false, false, false], [true, false, false], [true, true, false], [true, true, true]])
        #expect(b.givenPrefixes == a.givenPrefixes)
        for k in 0...3 {
            #expect(storage(a.givenPrefixes[k]) == storage(b.givenPrefixes[k]), "row \(k) is a copy, not shared")
        }
        let none = Builtin("none", summary: "No parameters.") { _ in .nil }
        #expect(none.givenPrefixes == [[]])
    }

    @Test func theStandardRegistryKnowsItHoldsEveryStandardBuiltinUntilOneIsRemoved() {
        let registry = Registry(.standard)
        #expect(registry.holdsEveryStandard)
        registry.register(Builtin("clock", summary: "Replaced.") { _ in .number(1) })
        #expect(registry.holdsEveryStandard)
        registry.unregister("clock")
        #expect(!registry.holdsEveryStandard)
        registry.register(Builtin("clock", summary: "Back.") { _ in .number(1) })
        // Not known any more (it would have to look): the stdlib's check asks the table.
        #expect(!registry.holdsEveryStandard)
        #expect(Stdlib.unavailable(in: registry).isEmpty)
        #expect(!Registry(.areas([.core])).holdsEveryStandard)
        #expect(!Registry([]).holdsEveryStandard)
    }

    @Test func theStdlibLoaderRecordsEveryStdlibFunctionFromTheParseThatRunsIt() throws {
        let nn = Interpreter()
        #expect(Set(nn.stdlibValues.keys) == Set(Stdlib.functions.map(\.name)))
        for f in Stdlib.functions {
            let value = try #require(nn[f.name], "\(f.name) is not defined")
            #expect(nn.stdlibValues[f.name].map { Session.same($0, value) } == true, "\(f.name)")
        }
        // A reduced registry blanks out what it cannot define: those are neither defined nor recorded.
        let reduced = Interpreter(options: .init(builtins: .areas([.core, .lists, .math])))
        #expect(reduced["gradient_descent"] == nil && reduced.stdlibValues["gradient_descent"] == nil)
        #expect(reduced["reduce"] != nil && reduced.stdlibValues["reduce"] != nil)
        for f in Stdlib.functions {
            let defined = reduced.unavailableStdlib[f.name] == nil
            #expect((reduced[f.name] != nil) == defined, "\(f.name)")
            #expect((reduced.stdlibValues[f.name] != nil) == defined, "\(f.name)")
        }
    }
}
