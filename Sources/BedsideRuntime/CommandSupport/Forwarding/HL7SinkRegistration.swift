import BedsideMLLP
import BedsideStore
import Logging

/// HL7 receivers (`--hl7 HOST:PORT`, `hl7:` entries) as forwarding sinks.
extension HL7ReceiverConfiguration: ForwardingSinkConfiguration {
    public static var section: String { "hl7" }

    public func makeSink(store: RecordStore, logger: Logger) throws -> any ForwardingSink {
        HL7ForwardingSink(delivery: try HL7Delivery(configuration: self, store: store, logger: logger))
    }
}

struct HL7ForwardingSink: ForwardingSink {
    let delivery: HL7Delivery

    var name: String { delivery.sender.configuration.sinkName }
    func run() async { await delivery.sender.run() }
    func stop() { delivery.sender.stop() }

    var health: SinkHealth {
        let s = delivery.sender.health
        let detail = s.lastError ?? (s.parked > 0 ? "\(s.parked) message(s) parked" : nil)
        // Healthy: nothing parked and the last attempt did not fail.
        return SinkHealth(name: name, healthy: s.lastError == nil && s.parked == 0, detail: detail, backlog: s.backlog)
    }
}
