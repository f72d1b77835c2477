// swift-tools-version:6.2
import Foundation
import PackageDescription

/// Plugins scaffolded with `plinth new plugin --template swift`: every `Plugins/<Name>/plugin.json`
/// becomes a target `Plinth<Name>` (its `Sources/`), compiled into `plinth`, and a test target
/// `Plinth<Name>Tests` (its `Tests/`).
let scaffolded: [String] = {
    let root = Context.packageDirectory + "/Plugins"
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
    return folders.filter { FileManager.default.fileExists(atPath: root + "/" + $0 + "/plugin.json") }.sorted()
}()

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "plinth",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PlinthKernel", targets: ["PlinthKernel"]),
        .library(name: "PlinthTesting", targets: ["PlinthTesting"]),
        .library(name: "PlinthCLI", targets: ["PlinthCLI"]),
        .library(name: "PlinthPluginSDK", targets: ["PlinthPluginSDK"]),
        // The example shared-object plugin in Swift (Plugins/Examples/GreeterSwift).
        .library(name: "PlinthGreeterSwift", type: .dynamic, targets: ["PlinthGreeterSwift"]),
        .executable(name: "plinth", targets: ["plinth"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        // Without its default trait (loading external references), which the kernel never does.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
    ],
    targets: [
        .target(
            name: "PlinthKernel",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ],
            swiftSettings: strict
        ),
        // The C ABI of shared-object plugins: a header (and nothing Swift) shared by host and SDK.
        .target(name: "CPlinthABI"),
        .target(
            name: "PlinthDylib",
            dependencies: [
                "CPlinthABI", "PlinthKernel", "PlinthWorkscriptEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
            ],
            swiftSettings: strict
        ),
        // Writes a shared-object plugin in Swift; links only the C header, never the kernel.
        .target(name: "PlinthPluginSDK", dependencies: ["CPlinthABI"], swiftSettings: strict),
        .target(
            name: "PlinthGreeterSwift",
            dependencies: ["PlinthPluginSDK"],
            path: "Plugins/Examples/GreeterSwift",
            swiftSettings: strict
        ),
        .testTarget(
            name: "PlinthDylibTests",
            dependencies: [
                "PlinthDylib", "PlinthKernel", "PlinthTesting",
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .target(
            name: "PlinthTesting",
            dependencies: [
                "PlinthKernel",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PlinthCLI",
            dependencies: [
                "PlinthKernel", "PlinthDylib",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "plinth",
            dependencies: ["PlinthCLI", "PlinthKernel", "PlinthAuth", "PlinthStorage", "PlinthJobs", "PlinthWorkscript"] + scaffolded.map { .target(name: "Plinth" + $0) },
            swiftSettings: strict
        ),
        .executableTarget(
            name: "plinth-bench",
            dependencies: [
                "PlinthKernel", "PlinthDylib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Benchmarks/PlinthBench",
            swiftSettings: strict
        ),
        // Plugins/ is SwiftPM's folder for package plugins, so every target there names its path.
        .target(
            name: "PlinthStorage",
            dependencies: [
                "PlinthKernel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Plugins/Storage",
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "PlinthAuth",
            dependencies: [
                "PlinthKernel",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Plugins/Auth",
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PlinthAuthTests",
            dependencies: [
                "PlinthAuth", "PlinthKernel", "PlinthTesting", "PlinthStorage", "PlinthJobs", "PlinthWorkscript",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PlinthCron",
            swiftSettings: strict
        ),
        .testTarget(
            name: "PlinthCronTests",
            dependencies: ["PlinthCron"],
            swiftSettings: strict
        ),
        .target(
            name: "PlinthJobs",
            dependencies: [
                "PlinthKernel", "PlinthCron",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Plugins/Jobs",
            exclude: ["README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "JobsFixture",
            dependencies: ["PlinthJobs", "PlinthKernel", .product(name: "SQLKit", package: "sql-kit")],
            path: "Tests/Fixtures/JobsFixture",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "plinth-fixture",
            dependencies: ["JobsFixture", "PlinthCLI", "PlinthJobs", "PlinthKernel", "PlinthStorage"],
            path: "Tests/Fixtures/PlinthFixture",
            swiftSettings: strict
        ),
        .testTarget(
            name: "PlinthJobsTests",
            dependencies: [
                "PlinthJobs", "PlinthKernel", "PlinthTesting", "JobsFixture",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PlinthStorageTests",
            dependencies: [
                "PlinthStorage", "PlinthKernel", "PlinthTesting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            exclude: ["Scripts"],
            swiftSettings: strict
        ),
        // Benchmarks/workscript.py's Plinth side: the engine alone, so its release build is quick.
        .executableTarget(
            name: "workscript-bench",
            dependencies: ["PlinthWorkscriptEngine"],
            path: "Benchmarks/WorkscriptBench",
            swiftSettings: strict
        ),
        // The Workscript language and engine: no kernel, no I/O, so it builds and tests alone.
        .target(
            name: "PlinthWorkscriptEngine",
            path: "Plugins/Workscript/Engine",
            swiftSettings: strict
        ),
        .target(
            name: "PlinthWorkscript",
            dependencies: [
                "PlinthKernel", "PlinthWorkscriptEngine", "PlinthCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Plugins/Workscript/Plugin",
            swiftSettings: strict
        ),
        .testTarget(
            name: "PlinthWorkscriptTests",
            dependencies: [
                "PlinthWorkscriptEngine", "PlinthWorkscript", "PlinthKernel", "PlinthTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PlinthKernelTests",
            dependencies: [
                "PlinthKernel", "PlinthTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)

for name in scaffolded {
    package.targets += [
        .target(
            name: "Plinth" + name,
            dependencies: [
                "PlinthKernel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            path: "Plugins/\(name)/Sources",
            swiftSettings: strict
        ),
        .testTarget(
            name: "Plinth\(name)Tests",
            dependencies: [
                .target(name: "Plinth" + name), "PlinthKernel", "PlinthTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Plugins/\(name)/Tests",
            swiftSettings: strict
        ),
    ]
}
