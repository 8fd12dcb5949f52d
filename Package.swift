// swift-tools-version:6.0
import PackageDescription

// Targets follow the pipeline: model → driver contract → vendor protocols (pure) → capture/replay,
// serial transport → runtime (pipeline, bus, sinks) → `bedside` executable.
// Vendor protocol targets depend only on the model and the driver contract, so they build in seconds.
let package = Package(
    name: "BedsideBridge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "bedside", targets: ["bedside"]),
        .library(name: "BedsideModel", targets: ["BedsideModel"]),
        .library(name: "BedsideDriver", targets: ["BedsideDriver"]),
        .library(name: "BedsideRuntime", targets: ["BedsideRuntime"]),
        .library(name: "BedsideDriverTesting", targets: ["BedsideDriverTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // The normalized reading model and the feed's JSON encoding.
        .target(name: "BedsideModel"),
        // The sans-IO driver contract every vendor protocol implements.
        .target(name: "BedsideDriver", dependencies: ["BedsideModel"]),
        // The one scripted infusion session (patient and timeline) every device simulator plays.
        .target(name: "BedsideScenario"),

        // Vendor protocols: pure state machines plus their device simulators.
        .target(
            name: "GEDatex",
            dependencies: ["BedsideModel", "BedsideDriver"],
            plugins: ["ProtocolTablesPlugin"]
        ),
        .target(
            name: "IntelliVue",
            dependencies: ["BedsideModel", "BedsideDriver"],
            plugins: ["ProtocolTablesPlugin"]
        ),
        .target(name: "GEDinamap", dependencies: ["BedsideModel", "BedsideDriver", "BedsideScenario"], plugins: ["ProtocolTablesPlugin"]),
        .target(name: "Nonin", dependencies: ["BedsideModel", "BedsideDriver", "BedsideScenario"], plugins: ["ProtocolTablesPlugin"]),
        .target(name: "MasimoASCII", dependencies: ["BedsideModel", "BedsideDriver", "BedsideScenario"], plugins: ["ProtocolTablesPlugin"]),

        // Tells which protocol an unknown byte stream carries (replay without --driver; probe).
        .target(name: "BedsideSniffer", dependencies: ["BedsideModel", "BedsideDriver"]),
        .target(
            name: "BBraunBCC",
            dependencies: ["BedsideModel", "BedsideDriver", "BedsideScenario"],
            plugins: ["ProtocolTablesPlugin"]
        ),
        .target(
            name: "AlarisAsena",
            dependencies: ["BedsideModel", "BedsideDriver", "BedsideScenario"],
            plugins: ["ProtocolTablesPlugin"]
        ),

        // Capture files, importers/exporters and the offline replay harness (no I/O framework).
        .target(name: "BedsideCapture", dependencies: ["BedsideModel", "BedsideDriver", "BedsidePlatform"]),
        // Real termios serial ports and pseudo-terminals, integrated with SwiftNIO.
        .target(
            name: "BedsideSerial",
            dependencies: [
                "BedsideModel", "BedsidePlatform",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // libudev (Debian libudev-dev), for finding serial adapters and hearing them come and go.
        .systemLibrary(name: "CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        // Serial ports as udev sees them (identity, links), the hotplug monitor, binding rules.
        .target(name: "BedsideDiscovery", dependencies: ["CUdev", "BedsidePlatform"]),
        // The bridge's service configuration file: parsing and validation with line numbers.
        .target(
            name: "BedsideConfig",
            dependencies: ["BedsideModel", "BedsideDriver", "BedsideDiscovery", .product(name: "Yams", package: "Yams"),
                           // The forwarding sections fill these libraries' configuration values.
                           "BedsideStore", "BedsideFeedService", "BedsideHTTPService", "BedsideMLLP", "BedsideHL7"]
        ),
        // Forwarding: the durable outbox (SQLite through GRDB) every forwarding sink reads after commit.
        .target(
            name: "BedsideStore",
            dependencies: [
                "BedsideModel", "BedsidePlatform",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // IHE PCD-01/-04/-10 HL7 v2.6 messages from the model, MLLP framing and ACK reading: pure, no I/O.
        .target(name: "BedsideHL7", dependencies: ["BedsideModel"]),
        // HL7 delivery over MLLP (SwiftNIO): the outbox stage in the store's commit and the sender.
        .target(
            name: "BedsideMLLP",
            dependencies: [
                "BedsideHL7", "BedsideStore", "BedsideModel", "BedsidePlatform",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The live feed service: NDJSON over Unix socket and TCP with resume from the store.
        .target(
            name: "BedsideFeedService",
            dependencies: [
                "BedsideStore", "BedsideModel", "BedsidePlatform",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The bridge's HTTP face: WebSocket and SSE feed, device state, metric history, health, /metrics.
        .target(
            name: "BedsideHTTPService",
            dependencies: [
                "BedsideFeedService", "BedsideStore", "BedsideModel", "BedsidePlatform",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                // TLS beyond loopback, over swift-nio-ssl as the feed's TCP listener.
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // One pipeline per port: transport → driver → bus → sinks; driver catalog; live replay.
        .target(
            name: "BedsideRuntime",
            dependencies: [
                "BedsideModel", "BedsideDriver", "BedsideCapture", "BedsideSerial", "GEDatex", "IntelliVue",
                "GEDinamap", "MasimoASCII", "Nonin", "BedsideSniffer", "BBraunBCC", "AlarisAsena",
                "BedsidePlatform", "BedsideDiscovery", "BedsideConfig",
                "BedsideStore", "BedsideHL7", "BedsideMLLP", "BedsideFeedService", "BedsideHTTPService",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // The soak benchmark runs devices on in-memory links with seeded faults.
                "BedsideDriverTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "bedside",
            dependencies: [
                "BedsidePlatform",
                "BedsideRuntime",
                "BedsideSniffer",
                "BedsideStore",
                "BedsideMLLP",
                "BedsideFeedService",
                "BedsideHTTPService",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Build-time embedding of Protocols/<vendor>/*.tsv mapping tables into the driver binaries.
        .executableTarget(name: "ProtocolTableGen"),
        .plugin(name: "ProtocolTablesPlugin", capability: .buildTool(), dependencies: ["ProtocolTableGen"]),

        // Driver test harness: virtual clock, in-memory driver↔simulator link with seeded faults.
        // Depends on the contract only, so any driver's tests can use it.
        .target(name: "BedsideDriverTesting", dependencies: ["BedsideModel", "BedsideDriver"]),

        // What the bridge needs from the operating system, once: the lock, the clock, clean child processes.
        .target(name: "BedsidePlatform", dependencies: ["BedsideModel"]),

        // Helpers shared by test targets (child processes with a clean signal mask, seeded randomness).
        .target(name: "BedsideTestSupport", dependencies: ["BedsidePlatform"], path: "Tests/BedsideTestSupport"),
        .testTarget(name: "BedsideModelTests", dependencies: ["BedsideModel", "BedsideTestSupport"]),
        .testTarget(name: "BedsideDriverTests", dependencies: ["BedsideDriver", "BedsideModel"]),
        .testTarget(name: "BedsideScenarioTests", dependencies: ["BedsideScenario"]),
        .testTarget(name: "GEDatexTests", dependencies: ["GEDatex", "BedsideDriver", "BedsideModel", "BedsideCapture", "BedsideTestSupport", "BedsideDriverTesting"]),
        .testTarget(name: "IntelliVueTests", dependencies: ["IntelliVue", "BedsideDriver", "BedsideModel", "BedsideCapture", "BedsideTestSupport", "BedsideDriverTesting"]),
        .testTarget(name: "GEDinamapTests", dependencies: ["GEDinamap", "BedsideDriver", "BedsideModel", "BedsideDriverTesting", "BedsideCapture"]),
        .testTarget(name: "NoninTests", dependencies: ["Nonin", "BedsideDriver", "BedsideModel", "BedsideDriverTesting", "BedsideCapture"]),
        .testTarget(name: "BedsideSnifferTests", dependencies: ["BedsideSniffer", "BedsideDriver", "BedsideCapture", "BedsideDriverTesting", "GEDatex", "IntelliVue", "GEDinamap", "MasimoASCII", "Nonin"]),
        .testTarget(name: "MasimoASCIITests", dependencies: ["MasimoASCII", "BedsideDriver", "BedsideModel", "BedsideDriverTesting", "BedsideCapture"]),
        .testTarget(name: "BedsideCaptureTests", dependencies: ["BedsideCapture", "BedsideModel", "BedsideDriver", "BedsideTestSupport"]),
        .testTarget(name: "BedsideSerialTests", dependencies: ["BedsideSerial", "BedsideTestSupport", "BedsidePlatform"]),
        .testTarget(name: "BedsideRuntimeTests", dependencies: ["BedsideRuntime", "BedsideSniffer", "BedsideStore", "BedsideMLLP", "BedsideTestSupport", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"), "BedsideCapture", "BedsideSerial", "GEDatex", "IntelliVue", "BedsideDriverTesting", "BedsidePlatform"]),
        .testTarget(name: "BedsideStoreTests", dependencies: ["BedsideStore", "BedsideModel", "BedsideTestSupport", "BedsidePlatform"]),
        .testTarget(name: "BedsideMLLPTests", dependencies: ["BedsideMLLP", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"), "BedsideHL7", "BedsideStore", "BedsideModel", "BedsideTestSupport", "BedsidePlatform"]),
        .testTarget(name: "BedsideFeedServiceTests", dependencies: ["BedsideFeedService", "BedsideStore", "BedsideModel", "BedsideTestSupport", "BedsidePlatform", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "BedsideHTTPServiceTests", dependencies: [
            "BedsideHTTPService", "BedsideFeedService", "BedsideStore", "BedsideModel", "BedsidePlatform", "BedsideTestSupport",
            .product(name: "WSClient", package: "swift-websocket"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "BedsideHL7Tests", dependencies: ["BedsideHL7", "BedsideModel", "BedsideTestSupport"]),
        .testTarget(name: "BedsideDiscoveryTests", dependencies: ["BedsideDiscovery", "BedsideConfig", "BedsideRuntime", "BedsideDriver", "BedsideModel", "BedsidePlatform", "BedsideStore", "BedsideFeedService", "BedsideHTTPService", "BedsideMLLP", "BedsideHL7"]),
        .testTarget(name: "BBraunBCCTests", dependencies: ["BBraunBCC", "BedsideDriver", "BedsideModel", "BedsideCapture", "BedsideTestSupport", "BedsideDriverTesting", "BedsideScenario"]),
        .testTarget(name: "AlarisAsenaTests", dependencies: ["AlarisAsena", "BedsideDriver", "BedsideModel", "BedsideCapture", "BedsideTestSupport", "BedsideDriverTesting", "BedsideScenario"]),
        .testTarget(name: "BedsideDriverTestingTests", dependencies: ["BedsideDriverTesting", "BedsideDriver", "BedsideModel"]),
    ],
    swiftLanguageModes: [.v6]
)
