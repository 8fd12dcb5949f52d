import ArgumentParser
import BedsideFeedService
import BedsideRuntime
import Foundation

struct FeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed", abstract: "Watch a running bridge's live feed (NDJSON on stdout).",
        discussion: """
            Connects to the feed service of a running bridge (by default the Unix socket of
            `bedside demo`), prints every record as one JSON line, and keeps going until Ctrl-C.
            With --resume SEQ it first gets every stored record after SEQ, then live ones, with no
            gap and no duplicate between them. Service notices (hello, gap, overflow) go to stderr.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The feed service's Unix socket (default: the demo's).")
    var socket: String?
    @Option(help: "The feed service's TCP address, HOST:PORT, instead of a socket.")
    var tcp: String?
    @Option(help: "Start with the stored records after this seq, then live.")
    var resume: UInt64?
    @Option(help: "The bridge id SEQ belongs to (a different bridge resumes from its oldest record).")
    var bridgeId: String?
    @Option(parsing: .singleValue, help: "Only this chair (repeatable).")
    var chair: [String] = []
    @Option(parsing: .singleValue, help: "Only this device id (EUI-64; repeatable).")
    var device: [String] = []
    @Option(parsing: .singleValue, help: "Only this record kind: numeric, alarm, … (repeatable).")
    var kind: [String] = []
    @Option(parsing: .singleValue, help: "Only this metric, an MDC reference id such as MDC_ECG_HEART_RATE (repeatable).")
    var metric: [String] = []
    @Option(help: "Bearer token, when the service requires one.")
    var token: String?
    @Option(help: "With --tcp to a TLS listener: PEM file of the certificate(s) to trust.")
    var tlsCa: String?
    @Option(help: "Stop after this many records.")
    var count: Int?

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            let endpoint: FeedClient.Endpoint
            if let tcp {
                guard let colon = tcp.lastIndex(of: ":"), let port = Int(tcp[tcp.index(after: colon)...]) else {
                    throw ValidationError("--tcp \(tcp): give HOST:PORT")
                }
                endpoint = .tcp(host: String(tcp[..<colon]), port: port)
            } else {
                endpoint = .unixSocket(socket ?? DemoDefaults.feedSocket(DemoDefaults.dataDirectory))
            }
            let request = FeedRequest(resumeAfter: resume, bridgeId: bridgeId, chair: chair.isEmpty ? nil : chair,
                                      device: device.isEmpty ? nil : device, kind: kind.isEmpty ? nil : kind,
                                      metric: metric.isEmpty ? nil : metric, token: token)
            var records = 0
            do {
                try await FeedClient(endpoint: endpoint, tlsTrustRootsPath: tlsCa).run(request) { line in
                    if line.hasPrefix(#"{"feed""#) {
                        Console.note(line)
                        return true
                    }
                    guard Console.out(line) else { return false }  // stdout closed
                    records += 1
                    return count.map { records < $0 } ?? true
                }
            } catch {
                throw CommandFailure("cannot read the feed at \(endpoint): \(error); is the bridge running with a feed service "
                                     + "(bedside demo, or bedside run --data-dir DIR --feed-socket PATH)?")
            }
        }
    }
}
