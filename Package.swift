// swift-tools-version:6.2
import PackageDescription

/// Warnings are bugs in this project: every target of ours treats them as errors.
/// (SwiftPM applies this only when SMTPKit is the root package, so users who depend
/// on SMTPKit are never broken by a new compiler's new warning.)
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "SMTPKit",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "SMTPKit", targets: ["SMTPKit"]),
        .library(name: "SMTPKitServer", targets: ["SMTPKitServer"]),
        .executable(name: "smtpkit", targets: ["smtpkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // 1.7 brings Stat (fstat); file descriptors and errno for System/.
        .package(url: "https://github.com/apple/swift-system", from: "1.7.0"),
        // `smtpkit merge`: CSV rows (RFC 4180) into Mustache templates. The CLI's only; the library takes neither.
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
        // DocC: `swift package generate-documentation` (Scripts/docs.sh). A plugin only; no target uses it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(
            name: "SMTPKit",
            dependencies: [
                "CSSL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SMTPKitServer",
            dependencies: ["SMTPKit", "CSSL"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "smtpkit",
            dependencies: [
                "SMTPKit",
                "SMTPKitServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict
        ),
        // The README's library example as a program: only SMTPKit's public API (interop c23).
        .executableTarget(
            name: "smtpkit-example",
            dependencies: ["SMTPKit"],
            path: "Sources/SMTPKitExample",
            swiftSettings: strict
        ),
        .testTarget(
            name: "SMTPKitTests",
            dependencies: ["SMTPKit", "SMTPKitServer", "CSSL"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["smtpkit", "SMTPKit", "SMTPKitServer"],
            swiftSettings: strict
        ),
    ]
)
