// swift-tools-version: 6.1
// nn: a small scripting language for training neural networks.
//
// Dependency direction (never reversed):
//   NNSyntax (no tensors)   NNPlot (drawing: knows no tensors, no interpreter)
//                                 NNTensor (no interpreter) -> CBLAS [trait BLAS], CGEMM (nn's own GEMM kernels)
//          \                         |
//           \                      NNLib
//            \                   /
//              NNScript (library product: the embeddable interpreter)
//                  |
//                 nn (executable: CLI + REPL) -> CReadline (GPL: only used here, opened with dlopen by the REPL)
//                  |
//               NNKernel (the Jupyter kernel, `nn kernel`) -> CZMQ (libzmq), CCrypto (libcrypto: HMAC)
//
//   NNLib -> CZlib (zlib: CRC-32 and inflate for .npz files)
//   NNPlot -> CRsvg [trait RSVG] (librsvg + cairo: figures as PNG and PDF)
//   NNFiles (no dependencies: the file gate and the one atomic writer) is used
//   by NNPlot, NNLib, NNScript and nn: every file nn writes or reads goes through it.
import PackageDescription

let package = Package(
    name: "nn",
    products: [
        .library(name: "NNScript", targets: ["NNScript"]),
        .library(name: "NNTensor", targets: ["NNTensor"]),
        .library(name: "NNLib", targets: ["NNLib"]),
        .executable(name: "nn", targets: ["nn"]),
    ],
    traits: [
        .trait(name: "BLAS", description: "Use OpenBLAS (cblas + LAPACK) for matmul and eigendecompositions."),
        .trait(name: "RSVG", description: "Render figures to PNG and PDF with librsvg and cairo (without it only SVG is written)."),
        .default(enabledTraits: ["BLAS", "RSVG"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The DocC plugin (`swift package generate-documentation --target NNScript`,
        // scripts/docs): a command plugin, used by no target, so no product
        // links it and a host that depends on nn builds nothing of it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CRsvg", path: "Sources/CRsvg",
                       providers: [.apt(["librsvg2-dev", "fonts-dejavu-core"]), .brew(["librsvg"])]),
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "NNTensor",
            dependencies: ["CGEMM", .target(name: "CBLAS", condition: .when(traits: ["BLAS"]))]
        ),
        // AVX-512 / AVX2 GEMM micro-kernels in C, chosen at run time (no flags:
        // each kernel carries its own `target` attribute).
        .target(name: "CGEMM"),
        .target(name: "NNFiles"),
        .target(name: "CVector"),
        .target(name: "NNLib", dependencies: ["NNTensor", "NNFiles", "CZlib", "CVector"]),
        .target(name: "NNSyntax"),
        .target(
            name: "NNPlot",
            dependencies: ["NNFiles", .target(name: "CRsvg", condition: .when(traits: ["RSVG"]))]
        ),
        .target(
            name: "NNScript",
            dependencies: ["NNSyntax", "NNTensor", "NNLib", "NNPlot", "NNFiles"],
            resources: []
        ),
        .target(name: "NNKernel", dependencies: ["NNScript", "NNTensor", "NNLib", "NNFiles", "CZMQ", "CCrypto"]),
        .executableTarget(
            name: "nn",
            dependencies: [
                "NNScript", "NNTensor", "NNFiles", "NNKernel", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "NNBench", dependencies: ["NNScript", "NNTensor", "NNLib"]),
        .testTarget(name: "NNTensorTests", dependencies: ["NNTensor"]),
        .testTarget(name: "NNLibTests", dependencies: ["NNLib", "NNTensor", "NNFiles", "CZlib"]),
        .testTarget(name: "NNSyntaxTests", dependencies: ["NNSyntax"]),
        .testTarget(name: "NNPlotTests", dependencies: ["NNPlot", "NNFiles", "CZlib"]),
        .testTarget(name: "NNFilesTests", dependencies: ["NNFiles"]),
        .testTarget(name: "NNKernelTests", dependencies: ["NNKernel", "NNScript", "CZMQ"]),
        .testTarget(
            name: "NNScriptTests",
            dependencies: ["NNScript", "NNSyntax", "NNTensor"],
            exclude: ["golden"]  // .nn scripts, read from disk relative to #filePath
        ),
    ]
)
