import BedsideConfig
import BedsidePlatform
import Logging
import ServiceLifecycle

/// What `bedside run --config FILE` does: every binding of the configuration under one
/// swift-service-lifecycle service group, the feed on stdout and, with a `store` section, in the
/// durable store and the configured sinks (feed service, HTTP, HL7), until SIGTERM or SIGINT (or
/// `seconds`), then a graceful stop (every record committed, the sinks stopped) and exit status 0.
public struct BridgeServiceRun: Sendable {
    public var configuration: BridgeConfiguration
    public var format: FeedFormat
    public var seconds: Double?

    public init(configuration: BridgeConfiguration, format: FeedFormat, seconds: Double?) {
        self.configuration = configuration
        self.format = format
        self.seconds = seconds
    }

    public func run() async throws {
        try OptionCheck.runSeconds(seconds)
        let logger = Logger(label: "bedside.service")
        let bindings = try configuration.ports.enumerated().map { i, binding in
            try ServiceBinding(number: i + 1, binding: binding, bridge: configuration.bridge)
        }
        let clock = BridgeClock()
        let forwarding = try ForwardingService(configuration.forwarding, logger: logger)
        let bus = forwarding.bus
        let subscription = bus.subscribe(name: "stdout")
        let bridge = BridgeService(bindings: bindings, retryDelay: .milliseconds(Int64(configuration.bridge.retrySeconds * 1000)),
                                   bus: bus, clock: clock, logger: logger)
        let output = FeedOutputService(subscription: subscription, format: format, clock: clock)
        var config = ServiceGroupConfiguration(
            services: [
                // Shut down in reverse order: the bridge first (its sessions' last records reach the
                // bus), then the output, which ends once it has written them.
                .init(service: output, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup),
                .init(service: bridge, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // A device that never acknowledges its stop request must not hold a service manager's stop forever.
        config.maximumGracefulShutdownDuration = .seconds(15)
        config.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: config)
        logger.notice("running \(bindings.count) binding(s) from \(configuration.file)")
        let outcome = await forwarding.outcome {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                if let seconds {
                    tasks.addTask {
                        try? await Task.sleep(for: .seconds(seconds))
                        await group.triggerGracefulShutdown()
                    }
                }
                try await tasks.next()
                tasks.cancelAll()
            }
        }
        try outcome.get()
    }
}
