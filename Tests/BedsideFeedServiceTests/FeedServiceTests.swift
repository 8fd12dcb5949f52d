import BedsideModel
import BedsidePlatform
import BedsideStore
import Foundation
import Testing
@testable import BedsideFeedService

/// Host times of the records these tests store: now (to the hour), since a store deletes records
/// older than its age limit (7 days) at its next retention pass, and a slow run reaches one.
let testEpoch = Int64(Date().timeIntervalSince1970) / 3600 * 3600

func temporaryDirectory(_ tag: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-\(tag)-\(UUID().uuidString.prefix(8))").path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func record(_ seq: UInt64, bridgeId: String, chair: String = "chair-1", metric: String = "MDC_ECG_HEART_RATE") -> FeedRecord {
    var device = DeviceIdentity(driver: "toy", vendor: "Toy", port: "/dev/ttyS0", location: chair)
    device.assignID()
    let reading = NumericReading(metric: MetricIdentity(referenceID: metric, code: 147842, vendorCode: "toy:hr"),
                                 value: DecimalValue(mantissa: Int64(seq % 100)), unit: "/min", unitCode: 264864,
                                 state: .valid, deviceTime: nil, hostTime: Timestamp(secondsSinceEpoch: testEpoch + Int64(seq)))
    return FeedRecord(seq: seq, bridgeId: bridgeId, device: device, observation: .numeric(reading))
}

struct Line: Decodable {
    var seq: UInt64?
    var feed: String?
    var missedFromSeq: UInt64?
    var lastSentSeq: UInt64?
}

/// A running store and feed server on a Unix socket and a TCP port.
struct Harness {
    let store: RecordStore
    let server: FeedSocketServer
    let serving: Task<Void, Never>
    let socket: String

    init(buffer: Int = 10_000, token: String? = nil) async throws {
        let dir = temporaryDirectory("feed")
        store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
        socket = dir + "/feed.sock"
        server = FeedSocketServer(configuration: FeedServiceConfiguration(unixSocketPath: socket, tcpHost: "127.0.0.1", tcpPort: 0,
                                                                          clientBufferRecords: buffer, bearerToken: token),
                                  store: store)
        let listeners = try await server.bind()
        let server = self.server
        serving = Task { await server.serve(listeners) }
    }

    func stop() async {
        server.stop()
        await serving.value
        await store.close()
    }
}

@Suite("Live feed service", .serialized)
struct FeedServiceTests {
    @Test("resume over the Unix socket: stored records after the client's seq, then live, without gap or duplicate at the seam")
    func resumeSeam() async throws {
        let h = try await Harness()
        h.store.append((1...300).map { record($0, bridgeId: h.store.bridgeId) })
        await h.store.flush()
        // Keep publishing while the client resumes, so the seam falls in the middle of traffic.
        let writer = Task {
            for chunk in 0..<40 {
                let base = UInt64(300 + chunk * 25)
                h.store.append(((base + 1)...(base + 25)).map { record($0, bridgeId: h.store.bridgeId) })
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        var seqs: [UInt64] = []
        var hello: Line?
        try await FeedClient(endpoint: .unixSocket(h.socket)).run(FeedRequest(resumeAfter: 120, bridgeId: h.store.bridgeId)) { text in
            let line = try JSONDecoder().decode(Line.self, from: Data(text.utf8))
            if line.feed == "hello" { hello = line; return true }
            if let s = line.seq { seqs.append(s) }
            return seqs.last != 1300
        }
        await writer.value
        #expect(hello != nil)
        #expect(seqs.count == 1180 && seqs == Array(121...1300), "got \(seqs.count), first \(seqs.first ?? 0), last \(seqs.last ?? 0)")
        await h.stop()
    }

    @Test("filters by chair and metric over TCP, also on resume; a client of another bridge id starts at the oldest record")
    func filtersAndBridgeChange() async throws {
        let h = try await Harness()
        h.store.append((1...100).map { record($0, bridgeId: h.store.bridgeId, chair: $0 % 2 == 0 ? "chair-2" : "chair-1",
                                               metric: $0 % 3 == 0 ? "MDC_PULS_OXIM_SAT_O2" : "MDC_ECG_HEART_RATE") })
        await h.store.flush()
        let port = try #require(h.server.boundTCPPort)
        var seqs: [UInt64] = []
        try await FeedClient(endpoint: .tcp(host: "127.0.0.1", port: port))
            .run(FeedRequest(resumeAfter: 0, chair: ["chair-2"], metric: ["MDC_PULS_OXIM_SAT_O2"])) { text in
                if let s = try JSONDecoder().decode(Line.self, from: Data(text.utf8)).seq { seqs.append(s) }
                return seqs.last != 96
            }
        #expect(seqs == Array(stride(from: 6, through: 96, by: 6)))
        var first: UInt64?
        var changed = false
        try await FeedClient(endpoint: .unixSocket(h.socket)).run(FeedRequest(resumeAfter: 50, bridgeId: "0123456789abcdef")) { text in
            if text.contains(#""bridgeChanged":true"#) { changed = true }
            first = try JSONDecoder().decode(Line.self, from: Data(text.utf8)).seq
            return first == nil
        }
        #expect(changed && first == 1)
        await h.stop()
    }

    @Test("a client that does not read is told from which seq it missed and disconnected; a client that reads gets every record once, resuming if it too falls behind")
    func slowConsumer() async throws {
        let h = try await Harness(buffer: 1024)
        let published = Locked(false)
        // The slow client: connects, asks for live records, then reads nothing until all are published.
        let slowLines = Task {
            var lines: [String] = []
            try await FeedClient(endpoint: .unixSocket(h.socket)).run(FeedRequest()) { text in
                while lines.isEmpty && !published.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
                lines.append(text)
                return true
            }
            return lines
        }
        // The reading client: keeps the last seq it processed and, told it fell behind (a loaded
        // machine), reconnects and resumes after it, as docs/feed.md tells consumers to.
        let fastTask = Task {
            var seqs: [UInt64] = []
            var resume: UInt64? = nil
            var reconnects = 0
            while seqs.last != 8_000 && reconnects < 50 {
                try await FeedClient(endpoint: .unixSocket(h.socket)).run(FeedRequest(resumeAfter: resume)) { text in
                    if let s = try JSONDecoder().decode(Line.self, from: Data(text.utf8)).seq { seqs.append(s) }
                    return seqs.last != 8_000
                }
                resume = seqs.last ?? 0
                reconnects += 1
            }
            return seqs
        }
        while h.server.clientCount < 2 { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(200))
        // 8,000 records: far more than the stalled client's buffer and socket hold.
        for chunk in 0..<80 {
            h.store.append(((UInt64(chunk) * 100 + 1)...(UInt64(chunk) * 100 + 100)).map { record($0, bridgeId: h.store.bridgeId) })
            await h.store.flush()
            try await Task.sleep(for: .milliseconds(20))
        }
        published.withLock { $0 = true }
        let fast = try await fastTask.value
        let slow = try await slowLines.value
        #expect(fast.count == 8_000 && fast == Array(1...8_000), "reading client got \(fast.count) records")
        let notice = try #require(slow.last)
        let parsed = try JSONDecoder().decode(Line.self, from: Data(notice.utf8))
        #expect(parsed.feed == "overflow")
        let delivered = slow.compactMap { try? JSONDecoder().decode(Line.self, from: Data($0.utf8)).seq }
        #expect(delivered.count < 8_000 && delivered == Array(1...UInt64(delivered.count)), "what it got, it got in order")
        #expect(parsed.lastSentSeq == delivered.last ?? 0)
        #expect(parsed.missedFromSeq! > (delivered.last ?? 0))
        await h.stop()
    }

    @Test("with a bearer token configured, a missing or wrong token is refused")
    func token() async throws {
        let h = try await Harness(token: "s3cret-token-for-tests")
        h.store.append([record(1, bridgeId: h.store.bridgeId)])
        await h.store.flush()
        for token in [nil, "wrong-token-wrong-token"] {
            var lines: [String] = []
            try await FeedClient(endpoint: .unixSocket(h.socket)).run(FeedRequest(resumeAfter: 0, token: token)) { lines.append($0); return true }
            #expect(lines.count == 1 && lines[0].contains(#""feed":"refused""#))
        }
        var got: UInt64?
        try await FeedClient(endpoint: .unixSocket(h.socket)).run(FeedRequest(resumeAfter: 0, token: "s3cret-token-for-tests")) { text in
            got = try JSONDecoder().decode(Line.self, from: Data(text.utf8)).seq
            return got == nil
        }
        #expect(got == 1)
        await h.stop()
    }

    @Test("listening beyond loopback without TLS is refused at configuration time")
    func loopbackOnly() {
        #expect(throws: FeedServiceError.self) { try FeedServiceConfiguration(tcpHost: "0.0.0.0", tcpPort: 7000).validate() }
        #expect(throws: Never.self) { try FeedServiceConfiguration(tcpHost: "127.0.0.1", tcpPort: 7000).validate() }
    }
}

@Suite("Live feed over TLS", .serialized)
struct FeedTLSTests {
    /// A self-signed certificate for localhost/127.0.0.1 made with the openssl command.
    static func makeCertificate(in dir: String) throws -> (cert: String, key: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                       "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                       "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem"]
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "openssl could not make a test certificate")
        return (dir + "/cert.pem", dir + "/key.pem")
    }

    @Test("beyond loopback the feed needs a token and TLS; with both, a TLS client with the token gets the records")
    func tlsBeyondLoopback() async throws {
        #expect(throws: FeedServiceError.self) { try FeedServiceConfiguration(tcpHost: "0.0.0.0", tcpPort: 0, bearerToken: "0123456789abcdef0").validate() }
        let dir = temporaryDirectory("feed-tls")
        let (cert, key) = try Self.makeCertificate(in: dir)
        let store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
        let config = FeedServiceConfiguration(tcpHost: "0.0.0.0", tcpPort: 0, bearerToken: "tls-token-for-tests-0",
                                              tlsCertificatePath: cert, tlsKeyPath: key)
        try config.validate()
        let server = FeedSocketServer(configuration: config, store: store)
        let listeners = try await server.bind()
        let serving = Task { await server.serve(listeners) }
        store.append((1...20).map { record($0, bridgeId: store.bridgeId) })
        await store.flush()
        let port = try #require(server.boundTCPPort)
        var seqs: [UInt64] = []
        try await FeedClient(endpoint: .tcp(host: "127.0.0.1", port: port), tlsTrustRootsPath: cert)
            .run(FeedRequest(resumeAfter: 0, token: "tls-token-for-tests-0")) { text in
                if let s = try JSONDecoder().decode(Line.self, from: Data(text.utf8)).seq { seqs.append(s) }
                return seqs.last != 20
            }
        #expect(seqs == Array(1...20))
        // A plain-TCP client gets no records from the TLS listener.
        var plain: [String] = []
        _ = try? await FeedClient(endpoint: .tcp(host: "127.0.0.1", port: port)).run(FeedRequest(resumeAfter: 0, token: "tls-token-for-tests-0")) { text in
            plain.append(text)
            return true
        }
        #expect(!plain.contains { $0.contains(#""schemaVersion""#) })
        server.stop()
        await serving.value
        await store.close()
    }
}
