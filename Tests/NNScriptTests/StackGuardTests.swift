import NNScript
import Testing

/// The native stack guard: recursion ends in the clean `stack overflow`
/// error when the machine stack runs out, not only past the call-depth
/// limit, whatever the size of the evaluation thread's stack.
@Suite("Native stack guard")
struct StackGuardTests {
    /// A function whose body nests `levels` additions around its recursive call.
    static func nested(_ levels: Int) -> String {
        var body = "f(n - 1)"
        for _ in 0..<levels { body = "(1 + \(body))" }
        return "fn f(n) = if n == 0 { 0 } else { \(body) }\n"
    }

    func run(_ source: String, _ options: Interpreter.Options) throws -> (Value?, ScriptError?) {
        let nn = Interpreter(options: options)
        do {
            return (try nn.run(source: source, name: "deep.nn"), nil)
        } catch let e as ScriptError {
            return (nil, e)
        }
    }

    /// The issue's case: a body nesting 120 expressions, recursing 19,000
    /// deep (under the 20,000-call limit), segfaulted. Here on a 16 MiB stack
    /// so the test stays small; the guard is the same on the default 512 MiB.
    @Test func largeFramesEndInStackOverflow() throws {
        let (value, error) = try run(Self.nested(120) + "f(19000)", .init(output: { _ in }, stackSize: 16 << 20))
        #expect(value == nil)
        let message = try #require(error).message
        #expect(message.hasPrefix("stack overflow (the native stack is used up after "), "\(message)")
        #expect(message.hasSuffix("nested calls, in f)"), "\(message)")
    }

    /// A small evaluation stack: plain recursion stops cleanly long before
    /// the call-depth limit, and the interpreter stays usable.
    @Test func aSmallStackEndsInStackOverflow() throws {
        let nn = Interpreter(options: .init(output: { _ in }, stackSize: 1 << 20))
        do {
            try nn.run(source: "fn f(n) = if n == 0 { 0 } else { 1 + f(n - 1) }\nf(19000)", name: "small.nn")
            Issue.record("expected stack overflow")
        } catch let e as ScriptError {
            #expect(e.message.hasPrefix("stack overflow (the native stack is used up"), "\(e.message)")
        }
        #expect(try nn.run(source: "f(20)", name: "after.nn").repr == "20")
    }

    /// `catch` takes a native stack overflow like any other.
    @Test func aNativeOverflowIsCatchable() throws {
        let source = Self.nested(60) + "let r = try { f(19000) } catch e { e }\nr"
        let (value, error) = try run(source, .init(output: { _ in }, stackSize: 4 << 20))
        #expect(error == nil)
        #expect(value?.description.hasPrefix("stack overflow") == true, "\(String(describing: value))")
    }

    /// A stack the system refuses (here far beyond any address space; in
    /// the issue, `ulimit -v`, checked through the binary by
    /// scripts/repl-test): the interpreter says so once and runs on the
    /// largest smaller stack it gets (which the guard then bounds; the small
    /// stacks above show that).
    @Test func aRefusedStackIsReported() throws {
        final class Log { var text = "" }
        let log = Log()
        let nn = Interpreter(options: .init(output: { _ in }, errorOutput: { log.text += $0 }, stackSize: 1 << 50))
        #expect(log.text.contains("warning: no 1073741824 MiB stack for the evaluation thread"), "\(log.text)")
        #expect(try nn.run(source: "fn f(n) = if n == 0 { 0 } else { 1 + f(n - 1) }\nf(100)", name: "ok.nn").repr == "100")
        #expect(try nn.run(source: "f(200)", name: "again.nn").repr == "200")
        // Said once per interpreter, not at every run.
        #expect(log.text.components(separatedBy: "warning:").count == 2, "\(log.text)")
    }

    /// The guard follows the thread: `call` from the embedder's own thread,
    /// outside any run, is guarded against that thread's stack.
    @Test func callFromTheEmbeddersThreadIsGuarded() throws {
        let nn = Interpreter(options: .init(output: { _ in }))
        try nn.run(source: Self.nested(120), name: "def.nn")
        let f = try #require(nn["f"])
        do {
            _ = try nn.call(f, [.number(19000)])
            Issue.record("expected stack overflow")
        } catch let e as ScriptError {
            #expect(e.message.hasPrefix("stack overflow (the native stack is used up"), "\(e.message)")
        }
        #expect(try nn.call(f, [.number(3)]).repr == "360")
    }
}
