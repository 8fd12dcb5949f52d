import BedsideFeedService
import BedsideStore
import Logging

/// The live feed service (`--feed-socket`, `--feed-tcp`, `feed:`) as a forwarding sink.
extension FeedServiceConfiguration: ForwardingSinkConfiguration {
    public static var section: String { "feed" }

    public func makeSink(store: RecordStore, logger: Logger) throws -> any ForwardingSink {
        FeedServiceSink(server: FeedSocketServer(configuration: self, store: store, logger: logger))
    }
}

struct FeedServiceSink: ForwardingSink {
    let server: FeedSocketServer

    var name: String { "feed" }

    func run() async {
        do {
            let listeners = try await server.bind()
            Console.note("feed service listening on \(listeners.map(\.description).joined(separator: " and "))")
            await server.serve(listeners)
        } catch {
            Console.note("\(error)")
        }
    }

    func stop() { server.stop() }

    var health: SinkHealth { SinkHealth(name: name, healthy: true, detail: "\(server.clientCount) client(s)") }
}
