import Foundation
import NNTensor

/// The benchmark registry and runner behind `scripts/bench`.
///
/// ```
/// NNBench                 a readable table of every item
/// NNBench --tsv           key<TAB>value<TAB>unit<TAB>label lines (for scripts/bench)
/// NNBench --list          the keys
/// NNBench matmul tanh     only items whose key contains one of the words
/// NNBench --exact KEY...   only the items with exactly these keys
/// NNBench --threads N     OpenBLAS threads (default: leave as configured)
/// ```
enum Bench {
    /// Every item, in print order. Add one line per new benchmark.
    static var all: [BenchItem] {
        [
            matmul(256, .float32), matmul(1024, .float32), matmul(2048, .float32),
            matmul(256, .float64), matmul(1024, .float64), matmul(2048, .float64),
            tanhAffine(),
            mlpStep(),
            mnistEpoch(),
            convStep(),
            digitsEpoch(),
            xorLoop(),
            xorFit(),
            hessianSmallMLP(),
            hvpLargeMLP(),
            topEigenvalueLargeMLP(),
            fib(),
            countingLoop(),
            whileLoop(),
            builtinCalls(),
            closureCalls(),
            listAppend(),
            recordFields(),
        ] + gemmItems
    }
}

Allocator.keepFreedBuffers()  // as the nn command does (Allocator.swift)
var args = Array(CommandLine.arguments.dropFirst())
var tsv = false
var exact = false
var filters: [String] = []
while let a = args.first {
    args.removeFirst()
    switch a {
    case "--tsv": tsv = true
    case "--exact": exact = true
    case "--list":
        for item in Bench.all { print(item.key) }
        exit(0)
    case "--threads":
        guard let v = args.first, let n = Int(v), n >= 1 else {
            print("NNBench: --threads needs a positive number")
            exit(64)
        }
        args.removeFirst()
        BLAS.threadCount = n
        BLAS.nativeThreadCount = n
    case "--gemm":
        // Forces one GEMM backend (docs/benchmarks.md, "nn's own GEMM").
        let backends: [String: GEMMBackend] = ["auto": .automatic, "native": .native, "avx2": .nativeAVX2,
                                               "blas": .openBLAS, "swift": .swift]
        guard let v = args.first, let backend = backends[v] else {
            print("NNBench: --gemm needs one of auto, native, avx2, blas, swift")
            exit(64)
        }
        args.removeFirst()
        BLAS.gemmBackend = backend
    case "-h", "--help":
        print("usage: NNBench [--tsv] [--list] [--threads N] [--gemm auto|native|avx2|blas|swift] [--exact] [key-substring ...]")
        exit(0)
    default: filters.append(a)
    }
}

let items = Bench.all.filter { item in
    filters.isEmpty || filters.contains { exact ? item.key == $0 : item.key.contains($0) }
}
if !tsv {
    print("nn benchmarks (release build, BLAS \(BLAS.isAvailable ? "on, \(BLAS.threadCount) threads" : "off"))")
}
for item in items {
    do {
        let v = try item.measure()
        if tsv {
            print("\(item.key)\t\(v)\t\(item.unit.rawValue)\t\(item.label)")
        } else {
            let fig = v >= 100 ? String(Int(v.rounded())) : String(Double(Int(v * 1000)) / 1000)
            print("  \(item.label.padding(toLength: 40, withPad: " ", startingAt: 0)) \(fig) \(item.unit.rawValue)")
        }
    } catch {
        if tsv { print("\(item.key)\tnan\t\(item.unit.rawValue)\t\(item.label) (error: \(error))") }
        else { print("  \(item.label): error: \(error)") }
    }
}
