import NNLib
import NNTensor

/// Features and targets that belong together (`train.X`, `train.y`): what
/// `split` and `kfold` return, and what `fit(val:)` and `evaluate` accept.
final class DatasetObject: LibraryObject {
    let data: Dataset

    init(_ data: Dataset) { self.data = data }

    var description: String {
        "Dataset(\(data.count) samples: X \(TensorBridge.fmtShape(data.X.shape)) \(data.X.dtype), y \(TensorBridge.fmtShape(data.y.shape)))"
    }

    static let members = Members<DatasetObject>(
        "Dataset", makers: ["split", "kfold"], summary: "Features and targets that belong together; iterates as its one `(X, y)` pair.",
        properties: [Property("X", "The features `[N, ...]`.") { .tensor($0.data.X) },
                     Property("y", "The targets `[N]`.") { .tensor($0.data.y) },
                     Property("count", "The number of samples N.") { .number(Double($0.data.count)) }])

    /// `for (X, y) in [train]`-style use: iterating a dataset yields its one `(X, y)` pair.
    func makeIterator(in interpreter: Interpreter) throws -> (() throws -> Value?)? {
        var done = false
        return { [data] in
            if done { return nil }
            done = true
            return .tuple([.tensor(data.X), .tensor(data.y)])
        }
    }
}

/// Mini-batches of `(X, y)` rows: `for (xb, yb) in loader { ... }` is one
/// epoch, with a new permutation each epoch when shuffling.
final class DataLoaderObject: LibraryObject {
    let loader: DataLoader

    init(_ loader: DataLoader) { self.loader = loader }

    var description: String {
        let l = loader
        return "DataLoader(\(l.sampleCount) samples, batch_size \(l.batchSize) → \(l.batchCount) batches"
            + (l.shuffle ? ", shuffled with seed \(l.seed)" : "") + (l.dropLast ? ", drop_last" : "") + ")"
    }

    /// `len(loader)`: the number of batches one epoch yields (as `for` and `list` see it).
    var length: Int? { loader.batchCount }

    static let members = Members<DataLoaderObject>(
        "DataLoader", makers: ["DataLoader"],
        summary: "Mini-batches: `for (xb, yb) in loader` is one epoch; `len(loader)` is its number of batches.",
        properties: [Property("X", "All the features.") { .tensor($0.loader.X) },
                     Property("y", "All the targets.") { .tensor($0.loader.y) },
                     Property("batch_size", "The rows per batch (the last may have fewer unless drop_last).") {
                         .number(Double($0.loader.batchSize))
                     },
                     Property("batches", "The number of batches an epoch yields (as `len(loader)`).") { .number(Double($0.loader.batchCount)) },
                     Property("count", "The number of samples.") { .number(Double($0.loader.sampleCount)) },
                     Property("epoch", "The epochs begun so far.") { .number(Double($0.loader.epoch)) },
                     Property("shuffle", "True when each epoch has a new permutation.") { .bool($0.loader.shuffle) }])

    func makeIterator(in interpreter: Interpreter) throws -> (() throws -> Value?)? {
        var it = loader.makeIterator()
        return {
            guard let (x, y) = it.next() else { return nil }
            return .tuple([.tensor(x), .tensor(y)])
        }
    }
}

/// A table read by `read_csv`: `d.X`, `d.y`, `d.columns`, `d.categories`, `d.notes`.
final class CSVObject: LibraryObject {
    let table: CSVTable
    let name: String

    init(_ table: CSVTable, name: String) {
        self.table = table
        self.name = name
    }

    var description: String {
        let t = table
        var s = "\(name): \(t.X.shape.first ?? 0) rows, X \(TensorBridge.fmtShape(t.X.shape)) (\(t.columns.joined(separator: ", ")))"
        if let y = t.y, let target = t.target {
            s += ", y '\(target)' \(TensorBridge.fmtShape(y.shape))"
            let values = Set(y.doubles)
            if values.count <= 20 { s += " with \(values.count) classes" }
        }
        for n in t.notes { s += "\n  " + n }
        return s
    }

    static let members = Members<CSVObject>(
        "CSV", makers: ["read_csv"], summary: "A table read from a CSV file.",
        properties: [Property("X", "The feature columns `[N, D]`.") { .tensor($0.table.X) },
                     Property("y", "The target column `[N]` (nil without target:).") { o in o.table.y.map { .tensor($0) } ?? .nil },
                     Property("columns", "The feature column names.") { o in .list(o.table.columns.map { .string($0) }) },
                     Property("target", "The target column's name, or nil.") { o in o.table.target.map { .string($0) } ?? .nil },
                     Property("categories", "Each encoded text column's categories, in code order.") { o in
                         let c = o.table.categories
                         return .record(c.keys.sorted().map { k in (k, .list((c[k] ?? []).map { .string($0) })) })
                     },
                     Property("notes", "What reading did (encoded columns, dropped rows).") { o in .list(o.table.notes.map { .string($0) }) },
                     Property("dropped_rows", "The file rows dropped for missing values.") { o in
                         .list(o.table.droppedRows.map { .number(Double($0)) })
                     }])
}

/// Training statistics to apply to any data: `norm(x)` is `(x - mean) / std`.
final class StandardizerObject: LibraryObject {
    let standardizer: Standardizer

    init(_ s: Standardizer) { standardizer = s }

    var description: String {
        "Standardizer(\(standardizer.mean.count) columns: mean \(Convert.shortList(standardizer.mean)), std \(Convert.shortList(standardizer.std)))"
    }

    static let members = Members<StandardizerObject>(
        "Standardizer", makers: ["standardize"], summary: "Training statistics: `norm(x)` is `(x - mean) / std`.",
        properties: [Property("mean", "The per-column training mean.") { Convert.vector($0.standardizer.mean) },
                     Property("std", "The per-column population std (1 for a constant column).") { Convert.vector($0.standardizer.std) }])

    func call(_ arguments: Arguments, in interpreter: Interpreter) throws -> Value? {
        guard arguments.positional.count == 1, arguments.named.isEmpty, case .tensor(let x) = arguments.positional[0] else {
            throw BuiltinError("Standardizer: call it on one tensor, norm(x)")
        }
        return .tensor(try standardizer(x))
    }
}

/// Reading `(X, y)` pairs from the forms scripts hold them in.
enum DataArg {
    /// `(X, y)` from a Dataset, CSV table, DataLoader, tuple or list `(X, y)`, or record `{X, y}`.
    static func pair(_ v: Value, _ op: String, what: String = "data") throws -> (Tensor, Tensor) {
        switch v {
        case .object(let d as DatasetObject): return (d.data.X, d.data.y)
        case .object(let d as DataLoaderObject): return (d.loader.X, d.loader.y)
        case .object(let c as CSVObject):
            guard let y = c.table.y else { throw BuiltinError("\(op): \(what) has no target column (read it with target:)") }
            return (c.table.X, y)
        case .tuple, .list:
            let items = try Iterate.elements(v, op)
            guard items.count == 2, case .tensor(let x) = items[0] else {
                throw BuiltinError("\(op): \(what) must be a pair (X, y) of tensors, got \(v.typeName) of \(items.count) items")
            }
            return (x, try Convert.tensor(items[1], op, dtype: x.dtype))
        case .record(let r):
            guard case .tensor(let x)? = r["X"], let y = r["y"] else {
                throw BuiltinError("\(op): \(what) must have fields X and y")
            }
            return (x, try Convert.tensor(y, op, dtype: x.dtype))
        default:
            throw BuiltinError("\(op): \(what) must be a Dataset, a DataLoader or a pair (X, y), got \(v.typeName)")
        }
    }
}
