// swift-tools-version: 6.1
// A program that embeds nn: it depends on the NNScript library by version,
// as any host package would, and runs a script. `scripts/embed-host-test`
// builds and runs it against a temporary clone of nn tagged 0.1.0
// (NN_PACKAGE_URL points at that clone).
import PackageDescription

let nn = Context.environment["NN_PACKAGE_URL"] ?? "https://github.com/nn-lang/nn.git"

let package = Package(
    name: "EmbedHost",
    dependencies: [
        .package(url: nn, from: "0.1.0"),
    ],
    targets: [
        .executableTarget(name: "EmbedHost", dependencies: [.product(name: "NNScript", package: "nn")]),
    ]
)
