// swift-tools-version:6.2
import PackageDescription

/// Micro-benchmarks of SMTPKit's hot paths with ordo-one/benchmark (`Scripts/bench-micro.sh`).
/// A package of its own, so that building SMTPKit and its tests never builds the benchmark tool.
let package = Package(
    name: "SMTPKitBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "SMTPKit", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ProtocolBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SMTPKit", package: "SMTPKit"),
            ],
            path: "ProtocolBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
