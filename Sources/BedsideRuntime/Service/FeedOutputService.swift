import BedsidePlatform
import ServiceLifecycle

/// Puts the feed on stdout (NDJSON or the live table) until the bus finishes. It does not end on
/// graceful shutdown by itself: the bridge service finishes the bus after its sessions' last
/// records (stop requests, `closed`), and this service writes those out before it returns.
public struct FeedOutputService: Service {
    let subscription: FeedSubscription
    let format: FeedFormat
    let clock: BridgeClock

    public init(subscription: FeedSubscription, format: FeedFormat, clock: BridgeClock) {
        self.subscription = subscription
        self.format = format
        self.clock = clock
    }

    public func run() async throws {
        do {
            try await presentFeed(subscription, format: format, clock: clock)
        } catch BlockingFileWriter.WriteError.readerClosed {
            // Nobody reads stdout any more: end now, which shuts the group down (docs/reliability.md).
            return
        }
        // The bus finished because the bridge service ended; the group is shutting down and asks
        // this service in its turn. Returning before that would count as an unexpected end.
        try? await gracefulShutdown()
    }
}
