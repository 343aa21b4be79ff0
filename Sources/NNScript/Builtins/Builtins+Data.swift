#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNLib
import NNTensor

/// Data: CSV files, splits, k-fold, standardisation, loaders and generators.
extension Builtins {
    /// `(X, y)` as a tuple value.
    static func pairValue(_ d: Dataset) -> Value { .tuple([.tensor(d.X), .tensor(d.y)]) }

    /// Features (argument `x`) and targets (argument `y`), or a Dataset-like value in `x` alone.
    static func features(_ a: BuiltinArguments, _ x: String, _ y: String) throws -> (Tensor, Tensor) {
        let xv = try a[x]
        if case .tensor(let t) = xv {
            return (t, try Convert.tensor(try a.needed(y), a.builtin.name, dtype: t.dtype))
        }
        guard try a[y].isNil else {
            throw try a.bad(x, message: "tensor X expected when y is given, got \(xv.typeName) (a Dataset or (X, y) pair already holds y)")
        }
        return try DataArg.pair(xv, a.builtin.name)
    }

    /// When the targets `y` are needed: with a tensor `x`, not with a Dataset or an
    /// `(X, y)` pair. The declarations spell the parameter out as a plain `.needed`
    /// entry, so a scan of the sources reads its name.
    static func yNeeded(_ x: String) -> String {
        "\(x) is a tensor; omit it when \(x) is a Dataset or an (X, y) pair"
    }

    static func count(_ a: BuiltinArguments, _ name: String) throws -> Int {
        let n = try a.int(name)
        guard n >= 1, n <= 100_000_000 else { throw try a.bad(name, message: "the number of samples must be in 1...100000000, got \(n)") }
        return n
    }

    static let data: [Builtin] = [
        Builtin("read_csv", [.required("path"), .optional("target"), .optional("encode", .bool(false)),
                             .optional("missing", .string("error")), .optional("dtype")], area: "Data",
                summary: "Reads a numeric CSV file with a header row: `d.X` `[N, D]`, `d.y` `[N]` (the `target` column), `d.columns`.",
                discussion: "A text cell is an error naming its row and column unless `encode: true` (each text column becomes integer categories in sorted order, listed in `d.categories`; an encoded `target` column gives `d.y` as int64 class labels). Numbers are float32 unless `dtype:` says otherwise (a numeric target column too: convert class labels with `d.y.to(\"int64\")`). A missing value (`NA`, empty, `NaN`, `NULL`) is an error unless `missing: \"drop\"`, which drops the row. `d.notes` says what was done. Relative paths are from the working directory. An error quotes the file (the bad cell, the header's names) only when the file policy is unrestricted (`nn` without `--sandbox`); under any other policy it names rows, lines and columns by number, so a message shows nothing the file holds." + filePolicyDoc) { a in
            let path = try a.path("path", .read)
            let target: String? = try a["target"].isNil ? nil : try a.string("target")
            let m = try a.string("missing")
            let missing: MissingValues
            switch m {
            case "error", "refuse": missing = .refuse
            case "drop": missing = .drop
            default: throw try a.bad("missing", message: "missing must be \"error\" or \"drop\", got \(Value.quote(m))")
            }
            let t = try readCSV(path: path, target: target, encode: try a.bool("encode"), missing: missing, dtype: try dtypeOption(a, "dtype"),
                            quotesContents: a.interpreter.fileGate.policy == .unrestricted,
                            checkpoint: a.interpreter.pollInterrupt)
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return .object(CSVObject(t, name: name))
        },
        Builtin("split", [.required("x"), .needed("y", when: yNeeded("x")), .needed("ratios", when: "splitting data, not a string: for example [0.8, 0.2]"), .optional("seed", .number(0)),
                          .optional("stratify", .bool(false))], area: "Data",
                summary: "Splits `(X, y)` at random into parts in the proportions `ratios` (e.g. `[0.8, 0.2]`); `split(s, sep)` splits a string.",
                discussion: "Returns a tuple of Datasets (`let (train, val) = split(X, y, [0.8, 0.2], seed: 0)`, then `train.X`, `train.y`). Part sizes are `floor(N * r)` with the remainder handed out from the first part. With `stratify: true`, `y` holds class labels and each class is split in the same proportions. Deterministic for a seed.\n\nWith a string, `split(s, sep)` is the parts of `s` between occurrences of `sep` (by default, runs of whitespace).") { a in
            if case .string(let str) = try a["x"] {
                guard try !a.has("ratios"), try !a.has("seed"), try !a.has("stratify") else { throw a.error("a string is split by split(s, sep)") }
                // The second argument is the separator here (the parameter is named y for the data form).
                let sepValue = try a["y"]
                if sepValue.isNil { return .list(str.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) }) }
                guard case .string(let sep) = sepValue else { throw try a.bad("y", "string") }
                guard !sep.isEmpty else { throw try a.bad("y", message: "separator cannot be empty") }
                return .list(str.components(separatedBy: sep).map { .string($0) })
            }
            let (x, y) = try features(a, "x", "y")
            let ratios = try Convert.doubles(try a.needed("ratios"), "ratios", "split")
            let s = try a.int("seed")
            guard s >= 0 else { throw try a.bad("seed", message: "a seed must be non-negative") }
            let parts = try NNLib.split(x, y, ratios: ratios, seed: UInt64(s), stratify: try a.bool("stratify"))
            return .tuple(parts.map { .object(DatasetObject($0)) })
        },
        Builtin("kfold", [.required("x"), .needed("y", when: yNeeded("x")), .optional("k", .number(5)), .optional("seed", .number(0)),
                          .optional("shuffle", .bool(true))], area: "Data",
                summary: "The `k` folds of k-fold cross-validation, as a list of `(train, val)` Dataset pairs.",
                discussion: "The rows are shuffled once (deterministically for `seed`) and cut into `k` consecutive parts, the first `N % k` one row larger (scikit-learn's `KFold`); fold `i` validates on part `i` and trains on the rest, so every row is validated exactly once: `for (train, val) in kfold(X, y, k: 5, seed: 0) { ... }`.") { a in
            let (x, y) = try features(a, "x", "y")
            let s = try a.int("seed")
            guard s >= 0 else { throw try a.bad("seed", message: "a seed must be non-negative") }
            let folds = try NNLib.kfold(x, y, k: try a.int("k"), seed: UInt64(s), shuffle: try a.bool("shuffle"))
            return .list(folds.map { .tuple([.object(DatasetObject($0.train)), .object(DatasetObject($0.val))]) })
        },
        Builtin("standardize", [.required("X")], area: "Data",
                summary: "Fits per-column standardisation on training data `[N, D]`; `norm(x)` applies it to any data.",
                discussion: "```\nnorm(x) = (x - mean) / std      # the training mean and population std (ddof 0)\n```\nas scikit-learn's `StandardScaler`; a constant column gets std 1, \"constant\" meaning a variance within the rounding error of the column's magnitude (`var ≤ N·ε·var + (N·|mean|·ε)²`, scikit-learn's rule), so `[0.1, 0.1, 0.1]` is constant although its computed std is `1.4e-17`. `norm.mean` and `norm.std` are the statistics.") { a in
            .object(StandardizerObject(try NNLib.standardize(try tensorArg(a, "X"))))
        },
        Builtin("DataLoader", [.required("X"), .needed("y", when: yNeeded("X")), .optional("batch_size", .number(32)), .optional("shuffle", .bool(true)),
                               .optional("seed"), .optional("drop_last", .bool(false))], area: "Data",
                summary: "Mini-batches `(xb, yb)` of the rows of `X` and `y`: `for (xb, yb) in loader` is one epoch.",
                discussion: "With `shuffle` each epoch has a new permutation that depends only on `seed` and the epoch number:\n```\norder(e) = permutation(N) drawn from RandomGenerator(seed + e * 0x9E3779B97F4A7C15)\n```\nThe last batch is smaller unless `drop_last: true`. `X` may be a Dataset (then `y` is omitted). Without `seed`, one is drawn from the interpreter's generator.") { a in
            let (x, y) = try features(a, "X", "y")
            let l = try DataLoader(x, y, batchSize: try a.int("batch_size"), shuffle: try a.bool("shuffle"),
                                   seed: try Convert.seed(a, "seed"), dropLast: try a.bool("drop_last"))
            return .object(DataLoaderObject(l))
        },
        Builtin("moons", [.required("n"), .optional("noise", .number(0.1)), .optional("seed", .number(0)), .optional("dtype")],
                area: "Data", summary: "Two interleaving half circles (scikit-learn's `make_moons`): `(X [n, 2], y [n])`, `y` int64 class labels.",
                discussion: "```\nclass 0: (cos t, sin t),              t = linspace(0, π, n/2)\nclass 1: (1 - cos t, 1 - sin t - 0.5)\n```\nplus Gaussian noise of standard deviation `noise`; rows shuffled.") { a in
            pairValue(try Generators.twoMoons(n: try count(a, "n"), noise: try a.number("noise"), seed: try Convert.seed(a, "seed"),
                                              dtype: try dtypeOption(a, "dtype")))
        },
        Builtin("spirals", [.required("n"), .optional("classes", .number(2)), .optional("noise", .number(0.2)),
                            .optional("seed", .number(0)), .optional("dtype")], area: "Data",
                summary: "`classes` interleaved spiral arms of `n` points in all (CS231n): `(X [n, 2], y [n])`, `y` int64 class labels.",
                discussion: "For arm `k`: `r = linspace(0, 1, m)`, `t = linspace(4k, 4(k+1), m) + noise * N(0, 1)`, point `(r sin t, r cos t)`.") { a in
            pairValue(try Generators.spirals(n: try count(a, "n"), classes: try a.int("classes"), noise: try a.number("noise"),
                                             seed: try Convert.seed(a, "seed"), dtype: try dtypeOption(a, "dtype")))
        },
        Builtin("blobs", [.required("n"), .optional("centers", .number(3)), .optional("dim", .number(2)), .optional("std", .number(1)),
                          .optional("seed", .number(0)), .optional("dtype")], area: "Data",
                summary: "Isotropic Gaussian blobs (scikit-learn's `make_blobs`): `(X [n, dim], y [n])`, `y` int64 class labels.",
                discussion: "`centers` centres uniform in `[-10, 10]^dim`; samples dealt round-robin, each `centre + std * N(0, I)`; rows shuffled.") { a in
            pairValue(try Generators.blobs(n: try count(a, "n"), centers: try a.int("centers"), dim: try a.int("dim"),
                                           std: try a.number("std"), seed: try Convert.seed(a, "seed"),
                                           dtype: try dtypeOption(a, "dtype")))
        },
        Builtin("linear_data", [.required("n"), .optional("weights", .numbers([2])), .optional("bias", .number(0)),
                                .optional("noise", .number(0.1)), .optional("seed", .number(0)), .optional("dtype")], area: "Data",
                summary: "Noisy linear regression data: `(X [n, len(weights)], y [n])`.",
                discussion: "```\nX ~ N(0, I),   y = X @ weights + bias + noise * N(0, 1)\n```") { a in
            pairValue(try Generators.linear(n: try count(a, "n"), weights: try Convert.doubles(try a["weights"], "weights", "linear_data"),
                                            bias: try a.number("bias"), noise: try a.number("noise"), seed: try Convert.seed(a, "seed"),
                                            dtype: try dtypeOption(a, "dtype")))
        },
        Builtin("polynomial_data", [.required("n"), .optional("coefficients", .numbers([0, 0, 1])), .optional("low", .number(-1)),
                                    .optional("high", .number(1)), .optional("noise", .number(0.1)), .optional("seed", .number(0)),
                                    .optional("dtype")], area: "Data",
                summary: "Noisy polynomial regression data in one variable: `(X [n, 1], y [n])`.",
                discussion: "```\nx ~ U(low, high),   y = Σ_k coefficients[k] * x^k + noise * N(0, 1)\n```") { a in
            pairValue(try Generators.polynomial(n: try count(a, "n"),
                                                coefficients: try Convert.doubles(try a["coefficients"], "coefficients", "polynomial_data"),
                                                low: try a.number("low"), high: try a.number("high"), noise: try a.number("noise"),
                                                seed: try Convert.seed(a, "seed"), dtype: try dtypeOption(a, "dtype")))
        },
    ]
}
