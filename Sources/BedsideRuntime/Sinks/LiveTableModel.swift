import BedsideModel

/// The latest state of every device and metric seen on the feed, for the live terminal table.
///
/// Pure data: ``apply(_:)`` folds records in, ``LiveTableRenderer`` turns it into text. Devices
/// and metrics keep the order in which they first appeared, so rows do not jump around.
public struct LiveTableModel: Sendable {
    /// A device as the table groups it: one device (main or behind the port) on one port of one driver.
    public struct DeviceKey: Hashable, Sendable {
        public var driver: String
        public var port: String?
        public var location: String?
        public var subdevice: String?
    }

    public struct Device: Sendable {
        public var identity: DeviceIdentity
        public var link: LinkEvent?
        public var metrics: [MetricRow] = []
        var metricIndex: [String: Int] = [:]
        /// Alarms currently active, by ``AlarmEvent/alarmId``: an update replaces its start, an
        /// end (from the device or from the bridge on link loss) removes it.
        public var activeAlarms: [String: AlarmEvent] = [:]
        /// Active alarm ids in the order they started, so rows do not jump when one is updated.
        public var alarmOrder: [String] = []
        /// Latest state of each pump channel, in channel order.
        public var pumpChannels: [PumpChannelState] = []
        public var lastSeq: UInt64 = 0
    }

    public struct MetricRow: Sendable {
        public enum Kind: Sendable { case numeric, waveform }
        public var kind: Kind
        /// MDC reference id, or the vendor code when unmapped.
        public var name: String
        public var mapped: Bool
        public var label: String?
        /// Exact value text (numerics) or a sample summary (waveforms); `nil` when absent.
        public var value: String?
        public var unit: String?
        public var state: MeasurementState
        public var reason: String?
        public var hostTime: Timestamp
    }

    public private(set) var devices: [Device] = []
    private var deviceIndex: [DeviceKey: Int] = [:]
    /// Records dropped before they reached the table.
    public private(set) var droppedRecords = 0
    public private(set) var records = 0

    public init() {}

    public mutating func apply(_ event: FeedEvent) {
        switch event {
        case .record(let r): apply(r)
        case .gap(let g): droppedRecords += g.droppedRecords
        }
    }

    public mutating func apply(_ record: FeedRecord) {
        records += 1
        let key = DeviceKey(driver: record.device.driver, port: record.device.port, location: record.device.location,
                            subdevice: record.device.subdevice)
        let index: Int
        if let i = deviceIndex[key] {
            index = i
        } else {
            index = devices.count
            devices.append(Device(identity: record.device))
            deviceIndex[key] = index
        }
        devices[index].identity = record.device
        devices[index].lastSeq = record.seq
        switch record.observation {
        case .numeric(let r):
            devices[index].upsert(MetricRow(
                kind: .numeric, name: r.metric.referenceID ?? r.metric.vendorCode, mapped: r.metric.isMapped,
                label: Self.qualifier(site: r.site, source: r.source, instance: r.instance, display: r.displayLabel),
                value: r.value?.text, unit: r.unit ?? r.vendorUnit.map { "(\($0))" },
                state: r.state, reason: r.reason, hostTime: r.hostTime))
        case .waveform(let w):
            let hz = w.samplePeriodNanoseconds > 0 ? Self.rate(periodNanoseconds: w.samplePeriodNanoseconds) : "?"
            devices[index].upsert(MetricRow(
                kind: .waveform, name: w.metric.referenceID ?? w.metric.vendorCode, mapped: w.metric.isMapped,
                label: Self.qualifier(site: w.site, source: nil, instance: w.instance, display: w.displayLabel),
                value: "wave \(hz) Hz", unit: w.unit ?? w.vendorUnit.map { "(\($0))" },
                state: w.state, reason: w.reason, hostTime: w.hostTime))
        case .alarm(let a):
            switch a.phase {
            case .start, .update:
                if devices[index].activeAlarms.updateValue(a, forKey: a.alarmId) == nil {
                    devices[index].alarmOrder.append(a.alarmId)
                }
            case .end:
                devices[index].activeAlarms[a.alarmId] = nil
                devices[index].alarmOrder.removeAll { $0 == a.alarmId }
            }
        case .pumpChannel(let p):
            if let i = devices[index].pumpChannels.firstIndex(where: { $0.channelIndex == p.channelIndex }) {
                devices[index].pumpChannels[i] = p
            } else {
                devices[index].pumpChannels.append(p)
                devices[index].pumpChannels.sort { $0.channelIndex < $1.channelIndex }
            }
        case .link(let l):
            devices[index].link = l
            // The ledger re-states numerics when the link is lost; a wave has no value to re-state,
            // so its row says the samples stopped until the next segment replaces it.
            if l.losesSight { devices[index].markWavesStale(reason: "link \(l.kind.rawValue): no samples since") }
        case .infusionEvent, .snapshot:
            // Events are in the feed; the table shows current state, which the channel rows carry.
            break
        }
    }
}

extension LiveTableModel {
    /// What tells two rows of one metric apart on screen: site, source, or the instance number.
    static func qualifier(site: String?, source: String?, instance: UInt16, display: String?) -> String? {
        let parts = [site, source, instance > 1 ? "#\(instance)" : nil].compactMap { $0 }
        return parts.isEmpty ? display : parts.joined(separator: " ")
    }

    /// Samples per second, exact to 0.1 Hz (`62.5`, `300`).
    static func rate(periodNanoseconds: Int64) -> String {
        let tenths = (10_000_000_000 + periodNanoseconds / 2) / periodNanoseconds
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}

extension LiveTableModel.Device {
    fileprivate mutating func markWavesStale(reason: String) {
        for i in metrics.indices where metrics[i].kind == .waveform && metrics[i].state != .absent {
            metrics[i].state = .stale
            metrics[i].reason = reason
        }
    }

    fileprivate mutating func upsert(_ row: LiveTableModel.MetricRow) {
        let key = "\(row.kind)|\(row.name)|\(row.label ?? "")"
        if let i = metricIndex[key] {
            metrics[i] = row
        } else {
            metricIndex[key] = metrics.count
            metrics.append(row)
        }
    }
}
