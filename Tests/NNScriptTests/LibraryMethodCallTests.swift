@testable import NNScript
import Testing

/// `x.name(...)` on a library object through ``ScriptObject/callMethod(_:_:in:)``:
/// the method's declaration is made once, with its type's table, and a call
/// binds the arguments to it and passes the object, making no function value;
/// it behaves as calling the bound method that `x.name` reads.
@Suite("Library method calls")
struct LibraryMethodCallTests {
    static func interpreter() -> Interpreter {
        Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }))
    }

    static func object(_ nn: Interpreter, _ name: String) throws -> any ScriptObject {
        guard case .object(let o)? = nn[name] else { throw BuiltinError("\(name) is no library object") }
        return o
    }

    static func message(_ body: () throws -> Any?) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aCallRunsTheMethodOnTheObject() throws {
        let nn = Self.interpreter()
        _ = try nn.run(source: """
            let w = param(tensor([1.0, 2.0]))
            let opt = SGD([w], lr: 0.5)
            sum(w * w).backward()
            """)
        let opt = try Self.object(nn, "opt")
        #expect(try opt.callMethod("step", Arguments(), in: nn)?.isNil == true)
        #expect(try nn.evaluate("w.tolist()").repr == "[0, 0]")   // w - 0.5 * 2w
        #expect(try opt.callMethod("zero_grad", Arguments(), in: nn)?.isNil == true)
        #expect(try nn.evaluate("w.grad").isNil)
        _ = try nn.run(source: "let sched = Warmup(0.1, 5)\nlet net = Linear(2, 1)")
        let sched = try Self.object(nn, "sched")
        #expect(try sched.callMethod("lrs", Arguments([.number(3)]), in: nn)?.repr
                == "[0, 0.020000000000000004, 0.04000000000000001]")
        #expect(try sched.callMethod("lr_at", Arguments(named: [("step", .number(5))]), in: nn)?.repr == "0.1")
        let net = try Self.object(nn, "net")
        let r = try net.callMethod("train", Arguments(named: [("mode", .bool(false))]), in: nn)
        guard case .object(let same)? = r else { Issue.record("train() returned \(String(describing: r))"); return }
        #expect(same === net)
        #expect(try nn.evaluate("net.training").repr == "false")
    }

    @Test func aNameThatIsNoMethodIsNil() throws {
        let nn = Self.interpreter()
        _ = try nn.run(source: "let opt = Adam(Linear(2, 1))\nlet h = critical_point(fn(p) = sum(p * p), tensor([0.0, 0.0]))")
        let opt = try Self.object(nn, "opt")
        for name in ["lr", "betas", "parameters", "summary", "nope", "lrs"] {
            #expect(try opt.callMethod(name, Arguments(), in: nn) == nil, "opt.\(name)()")
        }
        // An object with no table (a result) has no methods.
        #expect(try Self.object(nn, "h").callMethod("kind", Arguments(), in: nn) == nil)
    }

    @Test("a bad call says what calling the bound method says")
    func errorsMatchTheBoundMethod() throws {
        let nn = Self.interpreter()
        _ = try nn.run(source: "let sched = StepDecay(SGD(Linear(2, 1), lr: 0.1), 2)\nlet net = Linear(2, 1)")
        let cases: [(String, String, Arguments)] = [
            ("sched", "lr_at", Arguments()), ("sched", "lrs", Arguments([.number(-1)])),
            ("sched", "lrs", Arguments(named: [("stepz", .number(1))])), ("sched", "step", Arguments([.number(1)])),
            ("net", "eval", Arguments([.number(1)])), ("net", "load_state_dict", Arguments([.number(1)])),
        ]
        for (name, method, arguments) in cases {
            let o = try Self.object(nn, name)
            let direct = Self.message { try o.callMethod(method, arguments, in: nn) }
            let bound = Self.message { try nn.call(try #require(try o.member(method, in: nn)), arguments.positional, named: arguments.named) }
            #expect(direct != nil, "\(name).\(method) did not fail")
            #expect(direct.map { bound?.contains($0) == true } == true, "\(name).\(method): \(direct ?? "") vs \(bound ?? "")")
        }
    }

    @Test func eachMethodIsDeclaredOnce() throws {
        let a = try #require(OptimizerObject.members.method("step"))
        let b = try #require(OptimizerObject.members.method("step"))
        #expect(a.builtin === b.builtin)
        #expect(ScheduleObject.members.method("lrs")?.builtin === ScheduleObject.members.method("lrs")?.builtin)
        #expect(ModuleObject.members.method("nope") == nil)
    }
}
