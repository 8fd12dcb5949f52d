import ArgumentParser
import BedsideMLLP
import BedsideRuntime
import BedsideStore

struct ForwardingBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-forwarding", abstract: "Measure the durable store, the feed service and HL7 delivery.",
        discussion: """
            Synthetic heart-rate records of 16 devices go through a real bus into a real store (a
            temporary directory): 1. the store alone (records/s, CPU µs per record, µs per publish
            on the port's side); 2. through the store to a feed client on the Unix socket; 3. with
            --hl7 HOST:PORT, through the store to that MLLP receiver (messages/s acknowledged).
            Build with `swift build -c release` for meaningful figures.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Records per measurement.")
    var records: Int = 100_000
    @Option(help: "Store durability: power (fsync per batch) or process.")
    var durability: StoreConfiguration.Durability = .power
    @Option(help: "An MLLP receiver to deliver to, HOST:PORT (e.g. python-hl7's mllp server).")
    var hl7: String?

    func run() async throws {
        global.bootstrap()
        try await reportingErrors {
            var receiver = hl7.flatMap(HL7ReceiverConfiguration.init(endpoint:))
            receiver?.ackTimeoutSeconds = 10
            let r = try await ForwardingBench(records: records, durability: durability, hl7Receiver: receiver).run()
            Console.out("store (\(durability.rawValue)): \(Int(r.storeRecordsPerSecond)) records/s committed, "
                        + "\(String(format: "%.1f", r.storeCPUMicrosecondsPerRecord)) µs CPU per record, "
                        + "\(String(format: "%.2f", r.publishMicrosecondsPerRecord)) µs per publish on the port's side")
            Console.out("store → feed client (Unix socket): \(Int(r.feedRecordsPerSecond)) records/s")
            if let rate = r.hl7MessagesPerSecond, let n = r.hl7Messages {
                Console.out("store → MLLP receiver: \(n) PCD-01 messages, \(Int(rate)) messages/s acknowledged")
            }
        }
    }
}
