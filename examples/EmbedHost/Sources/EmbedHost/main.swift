#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import NNScript

// A host: its own builtin, a script that trains a one-parameter model, and
// the result read back as a Swift value.
var printed = ""
let nn = Interpreter(options: .init(output: { printed += $0 }, seed: 7))
nn.register(Builtin("host_target", [.required("x")], summary: "The value the host wants the model to learn at x.") { a in
    .number(3 * (try a.number("x")) + 1)
})

do {
    try nn.run(source: """
        let xs = tensor([0.0, 1.0, 2.0, 3.0])
        let ys = tensor([host_target(0), host_target(1), host_target(2), host_target(3)])
        let w = param(tensor([0.0, 0.0]))
        let opt = SGD([w], lr: 0.05)
        for step in 0..500 {
          opt.zero_grad()
          let loss = mse(w[0] * xs + w[1], ys)
          backward(loss)
          opt.step()
        }
        print("w =", round(w[0].item() * 1000) / 1000, "b =", round(w[1].item() * 1000) / 1000)
        """, name: "host.nn")
    print(printed, terminator: "")
    // Read back as Swift values: no switch over Value (a wrong type is an error naming it).
    let w = try nn.get("w", as: TensorData<Double>.self)
    print("host read w[0] =", (w.scalars[0] * 1000).rounded() / 1000, "shape", w.shape)
} catch {
    print(nn.render(error))
    exit(1)
}
