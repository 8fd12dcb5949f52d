import BedsideStore
import Logging

/// One configured HL7 receiver as a whole: its outbox stage (added to the store) and its sender.
public struct HL7Delivery: Sendable {
    public let stage: HL7OutboxStage
    public let sender: MLLPSender

    /// Adds the receiver's stage to `store` and prepares its sender (``MLLPSender/run()`` starts it).
    public init(configuration: HL7ReceiverConfiguration, store: RecordStore, logger: Logger) throws {
        try configuration.validate()
        let sender = MLLPSender(configuration: configuration, store: store, logger: logger)
        let stage = HL7OutboxStage(configuration: configuration, bridgeId: store.bridgeId, logger: logger,
                                   wake: { [sender] in sender.wake() })
        try store.add(stage)
        self.stage = stage
        self.sender = sender
    }
}
