import BedsideConfig
import BedsideFeedService
import BedsideHL7
import BedsideHTTPService
import BedsideMLLP
import BedsideRuntime
import BedsideStore
import Testing

@Suite("configuration file: store and forwarding sinks")
struct ForwardingConfigurationTests {
    let registry = DriverCatalog.registry
    static let port = "ports:\n  - { serial: A, driver: ge-datex, location: chair-1 }\n"

    func parse(_ text: String) throws(ConfigurationError) -> BridgeConfiguration {
        try ConfigurationLoader.parse(Self.port + text, file: "bedside.yaml", registry: registry)
    }

    /// Issues by line (the port binding takes lines 1–2, so the tested text starts on line 3).
    func issues(_ text: String) -> [Int: [ConfigurationIssue]] {
        do {
            _ = try parse(text)
            Issue.record("accepted:\n\(text)")
            return [:]
        } catch {
            return Dictionary(grouping: error.issues, by: { $0.line ?? 0 })
        }
    }

    @Test("store, feed, http and a list of hl7 receivers fill the libraries' configuration values")
    func complete() throws {
        let c = try parse("""
            store:
              data-dir: /var/lib/bedside
              durability: process
              retain-hours: 48
              retain-mib: 512
            feed:
              socket: /run/bedside/feed.sock
              tcp: 127.0.0.1:7400
              token: 0123456789abcdef0123
              client-buffer: 5000
            http:
              listen: "[::]:7480"
              token: http-token-0123456789
              tls-cert: /etc/bedside/tls/chain.pem
              tls-key: /etc/bedside/tls/key.pem
              device-silence-seconds: 20
            hl7:
              - name: lab-engine
                host: 10.1.2.3
                port: 2575
                facility: CLINIC
                point-of-care: INFUSION-2
                ack-timeout-seconds: 10
                on-error: park
                messages: [PCD-01, PCD-04]
                max-undelivered-observation-hours: none
              - { name: archive, host: archive.local, port: 6661 }
            """)
        let store = try #require(c.store)
        #expect(store.dataDirectory == "/var/lib/bedside")
        #expect(store.durability == .process)
        #expect(store.maxAgeSeconds == Double(48 * 3600))
        #expect(store.maxBytes == 512 << 20)
        let feed = try #require(c.feed)
        #expect(feed.unixSocketPath == "/run/bedside/feed.sock")
        #expect(feed.tcpHost == "127.0.0.1" && feed.tcpPort == 7400)
        #expect(feed.bearerToken == "0123456789abcdef0123")
        #expect(feed.clientBufferRecords == 5000)
        let http = try #require(c.http)
        #expect(http.host == "::" && http.port == 7480)
        #expect(http.bearerToken == "http-token-0123456789")
        #expect(http.tlsCertificatePath == "/etc/bedside/tls/chain.pem" && http.tlsKeyPath == "/etc/bedside/tls/key.pem")
        #expect(http.deviceSilenceSeconds == 20)
        #expect(c.hl7.map(\.name) == ["lab-engine", "archive"])
        #expect(c.hl7[0].host == "10.1.2.3" && c.hl7[0].port == 2575)
        #expect(c.hl7[0].facility == "CLINIC" && c.hl7[0].pointOfCare == "INFUSION-2")
        #expect(c.hl7[0].ackTimeoutSeconds == 10)
        #expect(c.hl7[0].onError == .park)
        #expect(c.hl7[0].kinds == [.observation, .alert])
        #expect(c.hl7[0].maxUndeliveredObservationAgeSeconds == nil)
        #expect(c.hl7[1] == HL7ReceiverConfiguration(name: "archive", host: "archive.local", port: 6661), "defaults elsewhere")

        // One store and one sink list for the whole bridge.
        let forwarding = c.forwarding
        #expect(forwarding.store == store)
        #expect(forwarding.sinks.map { type(of: $0).section } == ["hl7", "hl7", "feed", "http"])
        try forwarding.validate()
    }

    @Test("a file without forwarding sections forwards nothing (stdout only, as before)")
    func none() throws {
        let c = try parse("")
        #expect(c.store == nil && c.feed == nil && c.http == nil && c.hl7.isEmpty)
        #expect(c.forwarding.store == nil && c.forwarding.sinks.isEmpty)
    }

    @Test("unknown and misspelt keys, bad values and missing required keys are named by line with the fix")
    func problems() {
        let found = issues("""
            store:
              data-dr: /var/lib/bedside
            feed:
              socket: feed.sock
              tpc: 127.0.0.1:7400
            http:
              listen: localhost
            hl7:
              - name: lab
                host: 10.1.2.3
                port: 70000
              - host: 10.1.2.4
                port: 2575
                on-reject: ignore
                messages: [PCD-01, PCD-99]
            """)
        #expect(found[4]?.map(\.message) == ["unknown key 'data-dr' in the store section", "the store section has no data-dir"])
        #expect(found[4]?.first?.fix.hasPrefix("did you mean 'data-dir'?") == true)
        #expect(found[6]?.first?.message == "socket 'feed.sock' is not an absolute path")
        #expect(found[7]?.first?.message == "unknown key 'tpc' in the feed section")
        #expect(found[7]?.first?.fix.hasPrefix("did you mean 'tcp'?") == true)
        #expect(found[9]?.first?.message == "'listen: localhost' is not HOST:PORT")
        #expect(found[13]?.first?.message.contains("'port' must be a whole number from 1 to 65535") == true)
        #expect(found[14]?.first?.message == "this HL7 receiver has no name")
        #expect(found[16]?.first?.message == "'on-reject' must be retry or park")
        #expect(found[17]?.first?.message == "'PCD-99' is not a PCD transaction this bridge sends")
        #expect(found[17]?.first?.fix == "use PCD-01, PCD-04, PCD-10")
    }

    @Test("the libraries' own checks are reported on the section's line: beyond loopback, a short token, a bad size")
    func libraryChecks() {
        let found = issues("""
            store:
              data-dir: /var/lib/bedside
              retain-mib: 0
            feed:
              tcp: 0.0.0.0:7400
            http:
              listen: 0.0.0.0:7480
              token: short
            """)
        #expect(found[5]?.first?.message.contains("'retain-mib' must be a whole number from 1") == true)
        #expect(found[7]?.first?.message == "the feed's TCP listener on 0.0.0.0 is beyond loopback, which needs a bearer token and TLS")
        #expect(found[7]?.first?.fix.contains("tls-cert:") == true)
        #expect(found[9]?.first?.message == "the HTTP service on 0.0.0.0 is beyond loopback, which needs a bearer token and TLS")
    }

    @Test("sinks without a store are refused with the store section to add; two receivers of one name are refused")
    func crossSection() {
        let noStore = issues("feed: { socket: /run/bedside/feed.sock }\nhl7:\n  - { name: a, host: h, port: 1 }\n")
        #expect(noStore[3]?.first?.message == "the feed section forwards from the store, but there is no store section")
        #expect(noStore[3]?.first?.fix.contains("store: { data-dir:") == true)

        let twice = issues("""
            store: { data-dir: /tmp/x }
            hl7:
              - { name: lab, host: a, port: 1 }
              - { name: lab, host: b, port: 2 }
            """)
        #expect(twice[6]?.first?.message == "receiver name 'lab' is also used by the receiver on line 5")
    }
}
