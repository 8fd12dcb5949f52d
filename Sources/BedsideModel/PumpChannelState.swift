/// The state of one infusion pump channel (IHE PCD infusion content). Pump drivers fill it; the
/// kind is part of the feed schema from version 1 so consumers can rely on it.
public struct PumpChannelState: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable {
        case infusing, paused, stopped, alarming, bolus, kvo, standby, unknown
    }

    /// The pump's channel identifier (e.g. `A`, `1`).
    public var channel: String
    public var status: Status
    public var drug: String?
    public var rate: DecimalValue?
    public var rateUnit: String?
    public var volumeInfused: DecimalValue?
    public var volumeToBeInfused: DecimalValue?
    public var volumeUnit: String?
    public var deviceTime: Timestamp?
    public var hostTime: Timestamp

    public init(channel: String, status: Status, drug: String? = nil, rate: DecimalValue? = nil,
                rateUnit: String? = nil, volumeInfused: DecimalValue? = nil, volumeToBeInfused: DecimalValue? = nil,
                volumeUnit: String? = nil, deviceTime: Timestamp?, hostTime: Timestamp) {
        self.channel = channel
        self.status = status
        self.drug = drug
        self.rate = rate
        self.rateUnit = rateUnit
        self.volumeInfused = volumeInfused
        self.volumeToBeInfused = volumeToBeInfused
        self.volumeUnit = volumeUnit
        self.deviceTime = deviceTime
        self.hostTime = hostTime
    }
}
