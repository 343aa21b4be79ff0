import Foundation
@testable import NNScript
import Testing

/// The methods and properties of library objects are documented, from the
/// same declarations that bind them: every member an object has is listed
/// under its type, every listed member exists, and `help("Type.member")`
/// and `docs/builtins.md` show each.
@Suite("Library methods")
struct LibraryMethodsTests {
    /// One object of each documented type (several where members differ by kind).
    static let samples: [(type: String, source: String)] = [
        ("Module", "Sequential(Linear(2, 3), BatchNorm(3), Linear(3, 1))"), ("Module", "Linear(2, 1, bias: false)"),
        ("Module", "BatchNorm(2)"), ("Module", "LayerNorm(2)"), ("Module", "Dropout()"),
        ("Module", "Conv2d(1, 2, 3, stride: [1, 2], bias: false)"), ("Module", "MaxPool2d(2)"), ("Module", "BatchNorm2d(2)"),
        ("Optimizer", "SGD(Linear(2, 1), lr: 0.1)"), ("Optimizer", "Adam(Linear(2, 1))"), ("Optimizer", "AdamW(Linear(2, 1))"),
        ("Optimizer", "Adagrad(Linear(2, 1))"), ("Optimizer", "RMSProp(Linear(2, 1))"),
        ("Schedule", "StepDecay(SGD(Linear(2, 1), lr: 0.1), 2)"), ("Schedule", "Warmup(0.1, 5)"),
        ("Schedule", "ReduceOnPlateau(SGD(Linear(2, 1), lr: 0.1))"),
        ("DataLoader", "DataLoader(moons(8), batch_size: 4)"), ("Dataset", "split(moons(8), ratios: [0.5, 0.5])[0]"),
        ("CSV", "read_csv(csv_path, target: \"b\")"), ("Standardizer", "standardize(tensor([[1.0], [3.0]]))"),
        ("History", "fit(Linear(2, 2), cross_entropy, data: moons(8), verbose: false)"),
        ("History", "fit(Linear(2, 2), cross_entropy, data: moons(8), verbose: false, track: [\"sigma\", \"effective_lr\", \"grad_norm\"])"),
        ("History", "fit(Linear(2, 2), cross_entropy, data: moons(8), verbose: false, watch: \"curvature\", every: 1)"),
    ]

    /// Evaluates `expression` after binding `o` to a sample; the value's text or the error.
    static func evaluate(_ sample: String, _ expression: String) -> (value: String?, error: String?) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nn-methods-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("t.csv").path
        try? "a,b\n1,0\n3,1\n".write(toFile: csv, atomically: true, encoding: .utf8)
        var out = ""
        let nn = Interpreter(options: .init(output: { out += $0 }, errorOutput: { _ in }, filePolicy: .unrestricted))
        do {
            try nn.run(source: "let csv_path = \(String(reflecting: csv))\nlet o = \(sample)\nprint(\(expression))", name: "m.nn")
            return (out.trimmingCharacters(in: .newlines), nil)
        } catch {
            return (nil, "\(error)")
        }
    }

    @Test func everyTypeHasSamplesAndEveryMakerIsABuiltin() {
        let registry = Registry()
        for t in LibraryTypes.all {
            #expect(Self.samples.contains { $0.type == t.name }, "no sample of \(t.name)")
            for m in t.makers where m != "Lambda" { #expect(registry[m] != nil, "\(t.name) is made by \(m), which is no builtin") }
        }
    }

    @Test("every member of an object is documented and resolves", arguments: samples.map { "\($0.type): \($0.source)" })
    func membersAreDocumented(_ sample: String) throws {
        let (typeName, source) = try #require(sample.split(separator: ":", maxSplits: 1).map(String.init).pairs)
        let t = try #require(LibraryTypes.all.first { $0.name == typeName })
        let (names, error) = Self.evaluate(source.trimmingCharacters(in: .whitespaces), "join(keys(o), \" \")")
        #expect(error == nil, "\(error ?? "")")
        let registry = Registry()
        for name in (names ?? "").split(separator: " ").map(String.init) {
            // A builtin listed for completion is called with method syntax (`o.summary()` is `summary(o)`).
            guard !t.memberNames.contains(name) else {
                let r = Self.evaluate(source, "o.\(name)")
                #expect(r.error == nil, "o.\(name) on \(source): \(r.error ?? "")")
                continue
            }
            #expect(registry[name] != nil, "\(typeName).\(name) is not documented")
        }
    }

    @Test func everyDocumentedMemberExistsOnSomeSampleAndHasHelp() {
        var seen: [String: Set<String>] = [:]
        for s in Self.samples {
            let names = Self.evaluate(s.source, "join(keys(o), \" \")").value ?? ""
            seen[s.type, default: []].formUnion(names.split(separator: " ").map(String.init))
        }
        let nn = Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }, filePolicy: .unrestricted))
        for t in LibraryTypes.all {
            for name in t.memberNames {
                #expect(seen[t.name]?.contains(name) == true, "\(t.name).\(name) is documented but no \(t.name) has it")
                for owner in [t.name] + t.makers.prefix(1) {
                    #expect(throws: Never.self, "help(\"\(owner).\(name)\")") {
                        try nn.run(source: "help(\"\(owner).\(name)\")", name: "help.nn")
                    }
                }
            }
        }
    }

    /// The object made by `sample` (with `csv_path` bound), and the interpreter holding it.
    static func object(_ sample: String) throws -> (any ScriptObject, Interpreter) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nn-members-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("t.csv").path
        try "a,b\n1,0\n3,1\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let nn = Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }, filePolicy: .unrestricted))
        _ = try nn.run(source: "let csv_path = \(String(reflecting: csv))\nlet o = \(sample)", name: "m.nn")
        guard case .object(let o)? = nn["o"] else { throw BuiltinError("\(sample) is no library object") }
        return (o, nn)
    }

    /// Probing each sample with every name any type declares, every builtin
    /// and a few strays: an object answers a name (`member`, `callMethod`)
    /// only when its type declares it, and lists (`keys`) exactly those it answers.
    @Test("an object answers only declared members and lists exactly those it answers", arguments: samples.map { "\($0.type): \($0.source)" })
    func answersAreDeclared(_ sample: String) throws {
        let (typeName, source) = try #require(sample.split(separator: ":", maxSplits: 1).map(String.init).pairs)
        let t = try #require(LibraryTypes.all.first { $0.name == typeName })
        let (o, nn) = try Self.object(source.trimmingCharacters(in: .whitespaces))
        #expect(LibraryTypes.type(named: o.typeName)?.name == typeName, "type(\(source)) is \(o.typeName), not a maker of \(typeName)")
        let declared = Set(t.memberNames)
        #expect(declared.count == t.memberNames.count, "\(typeName) declares a name twice: \(t.memberNames)")
        let methods = Set(t.methods.map { String($0.name.dropFirst(typeName.count + 1)) })
        let probes = Set(LibraryTypes.all.flatMap(\.memberNames) + nn.registry.names + ["nope", "Weight", "lr_", "_lr"])
        var answered: Set<String> = []
        for name in probes {
            if try o.member(name, in: nn) != nil { answered.insert(name) }
            // Methods of other types (and properties) are not this object's to call: nil, without running anything.
            if !methods.contains(name) { #expect(try o.callMethod(name, Arguments(), in: nn) == nil, "\(source).\(name)() answered") }
        }
        #expect(answered.isSubset(of: declared), "\(source) answers undeclared \(answered.subtracting(declared).sorted())")
        let listed = Set(o.memberNames).intersection(declared)
        #expect(listed == answered, "\(source) lists \(listed.sorted()) but answers \(answered.sorted())")
        #expect(methods.isSubset(of: answered), "\(source) lacks methods \(methods.subtracting(answered).sorted())")
    }

    /// What the library keeps by name (an optimizer's settings, a layer's
    /// own parameters and buffers) is declared, so no such member is unreachable.
    @Test func everySettingParameterAndBufferIsDeclared() throws {
        for s in Self.samples {
            let (o, _) = try Self.object(s.source)
            let declared = Set(try #require(LibraryTypes.type(named: o.typeName)).memberNames)
            var kept: [String] = []
            if let opt = o as? OptimizerObject { kept = opt.settings.map(\.0) }
            if let m = o as? ModuleObject {
                var all = [m.module]
                while let next = all.popLast() {
                    kept += next.ownParameters.map(\.name) + next.ownBuffers.map(\.name)
                    all += next.children.map(\.module)
                }
            }
            for name in kept { #expect(declared.contains(name), "\(s.source) keeps '\(name)', which its type does not declare") }
        }
    }

    /// `help("Adam.step")`: every maker's name (what `type(x)` says) is an alias of its type.
    @Test func helpAcceptsEveryMakerAsTheTypeName() throws {
        for t in LibraryTypes.all {
            for owner in [t.name] + t.makers {
                for name in t.memberNames {
                    var out = ""
                    let nn = Interpreter(options: .init(output: { out += $0 }, errorOutput: { _ in }, filePolicy: .unrestricted))
                    _ = try nn.run(source: "help(\"\(owner).\(name)\")", name: "help.nn")
                    #expect(out.hasPrefix("\(t.name).\(name)"), "help(\"\(owner).\(name)\") printed \(out)")
                }
            }
        }
    }

    @Test func methodsAreInTheGeneratedReference() {
        let md = Registry().markdown()
        for t in LibraryTypes.all {
            #expect(md.contains("\n### \(t.name)\n"))
            for m in t.methods { #expect(md.contains("#### `\(m.signature)`")) }
        }
        #expect(md.contains("#### `Schedule.lrs(steps)`"))
        #expect(md.contains("#### `Optimizer.step()`"))
        #expect(md.contains("#### `Module.train(mode: true)`"))
    }

    @Test func aMethodIsBoundToItsObject() {
        #expect(Self.evaluate("Warmup(0.1, 5)", "o.lrs(3)").value == "[0, 0.020000000000000004, 0.04000000000000001]")
        #expect(Self.evaluate("Linear(2, 1)", "o.eval() == o and not o.training").value == "true")
        #expect(Self.evaluate("Linear(2, 1)", "help(\"Module.eval\")").value?.hasPrefix("Module.eval()") == true)
    }
}

private extension Array where Element == String {
    var pairs: (String, String)? { count == 2 ? (self[0], self[1]) : nil }
}
