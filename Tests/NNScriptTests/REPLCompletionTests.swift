import NNScript
import Testing

/// A session with a few variables of each kind.
private func session() throws -> Session {
    let interp = Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }, allowsRedeclaration: true))
    let s = Session(interpreter: interp)
    try s.run("let weights = ones([2, 3])")
    try s.run("let cfg = {learning_rate: 0.1, layers: {hidden: 16}, momentum: 0.9}")
    try s.run("let words = [\"a\", \"b\"]")
    try s.run("fn scaled(x, by: 2, bias: 0) = x * by + bias")
    return s
}

@Suite("REPL completion: names, members, named arguments, commands")
struct REPLCompletionTests {
    @Test("a builtin, a keyword and a user variable complete from their first letters")
    func names() throws {
        let s = try session()
        #expect(s.completions(before: "", word: "linsp").candidates == ["linspace"])
        #expect(s.completions(before: "", word: "whi").candidates == ["while"])
        #expect(s.completions(before: "let y = ", word: "wei").candidates == ["weights"])
        #expect(s.completions(before: "1 + ", word: "sca").candidates == ["scaled"])
        #expect(!s.completions(before: "", word: "linsp").appendsSpace)
    }

    @Test("after `x.` a record offers its fields, nested records too")
    func recordFields() throws {
        let s = try session()
        #expect(s.completions(before: "cfg.", word: "l").candidates == ["layers", "learning_rate"])
        #expect(s.completions(before: "cfg.", word: "").candidates.contains("momentum"))
        #expect(s.completions(before: "print(cfg.layers.", word: "h").candidates == ["hidden"])
    }

    @Test("after `t.` a tensor offers its properties and its methods")
    func tensorMembers() throws {
        let s = try session()
        #expect(s.completions(before: "weights.", word: "sha").candidates == ["shape"])
        let all = s.completions(before: "weights.", word: "").candidates
        for name in ["shape", "dtype", "T", "grad", "sum", "mean", "reshape", "backward", "item", "exp"] {
            #expect(all.contains(name), "missing \(name)")
        }
        #expect(!all.contains("zeros"))
        #expect(!all.contains("learning_rate"))
    }

    @Test("after `xs.` a list offers the list builtins")
    func listMembers() throws {
        let s = try session()
        let all = s.completions(before: "words.", word: "").candidates
        #expect(all.contains("append"))
        #expect(all.contains("len"))
        #expect(!all.contains("reshape"))
    }

    @Test("a format spec in an interpolation is not code: a '(' fill opens nothing")
    func formatSpecs() throws {
        let s = try session()
        #expect(s.completions(before: "print(\"{1:(<8} ", word: "").wantsFilenames)
        #expect(s.completions(before: "print(\"{1:(<8} {", word: "sca").candidates == ["scaled"])
    }

    @Test("unknown receivers and numbers offer nothing")
    func nothingToOffer() throws {
        let s = try session()
        #expect(s.completions(before: "nope.", word: "").candidates.isEmpty)
        #expect(s.completions(before: "1.", word: "").candidates.isEmpty)
    }

    @Test("inside a call, named parameters come with a colon and a space")
    func namedArguments() throws {
        let s = try session()
        let r = s.completions(before: "scaled(3, ", word: "b")
        #expect(r.candidates == ["bias:", "by:"])
        #expect(r.appendsSpace)
        #expect(s.completions(before: "scaled(3, by: 10, ", word: "b").candidates == ["bias:"])
        #expect(s.completions(before: "linspace(0, 1, ", word: "co").candidates == ["count:"])
        // A positional argument may be a variable: those are offered beside the labels.
        #expect(s.completions(before: "linspace(0, 1, ", word: "c").candidates == ["cfg", "count:"])
        // A method call leaves out the receiver.
        #expect(s.completions(before: "weights.sum(", word: "ax").candidates == ["axis:"])
        // Across the lines of a multi-line entry.
        #expect(s.completions(before: "linspace(0,\n  1,\n  ", word: "co").candidates == ["count:"])
        // Not in the middle of an argument, nor inside a nested list.
        #expect(s.completions(before: "scaled(3 + ", word: "b").candidates.allSatisfy { !$0.hasSuffix(":") })
        #expect(s.completions(before: "scaled([", word: "b").candidates.allSatisfy { !$0.hasSuffix(":") })
    }

    @Test("an optimizer's learning rate and a model's members complete (`Adam(ps, l` gives `lr:`)")
    func libraryObjects() throws {
        let s = try session()
        try s.run("let net = Linear(3, 2)")
        #expect(s.completions(before: "let opt = Adam(net.parameters(), ", word: "l").candidates == ["lr:"])
        // Variables that could be a positional argument are offered too.
        try s.run("let lr_base = 0.1")
        #expect(s.completions(before: "Adam(net.parameters(), ", word: "l").candidates == ["lr:", "lr_base"])
        #expect(s.completions(before: "net.", word: "we").candidates == ["weight"])
        #expect(s.completions(before: "net.", word: "").candidates.contains("parameters"))
        #expect(s.completions(before: "net.train(", word: "mo").candidates == ["mode:"])
    }

    @Test("after `opt.` an optimizer offers its methods and the properties it has; a method's parameters complete")
    func libraryObjectMethods() throws {
        let s = try session()
        try s.run("let opt = SGD(Linear(2, 1), lr: 0.1, momentum: 0.9)")
        try s.run("let sched = StepDecay(opt, 2)")
        let all = s.completions(before: "opt.", word: "").candidates
        for name in ["step", "zero_grad", "lr", "parameters", "steps", "momentum", "nesterov", "weight_decay"] {
            #expect(all.contains(name), "opt. lacks \(name)")
        }
        #expect(!all.contains("betas"), "betas is Adam's, not SGD's")
        #expect(s.completions(before: "opt.", word: "ze").candidates == ["zero_grad"])
        #expect(s.completions(before: "print(opt.", word: "st").candidates == ["state", "step", "steps"])
        #expect(s.completions(before: "sched.", word: "lr").candidates == ["lr", "lr_at", "lrs"])
        #expect(s.completions(before: "sched.lr_at(", word: "st").candidates == ["step:"])
    }

    @Test("inside a string, file names are completed instead")
    func strings() throws {
        let s = try session()
        #expect(s.completions(before: "read_csv(\"data/", word: "ir").wantsFilenames)
        #expect(!s.completions(before: "print(\"{cfg.", word: "mo").wantsFilenames)
        #expect(s.completions(before: "print(\"{cfg.", word: "mo").candidates == ["momentum"])
        #expect(!s.completions(before: "print(\"a\\\"b\") + ", word: "wei").wantsFilenames)
        #expect(!s.completions(before: "# \"quoted\n", word: "wei").wantsFilenames)
    }

    @Test("after `:` the commands; after `:load ` file names")
    func commands() throws {
        let s = try session()
        #expect(s.completions(before: ":", word: "lo").candidates == ["load"])
        #expect(s.completions(before: ":", word: "").candidates.count == SessionCommand.names.count)
        #expect(s.completions(before: ":load ", word: "ex").wantsFilenames)
        #expect(s.completions(before: "?", word: "linsp").candidates == ["linspace"])
    }
}
