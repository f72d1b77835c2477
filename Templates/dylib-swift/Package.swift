// swift-tools-version:6.2
// A Plinth shared-object plugin in Swift: `swift build` makes .build/debug/lib__Name__.so.
import PackageDescription

let package = Package(
    name: "__name__",
    products: [
        .library(name: "__Name__", type: .dynamic, targets: ["__Name__"]),
    ],
    dependencies: [
        // Only the SDK is linked (it holds the C header), never the kernel.
        .package(name: "plinth", path: "__PLINTH__"),
    ],
    targets: [
        .target(name: "__Name__", dependencies: [.product(name: "PlinthPluginSDK", package: "plinth")]),
    ],
    swiftLanguageModes: [.v6]
)
