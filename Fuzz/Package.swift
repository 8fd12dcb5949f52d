// swift-tools-version:6.0
import PackageDescription

// Coverage-guided fuzz targets for the bridge's decoders and readers (libFuzzer + AddressSanitizer).
//
// A separate package so the fuzzing flags never reach the main build. scripts/fuzz compiles every
// module with AddressSanitizer and libFuzzer's coverage instrumentation (`-sanitize=address
// -sanitize-coverage=…`, what `-sanitize=fuzzer` turns on); only the fuzz executables link libFuzzer
// itself (`-sanitize=fuzzer` below), because libFuzzer brings its own `main` and would break the
// main package's build-tool executable (ProtocolTableGen), which is built with the same flags.
// Each target's entry point is `LLVMFuzzerTestOneInput`, hence `-parse-as-library`.
let fuzzTargets = ["fuzz-ge-datex", "fuzz-ge-datex-bitflip", "fuzz-intellivue", "fuzz-capture-reader", "fuzz-intellivue-log",
                   "fuzz-ge-dinamap", "fuzz-masimo-ascii", "fuzz-nonin",
                   "fuzz-bbraun-bcc", "fuzz-alaris-asena"]

let package = Package(
    name: "BedsideFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "BedsideBridge", path: ".."),
    ],
    targets: [
        // Property checks shared by every target (chunking equality, device ranges), trapping on violation.
        .target(
            name: "FuzzSupport",
            dependencies: [.product(name: "BedsideRuntime", package: "BedsideBridge")]
        ),
    ] + fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport", .product(name: "BedsideRuntime", package: "BedsideBridge")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer"])]
        )
    },
    swiftLanguageModes: [.v6]
)
