/// Line settings of a serial port: what a driver asks for and what a capture records.
public struct SerialSettings: Hashable, Sendable {
    public enum Parity: String, Hashable, Sendable, CaseIterable { case none, even, odd }
    public enum FlowControl: String, Hashable, Sendable, CaseIterable { case none, rtsCts = "rts-cts" }

    public var baudRate: Int
    public var dataBits: Int
    public var parity: Parity
    public var stopBits: Int
    public var flowControl: FlowControl

    public init(baudRate: Int, dataBits: Int = 8, parity: Parity = .none, stopBits: Int = 1,
                flowControl: FlowControl = .none) {
        self.baudRate = baudRate
        self.dataBits = dataBits
        self.parity = parity
        self.stopBits = stopBits
        self.flowControl = flowControl
    }

    /// Conventional short form, e.g. `19200 8E1 rts-cts`.
    public var summary: String {
        let p: String
        switch parity {
        case .none: p = "N"
        case .even: p = "E"
        case .odd: p = "O"
        }
        return "\(baudRate) \(dataBits)\(p)\(stopBits)" + (flowControl == .none ? "" : " \(flowControl.rawValue)")
    }

    /// Parses the ``summary`` form (`19200 8E1`, `115200 8N1 rts-cts`).
    public init?(summary: String) {
        let parts = summary.split(separator: " ")
        guard parts.count >= 2, let baud = Int(parts[0]) else { return nil }
        let frame = Array(parts[1].utf8)
        guard frame.count == 3, let bits = Int(String(UnicodeScalar(frame[0]))),
              let stop = Int(String(UnicodeScalar(frame[2]))) else { return nil }
        let parity: Parity
        switch frame[1] {
        case UInt8(ascii: "N"): parity = .none
        case UInt8(ascii: "E"): parity = .even
        case UInt8(ascii: "O"): parity = .odd
        default: return nil
        }
        var flow = FlowControl.none
        if parts.count > 2 {
            guard let f = FlowControl(rawValue: String(parts[2])) else { return nil }
            flow = f
        }
        self.init(baudRate: baud, dataBits: bits, parity: parity, stopBits: stop, flowControl: flow)
    }
}
