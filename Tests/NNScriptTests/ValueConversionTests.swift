import NNScript
import Testing

/// Value conversions both ways (`ValueConvertible`): a host reads results
/// and passes arguments as Swift types; a conversion that would be wrong is
/// an error naming the expected and the actual type and the place.
@Suite("Value conversions")
struct ValueConversionTests {
    static func interpreter() -> Interpreter {
        Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }))
    }

    /// The message of the error `body` throws.
    static func message(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return "\(error)" }
        return nil
    }

    @Test func numbersStringsBoolsAndNil() throws {
        let nn = Self.interpreter()
        try nn.run(source: """
            let x = 2.5
            let n = 42
            let s = "hi"
            let b = true
            let z = nil
            let loss = mse(tensor([1.0, 2.0]), tensor([1.0, 4.0]))
            """)
        #expect(try nn.get("x", as: Double.self) == 2.5)
        #expect(try nn.get("x", as: Float.self) == 2.5)
        #expect(try nn.get("n", as: Int.self) == 42)
        #expect(try nn.get("n", as: Int32.self) == 42)
        #expect(try nn.get("n", as: Int64.self) == 42)
        #expect(try nn.get("s", as: String.self) == "hi")
        #expect(try nn.get("b", as: Bool.self) == true)
        #expect(try nn.get("z", as: Double?.self) == nil)
        #expect(try nn.get("x", as: Double?.self) == 2.5)
        #expect(try nn.get("loss", as: Double.self) == 2)  // a tensor of shape [] reads as a number
        #expect(try nn["x"]?.as(Double.self) == 2.5)
    }

    @Test func integersAreExactOrRefused() throws {
        let nn = Self.interpreter()
        try nn.run(source: "let half = 2.5\nlet big = 1e20\nlet i32 = 3e9\nlet nan = 0 / 0")
        #expect(Self.message { _ = try nn.get("half", as: Int.self) } == "half: expected an integer, got 2.5")
        #expect(Self.message { _ = try nn.get("big", as: Int.self) } == "big: expected an integer within Int's range, got 1e+20")
        #expect(Self.message { _ = try nn.get("i32", as: Int32.self) } == "i32: expected an integer within Int32's range, got 3000000000")
        #expect(Self.message { _ = try nn.get("nan", as: Int.self) }?.hasPrefix("nan: expected an integer, got ") == true)
        // Into the script: beyond 2^53 a Double would round, so it is refused.
        #expect(Self.message { try nn.set("n", 9_007_199_254_740_993) }
            == "n: expected an integer a script number holds exactly (a Double would round it), got 9007199254740993")
        try nn.set("n", 9_007_199_254_740_992)
        #expect(try nn.get("n", as: Int.self) == 9_007_199_254_740_992)
        // A Float out of range is refused, not made infinite.
        try nn.run(source: "let huge = 1e300")
        #expect(Self.message { _ = try nn.get("huge", as: Float.self) } == "huge: expected a number within Float's range, got 1e+300")
    }

    @Test func wrongTypesNameExpectedAndActual() throws {
        let nn = Self.interpreter()
        try nn.run(source: "let s = \"x\"\nlet l = [1, 2]\nlet r = {a: 1}")
        #expect(Self.message { _ = try nn.get("s", as: Double.self) } == "s: expected a number, got a string")
        #expect(Self.message { _ = try nn.get("l", as: String.self) } == "l: expected a string, got a list")
        #expect(Self.message { _ = try nn.get("r", as: [Double].self) } == "r: expected a list, got a record")
        #expect(Self.message { _ = try nn.get("l", as: Bool.self) } == "l: expected a bool, got a list")
        #expect(Self.message { _ = try nn.get("undefined_name", as: Double.self) }
            == "undefined_name: expected a defined variable, got nothing (no global variable of that name)")
    }

    @Test func nestedArraysAndRecordsNameThePath() throws {
        let nn = Self.interpreter()
        try nn.run(source: """
            let result = {history: [{loss: 0.5}, {loss: 0.25}, {loss: 0.125}, {loss: "oops"}], sizes: (2, 3)}
            """)
        #expect(Self.message { _ = try nn.get("result", as: [String: [[String: Double]]].self) }
            == "result.history[3].loss: expected a number, got a string")
        let history = try nn.get("result", as: [String: Value].self)
        #expect(try history["sizes"]?.as([Int].self) == [2, 3])  // a tuple reads as an array
        let first = try #require(history["history"]).as([[String: Value]].self)
        #expect(try first[1]["loss"]?.as(Double.self) == 0.25)
        #expect(Self.message { _ = try #require(history["history"]).as([[String: Double]].self) }
            == "[3].loss: expected a number, got a string")
    }

    @Test func hostValuesGoInAndComeBackEqual() throws {
        let nn = Self.interpreter()
        try nn.set("xs", [1.5, 2.5])
        try nn.set("cfg", ["lr": 0.1, "momentum": 0.9])
        try nn.set("names", ["a", "b"])
        try nn.set("maybe", Double?.none)
        try nn.set("flag", true)
        try nn.run(source: "let total = xs[0] + xs[1] + cfg.lr\nlet keys_ = keys(cfg)\nlet isNil = maybe == nil")
        #expect(try nn.get("total", as: Double.self) == 4.1)
        #expect(try nn.get("keys_", as: [String].self) == ["lr", "momentum"])  // sorted fields
        #expect(try nn.get("isNil", as: Bool.self))
        #expect(try nn.get("cfg", as: [String: Double].self) == ["lr": 0.1, "momentum": 0.9])
        #expect(try nn.get("names", as: [String].self) == ["a", "b"])
        #expect(try nn.get("flag", as: Bool.self))
    }

    @Test func tensorsAsScalarsWithTheirShape() throws {
        let nn = Self.interpreter()
        try nn.set("x", TensorData<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
        try nn.run(source: "let y = x * 2\nlet d = x.to(\"float64\")\nlet m = x > 2\nprint(x.dtype)")
        let y = try nn.get("y", as: TensorData<Float>.self)
        #expect(y.shape == [2, 3])
        #expect(y.scalars == [2, 4, 6, 8, 10, 12])
        // float32 widens to Double exactly; float64 does not narrow to Float.
        #expect(try nn.get("y", as: TensorData<Double>.self).scalars == [2, 4, 6, 8, 10, 12])
        #expect(try nn.get("d", as: TensorData<Double>.self).shape == [2, 3])
        #expect(Self.message { _ = try nn.get("d", as: TensorData<Float>.self) }
            == "d: expected a float32 tensor, got a float64 tensor (read it as TensorData<Double>)")
        #expect(Self.message { _ = try nn.get("m", as: TensorData<Double>.self) }
            == "m: expected a float32 or float64 tensor, got a bool tensor (convert it in the script with t.to(\"float32\"))")
        // Handing one in: Float makes float32, Double makes float64.
        try nn.set("w", TensorData<Double>([0.5, 0.25]))
        #expect(try nn.evaluate("w.dtype").as(String.self) == "float64")
        #expect(try nn.evaluate("x.dtype").as(String.self) == "float32")
        // A number is a tensor of shape [].
        #expect(try Value.number(3).as(TensorData<Double>.self) == TensorData<Double>(shape: [], scalars: [3]))
        #expect(Self.message { _ = try nn.evaluate("[1, 2]").as(TensorData<Float>.self) }
            == "expected a tensor, got a list (make a tensor in the script with tensor(xs), or read it as [Float])")
    }

    @Test func int64TensorsAsInt64Scalars() throws {
        let nn = Self.interpreter()
        try nn.set("labels", TensorData<Int64>(shape: [3], scalars: [2, 0, (1 << 53) + 1]))
        #expect(try nn.evaluate("labels.dtype").as(String.self) == "int64")
        try nn.run(source: "let k = labels + 1\nlet a = argmax(tensor([[1.0, 3.0], [4.0, 2.0]]), axis: 1)\nlet f = labels.to(\"float64\")")
        #expect(try nn.get("k", as: TensorData<Int64>.self).scalars == [3, 1, (1 << 53) + 2])
        let a = try nn.get("a", as: TensorData<Int64>.self)
        #expect(a.shape == [2] && a.ints == [1, 0])
        #expect(try TensorData<Int64>(shape: [2], ints: [4, -1]).scalars == [4, -1])
        // exact or refused, both ways
        #expect(Self.message { _ = try nn.get("labels", as: TensorData<Double>.self) }
            == "labels: expected a float32 or float64 tensor, got an int64 tensor (read it as TensorData<Int64>, or convert it in the script with t.to(\"float64\"))")
        #expect(Self.message { _ = try nn.get("f", as: TensorData<Int64>.self) }
            == "f: expected an int64 tensor, got a float64 tensor (convert it in the script with t.to(\"int64\"), or read it as TensorData<Double>)")
        #expect(try Value.number(3).as(TensorData<Int64>.self).scalars == [3])
    }

    @Test func theShapeProductIsChecked() {
        #expect(Self.message { _ = try TensorData<Float>(shape: [2, 2], scalars: [1, 2, 3]) } == "expected 4 scalars for shape [2, 2], got 3")
        #expect(Self.message { _ = try TensorData<Float>(shape: [-1, 2], scalars: []) }?
            .hasPrefix("expected a shape of non-negative sizes that fits in memory, got [-1, 2]") == true)
        #expect(Self.message { _ = try TensorData<Float>(shape: [Int.max, 2], scalars: []) }?
            .hasPrefix("expected a shape of non-negative sizes that fits in memory, got [") == true)
        #expect(throws: Never.self) { _ = try TensorData<Float>(shape: [0, 5], scalars: []) }
    }

    @Test func callingFunctionsByNameWithConvertedArguments() throws {
        let nn = Self.interpreter()
        try nn.run(source: "fn scale(xs, by: 2) = map(xs, x => x * by)\nfn greet(name) = \"hi \" + name")
        #expect(try nn.call("scale", [1.0, 2.0], as: [Double].self) == [2, 4])
        #expect(try nn.call("scale", [1, 2], named: ["by": 10], as: [Int].self) == [10, 20])
        #expect(try nn.call("greet", "ada", as: String.self) == "hi ada")
        #expect(try nn.call("relu", -3.0, as: Double.self) == 0)  // a builtin
        #expect(Self.message { _ = try nn.call("greet", "ada", as: Double.self) } == "greet(): expected a number, got a string")
        #expect(Self.message { _ = try nn.call("scale", [(1 << 60) + 1]) }?.hasPrefix("scale() argument #1[0]: expected an integer a script number holds exactly") == true)
        #expect(Self.message { _ = try nn.call("nothing_here", 1.0) } == "error: no function named 'nothing_here': neither a global variable nor a builtin")
        // Errors of the call itself are script errors, as for call(_:_:named:).
        #expect(throws: ScriptError.self) { _ = try nn.call("greet") }
    }
}
