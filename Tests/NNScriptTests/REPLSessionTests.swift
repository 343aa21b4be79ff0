import NNScript
import Testing

/// A session on a quiet interpreter (no stdlib, output collected).
private final class Fixture {
    var printed = ""
    lazy var session: Session = {
        let interp = Interpreter(options: .init(
            output: { [unowned self] in printed += $0 }, errorOutput: { _ in },
            allowsRedeclaration: true, loadsStdlib: false))
        return Session(interpreter: interp)
    }()
}

@Suite("REPL entries: lines gathered until the input stops ending too early")
struct REPLEntryTests {
    @Test("a three-line function continues over two ... prompts")
    func threeLineFunction() {
        var entry = EntryBuffer()
        #expect(entry.add("fn add3(a, b, c) {") == .needsMore)
        #expect(!entry.isEmpty)
        #expect(entry.add("  a + b + c") == .needsMore)
        #expect(entry.add("}") == .complete("fn add3(a, b, c) {\n  a + b + c\n}"))
        #expect(entry.isEmpty)
    }

    @Test("open brackets, strings and trailing operators continue; whole lines do not",
          arguments: [
              ("let xs = [1,", true), ("f(1, 2", true), ("let s = \"abc", true), ("1 +", true),
              ("let r = {lr: 0.1,", true), ("x = y *", true), ("1 + 1", false), ("let x = 3", false),
              ("print(\"hi\")", false),
          ])
    func continuation(line: String, continues: Bool) {
        var entry = EntryBuffer()
        let state = entry.add(line)
        #expect((state == .needsMore) == continues)
    }

    @Test("an error that is not at the end completes the entry (it reports at once)")
    func errorInTheMiddle() {
        var entry = EntryBuffer()
        #expect(entry.add("let = 3 +") == .complete("let = 3 +"))
        #expect(entry.add(") + (") == .complete(") + ("))
    }

    @Test("blank lines on the primary prompt are skipped; inside an entry they are kept")
    func blankLines() {
        var entry = EntryBuffer()
        #expect(entry.add("   ") == .empty)
        #expect(entry.add("[1,") == .needsMore)
        #expect(entry.add("") == .needsMore)
        #expect(entry.add("2]") == .complete("[1,\n\n2]"))
    }

    @Test("Ctrl-C on a continuation prompt drops the whole entry")
    func clearing() {
        var entry = EntryBuffer()
        _ = entry.add("fn f(x) {")
        entry.clear()
        #expect(entry.isEmpty)
        #expect(entry.add("1") == .complete("1"))
    }
}

@Suite("REPL commands: lines starting with : or ?")
struct REPLCommandTests {
    @Test("commands and their arguments", arguments: [
        (":help", SessionCommand.help), (":time f(3)", .time("f(3)")), (":load data/x.nn", .load("data/x.nn")),
        (":save \"my session.nn\"", .save("my session.nn")), (":vars", .vars), (":reset", .reset),
        (":quit", .quit), (":q", .quit), ("  :exit  ", .quit), ("?linspace", .doc("linspace")),
        ("? t.sum", .doc("t.sum")), ("?", .doc("")), (":load", .missingArgument("load")),
        (":frobnicate 3", .unknown("frobnicate")),
    ])
    func parsing(line: String, command: SessionCommand) {
        #expect(SessionCommand.parse(line) == command)
    }

    @Test("nn source is not a command", arguments: ["let x = 1", "x", "{lr: 1}", "\"?\"", "# :load"])
    func source(line: String) {
        #expect(SessionCommand.parse(line) == nil)
    }

    @Test(":help lists every command")
    func helpText() {
        for name in [":time", ":load", ":save", ":vars", ":reset", ":quit", "?NAME"] {
            #expect(SessionCommand.helpText.contains(name))
        }
    }
}

@Suite("REPL session: values, errors, :vars, :save and :reset")
struct REPLSessionTests {
    @Test("an expression's value comes back; a statement or a trailing ; gives nil")
    func values() throws {
        let f = Fixture()
        #expect(try f.session.run("let x = 2 ** 10").isNil)
        #expect(try f.session.run("x + 1").repr == "1025")
        #expect(try f.session.run("x + 1;").isNil)
        #expect(try f.session.run("print(x)").isNil)
        #expect(f.printed == "1024\n")
    }

    @Test("entries are named <stdin:N> in errors, and the session survives them")
    func errors() throws {
        let f = Fixture()
        try f.session.run("let kept = 5")
        #expect(f.session.nextEntryName == "<stdin:2>")
        do {
            try f.session.run("kept + nope")
            Issue.record("no error")
        } catch {
            let text = f.session.interpreter.render(error)
            #expect(text.hasPrefix("<stdin:2>:1:8: error: undefined name 'nope'"))
        }
        #expect(try f.session.run("kept * 2").repr == "10")
    }

    @Test("a runtime error leaves the variables as they were when it struck")
    func stateAfterError() throws {
        let f = Fixture()
        try f.session.run("let n = 0")
        #expect(throws: (any Error).self) { try f.session.run("for i in 0..10 { n = n + 1; if i == 4 { error(\"stop\") } }") }
        #expect(try f.session.run("n").repr == "5")
    }

    @Test(":save writes the entries that ran, in order; failed ones are left out")
    func script() throws {
        let f = Fixture()
        try f.session.run("let a = 1")
        _ = try? f.session.run("a +* 2")
        _ = try? f.session.run("undefined_thing")
        try f.session.run("fn g(x) {\n  x + a\n}")
        try f.session.load("let b = 2", path: "lib.nn")
        #expect(f.session.script == "let a = 1\nfn g(x) {\n  x + a\n}\n# :load lib.nn\nlet b = 2\n# end of lib.nn\n")
    }

    @Test(":vars lists user variables with types and shapes, not the session's own globals")
    func variables() throws {
        let f = Fixture()
        try f.session.run("let w = param(zeros([2, 3]))")
        try f.session.run("let xs = [1, 2, 3]")
        try f.session.run("let cfg = {lr: 0.5, epochs: 2}")
        try f.session.run("fn sq(x) = x * x")
        try f.session.run("let name = \"adam\"")
        #expect(f.session.variables() == [
            VariableSummary(name: "cfg", type: "record", detail: "{lr, epochs}"),
            VariableSummary(name: "name", type: "string", detail: "\"adam\""),
            VariableSummary(name: "sq", type: "function", detail: "sq(x)"),
            VariableSummary(name: "w", type: "tensor", detail: "[2, 3] float32 requires_grad"),
            VariableSummary(name: "xs", type: "list", detail: "length 3"),
        ])
        #expect(f.session.variablesTable().hasPrefix("cfg   record    {lr, epochs}\n"))
    }

    @Test(":vars shows a model's type and parameter count (3 x 2 weights + 2 biases = 8)")
    func modelVariable() throws {
        let f = Fixture()
        try f.session.run("let layer = Linear(3, 2)")
        #expect(f.session.variables() == [VariableSummary(name: "layer", type: "Linear", detail: "8 parameters")])
    }

    @Test(":reset forgets user variables, keeps the stdlib and reseeds the generator")
    func reset() throws {
        let interp = Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }, allowsRedeclaration: true))
        let session = Session(interpreter: interp)
        let first = try session.run("rand([1]).item()").repr
        try session.run("let mine = 3")
        #expect(session.userVariableNames == ["mine"])
        session.reset()
        #expect(session.userVariableNames.isEmpty)
        #expect(session.acceptedEntries.isEmpty)
        #expect(throws: (any Error).self) { try session.run("mine") }
        #expect(try session.run("rand([1]).item()").repr == first)
        #expect(try session.run("len(enumerate([5, 6]))").repr == "2")
    }

    @Test("?name shows a builtin's docs, a user function's parameters, a method's builtin")
    func help() throws {
        let f = Fixture()
        try f.session.run("fn sq(x, by: 2) = x ** by")
        #expect(try f.session.helpText(for: "len").hasPrefix("len(x)\n  The number of elements"))
        #expect(try f.session.helpText(for: "sq") == "sq(x, by)  (function written in nn)")
        #expect(try f.session.helpText(for: "t.reshape").hasPrefix("reshape(t, shape)"))
        #expect(try f.session.helpText(for: "").contains("Builtins"))
        #expect(throws: (any Error).self) { try f.session.helpText(for: "lenn") }
    }
}
