import BedsideFeedService
import BedsideModel
import BedsideStore
import BedsidePlatform
import Foundation
import Logging
import Prometheus
import Testing
import WSClient
import BedsideTestSupport
@testable import BedsideHTTPService

/// Host times of the records these tests store: now (to the hour), since a store deletes records
/// older than its age limit (7 days) at its next retention pass, and a slow run reaches one.
let testEpoch = Int64(Date().timeIntervalSince1970) / 3600 * 3600

func record(_ seq: UInt64, bridgeId: String, chair: String = "chair-1") -> FeedRecord {
    var device = DeviceIdentity(driver: "toy", vendor: "Toy", port: "/dev/ttyS0", location: chair)
    device.assignID()
    let reading = NumericReading(metric: MetricIdentity(referenceID: "MDC_ECG_HEART_RATE", code: 147842, vendorCode: "toy:hr"),
                                 value: DecimalValue(mantissa: Int64(60 + seq % 40)), unit: "/min", unitCode: 264864,
                                 state: .valid, deviceTime: nil, hostTime: Timestamp(secondsSinceEpoch: testEpoch + Int64(seq)))
    return FeedRecord(seq: seq, bridgeId: bridgeId, device: device, observation: .numeric(reading))
}

/// curl (a client that is not ours) against the service; returns the body.
func curl(_ args: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["curl", "-s"] + args
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// curl reading a stream until its output contains `marker` (or 60 s pass); then curl is ended.
func curlUntil(_ args: [String], contains marker: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["curl", "-s", "--max-time", "60"] + args
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    var data = Data()
    while !String(decoding: data, as: UTF8.self).contains(marker) {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        data += chunk
    }
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// A WebSocket client in Python (`websockets`) reading the feed until a record with `untilSeq`
/// (or 120 s pass); ``finish()`` gives the notices (by their `feed` field) and the record seqs, in
/// the order received.
struct WebSocketProbe {
    let process = Process()
    let output = Pipe()

    static let script = """
        import json, sys
        from websockets.sync.client import connect
        # No keep-alive pings: on a loaded machine a late pong would end the test's connection.
        with connect(sys.argv[1], max_size=1 << 20, open_timeout=60, ping_interval=None) as ws:
            while True:
                message = json.loads(ws.recv(timeout=120))
                if "seq" in message:
                    print(message["seq"], flush=True)
                    if message["seq"] >= int(sys.argv[2]):
                        break
                else:
                    print("notice", message.get("feed"), flush=True)
        """

    init(url: String, untilSeq: UInt64) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, url, String(untilSeq)]
        process.standardOutput = output
        try process.run()
    }

    /// Waits for the client on a thread of its own: blocking a thread of the concurrency pool
    /// would starve the server under test on a small machine.
    func finish() async -> (notices: [String], seqs: [UInt64]) {
        let (process, output) = (self.process, self.output)
        let data: Data = await withCheckedContinuation { done in
            Thread {
                let data = output.fileHandleForReading.readToEndRetryingInterrupts()
                process.waitUntilExit()
                done.resume(returning: data)
            }.start()
        }
        var notices: [String] = [], seqs: [UInt64] = []
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("notice ") { notices.append(String(line.dropFirst(7))) } else if let n = UInt64(line) { seqs.append(n) }
        }
        return (notices, seqs)
    }
}

struct Service {
    let store: RecordStore
    let service: HTTPService
    let task: Task<Void, Never>
    let port: Int

    init(token: String? = nil) async throws {
        try await self.init(configuration: HTTPServiceConfiguration(port: 0, bearerToken: token))
    }

    init(configuration: HTTPServiceConfiguration) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-http-\(UUID().uuidString.prefix(8))").path
        store = try RecordStore(configuration: StoreConfiguration(dataDirectory: dir))
        service = HTTPService(configuration: configuration, store: store, registry: PrometheusCollectorRegistry())
        let service = self.service
        task = Task { await service.run() }
        var waited = 0
        while service.boundPort == nil && waited < 200 {
            try await Task.sleep(for: .milliseconds(25))
            waited += 1
        }
        port = try #require(service.boundPort)
    }

    func stop() async {
        service.stop()
        await task.value
        await store.close()
    }
}

@Suite("HTTP service", .serialized)
struct HTTPServiceTests {
    @Test("WebSocket feed resumes from the store, then live, without gap or duplicate")
    func webSocketResume() async throws {
        let s = try await Service()
        s.store.append((1...200).map { record($0, bridgeId: s.store.bridgeId) })
        await s.store.flush()
        let writer = Task {
            for chunk in 0..<20 {
                s.store.append(((201 + UInt64(chunk) * 5)...(205 + UInt64(chunk) * 5)).map { record($0, bridgeId: s.store.bridgeId) })
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        // Python's `websockets` as the client: an implementation that is not ours.
        let client = try WebSocketProbe(url: "ws://127.0.0.1:\(s.port)/v1/feed/ws?resume=50", untilSeq: 300)
        await writer.value
        let (notices, got) = await client.finish()
        #expect(notices.first == "hello", "the first message is the hello notice: \(notices)")
        #expect(got.count == 250 && got == Array(51...300), "got \(got.count): \(got.first ?? 0)…\(got.last ?? 0)")
        await s.stop()
    }

    @Test("SSE gives records with their seq as event id, resuming after Last-Event-ID")
    func serverSentEvents() async throws {
        let s = try await Service()
        s.store.append((1...40).map { record($0, bridgeId: s.store.bridgeId) })
        await s.store.flush()
        let body = try curlUntil(["-N", "-H", "Last-Event-ID: 35", "http://127.0.0.1:\(s.port)/v1/feed/sse"], contains: "id: 40\n")
        let ids = body.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }
        #expect(ids == ["36", "37", "38", "39", "40"])
        #expect(body.hasPrefix("event: notice\ndata: {\"feed\":\"hello\""))
        await s.stop()
    }

    @Test("device state with ages, recent history of a metric, health and Prometheus metrics")
    func api() async throws {
        let s = try await Service()
        s.store.append((1...30).map { record($0, bridgeId: s.store.bridgeId, chair: $0 % 2 == 0 ? "chair-2" : "chair-1") })
        await s.store.flush()
        try await Task.sleep(for: .milliseconds(200))
        let devices = try JSONSerialization.jsonObject(with: Data(try curl(["http://127.0.0.1:\(s.port)/v1/devices"]).utf8)) as! [String: Any]
        let list = devices["devices"] as! [[String: Any]]
        #expect(list.count == 2)
        let first = list[0]
        let id = (first["device"] as! [String: Any])["id"] as! String
        let values = first["values"] as! [[String: Any]]
        #expect(values.count == 1 && values[0]["metric"] as? String == "MDC_ECG_HEART_RATE" && (values[0]["ageNs"] as? Int64 ?? 0) > 0)
        let one = try curl(["http://127.0.0.1:\(s.port)/v1/devices/\(id)"])
        #expect(one.contains(id))
        #expect(try curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(s.port)/v1/devices/0000000000000000"]) == "404")
        let history = try JSONSerialization.jsonObject(with: Data(try curl(["http://127.0.0.1:\(s.port)/v1/devices/\(id)/history?metric=MDC_ECG_HEART_RATE&limit=3"]).utf8)) as! [[String: Any]]
        #expect(history.count == 3)
        let seqs = history.map { $0["seq"] as! Int }
        #expect(seqs == seqs.sorted() && seqs.last! >= 29)
        let health = try JSONSerialization.jsonObject(with: Data(try curl(["http://127.0.0.1:\(s.port)/health"]).utf8)) as! [String: Any]
        // The records are from 2023: the devices count as silent now, so health says degraded and why.
        #expect(health["status"] as? String == "degraded")
        #expect((health["devices"] as! [[String: Any]]).allSatisfy { ($0["reason"] as? String)?.hasPrefix("nothing received") == true })
        #expect((health["store"] as! [String: Any])["lastSeq"] as? Int == 30)
        let metrics = try curl(["-i", "http://127.0.0.1:\(s.port)/metrics"])
        #expect(metrics.lowercased().contains("content-type: text/plain; version=0.0.4"))
        await s.stop()
    }

    @Test("with a bearer token, requests without it or with a wrong one are refused; the right one passes")
    func token() async throws {
        let s = try await Service(token: "http-token-for-tests-only")
        let url = "http://127.0.0.1:\(s.port)/health"
        #expect(try curl(["-o", "/dev/null", "-w", "%{http_code}", url]) == "401")
        #expect(try curl(["-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer nope-nope-nope-nope", url]) == "401")
        #expect(try curl(["-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer http-token-for-tests-only", url]) == "200")
        await #expect(throws: (any Error).self) {
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(s.port)/v1/feed/ws", logger: Logger(label: "ws")) { _, _, _ in }
        }
        await s.stop()
    }
}

@Suite("HTTP service over TLS", .serialized)
struct HTTPServiceTLSTests {
    /// A self-signed certificate for localhost/127.0.0.1 made with the openssl command.
    static func makeCertificate() throws -> (cert: String, key: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bedside-http-tls-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
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

    @Test("beyond loopback the HTTP service needs a token and TLS, as the feed's TCP listener does")
    func configurationRules() throws {
        let (cert, key) = ("/etc/bedside/chain.pem", "/etc/bedside/key.pem")
        let token = "http-token-for-tests-only"
        #expect(throws: HTTPServiceError.self) { try HTTPServiceConfiguration(host: "0.0.0.0").validate() }
        #expect(throws: HTTPServiceError.self) { try HTTPServiceConfiguration(host: "0.0.0.0", bearerToken: token).validate() }
        #expect(throws: HTTPServiceError.self) {
            try HTTPServiceConfiguration(host: "0.0.0.0", tlsCertificatePath: cert, tlsKeyPath: key).validate()
        }
        #expect(throws: HTTPServiceError.self) { try HTTPServiceConfiguration(tlsCertificatePath: cert).validate() }
        try HTTPServiceConfiguration(host: "0.0.0.0", bearerToken: token, tlsCertificatePath: cert, tlsKeyPath: key).validate()
        try HTTPServiceConfiguration(host: "127.0.0.1").validate()
    }

    @Test("with token and an openssl-made certificate it serves HTTPS beyond loopback: curl trusting the certificate with the token gets health and SSE; no token, plain HTTP or an untrusted certificate get nothing")
    func httpsBeyondLoopback() async throws {
        let (cert, key) = try Self.makeCertificate()
        defer { try? FileManager.default.removeItem(atPath: (cert as NSString).deletingLastPathComponent) }
        let token = "http-tls-token-for-tests"
        let s = try await Service(configuration: HTTPServiceConfiguration(host: "0.0.0.0", port: 0, bearerToken: token,
                                                                          tlsCertificatePath: cert, tlsKeyPath: key))
        s.store.append((1...10).map { record($0, bridgeId: s.store.bridgeId) })
        await s.store.flush()
        let base = "https://127.0.0.1:\(s.port)"
        let auth = ["-H", "Authorization: Bearer \(token)"]
        let code = ["-o", "/dev/null", "-w", "%{http_code}"]
        #expect(try curl(code + ["--cacert", cert] + auth + [base + "/health"]) == "200")
        #expect(try curl(code + ["--cacert", cert, base + "/health"]) == "401", "no token")
        #expect(try curl(code + ["--cacert", cert] + auth + ["http://127.0.0.1:\(s.port)/health"]) == "000", "plain HTTP to the TLS port")
        #expect(try curl(code + auth + [base + "/health"]) == "000", "a certificate the client does not trust")
        let body = try curlUntil(["-N", "--cacert", cert] + auth + ["-H", "Last-Event-ID: 5", base + "/v1/feed/sse"], contains: "id: 10\n")
        let ids = body.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }
        #expect(ids == ["6", "7", "8", "9", "10"])
        await s.stop()
    }
}
