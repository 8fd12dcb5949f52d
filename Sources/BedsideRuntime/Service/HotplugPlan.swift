import BedsideDiscovery

/// Which bound port runs where, kept in step with udev's add and remove events. Pure: events in,
/// attach/detach actions out, so every hotplug sequence can be tested without udev.
///
/// After each event the bindings are resolved again over all present ports (a four-port adapter
/// appearing can make a serial-number rule ambiguous), and the difference to what runs becomes
/// actions. Device-path bindings are not handled here: they open their path themselves.
public struct HotplugPlan: Sendable {
    public enum Action: Hashable, Sendable {
        /// Start sessions for binding `binding` (0-based) on `port`.
        case attach(binding: Int, port: SerialPortInfo)
        /// End the sessions of `binding`: `removed` when its port went away (a hang-up, with a
        /// `disconnected` record), otherwise a polite stop (the port now belongs elsewhere).
        case detach(binding: Int, removed: Bool)
    }

    public let rules: [PortMatch]
    /// Present ports by sysfs path.
    public private(set) var present: [String: SerialPortInfo] = [:]
    /// Running bindings: binding index → sysfs path of the port they run on.
    public private(set) var attached: [Int: String] = [:]

    public init(rules: [PortMatch]) {
        self.rules = rules
    }

    /// The ports present at start.
    public mutating func start(with ports: [SerialPortInfo]) -> [Action] {
        for p in ports { present[p.sysPath] = p }
        return reconcile()
    }

    public mutating func apply(_ event: HotplugEvent) -> [Action] {
        switch event.action {
        case .add, .change:
            // An add of a known port (heard both by the monitor and the first enumeration) changes nothing.
            if present[event.port.sysPath] == event.port { return [] }
            present[event.port.sysPath] = event.port
        case .remove:
            guard present.removeValue(forKey: event.port.sysPath) != nil else { return [] }
        }
        return reconcile()
    }

    /// Every binding's port as resolved now: binding index → port.
    public var desired: [Int: SerialPortInfo] {
        let ports = present.values.sorted { $0.devnode < $1.devnode }
        var wanted: [Int: SerialPortInfo] = [:]
        for d in PortBindingResolver.resolve(ports: ports, rules: rules) {
            guard let rule = d.boundRule else { continue }
            if case .devicePath = rules[rule] { continue }
            wanted[rule] = d.port
        }
        return wanted
    }

    private mutating func reconcile() -> [Action] {
        let wanted = desired
        var actions: [Action] = []
        for (binding, sysPath) in attached.sorted(by: { $0.key < $1.key }) where wanted[binding]?.sysPath != sysPath {
            actions.append(.detach(binding: binding, removed: present[sysPath] == nil))
            attached[binding] = nil
        }
        for (binding, port) in wanted.sorted(by: { $0.key < $1.key }) where attached[binding] == nil {
            actions.append(.attach(binding: binding, port: port))
            attached[binding] = port.sysPath
        }
        return actions
    }
}
