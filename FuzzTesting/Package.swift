// swift-tools-version: 6.1
// libFuzzer targets for nn (issue 15). A separate package, so the fuzzer and
// sanitizer flags never reach the main manifest: each target is a static
// library exporting `LLVMFuzzerTestOneInput`, built by `scripts/fuzz` with
// `swift build -c debug --sanitize=fuzzer --sanitize=address` and linked into
// a fuzzer binary by `swiftc -sanitize=fuzzer,address` (SwiftPM's executable
// entry-point alias clashes with libFuzzer's `main`, swiftlang/swift-package-manager#8731).
// nn is used without the BLAS trait: the fuzzer needs no OpenBLAS threads.
import PackageDescription

let nnScript = Target.Dependency.product(name: "NNScript", package: "nn")
let nnLib = Target.Dependency.product(name: "NNLib", package: "nn")
let nnTensor = Target.Dependency.product(name: "NNTensor", package: "nn")

let package = Package(
    name: "FuzzTesting",
    products: [
        .library(name: "FuzzLexer", type: .static, targets: ["FuzzLexer"]),
        .library(name: "FuzzParser", type: .static, targets: ["FuzzParser"]),
        .library(name: "FuzzEval", type: .static, targets: ["FuzzEval"]),
        .library(name: "FuzzCSV", type: .static, targets: ["FuzzCSV"]),
        .library(name: "FuzzSafetensors", type: .static, targets: ["FuzzSafetensors"]),
        .library(name: "FuzzNPY", type: .static, targets: ["FuzzNPY"]),
        .library(name: "FuzzNPZ", type: .static, targets: ["FuzzNPZ"]),
        .library(name: "FuzzJSON", type: .static, targets: ["FuzzJSON"]),
    ],
    dependencies: [
        .package(name: "nn", path: "..", traits: []),
    ],
    targets: [
        .target(name: "FuzzLexer", dependencies: [nnScript]),
        .target(name: "FuzzParser", dependencies: [nnScript]),
        .target(name: "FuzzEval", dependencies: [nnScript]),
        .target(name: "FuzzCSV", dependencies: [nnLib]),
        // The tensor-file readers (issue 17). They reach NNLib's internal
        // writers and JSON parser for their round-trip checks with
        // `@testable import`, which a debug build (scripts/fuzz's) allows.
        .target(name: "FuzzSafetensors", dependencies: [nnLib, nnTensor]),
        .target(name: "FuzzNPY", dependencies: [nnLib, nnTensor]),
        .target(name: "FuzzNPZ", dependencies: [nnLib, nnTensor]),
        .target(name: "FuzzJSON", dependencies: [nnLib]),
    ]
)
