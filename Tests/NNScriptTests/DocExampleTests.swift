import NNScript
import Testing

/// The examples of the DocC catalog (`Sources/NNScript/NNScript.docc`),
/// run as written there, so the articles stay true.
@Suite("DocC examples")
struct DocExampleTests {
    @Test func gettingStartedRunAndRead() throws {
        var printed = ""
        let nn = Interpreter(options: .init(output: { printed += $0 }, seed: 7))
        let last = try nn.run(source: "let sizes = [2, 16, 1]\nprint(len(sizes))\nsizes[1] * 2", name: "demo.nn")
        #expect(printed == "3\n")
        #expect(try last.as(Int.self) == 32)

        try nn.run(source: """
            let history = {loss: [0.9, 0.5, 0.25], epochs: 3}
            let w = randn([2, 3])
            fn double(x) = 2 * x
            """)
        let losses = try nn.get("history", as: [String: Value].self)["loss"]?.as([Double].self)
        let epochs = try nn.get("history", as: [String: Value].self)["epochs"]?.as(Int.self)
        let w = try nn.get("w", as: TensorData<Float>.self)
        try nn.set("lr", 0.01)
        try nn.set("x", TensorData<Float>(shape: [2, 2], scalars: [1, 2, 3, 4]))
        let y = try nn.call("double", 21, as: Int.self)
        #expect(losses == [0.9, 0.5, 0.25] && epochs == 3 && w.shape == [2, 3] && w.scalars.count == 6 && y == 42)
    }

    @Test func gettingStartedBuiltinAndObjectType() throws {
        var printed = ""
        let nn = Interpreter(options: .init(output: { printed += $0 }))
        nn.register(Builtin("triple", [.required("x"), .optional("plus", .number(0))],
                            summary: "Three times x, plus `plus`.") { a in
            let x = try a.value("x", as: Double.self)
            return .number(3 * x + (try a.number("plus")))
        })
        try nn.run(source: "print(triple(14, plus: 1))")
        #expect(printed == "43\n")

        final class Camera { var zoom = 1.0; var shots = 0 }
        let cameraType = HostType<Camera>(
            "Camera", summary: "A camera the script can point and shoot.", makers: ["camera"],
            properties: [
                HostProperty("zoom", summary: "The zoom factor (1 is none).",
                             get: { $0.zoom }, set: { cam, z in cam.zoom = z }),
                HostProperty("shots", summary: "Pictures taken so far.", get: { $0.shots }),
            ],
            methods: [
                HostMethod("shoot", [.optional("times", .number(1))],
                           summary: "Takes `times` pictures; returns how many were taken in all.") { cam, a in
                    cam.shots += try a.value("times", as: Int.self)
                    return cam.shots
                },
            ])
        nn.register(cameraType)
        nn.register(Builtin("camera", summary: "A new Camera.") { _ in cameraType.wrap(Camera()) })
        try nn.run(source: """
            let c = camera()
            c.zoom = 2
            print(c.shoot(times: 3))
            """)
        let cam = try cameraType.unwrap(nn["c"] ?? .nil)
        #expect(cam.shots == 3 && cam.zoom == 2)
        #expect(printed == "43\n3\n")
    }

    @Test func sandboxAndLimitsExamples() throws {
        let nn = Interpreter(options: .init(output: { _ in }))
        do {
            try nn.run(source: #"read_csv("/etc/passwd")"#)
            Issue.record("read allowed")
        } catch let e as ScriptError {
            guard case .permission(let path, let access) = e.kind else { Issue.record("kind \(e.kind)"); return }
            #expect(path == "/etc/passwd" && access == .read)
        }
        var options = Interpreter.Options(output: { _ in })
        options.limits = .init(deadline: .milliseconds(200), steps: 50_000_000,
                               tensorBytes: 512 << 20, outputBytes: 1 << 20)
        let bounded = Interpreter(options: options)
        #expect(throws: ScriptError.self) { try bounded.run(source: "while true { }", name: "user.nn") }
        do { try bounded.run(source: "while true { }", name: "user.nn") } catch let e as ScriptError {
            #expect(e.kind == .limit(.deadline))
        }
    }
}
