import Foundation
import NNScript
import NNTensor
import Testing

/// Resuming is bit-identical: 6 epochs in one go, and 3 epochs, a
/// checkpoint, and 3 more in a new interpreter (made with other seeds, so
/// nothing carries over but the file), end with the same bytes in every
/// parameter and buffer and the same history, for every optimizer, with a
/// schedule, a shuffled loader, Dropout and BatchNorm.
@Suite("Checkpoint resume")
struct CheckpointResumeTests {
    /// One optimizer and schedule to resume.
    struct Case: CustomStringConvertible, Sendable {
        let optimizer: String
        let schedule: String
        var description: String { optimizer }
    }

    static let cases: [Case] = [
        Case(optimizer: "SGD(m.parameters(), lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.001)",
             schedule: "StepDecay(o, every: 2, gamma: 0.5)"),
        Case(optimizer: "SGD(m.parameters(), lr: 0.05, momentum: 0.8, dampening: 0.1)",
             schedule: "Warmup(o, steps: 4, then: CosineDecay(0.05, steps: 20), unit: \"batch\")"),
        Case(optimizer: "Adam(m.parameters(), lr: 0.01)", schedule: "CosineDecay(o, steps: 6)"),
        Case(optimizer: "Adam(m.parameters(), lr: 0.01, amsgrad: true, weight_decay: 0.01)",
             schedule: "ReduceOnPlateau(o, patience: 0, factor: 0.5)"),
        Case(optimizer: "AdamW(m.parameters(), lr: 0.01, weight_decay: 0.1, amsgrad: true)", schedule: "Exponential(o, gamma: 0.8)"),
        Case(optimizer: "Adagrad(m.parameters(), lr: 0.1, lr_decay: 0.01, initial_accumulator_value: 0.1)",
             schedule: "MultiStep(o, milestones: [2, 4])"),
        Case(optimizer: "RMSProp(m.parameters(), lr: 0.005, momentum: 0.5, centered: true)", schedule: "LinearDecay(o, steps: 5)"),
        Case(optimizer: "RMSProp(m.parameters(), lr: 0.005)", schedule: "Constant(o)"),
    ]

    /// The script that makes the run's objects; `seed` changes the initial
    /// weights and the interpreter's generator, which a resume must replace.
    static func setup(_ c: Case, seed: Int) -> String {
        """
        seed(\(seed))
        let (X, y) = moons(150, noise: 0.2, seed: 3)
        let (Xv, yv) = moons(60, noise: 0.2, seed: 4)
        let m = Sequential(Linear(2, 12), BatchNorm(12), ReLU(), Dropout(0.3), Linear(12, 2))
        let o = \(c.optimizer)
        let s = \(c.schedule)
        let l = DataLoader(X, y, batch_size: 16, seed: 11)

        """
    }

    static func interpreter() -> Interpreter {
        Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }, filePolicy: .unrestricted))
    }

    static func path(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("nn-resume-\(UUID().uuidString)-\(name).ckpt").path
    }

    /// The exact bits of every tensor of `m.state_dict()` and every number of the history.
    static func fingerprint(_ nn: Interpreter, history: String = "h") throws -> [String: [UInt64]] {
        var out: [String: [UInt64]] = [:]
        guard case .record(let r) = try nn.evaluate("m.state_dict()") else { throw TestFailure("state_dict is not a record") }
        for (name, v) in r.fields { out[name] = try bits(v) }
        for field in ["train_loss", "val_loss", "train_acc", "val_acc", "lr"] {
            out["history." + field] = try bits(try nn.evaluate("\(history).\(field)"))
        }
        // The generators too: the next draws of the interpreter and of the Dropout layer.
        out["next randn"] = try bits(try nn.evaluate("randn([4])"))
        out["next dropout mask"] = try bits(try nn.evaluate("m.train()[3](ones([2, 8]))"))
        return out
    }

    /// The exact bits of a tensor's elements or a list's numbers.
    static func bits(_ v: Value) throws -> [UInt64] {
        switch v {
        case .tensor(let t):
            switch t.storage {
            case .float32(let a): return a.map { UInt64($0.bitPattern) }
            case .float64(let a): return a.map(\.bitPattern)
            case .bool(let a): return a.map { $0 ? 1 : 0 }
            case .int64(let a): return a.map { UInt64(bitPattern: $0) }
            }
        case .list(let l): return try l.items.flatMap { try bits($0) }
        case .number(let d): return [d.bitPattern]
        default: throw TestFailure("cannot take the bits of a \(v.typeName)")
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static let fitCall = "fit(m, cross_entropy, o, l, val: (Xv, yv), schedule: s, verbose: false"

    @Test(arguments: cases)
    func fitResumeIsBitIdentical(_ c: Case) throws {
        let straight = Self.interpreter()
        try straight.run(source: Self.setup(c, seed: 1) + "let h = \(Self.fitCall), epochs: 6)")
        let expected = try Self.fingerprint(straight)

        let file = Self.path("fit")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let first = Self.interpreter()
        try first.run(source: Self.setup(c, seed: 1) + "let h = \(Self.fitCall), epochs: 3, checkpoint: \"\(file)\")")
        let second = Self.interpreter()
        try second.run(source: Self.setup(c, seed: 2) + "let h = \(Self.fitCall), epochs: 6, resume: \"\(file)\")")
        let resumed = try Self.fingerprint(second)
        #expect(resumed.keys.sorted() == expected.keys.sorted())
        for key in expected.keys.sorted() {
            #expect(resumed[key] == expected[key], "\(c): \(key) differs after resuming")
        }
        #expect(expected["history.train_loss"]?.count == 6)
    }

    @Test(arguments: cases)
    func saveAndLoadCheckpointIsBitIdentical(_ c: Case) throws {
        let straight = Self.interpreter()
        try straight.run(source: Self.setup(c, seed: 1) + "let h = \(Self.fitCall), epochs: 6)\nlet last = {lr: h.lr[3:], train_loss: h.train_loss[3:], val_loss: h.val_loss[3:], train_acc: h.train_acc[3:], val_acc: h.val_acc[3:]}")
        let expected = try Self.fingerprint(straight, history: "last")

        let file = Self.path("manual")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let first = Self.interpreter()
        try first.run(source: Self.setup(c, seed: 1) + """
            let h0 = \(Self.fitCall), epochs: 3)
            save_checkpoint("\(file)", model: m, opt: o, schedule: s, data: l, epoch: 3, history: h0, extra: {note: "three"})
            """)
        let second = Self.interpreter()
        try second.run(source: Self.setup(c, seed: 2) + """
            let r = load_checkpoint("\(file)", model: m, opt: o, schedule: s, data: l)
            let h = \(Self.fitCall), epochs: 3)
            """)
        let resumed = try Self.fingerprint(second)
        for key in expected.keys.sorted() {
            #expect(resumed[key] == expected[key], "\(c): \(key) differs after load_checkpoint")
        }
        #expect(try second.evaluate("r.epoch == 3 and r.extra.note == \"three\" and r.history.epochs == 3").isTrue)
    }

    /// A function model (its parameters saved as a list) with random
    /// numbers drawn from the interpreter's generator inside the model:
    /// the generator is restored too.
    @Test func aFunctionModelDrawingFromTheInterpreterResumesBitIdentically() throws {
        func setup(_ seed: Int) -> String {
            """
            seed(\(seed))
            let (X, y) = moons(120, noise: 0.2, seed: 3)
            let W = param(randn([2, 2]) * 0.5)
            let b = param(zeros([2]))
            fn net(x) = (x + randn(x.shape) * 0.01) @ W + b
            let o = Adam([W, b], lr: 0.05)

            """
        }
        let straight = Self.interpreter()
        try straight.run(source: setup(1) + "let h = fit(net, cross_entropy, o, (X, y), epochs: 4, verbose: false)")
        let file = Self.path("function")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let first = Self.interpreter()
        try first.run(source: setup(1) + "fit(net, cross_entropy, o, (X, y), epochs: 2, verbose: false, checkpoint: \"\(file)\")")
        let second = Self.interpreter()
        try second.run(source: setup(5) + "let h = fit(net, cross_entropy, o, (X, y), epochs: 4, verbose: false, resume: \"\(file)\")")
        for name in ["W", "b", "h.train_loss", "h.lr", "randn([3])"] {
            let a = try Self.bits(straight.evaluate(name)), b = try Self.bits(second.evaluate(name))
            #expect(a == b, "\(name) differs after resuming a function model")
            #expect(!a.isEmpty)
        }
    }
}

extension Value {
    var isTrue: Bool {
        if case .bool(true) = self { return true }
        return false
    }
}
