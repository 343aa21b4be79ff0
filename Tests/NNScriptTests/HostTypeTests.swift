import NNScript
import Testing

/// A host's own object type (`HostType`): scripts read and set its
/// properties and call its methods, bound by the builtins' binder; `help`
/// and completion see its members.
@Suite("Host object types")
struct HostTypeTests {
    final class Camera {
        var zoom = 1.0
        var shots = 0
        let name: String
        init(name: String) { self.name = name }
    }

    static let cameraType = HostType<Camera>(
        "Camera", summary: "A camera the script can point and shoot.", makers: ["camera"],
        properties: [
            HostProperty("zoom", summary: "The zoom factor (1 is none).", get: { $0.zoom }, set: { cam, z in cam.zoom = z }),
            HostProperty("shots", summary: "Pictures taken so far.", get: { $0.shots }),
        ],
        methods: [
            HostMethod("shoot", [.optional("times", .number(1)), .optional("label")],
                       summary: "Takes `times` pictures; returns how many were taken in all.") { cam, a in
                let times = try a.value("times", as: Int.self)
                guard times >= 0 else { throw try a.bad("times", message: "times must be >= 0, got \(times)") }
                cam.shots += times
                return cam.shots
            },
            HostMethod("reset", summary: "Forgets the pictures taken.") { cam, _ in
                cam.shots = 0
                return Value.nil
            },
        ],
        description: { "<Camera \($0.name)>" })

    /// An interpreter with the type registered and a `camera(name)` builtin; the output collected.
    static func interpreter(_ out: Output) -> Interpreter {
        let nn = Interpreter(options: .init(output: { out.text += $0 }, errorOutput: { _ in }))
        nn.register(cameraType)
        nn.register(Builtin("camera", [.required("name")], summary: "A new Camera.") { a in
            cameraType.wrap(Camera(name: try a.value("name", as: String.self)))
        })
        return nn
    }

    final class Output { var text = "" }

    @Test func scriptsUsePropertiesAndMethods() throws {
        let out = Output()
        let nn = Self.interpreter(out)
        try nn.run(source: """
            let c = camera("front")
            c.zoom = 2.5
            print(c.shoot(times: 3), c.shoot(), c.zoom, type(c), c)
            """)
        #expect(out.text == "3 4 2.5 Camera <Camera front>\n")
        // The host sees the same object the script changed.
        let cam = try Self.cameraType.unwrap(try #require(nn["c"]))
        #expect(cam.zoom == 2.5 && cam.shots == 4)
        try nn.run(source: "c.reset()")
        #expect(cam.shots == 0)
        // A host hands its own object in.
        let back = Camera(name: "back")
        nn["b"] = Self.cameraType.wrap(back)
        try nn.run(source: "b.shoot(times: 2)")
        #expect(back.shots == 2)
    }

    @Test func wrongArgumentsGiveTheBindersMessages() throws {
        let nn = Self.interpreter(Output())
        try nn.run(source: "let c = camera(\"x\")")
        func error(_ source: String) -> String? {
            do { try nn.run(source: source) } catch let e as ScriptError { return e.message } catch { return "\(error)" }
            return nil
        }
        #expect(error("c.shoot(tims: 3)") == "shoot: unknown argument 'tims'; did you mean 'times'?")
        #expect(error("c.shoot(\"three\")") == "bad argument #1 to 'shoot' (expected a number, got a string)")
        #expect(error("c.shoot(times: 2.5)") == "bad argument 'times' to 'shoot' (expected an integer, got 2.5)")
        #expect(error("c.shoot(times: -1)") == "bad argument 'times' to 'shoot' (times must be >= 0, got -1)")
        #expect(error("c.zoom = \"far\"") == "Camera.zoom: expected a number, got a string")
        #expect(error("c.shots = 3")?.contains("shots") == true)
        #expect(error("c.shoot(1, 2, 3)")?.hasPrefix("shoot: ") == true)
        // A script catches them as any runtime error.
        #expect(error("let m = try { c.shoot(tims: 1) } catch e { e }") == nil)
        // unwrap refuses anything else.
        #expect(throws: ValueConversionError(expected: "a Camera", actual: "a number")) {
            _ = try Self.cameraType.unwrap(.number(1))
        }
    }

    /// A value the script cannot hold exactly (an Int a Double would round) is an error naming the member.
    @Test func aResultScriptsCannotHoldIsAnErrorNamingTheMember() throws {
        final class Big {}
        let type = HostType<Big>("Big", summary: "Too big.",
                                 properties: [HostProperty("n", summary: "2^53 + 1.", get: { _ in (1 << 53) + 1 })],
                                 methods: [HostMethod("m", summary: "2^53 + 1.") { _, _ in (1 << 53) + 1 }])
        let nn = Interpreter(options: .init(output: { _ in }))
        nn["b"] = type.wrap(Big())
        func error(_ source: String) -> String? {
            do { try nn.run(source: source) } catch let e as ScriptError { return e.message } catch { return "\(error)" }
            return nil
        }
        #expect(error("b.n") == "Big.n: expected an integer a script number holds exactly (a Double would round it), got 9007199254740993")
        #expect(error("b.m()") == "m: its result: expected an integer a script number holds exactly (a Double would round it), got 9007199254740993")
    }

    @Test func helpAndCompletionSeeTheMembers() throws {
        let out = Output()
        let nn = Self.interpreter(out)
        try nn.run(source: "let c = camera(\"x\")\nhelp(\"Camera.shoot\")\nhelp(\"Camera\")\nhelp(c)\nhelp()")
        #expect(out.text.contains("Camera.shoot(times: 1, label: nil)\n  Takes `times` pictures; returns how many were taken in all."))
        #expect(out.text.contains("Camera: A camera the script can point and shoot.\n  Methods:\n    shoot(times: 1, label: nil)"))
        #expect(out.text.contains("Camera (help(\"Camera.name\") for one member)"))
        #expect(out.text.contains("    zoom  The zoom factor (1 is none)."))
        #expect(out.text.contains("Objects of this program (help(\"Type\"), help(\"Type.method\")): Camera"))
        let session = Session(interpreter: nn)
        let members = session.completions(before: "c.", word: "").candidates
        #expect(members == ["reset", "shoot", "shots", "zoom"])
        let labels = session.completions(before: "c.shoot(ti", word: "ti").candidates
        #expect(labels.contains("times:"))
    }
}
